"""Site search (Pagefind), in Chromium, on the built site, used as a reader uses it.

The reader opens the home page, clicks the header's search button, and TYPES each query into the
search box: ASCII with key events (page.keyboard.type), Chinese as an IME commits it
(page.keyboard.insert_text: one input event with the composed text). Results appear as they type,
with no Enter. For each query the expected page must be among the first three result pages.

A second test records every request of a page load and proves no search index (pagefind*, .pf_*,
search_index.json) is fetched before the reader opens search; it also measures the bytes of a first
and a second search (printed; `pytest -s` shows them).
"""

from __future__ import annotations

import gzip
import re
from urllib.parse import urlsplit

import pytest

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
    # long phrases
    ("国有资产占有使用情况", R + "explanation/10/"),
    ("城乡居民养老保险管理经费项目", R + "performance/1/"),
    ("省级困难群众城乡居民养老保险补助资金项目", R + "performance/3/"),
    ("财政代缴城乡居民基本养老保险费支出", R + "tables/06/"),
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

# Known gaps of Pagefind's Chinese segmentation (the query is cut differently from the page and
# finds nothing, or a table title is not found by its number): kept so a fix shows up (strict xfail).
GAPS = [
    ("年初结转和结余", R + "tables/01/"),
    ("使用非财政拨款结余", R + "tables/01/"),
    ("困难群众城乡居保个人缴费县级补助资金项目", R + "performance/2/"),
    ("附表一", R + "tables/01/"),
]

NO_RESULT = "量子引力"  # a word the site never uses

TIMEOUT_MS = 10_000
INDEX = re.compile(r"/pagefind[^/]*(/|$)|\.pf_|search_index\.json")


def _type(page, text: str) -> None:
    """Clear the box with keys, then type: ASCII key by key, Chinese as an IME commits it."""
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    for run in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
        if run.isascii():
            page.keyboard.type(run, delay=20)
        else:
            page.keyboard.insert_text(run)


def _open_search(page) -> None:
    """As a reader: click the header's search button; the box has focus once the UI has loaded."""
    page.get_by_role("button", name="搜索", exact=True).click()
    page.wait_for_function("() => document.activeElement"
                           " && document.activeElement.classList.contains('pagefind-ui__search-input')")


def _results(page, term: str) -> list[str]:
    """Wait until the UI reports results for `term` → the result pages in order, site-relative."""
    page.wait_for_function(
        "t => { const m = document.querySelector('.pagefind-ui__message');"
        " return m && m.textContent.includes(t) && /结果/.test(m.textContent)"
        # each result's page data arrives after the count: wait until none is a placeholder
        " && !document.querySelector('#site-search .pagefind-ui__loading'); }", arg=term)
    hrefs = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
    return list(dict.fromkeys(urlsplit(h).path.lstrip("/") for h in hrefs))


@pytest.fixture(scope="module")
def searched(chromium, site):
    """Every query typed once in one search dialog → {query: result pages or the exception}, errors."""
    context = chromium.new_context(service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    out: dict[str, object] = {}
    try:
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(site.url(""), wait_until="load")
        _open_search(page)
        for term, _ in SEARCHES + GAPS + [(NO_RESULT, None)]:
            try:
                _type(page, term)
                out[term] = _results(page, term)
            except Exception as exc:  # reported by the test of that query
                out[term] = exc
    finally:
        context.close()
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


@pytest.mark.xfail(strict=True, reason="Pagefind segments this query differently from the page")
@pytest.mark.parametrize("term,expected", GAPS, ids=[f"gap{i}" for i in range(1, len(GAPS) + 1)])
def test_known_gap(searched, term, expected):
    assert expected in _pages(searched, term)[:3]


def test_unused_word_finds_nothing_and_no_errors(searched):
    assert _pages(searched, NO_RESULT) == []
    assert searched[1] == []


def test_checks_and_registers_rank_below_explanations(searched):
    """The verification page and the register never come first for a word the report explains."""
    for term in ("养老金", "三公经费", "代缴", "住房公积金", "2080505"):
        assert _pages(searched, term)[0] not in (R + "checks/", R + "figures/"), term


def _gzip_size(response) -> tuple[int, int]:
    try:
        body = response.body()
    except Exception:  # noqa: BLE001 - a redirect or an aborted request has no body
        return 0, 0
    return len(body), len(gzip.compress(body, 9))


def test_no_index_before_search_is_opened_and_search_bytes(chromium, site):
    """A page load fetches nothing of search but assets/search.js; opening search and typing
    fetches Pagefind's UI and index chunks, all from the site itself. Prints the bytes of a first and
    a second search (body and gzip)."""
    context = chromium.new_context(service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        log: list = []
        page.on("response", lambda r: log.append(r))
        page.goto(site.url(R + "overview/"), wait_until="load")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        before = [r.url for r in log]
        assert [u for u in before if INDEX.search(urlsplit(u).path)] == []
        assert any(u.endswith("assets/search.js") for u in before)
        assert page.locator("dialog#site-search").evaluate("d => !d.open")

        log.clear()
        _open_search(page)
        _type(page, "养老金")
        assert R + "overview/" in _results(page, "养老金")
        page.wait_for_load_state("networkidle")
        first = list(log)
        log.clear()
        _type(page, "2080505")
        assert R + "tables/06/" in _results(page, "2080505")
        page.wait_for_load_state("networkidle")
        second = list(log)

        for name, responses in (("first", first), ("second", second)):
            assert all(urlsplit(r.url).netloc == site.host for r in responses), [r.url for r in responses]
            sizes = [_gzip_size(r) for r in responses]
            print(f"\n{name} search: {len(responses)} responses, {sum(s[0] for s in sizes):,} B,"
                  f" gzip {sum(s[1] for s in sizes):,} B")
            for r, (raw, gz) in zip(responses, sizes):
                print(f"  {gz:>8,} B gzip  {raw:>8,} B  {urlsplit(r.url).path}")
        assert any(INDEX.search(urlsplit(r.url).path) for r in first)
    finally:
        context.close()


def test_search_dialog_passes_axe(chromium, site):
    """The open dialog, with results, has no axe violation (the pages' own audit sees it closed)."""
    from pathlib import Path

    axe = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
    context = chromium.new_context(service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(site.url(""), wait_until="load")
        _open_search(page)
        _type(page, "三公经费")
        _results(page, "三公经费")
        page.add_script_tag(path=str(axe))
        violations = page.evaluate("""async () => (await axe.run(document.querySelector('#site-search'),
            {resultTypes: ['violations']})).violations.map(v => v.id + ': ' + v.nodes.length)""")
        assert violations == []
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        assert page.locator("dialog#site-search").evaluate("d => !d.open")
    finally:
        context.close()
