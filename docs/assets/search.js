/* Site search: the header's search button opens a dialog; Pagefind's JS API answers, this file shows the results.
 *
 * Nothing is fetched for search until a reader opens it (button, "/" or "s"): then pagefind/pagefind.js
 * (served by the site) is imported, and it fetches the index in small chunks for the characters typed.
 * Results appear as the reader types, Chinese IME input included (nothing is searched mid-composition).
 *
 * The index holds every Han character as a word (juesuan/site/search_index.py, which explains why);
 * spaced() here cuts the query the same way (HAN is the same pattern as HAN there). A query is asked
 * twice: as a phrase (its characters adjacent, in order) and as its characters anywhere in a page;
 * pages with the phrase come first, each group in Pagefind's order. Results are built with
 * textContent only: no text of the index is ever parsed as HTML.
 *
 * Filters: unit and year (data-pagefind-filter, overrides/main.html); their options come from pagefind/scopes.json,
 * which also names the index of each unit: a large site has one per unit, and 全部单位 then searches the site's
 * own pages, each report's home and glossary and each unit's year-on-year page (juesuan/site/search_index.py EVERYWHERE). On a report's page they start
 * at that report (its data-search-scope), elsewhere at all. A result link carries the query
 * (?highlight=…); the page it opens marks the query's words with pagefind-highlight.js, loaded only then.
 */
