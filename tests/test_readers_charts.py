"""Charts as readers meet them (issue 14): readable on a phone, "on what" on the homes, stamped exports, both F03 budgets.

In Chromium at 390x844 (and 360x740) and 1280x800: every chart's smallest rendered text, live (font size
× the SVG's scale) and static (the picture a phone gets before and without JavaScript), is at least 11
CSS px; the site's home and the report's home show the spending breakdown with its sentence, values
equal to the package's tables, and the context note on the pension payments; every exported SVG names
its title, unit, year, source URL and licence, exact strings from the package and the built page; the
projects chart of section 十 shows both budgets finding F03 records. Expectations are read from the
package here (tables, figures, findings, relations), not from the chart code.
"""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from urllib.parse import urljoin

import pytest

from helpers.data import all_reports
from helpers.site import page_urls
from juesuan.charts import charts, compare
from juesuan.site import pages as site_pages

pytestmark = pytest.mark.slow

SLUG = "miyi-cxjmyl-2021"
SVG_NS = "{http://www.w3.org/2000/svg}"
MIN_PX = 11
VIEWPORTS = [(390, 844), (360, 740), (1280, 800)]
FIGURE = re.compile(r'<figure class="chart[^"]*" id="chart-([^"]+)"')
BROWSER_ARGS = dict(service_workers="block")

# Every chart on the page: its id, which spec went live, and its smallest text (px on screen) with that text.
LIVE_TEXT = """() => [...document.querySelectorAll('figure.chart, figure.chart-compact')].filter(f => f.querySelector('.chart-view[data-vega]')).map(f => {
  const view = f.querySelector('.chart-view'), svg = f.querySelector('.chart-live svg');
  const out = {id: f.id, state: view.dataset.state || '', spec: view.dataset.spec || '', min: null, text: '',
               shown: 0, column: view.clientWidth};
  if (!svg) return out;
  const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
  out.shown = svg.getBoundingClientRect().width;
  svg.querySelectorAll('text').forEach(t => {
    if (!t.textContent.trim()) return;
    const px = parseFloat(getComputedStyle(t).fontSize) * scale;
    if (out.min === null || px < out.min) { out.min = px; out.text = t.textContent; } });
  return out; })"""


def chart_pages(site_dir) -> dict[str, list[str]]:
    """Built site → {page: figure ids of its charts} (the site's home included: its compact charts)."""
    out = {}
    for url in page_urls(site_dir):
        ids = FIGURE.findall((site_dir / url / "index.html").read_text(encoding="utf-8"))
        if ids:
            out[url] = ids
    return out


def _settle(page):
    views = page.locator(".chart-view[data-vega]")  # the site home's compact charts stay static (no runtime there)
    for i in range(views.count()):
        views.nth(i).scroll_into_view_if_needed()
        page.wait_for_function("(i) => ['live', 'static'].includes(document.querySelectorAll('.chart-view[data-vega]')[i].dataset.state)",
                               arg=i, timeout=15000)


def _svg_font_sizes(svg: bytes) -> list[float]:
    """Static SVG → the font size of every non-empty <text> (vl-convert writes it as an attribute)."""
    root = ET.fromstring(svg)
    return [float(t.get("font-size").removesuffix("px")) for t in root.iter(f"{SVG_NS}text") if "".join(t.itertext()).strip()]


@pytest.fixture(scope="module")
def readings(site, chromium, built_site_dir):
    """Every chart page at each viewport, every chart scrolled to: {(width, page): [chart readings]}."""
    out = {}
    for width, height in VIEWPORTS:
        context = chromium.new_context(viewport={"width": width, "height": height}, **BROWSER_ARGS)
        try:
            page = context.new_page()
            for url in chart_pages(built_site_dir):
                page.goto(site.url(url), wait_until="load")
                _settle(page)
                out[(width, url)] = page.evaluate(LIVE_TEXT)
        finally:
            context.close()
    return out


