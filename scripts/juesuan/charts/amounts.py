"""A report and a declaration of figures → a Chart: composition, split, yoy, class_structure, figure_bars.

Every number comes from the figures register (or a table of the package); every label either from
the declaration or from the register; titles and summaries are the declaration's templates filled
with what the builder works out (largest part, shares, parts at zero, …).
"""

from __future__ import annotations

from juesuan.charts import draw
from juesuan.charts.model import (Chart, Decl, Need, amount_unit, fill, items, kind, label_of, num, pattern, pct,
                                  rows_of, unit_of)
from juesuan.data import wording
from juesuan.data.loader import Report


def year(report: Report) -> str:
    return str(report.meta["year"])


def replaces(report: Report, decl: Decl) -> bool:
    """Whether the chart stands where the original report had a figure (the section's original_figure names it)."""
    return (report.sections.get(decl.place) or {}).get("original_figure") == decl.id


def figures_source(fids: list[str]) -> str:
    return "figures：" + "、".join(fids)


def _zeros(labels: list[str], unit: str) -> str:
    """The labels of the parts at zero → "甲、乙均为0" and the unit ("" when there are none)."""
    if not labels:
        return ""
    return "、".join(labels) + ("均为0" if len(labels) > 1 else "为0") + unit


# ---- composition: the parts of a total, with the shares the report writes ---------------------------
def _share_needs(report: Report, decl: Decl) -> list[Need]:
    return [Need("figure", pattern(decl["share"], figure=p["figure"])) for p in items(decl, "parts")]


@kind("composition",
      params={"total": "figure", "parts": "figures", "share": "pattern", "title": "text", "summary": "text", "source": "label?"},
      placeholders=("year", "total", "top_label", "top_value", "top_share", "shares", "parts", "zeros"),
      patterns={"share": ("figure",)}, more_needs=_share_needs)
def composition(report: Report, decl: Decl) -> Chart:
    """Parts of a total (e.g. 收入决算 by source), each with the share the report writes (figure `share`)."""
    parts = items(decl, "parts")
    unit = unit_of(report, decl["total"])
    share = {p["figure"]: pattern(decl["share"], figure=p["figure"]) for p in parts}
    rows = [{"项目": label_of(report, p), "金额": num(report.value(p["figure"])), "占比": report.written(share[p["figure"]])}
            for p in parts]
    top = max(parts, key=lambda p: report.value(p["figure"]))
    shown = [p for p in parts if report.value(p["figure"]) != 0]
    values = {
        "year": year(report), "total": report.written(decl["total"]),
        "top_label": label_of(report, top), "top_value": report.written(top["figure"]),
        "top_share": report.written(share[top["figure"]]),
        "shares": "，".join(f"{label_of(report, p)}占{report.written(share[p['figure']])}" for p in shown),
        "parts": "，".join(f"{label_of(report, p)}{report.written(p['figure'])}（占{report.written(share[p['figure']])}）"
                          for p in shown),
        "zeros": _zeros([label_of(report, p) for p in parts if report.value(p["figure"]) == 0], unit),
    }
    title, summary = fill(report, decl["title"], values), fill(report, decl["summary"], values)
    source = decl.get("source") or figures_source([p["figure"] for p in parts] + list(share.values()))
    return Chart(decl.id, decl.place, title, summary, [("项目", "项目"), ("金额", f"金额（{unit}）", ".2f"), ("占比", "占比（报告所写）")],
                 rows, source, *draw.bars(rows, title, "项目", "金额", unit), replaces(report, decl))


# ---- split: the parts of a total, with shares worked out here -----------------------------------------
@kind("split",
      params={"total": "figure", "parts": "figures", "title": "text", "summary": "text", "source": "label?"},
      placeholders=("year", "total", "top_label", "top_value", "top_share", "parts"))
