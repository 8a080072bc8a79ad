"""The register and the 附表 as a reader meets them, phone first (390×844) and on a desktop (1280×800), and in print.

The built site (one build per run) in the real Chromium: the register's meaning column takes the width on
a phone, the linked row is highlighted; every table caption names the unit, the year and the 单位 (from the
package); the item column keeps six characters; rows have anchors with a link each; cells link to their
figure; derived (推算) cells are marked on the page, in the XLSX and in the JSON, exactly the cells whose
figure the package's register calls derived; printing shows a form, without navigation or downloads.
Expected values come from the package through the loader, never from the site's own view code.
"""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from helpers.data import first_report
from helpers.htmltree import parse_html
from juesuan.site import pages as site_pages
from juesuan.site import render

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SIZES = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]
SHOTS = Path(os.environ.get("READERS_SHOTS", "")) if os.environ.get("READERS_SHOTS") else None  # keep screenshots


def specs(kind: str) -> list:
    return [s for s in site_pages.pages(first_report()) if s.kind == kind]


def table_params() -> list:
    return [pytest.param(s, id=s.key[:3]) for s in specs("table")]


def register_url() -> str:
    return specs("figures")[0].url


def derived_cells(resource: str) -> list[tuple[int, str, str]]:
    """(row, field, figure id) of every cell of the resource whose figure the register marks derived (not stated)."""
    figures = {f["id"]: f for f in first_report().rows["figures"]}
    return sorted((p["row"], p["field"], p["figure"]) for p in first_report().rows["provenance"]
                  if p["resource"] == resource and figures[p["figure"]]["status"] == "derived")


def article(built_site_dir: Path, url: str):
    return parse_html((built_site_dir / url / "index.html").read_text(encoding="utf-8")).one("article", "md-content__inner")


@pytest.fixture
def browser_page(chromium, site, request):
    """A fresh tab at the size the test asks for (PHONE by default), service workers blocked."""
    size = getattr(request, "param", PHONE)
    context = chromium.new_context(viewport=size, service_workers="block")
    page = context.new_page()
    page.size = size
    yield page
    context.close()


def shot(page, name: str) -> None:
    """Keep a screenshot when READERS_SHOTS names a folder (for a person to look at); the tests assert on the DOM."""
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{page.size['width']}.png"))


def goto(page, site, url: str) -> None:
    page.goto(site.url(url))
    page.wait_for_load_state("networkidle")


# ---- captions: unit, year, 单位 --------------------------------------------------------------------------
def expected_units(resource: str) -> list[str]:
    """The table's units as the package states them: its number fields' unit, else the units its rows carry."""
    fields = first_report().fields(resource)
    units = {f["unit"] for f in fields if f["type"] == "number" and f.get("unit")}
    return sorted(units or {r["unit"] for r in first_report().rows[resource] if r.get("unit")})


def test_every_table_states_its_units():
    """A guard on the expectation below: every 附表 of the package has a unit to print (15 tables)."""
    assert len(specs("table")) == 15
    assert all(expected_units(s.key) for s in specs("table"))
    assert expected_units("t15_running_costs_assets_procurement") == ["万元", "台", "辆"]


@pytest.mark.slow
@pytest.mark.params_from("spec", table_params)
def test_table_caption_names_unit_year_and_amount_unit(built_site_dir, spec):
    meta = first_report().meta
    table = article(built_site_dir, spec.url).one("table", "budget")
    caption = table.one("caption").text()
    assert caption.startswith(first_report().resource(spec.key)["title"])
    assert f"编制单位：{meta['unit']}" in caption
    assert f"{meta['year']}年度" in caption
    units, after = expected_units(spec.key), caption.rpartition("单位：")[2]  # the last 单位：, after 编制单位：
    assert after == units[0] if len(units) == 1 else all(u in after for u in units), after
    # The same three on the form's header line, which print repeats on every page.
    head = table.one("tr", "sheet-head").text()
    assert f"编制单位：{meta['unit']}" in head and f"{meta['year']}年度" in head
    assert all(u in head for u in expected_units(spec.key))