# ---- 1. readable on a phone -----------------------------------------------------------------------------
def test_no_live_chart_text_is_under_11_px(readings, capsys):
    smallest = {}
    problems = []
    for (width, url), found in readings.items():
        for r in found:
            if r["state"] != "live":
                problems.append(f"{width}px /{url} {r['id']}: state {r['state']!r}")
                continue
            smallest[width] = min(smallest.get(width, 99.0), r["min"])
            if r["min"] < MIN_PX - 0.01:
                problems.append(f"{width}px /{url} {r['id']}: text {r['text']!r} drawn at {r['min']:.2f}px")
            if r["shown"] > r["column"] + 0.5:
                problems.append(f"{width}px /{url} {r['id']}: {r['shown']}px wide in a {r['column']}px column")
    with capsys.disabled():
        print("\n[chart text] smallest rendered chart text: " + ", ".join(f"{w}px wide: {px:.2f}px" for w, px in sorted(smallest.items())))
    assert problems == []
    assert sorted(smallest) == sorted(w for w, _ in VIEWPORTS)


def test_a_phone_gets_the_narrow_drawing_and_a_desktop_the_wide(readings):
    for (width, url), found in readings.items():
        for r in found:
            narrow = r["spec"].endswith(".narrow.vg.json")
            assert narrow == (width < 700), (width, url, r["id"], r["spec"])


def test_static_pictures_are_readable_without_javascript(site, chromium, built_site_dir):
    """Before and without JavaScript a phone shows the narrow SVG, at scale 1: its smallest font size is ≥ 11 px."""
    problems, checked = [], 0
    for width, height in VIEWPORTS:
        context = chromium.new_context(viewport={"width": width, "height": height}, java_script_enabled=False, **BROWSER_ARGS)
        try:
            page = context.new_page()
            for url in chart_pages(built_site_dir):
                page.goto(site.url(url), wait_until="load")
                for img in page.locator("img.chart-static").all():
                    img.scroll_into_view_if_needed()
                    page.wait_for_function("(e) => e.complete && e.naturalWidth > 0", arg=img.element_handle(), timeout=10000)
                    src, shown, natural = img.evaluate("e => [e.currentSrc, e.getBoundingClientRect().width, e.naturalWidth]")
                    rel = src.removeprefix(site.base)
                    assert rel.endswith(".narrow.svg") == (width < 720), (width, url, src)
                    fonts = _svg_font_sizes((built_site_dir / rel).read_bytes())
                    smallest = min(fonts) * shown / natural
                    checked += 1
                    if smallest < MIN_PX - 0.01:
                        problems.append(f"{width}px /{url} {rel}: smallest text {smallest:.2f}px")
        finally:
            context.close()
    assert checked > 0 and problems == []