(function () {
  "use strict";

  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var HAN_ONE = new RegExp("([" + HAN + "])", "gu");
  var MARK = "\uE000", END = "\uE001";  // private-use characters standing for <mark> and </mark>
  var SPACE_BEFORE = new RegExp(" (?=[" + MARK + END + "]*[" + HAN + "])", "gu");
  var SPACE_AFTER = new RegExp("([" + HAN + "][" + MARK + END + "]*) ", "gu");
  var PARAM = "highlight";
  // Each result shown costs its page's fragment (2–5 KB gzip): three first keep a first search within
  // 150 KB gzip (issue 12; tests/test_site_search.py prints it), more on the reader's request.
  var FIRST = 3, MORE = 5;

  /** Text → the same text with a space around every Han character (search_index.spaced). */
  function spaced(text) {
    return text.replace(HAN_ONE, " $1 ").replace(/ {2,}/g, " ");
  }

  /** Indexed text → as the page writes it: the spaces the index put around Han characters removed. */
  function unspaced(text) {
    return text.replace(SPACE_BEFORE, "").replace(SPACE_AFTER, "$1").trim();
  }

  var ENTITIES = {amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0"};
  function decode(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (all, name) {
      if (name[0] !== "#") return ENTITIES[name.toLowerCase()] || all;
      var code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
    });
  }

  /** Pagefind's excerpt (escaped text with <mark>) → a fragment of text nodes and <mark> elements. */
  function excerpt(html) {
    var text = unspaced(decode(html.replace(/<mark>/g, MARK).replace(/<\/mark>/g, END).replace(/<[^>]*>/g, "")))
      .split(END + MARK).join("");
    var out = document.createDocumentFragment();
    text.split(MARK).forEach(function (part, i) {
      var cut = part.split(END);
      if (i > 0 && cut.length > 1) {
        var m = document.createElement("mark");
        m.textContent = cut.shift();
        out.appendChild(m);
      }
      out.appendChild(document.createTextNode(cut.join("")));
    });
    return out;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  /* ---- a page reached from a result: mark the query's words -------------------------------------- */
  var dialog = document.getElementById("site-search");
  var root = dialog ? new URL(dialog.getAttribute("data-base") || "./", location.href) : null;
  var bundle = root ? new URL("pagefind/", root).href : null;

  function highlight() {
    if (!bundle || !new URLSearchParams(location.search).getAll(PARAM).length) return;
    import(bundle + "pagefind-highlight.js").then(function (mod) {
      /* the marks' colours are in site.css (.search-highlight) */
      new mod.default({highlightParam: PARAM, addStyles: false,
        // acrossElements: a table's row link wraps the last character of its label in its own element
        markOptions: {className: "search-highlight", acrossElements: true,
          exclude: ["[data-pagefind-ignore]", "[data-pagefind-ignore] *"]}});
    });
  }
  // Material's document$ emits on the first load and after each instant navigation; without it, once.
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(highlight);
  else highlight();

  if (!dialog || typeof dialog.showModal !== "function") return;

  /* ---- the dialog ---------------------------------------------------------------------------------- */
  var input = dialog.querySelector("[data-site-search-input]");
  var status = dialog.querySelector("[data-site-search-status]");
  var list = dialog.querySelector("[data-site-search-results]");
  var more = dialog.querySelector("[data-site-search-more]");
  var selects = Array.prototype.slice.call(dialog.querySelectorAll("[data-site-search-filter]"));
  var note = dialog.querySelector("[data-site-search-note]");
  var module = null, scopes = null, indexes = {}, loading = null, latest = 0, timer = null, shown = [], query = "";

  function start() {
    if (!loading) {
      dialog.setAttribute("data-state", "loading");
      loading = Promise.all([import(bundle + "pagefind.js"), fetch(bundle + "scopes.json").then(function (r) {
        if (!r.ok) throw new Error("scopes.json: HTTP " + r.status);
        return r.json();
      })]).then(function (got) {
        module = got[0];
        scopes = got[1];
        fillFilters();
        return index();
      }).then(function () {
        dialog.setAttribute("data-state", "ready");
        if (input.value.trim()) search();
      }).catch(function (err) {
        loading = null;
        dialog.setAttribute("data-state", "failed");
        status.textContent = "搜索暂时无法加载，请稍后再试。";
        throw err;
      });
    }
    return loading;
  }

  /** The chosen unit → the folder of the index that holds its pages (scopes.json; "" the site's index). */
  function folder() {
    var unit = filters().unit;
    var found = (scopes.units || []).filter(function (u) { return u.name === unit; })[0];
    return found ? found.index : "";
  }

  /** The index of the chosen scope → a Pagefind instance of it, made once per visit. A large site has one index per
   * unit (juesuan/site/search_index.py); each instance fetches its own WebAssembly the first time it is searched. */
  function index() {
    var at = folder();
    if (!indexes[at]) {
      // noWorker: Pagefind's web worker would be one more file (≈12 KB gzip) for no gain at this size.
      var made = module.createInstance({basePath: new URL(at, bundle).pathname, noWorker: true});
      indexes[at] = made.options({baseUrl: root.pathname, excerptLength: 36})
        .then(function () { return made.init(); })
        .then(function () { return made; })
        .catch(function (err) { delete indexes[at]; throw err; });
    }
    return indexes[at];
  }

  /** scopes.json → the options of the unit and year lists; this page's report selected. */
  function fillFilters() {
    var values = {unit: (scopes.units || []).map(function (u) { return u.name; }), year: scopes.years || []};
    selects.forEach(function (select) {
      var keep = select.options[0];
      select.textContent = "";
      select.appendChild(keep);
      (values[select.getAttribute("data-site-search-filter")] || []).forEach(function (value) {
        var o = el("option", null, value);
        o.value = value;
        select.appendChild(o);
      });
    });
    scopeToPage();
  }

  /** This page's report (its data-search-scope), or all reports on a page of the whole site. */
  function scopeToPage() {
    selects.forEach(function (select) {
      var name = select.getAttribute("data-site-search-filter");
      var mine = document.querySelectorAll('[data-search-scope] [data-filter="' + name + '"]');
      var value = mine.length === 1 ? mine[0].getAttribute("data-value") : "";
      select.value = Array.prototype.some.call(select.options, function (o) { return o.value === value; }) ? value : "";
    });
    explain();
  }

  /** On a large site 全部单位 searches the site's pages and some of each report's (EVERYWHERE): the note under the lists says so. */
  function explain() {
    if (note) note.hidden = !scopes || scopes.full || !!filters().unit;
  }

  function filters() {
    var out = {};
    selects.forEach(function (s) { if (s.value) out[s.getAttribute("data-site-search-filter")] = s.value; });
    return out;
  }

  function search() {
    var q = input.value.trim();
    var token = ++latest;
    if (!scopes) return;
    if (!q) { list.textContent = ""; status.textContent = ""; more.hidden = true; return; }
    var words = spaced(q.replace(/"/g, " ")).trim();
    var opts = {filters: filters()};
    dialog.setAttribute("aria-busy", "true");
    status.textContent = "正在搜索“" + q + "”……";
    index().then(function (pagefind) {
      return Promise.all([pagefind.search(words, opts), pagefind.search("\"" + words + "\"", opts)]);
    }).then(function (found) {
      if (token !== latest) return;
      var phrase = {};
      found[1].results.forEach(function (r) { phrase[r.id] = r; });
      // pages with the phrase first, then pages with every character; each group in Pagefind's order
      shown = found[0].results.filter(function (r) { return phrase[r.id]; }).map(function (r) { return phrase[r.id]; })
        .concat(found[0].results.filter(function (r) { return !phrase[r.id]; }));
      query = q;
      list.textContent = "";
      return page(token);
    }).catch(function (err) {
      if (token === latest) { status.textContent = "搜索出错，请重试。"; dialog.removeAttribute("aria-busy"); }
      throw err;
    });
  }

  /** The next results (FIRST, then MORE at a time) → their entries in the list (one fragment fetched per result). */
  function page(token) {
    var next = shown.slice(list.children.length, list.children.length + (list.children.length ? MORE : FIRST));
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (data) {
      if (token !== latest) return;
      data.forEach(function (d) { list.appendChild(entry(d)); });
      more.hidden = list.children.length >= shown.length;
      status.textContent = shown.length ? "找到 " + shown.length + " 个“" + query + "”的结果" : "没有找到“" + query + "”的结果";
      dialog.removeAttribute("aria-busy");
    });
  }

  function link(url, text) {
    var a = el("a", null, text);
    var u = new URL(url, location.href);
    query.split(/\s+/).forEach(function (w) { if (w) u.searchParams.append(PARAM, w); });
    a.href = u.pathname + u.search + u.hash;
    return a;
  }

  /** A result's report (its unit and year filters) when the search is not held to one report and its title does not
   * name it: pages of several reports share titles (名词解释与科目编码). Text only, from the index's filters. */
  function where(d, title) {
    var f = d.filters || {}, chosen = filters(), units = f.unit || [], years = f.year || [];
    if (units.length !== 1 || (chosen.unit && chosen.year) || title.indexOf(units[0]) !== -1) return "";
    return units[0] + (years.length === 1 ? " " + years[0] + "年度" : "");
  }

  function entry(d) {
    var li = el("li", "site-search__result");
    var title = el("p", "site-search__title");
    title.appendChild(link(d.url, decode(d.meta && d.meta.title || d.url)));  // main.html's data-title: not spaced
    li.appendChild(title);
    var report = where(d, title.textContent);
    if (report) li.appendChild(el("p", "site-search__where", report));
    li.appendChild(el("p", "site-search__excerpt")).appendChild(excerpt(d.excerpt || ""));
    var name = title.textContent.replace(/\s+/g, "");
    var subs = (d.sub_results || []).filter(function (s) {  // not the page's own title again
      return s.url !== d.url && decode(s.title || "").replace(/\s+/g, "") !== name;
    }).slice(0, 2);
    if (subs.length) {
      var ul = li.appendChild(el("ul", "site-search__subs"));
      subs.forEach(function (s) { ul.appendChild(el("li")).appendChild(link(s.url, unspaced(decode(s.title || "")))); });
    }
    return li;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  }

  function open() {
    if (!dialog.open) dialog.showModal();
    if (scopes) scopeToPage();  // instant navigation may have brought another report's page
    input.focus();
    start().then(function () { if (input.value.trim()) search(); });
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  input.addEventListener("input", function (ev) { if (!ev.isComposing) schedule(); });
  input.addEventListener("compositionend", schedule);
  selects.forEach(function (s) { s.addEventListener("change", function () { explain(); search(); }); });
  more.addEventListener("click", function () { page(latest); });
  dialog.querySelector("[data-site-search-form]").addEventListener("submit", function (ev) { ev.preventDefault(); search(); });

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
