"""Material's real search, in Chromium, on the built site: a reader's query finds the page they expect.

Each search opens http://127.0.0.1:PORT/?q=<term> (Material runs the query from the URL), waits for
the results, scrolls the result list until every result is rendered (Material shows 10, then 4
more each time the list is scrolled to its end), and checks that the expected pages are among the
pages of all result links (page links and section links alike).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest

pytestmark = pytest.mark.slow  # every test here searches the built site in Chromium, or reads its index

R = "miyi-cxjmyl-2021/"  # the 2021 report

# (query, pages that must be among the results). One or more per part of the report, then codes,
# names, table rows and the site's own pages.
SEARCHES = [
    # 第一部分 单位概况
    ("读卡器", [R + "overview/"]),
    ("职能简介", [R + "overview/"]),
    ("待遇资格认证", [R + "overview/"]),
    ("基金管理问题专项整治", [R + "overview/"]),
    # 第二部分 决算情况说明
    ("三公经费", [R + "explanation/07/"]),
    ("“三公”经费", [R + "explanation/07/", R + "tables/10/"]),  # as the report writes it, with quotes
    ("国有资产占有使用情况", [R + "explanation/10/"]),
    ("机关运行经费", [R + "explanation/10/", R + "tables/15/"]),
    # 第三部分 名词解释
    ("工资福利支出", [R + "glossary/"]),
    ("名词解释", [R + "glossary/"]),
    # 第四部分 绩效自评表
    ("参保群众满意度", [R + "performance/1/"]),
    ("附件1", [R + "performance/1/"]),  # Han next to a digit
    ("e社保", [R + "overview/"]),  # Latin next to Han
    ("印刷宣传资料", [R + "performance/1/"]),
    ("城乡居民养老保险管理经费项目", [R + "performance/1/"]),
    ("困难群众城乡居保个人缴费县级补助资金项目", [R + "performance/2/"]),
    ("省级困难群众城乡居民养老保险补助资金项目", [R + "performance/3/"]),
    # 第五部分 附表: titles and row labels
    ("年初结转和结余", [R + "tables/01/"]),
    ("使用非财政拨款结余", [R + "tables/01/"]),
    ("附表一", [R + "tables/01/"]),
    ("人员经费合计", [R + "tables/08/"]),
    ("基本工资", [R + "tables/08/"]),
    ("政府采购", [R + "tables/15/", R + "explanation/10/"]),
    # Codes: a seven-digit functional code and a five-digit economic code
    ("2080109", [R + "glossary/", R + "explanation/05/", R + "tables/03/"]),
    ("30101", [R + "glossary/", R + "tables/08/"]),
    # An amount as the tables show it
    ("260.70", [R + "tables/01/"]),
    # The unit, the report's own pages, the site's pages
    ("米易县", [R]),
    ("数字登记表", [R + "figures/"]),
    ("数据下载", [R + "data/"]),
    ("隐私", ["about/"]),
]

NO_RESULT = "量子引力"  # a word the site never uses

# Waits once the index is loaded. Material answers within a second here; 10 s leaves room.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def search_context(chromium):
    context = chromium.new_context(service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def _count(meta: str) -> int:
    """Material's result line ('找到 1 个符合条件的结果', '12 个符合条件的结果', '没有找到符合条件的结果') → the count."""
    if "没有" in meta:
        return 0
    m = re.search(r"(\d+)\s*个符合条件的结果", meta)
    assert m, f"unexpected search meta text: {meta!r}"
    return int(m.group(1))


def _start(context, site, term: str):
    """Open the home page with the query in its URL (Material runs it once the index is loaded)."""
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site.url("?q=" + quote(term)), wait_until="commit")
    return page, errors


def _collect(page, errors, site) -> tuple[int, list[str], list[str]]:
    """Wait for the results, render all of them → (count Material reports, pages of all result links, errors)."""
    try:
        page.wait_for_function(
            "() => { const m = document.querySelector('.md-search-result__meta');"
            " return m && /符合条件的结果/.test(m.textContent); }")
        total = _count(page.locator(".md-search-result__meta").inner_text())
        items = page.locator(".md-search-result__item")
        page.bring_to_front()  # scrolling is handled in animation frames, which background tabs skip
        # Material renders the first 10 results, then 4 more each time the list reaches its end
        # (it reacts to a change from "not at the end" to "at the end").
        while (n := items.count()) < total:
            page.eval_on_selector(".md-search__scrollwrap", """async e => {
                e.scrollTop = 0;
                await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
                e.scrollTop = e.scrollHeight; }""")
            page.wait_for_function(f"() => document.querySelectorAll('.md-search-result__item').length > {n}")
        assert items.count() == total
        hrefs = page.eval_on_selector_all(".md-search-result__item a[href]", "els => els.map(e => e.href)")
    finally:
        page.close()
    assert all(h.startswith(site.base) for h in hrefs), hrefs
    pages = list(dict.fromkeys(urlsplit(h).path.lstrip("/") for h in hrefs))
    return total, pages, errors


BATCH = 6  # searches running at the same time, in tabs of one context


@pytest.fixture(scope="module")
def results(search_context, site):
    """Every query of SEARCHES and the control, run once, a few at a time."""
    terms = [t for t, _ in SEARCHES] + [NO_RESULT]
    out = {}
    for i in range(0, len(terms), BATCH):
        started = [(t, _start(search_context, site, t)) for t in terms[i:i + BATCH]]
        for t, (page, errors) in started:
            try:
                out[t] = _collect(page, errors, site)
            except Exception as exc:  # reported by the test of that query, not by all of them
                out[t] = exc
    return out


def _result(results, term):
    found = results[term]
    if isinstance(found, Exception):
        pytest.fail(f"search for {term!r} did not complete: {found}")
    return found


def _id(i: int, expected: list[str]) -> str:
    """A readable ASCII test id: number and first expected page ('07-explanation.07')."""
    return f"{i:02d}-" + (expected[0].removeprefix(R).strip("/").replace("/", ".") or "report")


@pytest.mark.parametrize("term,expected", SEARCHES, ids=[_id(i, e) for i, (_, e) in enumerate(SEARCHES, 1)])
def test_search_finds_the_expected_pages(results, term, expected):
    total, pages, errors = _result(results, term)
    assert errors == []
    assert total >= 1
    missing = [p for p in expected if p not in pages]
    assert missing == [], f"{term!r}: {missing} not among the {len(pages)} result pages {pages}"


def test_search_for_an_unused_word_finds_nothing(results):
    """The control: search does not simply list every page."""
    total, pages, errors = _result(results, NO_RESULT)
    assert errors == []
    assert (total, pages) == (0, [])


def test_search_index_pages_exist(built_site_dir):
    """Every location in the search index is a built page (so results never lead to a 404)."""
    import json

    index = json.loads((built_site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert "" in locations and R in locations
    for loc in locations:
        assert (built_site_dir / loc / "index.html").is_file(), loc
