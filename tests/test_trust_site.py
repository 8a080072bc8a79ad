"""Trust in the built site: every internal link and anchor resolves, and every page passes axe-core
(no serious or critical violation), declares Chinese, orders its headings, labels its tables and shows
where the keyboard focus is.

The site is the real build (fixture `site` of conftest.py); axe-core comes from the npm packages
pinned in package.json (node_modules/axe-core).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from helpers.htmltree import parse_html
from helpers.paths import ROOT
from helpers.site import page_urls

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"  # package.json


def _all_pages(site_dir: Path) -> list[str]:
    """Every built HTML page as a URL path: the directory pages, then Material's 404.html."""
    return page_urls(site_dir) + ["404.html"]


# ---------------------------------------------------------------------------------- 4. links
URL_ATTRS = {"href", "src", "data-vega", "poster", "action"}


@dataclass
class _Page:
    """One HTML file's ids (anchor targets) and every URL it refers to (tag, attribute, value)."""

    ids: set[str] = field(default_factory=set)
    refs: list[tuple[str, str, str]] = field(default_factory=list)


def _parse(path: Path) -> _Page:
    """One HTML file → its ids and the URLs of its elements, in document order (valueless attributes skipped)."""
    page = _Page()
    for node in parse_html(path.read_text(encoding="utf-8")).iter():
        tag = node.tag
        for name, value in node.raw_attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                page.ids.add(value)
            elif name in URL_ATTRS:
                page.refs.append((tag, name, value))
            elif name == "srcset":
                page.refs.extend((tag, name, part.split()[0]) for part in value.split(",") if part.strip())
    return page


def _site_url(site_dir: Path) -> str:
    """The configured site_url, read back from the home page's canonical link."""
    m = re.search(r'<link rel="canonical" href="([^"]+)"', (site_dir / "index.html").read_text(encoding="utf-8"))
    return m.group(1) if m else ""


def _target_file(site_dir: Path, path: str) -> Path | None:
    """A site-relative path ('a/b/', 'a/b.csv', '') → the file a static server would send, or None."""
    candidate = site_dir / path
    if path == "" or path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_links(site_dir: Path) -> tuple[Counter, list[str]]:
    """Every internal URL of every HTML file of the build → (counts by kind, broken ones).

    Internal: relative URLs, root-relative URLs (404.html uses them) and absolute URLs under site_url.
    A URL with a fragment must name an element id of the target page ('#' alone is the top).
    """
    base = urlsplit(_site_url(site_dir))
    pages = {p.relative_to(site_dir).as_posix(): _parse(p) for p in sorted(site_dir.rglob("*.html"))}
    counts, broken = Counter(), []
    for rel, page in pages.items():
        page_dir = posixpath.dirname(rel)
        for tag, attr, value in page.refs:
            url = urlsplit(value)
            if url.scheme or url.netloc:
                if (url.scheme, url.netloc) != (base.scheme, base.netloc) or not url.path.startswith(base.path):
                    counts["external"] += 1
                    continue
                target = url.path[len(base.path):]
            elif url.path.startswith("/"):
                target = url.path[len(base.path):] if url.path.startswith(base.path) else url.path.lstrip("/")
            elif not url.path:
                target = rel  # '#anchor' or '?query': this page
            else:
                target = posixpath.normpath(posixpath.join(page_dir, url.path))
                if target == ".." or target.startswith("../"):
                    broken.append(f"{rel}: <{tag} {attr}={value!r}> leaves the site")
                    continue
                target = "" if target == "." else target + ("/" if url.path.endswith("/") else "")
            target = unquote(target)
            file = _target_file(site_dir, target)
            if file is None:
                broken.append(f"{rel}: <{tag} {attr}={value!r}> → {target!r} is not in the build")
                continue
            counts["internal"] += 1
            if url.fragment:
                counts["anchors"] += 1
                frag = unquote(url.fragment)
                key = file.relative_to(site_dir).as_posix()
                ids = pages[key].ids if key in pages else set()
                if key not in pages or frag not in ids:
                    broken.append(f"{rel}: <{tag} {attr}={value!r}> → no id {frag!r} in {key}")
    counts["pages"] = len(pages)
    return counts, broken


