/* caseapp: Flask-Admin's templates use inline onclick handlers, which our Content-Security-Policy
   (script-src 'self' 'nonce-...') does not run; our copies of those templates (templates/admin/actions.html,
   admin/model/layout.html, row_actions.html, inline_list_base.html) render them as data-onclick, so the
   browser logs no violation. This file, loaded with the page's nonce, attaches the same
   behaviour as event listeners: bulk actions ("Mit Auswahl ..."), delete confirmations, adding an inline
   row (e.g. a room of a shelter) and the filter menu's inert entries. Only the patterns below are known;
   nothing in an onclick attribute is ever evaluated. Links to "javascript:void(0)" (menu and tab toggles)
   become "#" links that go nowhere: the CSP refuses javascript: URLs and logged an error on every click. */
(function () {
  "use strict";

  function quoted(text, prefix) {
    // The single-quoted argument after `prefix`, with Flask-Admin's \' and \\ escapes undone.
    var start = text.indexOf(prefix);
    if (start < 0) { return null; }
    var i = start + prefix.length, out = "";
    for (; i < text.length; i++) {
      var c = text.charAt(i);
      if (c === "\\" && i + 1 < text.length) { out += text.charAt(++i); continue; }
      if (c === "'") { return out; }
      out += c;
    }
    return null;
  }

  function wire(el) {
    var code = el.getAttribute("data-onclick") || el.getAttribute("onclick");
    if (!code) { return; }
    var name, message, id;
    if ((name = quoted(code, "modelActions.execute('")) !== null) {
      el.addEventListener("click", function (event) {
        event.preventDefault();
        if (window.modelActions) { window.modelActions.execute(name); }
      });
    } else if ((message = quoted(code, "faHelpers.safeConfirm('")) !== null ||
               (message = quoted(code, "return confirm('")) !== null) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(message)) { event.preventDefault(); event.stopImmediatePropagation(); }
      });
    } else if ((id = quoted(code, "faForm.addInlineField(this, '")) !== null) {
      el.addEventListener("click", function (event) {
        event.preventDefault();
        if (window.faForm) { window.faForm.addInlineField(el, id); }
      });
    } else if (code.replace(/\s/g, "") === "returnfalse;") {
      el.addEventListener("click", function (event) { event.preventDefault(); });
    }
    el.setAttribute("data-caseapp-wired", "1");
    el.removeAttribute("onclick");  // dead code under the CSP (our templates render data-onclick instead)
  }

  function inert(el) {
    el.setAttribute("href", "#");
    el.addEventListener("click", function (event) { event.preventDefault(); });
  }

  function wireAll(root) {
    var found = (root || document).querySelectorAll(
      "[onclick]:not([data-caseapp-wired]), [data-onclick]:not([data-caseapp-wired])");
    for (var i = 0; i < found.length; i++) { wire(found[i]); }
    var links = (root || document).querySelectorAll('a[href^="javascript:"]');
    for (var j = 0; j < links.length; j++) { inert(links[j]); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireAll(document);
    // Inline rows added later bring their own buttons.
    new MutationObserver(function () { wireAll(document); })
      .observe(document.body, { childList: true, subtree: true });
  });
}());
