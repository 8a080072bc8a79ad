"""The numbers on the built pages equal the data package.

The built HTML (real mkdocs build) is parsed with the stdlib parser; expected values are read only
through scripts.loader and formatted here, independently of the site's own formatting code:
amounts in 万元 with two decimals and thousands separators, counts as integers, "未披露" exactly
where the package cell is empty, "—" where it holds "—". Narrative figures are compared, in order,
with the [[id]] references of the sections each page shows.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from helpers.data import first_report
from helpers.htmltree import parse_html
from juesuan.data.source_text import with_qualifier
from juesuan.site import render, views
from juesuan.site import pages as site_pages
from juesuan.data.loader import REF


def specs(*kinds: str) -> list:
    """The 2021 report's page specs of those kinds (all of them without kinds)."""
    return [s for s in site_pages.pages(first_report()) if not kinds or s.kind in kinds]


def spec_params(*kinds: str) -> list:
    return [pytest.param(s, id=s.url) for s in specs(*kinds)]


NARRATIVE_KINDS = ("part", "section", "glossary")

# The report home's headline cards, with the figures as the 2021 report writes them.
HEADLINE = [
    ("total.amount", "260.70万元"),
    ("expend.basic", "142.44万元"),
    ("expend.project", "118.26万元"),
    ("total.change_pct", "10.63%"),
    ("sangong.total", "0万元"),
    ("work.pension.amount", "4292.88万元"),
]


def fmt_amount(raw: str, unit: str = "万元") -> str:
    """A raw package cell → how the site must show it."""
    if raw == "":
        return "未披露"
    if raw == "—":
        return "—"
    value = Decimal(raw)
    if unit == "万元":
        return f"{value:,.2f}"
    assert value == value.to_integral_value(), f"count {raw!r} is not an integer"
    return f"{int(value):,}"


def test_formatting_rule():
    """The expected-value formatter itself (so the comparisons below mean what they say)."""
    assert fmt_amount("260.70") == "260.70"
    assert fmt_amount("4292.88") == "4,292.88"
    assert fmt_amount("1234567.5") == "1,234,567.50"
    assert fmt_amount("5") == "5.00"
    assert fmt_amount("0") == "0.00"
    assert fmt_amount("12234", "人") == "12,234"
    assert fmt_amount("0", "辆") == "0"
    assert fmt_amount("") == "未披露"
    assert fmt_amount("—") == "—"


@pytest.fixture(scope="module")
def page(built_site_dir):
    """Site-relative URL → the <article> of that built page."""
    cache = {}

    def get(url: str):
        if url not in cache:
            doc = parse_html((built_site_dir / url / "index.html").read_text(encoding="utf-8"))
            cache[url] = doc.one("article", "md-content__inner")
        return cache[url]

    return get


# ---- 附表 ---------------------------------------------------------------------------------------------
def _columns(resource: str) -> list[dict]:
    return [f for f in first_report().fields(resource) if f["name"] not in ("row", "level")]


@pytest.mark.slow
@pytest.mark.params_from("spec", lambda: spec_params("table"))
def test_table_cells_equal_the_package(page, spec):
    resource = spec.key
    table = page(spec.url).one("table", "budget")
    columns = _columns(resource)
    names = [f["name"] for f in first_report().fields(resource)]

    header = [th.text().strip() for th in table.one("thead").select("th")]
    assert header == [f["title"] for f in columns]

    body_rows = table.one("tbody").select("tr")
    assert len(body_rows) == len(first_report().rows[resource])
    checked = 0
    for tr, typed, raw in zip(body_rows, first_report().rows[resource], first_report().cells[resource]):
        tds = tr.select("td")
        assert len(tds) == len(columns), f"row {typed['row']}"
        unit = typed.get("unit") or "万元"
        for td, f in zip(tds, columns):
            where = f"{spec.url} row {typed['row']} {f['name']}"
            raw_value = raw[names.index(f["name"])]
            if f["type"] == "number":
                assert "num" in td.classes, where
                shown = td.text().strip()
                assert shown == fmt_amount(raw_value, unit), where
                undisclosed = td.select("span", "undisclosed")
                assert len(undisclosed) == (1 if raw_value == "" else 0), where
                if raw_value not in ("", "—"):
                    # The value shown is the register's figure for this cell.
                    fid = first_report().provenance[(resource, typed["row"], f["name"])]
                    assert shown == fmt_amount(str(first_report().value(fid)), unit), f"{where} ({fid})"
                checked += 1
            elif f["name"] == "code":
                assert td.classes == ["code"], where
                assert td.text().strip() == raw_value, where
            else:
                assert "num" not in td.classes, where
                assert td.text().strip() == raw_value, where
    assert checked == sum(1 for _ in first_report().rows[resource]) * sum(1 for f in columns if f["type"] == "number")
    # Nothing else on the page is a table number cell.
    assert len(page(spec.url).select("td", "num")) == checked


@pytest.mark.slow
def test_tables_show_undisclosed_and_not_applicable_cells(page):
    """The package has empty (未披露) cells; every one of them is shown as 未披露 and none is shown as a number."""
    empty = shown = 0
    for spec in specs("table"):
        numeric = [f["name"] for f in _columns(spec.key) if f["type"] == "number"]
        names = [f["name"] for f in first_report().fields(spec.key)]
        empty += sum(1 for raw in first_report().cells[spec.key] for n in numeric if raw[names.index(n)] == "")
        shown += sum(1 for td in page(spec.url).select("td", "num") if td.text().strip() == "未披露")
    assert empty > 0
    assert shown == empty


