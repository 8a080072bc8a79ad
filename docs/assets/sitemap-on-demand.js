/* Material's instant navigation → its sitemap.xml fetched at the reader's first gesture, not on every page load.
 *
 * Why: Material fetches sitemap.xml as soon as a page loads, to know which links it may open without a
 * reload; the sitemap lists every page, so it grows with the number of reports (issue 12: a page load
 * fetches nothing that grows). Loaded in <head> before Material's bundle (overrides/main.html), this holds
 * that one request until the reader first moves the pointer, touches, scrolls with the wheel or presses a
 * key. A click on a link of the site that comes before the sitemap has arrived waits for it, then clicks
 * again, so instant navigation still takes it (or the browser opens the page, if the sitemap cannot load).
 */
(function () {
  "use strict";

  var GESTURES = ["pointermove", "pointerdown", "touchstart", "wheel", "keydown", "focusin"];
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var held = [];        // sends of sitemap requests, waiting for a gesture
  var asked = false;    // a gesture came: requests go out
  var state = "none";   // of the sitemap request: none, loading, done
  var waiting = [];     // callbacks for when it is done

  function isSitemap(url) {
    var u = new URL(url, location.href);
    return u.origin === location.origin && /\/sitemap\.xml$/.test(u.pathname);
  }

  function done() {
    state = "done";
    waiting.splice(0).forEach(function (fn) { fn(); });
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    this.sitemapOnDemand = String(method).toUpperCase() === "GET" && isSitemap(url);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (!this.sitemapOnDemand) return send.apply(this, arguments);
    var xhr = this, args = arguments;
    state = "loading";
    // after Material's own listeners: its sitemap is parsed by the time the waiting click is repeated
    xhr.addEventListener("loadend", function () { setTimeout(done, 50); });
    if (asked) return send.apply(xhr, args);
    held.push(function () { send.apply(xhr, args); });
  };

  function ask() {
    if (asked) return;
    asked = true;
    GESTURES.forEach(function (g) { removeEventListener(g, ask, true); });
    held.splice(0).forEach(function (fn) { fn(); });
  }
  GESTURES.forEach(function (g) { addEventListener(g, ask, {capture: true, passive: true}); });

  var repeating = false;
  document.addEventListener("click", function (ev) {
    if (repeating || state !== "loading" || ev.defaultPrevented || ev.button !== 0
        || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    var a = ev.target.closest && ev.target.closest("a[href]");
    if (!a || a.target || a.hasAttribute("download") || new URL(a.href).origin !== location.origin) return;
    if (a.pathname === location.pathname && a.hash) return;  // a link within the page needs no sitemap
    ev.preventDefault();
    ev.stopImmediatePropagation();
    ask();
    waiting.push(function () {
      repeating = true;
      try { a.click(); } finally { repeating = false; }
    });
  }, true);
})();
