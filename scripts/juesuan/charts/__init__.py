"""A Report → its charts: Altair specs drawn from the package, each with a message title, a generated summary and its data.

No value is typed here: every number comes from the report's figures or resources, and every
title and summary is composed from those numbers. Rendering (Vega compilation, static SVG/PNG,
CSV) is done by scripts/chart_files.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import altair as alt

from juesuan.data.loader import REF, Report, per_report

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
WIDTH = 560


@dataclass
class Chart:
    """One chart of one report."""

    id: str
    place: str  # narrative section id the chart belongs to
    title: str  # states the message
    summary: str  # plain-language reading of the data
    columns: list[tuple]  # (data key, column title with unit[, format: ".2f" amounts, "d" counts]) for the data table and CSV
    rows: list[dict]
    source: str  # which package resource(s) and figures it comes from
    spec: dict = field(default_factory=dict)  # Vega-Lite (Altair) spec
    replaces_original: bool = False  # stands where the original report had a figure
    folder: str = ""  # site folder of its files: the report's slug, or the unit id for comparisons


def pct(part: Decimal, whole: Decimal) -> Decimal:
    """Share in percent, two decimals, half up; the denominator must not be 0."""
    return (part / whole * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _written(report: Report, text: str) -> str:
    """Text with [[refs]] → the text as the report writes it (qualifiers such as ≥ kept)."""
    from juesuan.site.render import figure_text

    return REF.sub(lambda m: figure_text(report, m.group(1)), text)


def _num(v: Decimal) -> float:
    return float(v)


def _base(rows: list[dict], title: str) -> alt.Chart:
    return alt.Chart(alt.Data(values=rows), title=alt.Title(title, anchor="start", fontSize=14)).properties(width=WIDTH)


def _configure(chart) -> dict:
    # Validation against the Vega-Lite schema is done once, in the tests (tests/test_charts.py), not per build.
    return chart.configure(font=FONT).configure_range(category=PALETTE).configure_view(stroke=None).to_dict(validate=False)


def _bars(rows: list[dict], title: str, label: str, value: str, unit: str, color: str | None = None,
          color_title: str = "", value_format: str = ",.2f") -> dict:
    """Horizontal bars with the value written at the end of each bar (no reliance on hover or colour)."""
    y = alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=260))
    x = alt.X(f"{value}:Q", title=unit, axis=alt.Axis(format=",~f"))
    tooltip = [alt.Tooltip(f"{label}:N", title="项目"), alt.Tooltip(f"{value}:Q", title=f"数值（{unit}）", format=value_format)]
    enc = dict(y=y, x=x, tooltip=tooltip)
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=color_title, legend=alt.Legend(orient="bottom"))
        tooltip.append(alt.Tooltip(f"{color}:N", title=color_title))
    else:
        enc["color"] = alt.value(PALETTE[0])
    base = _base(rows, title).properties(height=alt.Step(26))
    bars = base.mark_bar().encode(**enc)
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(
        y=y, x=x, text=alt.Text(f"{value}:Q", format=value_format), tooltip=tooltip)
    return _configure(bars + text)


def _yoy(report: Report, chart_id: str, place: str, now: str, change: str, change_pct: str, what: str) -> Chart:
    """This year against the previous one, whose value is derived (figure `<now>_<previous year>`)."""
    year = report.meta["year"]
    before = f"{now}_{year - 1}"
    v_now, v_before = report.value(now), report.value(before)
    rows = [{"年度": f"{year - 1}年", "金额": _num(v_before), "依据": "推算", "公式": report.figure(before)["formula"]},
            {"年度": f"{year}年", "金额": _num(v_now), "依据": "报告原文", "公式": ""}]
    moved, rate = ("减少", "下降") if v_now < v_before else ("增加", "增长")
    if v_now == v_before:
        title = f"{what}与{year - 1}年持平"
    else:
        title = f"{what}比{year - 1}年{moved}{report.value(change)}万元，{rate}{report.value(change_pct)}%"
    summary = (f"{year}年{what}{v_now}万元，{year - 1}年{v_before}万元（由{year}年数和报告所写的变动额推得，"
               f"公式 {report.figure(before)['formula']}），{moved}{report.value(change)}万元，{rate}{report.value(change_pct)}%。")
    x = alt.X("年度:N", title=None, sort=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("金额:Q", title="万元", axis=alt.Axis(format=",~f"))
    tooltip = [alt.Tooltip("年度:N", title="年度"), alt.Tooltip("金额:Q", title="金额（万元）", format=",.2f"),
               alt.Tooltip("依据:N", title="依据"), alt.Tooltip("公式:N", title="推算公式")]
    base = _base(rows, title).properties(height=220, width=320)
    bars = base.mark_bar(size=60).encode(x=x, y=y, tooltip=tooltip, color=alt.Color("依据:N", title="数值依据", legend=alt.Legend(orient="bottom")))
    text = base.mark_text(dy=-8, fontSize=12).encode(x=x, y=y, text=alt.Text("金额:Q", format=",.2f"), tooltip=tooltip)
    return Chart(chart_id, place, title, summary, [("年度", "年度"), ("金额", "金额（万元）", ".2f"), ("依据", "依据"), ("公式", "推算公式")], rows,
                 f"figures：{now}、{before}、{change}、{change_pct}", _configure(bars + text), True)


def income_composition(report: Report) -> Chart:
    """收入决算：各项收入（附表一收入方）。"""
    parts = [r for r in report.rows["t01_income_expenditure_summary"] if r["side"] == "收入"]
    parts = parts[: [r["item"] for r in parts].index("本年收入合计")]
    total = report.value("income.total")
    keys = ["income.gpb", "income.gov_fund", "income.soe", "income.higher", "income.business", "income.operating",
            "income.affiliated", "income.other"]
    rows = [{"项目": r["item"], "金额": _num(r["amount"]), "占比": str(report.value(k + "_share")) + "%"} for r, k in zip(parts, keys)]
    top = max(zip(parts, keys), key=lambda p: p[0]["amount"])
    title = f"{top[0]['item']}占本年收入合计的{report.value(top[1] + '_share')}%"
    zero = [r["item"] for r in parts if r["amount"] == 0]
    summary = (f"{report.meta['year']}年本年收入合计{total}万元，其中{top[0]['item']}{top[0]['amount']}万元，"
               f"占{report.value(top[1] + '_share')}%；{'、'.join(zero)}均为0万元。")
    return Chart("income-composition", "p2-s2", title, summary, [("项目", "项目"), ("金额", "金额（万元）", ".2f"), ("占比", "占比（报告所写）")],
                 rows, "t01_income_expenditure_summary（收入方）；figures：income.*_share",
                 _bars(rows, title, "项目", "金额", "万元"), True)


def expenditure_composition(report: Report) -> Chart:
    """支出决算：基本支出、项目支出及其他。"""
    keys = [("基本支出", "expend.basic"), ("项目支出", "expend.project"), ("上缴上级支出", "expend.to_higher"),
            ("经营支出", "expend.operating"), ("对附属单位补助支出", "expend.to_affiliated")]
    rows = [{"项目": n, "金额": _num(report.value(k)), "占比": f"{report.value(k + '_share')}%"} for n, k in keys]
    b, p = report.value("expend.basic"), report.value("expend.project")
    title = f"基本支出占{report.value('expend.basic_share')}%，项目支出占{report.value('expend.project_share')}%"
    summary = (f"{report.meta['year']}年本年支出合计{report.value('expend.total')}万元：基本支出{b}万元"
               f"（占{report.value('expend.basic_share')}%），项目支出{p}万元（占{report.value('expend.project_share')}%），"
               "上缴上级支出、经营支出、对附属单位补助支出均为0万元。")
    return Chart("expenditure-composition", "p2-s3", title, summary, [("项目", "项目"), ("金额", "金额（万元）", ".2f"), ("占比", "占比（报告所写）")],
                 rows, "figures：expend.*", _bars(rows, title, "项目", "金额", "万元"), True)


def gpb_structure(report: Report) -> Chart:
    """一般公共预算财政拨款支出按功能分类（类）。"""
    classes = [r for r in report.rows["t06_gpb_expenditure"] if r["level"] == "类"]
    listed = [c["code"] for c in report.rows["codes"] if c["scheme"] == "functional" and c["level"] == "类"]
    names = {c["code"]: c["name"] for c in report.rows["codes"]}
    rows = []
    for code in listed:
        fid = f"gpb.c{code}"
        if fid in report.figures:
            rows.append({"科目": f"{code} {names[code]}", "金额": _num(report.value(fid)), "占比": f"{report.value(fid + '_share')}%"})
    top = max(classes, key=lambda r: r["total"])
    share = report.value(f"gpb.c{top['code']}_share")
    title = f"{top['name']}占一般公共预算财政拨款支出的{share}%"
    rest = sorted((r for r in classes if r is not top), key=lambda r: -r["total"])
    others = [f"{r['name']}{r['total']}万元（{report.value('gpb.c' + r['code'] + '_share')}%）" for r in rest]
    summary = (f"一般公共预算财政拨款支出{report.value('gpb.total')}万元，主要用于{top['name']}（{top['total']}万元，占{share}%），"
               f"其次是{'、'.join(others)}；其余各类为0万元。占比为报告所写。")
    return Chart("gpb-structure", "p2-s5-2", title, summary, [("科目", "功能分类（类）"), ("金额", "金额（万元）", ".2f"), ("占比", "占比（报告所写）")],
                 rows, "figures：gpb.c*；t06_gpb_expenditure", _bars(rows, title, "科目", "金额", "万元"), True)


def basic_split(report: Report) -> Chart:
    """基本支出：人员经费与公用经费。"""
    pers, pub, total = report.value("basic.personnel"), report.value("basic.public"), report.value("basic.total")
    rows = [{"项目": "人员经费", "金额": _num(pers), "占比": f"{pct(pers, total)}%"},
            {"项目": "公用经费", "金额": _num(pub), "占比": f"{pct(pub, total)}%"}]
    title = f"基本支出中人员经费占{pct(pers, total)}%"
    summary = f"一般公共预算财政拨款基本支出{total}万元，其中人员经费{pers}万元（约{pct(pers, total)}%），公用经费{pub}万元（约{pct(pub, total)}%）。占比由本站按金额计算。"
    return Chart("basic-split", "p2-s6", title, summary, [("项目", "项目"), ("金额", "金额（万元）", ".2f"), ("占比", "占比（本站计算）")],
                 rows, "figures：basic.personnel、basic.public、basic.total", _bars(rows, title, "项目", "金额", "万元"))


def projects(report: Report) -> Chart:
    """三个项目的预算数与执行数（附件1–3）。"""
    rows = []
    for p in report.rows["performance_projects"]:
        rows.append({"项目": p["project"], "类别": "预算数", "金额": _num(p["budget"]), "附件": p["form"]})
        rows.append({"项目": p["project"], "类别": "执行数", "金额": _num(p["executed"]), "附件": p["form"]})
    under = [p for p in report.rows["performance_projects"] if p["executed"] < p["budget"]]
    if len(under) == 1:
        title = f"{under[0]['project']}的执行数低于预算数，其余项目按预算执行"
    elif under:
        title = f"{len(under)}个项目的执行数低于预算数"
    else:
        title = "各项目均按预算数执行完毕"
    projs = report.rows["performance_projects"]
    parts = [f"{p['project']}预算数{p['budget']}万元、执行数{p['executed']}万元" for p in projs]
    summary = "；".join(parts) + f"（{projs[0]['form']}–{projs[-1]['form']}所写）。"
    for i, p in enumerate(projs, 1):  # where the form and the narrative of 第二部分十（四） disagree
        narrative = report.figures.get(f"perf.p{i}_budget")
        if narrative and narrative["value"] != p["budget"]:
            summary += f"{p['form']}的预算数（{p['budget']}万元）与第二部分十（四）所写（{narrative['value']}万元）不同，见数据核验。"
    y = alt.Y("项目:N", sort=None, title=None, axis=alt.Axis(labelLimit=300))
    x = alt.X("金额:Q", title="万元", axis=alt.Axis(format=",~f"))
    tooltip = [alt.Tooltip("项目:N", title="项目"), alt.Tooltip("类别:N", title="类别"),
               alt.Tooltip("金额:Q", title="金额（万元）", format=",.2f"), alt.Tooltip("附件:N", title="出处")]
    base = _base(rows, title).properties(height=alt.Step(18))
    bars = base.mark_bar().encode(y=y, yOffset="类别:N", x=x, color=alt.Color("类别:N", title="类别", legend=alt.Legend(orient="bottom")), tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(y=y, yOffset="类别:N", x=x, text=alt.Text("金额:Q", format=",.2f"), tooltip=tooltip)
    return Chart("projects", "p2-s10-4", title, summary, [("项目", "项目"), ("类别", "类别"), ("金额", "金额（万元）", ".2f"), ("附件", "出处")],
                 rows, "performance_projects（budget、executed）", _configure(bars + text))


def daijiao_groups(report: Report) -> Chart:
    """代缴养老保险费的人数：按困难群体和代缴标准。"""
    std100, std50 = report.value("work.daijiao.std_100"), report.value("work.daijiao.std_50")
    groups = [("低保对象", "work.daijiao.dibao", std100), ("特困人员", "work.daijiao.tekun", std100),
              ("重度残疾人", "work.daijiao.severe_disabled", std100), ("原建档立卡贫困人员", "work.daijiao.former_poor", std100),
              ("轻度残疾人", "work.daijiao.persons_50", std50)]
    unit = report.figure("work.daijiao.std_100")["unit"]
    rows = [{"群体": g, "人数": _num(report.value(k)), "代缴标准": f"{s}{unit}"} for g, k, s in groups]
    top = max(groups, key=lambda g: report.value(g[1]))
    total100 = report.value("work.daijiao.persons_100")
    title = f"代缴对象中{top[0]}最多，共{report.value(top[1])}人"
    summary = (f"按{std100}{unit}的标准为{total100}名特殊困难群众代缴养老保险费{report.value('work.daijiao.amount_100')}万元："
               + "、".join(f"{g}{report.value(k)}人" for g, k, s in groups[:4])
               + f"；另按{std50}{report.figure('work.daijiao.std_50')['unit']}的标准为{report.value('work.daijiao.persons_50')}名轻度残疾人代缴{report.value('work.daijiao.amount_50')}万元。")
    return Chart("daijiao-groups", "p1-s2-1", title, summary, [("群体", "群体"), ("人数", "人数（人）", "d"), ("代缴标准", "代缴标准")],
                 rows, "figures：work.daijiao.*", _bars(rows, title, "群体", "人数", "人", color="代缴标准", color_title="代缴标准", value_format=",d"))


def enrolment(report: Report) -> Chart:
    """参保与经办：2021年办理的人数。"""
    items = [("新增参保", "work.enrol.new_insured"), ("新增退休", "work.enrol.new_retired"), ("前台办理补缴", "work.enrol.back_payments"),
             ("办理终止注销", "work.enrol.terminations"), ("转出", "work.enrol.transfers_out")]
    rows = [{"业务": n, "人数": _num(report.value(k))} for n, k in items]
    top = max(items, key=lambda i: report.value(i[1]))
    title = f"{top[0]}的人数最多，共{report.value(top[1])}人"
    summary = (f"全县城乡居民养老保险参保{report.value('work.enrol.insured')}人；{report.meta['year']}年"
               + "、".join(f"{n}{report.value(k)}人" for n, k in items) + "。")
    return Chart("enrolment", "p1-s2-2", title, summary, [("业务", "业务"), ("人数", "人数（人）", "d")], rows,
                 "figures：work.enrol.*", _bars(rows, title, "业务", "人数", "人", value_format=",d"))


def indicators(report: Report, form: str, place: str) -> Chart | None:
    """一个附件的量化绩效指标：实际完成值相对预期值。"""
    rows = []
    for ind in report.rows["performance_indicators"]:
        if ind["form"] != form:
            continue
        exp, act = REF.findall(ind["expected"]), REF.findall(ind["actual"])
        if not exp or len(exp) != len(act):
            continue
        for e, a in zip(exp, act):
            ve, va = report.value(e), report.value(a)
            if ve == 0:
                continue
            unit = report.figure(e)["unit"]
            label = ind["level3"] if len(exp) == 1 else report.figure(e)["label"].split(" ", 1)[-1].replace("（预期）", "")
            cost = ind["level2"] == "成本指标"  # a ceiling: spending less than expected meets it
            rows.append({"指标": label, "类型": "成本指标（不超过预期即达到）" if cost else ind["level2"],
                         "预期": _written(report, ind["expected"]) if len(exp) == 1 else f"{ve}{unit}",
                         "实际": _written(report, ind["actual"]) if len(exp) == 1 else f"{va}{report.figure(a)['unit']}",
                         "完成比例": _num(pct(va, ve)), "达到预期": "是" if (va <= ve if cost else va >= ve) else "否"})
    if not rows:
        return None
    short = [r for r in rows if r["达到预期"] == "否"]
    title = (f"{form}的{len(rows)}项量化指标中，{len(rows) - len(short)}项达到预期" if short
             else f"{form}的{len(rows)}项量化指标均达到预期")
    summary = "；".join(f"{r['指标']}：预期{r['预期']}，实际{r['实际']}" for r in rows) + \
        "。完成比例 = 实际 ÷ 预期，由本站计算；成本指标不超过预期即为达到。"
    spec = _bars(rows, title, "指标", "完成比例", "完成比例（%）", value_format=".1f")
    return Chart(f"indicators-{place}", place, title, summary,
                 [("指标", "指标"), ("类型", "指标类型"), ("预期", "预期指标值"), ("实际", "实际完成指标值"),
                  ("完成比例", "完成比例（%）"), ("达到预期", "达到预期")],
                 rows, "performance_indicators；figures：form*", spec)


def scores(report: Report) -> Chart:
    """部门预算整体绩效自评得分。"""
    parts = [r for r in report.rows["self_assessment"] if r["item"] != "合计"]
    total = next(r for r in report.rows["self_assessment"] if r["item"] == "合计")
    rows = [{"项目": r["item"], "得分": _num(r["score"])} for r in parts]
    title = f"部门预算整体绩效自评合计{total['score']}分"
    summary = "、".join(f"{r['item']}{r['score']}分" for r in parts) + f"，合计{total['score']}分（报告未披露各项满分）。"
    return Chart("scores", "p2-s10-4", title, summary, [("项目", "项目"), ("得分", "得分（分）")], rows,
                 "self_assessment", _bars(rows, title, "项目", "得分", "分", value_format=".1f"))


@per_report
def charts(report: Report) -> list[Chart]:
    """Every chart of a report, in reading order (made once per loaded report)."""
    out = [daijiao_groups(report), enrolment(report), income_composition(report), expenditure_composition(report),
           _yoy(report, "fiscal-yoy", "p2-s4", "fiscal.total", "fiscal.change", "fiscal.change_pct", "财政拨款收、支总计"),
           _yoy(report, "gpb-yoy", "p2-s5-1", "gpb.total", "gpb.change", "gpb.change_pct", "一般公共预算财政拨款支出"),
           gpb_structure(report), basic_split(report), projects(report), scores(report)]
    for i, p in enumerate(report.rows["performance_projects"], 1):
        chart = indicators(report, p["form"], f"p4-a{i}")
        if chart:
            out.append(chart)
    for c in out:
        c.folder = report.slug
    return out


def table(chart: Chart) -> tuple[list[str], list[list[str]]]:
    """A chart → its data as text, the way the report writes numbers (amounts with two decimals, counts whole)."""
    head = [c[1] for c in chart.columns]
    body = []
    for row in chart.rows:
        cells = []
        for col in chart.columns:
            value, fmt = row[col[0]], (col[2] if len(col) > 2 else "")
            if isinstance(value, float) and fmt == ".2f":
                cells.append(f"{value:.2f}")
            elif isinstance(value, float) and (fmt == "d" or value.is_integer()):
                cells.append(f"{value:.0f}" if value.is_integer() else str(value))
            else:
                cells.append(str(value))
        body.append(cells)
    return head, body


def for_place(report: Report, place: str) -> list[Chart]:
    return [c for c in charts(report) if c.place == place]


# Figures compared across the years of one unit (same ids in every package).
COMPARED = [("total.amount", "收、支总计"), ("income.total", "本年收入合计"), ("expend.total", "本年支出合计"),
            ("expend.basic", "基本支出"), ("expend.project", "项目支出"), ("basic.personnel", "人员经费"),
            ("basic.public", "公用经费"), ("sangong.total", "“三公”经费财政拨款支出"), ("other.running_costs", "机关运行经费"),
            ("work.pension.amount", "全年发放养老金"), ("work.enrol.insured", "城乡居民养老保险参保人数")]


def compare_rows(unit_reports: list[Report]) -> list[dict]:
    """A unit's reports → one row per compared figure: label, unit and the value of each year (None if absent)."""
    ordered = sorted(unit_reports, key=lambda r: r.meta["year"])
    latest = ordered[-1]
    rows = []
    for fid, label in COMPARED:
        if fid not in latest.figures:
            continue
        row = {"id": fid, "label": label, "unit": latest.figure(fid)["unit"], "values": {}}
        for r in ordered:
            row["values"][r.meta["year"]] = r.value(fid) if fid in r.figures else None
        rows.append(row)
    return rows


