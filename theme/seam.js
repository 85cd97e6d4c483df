// Seam: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // On a narrow screen the navigation folds behind a Menu button; without
  // this script it stays open, wrapped under the site's name.
  var header = document.querySelector(".site-header");
  var toggle = header && header.querySelector(".nav-toggle");
  if (toggle) {
    header.classList.add("js-nav");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      header.classList.toggle("nav-open", open);
    });
  }
  // A graph's arrows say what is needed when focused or tapped, not only on hover.
  document.querySelectorAll("figure.graph").forEach(function (figure) {
    var detail = document.createElement("p");
    detail.className = "graph-detail muted";
    detail.setAttribute("aria-live", "polite");
    detail.setAttribute("data-enhancement", "");
    detail.textContent = "Select an arrow (or Tab to it) for what is needed.";
    figure.insertAdjacentElement("afterend", detail);
    function show(e) {
      var edge = e.target.closest && e.target.closest(".edge");
      if (edge && edge.getAttribute("aria-label")) detail.textContent = edge.getAttribute("aria-label") + ".";
    }
    figure.addEventListener("focusin", show);
    figure.addEventListener("click", show);
    // A wide graph opens on its middle, where a layered drawing starts, not its empty left edge.
    if (figure.scrollWidth > figure.clientWidth) figure.scrollLeft = (figure.scrollWidth - figure.clientWidth) / 2;
  });
  // Filter tables by the data-* attributes of their rows (the ADR index).
  document.querySelectorAll("form[data-filter-table]").forEach(function (form) {
    var table = document.getElementById(form.getAttribute("data-filter-table"));
    if (!table) return;
    form.hidden = false;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function apply() {
      var status = form.elements.status.value, team = form.elements.team.value, tag = form.elements.tag.value;
      var shown = 0;
      rows.forEach(function (row) {
        // A search of the filter's box leaves only the ADRs it found (theme/search.js).
        var ok = (!form.searchMatches || form.searchMatches.has(row.dataset.url)) &&
          (!status || row.dataset.status === status) &&
          (!team || row.dataset.team === team) &&
          (!tag || (" " + row.dataset.tags + " ").indexOf(" " + tag + " ") >= 0);
        row.hidden = !ok;
        if (ok) shown++;
      });
      form.elements.shown.value = shown + " of " + rows.length;
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    apply();
  });
  // Sort tables marked data-sortable by clicking a column header (a button, for keyboards).
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = (a.cells[col].getAttribute("data-sort") || a.cells[col].textContent).trim();
          var y = (b.cells[col].getAttribute("data-sort") || b.cells[col].textContent).trim();
          return (ascending ? 1 : -1) * x.localeCompare(y, undefined, { numeric: true });
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
