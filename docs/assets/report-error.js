/* 报告错误 links (overrides/partials/report-error.html): the address filled into the new issue or e-mail is the
 * page the reader actually opened (location.href), not only the published one written in the HTML: the 404
 * page answers for any missing address, and a preview is served elsewhere. Re-runs on instant navigation. */
(function () {
  "use strict";

  function fill() {
    document.querySelectorAll("a[data-report-template]").forEach(function (a) {
      var template = a.getAttribute("data-report-template");
      if (template.indexOf("__PAGE_URL__") !== -1) {
        a.href = template.split("__PAGE_URL__").join(encodeURIComponent(location.href));
      }
    });
  }

  if (window.document$) { window.document$.subscribe(fill); } else { document.addEventListener("DOMContentLoaded", fill); }
})();
