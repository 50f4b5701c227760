// Editors keep what is typed: a form with data-draft="<key>" saves its text fields in this browser as they change,
// brings them back after a lost connection or a closed tab (with a note and a way to discard), and warns before
// leaving with unsaved changes. A draft is dropped once the next page confirms the save with a flash message.
(function () {
  "use strict";
  var PREFIX = "kolo-draft:";
  var PENDING = "kolo-draft-pending";
  var texts = {};
  try { texts = JSON.parse(document.getElementById("kolo-texts").textContent); } catch (e) { /* defaults below */ }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && /^(text|search|url|date|datetime-local|time|number|)$/.test(el.type)));
    });
  }
  function read(form) {
    var values = {};
    fields(form).forEach(function (el) { values[el.name] = el.value; });
    return values;
  }
  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function settle() {
    var pending = sessionStorage.getItem(PENDING);
    if (!pending) return;
    sessionStorage.removeItem(PENDING);
    if (document.querySelector("#flash .flash-message")) {
      var storage = store(); if (storage) storage.removeItem(PREFIX + pending);
    }
  }

  function restoreNote(form, key, original) {
    var note = document.createElement("p");
    note.className = "notice info draft-note";
    note.setAttribute("role", "status");
    note.textContent = (texts.draft_restored || "Your unsaved text was brought back.") + " ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link-button";
    discard.textContent = texts.draft_discard || "Discard it";
    discard.addEventListener("click", function () {
      fields(form).forEach(function (el) { if (el.name in original) el.value = original[el.name]; });
      var storage = store(); if (storage) storage.removeItem(PREFIX + key);
      form.dispatchEvent(new Event("kolo:draft-discarded"));
      note.remove();
    });
    note.appendChild(discard);
    form.insertBefore(note, form.firstChild);
  }

  function watch(form) {
    var key = form.getAttribute("data-draft");
    var storage = store();
    if (!key || !storage) return;
    var original = read(form);
    var dirty = false;
    var saved = null;
    try { saved = JSON.parse(storage.getItem(PREFIX + key) || "null"); } catch (e) { saved = null; }
    if (saved && saved.values) {
      var differs = Object.keys(saved.values).some(function (name) { return name in original && saved.values[name] !== original[name]; });
      if (differs) {
        fields(form).forEach(function (el) { if (el.name in saved.values) el.value = saved.values[el.name]; });
        dirty = true;
        restoreNote(form, key, original);
        for (var fold = form.closest("details"); fold; fold = fold.parentElement.closest("details")) fold.open = true;
      } else {
        storage.removeItem(PREFIX + key);
      }
    }
    form.addEventListener("input", function () {
      dirty = true;
      try { storage.setItem(PREFIX + key, JSON.stringify({ values: read(form), at: Date.now() })); } catch (e) { /* full */ }
    });
    form.addEventListener("kolo:draft-discarded", function () { dirty = false; });
    form.addEventListener("submit", function () {
      dirty = false;
      sessionStorage.setItem(PENDING, key);
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  function start() {
    settle();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), watch);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
