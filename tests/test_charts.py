"""The interactive charts: specs valid against the Vega-Lite schema, every value equal to the package,
summaries that state only package numbers, published CSV/SVG equal to the data, and in Chromium:
every chart becomes live with tooltips, no foreign host, no console error, the Vega runtime only on
chart pages, static SVG without JavaScript, charts live after Material's instant navigation.

Expectations are derived from the package through scripts/loader.py (independently of
scripts/charts.py) and, for the 2021 report, also pinned as literals, so that a wrong loader or a
wrong chart cannot pass.
"""

from __future__ import annotations

import copy
import csv
import functools
import gzip
import io
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlsplit

import altair as alt
import jsonschema
import pytest
import vl_convert as vlc

from helpers.data import all_reports
from juesuan.data.source_text import with_qualifier
from juesuan.site import pages as site_pages
from juesuan.charts import HOME, charts, compare
from juesuan.data.loader import REF


# ---- the charts, made when a test (or the parametrization) first asks: nothing at import -------------
@functools.cache
def units() -> dict:
    """unit id → its reports, newest first."""
    return site_pages.units(all_reports())


@functools.cache
def chart_pairs() -> list[tuple]:
    """(report, chart): each report's charts, then each unit's year-on-year charts (with its newest report)."""
    return [(r, c) for r in all_reports() for c in charts(r)] + [
        (unit[0], c) for uid, unit in units().items() if site_pages.compare_page(uid, unit) for c in compare(unit)]


def chart_ids() -> list[str]:
    return [f"{c.folder}/{c.id}" for _, c in chart_pairs()]


def chart_params() -> list:
    return [pytest.param(r, c, id=f"{c.folder}/{c.id}") for r, c in chart_pairs()]


