// Install and read offline, the page's side (the worker is static/js/sw.js): registers the worker and tells it who is
// signed in ("" for nobody), so it keeps this person's protocols and feed and drops anyone else's; on a copy the
// worker kept (`data-offline-saved` on <html>) shows «No connection — saved …», turns off the buttons that would
// send something and holds htmx back; and at sign-out forgets this person's kept pages before the form is sent, even without a connection.
(function () {
  "use strict";
  var PERSONAL = "kolo-person-";
  var me = document.currentScript;
  var texts = {};
  try { texts = JSON.parse(document.getElementById("kolo-texts").textContent); } catch (e) { /* defaults below */ }

  function register() {
    if (!("serviceWorker" in navigator) || !me) return;
    navigator.serviceWorker.register(me.dataset.worker, { scope: me.dataset.scope }).catch(function () {
      /* no worker (a private window, an old browser): Kolo works as before, online only */
    });
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "visit", user: me.dataset.user || "" });
    });
  }

  function when(iso) {
    var moment = new Date(iso);
    if (isNaN(moment.getTime())) return "";
    var format = { day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" };
    if (moment.getFullYear() !== new Date().getFullYear()) format.year = "numeric";
    return moment.toLocaleString(document.documentElement.lang || "uk", format);
  }

  var saved = document.documentElement.getAttribute("data-offline-saved");

  function showSaved() {
    if (saved === null) return;
    var banner = document.createElement("p");
    banner.className = "notice warning offline-banner";
    banner.setAttribute("role", "status");
    var line = document.createElement("strong");
    // The offline page stands in for a page that was never saved: it only says there is no connection.
    var standsIn = document.querySelector("[data-offline-page]");
    line.textContent = standsIn ? texts.offline_none || "No connection." :
      (texts.offline_saved || "No connection — saved {when}").replace("{when}", when(saved)) + ".";
    banner.appendChild(line);
    var main = document.getElementById("main");
    var buttons = document.querySelectorAll("form[method=post]:not([data-offline-forget]) :is(button, input[type=submit])");
    buttons.forEach(function (button) { button.disabled = true; });
    if (main && main.querySelector("form[method=post] [disabled]")) {
      var note = document.createElement("span");
      note.textContent = " " + (texts.offline_sending || "");
      banner.appendChild(note);
    }
    if (main) main.insertBefore(banner, main.firstChild);
  }

  // A saved copy stays as it was saved: htmx (the bell, "load more") would only fail, or mix live parts into it.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (saved !== null) event.preventDefault();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-offline-forget]") || !window.caches) return;
    event.preventDefault();
    var send = function () { HTMLFormElement.prototype.submit.call(form); };
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf(PERSONAL) === 0; })
        .map(function (name) { return caches.delete(name); }));
    }).then(send, send);
  });

  register();
  showSaved();
})();
