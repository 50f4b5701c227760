// "Turn on for this device" on the notification settings page: asks the browser's permission, subscribes through
// Kolo's service worker (registered by offline.js on every page; sw.js shows the pushes) with the server's key and
// sends the subscription to Kolo, which pushes to it while this browser stays signed in. A subscription the browser
// already has is sent again, so it serves whoever is signed in now.
(function () {
  "use strict";
  var box = document.querySelector("[data-push-device]");
  if (!box) return;
  var status = box.querySelector("[data-push-status]");
  var on = box.querySelector("[data-push-on]");
  var off = box.querySelector("[data-push-off]");
  var token = document.querySelector("input[name=csrf_token]");

  function say(key) { status.textContent = status.getAttribute("data-" + key); }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window) || !token) {
    say("unsupported");
    return;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token.value },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response;
    });
  }

  function bytes(base64url) {
    var text = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (text.length % 4) text += "=";
    var raw = atob(text);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function show(subscription) {
    on.hidden = !!subscription;
    off.hidden = !subscription;
    say(subscription ? "on" : Notification.permission === "denied" ? "blocked" : "off");
  }

  navigator.serviceWorker.ready.then(function (registration) {
    registration.pushManager.getSubscription().then(function (subscription) {
      if (!subscription) return show(null);
      return post(box.getAttribute("data-subscribe-url"), subscription.toJSON()).then(function () { show(subscription); });
    }).catch(function () { show(null); });

    on.addEventListener("click", function () {
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") return show(null);
        return fetch(box.getAttribute("data-key-url"), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (key) {
            return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(key.public_key) });
          })
          .then(function (subscription) {
            return post(box.getAttribute("data-subscribe-url"), subscription.toJSON()).then(function () { show(subscription); });
          });
      }).catch(function () { say("unsupported"); });
    });

    off.addEventListener("click", function () {
      registration.pushManager.getSubscription().then(function (subscription) {
        if (!subscription) return show(null);
        return post(box.getAttribute("data-unsubscribe-url"), { endpoint: subscription.endpoint })
          .then(function () { return subscription.unsubscribe(); })
          .then(function () { show(null); });
      });
    });
  });
})();
