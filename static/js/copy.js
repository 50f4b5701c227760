// "Copy" buttons beside a read-only field (a calendar address): one tap puts the text on the clipboard and the button
// says so. Without this script the buttons stay hidden and the field can still be selected and copied by hand.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-copied");
        setTimeout(function () { button.textContent = label; }, 2500);
      }, function () {
        field.select();
      });
    });
  });
})();