# ---- 2. on what the money was spent --------------------------------------------------------------------
def _expected_breakdown(report) -> list[tuple[str, str, Decimal]]:
    """(label, group, amount) of the spending breakdown, read here from 附表八's figures and 附表九's rows."""
    rows = [("人员经费", "基本支出", report.value("basic.personnel")), ("公用经费", "基本支出", report.value("basic.public"))]
    t09 = [r for r in report.rows["t09_gpb_project_expenditure"] if r["project"] != "合计"]
    return rows + [(r["project"], "项目支出", r["amount"]) for r in t09]


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_both_homes_show_on_what_the_money_was_spent(site, chromium, width, height):
    report = next(r for r in all_reports() if r.slug == SLUG)
    chart = next(c for c in charts(report) if c.id == "spending-breakdown")
    expected = _expected_breakdown(report)
    assert [(r["支出"], r["类别"], Decimal(repr(r["金额"]))) for r in chart.rows] == expected
    assert sum(a for _, g, a in expected if g == "基本支出") == report.value("basic.total")
    assert sum(a for _, g, a in expected if g == "项目支出") == report.value("gpb.project")
    context = chromium.new_context(viewport={"width": width, "height": height}, **BROWSER_ARGS)
    try:
        page = context.new_page()
        for url, figure_id in (("", f"chart-{SLUG}-spending-breakdown"), (f"{SLUG}/", "chart-spending-breakdown")):
            page.goto(site.url(url), wait_until="load")
            figure = page.locator(f"figure#{figure_id}")
            figure.scroll_into_view_if_needed()
            if url == "":  # the site's home: the static drawing only, so its first visit loads no chart runtime
                assert figure.locator(".chart-view").get_attribute("data-vega") is None
                assert figure.locator("img.chart-static").evaluate("i => i.complete && i.naturalWidth > 0")
            else:
                page.wait_for_function("(e) => e.querySelector('.chart-view').dataset.state === 'live'",
                                       arg=figure.element_handle(), timeout=15000)
            assert figure.locator(".chart-title").inner_text() == chart.title
            sentence = figure.locator(".chart-summary").inner_text()
            assert sentence == chart.summary
            # the sentence states the package's total, both groups and every part, as the report writes them
            for fid in ("gpb.total", "basic.total", "gpb.project", "basic.personnel", "basic.public"):
                assert report.written(fid) in sentence, (url, fid)
            for label, _, amount in expected:
                assert f"{label}{amount}万元" in sentence, (url, label)
            if url:
                labels = figure.locator(".chart-live g.mark-text.role-mark text").evaluate_all("ts => ts.map(t => t.textContent)")
                assert sorted(labels) == sorted(f"{a:,.2f}" for _, _, a in expected), url
                assert figure.locator(".chart-live g.mark-rect.role-mark path").count() == len(expected)
    finally:
        context.close()


def test_the_pension_payments_carry_their_note_on_both_homes(site, chromium):
    """The headline card of the pensions paid (not this unit's budget) has the package's note, escaped, its figure linked."""
    report = next(r for r in all_reports() if r.slug == SLUG)
    note = next(n for n in report.site["notes"] if "work.pension.amount" in n["figures"])
    shown = "注：" + re.sub(r"\[\[([^\]]+)\]\]", lambda m: report.written(m.group(1)), note["text"])
    assert "社保基金" in shown and report.written("expend.total") in shown
    context = chromium.new_context(viewport={"width": 390, "height": 844}, **BROWSER_ARGS)
    try:
        page = context.new_page()
        for url in ("", f"{SLUG}/"):
            page.goto(site.url(url), wait_until="load")
            notes = page.locator("p.context-note")
            assert notes.all_inner_texts() == [shown], url
            link = notes.first.locator("a.fig")
            assert link.inner_text() == report.written("expend.total")
            assert link.get_attribute("href").endswith("figures/#fig-expend-total")
    finally:
        context.close()


# ---- 3. exported images carry title, unit, year, source URL and licence ------------------------------------
def _all_charts() -> list:
    units = site_pages.units(all_reports())
    return [(r, c) for r in all_reports() for c in charts(r)] + [
        (unit[0], c) for uid, unit in units.items() if site_pages.compare_page(uid, unit) for c in compare(unit)]


def _canonical(site_dir, page: str) -> str:
    html = (site_dir / page / "index.html").read_text(encoding="utf-8")
    return re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)


def test_every_exported_svg_names_title_unit_year_source_and_licence(built_site_dir):
    on_pages = {}
    for url, ids in chart_pages(built_site_dir).items():
        for cid in ids:
            on_pages.setdefault(cid, url)  # the report's home comes before nothing: compact ids carry the slug
    checked = 0
    for report, chart in _all_charts():
        svg = (built_site_dir / chart.folder / "charts" / f"{chart.id}.svg").read_bytes()
        root = ET.fromstring(svg)
        texts = ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]
        everything = "\n".join(texts)
        page = on_pages[chart.id]
        source = urljoin(_canonical(built_site_dir, page), f"#chart-{chart.id}")
        meta = report.meta
        licence = "；".join(x.get("title") or x.get("name") for x in report.descriptor.get("licenses") or []) or \
            report.descriptor["terms_of_reuse"]
        assert chart.title in texts, chart.id
        assert f"{meta['unit']} · " in everything and f"{meta['year']}年度{meta['kind']}" in everything, chart.id
        assert f"来源：{source}" in everything, (chart.id, source)
        assert licence in everything.replace("\n", ""), chart.id
        png = (built_site_dir / chart.folder / "charts" / f"{chart.id}.png").read_bytes()
        width, height = struct.unpack(">II", png[16:24])  # IHDR: the PNG is the stamped SVG at twice the size
        assert (width, height) == (round(float(root.get("width")) * 2), round(float(root.get("height")) * 2)), chart.id
        checked += 1
    assert checked == len(_all_charts()) > 0


