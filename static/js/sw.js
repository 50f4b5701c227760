// Kolo's service worker (served at /sw.js by app/routers/offline.py): a nurse in a basement without Wi-Fi still reads
// the protocols she must know and the feed's first page.
//
// Online, every page comes from the network: nothing stale is shown. The pages a person keeps are listed by the server
// (`list`: the feed, the protocols they must know) and stored, with the offline page, in a cache of that person's own,
// "kolo-person-<id>"; they are fetched again when a page asks (at most every REFRESH_MS) and each time one of them is
// opened. Without a connection (or when the network keeps a kept page waiting PATIENCE_MS) the kept copy is shown with
// `data-offline-saved="<when it was stored>"` on its <html>, which static/js/offline.js turns into the «No connection —
// saved …» banner: the mark travels inside the document, so it is there at first paint and on a reload, with no
// message to race. A page that is not kept gets the offline page, which lists what is.
//
// Another person's pages are never shown: every page tells the worker who is signed in (`visit`, "" for nobody), and
// every other person's cache is dropped at once; the server's list names the person again before anything is kept.
// Signing out drops the person's cache (offline.js, before the form is sent) and the server's answer to it carries
// Clear-Site-Data, which empties all of the site's storage. Kolo's own files (`files`: styles, scripts) go to a shared
// cache; nothing else is stored: no API answer, no upload, no POST, nothing from another origin, nothing `no-store`.
"use strict";

var params = new URL(self.location.href).searchParams;
var LIST = params.get("list");
var OFFLINE = new URL(params.get("offline"), self.location.href).href;
var FILES = new URL(params.get("files"), self.location.href).href;
var SHARED = "kolo-files";
var PERSONAL = "kolo-person-";
var SAVED = "X-Kolo-Saved"; // on a stored copy: when it was stored (ISO 8601)
var REFRESH_MS = 5 * 60 * 1000;
var PATIENCE_MS = 8000;
var keeping = null; // the refresh under way, so that two tabs do not fetch everything twice

self.addEventListener("install", function (event) {
  event.waitUntil(keepShell().then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name !== SHARED && name.indexOf(PERSONAL) !== 0;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "visit") event.waitUntil(visit(String(data.user || "")));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    var url = request.url.split("#")[0];
    var network = fetch(request);
    // Cloned before the page is answered with it: a kept page opened online is its freshest copy.
    event.waitUntil(network.then(function (response) { return refresh(url, response.clone()); }, function () {}));
    event.respondWith(networkFirst(network, function () { return keptCopy(url); }, offlinePage));
  } else if (request.url.indexOf(FILES) === 0) {
    var file = fetch(request);
    event.waitUntil(file.then(function (response) { return keepFile(request, response.clone()); }, function () {}));
    event.respondWith(networkFirst(file, function () { return caches.match(request, { cacheName: SHARED }); }, function () {
      return Promise.resolve(Response.error());
    }));
  }
});

// The network's answer; the kept one when the network fails, answers with a server error (Kolo restarting behind its
// proxy) or keeps us waiting, and there is one; else `otherwise` (a server error is still shown as it came).
function networkFirst(network, kept, otherwise) {
  return new Promise(function (resolve) {
    var settled = false;
    function give(response) {
      if (response && !settled) { settled = true; clearTimeout(timer); resolve(response); }
      return settled;
    }
    var timer = setTimeout(function () { kept().then(give); }, PATIENCE_MS);
    network.then(function (response) {
      if (response.status < 500) give(response);
      else kept().then(function (copy) { give(copy || response); });
    }, function () {
      kept().then(function (response) { if (!give(response)) otherwise().then(give); });
    });
  });
}

// A page names who is signed in: others' pages go at once; theirs are refreshed when due.
function visit(user) {
  return dropPersonal(user ? PERSONAL + user : "").then(function () {
    if (!user) return;
    return caches.open(PERSONAL + user).then(function (cache) { return cache.match(OFFLINE); }).then(function (marker) {
      var saved = marker ? Date.parse(marker.headers.get(SAVED)) : 0;
      if (!(Date.now() - saved < REFRESH_MS)) return keepPersonal();
    });
  });
}

function keepPersonal() {
  if (!keeping) {
    keeping = fetchPersonal().catch(function () {}).then(function () { keeping = null; });
  }
  return keeping;
}

// The server names the person and their pages; each is fetched in turn (a phone on a weak connection, a busy server)
// and kept, the offline page last: its time says when the whole set was last kept.
function fetchPersonal() {
  return fetch(LIST, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (answer) {
    if (answer.status === 401) return dropPersonal("");
    if (!answer.ok) return;
    return answer.json().then(function (list) {
      var name = PERSONAL + list.user_id;
      var urls = [list.feed_url].concat(list.articles.map(function (a) { return a.url; })).map(function (path) {
        return new URL(path, self.location.href).href;
      }).concat([OFFLINE]);
      return dropPersonal(name).then(function () { return caches.open(name); }).then(function (cache) {
        return urls.reduce(function (done, url) {
          return done.then(function () { return keepPage(cache, name, url); });
        }, Promise.resolve()).then(function () { return cache.keys(); }).then(function (stored) {
          return Promise.all(stored.filter(function (request) { return urls.indexOf(request.url) < 0; })
            .map(function (request) { return cache.delete(request); }));
        });
      });
    });
  });
}

