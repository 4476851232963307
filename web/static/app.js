// Hotline console: keyboard shortcuts and htmx's CSRF header. No inline
// scripts anywhere: the Content-Security-Policy allows only files like this.
//
// Shortcuts (never with Alt, and not while typing in a field, except
// Ctrl+Enter):
//   ?           open the help listing every shortcut of the page
//   /           focus the page's search field ([data-shortcut-search])
//   Ctrl+Enter  submit the form being filled
//   Escape      close the help
// Any element with data-shortcut="x" (and data-shortcut-label="…" for the
// help) is activated by the key x: a field gets the focus, anything else is
// clicked. Pages add their own keys that way, with no script of their own.
(function () {
  "use strict";

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function csrfToken() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }

  // htmx requests carry the session's CSRF token in a header
  document.addEventListener("htmx:configRequest", function (e) {
    var t = csrfToken();
    if (t) e.detail.headers["X-CSRF-Token"] = t;
  });

  function help() { return document.getElementById("help"); }

  function fillHelp() {
    var list = document.getElementById("help-page-keys");
    if (!list) return;
    list.textContent = "";
    document.querySelectorAll("[data-shortcut]").forEach(function (el) {
      var li = document.createElement("li");
      var k = document.createElement("kbd");
      k.textContent = el.getAttribute("data-shortcut");
      li.appendChild(k);
      li.appendChild(document.createTextNode(" " + (el.getAttribute("data-shortcut-label") || el.textContent.trim())));
      list.appendChild(li);
    });
  }

  function openHelp() {
    var d = help();
    if (!d || d.open) return;
    fillHelp();
    d.showModal();
  }

  function activate(el) {
    if (typing(el)) { el.focus(); if (el.select) el.select(); } else { el.click(); }
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      var form = e.target && e.target.form;
      if (form) { e.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
    if (e.key === "?") { e.preventDefault(); openHelp(); return; }
    if (e.key === "/") {
      var s = document.querySelector("[data-shortcut-search]");
      if (s) { e.preventDefault(); activate(s); }
      return;
    }
    var el = document.querySelector('[data-shortcut="' + CSS.escape(e.key) + '"]');
    if (el) { e.preventDefault(); activate(el); }
  });

  document.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("[data-help-open]");
    if (t) { openHelp(); return; }
    var c = e.target.closest && e.target.closest("[data-help-close]");
    if (c) { var d = help(); if (d) d.close(); }
  });
})();

// A checkbox with data-check-all="name" ticks or clears every checkbox of
// that name (the dispatch queue's 全选).
document.addEventListener("change", function (e) {
  var t = e.target;
  if (!t || !t.matches || !t.matches("[data-check-all]")) return;
  var name = t.getAttribute("data-check-all");
  document.querySelectorAll('input[type="checkbox"][name="' + CSS.escape(name) + '"]').forEach(function (c) {
    c.checked = t.checked;
  });
});

// The desk's 知识库参考: choosing a suggestion ([data-kb-use]) fills 答复内容
// with the article's answer, ticks 当场答复 and records the article in the
// call form's kb_article_id; the focus moves to the answer to review it.
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("[data-kb-use]");
  if (!b) return;
  var answer = document.getElementById("call-answer");
  var onCall = document.getElementById("call-answered_on_call");
  var id = document.getElementById("call-kb_article_id");
  if (!answer || !id) return;
  answer.value = b.getAttribute("data-kb-answer") || "";
  if (onCall) onCall.checked = true;
  id.value = b.getAttribute("data-kb-use");
  var note = document.getElementById("call-kb-chosen");
  if (note) note.textContent = "已选用知识库文章:" + (b.getAttribute("data-kb-title") || "");
  answer.focus();
});

// A button with data-print prints the page (the print styles leave out the
// navigation and the forms).
document.addEventListener("click", function (e) {
  var t = e.target.closest && e.target.closest("[data-print]");
  if (t) window.print();
});

// A form with data-submit-once is sent once: its submit buttons are
// disabled as it goes, and a second submit (a double click, Ctrl+Enter
// pressed twice) is dropped. The server does not rely on it: the desk's
// form token makes a repeated post find the first item. Coming back to the
// page from the history (bfcache) enables the buttons again.
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (!f || !f.matches || !f.matches("form[data-submit-once]")) return;
  if (f.getAttribute("data-submitting") === "true") { e.preventDefault(); return; }
  f.setAttribute("data-submitting", "true");
  // disabled after this event, so that the button's own name and value are
  // still sent with the form
  setTimeout(function () {
    f.querySelectorAll('button[type="submit"], button:not([type])').forEach(function (b) {
      b.disabled = true;
      b.setAttribute("aria-busy", "true");
    });
  }, 0);
});
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-submit-once]").forEach(function (f) {
    f.removeAttribute("data-submitting");
    f.querySelectorAll("button[disabled][aria-busy]").forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("aria-busy");
    });
  });
});
