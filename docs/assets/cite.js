/* Copy buttons of the "如何引用" blocks (templates/partials/cite.md.j2): a 复制 button puts the citation on the clipboard.
 *
 * Material's content.code.copy is not used: it copies code blocks only, adds a button to every one of them
 * (the figure register's formulas too), and speaks English; these buttons copy exactly one citation and
 * say 已复制 in Chinese, to the eye (the button) and to screen readers (the block's status line).
 * The Clipboard API needs a secure context (https or localhost); elsewhere (a site opened over plain
 * http on a LAN address) the text is selected in a hidden textarea and copied with execCommand.
 * Listeners are on the document, so they hold across Material's instant navigation.
 */
(function () {
  "use strict";

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("execCommand copy refused"));
  }

  function copy(text) {
    if (window.isSecureContext && navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () { return fallback(text); });
    }
    return fallback(text);
  }

  function say(button, message) {
    var block = button.closest("details.cite");
    var status = block && block.querySelector(".cite-status");
    button.textContent = message;
    if (status) status.textContent = message;
    clearTimeout(button._citeTimer);
    button._citeTimer = setTimeout(function () {
      button.textContent = "复制";
      if (status) status.textContent = "";
    }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-cite-copy]");
    if (!button) return;
    var entry = button.closest(".cite-entry");
    var source = entry && entry.querySelector("pre");
    if (!source) return;
    copy(source.textContent).then(function () { say(button, "已复制"); },
                                  function () { say(button, "复制失败，请选中文字后手动复制"); });
  });

  // The buttons are hidden in the HTML: without JavaScript they could not work.
  function reveal() {
    document.querySelectorAll("button[data-cite-copy][hidden]").forEach(function (b) { b.hidden = false; });
  }

  if (window.document$) { window.document$.subscribe(reveal); } else { document.addEventListener("DOMContentLoaded", reveal); }
})();
