/* Sortable tables for the followup board: click a header to sort, click again to reverse.
   Written for the board (no network, no dependencies). A cell may carry data-sort with a
   sortable value (numbers, ISO dates); otherwise its text is used. Numbers sort as
   numbers, everything else with the page language's collation. */
(function () {
  "use strict";
  function value(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var key = cell.getAttribute("data-sort");
    return key !== null ? key : cell.textContent.trim();
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    var numeric = /^-?\d+(\.\d+)?$/;
    if (numeric.test(a) && numeric.test(b)) return x - y;
    if (a === "" && b !== "") return 1;
    if (b === "" && a !== "") return -1;
    return a.localeCompare(b, document.documentElement.lang || "zh");
  }
  function sortBy(table, header, index) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, i) { row.__order = i; });
    rows.sort(function (r1, r2) {
      var c = compare(value(r1, index), value(r2, index));
      if (c === 0) return r1.__order - r2.__order;
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  function init(root) {
    var tables = (root || document).querySelectorAll("table.fu-sortable");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.__sortable || !table.tHead) return;
      table.__sortable = true;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        th.setAttribute("tabindex", "0");
        th.setAttribute("role", "columnheader");
        th.classList.add("fu-sort-header");
        th.addEventListener("click", function () { sortBy(table, th, index); });
        th.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            sortBy(table, th, index);
          }
        });
      });
    });
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(function () { init(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
