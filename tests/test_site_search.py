"""Site search (Pagefind's index, docs/assets/search.js), in Chromium, on the built site, used as a reader uses it.

The reader opens a page, clicks the header's search button, and TYPES each query into the search box:
ASCII with key events (page.keyboard.type), Chinese as an IME commits it (page.keyboard.insert_text:
one input event with the composed text). Results appear as they type, with no Enter. For each query
the expected page must be among the first three result pages.

Other tests: a pinyin IME's composition is searched only once committed; the unit and year lists
start at "this report" on a report's page and at all elsewhere; a result opens its page with the
query marked; three results come first, more on request; a page load (home, report page) fetches
no search index, no Pagefind file and no sitemap, and the first click still navigates instantly;
what a first and a second search fetch is printed (`pytest -s`), gzip sizes as a compressing server
would send them.
"""

from __future__ import annotations

import gzip
import re
from urllib.parse import urlsplit

import pytest

from helpers.search import browser_page, choose, open_search, results, selected, typed

pytestmark = pytest.mark.slow  # every test here searches the built site in Chromium

R = "miyi-cxjmyl-2021/"  # the 2021 report

# (query, a page that must be among the first three result pages).
SEARCHES = [
    # words
    ("养老金", R + "overview/"),
    ("三公经费", R + "explanation/07/"),
    ("代缴", R + "performance/2/"),
    ("机关运行经费", R + "explanation/10/"),
    ("住房公积金", R + "explanation/06/"),
    ("工资福利支出", R + "explanation/06/"),
    ("读卡器", R + "overview/"),
    ("待遇资格认证", R + "overview/"),
    ("参保群众满意度", R + "performance/1/"),
    ("基本工资", R + "tables/08/"),
    ("政府采购", R + "tables/15/"),
    ("名词解释", R + "glossary/"),
    ("“三公”经费", R + "explanation/07/"),  # as the report writes it, with quotes
    # long phrases, cut by the browser's segmenter differently from the pages (found since the index holds characters)
    ("国有资产占有使用情况", R + "explanation/10/"),
    ("城乡居民养老保险管理经费项目", R + "performance/1/"),
    ("省级困难群众城乡居民养老保险补助资金项目", R + "performance/3/"),
    ("财政代缴城乡居民基本养老保险费支出", R + "tables/06/"),
    ("年初结转和结余", R + "tables/01/"),
    ("使用非财政拨款结余", R + "tables/01/"),
    ("困难群众城乡居保个人缴费县级补助资金项目", R + "performance/2/"),
    # a table by its number, as the report names it
    ("附表一", R + "tables/01/"),
    # codes: functional (seven digits) and economic (five digits)
    ("2080505", R + "tables/06/"),
    ("2080109", R + "tables/03/"),
    ("30101", R + "tables/08/"),
    # an amount
    ("260.70", R + "tables/04/"),
    # mixed scripts
    ("e社保", R + "overview/"),
    ("附件1", R + "performance/1/"),
    # the report, the site's own pages
    ("米易县", R),
    ("数字登记表", R + "figures/"),
    ("数据下载", R + "data/"),
    ("隐私", "about/"),
]

NO_RESULT = "量子引力"  # a word the site never uses

# What a page load must not fetch: Pagefind's files and index, an old Lunr index, the sitemap.
INDEX = re.compile(r"/pagefind[^/]*(/|$)|\.pf_|search_index\.json|sitemap\.xml")


@pytest.fixture(scope="module")
def searched(chromium, site):
    """Every query typed once in one search dialog on the home page → {query: result pages or the exception}, errors."""
    out: dict[str, object] = {}
    with browser_page(chromium) as (page, errors):
        page.goto(site.url(""), wait_until="load")
        open_search(page)
        for term, _ in SEARCHES + [(NO_RESULT, None)]:
            try:
                typed(page, term)
                out[term] = results(page, term)
            except Exception as exc:  # reported by the test of that query
                out[term] = exc
    return out, errors


def _pages(searched, term):
    found = searched[0][term]
    if isinstance(found, Exception):
        pytest.fail(f"search for {term!r} did not complete: {found}")
    return found