@pytest.fixture(scope="module")
def links(site):
    return check_links(site.dir)


@pytest.mark.slow
def test_every_internal_link_and_anchor_resolves(links):
    counts, broken = links
    assert broken == [], f"{len(broken)} broken of {counts['internal']} internal links:\n" + "\n".join(broken[:50])


@pytest.mark.slow
def test_link_check_saw_the_whole_site(site, links):
    """Every HTML file was read, every page has internal links, and the anchors were checked."""
    counts, _ = links
    html_files = sorted(p.relative_to(site.dir).as_posix() for p in site.dir.rglob("*.html"))
    assert counts["pages"] == len(html_files) == len(page_urls(site.dir)) + 1  # + Material's 404.html
    assert len(html_files) >= 37
    assert counts["internal"] >= 30 * counts["pages"]  # 2292 for 37 pages when written (nav, toc, content)
    assert counts["anchors"] >= 300  # 708 when written


def test_link_checker_finds_what_is_broken(tmp_path):
    """The checker itself: a missing file, a missing anchor and an escape from the site are all reported."""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<link rel="canonical" href="https://example.org/site/">'
        '<a href="a/">ok</a><a href="a/#here">ok</a><a href="#top" id="top">ok</a>'
        '<a href="https://example.org/site/a/">ok</a><a href="https://other.org/">ext</a>'
        '<a href="b/">missing</a><a href="a/#nowhere">no anchor</a><img src="../up.png">', encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">x</h2><a href="../">up</a><a href="/site/a/#here">root</a>',
                                               encoding="utf-8")
    counts, broken = check_links(tmp_path)
    assert broken == [
        "index.html: <a href='b/'> → 'b/' is not in the build",
        "index.html: <a href='a/#nowhere'> → no id 'nowhere' in a/index.html",
        "index.html: <img src='../up.png'> leaves the site",
    ]
    assert (counts["internal"], counts["anchors"], counts["external"]) == (8, 4, 1)


@pytest.mark.slow
def test_search_is_pagefinds_index(site):
    """Search is Pagefind's index (written after the build), not Material's search_index.json."""
    assert (site.dir / "pagefind" / "pagefind-entry.json").is_file()
    assert not (site.dir / "search" / "search_index.json").exists()


@pytest.mark.slow
def test_sitemap_lists_exactly_the_built_pages(site):
    base = _site_url(site.dir)
    locs = re.findall(r"<loc>([^<]+)</loc>", (site.dir / "sitemap.xml").read_text(encoding="utf-8"))
    assert all(loc.startswith(base) for loc in locs)
    assert sorted(loc[len(base):] for loc in locs) == page_urls(site.dir)


# ---------------------------------------------------------------------------------- 5. accessibility
_FACTS = """() => {
  const article = document.querySelector('article') || document.body;
  const heads = [...article.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 40)]);
  const tables = [...article.querySelectorAll('table')].map(t => {
    let wrapperLabel = null;
    for (let el = t.parentElement; el && el !== article; el = el.parentElement) {
      if (el.getAttribute('aria-label')) { wrapperLabel = el.getAttribute('aria-label'); break; }
    }
    const cap = t.querySelector(':scope > caption');
    return {caption: cap ? cap.textContent.trim() : null, wrapperLabel,
            th: t.querySelectorAll('th').length,
            headers: t.tHead ? [...t.tHead.querySelectorAll('th')].map(th => th.textContent.trim()).join('|') : '',
            text: (cap ? cap.textContent : t.textContent).trim().slice(0, 30)};
  });
  return {lang: document.documentElement.getAttribute('lang'), heads, tables};
}"""


_CHARTS = "() => [...document.querySelectorAll('.chart-view[data-vega]')].map(v => v.dataset.state || 'pending')"


