"""Many reports: synthetic packages pass validation; a site of the real report plus two years of one
synthetic unit has nav by unit and year, a year-on-year page with the packages' values, and keeps
the real report's URLs."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from decimal import Decimal
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helpers.build import build_or_fail
from helpers.search import browser_page, choose, open_search, results, selected, typed
from helpers.server import serve
from juesuan.tools import synth
from juesuan.data.loader import load
from juesuan.site import views
from juesuan.site.pages import pages
from juesuan.tools.validate import validate

REAL = synth.TEMPLATE


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> Path:
    """The real package and two synthetic years (2019, 2020) of one unit."""
    root = tmp_path_factory.mktemp("packages")
    shutil.copytree(REAL, root / REAL.name)
    synth.make_many(root, 2, 1)
    return root


@pytest.fixture(scope="module")
def multisite(packages, tmp_path_factory) -> Path:
    """The real project's site built from those packages (DATAPACKAGE_DIR), with the shared build."""
    return build_or_fail(tmp_path_factory.mktemp("multisite") / "site", DATAPACKAGE_DIR=str(packages))


def test_synth_packages_pass_every_check(packages):
    folders = sorted(p for p in packages.iterdir() if p.name.startswith("synthetic-"))
    assert [f.name for f in folders] == ["synthetic-unit001-2019", "synthetic-unit001-2020"]
    assert validate(folders) == []


def test_synth_scales_amounts_and_keeps_shares(packages):
    real, syn = load(REAL), load(packages / "synthetic-unit001-2019")
    assert syn.value("income.total") == 2 * real.value("income.total") == Decimal("521.40")
    assert syn.value("expend.basic_share") == real.value("expend.basic_share") == Decimal("54.64")
    assert syn.value("work.daijiao.persons_100") == 2 * real.value("work.daijiao.persons_100")
    assert syn.meta["year"] == 2019 and syn.meta["unit_id"] == "synthetic-unit001"


def _nav_labels(html: str) -> list[str]:
    """The labels of a page's nav, each once, in order (Material repeats a section's label as its title)."""
    labels = [unescape(re.sub(r"<[^>]+>|\s+", "", m)) for m in re.findall(r'<span class="md-ellipsis">(.*?)</span>', html, re.S)]
    return list(dict.fromkeys(labels))


@pytest.mark.slow
def test_multi_site_nav_is_by_unit_then_year(multisite):
    # The home page's (pruned) nav: the units, by name, between the home and the about page.
    top = _nav_labels((multisite / "index.html").read_text(encoding="utf-8"))
    assert [t for t in top if t in ("首页", "合成测试单位001", "米易县城乡居民养老保险事务中心", "关于本站")] == \
        ["首页", "合成测试单位001", "米易县城乡居民养老保险事务中心", "关于本站"]
    # Inside a unit: the comparison first, then the years, newest first.
    unit = _nav_labels((multisite / "synthetic-unit001" / "compare" / "index.html").read_text(encoding="utf-8"))
    years = [t for t in unit if t in ("历年对比", "2020年度单位决算", "2019年度单位决算")]
    assert years == ["历年对比", "2020年度单位决算", "2019年度单位决算"]
    real = _nav_labels((multisite / "miyi-cxjmyl-2021" / "index.html").read_text(encoding="utf-8"))
    assert real[real.index("米易县城乡居民养老保险事务中心") + 1: real.index("米易县城乡居民养老保险事务中心") + 3] == \
        ["2021年度单位决算", "概览"]


