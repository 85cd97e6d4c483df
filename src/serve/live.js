// Added by `seam serve` to the pages it serves (never to built files):
// reloads this page when a rebuild changes it, keeping its scroll position,
// and shows the docs' new problems over it until they are fixed.
(function () {
  "use strict";
  var key = "seam-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = Number(saved);
    var restore = function () { window.scrollTo(0, y); };
    if (document.readyState === "complete") restore();
    else window.addEventListener("load", restore);
  }

  function here(path) {
    var mine = location.pathname;
    return path === mine || path + "index.html" === mine || path === mine + "index.html" ||
      /\.(css|js)$/.test(path);
  }

  function reload() {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  }

  var box = null;
  function show(state) {
    var problems = state.problems || [];
    var errors = state.errors || [];
    var stale = (state.last_good || {})[location.pathname];
    if (box) { box.remove(); box = null; }
    if (!problems.length && !errors.length && !stale) return;
    box = document.createElement("aside");
    box.id = "seam-overlay";
    box.setAttribute("role", "status");
    box.setAttribute("aria-label", "Problems found by seam serve");
    box.style.cssText = "position:fixed;z-index:2147483647;left:1rem;right:1rem;bottom:1rem;max-height:50vh;overflow:auto;" +
      "background:#1f1f24;color:#f4f4f5;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;" +
      "border-left:4px solid #e5484d;border-radius:6px;padding:.75rem 1rem;box-shadow:0 6px 24px rgba(0,0,0,.35)";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Hide until the next change");
    close.style.cssText = "float:right;background:none;border:0;color:inherit;font-size:1.25rem;cursor:pointer";
    close.onclick = function () { box.remove(); box = null; };
    box.appendChild(close);
    var line = function (text, colour) {
      var p = document.createElement("div");
      p.textContent = text;
      if (colour) p.style.color = colour;
      box.appendChild(p);
      return p;
    };
    if (stale) {
      line("This page is the last good version: " + stale + " no longer parses.", "#ffb224");
    }
    errors.forEach(function (e) { line("error: " + e, "#ff8589"); });
    problems.forEach(function (p) {
      var item = document.createElement("div");
      item.className = "seam-problem";
      item.style.margin = ".35rem 0";
      var head = document.createElement("div");
      head.textContent = p.severity + "[" + p.code + "]: " + p.message;
      head.style.color = p.severity === "error" ? "#ff8589" : "#ffb224";
      var where = document.createElement("div");
      where.textContent = "  --> " + p.file + ":" + p.line + ":" + p.column;
      item.appendChild(head);
      item.appendChild(where);
      if (p.hint) {
        var hint = document.createElement("div");
        hint.textContent = "  = help: " + p.hint;
        item.appendChild(hint);
      }
      box.appendChild(item);
    });
    document.body.appendChild(box);
  }

  fetch("/__seam/problems").then(function (r) { return r.json(); }).then(show, function () {});
  var events = new EventSource("/__seam/events");
  events.addEventListener("reload", function (e) {
    var paths = JSON.parse(e.data).paths;
    if (paths === null || paths.some(here)) reload();
  });
  events.addEventListener("problems", function (e) { show(JSON.parse(e.data)); });
})();