# ---- row anchors, cell links, 推算 marks (the built HTML) --------------------------------------------------
@pytest.mark.slow
@pytest.mark.params_from("spec", table_params)
def test_rows_have_anchors_with_a_link_each(built_site_dir, spec):
    rows = article(built_site_dir, spec.url).one("table", "budget").one("tbody").select("tr")
    assert len(rows) == len(first_report().rows[spec.key])
    ids = [tr.attrs.get("id") for tr in rows]
    assert all(ids) and len(set(ids)) == len(ids)
    for tr, typed in zip(rows, first_report().rows[spec.key]):
        # An id from the row's code when it has one (unique in this package's tables), else from its number.
        assert tr.attrs["id"] == (f"code-{typed['code']}" if typed.get("code") else f"row-{typed['row']}")
        assert [a.attrs["href"] for a in tr.select("a", "row-link")] == ["#" + tr.attrs["id"]]


@pytest.mark.slow
@pytest.mark.params_from("spec", table_params)
def test_cells_link_to_their_figure_in_the_register(built_site_dir, spec):
    register_ids = {tr.attrs.get("id") for tr in article(built_site_dir, register_url()).select("tr")}
    table = article(built_site_dir, spec.url).one("table", "budget")
    columns = [f["name"] for f in first_report().fields(spec.key) if f["name"] not in ("row", "level")]
    links = {}
    for tr, typed in zip(table.one("tbody").select("tr"), first_report().rows[spec.key]):
        for td, name in zip(tr.select("td"), columns):
            for a in td.select("a", "cell"):
                links[(typed["row"], name)] = a.attrs["href"]
    expected = {(p["row"], p["field"]): render.relative(spec.url, f"{register_url()}#{render.fig_anchor(p['figure'])}")
                for p in first_report().rows["provenance"] if p["resource"] == spec.key}
    assert links == expected
    assert all(h.partition("#")[2] in register_ids for h in links.values())


@pytest.mark.slow
@pytest.mark.params_from("spec", table_params)
def test_derived_cells_are_marked_on_the_page(built_site_dir, spec):
    columns = [f["name"] for f in first_report().fields(spec.key) if f["name"] not in ("row", "level")]
    table = article(built_site_dir, spec.url).one("table", "budget")
    marked = []
    for tr, typed in zip(table.one("tbody").select("tr"), first_report().rows[spec.key]):
        for td, name in zip(tr.select("td"), columns):
            if "derived" in td.classes:
                link = td.one("a", "cell")
                assert link.attrs["data-mark"] == "推算" and link.attrs["title"].startswith("推算：")
                marked.append((typed["row"], name, link.attrs["href"].partition("#")[2]))
    assert sorted(marked) == [(r, f, render.fig_anchor(fid)) for r, f, fid in derived_cells(spec.key)]
    legend = article(built_site_dir, spec.url).select("p", "derived-legend")
    assert len(legend) == (1 if marked else 0)


def test_the_package_has_derived_cells_where_expected():
    """The expectations above are not empty: the 2021 tables show 71 derived cells, t04 the most."""
    counts = {s.key: len(derived_cells(s.key)) for s in specs("table")}
    assert sum(counts.values()) == 71
    assert counts["t04_fiscal_summary"] == 34 and counts["t10_gpb_three_public"] == 0
    assert derived_cells("t01_income_expenditure_summary")[0] == (10, "amount", "income.unused_balance")


