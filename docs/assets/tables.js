/* The 附表 and the register on each page load (Material's instant navigation included) → a cue on tables that
   scroll sideways, the linked row highlighted, row links copied, the 打印本表 button. */
(function () {
  "use strict";

  // A table wider than its box: .overflows (hint and edge shadow), .scrolled (shadow of the sticky column),
  // .at-end (no shadow once the last column is in view).
  function watch(scroller) {
    var wrap = scroller.querySelector(".table-wrap");
    if (!wrap) { return; }
    function update() {
      var over = wrap.scrollWidth > wrap.clientWidth + 1;
      scroller.classList.toggle("overflows", over);
      scroller.classList.toggle("scrolled", over && wrap.scrollLeft > 0);
      scroller.classList.toggle("at-end", !over || wrap.scrollLeft + wrap.clientWidth >= wrap.scrollWidth - 1);
    }
    wrap.addEventListener("scroll", update, { passive: true });
    if (window.ResizeObserver) { new ResizeObserver(update).observe(wrap); }
    update();
  }

  // :target does not follow history.pushState (Material's instant navigation), so the row named by the
  // address gets a class as well, and is scrolled to (below the sticky header: scroll-margin-top in CSS).
  function mark(scroll) {
    document.querySelectorAll("tr.is-target").forEach(function (tr) { tr.classList.remove("is-target"); });
    var id = decodeURIComponent(location.hash.slice(1));
    var row = id && document.getElementById(id);
    if (row && row.tagName === "TR") {
      row.classList.add("is-target");
      if (scroll) { row.scrollIntoView({ block: "start" }); }
    }
  }

  // A row's "#": the address of that row is followed (and marked: instant navigation may push it without a
  // hashchange), and copied.
  function copyLink(event) {
    var link = event.target.closest && event.target.closest("a.row-link");
    if (!link) { return; }
    setTimeout(function () { mark(false); }, 0);
    if (!navigator.clipboard) { return; }
    navigator.clipboard.writeText(link.href).then(function () {
      link.classList.add("copied");
      setTimeout(function () { link.classList.remove("copied"); }, 1600);
    }, function () { /* no clipboard permission: the address bar still shows the row's link */ });
  }

  function init() {
    document.querySelectorAll(".table-scroller").forEach(watch);
    document.querySelectorAll("button.print-sheet").forEach(function (button) {
      button.hidden = false;
      button.onclick = function () { window.print(); };
    });
    mark(true);
  }

  window.addEventListener("hashchange", function () { mark(false); });
  window.addEventListener("popstate", function () { mark(false); });
  document.addEventListener("click", copyLink);
  if (window.document$) { window.document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
})();
