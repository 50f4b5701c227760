// Mentioning colleagues by name in a textarea with data-mentions: typing "@Ткач" lists colleagues by name, handle
// and department under the line being written; ArrowDown / ArrowUp move, Enter or Tab inserts "@handle ", Escape
// closes, a tap on a colleague inserts them. Every @word that matches nobody is listed under the field ("@xyz —
// nobody found") before the text is sent. Without this script the field is a plain textarea and @handles still work.
(function () {
  "use strict";
  var me = document.currentScript;
  var suggestUrl = me && me.getAttribute("data-suggest");
  var checkUrl = me && me.getAttribute("data-check");
  if (!suggestUrl || !checkUrl || !window.fetch) return;
  var texts = {};
  try { texts = JSON.parse(document.getElementById("kolo-texts").textContent); } catch (e) { /* defaults below */ }
  function say(key, fallback, word) {
    return (texts[key] || fallback).replace("{word}", word || "").replace("{n}", word || "");
  }

  // The @word being written: after a space, a bracket or the start, never inside an e-mail address.
  var TYPING = /(^|[^\p{L}\p{N}_@./&])@([\p{L}\p{N}_.'’ʼ`-]{0,40})$/u;
  var WRITTEN = /(^|[^\p{L}\p{N}_@./&])@([\p{L}\p{N}_][\p{L}\p{N}_.-]{0,39})/gu;
  var counter = 0;

  function setup(area) {
    if (area.hasAttribute("data-mentions-ready")) return;
    area.setAttribute("data-mentions-ready", "");
    var id = "mentions-" + (++counter);
    var focused = document.activeElement === area;
    var field = document.createElement("div");
    field.className = "mention-field";
    area.parentNode.insertBefore(field, area);
    field.appendChild(area);
    if (focused) area.focus(); // moving the field into its box took the focus away

    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", say("mention_list", "Colleagues"));
    list.hidden = true;
    field.appendChild(list);
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    field.appendChild(live);
    var warning = document.createElement("div");
    warning.className = "mention-warning";
    warning.id = id + "-warning";
    warning.setAttribute("role", "status");
    field.appendChild(warning);

    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + warning.id);

    var found = [], active = -1, start = -1, asked = 0, timer = null, checkTimer = null, dismissed = -1;
    var known = {};

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      found = [];
      active = -1;
      area.removeAttribute("aria-activedescendant");
    }

    function choose(index) {
      var options = list.children;
      if (!options.length) return;
      active = (index + options.length) % options.length;
      Array.prototype.forEach.call(options, function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
      area.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function show(people) {
      list.innerHTML = "";
      found = people;
      if (!people.length) { close(); live.textContent = say("mention_none", "Nobody found"); return; }
      people.forEach(function (person, i) {
        var li = document.createElement("li");
        li.id = id + "-option-" + i;
        li.setAttribute("role", "option");
        var name = document.createElement("span");
        name.className = "mention-name";
        name.textContent = person.name;
        var meta = document.createElement("small");
        meta.className = "muted";
        meta.textContent = "@" + person.handle + (person.departments.length ? " · " + person.departments.join(", ") : "");
        li.appendChild(name);
        li.appendChild(meta);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); }); // the field keeps the focus
        li.addEventListener("click", function () { insert(i); });
        list.appendChild(li);
      });
      place();
      list.hidden = false;
      choose(0);
      live.textContent = say("mention_count", "Colleagues found: {n}", String(people.length));
    }

    // The list opens under the line the caret is on (a mirror of the field tells where that line is).
    function place() {
      var style = window.getComputedStyle(area);
      var mirror = document.createElement("div");
      ["boxSizing", "width", "fontFamily", "fontSize", "fontWeight", "lineHeight", "letterSpacing", "paddingTop",
        "paddingRight", "paddingBottom", "paddingLeft", "borderTopWidth", "borderRightWidth", "borderBottomWidth",
        "borderLeftWidth", "textTransform", "wordSpacing", "tabSize"].forEach(function (p) { mirror.style[p] = style[p]; });
      mirror.className = "mention-mirror";
      mirror.textContent = area.value.slice(0, area.selectionStart);
      var caret = document.createElement("span");
      caret.textContent = "\u200b";
      mirror.appendChild(caret);
      field.appendChild(mirror);
      var lineBottom = caret.offsetTop + caret.offsetHeight - area.scrollTop;
      field.removeChild(mirror);
      var top = Math.min(Math.max(lineBottom + 4, 0), area.offsetHeight);
      list.style.top = (area.offsetTop + top) + "px";
    }

    function suggest() {
      var before = area.value.slice(0, area.selectionStart);
      var match = area.selectionStart === area.selectionEnd ? TYPING.exec(before) : null;
      if (!match) { start = -1; close(); return; }
      start = before.length - match[2].length - 1;
      if (start === dismissed) return;
      var mine = ++asked;
      fetch(suggestUrl + "?q=" + encodeURIComponent(match[2]), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (people) { if (mine === asked && start >= 0) show(people); })
        .catch(function () { /* offline: the text can still be written */ });
    }

    function insert(index) {
      var person = found[index];
      if (!person || start < 0) return;
      var end = area.selectionStart;
      var after = area.value.slice(end);
      var word = after.match(/^[\p{L}\p{N}_.'’ʼ`-]*/u)[0]; // the rest of a word the caret was inside of
      var text = "@" + person.handle + (/^\s/.test(after.slice(word.length)) ? "" : " ");
      area.setRangeText(text, start, end + word.length, "end");
      if (/^\s/.test(after.slice(word.length))) area.setSelectionRange(area.selectionStart + 1, area.selectionStart + 1);
      known[person.handle] = true;
      close();
      start = -1;
      area.focus();
      area.dispatchEvent(new Event("input", { bubbles: true })); // drafts and the check see the change
    }

    // --- @words that match nobody ---
    function written() {
      var text = area.value.replace(/```[\s\S]*?```/g, " ").replace(/`[^`]*`/g, " ");
      var caret = document.activeElement === area ? area.selectionStart : -1;
      var words = {}, match;
      WRITTEN.lastIndex = 0;
      while ((match = WRITTEN.exec(text)) !== null) {
        var word = match[2].replace(/[.-]+$/, "");
        var end = match.index + match[0].length;
        if (!/\p{L}/u.test(word) || end === caret) continue; // a number, or the word still being typed
        words[word.toLowerCase()] = word;
      }
      return words;
    }

    function report(words) {
      warning.innerHTML = "";
      var unknown = Object.keys(words).filter(function (key) { return known[key] === false; });
      unknown.forEach(function (key) {
        var line = document.createElement("p");
        line.textContent = say("mention_unknown", "@{word} — nobody found", words[key]);
        warning.appendChild(line);
      });
      if (unknown.length) {
        var hint = document.createElement("p");
        hint.className = "mention-hint";
        hint.textContent = say("mention_hint", "Type a colleague's name after @ and choose them from the list.");
        warning.appendChild(hint);
      }
    }

    function check() {
      var words = written();
      var ask = Object.keys(words).filter(function (key) { return !(key in known); });
      if (!ask.length) { report(words); return; }
      var query = ask.map(function (key) { return "handle=" + encodeURIComponent(key); }).join("&");
      fetch(checkUrl + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (!answer) return;
          var unknown = {};
          answer.unknown.forEach(function (key) { unknown[key] = true; });
          ask.forEach(function (key) { known[key] = !unknown[key]; });
          report(written());
        })
        .catch(function () { /* offline: nothing to tell */ });
    }

    area.addEventListener("input", function () {
      if (start !== dismissed) dismissed = -1;
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
      clearTimeout(checkTimer);
      checkTimer = setTimeout(check, 600);
    });
    area.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        choose(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0 && !event.shiftKey) {
        event.preventDefault();
        insert(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        dismissed = start;
        close();
      }
    });
    area.addEventListener("click", function () { clearTimeout(timer); timer = setTimeout(suggest, 150); });
    area.addEventListener("blur", function () { setTimeout(close, 150); clearTimeout(checkTimer); check(); });
    if (area.value) check();
  }

  function setupAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("textarea[data-mentions]").forEach(setup);
  }
  setupAll(document);
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-mentions]")) setup(event.target);
  });
  document.addEventListener("htmx:load", function (event) { setupAll(event.target); });
})();
