// Seedscope briefing: tooltips, legend toggles and sortable tables on screen.
// The charts are already drawn (SVG); this only adds interaction. Text is set
// with textContent, never parsed as HTML.
(function () {
  "use strict";
  var tip = document.getElementById("tip");

  function show(target, event) {
    tip.textContent = target.getAttribute("data-tip");
    tip.hidden = false;
    var x = event.clientX + 14, y = event.clientY + 14;
    var box = tip.getBoundingClientRect();
    if (x + box.width > window.innerWidth - 8) x = event.clientX - box.width - 10;
    if (y + box.height > window.innerHeight - 8) y = event.clientY - box.height - 10;
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  document.addEventListener("mousemove", function (event) {
    var target = event.target.closest ? event.target.closest("[data-tip]") : null;
    if (target) show(target, event); else tip.hidden = true;
  });
  document.addEventListener("mouseleave", function () { tip.hidden = true; });

  // Legend: show or hide one line of its chart.
  document.querySelectorAll(".figure").forEach(function (figure) {
    figure.querySelectorAll(".legend .key").forEach(function (key) {
      key.addEventListener("click", function () {
        var on = key.getAttribute("aria-pressed") !== "true";
        key.setAttribute("aria-pressed", on ? "true" : "false");
        var series = figure.querySelector('.series[data-series="' + key.getAttribute("data-series") + '"]');
        if (series) series.classList.toggle("off", !on);
      });
    });
  });

  // Sortable tables: click a header to sort by it, again to reverse.
  function cellValue(row, index, numeric) {
    var cell = row.children[index];
    var raw = cell.getAttribute("data-value") || cell.textContent.replace(/[,%\s]/g, "");
    if (!numeric) return cell.textContent.trim().toLowerCase();
    var value = parseFloat(raw);
    return isNaN(value) ? -Infinity : value;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = table.querySelectorAll("th[data-sort]");
    headers.forEach(function (header) {
      header.setAttribute("tabindex", "0");
      function sort() {
        var index = Array.prototype.indexOf.call(header.parentNode.children, header);
        var numeric = header.getAttribute("data-sort") === "num";
        var descending = header.getAttribute("aria-sort") !== "descending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      header.addEventListener("click", sort);
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  });

  document.documentElement.setAttribute("data-interactive", "ready");
})();
