/* caseapp: small accessibility helpers for every admin page (docs/accessibility.md). A static file loaded with the
   page's CSP nonce.
   - A form that came back with errors puts the keyboard focus on its first invalid field; the field names its
     error with aria-describedby (templates/admin/lib.html), so a screen reader reads both at once.
   - WCAG 2.2.1: two minutes before the idle logout a dialog says so and offers to extend the session
     (POST /sitzung/verlaengern, auth/sessions.py keep_session); focus moves to its button.
   - WCAG 2.2.2: window.caseappPause(table) puts a "pause updates" button before a table that updates itself
     (report jobs, sync runs); the page's script asks caseappPaused(table) before each update. */
(function () {
  "use strict";

  var WARN_BEFORE = 120;

  // The words come translated from the page (<body data-word-...>, admin/caseapp_base.html).
  function word(name, fallback) {
    return document.body.getAttribute("data-word-" + name) || fallback;
  }

  function csrfToken() {
    var field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function showWarning(body) {
    if (document.getElementById("session-warning")) { return; }
    var box = document.createElement("div");
    box.id = "session-warning";
    box.className = "alert alert-warning";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", "session-warning-text");
    var text = document.createElement("p");
    text.id = "session-warning-text";
    text.textContent = word("idle-warning", "Ihre Sitzung endet in zwei Minuten, weil Sie nichts getan haben. " +
      "Ungespeicherte Eingaben gehen dann verloren.");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-primary btn-sm";
    button.id = "session-extend";
    button.textContent = word("idle-extend", "Sitzung verlängern");
    button.addEventListener("click", function () {
      var data = new FormData();
      data.append("csrf_token", csrfToken());
      fetch(body.getAttribute("data-keep-url"), {method: "POST", body: data, credentials: "same-origin"})
        .then(function (response) {
          if (response.status === 204) {
            box.parentNode.removeChild(box);
            schedule(body);
          } else {
            text.textContent = word("idle-ended", "Die Sitzung ist bereits beendet. Bitte melden Sie sich neu an.");
            button.parentNode.removeChild(button);
          }
        });
    });
    box.appendChild(text);
    box.appendChild(button);
    var main = document.getElementById("inhalt") || document.body;
    main.insertBefore(box, main.firstChild);
    button.focus();
  }

  function schedule(body) {
    var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
    if (idle > WARN_BEFORE * 1.5) {
      window.setTimeout(function () { showWarning(body); }, (idle - WARN_BEFORE) * 1000);
    }
  }

  window.caseappSessionWarning = function () { showWarning(document.body); };  // also for the tests

  var paused = new WeakMap();
  window.caseappPaused = function (table) { return paused.get(table) === true; };
  window.caseappPause = function (table, resume) {
    if (!table || document.getElementById(table.id + "-pause")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.id = table.id + "-pause";
    button.className = "btn btn-outline-secondary btn-sm mb-2";
    button.setAttribute("aria-pressed", "false");
    button.textContent = word("pause", "Automatische Aktualisierung anhalten");
    button.addEventListener("click", function () {
      var now = !window.caseappPaused(table);
      paused.set(table, now);
      button.setAttribute("aria-pressed", now ? "true" : "false");
      button.textContent = now ? word("resume", "Automatische Aktualisierung fortsetzen")
        : word("pause", "Automatische Aktualisierung anhalten");
      if (!now && typeof resume === "function") { resume(); }
    });
    table.parentNode.insertBefore(button, table);
  };

  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector('main [aria-invalid="true"]');
    if (invalid && typeof invalid.focus === "function") { invalid.focus(); }
    if (document.body.getAttribute("data-keep-url")) { schedule(document.body); }
  });
}());
