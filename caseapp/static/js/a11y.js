/* caseapp: small accessibility helpers for every admin page (docs/accessibility.md). A static file loaded with the
   page's CSP nonce.
   - A form that came back with errors puts the keyboard focus on its first invalid field; the field names its
     error with aria-describedby (templates/admin/lib.html), so a screen reader reads both at once. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector('main [aria-invalid="true"]');
    if (invalid && typeof invalid.focus === "function") { invalid.focus(); }
  });
}());