SLUG = "miyi-cxjmyl-2021"  # the report whose values are pinned below as literals
VL_SCHEMA = Path(alt.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json"
VEGA_SCHEMA = "https://vega.github.io/schema/vega/v6.json"
SVG_NS = "{http://www.w3.org/2000/svg}"

# The charts of the 2021 report, in reading order, and the built page each one is on.
PINNED_IDS = ["spending-breakdown", "daijiao-groups", "enrolment", "income-composition", "expenditure-composition", "fiscal-yoy",
              "gpb-yoy", "gpb-structure", "basic-split", "projects", "scores",
              "indicators-p4-a1", "indicators-p4-a2", "indicators-p4-a3"]
PINNED_PAGES = {
    f"{SLUG}/": ["spending-breakdown"],  # the report's home (the site's home shows it too, compact: see test_readers_charts.py)
    f"{SLUG}/overview/": ["daijiao-groups", "enrolment"],
    f"{SLUG}/explanation/02/": ["income-composition"],
    f"{SLUG}/explanation/03/": ["expenditure-composition"],
    f"{SLUG}/explanation/04/": ["fiscal-yoy"],
    f"{SLUG}/explanation/05/": ["gpb-yoy", "gpb-structure"],
    f"{SLUG}/explanation/06/": ["basic-split"],
    f"{SLUG}/explanation/10/": ["projects", "scores"],
    f"{SLUG}/performance/1/": ["indicators-p4-a1"],
    f"{SLUG}/performance/2/": ["indicators-p4-a2"],
    f"{SLUG}/performance/3/": ["indicators-p4-a3"],
}


def share(part: Decimal, whole: Decimal) -> Decimal:
    """part as a percentage of whole, two decimals, halves rounded up: the oracle of these tests.

    Worked out differently from the chart code (which divides Decimals and quantizes), so that a
    slip there cannot be copied here: the exact fraction of hundredths of a percent, rounded half
    up in integer arithmetic, then written out with two decimals. Checked against shares worked
    out by hand in test_share_oracle_gives_the_shares_worked_out_by_hand."""
    hundredths = Fraction(part) * 10000 / Fraction(whole)  # exact, no decimal context involved
    n = math.floor(abs(hundredths) + Fraction(1, 2))  # half up (away from zero)
    sign = "-" if hundredths < 0 and n else ""
    return Decimal(f"{sign}{n // 100}.{n % 100:02d}")


def dec(x) -> Decimal:
    """A chart value (float or int) → Decimal of its shortest repr, for exact comparison with the package."""
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def by_id(report, chart_id):
    return next(c for c in charts(report) if c.id == chart_id)


def pinned_report():
    """The 2021 report, whose values are pinned; it is always there unless DATAPACKAGE_DIR points elsewhere."""
    found = [r for r in all_reports() if r.slug == SLUG]
    if not found and os.environ.get("DATAPACKAGE_DIR"):
        pytest.skip(f"DATAPACKAGE_DIR has no {SLUG}")
    assert len(found) == 1
    return found[0]


def spec_values(spec: dict) -> list[list[dict]]:
    """Every inline data table in a Vega-Lite spec (top-level data, datasets, layer data)."""
    found = []
    datasets = spec.get("datasets", {})

    def walk(node):
        data = node.get("data")
        if isinstance(data, dict):
            if "values" in data:
                found.append(data["values"])
            elif "name" in data and data["name"] in datasets:
                found.append(datasets[data["name"]])
        for child in node.get("layer", []):
            walk(child)

    walk(spec)
    return found


def text_format(chart) -> tuple[str, str]:
    """(field, d3 format) of the value labels written on the bars (the text layer of the spec); a layer that writes
    each row's own text (标注: 约291.7, a value rounded on purpose) → (the quantitative field it labels, "text:标注")."""
    layer = next(lay for lay in chart.spec["layer"] if lay["mark"]["type"] == "text")
    enc = layer["encoding"]["text"]
    if "format" in enc:
        return enc["field"], enc["format"]
    value = next(e["field"] for ch, e in layer["encoding"].items() if ch in ("x", "y") and e.get("type") == "quantitative")
    return value, "text:" + enc["field"]


def label_of(row: dict, key: str, fmt: str) -> str:
    """A row's value label as the chart writes it."""
    return row[fmt.removeprefix("text:")] if fmt.startswith("text:") else formatted(row[key], fmt)


def formatted(value: float, fmt: str) -> str:
    """d3-format with the zh-CN locale (',' thousands, '.' decimal) for the formats the charts use."""
    assert fmt in (",.2f", ",d", ".1f"), fmt
    return format(int(value) if fmt == ",d" else value, fmt)


def expected_labels(chart) -> list[str]:
    key, fmt = text_format(chart)
    return sorted(label_of(row, key, fmt) for row in chart.rows)


# ---- 0. the set of charts ---------------------------------------------------------------------------
def test_the_2021_report_has_the_known_charts():
    assert [c.id for c in charts(pinned_report())] == PINNED_IDS
    assert len(chart_ids()) == len(set(chart_ids()))
    for r in all_reports():
        for c in charts(r):
            assert c.place in r.sections or c.place == HOME, (c.id, c.place)
            assert c.folder == r.slug, c.id
    for uid, unit in units().items():
        expected = ["compare-totals"] if len(unit) >= 2 else []
        if expected:
            assert [c.id for c in compare(unit)] == expected
            assert all(c.folder == uid for c in compare(unit))
        assert bool(site_pages.compare_page(uid, unit)) == bool(expected)


def test_share_oracle_gives_the_shares_worked_out_by_hand():
    """The oracle `share`, against shares worked out by hand from the 2021 report: its basic
    expenditure (基本支出142.44万元, 人员经费138.23万元, 公用经费4.21万元: report lines 46-48), two
    indicators of 附件1 (会议 1 of 2 次: lines 159-160; 印刷费、会议费 1.6 of 2 万元: lines 215-216),
    and the rounding edges."""
    assert str(share(Decimal("138.23"), Decimal("142.44"))) == "97.04"  # 0.970444…
    assert str(share(Decimal("4.21"), Decimal("142.44"))) == "2.96"  # 0.029556…
    assert str(share(Decimal("1"), Decimal("2"))) == "50.00"
    assert str(share(Decimal("1.6"), Decimal("2"))) == "80.00"
    assert str(share(Decimal("95"), Decimal("95"))) == "100.00"
    assert str(share(Decimal("0"), Decimal("260.70"))) == "0.00"
    assert str(share(Decimal("1"), Decimal("800"))) == "0.13"  # 0.125: half up, not half even (0.12)
    assert str(share(Decimal("1"), Decimal("3"))) == "33.33"
    assert str(share(Decimal("2"), Decimal("3"))) == "66.67"
    assert str(share(Decimal("14.38"), Decimal("260.70"))) == "5.52"  # 0.055159…: F01, the report prints 5.51


# ---- 1. schema ----------------------------------------------------------------------------------------
@functools.cache
def vl_validator():
    schema = json.loads(VL_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _schema_errors(spec):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in vl_validator().iter_errors(spec)]


@pytest.mark.params_from("report,chart", chart_params)
def test_spec_validates_against_the_vega_lite_schema(report, chart):
    assert chart.spec["$schema"] == alt.SCHEMA_URL == f"https://vega.github.io/schema/vega-lite/{alt.SCHEMA_VERSION}.json"
    assert alt.SCHEMA_VERSION.startswith("v6.")
    assert _schema_errors(chart.spec) == []


def test_the_schema_check_rejects_a_broken_spec():
    """Control: the validator used above does catch an invalid spec."""
    spec = copy.deepcopy(chart_pairs()[0][1].spec)
    spec["layer"][0]["mark"]["type"] = "barr"
    spec["width"] = "wide"
    assert _schema_errors(spec) != []
    leaves, stack = set(), list(vl_validator().iter_errors(spec))
    while stack:
        error = stack.pop()
        if error.context:
            stack.extend(error.context)
        else:
            leaves.add("/".join(map(str, error.absolute_path)))
    assert "layer/0/mark/type" in leaves and "width" in leaves, sorted(leaves)[:20]


ZH_LOCALE = {"number": vlc.get_format_locale("zh-CN"), "time": vlc.get_time_format_locale("zh-CN")}


def test_the_zh_cn_locale_is_the_one_expected():
    assert ZH_LOCALE["number"]["currency"] == ["¥", ""]
    assert ZH_LOCALE["number"]["thousands"] == "," and ZH_LOCALE["number"]["decimal"] == "."
    assert ZH_LOCALE["time"]["date"] == "%Y年%-m月%-d日"
    assert ZH_LOCALE["time"]["months"][0] == "一月"
    assert ZH_LOCALE["time"]["periods"] == ["上午", "下午"]


def _published(site_dir: Path, report, chart, suffix: str) -> bytes:
    return (site_dir / chart.folder / "charts" / f"{chart.id}.{suffix}").read_bytes()


@pytest.mark.slow
@pytest.mark.params_from("report,chart", chart_params)
def test_compiled_vega_is_v6_with_the_zh_cn_locale_and_the_rows(built_site_dir, report, chart):
    vg = json.loads(_published(built_site_dir, report, chart, "vg.json"))
    assert vg["$schema"] == VEGA_SCHEMA
    assert vg["config"]["locale"] == ZH_LOCALE
    tables = [d["values"] for d in vg["data"] if "values" in d]
    assert tables == [chart.rows]
    titles = vg["title"]["text"] if isinstance(vg["title"], dict) else vg["title"]
    assert (titles if isinstance(titles, str) else "".join(titles)) == chart.title  # a long title wraps into lines


# ---- 2. data values equal the package -----------------------------------------------------------------
DAIJIAO = [("低保对象", "dibao", "std_100"), ("特困人员", "tekun", "std_100"), ("重度残疾人", "severe_disabled", "std_100"),
           ("原建档立卡贫困人员", "former_poor", "std_100"), ("轻度残疾人", "persons_50", "std_50")]
ENROL = [("新增参保", "new_insured"), ("新增退休", "new_retired"), ("前台办理补缴", "back_payments"),
         ("办理终止注销", "terminations"), ("转出", "transfers_out")]


def _figure_by_label(report, prefix: str, label: str) -> str:
    ids = [f["id"] for f in report.rows["figures"] if f["id"].startswith(prefix) and f["label"] == label]
    assert len(ids) == 1, (prefix, label, ids)
    return ids[0]


def _quantified(report, form: str):
    """(label, expected figure, actual figure) of every quantified indicator of a form, from the package."""
    out = []
    for ind in report.rows["performance_indicators"]:
        if ind["form"] != form:
            continue
        exp, act = REF.findall(ind["expected"]), REF.findall(ind["actual"])
        if not exp or len(exp) != len(act):
            continue
        for e, a in zip(exp, act):
            if report.value(e) == 0:
                continue
            label = ind["level3"] if len(exp) == 1 else report.figure(e)["label"].split(" ", 1)[-1].replace("（预期）", "")
            out.append((label, e, a))
    return out


def expected_rows(report, chart_id: str) -> list[dict]:
    """The rows a chart must have, built here from the package (tables, resources, figure register)."""
    v, year = report.value, report.meta["year"]
    if chart_id == "daijiao-groups":
        return [{"群体": g, "人数": float(v(f"work.daijiao.{k}")), "代缴标准": f"{v('work.daijiao.' + s)}{report.figure('work.daijiao.' + s)['unit']}"}
                for g, k, s in DAIJIAO]
    if chart_id == "enrolment":
        return [{"业务": n, "人数": float(v(f"work.enrol.{k}"))} for n, k in ENROL]
    if chart_id == "income-composition":
        side = [r for r in report.rows["t01_income_expenditure_summary"] if r["side"] == "收入"]
        side = side[: [r["item"] for r in side].index("本年收入合计")]
        rows = []
        for r in side:
            fid = _figure_by_label(report, "income.", r["item"])
            assert v(fid) == r["amount"], fid
            rows.append({"项目": r["item"], "金额": float(r["amount"]), "占比": f"{v(fid + '_share')}%"})
        return rows
    if chart_id == "expenditure-composition":
        rows = []
        for item in ["基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]:
            fid = _figure_by_label(report, "expend.", item)
            rows.append({"项目": item, "金额": float(v(fid)), "占比": f"{v(fid + '_share')}%"})
        return rows
    if chart_id in ("fiscal-yoy", "gpb-yoy"):
        p = chart_id.split("-")[0]
        assert v(f"{p}.total_{year - 1}") == v(f"{p}.total") + v(f"{p}.change")
        assert report.figure(f"{p}.total_{year - 1}")["label"].startswith(f"{year - 1}年")
        before = f"{p}.total_{year - 1}"
        return [{"年度": f"{year - 1}年", "金额": float(v(before)),
                 "标注": with_qualifier(str(v(before)), report.figure(before)["qualifier"]), "依据": "推算",  # 约291.7
                 # the formula in words (each figure's 含义), as pages show it
                 "公式": f"{report.figure(p + '.total')['label']} + {report.figure(p + '.change')['label']}"},
                {"年度": f"{year}年", "金额": float(v(f"{p}.total")), "标注": str(v(f"{p}.total")), "依据": "报告原文", "公式": ""}]
    if chart_id == "gpb-structure":
        t06 = {r["code"]: r["total"] for r in report.rows["t06_gpb_expenditure"] if r["level"] == "类"}
        rows = []
        for c in report.rows["codes"]:
            if c["scheme"] == "functional" and c["level"] == "类" and f"gpb.c{c['code']}" in report.figures:
                value = v(f"gpb.c{c['code']}")
                assert value == t06.get(c["code"], Decimal(0)), c["code"]
                rows.append({"科目": f"{c['code']} {c['name']}", "金额": float(value), "占比": f"{v('gpb.c' + c['code'] + '_share')}%"})
        assert sum(Decimal(str(r["金额"])) for r in rows) == v("gpb.total")
        return rows
    if chart_id == "basic-split":
        pers, pub, total = v("basic.personnel"), v("basic.public"), v("basic.total")
        assert pers + pub == total
        return [{"项目": "人员经费", "金额": float(pers), "占比": f"{share(pers, total)}%"},
                {"项目": "公用经费", "金额": float(pub), "占比": f"{share(pub, total)}%"}]
    if chart_id == "projects":
        rows = []
        for p in report.rows["performance_projects"]:
            n = p["form"].removeprefix("附件")
            assert v(f"form{n}.budget") == p["budget"] and v(f"form{n}.executed") == p["executed"]
            rows.append({"项目": p["project"], "类别": "预算数", "金额": float(p["budget"]), "附件": p["form"]})
            if v(f"perf.p{n}_budget") != p["budget"]:  # the narrative states another budget (F03): both are drawn
                rows.append({"项目": p["project"], "类别": "预算数（第二部分十（四）所写）", "金额": float(v(f"perf.p{n}_budget")),
                             "附件": "第二部分十（四）"})
            rows.append({"项目": p["project"], "类别": "执行数", "金额": float(p["executed"]), "附件": p["form"]})
        return rows
    if chart_id == "spending-breakdown":
        total = v("gpb.total")
        assert v("basic.total") + v("gpb.project") == total
        rows = [{"支出": label, "类别": "基本支出", "金额": float(v(fid)), "占比": f"{share(v(fid), total)}%"}
                for label, fid in (("人员经费", "basic.personnel"), ("公用经费", "basic.public"))]
        for r in report.rows["t09_gpb_project_expenditure"]:
            if r["project"] != "合计":
                rows.append({"支出": r["project"], "类别": "项目支出", "金额": float(r["amount"]), "占比": f"{share(r['amount'], total)}%"})
        return rows
    if chart_id == "scores":
        parts = [r for r in report.rows["self_assessment"] if r["item"] != "合计"]
        total = next(r for r in report.rows["self_assessment"] if r["item"] == "合计")
        for r in report.rows["self_assessment"]:
            assert v(r["figure"]) == r["score"]
        assert sum(r["score"] for r in parts) == total["score"]
        return [{"项目": r["item"], "得分": float(r["score"])} for r in parts]
    if chart_id == "compare-totals":
        unit = sorted(units()[report.meta["unit_id"]], key=lambda r: r.meta["year"])
        return [{"年度": f"{r.meta['year']}年", "项目": r.figure(fid)["label"], "金额": float(r.value(fid))}
                for r in unit for fid in ("income.total", "expend.basic", "expend.project")]
    if chart_id.startswith("indicators-p4-a"):
        n = chart_id.rsplit("a", 1)[-1]
        rows = []
        for label, e, a in _quantified(report, f"附件{n}"):
            unit_e, unit_a = report.figure(e)["unit"] or "", report.figure(a)["unit"] or ""
            rows.append({"指标": label, "预期": f"{v(e)}{unit_e}", "实际": f"{v(a)}{unit_a}", "完成比例": float(share(v(a), v(e)))})
        return rows
    raise AssertionError(f"no expectation written for chart {chart_id!r}")


@pytest.mark.params_from("report,chart", chart_params)
def test_rows_equal_the_package(report, chart):
    expected = expected_rows(report, chart.id)
    if chart.id.startswith("indicators-"):
        # 预期/实际 are written as the report writes them (qualifiers such as ≥ and words kept):
        # the value and unit must be inside that text.
        assert [(r["指标"], r["完成比例"]) for r in chart.rows] == [(r["指标"], r["完成比例"]) for r in expected]
        for got, want in zip(chart.rows, expected):
            assert want["预期"] in got["预期"] and want["实际"] in got["实际"], (got, want)
            # A cost indicator is a ceiling: met when actual ≤ expected; every other one when actual ≥ expected.
            cost = got["类型"].startswith("成本指标")
            assert got["达到预期"] == ("是" if (got["完成比例"] <= 100 if cost else got["完成比例"] >= 100) else "否"), got
        if chart.id == "indicators-p4-a1":
            met = {r["指标"]: r["达到预期"] for r in chart.rows}
            assert met["宣传资料印刷费、会议费"] == "是" and met["政策培训会议次数"] == "否"
            assert sum(v == "是" for v in met.values()) == 7
    else:
        assert chart.rows == expected
    # every key of a row is a column, or the text a column shows in its place (text:标注)
    keys = [k for c in chart.columns for k in ([c[0], c[2].removeprefix("text:")] if len(c) > 2 and c[2].startswith("text:") else [c[0]])]
    assert [list(r) for r in chart.rows] == [keys] * len(chart.rows)


@pytest.mark.params_from("report,chart", chart_params)
def test_spec_data_equals_the_rows(report, chart):
    tables = spec_values(chart.spec)
    assert tables == [chart.rows]


# Literal values of the 2021 report (value column of each chart, in order).
PINNED_VALUES = {
    "daijiao-groups": [3887, 159, 314, 7874, 257],
    "enrolment": [844, 652, 1692, 2612, 8],
    "income-composition": ["260.70", 0, 0, 0, 0, 0, 0, 0],
    "expenditure-composition": ["142.44", "118.26", 0, 0, 0],
    "fiscal-yoy": ["291.7", "260.70"],
    "gpb-yoy": ["291.7", "260.70"],
    "gpb-structure": [0, 0, 0, 0, "237.57", "8.75", "14.38"],
    "basic-split": ["138.23", "4.21"],
    "projects": [5, "4.64", "4.64", "102.24", "102.24", "11.38", "11.38"],  # 附件1's and the narrative's budget (F03)
    "spending-breakdown": ["138.23", "4.21", "4.64", "102.24", "11.38"],
    "scores": ["48.5", 26, 24],
    "indicators-p4-a1": [50, 100, 100, 100, 100, 80, 100, 100],
    "indicators-p4-a2": [100, 100, 100, 100],
    "indicators-p4-a3": [100, 100, 100, 100],
}
PINNED_LABELS = {
    "daijiao-groups": ["低保对象", "特困人员", "重度残疾人", "原建档立卡贫困人员", "轻度残疾人"],
    "gpb-structure": ["201 一般公共服务支出", "205 教育支出", "206 科学技术支出", "207 文化旅游体育与传媒支出",
                      "208 社会保障和就业支出", "210 卫生健康支出", "221 住房保障支出"],
    "fiscal-yoy": ["2020年", "2021年"],
    "gpb-yoy": ["2020年", "2021年"],
    "scores": ["部门预算管理", "专项预算管理", "绩效结果应用"],
}
PINNED_SHARES = {
    "spending-breakdown": ["53.02%", "1.61%", "1.78%", "39.22%", "4.37%"],  # of 260.70, worked out by the site
    "income-composition": ["100%"] + ["0%"] * 7,
    "expenditure-composition": ["54.64%", "45.36%", "0%", "0%", "0%"],
    "gpb-structure": ["0%"] * 4 + ["91.13%", "3.36%", "5.51%"],
    "basic-split": ["97.04%", "2.96%"],
}


@pytest.mark.parametrize("chart_id", PINNED_IDS)
def test_pinned_values_of_the_2021_report(chart_id):
    report = pinned_report()
    chart = by_id(report, chart_id)
    key, _ = text_format(chart)
    assert [dec(r[key]) for r in chart.rows] == [Decimal(str(x)) for x in PINNED_VALUES[chart_id]]
    if chart_id in PINNED_LABELS:
        first = chart.columns[0][0]
        assert [r[first] for r in chart.rows] == PINNED_LABELS[chart_id]
    if chart_id in PINNED_SHARES:
        assert [r["占比"] for r in chart.rows] == PINNED_SHARES[chart_id]
    # and the loader reads the same numbers from the package files
    v = report.value
    pinned_figures = {
        "daijiao-groups": {"work.daijiao.persons_100": "12234", "work.daijiao.amount_100": "122.34",
                           "work.daijiao.amount_50": "1.285", "work.daijiao.std_50": "50"},
        "enrolment": {"work.enrol.insured": "95106"},
        "gpb-yoy": {"gpb.total": "260.70", "gpb.total_2020": "291.7", "gpb.change": "31", "gpb.change_pct": "10.63"},
        "fiscal-yoy": {"fiscal.total": "260.70", "fiscal.total_2020": "291.7", "fiscal.change": "31",
                       "fiscal.change_pct": "10.63"},
        "basic-split": {"basic.total": "142.44"},
    }.get(chart_id, {})
    for fid, literal in pinned_figures.items():
        assert str(v(fid)) == literal, fid


# ---- 3. titles and summaries state only package numbers ----------------------------------------------
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _figs(report, *ids) -> set[str]:
    return {str(report.value(i)) for i in ids}


def allowed_numbers(report, chart) -> set[str]:
    """The numbers a chart's title and summary may state, written as the package writes them:
    values of the figures/resources it comes from, shares computed from them (2 decimals, half up),
    and the few context numbers it names (report year, comparison year, form number, counts of rows)."""
    v, year, cid = report.value, str(report.meta["year"]), chart.id
    if cid == "daijiao-groups":
        return _figs(report, *(f"work.daijiao.{k}" for k in ["std_100", "persons_100", "amount_100", "dibao", "tekun",
                                                               "severe_disabled", "former_poor", "std_50", "persons_50",
                                                               "amount_50"]))
    if cid == "enrolment":
        return _figs(report, "work.enrol.insured", *(f"work.enrol.{k}" for _, k in ENROL)) | {year}
    if cid == "income-composition":
        keys = [_figure_by_label(report, "income.", r["项目"]) for r in chart.rows]
        return _figs(report, "income.total", *keys, *(k + "_share" for k in keys)) | {year}
    if cid == "expenditure-composition":
        keys = [_figure_by_label(report, "expend.", r["项目"]) for r in chart.rows]
        return _figs(report, "expend.total", *keys, *(k + "_share" for k in keys)) | {year}
    if cid in ("fiscal-yoy", "gpb-yoy"):
        p = cid.split("-")[0]
        return _figs(report, f"{p}.total", f"{p}.total_{int(year) - 1}", f"{p}.change", f"{p}.change_pct") | {year, str(int(year) - 1)}
    if cid == "gpb-structure":
        codes = [r["科目"].split(" ")[0] for r in chart.rows]
        return _figs(report, "gpb.total", *(f"gpb.c{c}" for c in codes), *(f"gpb.c{c}_share" for c in codes))
    if cid == "basic-split":
        total = v("basic.total")
        return _figs(report, "basic.total", "basic.personnel", "basic.public") | {
            str(share(v("basic.personnel"), total)), str(share(v("basic.public"), total))}
    if cid == "projects":
        projects = report.rows["performance_projects"]
        return ({str(p["budget"]) for p in projects} | {str(p["executed"]) for p in projects}
                | {p["form"].removeprefix("附件") for p in projects}
                | _figs(report, *(f"perf.p{i}_budget" for i in range(1, len(projects) + 1)))
                | {f["id"].removeprefix("F") for f in report.rows["findings"]})
    if cid == "spending-breakdown":
        total = v("gpb.total")
        parts = [r["amount"] for r in report.rows["t09_gpb_project_expenditure"] if r["project"] != "合计"]
        return (_figs(report, "gpb.total", "basic.total", "gpb.project", "basic.personnel", "basic.public")
                | {str(a) for a in parts} | {year}
                | {str(share(v(f), total)) for f in ("basic.total", "gpb.project", "basic.personnel", "basic.public")}
                | {str(share(a, total)) for a in parts})
    if cid == "scores":
        return {str(r["score"]) for r in report.rows["self_assessment"]}
    if cid == "compare-totals":
        unit = sorted(units()[report.meta["unit_id"]], key=lambda r: r.meta["year"])
        change = abs(unit[-1].value("income.total") - unit[0].value("income.total"))  # first → last year
        return ({str(r.meta["year"]) for r in unit} | {str(change)}
                | {str(r.value(f)) for r in unit for f in ("income.total", "expend.basic", "expend.project")})
    if cid.startswith("indicators-p4-a"):
        n = cid.rsplit("a", 1)[-1]
        quantified = _quantified(report, f"附件{n}")
        reached = [r for r in chart.rows if r["达到预期"] == "是"]  # the rule is checked in test_rows_equal_the_package
        return ({str(v(e)) for _, e, _ in quantified} | {str(v(a)) for _, _, a in quantified}
                | {n, str(len(quantified)), str(len(reached))})
    raise AssertionError(f"no expectation written for chart {cid!r}")


@pytest.mark.params_from("report,chart", chart_params)
def test_title_and_summary_state_only_package_numbers(report, chart):
    allowed = allowed_numbers(report, chart)
    stray = [(where, n) for where, text in (("title", chart.title), ("summary", chart.summary))
             for n in NUMBER.findall(text) if n not in allowed]
    assert stray == [], f"numbers not in the package values of {chart.id}: {stray}; allowed: {sorted(allowed)}"


# The numbers each title and summary of the 2021 report states, in order.
PINNED_TEXT_NUMBERS = {
    "daijiao-groups": (["7874"], ["100", "12234", "122.34", "3887", "159", "314", "7874", "50", "257", "1.285"]),
    "enrolment": (["2612"], ["95106", "2021", "844", "652", "1692", "2612", "8"]),
    "income-composition": (["100"], ["2021", "260.70", "260.70", "100", "0"]),
    "expenditure-composition": (["54.64", "45.36"], ["2021", "260.70", "142.44", "54.64", "118.26", "45.36", "0"]),
    "fiscal-yoy": (["2020", "31", "10.63"], ["2021", "260.70", "2020", "291.7", "2021", "31", "10.63"]),
    "gpb-yoy": (["2020", "31", "10.63"], ["2021", "260.70", "2020", "291.7", "2021", "31", "10.63"]),
    "gpb-structure": (["91.13"], ["260.70", "237.57", "91.13", "14.38", "5.51", "8.75", "3.36", "0"]),  # others by size
    "basic-split": (["97.04"], ["142.44", "138.23", "97.04", "4.21", "2.96"]),
    "projects": (["1", "5", "4.64"],  # both budgets of 附件1 (F03), not one of them
                 ["5", "4.64", "102.24", "102.24", "11.38", "11.38", "1", "3", "1", "5", "4.64", "03"]),
    "spending-breakdown": (["54.64", "138.23"], ["2021", "260.70", "142.44", "54.64", "138.23", "4.21", "118.26", "45.36",
                                                 "4.64", "102.24", "11.38"]),
    "scores": (["98.5"], ["48.5", "26", "24", "98.5"]),
    "indicators-p4-a1": (["1", "8", "7"], ["2", "1", "11", "11", "11", "11", "13", "13", "4", "4", "2", "1.6",
                                           "95", "95", "95", "95"]),
    "indicators-p4-a2": (["2", "4"], ["100", "100", "100", "100", "100", "100", "95", "95"]),
    "indicators-p4-a3": (["3", "4"], ["100", "100", "100", "100", "100", "100", "95", "95"]),
}


@pytest.mark.parametrize("chart_id", PINNED_IDS)
def test_pinned_numbers_of_titles_and_summaries(chart_id):
    report = pinned_report()
    chart = by_id(report, chart_id)
    title, summary = PINNED_TEXT_NUMBERS[chart_id]
    assert NUMBER.findall(chart.title) == title
    assert NUMBER.findall(chart.summary) == summary


def test_titles_name_what_the_data_shows():
    """The claims of the titles (largest group, projects under budget, indicators reached) hold for the rows."""
    for report in all_reports():
        for chart in charts(report):
            key, _ = text_format(chart)
            first = chart.columns[0][0]
            if chart.id in ("daijiao-groups", "enrolment"):
                top = max(chart.rows, key=lambda r: r[key])
                assert top[first] in chart.title and f"{int(top[key])}人" in chart.title, chart.title
            if chart.id == "projects":  # a project whose budget is stated twice is named with both, never as under budget
                twice = [r["项目"] for r in chart.rows if r["类别"].startswith("预算数（")]
                under = [p["project"] for p in report.rows["performance_projects"]
                         if p["executed"] < p["budget"] and p["project"] not in twice]
                for name in twice:
                    assert f"{name}的预算数两处所写不同" in chart.title, chart.title
                if len(under) == 1:
                    assert under[0] + "的执行数低于预算数" in chart.title, chart.title
            if chart.id.startswith("indicators-"):
                reached = sum(1 for r in chart.rows if r["达到预期"] == "是")  # cost indicators: ≤ expected
                if reached == len(chart.rows):
                    assert chart.title.endswith(f"{len(chart.rows)}项量化指标均达到预期"), chart.title
                else:
                    assert chart.title.endswith(f"{len(chart.rows)}项量化指标中，{reached}项达到预期"), chart.title
    report = pinned_report()
    assert by_id(report, "daijiao-groups").title == "代缴对象中原建档立卡贫困人员最多，共7874人"
    assert by_id(report, "projects").title == ("城乡居民养老保险管理经费项目的预算数两处所写不同：附件1为5万元，"
                                               "第二部分十（四）为4.64万元；其余项目按预算执行")
    assert by_id(report, "spending-breakdown").title == "基本支出占54.64%；最大的一项是人员经费，138.23万元"


# ---- 4. published CSV and SVG -------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.params_from("report,chart", chart_params)
def test_published_csv_equals_the_rows(built_site_dir, report, chart):
    text = _published(built_site_dir, report, chart, "csv").decode("utf-8")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == [c[1] for c in chart.columns]
    assert len(table) - 1 == len(chart.rows)
    for line, row in zip(table[1:], chart.rows):
        assert len(line) == len(chart.columns)
        for cell, col in zip(line, chart.columns):
            want, fmt = row[col[0]], (col[2] if len(col) > 2 else "")
            if fmt.startswith("text:"):  # the amount as the site writes it (约291.7)
                assert cell == row[fmt.removeprefix("text:")], (chart.id, col[0], cell)
            elif isinstance(want, float):
                assert Decimal(cell) == dec(want), (chart.id, col[0], cell, want)
                if fmt == ".2f":  # amounts as the report writes them: two decimals
                    assert re.fullmatch(r"-?\d+\.\d\d", cell), (chart.id, col[0], cell)
                elif fmt == "d":  # counts are whole numbers
                    assert re.fullmatch(r"\d+", cell), (chart.id, col[0], cell)
            else:
                assert cell == want, (chart.id, col[0], cell, want)


def _svg_texts(svg: bytes) -> tuple[ET.Element, list[str], list[str]]:
    """Static SVG → (root, every <text>, the value labels: <text> of the text-mark group)."""
    root = ET.fromstring(svg)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]
    labels = []
    for g in root.iter(f"{SVG_NS}g"):
        classes = (g.get("class") or "").split()
        if "mark-text" in classes and "role-mark" in classes:
            labels += ["".join(t.itertext()) for t in g.iter(f"{SVG_NS}text")]
    return root, texts, labels


@pytest.mark.slow
@pytest.mark.params_from("report,chart", chart_params)
def test_published_svg_is_xml_with_the_title_and_the_values(built_site_dir, report, chart):
    root, texts, labels = _svg_texts(_published(built_site_dir, report, chart, "svg"))
    assert root.tag == f"{SVG_NS}svg"
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0
    assert chart.title in texts
    assert sorted(labels) == expected_labels(chart)
    assert _published(built_site_dir, report, chart, "png").startswith(b"\x89PNG\r\n\x1a\n")


# ---- 5. in the browser --------------------------------------------------------------------------------
FIGURE = re.compile(r'<figure class="chart" id="chart-([^"]+)"')


def chart_pages(site_dir: Path) -> dict[str, list[str]]:
    """Built site → {page URL: chart ids on it} for every page that has a figure.chart."""
    out = {}
    for path in sorted(site_dir.rglob("index.html")):
        ids = FIGURE.findall(path.read_text(encoding="utf-8"))
        if ids:
            rel = path.parent.relative_to(site_dir).as_posix()
            out["" if rel == "." else rel + "/"] = ids
    return out


@pytest.mark.slow
def test_each_chart_is_on_exactly_one_built_page(built_site_dir):
    pages = chart_pages(built_site_dir)
    on_pages = sorted(f"{p.split('/')[0]}/{cid}" for p, ids in pages.items() for cid in ids)
    assert on_pages == sorted(chart_ids())
    if any(r.slug == SLUG for r in all_reports()):
        assert {p: ids for p, ids in pages.items() if p.startswith(SLUG + "/")} == PINNED_PAGES


LIVE_INFO = """() => [...document.querySelectorAll('figure.chart')].map(f => {
  const live = f.querySelector('.chart-view[data-state="live"] .chart-live svg');
  const labels = [];
  if (live) live.querySelectorAll('g.mark-text.role-mark text').forEach(t => labels.push(t.textContent));
  return {id: f.id.replace(/^chart-/, ''), state: f.querySelector('.chart-view').dataset.state || '',
          marks: live ? live.querySelectorAll('g.mark-rect.role-mark path').length : 0, labels: labels,
          staticShown: getComputedStyle(f.querySelector('img.chart-static')).display !== 'none'}; })"""
BIGGEST_MARK = """(id) => { const ps = [...document.querySelectorAll('#chart-' + id + ' .chart-live g.mark-rect.role-mark path')];
  let best = -1, area = 0; ps.forEach((p, i) => { const r = p.getBoundingClientRect();
  if (r.width * r.height > area) { area = r.width * r.height; best = i; } }); return best; }"""


@dataclass
class Visit:
    path: str
    requests: list[str] = field(default_factory=list)
    finished: list = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    tooltips: dict[str, str] = field(default_factory=dict)
    vega_version: str | None = None
    sizes: list[tuple[str, int, int]] = field(default_factory=list)  # (url, body bytes, gzip bytes)
    unscrolled: list[str] = field(default_factory=list)  # requests once loaded, before any scrolling
    first_top: float = 0.0  # top of the first chart view below the top of the first screen (px)
    screen: float = 0.0  # height of the first screen (px)


def _watch(page, visit: Visit):
    page.on("request", lambda r: visit.requests.append(r.url))
    page.on("requestfinished", lambda r: visit.finished.append(r))
    page.on("requestfailed", lambda r: visit.failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and visit.bad_status.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and visit.errors.append(f"console: {m.text} @ {m.location}"))
    page.on("pageerror", lambda e: visit.errors.append(f"pageerror: {e}"))


def _hover_tooltip(page, chart_id: str) -> str:
    """Hover the biggest bar of a live chart → the text of the Vega tooltip ('' if none appears)."""
    page.mouse.move(1, 1)
    page.wait_for_function("() => !document.querySelector('#vg-tooltip-element.visible')", timeout=3000)
    index = page.evaluate(BIGGEST_MARK, chart_id)
    if index < 0:
        return ""
    try:
        page.locator(f"#chart-{chart_id} .chart-live g.mark-rect.role-mark path").nth(index).hover(timeout=5000)
        page.wait_for_selector("#vg-tooltip-element.visible", state="visible", timeout=3000)
    except Exception:  # noqa: BLE001 - no tooltip: the test reports it
        return ""
    return page.inner_text("#vg-tooltip-element").strip()


@pytest.fixture(scope="module")
def pages_with_charts(built_site_dir):
    return chart_pages(built_site_dir)


SETTLE_ONE = "(i) => ['live', 'static'].includes(document.querySelectorAll('.chart-view')[i].dataset.state)"


def _scroll_to_charts(page, timeout: float = 15000):
    """Scroll each chart view into sight, as a reader does (charts go live when near the viewport),
    and wait until it is live or has given up (static)."""
    views = page.locator(".chart-view")
    for i in range(views.count()):
        views.nth(i).scroll_into_view_if_needed()
        try:
            page.wait_for_function(SETTLE_ONE, arg=i, timeout=timeout)
        except Exception:  # noqa: BLE001 - the state is recorded and asserted by the tests
            pass


@pytest.fixture(scope="module")
def visits(site, chromium, pages_with_charts):
    """Every page with charts, loaded at the same time (one browser context each, so that the bytes
    of each page are counted alone); then each chart is scrolled to, read and hovered."""
    opened = []
    try:
        for path in pages_with_charts:
            context = chromium.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
            page = context.new_page()
            visit = Visit(path)
            _watch(page, visit)
            page.goto(site.url(path), wait_until="commit")
            opened.append((context, page, visit))
        for context, page, visit in opened:
            page.wait_for_load_state("load")
            page.wait_for_load_state("networkidle")
            visit.unscrolled = list(visit.requests)
            visit.first_top, visit.screen = page.evaluate(
                "() => [document.querySelector('.chart-view').getBoundingClientRect().top, window.innerHeight]")
            page.locator(".chart-view").first.scroll_into_view_if_needed()  # start every runtime at once
        out = {}
        for context, page, visit in opened:
            _scroll_to_charts(page)
            visit.charts = page.evaluate(LIVE_INFO)
            visit.vega_version = page.evaluate("() => window.vega ? window.vega.version : null")
            for info in visit.charts:
                if info["state"] == "live":
                    visit.tooltips[info["id"]] = _hover_tooltip(page, info["id"])
            page.wait_for_load_state("networkidle")
            for request in visit.finished:
                response = request.response()
                body = response.body() if response is not None else b""
                visit.sizes.append((request.url, len(body), len(gzip.compress(body))))
            out[visit.path] = visit
        return out
    finally:
        for context, _, _ in opened:
            context.close()


@pytest.mark.slow
def test_charts_go_live_only_near_the_viewport(visits, site):
    """The runtime is fetched once a chart is near the screen (within 200 px), not for charts further down."""
    runtime = site.url("assets/vendor/vega.min.js")
    checked = 0
    for path, visit in visits.items():
        if visit.first_top < visit.screen:  # a chart on the first screen: the runtime comes without scrolling
            assert runtime in visit.unscrolled, path
            checked += 1
        elif visit.first_top > visit.screen + 300:  # well below: nothing until the reader scrolls
            assert [u for u in visit.unscrolled if "vega" in u or u.endswith(".vg.json")] == [], path
            checked += 1
    assert checked > 0


@pytest.mark.slow
def test_every_chart_becomes_live_with_its_marks_and_labels(visits, pages_with_charts):
    rows = {f"{c.folder}/{c.id}": c for _, c in chart_pairs()}
    problems = []
    for path, ids in pages_with_charts.items():
        visit = visits[path]
        assert [c["id"] for c in visit.charts] == ids
        for info in visit.charts:
            chart = rows[f"{path.split('/')[0]}/{info['id']}"]
            if info["state"] != "live":
                problems.append(f"{path} {info['id']}: state {info['state']!r}")
                continue
            if info["marks"] != len(chart.rows):  # one bar per row of data
                problems.append(f"{path} {info['id']}: {info['marks']} bars for {len(chart.rows)} rows")
            if sorted(info["labels"]) != expected_labels(chart):
                problems.append(f"{path} {info['id']}: labels {sorted(info['labels'])} != {expected_labels(chart)}")
            if info["staticShown"]:
                problems.append(f"{path} {info['id']}: the static image is still shown beside the live view")
    assert problems == []


@pytest.mark.slow
def test_the_runtime_is_vega_6_like_the_compiled_specs(visits):
    versions = {v.vega_version for v in visits.values()}
    assert len(versions) == 1 and next(iter(versions)).startswith("6."), versions


@pytest.mark.slow
def test_hovering_a_bar_shows_a_tooltip_with_its_data(visits):
    rows = {f"{c.folder}/{c.id}": c for _, c in chart_pairs()}
    problems = []
    for path, visit in visits.items():
        for info in visit.charts:
            chart = rows[f"{path.split('/')[0]}/{info['id']}"]
            text = visit.tooltips.get(info["id"], "")
            if not text:
                problems.append(f"{path} {info['id']}: no tooltip")
                continue
            key, fmt = text_format(chart)
            tips = chart.spec["layer"][0]["encoding"]["tooltip"]
            tip_format = fmt if fmt.startswith("text:") else next(t["format"] for t in tips if t["field"] == key)
            first = chart.columns[0][0]
            # the biggest bar was hovered: the tooltip names a row with the largest value, and that value
            biggest = max(r[key] for r in chart.rows)
            matches = [r for r in chart.rows if r[key] == biggest and r[first] in text
                       and label_of(r, key, tip_format) in text]
            if not matches:
                problems.append(f"{path} {info['id']}: tooltip {text!r} does not show the row of the largest value")
    assert problems == []


def _foreign(site, urls):
    return [u for u in urls if urlsplit(u).scheme not in ("data", "blob")
            and (urlsplit(u).scheme != "http" or urlsplit(u).netloc != site.host)]


@pytest.mark.slow
def test_chart_pages_ask_no_other_host_and_log_no_error(visits, site):
    for path, visit in visits.items():
        assert _foreign(site, visit.requests) == [], path
        assert visit.errors == [], path
        assert visit.failed == [], path
        assert visit.bad_status == [], path


@pytest.mark.slow
def test_chart_pages_load_the_runtime_and_each_spec_once(visits, site, pages_with_charts):
    for path, ids in pages_with_charts.items():
        requests = visits[path].requests
        slug = path.split("/")[0]
        assert requests.count(site.url("assets/vendor/vega.min.js")) == 1, path
        assert requests.count(site.url("assets/vendor/vega-embed.min.js")) == 1, path
        specs = sorted(u for u in requests if u.endswith(".vg.json"))
        assert specs == sorted(site.url(f"{slug}/charts/{cid}.vg.json") for cid in ids), path


@pytest.mark.slow
def test_pages_without_charts_do_not_load_the_runtime(site, chromium):
    context = chromium.new_context(service_workers="block")
    try:
        for path in ["about/", f"{SLUG}/tables/01/"]:  # the homes show the spending breakdown
            assert "figure class=\"chart\"" not in site.html(path)
            page = context.new_page()
            visit = Visit(path)
            _watch(page, visit)
            page.goto(site.url(path), wait_until="load")
            page.wait_for_load_state("networkidle")
            assert site.url("assets/charts.js") in visit.requests, path  # the loader ran and chose not to load
            assert [u for u in visit.requests if "vega" in u or ".vg.json" in u] == [], path
            assert page.evaluate("() => typeof window.vega") == "undefined"
            assert visit.errors == [], path
            page.close()
    finally:
        context.close()


@pytest.mark.slow
def test_without_javascript_the_static_svg_is_shown(site, chromium, pages_with_charts, built_site_dir):
    context = chromium.new_context(java_script_enabled=False, service_workers="block")
    problems = []
    try:
        page = context.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        for path, ids in pages_with_charts.items():
            page.goto(site.url(path), wait_until="load")
            slug = path.split("/")[0]
            images = page.locator("img.chart-static")
            assert images.count() == len(ids), path
            for i, cid in enumerate(ids):
                img = images.nth(i)
                root = ET.fromstring((built_site_dir / slug / "charts" / f"{cid}.svg").read_bytes())
                state = img.evaluate("e => [e.complete, e.naturalWidth, e.getAttribute('src')]")
                if not img.is_visible():
                    problems.append(f"{path} {cid}: static image not visible")
                if state[0] is not True or state[1] != round(float(root.get("width"))):
                    problems.append(f"{path} {cid}: image not loaded ({state})")
                if not state[2].endswith(f"charts/{cid}.svg"):
                    problems.append(f"{path} {cid}: src {state[2]}")
            if page.locator(".chart-live").first.is_visible():
                problems.append(f"{path}: the empty live container is visible")
        assert [u for u in requests if "vega" in u] == []
    finally:
        context.close()
    assert problems == []


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _sitemap_pages(site_dir: Path) -> tuple[list[str], str]:
    """The built sitemap.xml → (its page URLs relative to the site's home, the whole text)."""
    text = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    locs = [(e.text or "").strip() for e in ET.fromstring(text).iter(f"{SITEMAP_NS}loc")]
    if not locs:
        return [], text
    home = min(locs, key=len)  # site_url itself
    assert all(loc.startswith(home) for loc in locs), locs
    return [loc[len(home):] for loc in locs], text


@pytest.mark.slow
def test_built_sitemap_lists_every_chart_page(built_site_dir, pages_with_charts):
    """Material's instant navigation intercepts only links to pages listed in sitemap.xml (an empty
    sitemap, as without site_url, turns it off and every click reloads the page and the runtime)."""
    listed, _ = _sitemap_pages(built_site_dir)
    assert [p for p in pages_with_charts if p not in listed] == []


def _served_sitemap(site, site_dir: Path) -> str:
    """The built sitemap with site_url replaced by the test server's address: Material maps the
    sitemap's protocol and host to the current ones, but not the port (site_url's default is
    127.0.0.1:8000, the test server has a free port), so the built one would leave instant navigation off."""
    listed, _ = _sitemap_pages(site_dir)
    locs = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in listed)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'


