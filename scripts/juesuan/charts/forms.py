"""A report and a declaration of performance resources → a Chart: budget_vs_executed, scores, indicators (one per form)."""

from __future__ import annotations

import re
from dataclasses import replace

from juesuan.charts import draw
from juesuan.charts.amounts import replaces
from juesuan.charts.model import Chart, Decl, Need, amount_unit, fill, kind, num, pattern, pct, rows_of, unit_of, written
from juesuan.data.loader import REF, Report

REF_ID = re.compile(r"[A-Za-z_][\w.]*")  # a figure id inside a relation's formula


def _where(report: Report, sid: str) -> str:
    """A section id → how the report names it: its numbers from the part down (e.g. 第二部分十（四）)."""
    numbers = []
    while sid in report.sections:
        numbers.append(report.sections[sid]["number"].rstrip("、."))
        sid = report.sections[sid]["parent"]
    return "".join(reversed(numbers))


# ---- budget_vs_executed: each project's budget and executed amounts ----------------------------------------
@kind("budget_vs_executed", params={"resource": "resource", "narrative_budget": "pattern?", "source": "label?"},
      patterns={"narrative_budget": ("n",)})
def budget_vs_executed(report: Report, decl: Decl) -> Chart:
    """Budget beside executed for every project form. Where the narrative writes another budget (figure
    `narrative_budget`), both stated budgets are drawn and the title states both: the site does not choose."""
    projs, unit = rows_of(report, decl, "resource"), amount_unit(report)
    rows, twice = [], []
    for i, p in enumerate(projs, 1):
        narrative = report.figures.get(pattern(decl["narrative_budget"], n=i)) if decl.get("narrative_budget") else None
        rows.append({"项目": p["project"], "类别": "预算数", "金额": num(p["budget"]), "附件": p["form"]})
        if narrative and narrative["value"] != p["budget"]:
            where = _where(report, narrative["section"])
            twice.append((p, narrative, where))
            rows.append({"项目": p["project"], "类别": f"预算数（{where}所写）", "金额": num(narrative["value"]), "附件": where})
        rows.append({"项目": p["project"], "类别": "执行数", "金额": num(p["executed"]), "附件": p["form"]})
    stated_twice = [p for p, _, _ in twice]
    under = [p for p in projs if p["executed"] < p["budget"] and p not in stated_twice]
    said = [f"{p['project']}的预算数两处所写不同：{p['form']}为{p['budget']}{unit}，{where}为{report.written(n['id'])}"
            for p, n, where in twice]
    if len(under) == 1:
        said.append(f"{under[0]['project']}的执行数低于预算数")
    elif under:
        said.append(f"{len(under)}个项目的执行数低于预算数")
    if said and len(stated_twice) + len(under) < len(projs):
        said.append("其余项目按预算执行")
    title = "；".join(said) if said else "各项目均按预算数执行完毕"
    parts = [f"{p['project']}预算数{p['budget']}{unit}、执行数{p['executed']}{unit}" for p in projs]
    summary = "；".join(parts) + f"（{projs[0]['form']}–{projs[-1]['form']}所写）。"
    for p, narrative, where in twice:
        found = _finding_of(report, narrative["id"])
        summary += (f"{p['form']}的预算数（{p['budget']}{unit}）与{where}所写（{report.written(narrative['id'])}）不同，"
                    f"图中两个预算数都画出，见数据核验{'（' + found + '）' if found else ''}。")
    source = decl.get("source") or f"{decl['resource']}（budget、executed）"
    return Chart(decl.id, decl.place, title, summary, [("项目", "项目"), ("类别", "类别"), ("金额", f"金额（{unit}）", ".2f"), ("附件", "出处")],
                 rows, source, *draw.paired_bars(rows, title, unit), replaces(report, decl))


def _finding_of(report: Report, fid: str) -> str:
    """A figure → the id of the finding that records a failing relation naming it ("" when none does)."""
    for rel in report.rows.get("relations") or []:
        if rel.get("finding") and fid in REF_ID.findall(f"{rel['left']} {rel['right']}"):
            return rel["finding"]
    return ""


# ---- scores: the parts of a self-assessment score and its total ------------------------------------------------
@kind("scores", params={"resource": "resource", "total": "figure", "title": "text", "summary": "text", "source": "label?"},
      placeholders=("year", "total", "items"))
