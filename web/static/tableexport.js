"use strict";
// Every data table of the pages can be exported: a button before each
// table.data downloads its rows as CSV. In Dutch (<html lang="nl">) the
// fields are separated by ';', which Dutch Excel opens as columns; in
// English by ','. The file starts with a byte order mark so that Excel
// reads it as UTF-8. A table marked "server-export" has an export of its
// own (the paged worklist), and cells marked "noexport" (forms, buttons)
// are left out. window.creditflowTableCSV(table) gives a table's CSV.
(function () {
  var dutch = (document.documentElement.lang || "").toLowerCase().indexOf("nl") === 0;
  var sep = dutch ? ";" : ",";

  // field quotes a value when it holds the separator, a quote or a line
  // break, and keeps a spreadsheet from reading it as a formula.
  function field(s) {
    s = s.replace(/\s+/g, " ").trim();
    if (/^[=+\-@]/.test(s) && !/^[-+]?[\d.,\s]+%?$/.test(s)) {
      s = "'" + s;
    }
    if (s.indexOf(sep) >= 0 || s.indexOf('"') >= 0 || /[\r\n]/.test(s)) {
      s = '"' + s.replace(/"/g, '""') + '"';
    }
    return s;
  }

  // cellText is what a cell shows, without what is only for screens that
  // cannot see it or what the export leaves out.
  function cellText(cell) {
    var c = cell.cloneNode(true);
    c.querySelectorAll(".noexport, details, form, button, script").forEach(function (el) { el.remove(); });
    return c.textContent;
  }

  function rowFields(tr) {
    var out = [];
    Array.prototype.forEach.call(tr.cells, function (cell) {
      if (cell.classList.contains("noexport")) { return; }
      out.push(field(cellText(cell)));
      for (var i = 1; i < (cell.colSpan || 1); i++) { out.push(""); }
    });
    return out.join(sep);
  }

  function tableCSV(table) {
    var lines = [];
    Array.prototype.forEach.call(table.rows, function (tr) {
      if (tr.closest("table") !== table || tr.hidden) { return; }
      lines.push(rowFields(tr));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  // fileName names the download after the page and the table's panel.
  function fileName(table, n) {
    var page = location.pathname.replace(/^\/+|\/+$/g, "").replace(/[^A-Za-z0-9]+/g, "-") || (dutch ? "overzicht" : "overview");
    var panel = table.closest("[id]");
    var name = page + (panel && panel.id ? "-" + panel.id : "-" + n);
    var asOf = new URLSearchParams(location.search).get("as_of");
    return name + (asOf ? "-" + asOf : "") + ".csv";
  }

  function addButtons() {
    var n = 0;
    document.querySelectorAll("table.data").forEach(function (table) {
      n++;
      if (table.classList.contains("server-export") || table.dataset.exportButton) { return; }
      table.dataset.exportButton = "1";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "quiet table-export";
      button.textContent = dutch ? "Exporteer CSV" : "Export CSV";
      var name = fileName(table, n);
      button.addEventListener("click", function () {
        var blob = new Blob([tableCSV(table)], { type: "text/csv;charset=utf-8" });
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = name;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
      });
      var wrap = table.closest(".tablewrap") || table;
      var bar = document.createElement("div");
      bar.className = "table-tools";
      bar.appendChild(button);
      wrap.parentNode.insertBefore(bar, wrap);
    });
  }

  window.creditflowTableCSV = tableCSV;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addButtons);
  } else {
    addButtons();
  }
})();