@pytest.mark.parametrize("term,expected", SEARCHES, ids=[f"{i:02d}" for i in range(1, len(SEARCHES) + 1)])
def test_typed_query_finds_the_page_in_the_top_three(searched, term, expected):
    pages = _pages(searched, term)
    assert expected in pages[:3], f"{term!r}: {expected} not in the first three of {pages}"


def test_unused_word_finds_nothing_and_no_errors(searched):
    assert _pages(searched, NO_RESULT) == []
    assert searched[1] == []


def test_checks_and_registers_rank_below_explanations(searched):
    """The verification page and the register come after the explanation and the tables for a word the report explains."""
    for term, expected in [("养老金", R + "overview/"), ("三公经费", R + "explanation/07/"), ("代缴", R + "performance/2/"),
                           ("住房公积金", R + "explanation/06/"), ("2080505", R + "tables/06/"),
                           ("机关运行经费", R + "explanation/10/"), ("附件1", R + "performance/1/")]:
        pages = _pages(searched, term)
        for quieter in (R + "checks/", R + "figures/"):
            if quieter in pages:
                assert pages.index(quieter) > pages.index(expected), (term, pages)


def test_an_ime_composition_is_searched_when_committed(chromium, site):
    """A pinyin IME in Chromium (CDP Input.imeSetComposition): while the reader composes "yanglaojin" nothing is
    searched (no search of the pinyin letters); when the IME commits 养老金 the results come, with no Enter."""
    with browser_page(chromium) as (page, errors):
        page.goto(site.url(""), wait_until="load")
        open_search(page)
        ime = page.context.new_cdp_session(page)
        for composing in ("y", "yang", "yangl", "yanglao", "yanglaojin"):
            ime.send("Input.imeSetComposition", {"text": composing, "selectionStart": len(composing), "selectionEnd": len(composing)})
            page.wait_for_timeout(50)
        page.wait_for_timeout(500)  # longer than search.js waits after the last keystroke
        assert page.eval_on_selector("[data-site-search-input]", "e => e.value") == "yanglaojin"
        assert page.eval_on_selector("[data-site-search-status]", "e => e.textContent") == ""
        assert page.eval_on_selector_all(".site-search__result", "els => els.length") == 0
        ime.send("Input.insertText", {"text": "养老金"})
        assert R + "overview/" in results(page, "养老金")[:3]
        assert errors == []


def test_filters_start_at_this_report_on_its_pages_and_at_all_elsewhere(chromium, site, report):
    """On a report's page the unit and year lists show that report, and a site page (about/) is not found;
    choosing 全部单位 and 全部年度 with the keyboard finds it. On the home page both lists start at all."""
    unit, year = report.meta["unit"], str(report.meta["year"])
    with browser_page(chromium) as (page, errors):
        page.goto(site.url(R + "tables/01/"), wait_until="load")
        open_search(page)
        assert selected(page) == {"unit": unit, "year": year}
        assert page.eval_on_selector_all("[data-site-search-filter=unit] option", "els => els.map(e => e.textContent)") == [
            "全部单位", unit]
        typed(page, "隐私")
        assert results(page, "隐私") == []
        typed(page, "年初结转和结余")
        assert all(p.startswith(R) for p in results(page, "年初结转和结余"))
        typed(page, "隐私")
        results(page, "隐私")
        for label, everything in (("单位", "全部单位"), ("年度", "全部年度")):
            choose(page, label, "Home", everything)  # the first option: all
        assert selected(page) == {"unit": "全部单位", "year": "全部年度"}
        assert results(page, "隐私") == ["about/"]

        page.goto(site.url(""), wait_until="load")
        open_search(page)
        assert selected(page) == {"unit": "全部单位", "year": "全部年度"}
        assert errors == []


def test_a_result_opens_its_page_with_the_query_marked(chromium, site):
    with browser_page(chromium) as (page, errors):
        page.goto(site.url(""), wait_until="load")
        open_search(page)
        typed(page, "使用非财政拨款结余")
        assert results(page, "使用非财政拨款结余") == [R + "tables/01/"]
        page.locator(".site-search__title a").first.click()
        page.wait_for_url(re.compile(re.escape(site.url(R + "tables/01/")) + r"\?highlight="))
        page.wait_for_selector("mark.search-highlight")
        # one match, the row's label (its last character is inside the row link's element: two marks)
        assert "".join(page.eval_on_selector_all("mark.search-highlight", "els => els.map(e => e.textContent)")) == "使用非财政拨款结余"
        assert page.locator("dialog#site-search").evaluate("d => !d.open")
        assert errors == []