# ---- 4. section 十 states both budgets of F03 ------------------------------------------------------------
@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_the_projects_chart_shows_both_budgets_of_f03(site, chromium, width, height):
    report = next(r for r in all_reports() if r.slug == SLUG)
    finding = next(f for f in report.rows["findings"] if f["id"] == "F03")
    relation = next(r for r in report.rows["relations"] if r["finding"] == "F03" and "budget" in r["left"])
    stated = [report.value(relation["left"]), report.value(relation["right"])]
    assert stated[0] != stated[1] and finding["kind"] == "矛盾"
    context = chromium.new_context(viewport={"width": width, "height": height}, **BROWSER_ARGS)
    try:
        page = context.new_page()
        page.goto(site.url(f"{SLUG}/explanation/10/"), wait_until="load")
        figure = page.locator("figure#chart-projects")
        figure.scroll_into_view_if_needed()
        page.wait_for_function("(e) => e.querySelector('.chart-view').dataset.state === 'live'", arg=figure.element_handle(),
                               timeout=15000)
        title = figure.locator(".chart-title").inner_text()
        for fid in (relation["left"], relation["right"]):
            assert report.written(fid) in title, (fid, title)
        labels = figure.locator(".chart-live g.mark-text.role-mark text").evaluate_all("ts => ts.map(t => t.textContent)")
        for value in stated:
            assert f"{value:,.2f}" in labels, (value, labels)
        assert "F03" in figure.locator(".chart-summary").inner_text()
    finally:
        context.close()


# ---- the data behind it ------------------------------------------------------------------------------------
def test_narrow_drawings_hold_the_same_data_and_validate():
    """Each chart's narrow spec is valid Vega-Lite with the same rows as the wide one, 320 px wide; no text under 11 px."""
    import altair as alt
    import jsonschema

    schema = json.loads((Path(alt.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    for _, chart in _all_charts():
        for spec in (chart.spec, chart.narrow):
            assert [e.message[:120] for e in validator.iter_errors(spec)] == [], chart.id
            data = spec["data"]["values"] if "data" in spec else spec["layer"][0]["data"]["values"]
            assert data == chart.rows, chart.id
        assert chart.narrow["width"] == 320 and chart.narrow["autosize"] == {"type": "fit-x", "contains": "padding"}
        sizes = re.findall(r'"(?:labelFontSize|titleFontSize|fontSize|subtitleFontSize)": (\d+(?:\.\d+)?)', json.dumps(chart.narrow))
        assert sizes and min(float(s) for s in sizes) >= MIN_PX, chart.id


def test_a_malformed_note_is_one_located_problem_per_fault(package_copy):
    from juesuan import charts as chart_module
    from juesuan.data.loader import load

    path = package_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["site"]["notes"] = [{"figures": ["no.such.figure"], "text": "见[[also.missing]]。"}, {"text": "缺少 figures"}]
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    found = [(p.code, p.field, p.message) for p in chart_module.problems(load(package_copy))]
    assert found == [
        ("note-invalid", "site.notes[1]", "note names figure 'no.such.figure', which is not in the figures register"),
        ("note-invalid", "site.notes[1]", "note names figure 'also.missing', which is not in the figures register"),
        ("note-invalid", "site.notes[2]", 'a note must be {"figures": [figure ids], "text": "…"} with a non-empty text'),
    ]

