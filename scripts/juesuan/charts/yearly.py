"""A unit's reports (two or more years) → the rows and charts of its year-on-year page, as the newest report's format and descriptor declare them.

Format `compare:` and descriptor `site.compare` (the unit's own figures, listed after the
format's) hold `figures` (the rows: {figure, label}) and the format's `charts` (kind `years`:
`figures` side by side for every year, the title stating the change of `lead`).
"""

from __future__ import annotations

from juesuan.charts import draw, stamp
from juesuan.charts.declared import CODE, format_of
from juesuan.charts.model import Chart, label_of, num, unit_of
from juesuan.data.loader import Report
from juesuan.data.problems import Problem

PLACE = "compare"  # the unit's comparison page


def _rows_declared(report: Report) -> list[dict]:
    """The compared figures: the format's, then the package's own, each {figure, label}."""
    found = []
    for block in (format_of(report)[1].get("compare"), report.site.get("compare")):
        for item in (block or {}).get("figures") or []:
            found.append({"figure": item} if isinstance(item, str) else item)
    return found


def _charts_declared(report: Report) -> tuple[list[dict], list[Problem]]:
    """The format's comparison charts, checked: [{id, figures: [{figure, label?}], lead}] and what is wrong."""
    file, fmt = format_of(report)
    out, problems = [], []
    for raw in (fmt.get("compare") or {}).get("charts") or []:
        figs = [{"figure": f} if isinstance(f, str) else f for f in (raw.get("figures") or [])] if isinstance(raw, dict) else []
        if (not isinstance(raw, dict) or raw.get("kind") != "years" or not isinstance(raw.get("id"), str) or not figs
                or not all(isinstance(f, dict) and isinstance(f.get("figure"), str) for f in figs)):
            problems.append(Problem(CODE, file, None, "compare.charts",
                                    f"comparison chart {raw!r}: needs an id, kind: years and a list of figures"))
            continue
        out.append({"id": raw["id"], "figures": figs, "lead": raw.get("lead") or figs[0]["figure"]})
    return out, problems


def _needs(chart: dict) -> list[str]:
    return list(dict.fromkeys([f["figure"] for f in chart["figures"]] + [chart["lead"]]))


def problems(report: Report) -> list[Problem]:
    """A comparison chart whose figures this report holds only in part → one problem per missing figure."""
    declared, found = _charts_declared(report)
    file = format_of(report)[0]
    for chart in declared:
        fids = _needs(chart)
        missing = [f for f in fids if f not in report.figures]
        if len(missing) < len(fids):
            found += [Problem(CODE, file, None, chart["id"],
                              f"comparison chart {chart['id']!r} needs figure {fid!r} (not in the figures register), which the "
                              f"package lacks while it holds the chart's other figures: add it to the package, or take the "
                              f"chart out of compare.charts") for fid in missing]
    return found


def compare_rows(unit_reports: list[Report]) -> list[dict]:
    """A unit's reports → one row per compared figure: label, unit and the value of each year (None if absent)."""
    ordered = sorted(unit_reports, key=lambda r: r.meta["year"])
    latest = ordered[-1]
    rows = []
    for item in _rows_declared(latest):
        fid = item["figure"]
        if fid not in latest.figures:
            continue
        row = {"id": fid, "label": label_of(latest, item), "unit": latest.figure(fid)["unit"], "values": {}}
        for r in ordered:
            row["values"][r.meta["year"]] = r.value(fid) if fid in r.figures else None
        rows.append(row)
    return rows


_MADE: dict[tuple[int, ...], tuple[tuple[Report, ...], list[Chart]]] = {}


def compare(unit_reports: list[Report]) -> list[Chart]:
    """A unit's reports → the year-on-year charts of its comparison page (those whose figures every year holds).

    Made once per set of loaded reports, like charts(report): the build sets each chart's file
    sizes, and the page that shows the chart gets the same objects.
    """
    key = tuple(sorted(id(r) for r in unit_reports))
    if key not in _MADE:  # the reports are kept with their charts, so their ids are not reused
        _MADE[key] = (tuple(unit_reports), _compare(unit_reports))
    return _MADE[key][1]


def _compare(unit_reports: list[Report]) -> list[Chart]:
    ordered = sorted(unit_reports, key=lambda r: r.meta["year"])
    latest = ordered[-1]
    out = []
    for chart in _charts_declared(latest)[0]:
        if all(f in r.figures for r in ordered for f in _needs(chart)):
            made = _years(ordered, chart)
            made.stamp = stamp.unit_lines(ordered, made.id)
            out.append(made)
    return out


def _years(ordered: list[Report], chart: dict) -> Chart:
    """Every year, the declared figures side by side; the title says how `lead` moved from the first year to the last."""
    first, last = ordered[0], ordered[-1]
    figs, lead = chart["figures"], chart["lead"]
    names = [label_of(last, f) for f in figs]
    unit = unit_of(last, lead)
    data = []
    for r in ordered:
        for f, name in zip(figs, names):
            data.append({"年度": f"{r.meta['year']}年", "项目": name, "金额": num(r.value(f["figure"]))})
    a, b = first.value(lead), last.value(lead)
    direction = "增加" if b > a else ("减少" if b < a else "持平")
    lead_name = next((n for f, n in zip(figs, names) if f["figure"] == lead), None) or label_of(last, {"figure": lead})
    title = f"{first.meta['year']}–{last.meta['year']}年{lead_name}{direction}" + (f"{abs(b - a)}{unit}" if b != a else "")
    summary = "；".join(f"{r.meta['year']}年" + "，".join(f"{name}{r.written(f['figure'])}" for f, name in zip(figs, names))
                       for r in ordered) + "。"
    source = f"各年度数据包 figures：{'、'.join(f['figure'] for f in figs)}（{last.meta['unit']}）"
    return Chart(chart["id"], PLACE, title, summary, [("年度", "年度"), ("项目", "项目"), ("金额", f"金额（{unit}）", ".2f")], data,
                 source, *draw.years_side_by_side(data, title, unit, names), folder=last.meta["unit_id"])