def _wait_for_charts(page) -> list[str]:
    """A chart goes live (Vega replaces the static SVG) when it scrolls near the viewport: scroll to each,
    wait (up to 20 s) until each is settled, back to the top; axe then sees the page a reader has seen.
    → the state of each chart."""
    page.evaluate("""async () => {
      for (const v of document.querySelectorAll('.chart-view[data-vega]')) {
        v.scrollIntoView(); await new Promise(r => setTimeout(r, 50));
      }
    }""")
    try:
        page.wait_for_function(f"() => ({_CHARTS})().every(s => s === 'live' || s === 'static')", timeout=20000)
    except Exception:  # noqa: BLE001 - a chart that never settles is reported by the states
        pass
    page.evaluate("() => window.scrollTo(0, 0)")
    return page.evaluate(_CHARTS)


def audit_pages(site, browser) -> dict[str, dict]:
    """Every page opened at 1280 px: axe-core's violations and the page's lang, headings, tables, charts."""
    assert AXE.is_file(), f"{AXE} is missing: axe-core {AXE_VERSION} comes from package.json (make npm)"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    results = {}
    try:
        for path in _all_pages(site.dir):
            page = context.new_page()
            page.goto(site.url(path), wait_until="load")
            charts = _wait_for_charts(page)
            page.add_script_tag(path=str(AXE))
            axe = page.evaluate("""async () => {
              const r = await axe.run(document, {resultTypes: ['violations']});
              return {version: axe.version, violations: r.violations.map(v => ({id: v.id, impact: v.impact,
                      nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary.split('\\n').slice(1, 2).join(''))}))};
            }""")
            results[path] = dict(page.evaluate(_FACTS), charts=charts, **axe)
            page.close()
    finally:
        context.close()
    return results


@pytest.fixture(scope="module")
def audited(site, chromium):
    return audit_pages(site, chromium)


def _violations(audited, impacts) -> dict[str, list[str]]:
    found = {}
    for path, r in audited.items():
        for v in r["violations"]:
            if v["impact"] in impacts:
                found.setdefault(f"{v['id']} ({v['impact']})", []).extend(f"/{path}: {n}" for n in v["nodes"])
    return found


@pytest.mark.slow
def test_axe_ran_on_every_page(site, audited):
    assert list(audited) == _all_pages(site.dir)
    assert {r["version"] for r in audited.values()} == {AXE_VERSION}


@pytest.mark.slow
def test_axe_saw_the_live_charts(audited):
    """The audit ran on the pages as a reader sees them: every chart had become a live view."""
    states = {path: r["charts"] for path, r in audited.items() if r["charts"]}
    assert states and {s for v in states.values() for s in v} == {"live"}, states


@pytest.mark.slow
def test_axe_no_serious_or_critical_violation(audited):
    found = _violations(audited, {"serious", "critical"})
    assert found == {}, "\n".join(f"{k}: {len(v)} nodes, e.g. {v[:3]}" for k, v in found.items())


@pytest.mark.slow
def test_axe_no_moderate_or_minor_violation(audited):
    """Not required by the brief's bar, but counted: moderate and minor findings."""
    found = _violations(audited, {"moderate", "minor"})
    assert found == {}, "\n".join(f"{k}: {len(v)} nodes, e.g. {v[:3]}" for k, v in found.items())


@pytest.mark.slow
def test_html_lang_is_chinese(audited):
    """Material's `language: zh` gives lang="zh" (it has no zh-CN; zh is Simplified Chinese in Material)."""
    langs = {path: r["lang"] for path, r in audited.items()}
    assert set(langs.values()) == {"zh"}, langs


@pytest.mark.slow
def test_headings_start_at_h1_and_skip_no_level(audited):
    """In the content: the first heading is the only h1, and each heading is at most one level below the last."""
    bad = {}
    for path, r in audited.items():
        levels = [lvl for lvl, _ in r["heads"]]
        problems = []
        if not levels or levels[0] != 1:
            problems.append(f"first heading is {levels[:1]}")
        if levels.count(1) != 1:
            problems.append(f"{levels.count(1)} h1")
        problems += [f"h{a} → h{b} before {r['heads'][i + 1][1]!r}" for i, (a, b) in enumerate(zip(levels, levels[1:])) if b > a + 1]
        if problems:
            bad[path] = problems
    assert bad == {}