def test_three_results_first_then_more_on_request(chromium, site):
    """Three results come first (each costs its page's fragment); 显示更多结果 adds five, until none is left."""
    with browser_page(chromium) as (page, errors):
        page.goto(site.url(""), wait_until="load")
        open_search(page)
        typed(page, "2080505")
        first = results(page, "2080505")
        total = int(re.search(r"找到 (\d+) 个", page.text_content("[data-site-search-status]")).group(1))
        assert len(first) == 3 and total > 3
        more = page.get_by_role("button", name="显示更多结果")
        more.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("n => document.querySelectorAll('.site-search__result').length === n", arg=min(total, 8))
        assert results(page, "2080505")[:3] == first
        assert more.is_hidden() == (total <= 8)
        assert errors == []


def _gzip_size(response) -> tuple[int, int]:
    try:
        body = response.body()
    except Exception:  # noqa: BLE001 - a redirect or an aborted request has no body
        return 0, 0
    return len(body), len(gzip.compress(body, 9))


def _print(name: str, responses) -> int:
    sizes = [_gzip_size(r) for r in responses]
    total = sum(s[1] for s in sizes)
    print(f"\n{name}: {len(responses)} responses, {sum(s[0] for s in sizes):,} B, gzip {total:,} B")
    for r, (raw, gz) in zip(responses, sizes):
        print(f"  {gz:>8,} B gzip  {raw:>8,} B  {urlsplit(r.url).path}")
    return total


@pytest.mark.parametrize("path", ["", R + "tables/01/"], ids=["home", "report-page"])
def test_a_page_load_fetches_no_index_and_no_sitemap(chromium, site, path):
    """Every request of a page load, up to network idle: none is Pagefind's, an index chunk or the sitemap
    (Material's instant navigation asks for sitemap.xml only at the reader's first gesture); the search
    dialog is closed. Prints the requests with their gzip sizes."""
    with browser_page(chromium) as (page, _):
        log: list = []
        page.on("response", lambda r: log.append(r))
        page.goto(site.url(path), wait_until="load")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        _print(f"load of /{path}", log)
        paths = [urlsplit(r.url).path for r in log]
        assert [p for p in paths if INDEX.search(p)] == []
        assert "/assets/search.js" in paths and "/assets/sitemap-on-demand.js" in paths
        assert all(urlsplit(r.url).netloc == site.host for r in log), [r.url for r in log]
        assert page.locator("dialog#site-search").evaluate("d => !d.open")
        # the reader's first gesture: now Material gets its sitemap
        with page.expect_response(lambda r: urlsplit(r.url).path == "/sitemap.xml"):
            page.mouse.move(200, 300)


def test_the_first_click_still_navigates_instantly(chromium, site):
    """The reader's first gesture is a click on a link of the site, before the sitemap has come: the click
    waits for it, and Material's instant navigation opens the page (the document is not reloaded).
    The sitemap is served with the test server's address: Material matches its URLs' host but not the port
    (the build's site_url is 127.0.0.1:8000), so the built one would turn instant navigation off."""
    built = (site.dir / "sitemap.xml").read_text(encoding="utf-8")
    home = min(re.findall(r"<loc>([^<]+)</loc>", built), key=len)
    with browser_page(chromium) as (page, errors):
        page.context.route("**/sitemap.xml", lambda route: route.fulfill(
            status=200, content_type="application/xml", body=built.replace(f"<loc>{home}", f"<loc>{site.base}")))
        asked: list[str] = []
        page.on("request", lambda r: asked.append(urlsplit(r.url).path))
        page.goto(site.url(R), wait_until="load")
        page.wait_for_load_state("networkidle")
        assert "/sitemap.xml" not in asked
        page.evaluate("() => { window.sameDocument = true; }")
        nxt = page.locator("a.md-footer__link--next")
        target = site.base.rstrip("/") + urlsplit(nxt.evaluate("a => a.href")).path
        nxt.click()
        page.wait_for_url(target)
        page.wait_for_function("t => (document.querySelector('a.md-footer__link--prev') || {}).href === t", arg=site.url(R))
        assert page.evaluate("() => window.sameDocument") is True
        assert asked.count("/sitemap.xml") == 1
        assert errors == []


