// Hotline portal: the receipt's 打印 and 复制 buttons, and the focus on a
// form's list of mistakes. The buttons are hidden in the page and shown only
// here, so that without JavaScript the codes are still there as plain text
// (and the browser's own print works). No inline scripts:
// the Content-Security-Policy allows only files like this.
(function () {
  "use strict";

  document.querySelectorAll("[data-print], [data-copy]").forEach(function (b) {
    b.hidden = false;
  });

  // a form that came back with mistakes: move to their list at the top, so
  // that keyboard and screen-reader users start there
  var errors = document.querySelector(".errors");
  if (errors) errors.focus();

  function say(msg) {
    var s = document.getElementById("copy-status");
    if (s) s.textContent = msg;
  }

  function receiptText() {
    var code = document.getElementById("receipt-code");
    var secret = document.getElementById("receipt-secret");
    if (!code || !secret) return "";
    return "查询码:" + code.textContent.trim() + "\n查询密码:" + (secret.getAttribute("data-copy-value") || secret.textContent.trim());
  }

  // the old way, for pages not served over https (the Clipboard API needs a
  // secure context)
  function copyByCommand(text) {
    var t = document.createElement("textarea");
    t.value = text;
    t.setAttribute("readonly", "");
    t.className = "visually-hidden";
    document.body.appendChild(t);
    t.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(t);
    return ok;
  }

  function copy(text) {
    var done = function () { say("已复制,可以粘贴到短信、备忘录或文档中保存。"); };
    var failed = function () { say("未能自动复制,请用手抄写或选中文字后复制。"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { if (copyByCommand(text)) done(); else failed(); });
    } else if (copyByCommand(text)) {
      done();
    } else {
      failed();
    }
  }

  document.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("[data-print], [data-copy]");
    if (!t) return;
    if (t.hasAttribute("data-print")) { window.print(); return; }
    copy(receiptText());
  });
})();