# ---- narrative pages --------------------------------------------------------------------------------
def _section_refs(sid: str) -> list[str]:
    """A section and its subsections, in reading order → the [[id]] references of their text."""
    sec = first_report().sections[sid]
    refs = REF.findall(sec["text"] or "")
    for child in first_report().children(sid):
        refs += _section_refs(child["id"])
    return refs


def _expected_links(refs: list[str]) -> list[tuple[str, str, str]]:
    """References → (class, text, link anchor) of the links the page must show, in order."""
    out = []
    for fid in refs:
        fig = first_report().figure(fid)
        if fig["unit"] == "科目编码":
            out.append(("code", fig["literal"], None))
        else:
            out.append(("fig", render.figure_text(first_report(), fid), render.fig_anchor(fid)))
    return out


def _shown_links(article) -> list[tuple[str, str, str]]:
    out = []
    for a in article.select("a"):
        for cls in ("fig", "code"):
            if cls in a.classes:
                anchor = a.attrs["href"].partition("#")[2] if cls == "fig" else None
                out.append((cls, a.text(), anchor))
    return out


@pytest.mark.slow
@pytest.mark.params_from("spec", lambda: spec_params(*NARRATIVE_KINDS))
def test_narrative_figures_equal_the_register(page, spec):
    refs = _section_refs(spec.key)
    assert refs, f"{spec.url}: the sections shown have no figures"
    shown = _shown_links(page(spec.url))
    assert shown == _expected_links(refs)
    # Figures the report states are shown as the report writes them.
    for fid, (cls, text, _) in zip(refs, shown):
        fig = first_report().figure(fid)
        if fig["status"] == "stated":
            assert text == re.sub(r"\s+", "", with_qualifier(fig["literal"], fig["qualifier"])), fid


def test_every_section_of_parts_one_to_three_is_on_a_page():
    """The narrative pages together show every figure reference of 第一部分 to 第三部分, once."""
    shown = [fid for s in specs(*NARRATIVE_KINDS) for fid in _section_refs(s.key)]
    expected = [fid for pid in ("p1", "p2", "p3") for fid in _section_refs(pid)]
    assert sorted(shown) == sorted(expected)
    assert len(expected) > 100


# ---- report home ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_home_headline_cards(page):
    home = next(s for s in specs() if s.kind == "report_home")
    cards = page(home.url).one("div", "headline").select("div", "card")
    assert len(cards) == len(HEADLINE)
    for card, (fid, written) in zip(cards, HEADLINE):
        # The card leads to the page that explains the figure; its register row is the card's 出处 link.
        explain = card.one("a", "explain")
        assert explain.one("div", "value").text() == written == render.figure_text(first_report(), fid)
        assert render.relative(home.url, views.figure_page(first_report(), None, fid)) == explain.attrs["href"]
        assert card.one("div", "source").one("a", "fig").attrs["href"].endswith("#" + render.fig_anchor(fid))
        assert explain.one("div", "label").text() == first_report().figure(fid)["label"]


# ---- performance forms ------------------------------------------------------------------------------
AMOUNT_FIELDS = ["budget", "executed", "budget_fiscal", "executed_fiscal", "budget_other", "executed_other"]


@pytest.mark.slow
@pytest.mark.params_from("spec", lambda: spec_params("performance"))
def test_performance_amounts_equal_the_package(page, spec):
    projects = first_report().rows["performance_projects"]
    index = next(i for i, p in enumerate(projects) if p["form"] == spec.key)
    names = [f["name"] for f in first_report().fields("performance_projects")]
    raw = first_report().cells["performance_projects"][index]
    article = page(spec.url)
    form = article.select("table", "form")[0]
    shown = [td.text().strip() for td in form.select("td", "num")]
    assert shown == [fmt_amount(raw[names.index(n)]) for n in AMOUNT_FIELDS]
    assert form.select("td")[0].text() == projects[index]["project"]


@pytest.mark.slow
@pytest.mark.params_from("spec", lambda: spec_params("performance"))
def test_performance_figures_equal_the_register(page, spec):
    project = next(p for p in first_report().rows["performance_projects"] if p["form"] == spec.key)
    refs = REF.findall(project["goal_expected"] or "") + REF.findall(project["goal_actual"] or "")
    for row in first_report().rows["performance_indicators"]:
        if row["form"] == spec.key:
            refs += REF.findall(row["expected"] or "") + REF.findall(row["actual"] or "")
    assert refs
    assert _shown_links(page(spec.url)) == _expected_links(refs)


def test_performance_amounts_as_written():
    """The three forms' amounts, as the 2021 report prints them (a guard on the package values used above)."""
    got = [[fmt_amount(str(p[n])) for n in AMOUNT_FIELDS] for p in first_report().rows["performance_projects"]]
    assert got == [
        ["5.00", "4.64", "5.00", "4.64", "0.00", "0.00"],
        ["102.24", "102.24", "102.24", "102.24", "0.00", "0.00"],
        ["11.38", "11.38", "11.38", "11.38", "0.00", "0.00"],
    ]


# ---- the register page ------------------------------------------------------------------------------
@pytest.mark.slow
def test_register_page_lists_every_figure(page):
    spec = next(s for s in specs() if s.kind == "figures")
    article = page(spec.url)
    rows = {tr.attrs["id"]: tr for tr in article.select("tr") if tr.attrs.get("id", "").startswith("fig-")}
    assert len(rows) == len(first_report().figures)
    for fid in first_report().figures:
        tr = rows[render.fig_anchor(fid)]
        assert tr.one("td", "code").text() == fid
        assert tr.one("td", "num").text() == render.figure_text(first_report(), fid)