def scores(report: Report, decl: Decl) -> Chart:
    """Each scored item of the resource (the row of the `total` figure is the total)."""
    unit = unit_of(report, decl["total"])
    parts = [r for r in rows_of(report, decl, "resource") if r.get("figure") != decl["total"]]
    rows = [{"项目": r["item"], "得分": num(r["score"])} for r in parts]
    values = {"year": str(report.meta["year"]), "total": report.written(decl["total"]),
              "items": "、".join(f"{r['item']}{r['score']}{unit}" for r in parts)}
    title, summary = fill(report, decl["title"], values), fill(report, decl["summary"], values)
    return Chart(decl.id, decl.place, title, summary, [("项目", "项目"), ("得分", f"得分（{unit}）")], rows,
                 decl.get("source") or decl["resource"], *draw.bars(rows, title, "项目", "得分", unit, value_format=".1f"),
                 replaces(report, decl))


# ---- indicators: one chart per performance form, actual against expected ---------------------------------------
def _per_form(report: Report, decl: Decl) -> list[Decl]:
    """One declaration per row of `forms` ({n}: its position from 1, {form}: its name) in id and place."""
    out = []
    for n, row in enumerate(rows_of(report, decl, "forms"), 1):
        place = pattern(decl.place, n=n, form=row["form"])
        out.append(replace(decl, id=pattern(decl.id, n=n, form=row["form"], place=place), place=place, form=row))
    return out


def _quantified(report: Report, decl: Decl) -> list[tuple[dict, list[str], list[str]]]:
    """The indicators of the form whose expected and actual values are figures, pair by pair."""
    found = []
    for ind in rows_of(report, decl, "resource"):
        if decl.form is None or ind["form"] != decl.form["form"]:
            continue
        exp, act = REF.findall(ind["expected"] or ""), REF.findall(ind["actual"] or "")
        if exp and len(exp) == len(act):
            found.append((ind, exp, act))
    return found


def _indicator_needs(report: Report, decl: Decl) -> list[Need]:
    return [Need("figure", fid) for _, exp, act in _quantified(report, decl) for fid in exp + act]


@kind("indicators", params={"resource": "resource", "forms": "each", "ceilings": "labels", "source": "label?"},
      more_needs=_indicator_needs, expand=_per_form, expand_names=("n", "form"))
def indicators(report: Report, decl: Decl) -> Chart | None:
    """The quantified indicators of one form: actual as a percentage of expected (a ceiling is met at or below it)."""
    form, ceilings = decl.form["form"], decl["ceilings"]
    rows = []
    for ind, exp, act in _quantified(report, decl):
        for e, a in zip(exp, act):
            ve, va = report.value(e), report.value(a)
            if ve == 0:
                continue
            unit = report.figure(e)["unit"]
            label = ind["level3"] if len(exp) == 1 else report.figure(e)["label"].split(" ", 1)[-1].replace("（预期）", "")
            ceiling = ind["level2"] in ceilings  # spending less than expected meets it
            rows.append({"指标": label, "类型": f"{ind['level2']}（不超过预期即达到）" if ceiling else ind["level2"],
                         "预期": written(report, ind["expected"]) if len(exp) == 1 else f"{ve}{unit}",
                         "实际": written(report, ind["actual"]) if len(exp) == 1 else f"{va}{report.figure(a)['unit']}",
                         "完成比例": num(pct(va, ve)), "达到预期": "是" if (va <= ve if ceiling else va >= ve) else "否"})
    if not rows:
        return None
    short = [r for r in rows if r["达到预期"] == "否"]
    title = (f"{form}的{len(rows)}项量化指标中，{len(rows) - len(short)}项达到预期" if short
             else f"{form}的{len(rows)}项量化指标均达到预期")
    summary = "；".join(f"{r['指标']}：预期{r['预期']}，实际{r['实际']}" for r in rows) + "。完成比例 = 实际 ÷ 预期，由本站计算" + \
        (f"；{'、'.join(ceilings)}不超过预期即为达到。" if ceilings else "。")
    drawn = draw.bars(rows, title, "指标", "完成比例", "完成比例（%）", value_format=".1f")
    source = decl.get("source") or f"{decl['resource']}；figures：" + "、".join(n.name for n in _indicator_needs(report, decl))
    return Chart(decl.id, decl.place, title, summary,
                 [("指标", "指标"), ("类型", "指标类型"), ("预期", "预期指标值"), ("实际", "实际完成指标值"),
                  ("完成比例", "完成比例（%）"), ("达到预期", "达到预期")],
                 rows, source, *drawn, replaces(report, decl))