# Ids of the collapsed nav sections above a nav link (outermost first).
HIDDEN_TOGGLES = """a => { const out = [];
  for (let li = a.closest('li.md-nav__item--nested'); li; li = li.parentElement.closest('li.md-nav__item--nested')) {
    const nav = li.querySelector(':scope > nav.md-nav'), t = li.querySelector(':scope > input.md-nav__toggle');
    if (t && nav && !nav.checkVisibility({visibilityProperty: true})) out.unshift(t.id); }
  return out; }"""


def _click_nav_link(page, url: str):
    """Click the primary-nav link to url, opening the collapsed sections above it first (as a reader does)."""
    link = page.locator(f'.md-sidebar--primary a.md-nav__link[href="{url}"]').first
    for toggle in link.evaluate(HIDDEN_TOGGLES):
        page.locator(f'.md-sidebar--primary label.md-nav__link[for="{toggle}"]').click()
    link.click()


def _wait_live(page, count: int):
    page.wait_for_function("(n) => document.querySelectorAll('.chart-view').length === n", arg=count, timeout=15000)
    _scroll_to_charts(page)
    page.wait_for_function(
        "(n) => document.querySelectorAll('.chart-view').length === n && "
        "document.querySelectorAll('.chart-view[data-state=\"live\"] .chart-live svg').length === n", arg=count, timeout=15000)


