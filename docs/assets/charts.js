/* Interactive charts: on pages that have a .chart-view, load the Vega runtime served by this site
   (once), then replace each static SVG with a live view, wide or narrow by the width of its column.
   Re-runs on Material's instant navigation. */
(function () {
  "use strict";
  var base = new URL("vendor/", document.currentScript.src);
  var loading = null;

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = new URL(src, base).href;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("cannot load " + s.src)); };
      document.head.appendChild(s);
    });
  }

  function runtime() {
    if (!loading) {
      loading = load("vega.min.js").then(function () { return load("vega-embed.min.js"); });
    }
    return loading;
  }

  // The narrow drawing where the wide one would have to be scaled down (its text would shrink):
  // both are laid out at build time for their whole width, so text is never drawn smaller.
  function specFor(view) {
    var wide = parseFloat(view.dataset.wide);
    return view.dataset.vegaNarrow && view.clientWidth < wide ? view.dataset.vegaNarrow : view.dataset.vega;
  }

  function render(view) {
    if (view.dataset.state) return Promise.resolve();
    view.dataset.state = "loading";
    view.dataset.spec = specFor(view);
    return fetch(view.dataset.spec)
      .then(function (r) { return r.json(); })
      .then(function (spec) {
        return vegaEmbed(view.querySelector(".chart-live"), spec, {
          mode: "vega", renderer: "svg", actions: false,
          tooltip: { theme: "light" }
        });
      })
      .then(function () { view.dataset.state = "live"; })
      .catch(function (err) { view.dataset.state = "static"; console.warn("chart stays static:", err.message); });
  }

  // A chart goes live when it comes near the viewport: readers who never scroll to it do not
  // download or run the runtime (and the first screen is not held up by it).
  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      observer.unobserve(entry.target);
      runtime().then(function () { return render(entry.target); });
    });
  }, { rootMargin: "200px 0px" }) : null;

  function init() {
    var views = document.querySelectorAll(".chart-view[data-vega]");
    views.forEach(function (view) {
      if (observer) { observer.observe(view); } else { runtime().then(function () { render(view); }); }
    });
  }

  // A phone turned sideways (or a window resized) across a chart's width: draw it again in the layout that fits.
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      document.querySelectorAll('.chart-view[data-state="live"]').forEach(function (view) {
        if (specFor(view) !== view.dataset.spec) { delete view.dataset.state; render(view); }
      });
    }, 250);
  });

  if (window.document$) { window.document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
})();
