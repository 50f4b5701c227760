// The header search box as a combobox: titles are suggested as you type (the same fragment the search page uses),
// ArrowDown / ArrowUp move through them, Enter opens the chosen one (or searches for what is typed), Escape closes.
// "/" anywhere outside a text field jumps to the box; on a phone the magnifier button unfolds it. Without this
// script the box is a plain GET form to /search and the magnifier a link to the search page.
(function () {
  "use strict";
  var header = document.querySelector(".site-header");
  var input = document.querySelector("input[data-search-box]");
  if (!input || !header) return;
  var list = document.getElementById(input.getAttribute("data-list"));
  var toggle = header.querySelector(".search-toggle");
  var url = input.getAttribute("data-suggest-url");
  var active = -1, timer = null, asked = 0;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.getAttribute("placeholder") || "");

  function options() { return list.querySelectorAll("[role=option]"); }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function show(html) {
    list.innerHTML = html;
    list.querySelectorAll("ul").forEach(function (ul) { ul.setAttribute("role", "none"); ul.removeAttribute("aria-label"); });
    list.querySelectorAll("li").forEach(function (li, i) {
      li.setAttribute("role", "option");
      li.id = list.id + "-" + i;
      li.setAttribute("aria-selected", "false");
      var link = li.querySelector("a");
      if (link) link.tabIndex = -1; // the box keeps the focus; the arrows choose
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    var any = options().length > 0;
    list.hidden = !any;
    input.setAttribute("aria-expanded", any ? "true" : "false");
  }

  function choose(index) {
    var all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function suggest() {
    var q = input.value.trim();
    var mine = ++asked;
    if (q.length < 2) { close(); list.innerHTML = ""; return; }
    fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (mine === asked) show(html); })
      .catch(function () { /* offline: Enter still searches */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });

  input.addEventListener("keydown", function (event) {
    var open = !list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (open) choose(active + 1); else if (options().length) { show(list.innerHTML); choose(0); }
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      choose(active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      var link = options()[active].querySelector("a");
      if (link) { event.preventDefault(); window.location.assign(link.href); }
    } else if (event.key === "Escape") {
      clearTimeout(timer); asked++; // a list still on its way stays away
      if (open) { event.preventDefault(); close(); }
      else if (header.classList.contains("search-open")) { event.preventDefault(); fold(); }
    }
  });

  // A pointer on a suggestion keeps the focus in the box until the link is followed.
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
  input.addEventListener("focus", function () { if (options().length && input.value.trim().length >= 2) show(list.innerHTML); });

  function unfold() {
    header.classList.add("search-open");
    if (toggle) toggle.setAttribute("aria-expanded", "true");
    input.focus();
    input.select();
  }
  function fold() {
    header.classList.remove("search-open");
    close();
    if (toggle) { toggle.setAttribute("aria-expanded", "false"); toggle.focus(); }
  }
  if (toggle) {
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      if (header.classList.contains("search-open")) fold(); else unfold();
    });
  }

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || typing(document.activeElement)) return;
    event.preventDefault();
    unfold();
  });
})();
