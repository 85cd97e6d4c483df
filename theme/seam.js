// Seam: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
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
        var ok = (!status || row.dataset.status === status) &&
          (!team || row.dataset.team === team) &&
          (!tag || (" " + row.dataset.tags + " ").indexOf(" " + tag + " ") >= 0);
        row.hidden = !ok;
        if (ok) shown++;
      });
      form.elements.shown.value = shown + " of " + rows.length;
    }
    form.addEventListener("change", apply);
    apply();
  });
})();