def test_first_and_second_search_bytes(chromium, site):
    """Opening search and typing fetches Pagefind's runtime and the index chunks for those characters, all
    from the site itself, never Pagefind's prebuilt UI or its web worker; a second query fetches only
    chunks. Prints the bytes (body and gzip) of both (the targets are in juesuan/tools/bench.py)."""
    with browser_page(chromium) as (page, _):
        log: list = []
        page.goto(site.url(R + "overview/"), wait_until="load")
        page.wait_for_load_state("networkidle")
        page.on("response", lambda r: log.append(r))
        open_search(page)
        typed(page, "养老金")
        assert R + "overview/" in results(page, "养老金")
        page.wait_for_load_state("networkidle")
        first = list(log)
        log.clear()
        typed(page, "2080505")
        assert R + "tables/06/" in results(page, "2080505")
        page.wait_for_load_state("networkidle")
        second = list(log)
        _print("first search", first)
        _print("second search", second)
        for responses in (first, second):
            assert all(urlsplit(r.url).netloc == site.host for r in responses), [r.url for r in responses]
        names = [urlsplit(r.url).path.rsplit("/", 1)[-1] for r in first]
        assert "pagefind.js" in names and any(n.endswith(".pf_index") for n in names)
        assert [n for n in names if n.startswith(("pagefind-ui", "pagefind-worker", "pagefind-highlight"))] == []
        assert [urlsplit(r.url).path for r in second if not re.search(r"\.pf_(index|fragment)$", r.url)] == []


def test_search_dialog_passes_axe(chromium, site):
    """The open dialog, with results, has no axe violation (the pages' own audit sees it closed)."""
    from pathlib import Path

    axe = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
    with browser_page(chromium) as (page, _):
        page.goto(site.url(R + "overview/"), wait_until="load")
        open_search(page)
        typed(page, "三公经费")
        results(page, "三公经费")
        page.add_script_tag(path=str(axe))
        violations = page.evaluate("""async () => (await axe.run(document.querySelector('#site-search'),
            {resultTypes: ['violations']})).violations.map(v => v.id + ': ' + v.nodes.length)""")
        assert violations == []
        page.keyboard.press("Escape")  # the first clears the search box (type=search), the second closes
        page.keyboard.press("Escape")
        assert page.locator("dialog#site-search").evaluate("d => !d.open")


def test_the_benchmarks_reader_counts_the_runtime_in_the_first_search(site):
    """juesuan/tools/reader.py (make bench) on the built site: the first search counts what opening the search fetched
    (Pagefind's WebAssembly at least), the second only its chunks; on a report's page too. Run in its own process: it
    drives its own Playwright, which cannot start beside the tests' one."""
    import json
    import os
    import subprocess
    import sys

    from helpers.paths import ROOT

    code = "import json, sys; from pathlib import Path; from juesuan.tools import reader; " \
           "print(json.dumps(reader.measure(Path(sys.argv[1]), sys.argv[2])))"
    done = subprocess.run([sys.executable, "-c", code, str(site.dir), R + "overview/"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    m = json.loads(done.stdout)
    assert sorted(m) == ["first_results", "first_search_kb", "home_kb", "report_first_search_kb", "report_results",
                         "second_results", "second_search_kb"]
    assert (m["first_results"], m["second_results"], m["report_results"]) == (3, 3, 3)
    wasm = len(gzip.compress((site.dir / "pagefind" / "wasm.unknown.pagefind").read_bytes(), 9)) / 1024
    assert m["first_search_kb"] > wasm and m["report_first_search_kb"] > wasm
    assert 0 < m["second_search_kb"] < wasm
    assert sorted(m["home_kb"]) == ["1280x800", "390x844"] and all(v > 0 for v in m["home_kb"].values())
