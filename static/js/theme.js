// The theme switch (light / dark / as the system) changes the page at once, without a reload: the choice is sent to
// the server, which keeps it in a cookie so the next page is drawn in it from the first byte. Without this script
// the same buttons post the form and come back. Also closes the header menu on Escape or a tap outside it.
(function () {
  "use strict";

  function apply(theme) {
    if (theme === "light" || theme === "dark") document.documentElement.setAttribute("data-theme", theme);
    else document.documentElement.removeAttribute("data-theme");
    document.querySelectorAll("[data-theme-switch] button[name=theme]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.value === theme ? "true" : "false");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-theme-switch]")) return;
    var button = event.submitter;
    if (!button || button.name !== "theme" || !window.fetch) return;
    event.preventDefault();
    var data = new FormData(form);
    data.set("theme", button.value);
    apply(button.value);
    fetch(form.action, { method: "POST", body: new URLSearchParams(data), headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.ok) return;
        var field = document.createElement("input"); // refused (an expired form): post it plainly and show why
        field.type = "hidden"; field.name = "theme"; field.value = button.value;
        form.appendChild(field); form.submit();
      })
      .catch(function () { /* offline: the page already shows the choice; the next one asks the server again */ });
  });

  // The header menu is a <details>: Escape or a tap elsewhere folds it, as a menu would.
  function closeMenus(except) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest ? event.target.closest("details[data-menu]") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details[data-menu][open]");
    if (!open) return;
    open.removeAttribute("open");
    open.querySelector("summary").focus();
  });
})();
