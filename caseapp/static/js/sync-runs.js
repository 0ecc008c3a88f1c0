/* caseapp: the "Abgleiche" page follows running syncs. Every five seconds, while a row is running, the page is
   fetched again and only the table body is replaced (a <meta refresh> reloaded the whole page: focus and a
   screen reader's position were lost, and WCAG 2.2.1 forbids it). What changed is put into the live region
   #sync-runs-status. A static file loaded with the page's CSP nonce. */
(function () {
  "use strict";

  function describe(row) {
    var cells = row.querySelectorAll("td");
    var state = cells.length > 6 ? cells[6].textContent.replace(/\s+/g, " ").trim() : "";
    // the word comes translated from the page (data-run-label), like every word a person reads
    var table = document.getElementById("sync-runs");
    var label = (table && table.getAttribute("data-run-label")) || "Abgleich";
    return label + " " + row.getAttribute("data-run") + ": " + state;
  }

  function running(root) {
    return root.querySelectorAll('#sync-runs tr[data-status="running"]').length > 0;
  }

  function refresh() {
    var table = document.getElementById("sync-runs");
    if (window.caseappPaused && window.caseappPaused(table)) { return; }  // resumed by the pause button
    fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var body = fresh.querySelector("#sync-runs tbody");
        var old = document.querySelector("#sync-runs tbody");
        if (!body || !old) { return; }
        var before = {};
        Array.prototype.forEach.call(old.querySelectorAll("tr[data-run]"), function (row) {
          before[row.getAttribute("data-run")] = describe(row);
        });
        var changes = [];
        Array.prototype.forEach.call(body.querySelectorAll("tr[data-run]"), function (row) {
          var text = describe(row);
          if (before[row.getAttribute("data-run")] !== text) { changes.push(text); }
        });
        old.parentNode.replaceChild(document.importNode(body, true), old);
        if (changes.length) { document.getElementById("sync-runs-status").textContent = changes.join("; "); }
        if (running(document)) { window.setTimeout(refresh, 5000); }
      })
      .catch(function () { window.setTimeout(refresh, 10000); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.getElementById("sync-runs") && running(document)) {
      if (window.caseappPause) { window.caseappPause(document.getElementById("sync-runs"), refresh); }
      window.setTimeout(refresh, 5000);
    }
  });
}());