def split(report: Report, decl: Decl) -> Chart | None:
    """Parts of a total (e.g. 人员经费 and 公用经费 of 基本支出), shares computed by the site from the amounts."""
    parts, total = items(decl, "parts"), report.value(decl["total"])
    if total == 0:
        return None  # nothing to split
    unit = unit_of(report, decl["total"])
    share = {p["figure"]: pct(report.value(p["figure"]), total) for p in parts}
    rows = [{"项目": label_of(report, p), "金额": num(report.value(p["figure"])), "占比": f"{share[p['figure']]}%"} for p in parts]
    top = max(parts, key=lambda p: report.value(p["figure"]))
    values = {
        "year": year(report), "total": report.written(decl["total"]),
        "top_label": label_of(report, top), "top_value": report.written(top["figure"]), "top_share": f"{share[top['figure']]}%",
        "parts": "，".join(f"{label_of(report, p)}{report.written(p['figure'])}（约{share[p['figure']]}%）" for p in parts),
    }
    title, summary = fill(report, decl["title"], values), fill(report, decl["summary"], values)
    source = decl.get("source") or figures_source([p["figure"] for p in parts] + [decl["total"]])
    return Chart(decl.id, decl.place, title, summary, [("项目", "项目"), ("金额", f"金额（{unit}）", ".2f"), ("占比", "占比（本站计算）")],
                 rows, source, *draw.bars(rows, title, "项目", "金额", unit), replaces(report, decl))


# ---- yoy: this year against the previous one, whose value is derived ------------------------------------
def _previous(report: Report, decl: Decl) -> str:
    return pattern(decl["previous"], figure=decl["figure"], year=report.meta["year"] - 1)


@kind("yoy",
      params={"figure": "figure", "change": "figure", "change_pct": "figure", "what": "label", "previous": "pattern",
              "source": "label?"},
      patterns={"previous": ("figure", "year")},
      more_needs=lambda report, decl: [Need("figure", _previous(report, decl))])
def yoy(report: Report, decl: Decl) -> Chart:
    """This year's figure beside the previous year's (figure `previous`, derived from the change the report writes)."""
    now, change, change_pct, what = decl["figure"], decl["change"], decl["change_pct"], decl["what"]
    this, before = report.meta["year"], _previous(report, decl)
    unit = unit_of(report, now)
    v_now, v_before = report.value(now), report.value(before)
    formula = wording.formula(report, report.figure(before)["formula"])  # in words, as the data table shows it
    # 标注: the amount as the site writes it ("约291.7" when the derived value is rounded on purpose), for labels and tables
    shown = {fid: report.written(fid).removesuffix(report.figure(fid)["unit"] or "") for fid in (now, before)}
    rows = [{"年度": f"{this - 1}年", "金额": num(v_before), "标注": shown[before], "依据": "推算", "公式": formula},
            {"年度": f"{this}年", "金额": num(v_now), "标注": shown[now], "依据": "报告原文", "公式": ""}]
    moved, rate = ("减少", "下降") if v_now < v_before else ("增加", "增长")
    by = f"{moved}{report.written(change)}，{rate}{report.written(change_pct)}"
    title = f"{what}与{this - 1}年持平" if v_now == v_before else f"{what}比{this - 1}年{by}"
    summary = (f"{this}年{what}{report.written(now)}，{this - 1}年{report.written(before)}（由{this}年数和报告所写的变动额推得），{by}。")
    return Chart(decl.id, decl.place, title, summary,
                 [("年度", "年度"), ("金额", f"金额（{unit}）", "text:标注"), ("依据", "依据"), ("公式", "推算公式")], rows,
                 decl.get("source") or figures_source([now, before, change, change_pct]), *draw.year_pair(rows, title, unit),
                 replaces(report, decl))


# ---- class_structure: the classes of a classification in a table, with the shares the report writes -------
def _classes(report: Report, decl: Decl) -> list[dict]:
    return [r for r in rows_of(report, decl, "table") if r["level"] == decl["level"]]


def _listed(report: Report, decl: Decl) -> list[dict]:
    """The entries of the code list in the scheme at the level, in list order, that have a figure."""
    return [c for c in rows_of(report, decl, "code_list") if c["scheme"] == decl["scheme"] and c["level"] == decl["level"]
            and pattern(decl["figure"], code=c["code"]) in report.figures]


def _class_needs(report: Report, decl: Decl) -> list[Need]:
    found = [r["code"] for r in _classes(report, decl)] + [c["code"] for c in _listed(report, decl)]
    return [Need("figure", pattern(decl[key], code=code)) for code in dict.fromkeys(found) for key in ("figure", "share")]