# ---- 推算 in the downloads ----------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.params_from("spec", table_params)
def test_xlsx_comments_exactly_the_derived_cells(built_site_dir, spec):
    report = first_report()
    ws = openpyxl.load_workbook(io.BytesIO((built_site_dir / report.slug / "downloads" / f"{spec.key}.xlsx").read_bytes())).worksheets[0]
    names = [f["name"] for f in report.fields(spec.key)]
    index = {typed["row"]: i for i, typed in enumerate(report.rows[spec.key])}
    commented = sorted((ws.cell(row=c.row, column=1).value, names[c.column - 1], c.comment.text)
                       for r in ws.iter_rows(min_row=6) for c in r if c.comment)
    expected = derived_cells(spec.key)
    assert [(row, field) for row, field, _ in commented] == [(row, field) for row, field, _ in expected]
    for (row, field, text), (_, _, fid) in zip(commented, expected):
        assert text.startswith(f"推算：{report.figure(fid)['label']} = ")
        cell = ws.cell(row=6 + index[row], column=names.index(field) + 1)
        assert cell.font.i and cell.number_format == "#,##0.00"


@pytest.mark.slow
@pytest.mark.params_from("spec", table_params)
def test_json_lists_exactly_the_derived_cells(built_site_dir, spec):
    report = first_report()
    doc = json.loads((built_site_dir / report.slug / "downloads" / f"{spec.key}.json").read_text(encoding="utf-8"))
    got = [(d["row"], d["field"], d["figure"]) for d in doc["derived"]]
    assert got == derived_cells(spec.key)
    for d in doc["derived"]:
        assert d["formula"] == report.figure(d["figure"])["formula"]
        assert d["note"].startswith(f"推算：{report.figure(d['figure'])['label']} = ")


# ---- in the browser ---------------------------------------------------------------------------------------
@pytest.mark.slow
def test_register_meaning_column_takes_the_width_on_a_phone(browser_page, site):
    page = browser_page
    goto(page, site, register_url())
    shot(page, "register")
    ratios = page.evaluate("""() => [...document.querySelectorAll('table.register')].map(t => {
        const meaning = t.querySelector('tbody td.meaning'), id = t.querySelector('tbody td.code');
        return [meaning.getBoundingClientRect().width / t.getBoundingClientRect().width,
                id.getBoundingClientRect().left > meaning.getBoundingClientRect().right,
                parseFloat(getComputedStyle(id).fontSize) < parseFloat(getComputedStyle(meaning.querySelector('.label')).fontSize)];
    })""")
    assert len(ratios) == sum(len(groups) for groups in _register_groups())
    assert all(r[0] >= 0.4 for r in ratios), min(r[0] for r in ratios)
    assert all(r[1] and r[2] for r in ratios)  # the id last, and smaller


def _register_groups():
    """Parts → their sections that state figures, from the package (figures' sections, their parts)."""
    sections = {s["id"]: s for s in first_report().rows["narrative"]}
    part = {}
    for f in first_report().rows["figures"]:
        top = f["section"]
        while sections[top]["parent"]:
            top = sections[top]["parent"]
        part.setdefault(top, set()).add(f["section"])
    return list(part.values())


