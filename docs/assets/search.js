/* Site search: the header's search button opens a dialog with Pagefind's UI.
 *
 * Nothing is fetched for search until a reader opens it (button, "/" or "s"): then Pagefind's UI
 * (pagefind/pagefind-ui.js and .css, served by the site) is added, and it fetches the index in small
 * chunks for the words typed. Results appear as the reader types, Chinese IME input included
 * (Pagefind's extended build segments Chinese). The index is written after the build by
 * juesuan/site/build.py (index_search); the button and dialog are overrides/partials/site-search.html.
 *
 * Material's instant navigation keeps the header (and this dialog) across pages; listeners are on
 * the document, so they hold for every page.
 */
(function () {
  "use strict";

  var dialog = document.getElementById("site-search");
  if (!dialog || typeof dialog.showModal !== "function") return;
  // The site root, resolved once against the page first loaded (instant navigation keeps this script).
  var root = new URL(dialog.getAttribute("data-base") || "./", location.href);
  var loading = null;

  function load(url, kind) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(kind === "css" ? "link" : "script");
      if (kind === "css") { el.rel = "stylesheet"; el.href = url; } else { el.src = url; }
      el.onload = resolve;
      el.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(el);
    });
  }

  function start() {
    if (!loading) {
      var bundle = new URL("pagefind/", root).href;
      loading = Promise.all([load(bundle + "pagefind-ui.css", "css"), load(bundle + "pagefind-ui.js", "js")])
        .then(function () {
          /* global PagefindUI */
          new PagefindUI({
            element: dialog.querySelector("[data-site-search-ui]"),
            bundlePath: bundle,
            baseUrl: root.pathname,       // result links under the site's path (GitHub Pages project sites)
            showSubResults: true,         // the sections of a page that match, with their anchors
            showImages: false,
            resetStyles: false,
            debounceTimeoutMs: 150,
            autofocus: true,
            pageSize: 8,
            translations: {               // Pagefind's zh-cn strings, with the site's wording where it differs
              placeholder: "搜索",
              search_label: "搜索本站",
              zero_results: "没有找到 [SEARCH_TERM] 的结果",
              many_results: "找到 [COUNT] 个 [SEARCH_TERM] 的结果",
              one_result: "找到 [COUNT] 个 [SEARCH_TERM] 的结果",
              searching: "正在搜索 [SEARCH_TERM]……",
              load_more: "显示更多结果",
              clear_search: "清除"
            }
          });
          var input = dialog.querySelector(".pagefind-ui__search-input");
          if (input) {
            input.setAttribute("aria-label", "搜索本站");  // a name that does not depend on the placeholder
            input.focus();
          }
        })
        .catch(function (err) {
          loading = null;
          dialog.querySelector("[data-site-search-ui]").textContent = "搜索暂时无法加载，请稍后再试。";
          throw err;
        });
    }
    return loading;
  }

  function open() {
    if (!dialog.open) dialog.showModal();
    start().then(function () {
      var input = dialog.querySelector(".pagefind-ui__search-input");
      if (input) input.focus();
    });
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("[data-site-search-open]")) { ev.preventDefault(); open(); }
  });
  document.addEventListener("keydown", function (ev) {
    if (dialog.open || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing || typing(ev.target)) return;
    if (ev.key === "/" || ev.key === "s" || ev.key === "S") { ev.preventDefault(); open(); }
  });
  dialog.addEventListener("click", function (ev) {
    if (ev.target === dialog || ev.target.closest("[data-site-search-close]")) dialog.close();
    // A result: the page opens (Material's instant navigation or a full load); the dialog closes.
    else if (ev.target.closest("a[href]")) dialog.close();
  });
})();
