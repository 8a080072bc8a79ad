"""A Report → its charts (Altair specs with a message title, a generated summary and their data), as its format and descriptor declare them.

No value, figure id, section id or resource name of a report is written here: the format file
(`charts:`, `compare:`) and the package's descriptor (`site.charts`, `site.compare`) declare which
charts a report has, where they go and what they read (charts/model.py describes a declaration);
the builders of each kind (charts/amounts.py, charts/forms.py, charts/yearly.py) compose titles
and summaries from the package's numbers. A chart is drawn when the package holds what it needs,
left out when the package holds none of it, and a problem (charts.problems, run by `make
validate`) when it holds only part. Rendering (Vega compilation, static SVG/PNG, CSV) is done by
charts/files.py.
"""

from __future__ import annotations

from juesuan import cache
from juesuan.charts import amounts, breakdown, forms  # noqa: F401  (register the kinds)
from juesuan.charts import draw, notes, stamp, yearly
from juesuan.charts.declared import describe, missing_problems, plan
from juesuan.charts.model import HOME, KINDS, Chart, needs, pct
from juesuan.charts.yearly import compare, compare_rows
from juesuan.data.loader import Report, per_report
from juesuan.data.problems import PackageLacks, Problem

__all__ = ["HOME", "Chart", "charts", "compare", "compare_rows", "draw", "for_place", "notes", "pct", "problems", "table"]


def problems(report: Report) -> list[Problem]:
    """A report → one `chart-needs-missing` problem per thing a chart of its format or descriptor needs and the package lacks
    (while holding the chart's other needs), and per malformed declaration. Empty: charts(report) draws without raising."""
    return missing_problems(report) + yearly.problems(report) + notes.problems(report)


@per_report
@cache.remembered("charts")  # building the Altair charts is the slow part of an unchanged report's pages
def charts(report: Report) -> list[Chart]:
    """Every chart of a report, in reading order (made once per loaded report); PackageLacks if problems(report) is not empty."""
    planned, wrong = plan(report)
    if wrong:
        raise PackageLacks(wrong[0].file, f"well-formed chart declaration ({wrong[0].message}); run `make validate`")
    order = {HOME: -1, **{sid: i for i, sid in enumerate(report.sections)}}
    out = []
    for decl, missing in planned:
        if missing:
            raise PackageLacks(decl.file, f"{describe(report, missing[0])}, which chart {decl.id!r} needs; run `make validate`")
        chart = KINDS[decl.kind].build(report, decl)
        if chart is not None:
            chart.folder = report.slug
            chart.stamp = stamp.lines(report, stamp.page_of(report, chart.place), chart.id)
            chart.notes = notes.for_figures(report, [n.name for n in needs(report, decl) if n.what == "figure"])
            out.append(chart)
    return sorted(out, key=lambda c: order[c.place])  # stable: charts of one section keep their declared order


def table(chart: Chart) -> tuple[list[str], list[list[str]]]:
    """A chart → its data as text, the way the report writes numbers (amounts with two decimals, counts whole)."""
    head = [c[1] for c in chart.columns]
    body = []
    for row in chart.rows:
        cells = []
        for col in chart.columns:
            value, fmt = row[col[0]], (col[2] if len(col) > 2 else "")
            if fmt.startswith("text:"):  # the row's own text for this column (e.g. 标注: 约291.7, as the site writes it)
                cells.append(str(row[fmt.removeprefix("text:")]))
            elif isinstance(value, float) and fmt == ".2f":
                cells.append(f"{value:.2f}")
            elif isinstance(value, float) and (fmt == "d" or value.is_integer()):
                cells.append(f"{value:.0f}" if value.is_integer() else str(value))
            else:
                cells.append(str(value))
        body.append(cells)
    return head, body


def for_place(report: Report, place: str) -> list[Chart]:
    """The charts of a report that go in one section."""
    return [c for c in charts(report) if c.place == place]