@pytest.mark.slow
@pytest.mark.parametrize("browser_page", SIZES, indirect=True)
def test_linked_register_row_is_highlighted_below_the_header(browser_page, site):
    page = browser_page
    fid = first_report().rows["figures"][len(first_report().rows["figures"]) // 2]["id"]
    other = first_report().rows["figures"][0]["id"]
    goto(page, site, f"{register_url()}#{render.fig_anchor(fid)}")
    shot(page, "register-linked")
    style = "id => { const td = document.getElementById(id).querySelector('td'); return getComputedStyle(td).backgroundColor; }"
    linked, plain = page.evaluate(style, render.fig_anchor(fid)), page.evaluate(style, render.fig_anchor(other))
    assert linked != plain
    top = page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", render.fig_anchor(fid))
    header = page.evaluate("() => document.querySelector('.md-header').getBoundingClientRect().bottom")
    assert header <= top < page.size["height"] / 2


@pytest.mark.slow
@pytest.mark.parametrize("browser_page", SIZES, indirect=True)
def test_a_table_cell_leads_to_its_highlighted_register_row(browser_page, site):
    """Tapping a number (Material's instant navigation: no :target) lands on its register row, highlighted."""
    page = browser_page
    spec = specs("table")[0]
    row, field, fid = derived_cells(spec.key)[0]
    goto(page, site, spec.url)
    page.locator(f"a.cell[href$='#{render.fig_anchor(fid)}']").first.click()
    page.wait_for_url(f"**/{register_url()}#{render.fig_anchor(fid)}")
    page.wait_for_function("id => document.getElementById(id) && document.getElementById(id).classList.contains('is-target')",
                           arg=render.fig_anchor(fid))
    bg = page.evaluate("id => getComputedStyle(document.getElementById(id).querySelector('td')).backgroundColor",
                       render.fig_anchor(fid))
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")


@pytest.mark.slow
@pytest.mark.params_from("spec", table_params)
def test_item_column_keeps_six_characters_on_a_phone(browser_page, site, spec):
    page = browser_page
    goto(page, site, spec.url)
    widths = page.evaluate("""() => [...document.querySelectorAll('table.budget td.item')].map(td => {
        const s = getComputedStyle(td);
        return (td.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)) / parseFloat(s.fontSize);
    })""")
    assert len(widths) == len(first_report().rows[spec.key])
    assert min(widths) >= 6, min(widths)


@pytest.mark.slow
@pytest.mark.parametrize("browser_page", SIZES, indirect=True)
def test_sideways_scroll_cue_only_when_the_table_overflows(browser_page, site):
    page = browser_page
    state = "() => [document.querySelector('.table-scroller').className, getComputedStyle(document.querySelector('.scroll-hint')).display," \
            " getComputedStyle(document.querySelector('.table-scroller'), '::after').opacity]"
    widest = max(specs("table"), key=lambda s: len(first_report().fields(s.key)))
    narrowest = min(specs("table"), key=lambda s: len(first_report().fields(s.key)))
    goto(page, site, widest.url)
    shot(page, "table-wide")
    page.wait_for_function("() => getComputedStyle(document.querySelector('.table-scroller'), '::after').opacity === '1'")
    classes, hint, shadow = page.evaluate(state)
    assert "overflows" in classes and hint == "block" and shadow == "1"
    assert page.locator(".scroll-hint").inner_text().strip() == "左右滑动查看"
    # Scrolled to the end: no shadow there; the item column stays in view (sticky).
    page.evaluate("() => { const w = document.querySelector('.table-wrap'); w.scrollLeft = w.scrollWidth; }")
    page.wait_for_function("() => document.querySelector('.table-scroller').classList.contains('at-end')")
    item = page.evaluate("() => document.querySelector('td.item').getBoundingClientRect().left"
                         " - document.querySelector('.table-wrap').getBoundingClientRect().left")
    assert abs(item) < 2
    goto(page, site, narrowest.url)
    classes, hint, _ = page.evaluate(state)
    overflows = page.evaluate("() => { const w = document.querySelector('.table-wrap'); return w.scrollWidth > w.clientWidth + 1; }")
    assert ("overflows" in classes) == overflows and hint == ("block" if overflows else "none")
    if page.size == DESKTOP:  # the narrowest table fits a desktop: no cue
        assert not overflows


@pytest.mark.slow
@pytest.mark.parametrize("browser_page", SIZES, indirect=True)
def test_row_anchor_link_resolves_and_highlights_the_row(browser_page, site):
    page = browser_page
    spec = specs("table")[1]
    goto(page, site, spec.url)
    link = page.locator("a.row-link").nth(2)
    target = link.get_attribute("href").partition("#")[2]  # Material makes links absolute
    background = "id => getComputedStyle(document.getElementById(id).querySelector('td')).backgroundColor"
    plain = page.evaluate(background, target)
    link.click()
    page.wait_for_function("id => location.hash === '#' + id", arg=target)
    page.wait_for_function(f"id => ({background})(id) !== {json.dumps(plain)}", arg=target)
    # Opened from the address bar (a link someone was sent): the same row, highlighted.
    goto(page, site, f"{spec.url}#{target}")
    assert page.evaluate(background, target) not in (plain, "rgba(0, 0, 0, 0)", "transparent")


@pytest.mark.slow
def test_a_derived_cell_shows_its_mark(browser_page, site):
    page = browser_page
    spec = next(s for s in specs("table") if derived_cells(s.key))
    _, _, fid = derived_cells(spec.key)[0]
    goto(page, site, spec.url)
    mark = page.evaluate("sel => getComputedStyle(document.querySelector(sel), '::after').content",
                         f"td.derived a.cell[href$='#{render.fig_anchor(fid)}']")
    assert mark == '"推算"'


@pytest.mark.slow
@pytest.mark.parametrize("browser_page", SIZES, indirect=True)
def test_printing_a_table_shows_the_form_without_navigation_or_downloads(browser_page, site):
    page = browser_page
    spec = max(specs("table"), key=lambda s: len(first_report().fields(s.key)))
    meta = first_report().meta
    goto(page, site, spec.url)
    assert page.locator("button.print-sheet").is_visible()
    page.emulate_media(media="print")
    shot(page, "print")
    visible = page.evaluate("""() => Object.fromEntries(Object.entries({
        caption: 'table.budget caption .sheet-title', head: 'table.budget tr.sheet-head', table: 'table.budget tbody',
        header: '.md-header', sidebar: '.md-sidebar--primary', footer: '.md-footer', downloads: '.download-box',
        print: 'button.print-sheet', hint: '.scroll-hint', search: '.site-search__open'
      }).map(([k, sel]) => { const el = document.querySelector(sel);
        return [k, !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden']; }))""")
    assert visible == {"caption": True, "head": True, "table": True, "header": False, "sidebar": False, "footer": False,
                       "downloads": False, "print": False, "hint": False, "search": False}
    caption = page.locator("table.budget caption").screenshot()  # what a printout shows of it: a real image
    assert len(caption) > 1000
    head = page.locator("table.budget tr.sheet-head").inner_text()
    assert meta["unit"] in head and f"{meta['year']}年度" in head
    # On paper nothing scrolls: the table is laid out whole, the item column not sticky.
    assert page.evaluate("() => getComputedStyle(document.querySelector('.table-wrap')).overflowX") == "visible"
    assert page.evaluate("() => getComputedStyle(document.querySelector('td.item')).position") == "static"


@pytest.mark.slow
def test_print_css_gives_wide_tables_landscape_pages_with_numbers(chromium, site, tmp_path):
    """Chromium's own print pipeline (page.pdf with the CSS page size, as the print dialog lays it out):
    a wide 附表 on landscape A4, a narrow one on portrait A4, each page numbered from the CSS margin box."""
    from pypdf import PdfReader

    wide = max(specs("table"), key=lambda s: len(first_report().fields(s.key)))
    narrow = min(specs("table"), key=lambda s: len(first_report().fields(s.key)))
    context = chromium.new_context()
    page = context.new_page()
    try:
        for spec, landscape in ((wide, True), (narrow, False)):
            goto(page, site, spec.url)
            out = tmp_path / f"{spec.key}.pdf"
            page.pdf(path=str(out), prefer_css_page_size=True)
            reader = PdfReader(str(out))
            for n, pdf_page in enumerate(reader.pages, 1):
                w, h = float(pdf_page.mediabox.width), float(pdf_page.mediabox.height)
                assert (w > h) == landscape and round(min(w, h)) == 595 and round(max(w, h)) == 842
                # The PDF's fonts map some characters to Kangxi radicals (⽼ for 老); NFKC maps them back.
                text = unicodedata.normalize("NFKC", pdf_page.extract_text())
                # pdf text extraction gives 页 as the radical ⻚: the page numbers are what is checked.
                assert re.search(rf"第 {n} .,共 {len(reader.pages)} .", text), text[:80]  # NFKC: ， → ,
                # The form's header line on every page. (Chromium's PDF fonts map a few characters of the unit's
                # name to radicals NFKC leaves alone, 民 → ⺠: the unit's name is checked on screen and in print above.)
                flat = re.sub(r"\s", "", text)
                assert "编制单位:" in flat and f"{first_report().meta['year']}年度" in flat and "单位:万元" in flat
    finally:
        context.close()