@pytest.mark.slow
def test_year_on_year_page_shows_each_years_values(multisite, packages):
    html = (multisite / "synthetic-unit001" / "compare" / "index.html").read_text(encoding="utf-8")
    row = re.search(r"<tr><th scope=\"row\">本年收入合计</th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    y2019 = load(packages / "synthetic-unit001-2019").value("income.total")
    y2020 = load(packages / "synthetic-unit001-2020").value("income.total")
    assert cells == [f"{y2019:,.2f}", f"{y2020:,.2f}", f"{y2020 - y2019:,.2f}"] == ["521.40", "782.10", "260.70"]
    assert 'id="chart-compare-totals"' in html
    assert (multisite / "synthetic-unit001" / "charts" / "compare-totals.svg").is_file()


@pytest.mark.slow
def test_real_report_urls_unchanged(multisite):
    real = load(REAL)
    urls = [spec.url for spec in pages(real)]
    assert urls[0] == "miyi-cxjmyl-2021/" and len(urls) == 34
    for url in urls:
        assert (multisite / url / "index.html").is_file(), url
    assert not (multisite / "miyi-cxjmyl" / "compare").exists()  # one year only: no comparison page


@pytest.fixture(scope="module")
def crowded(packages, tmp_path_factory) -> Path:
    """The same packages built as a large site is (issue 12): limits below their counts, one report per home row,
    one unit per nav and a search index per unit (mkdocs.yml extra.home_cards_max, nav_sections_max and
    search_full_max, read from the environment)."""
    return build_or_fail(tmp_path_factory.mktemp("crowded") / "site", DATAPACKAGE_DIR=str(packages),
                         HOME_CARDS_MAX="2", NAV_SECTIONS_MAX="1", SEARCH_FULL_MAX="1")


def _index_rows(html: str) -> list[tuple[str, str, str]]:
    """The site home's report index → (unit or '' under the same unit, year cell text, figure cell text) per row."""
    table = re.search(r'<table class="report-index">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    text = lambda s: unescape(re.sub(r"<[^>]+>", "", s)).strip()  # noqa: E731
    out = []
    for row in rows:
        unit = re.search(r'<th scope="rowgroup"[^>]*>(.*?)</th>', row, re.S)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        out.append((text(unit.group(1)) if unit else "", text(cells[0]), text(cells[1])))
    return out


@pytest.mark.slow
def test_few_reports_get_a_card_each(multisite):
    html = (multisite / "index.html").read_text(encoding="utf-8")
    assert html.count('<div class="report-card">') == 3
    assert 'class="report-index"' not in html


@pytest.mark.slow
def test_many_reports_get_one_row_each_by_unit(crowded, packages):
    html = (crowded / "index.html").read_text(encoding="utf-8")
    assert '<div class="report-card">' not in html and 'class="chart-compact"' not in html
    assert "共 2 个单位的 3 份决算。" in html
    total = {}
    for name in ("synthetic-unit001-2019", "synthetic-unit001-2020"):
        r = load(packages / name)
        total[r.meta["year"]] = f"{r.figure('total.amount')['label']} {r.value('total.amount'):,.2f}万元"
    real = load(REAL)
    assert _index_rows(html) == [
        ("合成测试单位001", "2020年度", total[2020]),
        ("", "2019年度", total[2019]),
        ("米易县城乡居民养老保险事务中心", "2021年度", f"{real.figure('total.amount')['label']} {real.value('total.amount'):,.2f}万元"),
    ]
    assert total[2019].endswith(" 521.40万元") and total[2020].endswith(" 782.10万元")
    years = re.findall(r'<td class="year"><a href="([^"]+)">', html)
    assert years == ["synthetic-unit001-2020/", "synthetic-unit001-2019/", "miyi-cxjmyl-2021/"]
    # each figure links to the page that explains it (views.home_row, remembered by the package's hash)
    explained = re.findall(r'<td><a href="([^"]+)">', html)
    assert explained == [views.figure_page(load(packages / name), None, "total.amount")
                         for name in ("synthetic-unit001-2020", "synthetic-unit001-2019")] + [views.figure_page(real, None, "total.amount")]
    assert explained[0] == "synthetic-unit001-2020/explanation/01/"  # the part that states the total, not the register


@pytest.mark.slow
def test_with_many_units_a_page_navs_its_own_unit_only(crowded):
    home = _nav_labels((crowded / "index.html").read_text(encoding="utf-8"))
    assert "合成测试单位001" not in home and "米易县城乡居民养老保险事务中心" not in home
    assert [t for t in home if t in ("首页", "关于本站")] == ["首页", "关于本站"]
    own = _nav_labels((crowded / "synthetic-unit001-2020" / "index.html").read_text(encoding="utf-8"))
    assert "合成测试单位001" in own and "米易县城乡居民养老保险事务中心" not in own
    assert [t for t in own if t in ("历年对比", "2020年度单位决算", "2019年度单位决算")] == ["历年对比", "2020年度单位决算", "2019年度单位决算"]


def test_home_has_cards_up_to_the_limit_then_rows_by_unit(packages):
    from juesuan.site import context
    from juesuan.site import pages as site_pages

    reports = [load(REAL), load(packages / "synthetic-unit001-2019"), load(packages / "synthetic-unit001-2020")]
    spec = site_pages.spec("site_home", "", "")
    assert context.for_site_home(spec, reports, "", str).cards is True  # no limit
    assert context.for_site_home(spec, reports, "", str, cards_max=3).cards is True
    crowded = context.for_site_home(spec, reports, "", str, cards_max=2)
    assert crowded.cards is False
    assert [(unit, [e[0].meta["year"] for e in entries]) for unit, entries in crowded.by_unit] == [
        ("合成测试单位001", [2020, 2019]), ("米易县城乡居民养老保险事务中心", [2021])]


SYN, MIYI = "合成测试单位001", "米易县城乡居民养老保险事务中心"


def _index(name: str) -> str:
    """A unit's name → the folder of its search index: a hash of the name (juesuan/site/search_index.py unit_key)."""
    return "unit/" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:16] + "/"


@pytest.mark.slow
def test_a_large_site_has_a_search_index_per_unit(crowded):
    bundle = crowded / "pagefind"
    assert json.loads((bundle / "scopes.json").read_text(encoding="utf-8")) == {"full": False, "years": ["2021", "2020", "2019"], "units": [
        {"name": SYN, "index": _index(SYN), "years": ["2020", "2019"]}, {"name": MIYI, "index": _index(MIYI), "years": ["2021"]}]}
    pages = lambda folder: json.loads((bundle / folder / "pagefind-entry.json").read_text())["languages"]["zh"]["page_count"]  # noqa: E731
    # the site index: the home, the about page, three report homes and glossaries, and the year-on-year page
    assert pages("") == 9
    assert pages(_index(MIYI)) == 34  # every page of the real report (test_real_report_urls_unchanged)
    assert pages(_index(SYN)) == 34 + 34 + 1  # two years and their year-on-year page
    assert sorted(p.name for p in (bundle / "unit").iterdir()) == sorted(_index(n).split("/")[1] for n in (SYN, MIYI))
    # a unit's folder holds its index only: Pagefind's scripts are served once, from pagefind/
    for name in (SYN, MIYI):
        files = [p.relative_to(bundle / _index(name)).as_posix() for p in (bundle / _index(name)).rglob("*") if p.is_file()]
        assert sorted({re.sub(r"[0-9a-f]{6,}", "#", f.split("/")[0]) for f in files}) == [
            "filter", "fragment", "index", "pagefind-entry.json", "pagefind.zh_#.pf_meta", "wasm.unknown.pagefind"]


@pytest.mark.slow
def test_a_large_sites_search_reads_the_chosen_units_index(crowded, chromium):
    """On a report's page the search reads that unit's index only; 全部单位 reads the site index (home pages and glossaries,
    the note says so: a code finds each report's glossary); choosing another unit with the keyboard reads that unit's
    index and finds its tables."""
    with serve(crowded) as port, browser_page(chromium) as (page, errors):
        base = f"http://127.0.0.1:{port}/"
        asked: list[str] = []
        page.on("request", lambda r: asked.append(urlsplit(r.url).path))
        page.goto(base + "synthetic-unit001-2020/tables/01/", wait_until="load")
        open_search(page)
        assert selected(page) == {"unit": SYN, "year": "2020"}
        note = page.locator("[data-site-search-note]")
        assert note.is_hidden()
        typed(page, "年初结转和结余")
        assert results(page, "年初结转和结余")[0] == "synthetic-unit001-2020/tables/01/"
        assert page.locator(".site-search__where").count() == 0  # held to this report: no result names its report
        assert all(p.startswith(("synthetic-unit001-2020/", "synthetic-unit001/")) for p in results(page, "年初结转和结余"))
        read = sorted({p.split("/")[3] for p in asked if p.startswith("/pagefind/unit/")})
        assert read == [_index(SYN).split("/")[1]]
        choose(page, "年度", "Home", "全部年度")
        assert "synthetic-unit001-2019/tables/01/" in results(page, "年初结转和结余")
        choose(page, "单位", "Home", "全部单位")
        assert note.is_visible()
        box = page.locator("[data-site-search-input]")
        box.click()  # back in the search box, as a reader would
        typed(page, "决算")
        homes = {"", "about/", "synthetic-unit001-2020/", "synthetic-unit001-2019/", "synthetic-unit001/compare/", "miyi-cxjmyl-2021/"}
        found = results(page, "决算")
        assert found and set(found) <= homes | {r + "glossary/" for r in homes if r.endswith(("19/", "20/", "21/"))}
        typed(page, "2080505")  # a code: every report's glossary, and nothing else of the reports
        assert sorted(results(page, "2080505")) == ["miyi-cxjmyl-2021/glossary/", "synthetic-unit001-2019/glossary/",
                                                     "synthetic-unit001-2020/glossary/"]
        # the three share a title: each result names its report
        assert sorted(page.eval_on_selector_all(".site-search__where", "els => els.map(e => e.textContent)")) == [
            "合成测试单位001 2019年度", "合成测试单位001 2020年度", "米易县城乡居民养老保险事务中心 2021年度"]
        choose(page, "单位", "End", MIYI)
        assert note.is_hidden()
        box.click()
        typed(page, "年初结转和结余")
        assert results(page, "年初结转和结余")[0] == "miyi-cxjmyl-2021/tables/01/"
        read = sorted({p.split("/")[3] for p in asked if p.startswith("/pagefind/unit/")})
        assert read == sorted(_index(n).split("/")[1] for n in (SYN, MIYI))
        assert errors == []