@kind("class_structure",
      params={"total": "figure", "table": "table", "value": "label", "code_list": "lookup", "scheme": "label", "level": "label",
              "heading": "label", "figure": "pattern", "share": "pattern", "title": "text", "summary": "text", "source": "label?"},
      placeholders=("year", "total", "top_label", "top_value", "top_share", "others"),
      patterns={"figure": ("code",), "share": ("code",)}, more_needs=_class_needs)
def class_structure(report: Report, decl: Decl) -> Chart | None:
    """Every class the code list names (with its figure), and the summary of the classes the table has."""
    classes = _classes(report, decl)
    if not classes:
        return None
    unit, field = unit_of(report, decl["total"]), decl["value"]
    names = {c["code"]: c["name"] for c in rows_of(report, decl, "code_list")}

    def share(code: str) -> str:
        return report.written(pattern(decl["share"], code=code))

    rows = [{"科目": f"{c['code']} {names[c['code']]}", "金额": num(report.value(pattern(decl["figure"], code=c["code"]))),
             "占比": share(c["code"])} for c in _listed(report, decl)]
    top = max(classes, key=lambda r: r[field])
    rest = sorted((r for r in classes if r is not top), key=lambda r: -r[field])
    values = {
        "year": year(report), "total": report.written(decl["total"]),
        "top_label": top["name"], "top_value": f"{top[field]}{unit}", "top_share": share(top["code"]),
        "others": "、".join(f"{r['name']}{r[field]}{unit}（{share(r['code'])}）" for r in rest),
    }
    title, summary = fill(report, decl["title"], values), fill(report, decl["summary"], values)
    source = decl.get("source") or figures_source([n.name for n in _class_needs(report, decl)])
    return Chart(decl.id, decl.place, title, summary, [("科目", decl["heading"]), ("金额", f"金额（{unit}）", ".2f"), ("占比", "占比（报告所写）")],
                 rows, source, *draw.bars(rows, title, "科目", "金额", unit), replaces(report, decl))


# ---- figure_bars: a list of figures with labels (and an optional group per bar) ----------------------------
GROUPS = tuple(f"group{i}" for i in range(1, 10))


@kind("figure_bars",
      params={"bars": "figures", "label": "label", "value": "label", "group": "label?", "title": "text", "summary": "text",
              "source": "label?"},
      placeholders=("year", "top_label", "top_value", "bars") + GROUPS)
def figure_bars(report: Report, decl: Decl) -> Chart:
    """One bar per declared figure; `{groupN}` in the templates lists the bars of the N-th group."""
    bars, label, value, group = items(decl, "bars"), decl["label"], decl["value"], decl.get("group")
    unit = unit_of(report, bars[0]["figure"])
    fmt, value_format = (".2f", ",.2f") if unit == amount_unit(report) else ("d", ",d")
    rows = []
    for b in bars:
        row = {label: label_of(report, b), value: num(report.value(b["figure"]))}
        if group:
            row[group] = fill(report, b.get("group", ""), {})
        rows.append(row)
    top = max(bars, key=lambda b: report.value(b["figure"]))

    def listed(chosen: list[dict]) -> str:
        return "、".join(f"{label_of(report, b)}{report.written(b['figure'])}" for b in chosen)

    values = {"year": year(report), "top_label": label_of(report, top), "top_value": report.written(top["figure"]),
              "bars": listed(bars), **{g: "" for g in GROUPS}}
    if group:
        kinds = list(dict.fromkeys(r[group] for r in rows))
        for name, g in zip(GROUPS, kinds):
            values[name] = listed([b for b, r in zip(bars, rows) if r[group] == g])
    title, summary = fill(report, decl["title"], values), fill(report, decl["summary"], values)
    columns = [(label, label), (value, f"{value}（{unit}）", fmt)] + ([(group, group)] if group else [])
    drawn = draw.bars(rows, title, label, value, unit, color=group, color_title=group or "", value_format=value_format)
    return Chart(decl.id, decl.place, title, summary, columns, rows, decl.get("source") or figures_source([b["figure"] for b in bars]),
                 *drawn, replaces(report, decl))