function keepPage(cache, name, url) {
  var headers = { "X-Kolo-Offline-Copy": "1" }; // a copy for the device: the server counts no view
  return fetch(url, { credentials: "same-origin", headers: headers }).then(function (response) {
    if (keepable(response, url)) return store(cache, name, url, response);
  }).catch(function () {}); // the connection went midway: the copy kept before stays
}

// A kept page opened online is stored again (only into its person's cache, only a page already kept).
function refresh(url, response) {
  return caches.keys().then(function (names) {
    var name = onlyPersonal(names);
    if (!name || !keepable(response, url)) return;
    return caches.open(name).then(function (cache) {
      return cache.match(url).then(function (before) { if (before) return store(cache, name, url, response); });
    });
  });
}

// Stored with the time, only when the page is the cache's person's own: every page names who it was drawn for
// (`data-user` on the script tag of offline.js), so a page of someone who has just signed in never lands in the
// cache of the person before.
function store(cache, name, url, response) {
  return response.text().then(function (html) {
    if (html.indexOf('data-user="' + name.slice(PERSONAL.length) + '"') < 0) return;
    return cache.put(url, stamped(response, html));
  });
}

// Only the page asked for, whole and as itself: no redirect (to the sign-in page), no error, nothing `no-store`.
function keepable(response, url) {
  return response.ok && response.type === "basic" && !response.redirected && response.url.split("#")[0] === url &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0 && !noStore(response);
}

function noStore(response) {
  return /no-store/i.test(response.headers.get("Cache-Control") || "");
}

function stamped(response, html) {
  var headers = new Headers(response.headers);
  headers.set(SAVED, new Date().toISOString());
  headers.delete("Content-Length");
  return new Response(html, { status: response.status, statusText: response.statusText, headers: headers });
}

// A stored page as it is shown: marked with the time it was stored, for the banner.
function shown(response) {
  if (!response) return Promise.resolve(null);
  return response.text().then(function (html) {
    var saved = (response.headers.get(SAVED) || "").replace(/[^0-9A-Z:.+-]/g, "");
    var headers = new Headers(response.headers);
    headers.delete("Content-Length");
    return new Response(html.replace("<html", '<html data-offline-saved="' + saved + '"'), { status: 200, headers: headers });
  });
}

// The name of the one person's cache there is (a visit drops the others), or none.
function onlyPersonal(names) {
  var mine = names.filter(function (name) { return name.indexOf(PERSONAL) === 0; });
  return mine.length === 1 ? mine[0] : null;
}

function keptCopy(url) {
  return caches.keys().then(function (names) {
    var name = onlyPersonal(names);
    return name ? caches.open(name).then(function (cache) { return cache.match(url); }) : null;
  }).then(shown);
}

// The signed-in person's offline page (their protocols), else the one that names no one.
function offlinePage() {
  return keptCopy(OFFLINE).then(function (page) {
    return page || caches.match(OFFLINE, { cacheName: SHARED }).then(shown);
  }).then(function (page) { return page || Response.error(); });
}

function dropPersonal(except) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PERSONAL) === 0 && name !== except;
    }).map(function (name) { return caches.delete(name); }));
  });
}

// At install: the offline page as nobody sees it (fetched without cookies) and Kolo's files it loads, the same
// every page loads, so that the first page after sign-in reads offline as it looks online.
function keepShell() {
  return fetch(OFFLINE, { credentials: "omit" }).then(function (response) {
    if (!keepable(response, OFFLINE)) throw new Error("Kolo's offline page did not load: " + response.status);
    return response.text().then(function (html) {
      var files = [];
      html.replace(/(?:href|src)="([^"]+)"/g, function (_, path) {
        var url = new URL(path.replace(/&amp;/g, "&"), self.location.href).href;
        if (url.indexOf(FILES) === 0 && files.indexOf(url) < 0) files.push(url);
      });
      return caches.open(SHARED).then(function (cache) {
        return Promise.all([cache.put(OFFLINE, stamped(response, html)), cache.addAll(files)]);
      });
    });
  });
}

function keepFile(request, response) {
  if (!response.ok || response.type !== "basic" || noStore(response)) return;
  return caches.open(SHARED).then(function (cache) { return cache.put(request, response); });
}

// Web Push (app/services/push.py): the notification Kolo sent this device, shown by the system; a tap opens its page
// (an open Kolo window on it is brought forward instead). A push arrives only while this browser is signed in.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { /* not Kolo's JSON: a plain notification */ }
  event.waitUntil(self.registration.showNotification(data.title || "Коло", {
    body: data.body || "",
    tag: data.tag,
    icon: new URL("icons/icon-192.png", FILES).href,
    data: { url: new URL(data.url || "/", self.location.href).href },
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data || {}).url || self.location.origin + "/";
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === url && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(url);
  }));
});
