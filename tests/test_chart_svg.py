"""Static SVGs drawn by Vega in Node (juesuan/charts/svg.py) with the font's advance widths (charts/widths.py): the drawing vl-convert makes, faster."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess

import pytest
import vl_convert as vlc
from mkdocs.structure.files import Files

from juesuan import charts
from juesuan.charts import files, outlines, svg, widths
from juesuan.charts.draw import stamped
from juesuan.data.loader import reports
from juesuan.paths import ROOT

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _advance(table: dict, ch: str):
    cp = ord(ch)
    return next((adv for first, last, adv in table["runs"] if first <= cp <= last), table["notdef"])


def test_the_table_holds_the_installed_fonts_advances():
    table = json.loads(widths.table_path().read_text(encoding="utf-8"))
    assert table["family"] == "Noto Sans CJK SC"
    regular, bold = table["regular"], table["bold"]
    assert [_advance(regular, ch) for ch in "万1.,A （"] == [1000, 555, 278, 278, 608, 224, 1000]
    assert [_advance(bold, ch) for ch in "万1A"] == [1000, 590, 641]
    for t in (regular, bold):  # runs sorted, disjoint, merged
        assert all(a[1] < b[0] for a, b in zip(t["runs"], t["runs"][1:]))
        assert all(a[1] + 1 < b[0] or a[2] != b[2] for a, b in zip(t["runs"], t["runs"][1:]))
    assert len(regular["runs"]) == 2434


def _same_drawing(ours: str, theirs: str) -> bool:
    """Two SVGs are the same drawing: the same text between numbers, and numbers within 0.001 px.
    vl-convert's Vega (6.2) writes stroke-miterlimit 10 on the root group; the site's Vega (6.4) writes 4."""
    theirs = theirs.replace('stroke-miterlimit="10"', 'stroke-miterlimit="4"', 1)
    a, b = [float(x) for x in NUMBER.findall(ours)], [float(x) for x in NUMBER.findall(theirs)]
    return NUMBER.split(ours) == NUMBER.split(theirs) and len(a) == len(b) and all(abs(x - y) < 1e-3 for x, y in zip(a, b))


def test_every_chart_of_the_report_is_drawn_as_vl_convert_draws_it():
    report = reports()[0]
    drawn = 0
    for chart in charts.charts(report):
        for spec in (stamped(chart.spec, chart.stamp), chart.narrow):
            ours = svg.to_svg(files.vega_spec(chart, spec), chart.id)
            assert _same_drawing(ours, vlc.vegalite_to_svg(spec, format_locale=files.LOCALE)), chart.id
            drawn += 1
    assert drawn == 28


def test_a_label_is_cut_where_the_font_says():
    """A label longer than its limit is cut by Vega with an ellipsis at the width the font's advances give, as vl-convert cuts it:
    four characters and the ellipsis (all one em, 10 px) are 50 px; five would be 60, not less than the limit."""
    spec = {"$schema": "https://vega.github.io/schema/vega/v6.json", "width": 200, "height": 20,
            "marks": [{"type": "text", "encode": {"enter": {"text": {"value": "财政代缴城乡居民基本养老保险费支出"}, "limit": {"value": 60},
                                                           "fontSize": {"value": 10}, "font": {"value": "Noto Sans CJK SC"}}}}]}
    cut = [re.search(r">([^<]*)</text>", out).group(1) for out in (svg.to_svg(spec), vlc.vega_to_svg(spec))]
    assert cut == ["财政代缴…", "财政代缴…"]


def test_data_from_outside_is_refused():
    spec = {"data": [{"name": "t", "url": "https://example.com/data.csv"}],
            "marks": [{"type": "rect", "from": {"data": "t"}}]}
    with pytest.raises(svg.RenderError, match=r"^外部: Vega could not draw it: .*a chart may not load data from outside"):
        svg.to_svg(spec, "外部")
    assert svg.to_svg({"marks": []}).startswith("<svg")  # the renderer goes on with the next chart


def test_stopping_ends_node_and_the_next_drawing_starts_it_again():
    """A build stops the Node process once its charts are drawn (hooks/reports.py, on_env): it ends, and a later chart
    (the next build of `make serve`) is still drawn."""
    first = svg.to_svg({"marks": []})
    proc = svg._proc["node"]
    svg.stop()
    assert proc.poll() == 0 and "node" not in svg._proc
    svg.stop()  # nothing running: nothing to do
    assert svg.to_svg({"marks": []}) == first
    assert svg._proc["node"].pid != proc.pid


def test_a_build_releases_what_draws_charts_before_it_converts_its_pages():
    """hooks/reports.py, loaded by path as MkDocs loads it: on_nav (after every chart file is made) ends the Node process
    and drops the font's outlines; a chart drawn later is the same."""
    spec = importlib.util.spec_from_file_location("reports_hook_for_svg", ROOT / "hooks" / "reports.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    chart = charts.charts(reports()[0])[0]
    before = files._render(files._parts(chart))
    proc = svg._proc["node"]
    assert outlines._face.cache_info().currsize == 2  # regular and bold
    nav = object()
    assert hook.on_nav(nav, None, Files([])) is nav
    assert proc.poll() == 0 and "node" not in svg._proc
    assert outlines._face.cache_info().currsize == 0
    assert files._render(files._parts(chart)) == before


def test_without_node_the_error_says_what_to_do(monkeypatch):
    monkeypatch.setattr(svg, "_proc", {})
    monkeypatch.setattr(svg.shutil, "which", lambda name: None)
    with pytest.raises(svg.RenderError, match=r"^node is missing: .*Run `make setup`"):
        svg.to_svg({"marks": []})


def test_without_the_font_the_error_says_what_to_do(monkeypatch):
    def fc_match(args, **kw):
        return subprocess.CompletedProcess(args, 0, stdout="DejaVu Sans\n/usr/share/fonts/x.ttf\n0", stderr="")
    monkeypatch.setattr(widths.subprocess, "run", fc_match)
    with pytest.raises(widths.FontMissing, match=r"^The chart font Noto Sans CJK SC is not installed \(fontconfig offers "
                                                  r"DejaVu Sans instead\)\. Run `make setup`"):
        widths.font_file("Noto Sans CJK SC", "regular")
