/* caseapp: the "Berichte" page polls the status of report jobs still queued or running and updates their
   rows in place (progress bar, step, then "fertig" with pages, checksum and download link, or the error).
   A static file loaded with the page's CSP nonce: the Content-Security-Policy refuses inline scripts. */
(function () {
  "use strict";

  var PENDING = '#report-jobs tr[data-status="queued"], #report-jobs tr[data-status="running"]';

  function pending() {
    return Array.prototype.map.call(document.querySelectorAll(PENDING),
      function (row) { return row.getAttribute("data-job"); });
  }

  function cell(row, name) { return row.querySelector('[data-cell="' + name + '"]'); }

  function showProgress(row, job) {
    var bar = row.querySelector(".progress-bar");
    var step = row.querySelector(".job-step");
    if (bar) {
      bar.style.width = job.progress + "%";
      bar.setAttribute("aria-valuenow", job.progress);
      bar.textContent = job.progress + " %";
    }
    if (step) { step.textContent = job.step || job.status_label; }
  }

  function showFinished(row, job) {
    var state = cell(row, "state");
    state.textContent = "";
    if (job.status === "failed") {
      var label = document.createElement("span");
      label.className = "text-danger";
      label.textContent = job.status_label;
      var error = document.createElement("small");
      error.textContent = job.error;
      state.appendChild(label);
      state.appendChild(document.createTextNode(" "));
      state.appendChild(error);
      return;
    }
    state.textContent = job.status_label;
    cell(row, "pages").textContent = job.pages || "";
    var code = document.createElement("code");
    code.title = job.checksum || "";
    code.textContent = (job.checksum || "").slice(0, 12);
    cell(row, "checksum").textContent = "";
    cell(row, "checksum").appendChild(code);
    if (job.download_url) {
      var link = document.createElement("a");
      link.className = "btn btn-sm btn-outline-primary";
      link.href = job.download_url;
      link.textContent = row.closest("table").getAttribute("data-download-label");
      cell(row, "download").textContent = "";
      cell(row, "download").appendChild(link);
    }
  }

  var announced = {};

  function announce(job) {
    // The live region (role=status) tells screen reader users what changed: the step, then the end.
    var table = document.getElementById("report-jobs");
    var label = (table && table.getAttribute("data-job-label")) || "Bericht";  // translated by the page
    var text = label + " " + job.id + ": " + (job.status === "done" || job.status === "failed"
      ? job.status_label : (job.step || job.status_label));
    if (announced[job.id] === text) { return; }
    announced[job.id] = text;
    var region = document.getElementById("report-jobs-status");
    if (region) { region.textContent = text; }
  }

  function update(job) {
    var row = document.querySelector('#report-jobs tr[data-job="' + job.id + '"]');
    if (!row) { return; }
    announce(job);
    row.setAttribute("data-status", job.status);
    if (job.status === "done" || job.status === "failed") {
      showFinished(row, job);
    } else {
      showProgress(row, job);
    }
  }

  function poll(statusUrl) {
    var ids = pending();
    if (!ids.length) { return; }
    var table = document.getElementById("report-jobs");
    if (window.caseappPaused && window.caseappPaused(table)) { return; }  // resumed by the pause button
    fetch(statusUrl + "?ids=" + ids.join(","), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (data) {
        data.jobs.forEach(update);
        window.setTimeout(function () { poll(statusUrl); }, 2000);
      })
      .catch(function () { window.setTimeout(function () { poll(statusUrl); }, 5000); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.getElementById("report-jobs");
    if (!table) { return; }
    var statusUrl = table.getAttribute("data-status-url");
    if (pending().length && window.caseappPause) {
      window.caseappPause(table, function () { poll(statusUrl); });
    }
    window.setTimeout(function () { poll(statusUrl); }, 1000);
  });
}());