@pytest.mark.slow
def test_every_table_has_header_cells(audited):
    headless = [f"/{path}: {t['text']!r}" for path, r in audited.items() for t in r["tables"] if t["th"] == 0]
    assert headless == []
    assert sum(len(r["tables"]) for r in audited.values()) >= 15 + 2 * 3  # the 附表, two per performance form


# Tables of the content with neither a <caption> nor an aria-label on a wrapper: (page, header row).
UNLABELLED = {
    ("miyi-cxjmyl-2021/data/", "版本|日期|变化"): "templates/pages/data.md.j2, the version history (table.changes)",
    ("miyi-cxjmyl-2021/performance/1/", "预期目标|实际完成目标"): "templates/pages/performance.md.j2, the goals table",
    ("miyi-cxjmyl-2021/performance/2/", "预期目标|实际完成目标"): "templates/pages/performance.md.j2, the goals table",
    ("miyi-cxjmyl-2021/performance/3/", "预期目标|实际完成目标"): "templates/pages/performance.md.j2, the goals table",
}


def _unlabelled(audited) -> list[tuple[str, str]]:
    return [(path, t["headers"]) for path, r in audited.items() for t in r["tables"]
            if not (t["caption"] or t["wrapperLabel"])]


@pytest.mark.slow
def test_every_other_table_is_labelled(audited):
    """Every table has a <caption> or sits in a wrapper with an aria-label (the known exceptions below)."""
    assert [x for x in _unlabelled(audited) if x not in UNLABELLED] == []


@pytest.mark.slow
@pytest.mark.parametrize("where", UNLABELLED, ids=lambda w: w[0].strip("/"))
def test_known_unlabelled_table_is_labelled(audited, where):
    assert where not in _unlabelled(audited), UNLABELLED[where]


_FOCUS = """() => {
  const el = document.activeElement;
  // The colour-scheme toggle is a hidden radio (Material's palette); its label, the button a reader sees, shows the focus.
  const shown = el.matches('input.md-option') && el.nextElementSibling ? el.nextElementSibling : el;
  const s = getComputedStyle(shown);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== 'rgba(0, 0, 0, 0)';
  const shadow = s.boxShadow !== 'none';
  const r = shown.getBoundingClientRect();
  return {tag: el.tagName, cls: el.className, text: el.textContent.trim().slice(0, 30), inArticle: !!el.closest('article'),
          searchOpen: document.getElementById('__search').checked,
          outline: outline ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : null, shadow: shadow ? s.boxShadow : null,
          onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth};
}"""


@pytest.mark.slow
@pytest.mark.parametrize("path", ["", "miyi-cxjmyl-2021/tables/03/"])
def test_keyboard_focus_is_visible(site, chromium, path):
    """Tab from the top: the skip link, then every stop up to the first link of the content, shows focus:
    an outline or a box-shadow, except the search field, whose focus opens the search dialog (the page dims)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site.url(path), wait_until="load")
        stops = []
        for _ in range(300):
            page.keyboard.press("Tab")
            stop = page.evaluate(_FOCUS)
            if "md-search__input" in stop["cls"].split() and not stop["searchOpen"]:
                try:  # Material opens the dialog from its focus handler, a moment later
                    page.wait_for_function("() => document.getElementById('__search').checked", timeout=2000)
                except Exception:  # noqa: BLE001 - it did not open: reported below as invisible focus
                    pass
                stop = page.evaluate(_FOCUS)
            stops.append(stop)
            if stop["inArticle"] and stop["tag"] == "A":
                break
        assert "md-skip" in stops[0]["cls"].split() and stops[0]["onScreen"]
        assert stops[-1]["inArticle"] and stops[-1]["tag"] == "A", "Tab never reached a link of the content"
        invisible = [f"{s['tag']}.{s['cls']} {s['text']!r}" for s in stops if not (s["outline"] or s["shadow"])
                     and not ("md-search__input" in s["cls"].split() and s["searchOpen"])]
        assert invisible == []
        assert len(stops) >= 4
    finally:
        context.close()