def _bars(page, chart_id: str) -> int:
    return page.evaluate("(id) => document.querySelectorAll('#chart-' + id + ' .chart-live g.mark-rect.role-mark path').length",
                         chart_id)


@pytest.mark.slow
def test_charts_become_live_after_instant_navigation(site, chromium, built_site_dir, pages_with_charts):
    """Report home → nav link to a chart page → footer links through a page without charts to
    another chart page, all with Material's instant navigation (the document is never reloaded).
    (The report home, not the about page: with navigation.prune only the open branch of the nav is
    in a page, and the chart pages are in the report's branch.)"""
    chart_paths = sorted(p for p in pages_with_charts if p.startswith(SLUG + "/")) or sorted(pages_with_charts)
    first = next(p for p in chart_paths if p.endswith("/overview/")) if any(
        p.endswith("/overview/") for p in chart_paths) else chart_paths[0]
    first_charts = pages_with_charts[first]
    by_key = {f"{c.folder}/{c.id}": c for _, c in chart_pairs()}
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    sitemap = _served_sitemap(site, built_site_dir)
    context.route("**/sitemap.xml", lambda route: route.fulfill(status=200, content_type="application/xml", body=sitemap))
    try:
        page = context.new_page()
        visit = Visit("instant")
        _watch(page, visit)
        page.goto(site.url(first.split("/")[0] + "/"), wait_until="load")
        page.wait_for_load_state("networkidle")
        page.evaluate("() => { window.__sameDocument = true; }")
        _click_nav_link(page, site.url(first))
        page.wait_for_url(site.url(first))
        _wait_live(page, len(first_charts))
        assert page.evaluate("() => window.__sameDocument") is True, "the page was reloaded, not navigated instantly"
        folder = first.split("/")[0]
        assert [_bars(page, c) for c in first_charts] == [len(by_key[f"{folder}/{c}"].rows) for c in first_charts]
        # on with the footer's "next" links until the next page with charts, through pages without
        shown = [first]
        while True:
            old = page.url
            page.locator("a.md-footer__link--next").click()
            # the new page is in place when its "previous" link points back to the page we left
            page.wait_for_function("(old) => location.href !== old && "
                                   "(document.querySelector('a.md-footer__link--prev') || {}).href === old", arg=old, timeout=10000)
            shown.append(page.url.removeprefix(site.base))
            if shown[-1] in pages_with_charts or len(shown) > 6:
                break
        second = shown[-1]
        assert second in pages_with_charts, shown
        assert len(shown) >= 3, f"no page without charts between {first} and {second}: {shown}"
        _wait_live(page, len(pages_with_charts[second]))
        assert page.evaluate("() => window.__sameDocument") is True
        cid = pages_with_charts[second][0]
        assert _bars(page, cid) == len(by_key[f"{second.split('/')[0]}/{cid}"].rows)
        assert _hover_tooltip(page, cid) != ""
        # the runtime was loaded once for the whole visit; each spec when its page was shown
        assert visit.requests.count(site.url("assets/vendor/vega.min.js")) == 1
        assert visit.requests.count(site.url("assets/vendor/vega-embed.min.js")) == 1
        home = first.split("/")[0] + "/"  # the report home's own chart (spending breakdown) may go live where the visit starts
        started = {site.url(f"{home}charts/{c}.vg.json") for c in pages_with_charts.get(home, [])}
        assert sorted(u for u in visit.requests if u.endswith(".vg.json") and u not in started) == sorted(
            site.url(f"{p.split('/')[0]}/charts/{c}.vg.json") for p in (first, second) for c in pages_with_charts[p])
        assert visit.errors == []
        assert _foreign(site, visit.requests) == []
    finally:
        context.close()