def compare(unit_reports: list[Report]) -> list[Chart]:
    """A unit's reports → the year-on-year charts of its comparison page."""
    ordered = sorted(unit_reports, key=lambda r: r.meta["year"])
    unit = ordered[-1].meta["unit"]
    data = []
    for r in ordered:
        for fid, name in (("income.total", "本年收入合计"), ("expend.basic", "基本支出"), ("expend.project", "项目支出")):
            data.append({"年度": f"{r.meta['year']}年", "项目": name, "金额": _num(r.value(fid))})
    first, last = ordered[0], ordered[-1]
    a, b = first.value("income.total"), last.value("income.total")
    direction = "增加" if b > a else ("减少" if b < a else "持平")
    title = f"{first.meta['year']}–{last.meta['year']}年本年收入合计{direction}" + (f"{abs(b - a)}万元" if b != a else "")
    summary = "；".join(f"{r.meta['year']}年本年收入合计{r.value('income.total')}万元，基本支出{r.value('expend.basic')}万元，"
                       f"项目支出{r.value('expend.project')}万元" for r in ordered) + "。"
    x = alt.X("年度:N", title=None, sort=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("金额:Q", title="万元", axis=alt.Axis(format=",~f"))
    tooltip = [alt.Tooltip("年度:N", title="年度"), alt.Tooltip("项目:N", title="项目"), alt.Tooltip("金额:Q", title="金额（万元）", format=",.2f")]
    base = _base(data, title).properties(height=240)
    order = ["本年收入合计", "基本支出", "项目支出"]
    offset = alt.XOffset("项目:N", sort=order)
    bars = base.mark_bar().encode(x=x, xOffset=offset, y=y, tooltip=tooltip,
                                  color=alt.Color("项目:N", title="项目", sort=order, legend=alt.Legend(orient="bottom")))
    text = base.mark_text(dy=-6, fontSize=10).encode(x=x, xOffset=offset, y=y, text=alt.Text("金额:Q", format=",.2f"), tooltip=tooltip)
    chart = Chart("compare-totals", "compare", title, summary, [("年度", "年度"), ("项目", "项目"), ("金额", "金额（万元）", ".2f")], data,
                  f"各年度数据包 figures：income.total、expend.basic、expend.project（{unit}）", _configure(bars + text),
                  folder=ordered[-1].meta["unit_id"])
    return [chart]
