"""A report and a declaration of groups and their parts → a Chart (kind breakdown): on what the money was spent.

The groups split a total (e.g. 基本支出 and 项目支出 of the 一般公共预算财政拨款支出); each
group's parts are declared figures (e.g. 人员经费, 公用经费) or the rows of a table (e.g. one
part per project of 附表九, each read through its cell's figure in provenance.csv). One bar per
part, coloured by its group; shares of the total are worked out by the site from the amounts.
"""

from __future__ import annotations

from juesuan.charts import draw
from juesuan.charts.amounts import figures_source, replaces, year
from juesuan.charts.model import Chart, Decl, Need, fill, items, kind, label_of, num, pct, rows_of, table_resource, unit_of
from juesuan.data.loader import Report
from juesuan.data.problems import PackageLacks


def _table_parts(report: Report, decl: Decl) -> list[dict]:
    """The parts the table gives: {figure, label, group} for each row not named in `table_skip`, whose cell has a figure."""
    if not decl.get("table"):
        return []
    lacking = [k for k in ("table_label", "table_value", "table_group") if not decl.get(k)]
    if lacking:  # the declaration is the format's or descriptor's: say which of its keys to add
        raise PackageLacks(decl.file, f"{', '.join(lacking)} in chart {decl.id!r} (its parts come from table {decl['table']!r})")
    name, skip = table_resource(report, decl["table"]), set(decl.get("table_skip") or [])
    out = []
    for row in rows_of(report, decl, "table"):
        fid = report.provenance.get((name, row["row"], decl["table_value"]))
        if row[decl["table_label"]] not in skip and fid:
            out.append({"figure": fid, "label": row[decl["table_label"]], "group": decl["table_group"]})
    return out


def _parts(report: Report, decl: Decl) -> list[dict]:
    return items(decl, "parts") + _table_parts(report, decl)


@kind("breakdown",
      params={"total": "figure", "groups": "figures", "parts": "figures", "table": "table-lookup?", "table_label": "label?",
              "table_value": "label?", "table_group": "label?", "table_skip": "labels?", "title": "text", "summary": "text",
              "source": "label?"},
      placeholders=("year", "total", "groups", "top_group", "top_group_share", "top_part", "top_part_value", "top_part_share"),
      # the table's rows only add parts: the figures decide whether the report has this content (a draft with the
      # tables but without the named figures has no such chart, rather than half of one)
      more_needs=lambda report, decl: [Need("figure", p["figure"], decides=False) for p in _table_parts(report, decl)])
def breakdown(report: Report, decl: Decl) -> Chart | None:
    """Every part of every group of a total, as bars coloured by group; the summary names each group and its parts."""
    total, groups, parts = report.value(decl["total"]), items(decl, "groups"), _parts(report, decl)
    if total == 0:
        return None  # nothing was spent: nothing to break down
    unit = unit_of(report, decl["total"])
    names = [label_of(report, g) for g in groups]

    def share(fid: str) -> str:
        return f"{pct(report.value(fid), total)}%"

    rows = [{"支出": label_of(report, p), "类别": p.get("group", ""), "金额": num(report.value(p["figure"])), "占比": share(p["figure"])}
            for p in parts]
    described = []
    for g, name in zip(groups, names):
        mine = [p for p in parts if p.get("group") == name]
        listed = "、".join(f"{label_of(report, p)}{report.written(p['figure'])}" for p in mine)
        described.append(f"{name}{report.written(g['figure'])}（约占{share(g['figure'])}）" + (f"，其中{listed}" if listed else ""))
    top_group = max(groups, key=lambda g: report.value(g["figure"]))
    top_part = max(parts, key=lambda p: report.value(p["figure"])) if parts else top_group
    values = {"year": year(report), "total": report.written(decl["total"]), "groups": "；".join(described),
              "top_group": label_of(report, top_group), "top_group_share": share(top_group["figure"]),
              "top_part": label_of(report, top_part), "top_part_value": report.written(top_part["figure"]),
              "top_part_share": share(top_part["figure"])}
    title, summary = fill(report, decl["title"], values), fill(report, decl["summary"], values)
    source = decl.get("source") or figures_source([decl["total"]] + [g["figure"] for g in groups] + [p["figure"] for p in parts])
    return Chart(decl.id, decl.place, title, summary,
                 [("支出", "支出"), ("类别", "类别"), ("金额", f"金额（{unit}）", ".2f"), ("占比", "占总额比例（本站计算）")], rows, source,
                 *draw.bars(rows, title, "支出", "金额", unit, color="类别", color_title="类别"), replaces(report, decl))