# ---- 6. bytes (printed, not asserted) ------------------------------------------------------------------
def _interactive(url: str) -> bool:
    return "/assets/vendor/" in url or url.endswith(".vg.json")


@pytest.mark.slow
def test_print_bytes_of_the_heaviest_chart_page(visits, site, built_site_dir, capsys):
    totals = {p: sum(s for _, s, _ in v.sizes) for p, v in visits.items()}
    path = max(totals, key=totals.get)
    sizes = visits[path].sizes
    # the measurement is real: the vendor scripts arrived whole
    for name in ("vega.min.js", "vega-embed.min.js"):
        measured = [s for u, s, _ in sizes if u == site.url(f"assets/vendor/{name}")]
        assert measured == [(built_site_dir / "assets" / "vendor" / name).stat().st_size]
    before = [s for s in sizes if not _interactive(s[0])]
    added = [s for s in sizes if _interactive(s[0])]
    raw_b, gz_b = sum(s[1] for s in before), sum(s[2] for s in before)
    raw_a, gz_a = sum(s[1] for s in added), sum(s[2] for s in added)
    with capsys.disabled():
        print(f"\n[chart bytes] heaviest chart page: /{path} ({len(visits[path].charts)} charts; first chart "
              f"{visits[path].first_top:.0f} px from the top of a {visits[path].screen:.0f} px screen; runtime fetched "
              f"before scrolling: {site.url('assets/vendor/vega.min.js') in visits[path].unscrolled})")
        for url, raw, gz in sorted(sizes, key=lambda s: -s[1]):
            tag = "+live" if _interactive(url) else "     "
            print(f"  {tag} {raw:>9,} B  gzip {gz:>8,} B  {url.replace(site.base, '/')}")
        print(f"  before interactive: {raw_b:,} B (gzip {gz_b:,} B) in {len(before)} responses")
        print(f"  added for interactive: {raw_a:,} B (gzip {gz_a:,} B) in {len(added)} responses")
        print(f"  after interactive: {raw_b + raw_a:,} B (gzip {gz_b + gz_a:,} B)")
        search = [s for s in before if "/search/" in s[0] or "/lunr/" in s[0] or "/workers/" in s[0]]
        print(f"  of 'before', Material's search (index, worker, lunr): {sum(s[1] for s in search):,} B "
              f"(gzip {sum(s[2] for s in search):,} B); static chart SVGs: "
              f"{sum(s[1] for s in before if s[0].endswith('.svg')):,} B (gzip {sum(s[2] for s in before if s[0].endswith('.svg')):,} B)")
        for p in sorted(totals, key=totals.get, reverse=True):
            v = visits[p]
            print(f"  page /{p}: {totals[p]:,} B; first chart at {v.first_top:.0f} px; runtime before scrolling: "
                  f"{site.url('assets/vendor/vega.min.js') in v.unscrolled}")


def test_configure_writes_the_config_altair_would():
    """draw._configure writes the config dict itself (Altair's configure_* copy the whole chart each time); it must
    be what Altair's chain makes, key order included (the chart cache is keyed by the spec's JSON)."""
    from juesuan.charts import draw

    chart = alt.Chart(alt.Data(values=[{"a": 1, "b": "甲"}])).mark_bar().encode(x="a:Q", y="b:N")
    for layout in draw.LAYOUTS:
        sized = chart.properties(width=layout.width, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
        expected = (sized.configure(font=draw.FONT).configure_range(category=draw.PALETTE).configure_view(stroke=None)
                    .configure_axis(labelFontSize=12, titleFontSize=draw.MIN_FONT, titleFontWeight="normal")
                    .configure_legend(labelFontSize=12, titleFontSize=draw.MIN_FONT, labelLimit=layout.width - 40)
                    .configure_title(subtitleFontSize=draw.MIN_FONT).to_dict(validate=False))
        assert json.dumps(draw._configure(chart, layout), ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
