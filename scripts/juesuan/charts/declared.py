"""A Report → its chart declarations (format `charts:` and descriptor `site.charts`), which of them it can draw, and the problems.

A chart is drawn when the package holds everything it needs. When the package holds none of its
figures, resources and tables, the report simply has no such content and the chart is left out
without a word; when it holds some but not all, every missing one is a problem
(`chart-needs-missing`), reported by `make validate`.
"""

from __future__ import annotations

from juesuan.charts.model import KINDS, Decl, Need, format_or_empty, held, needs, parse, table_resource
from juesuan.data.loader import Report
from juesuan.data.problems import Problem
from juesuan.paths import FORMATS, display

CODE = "chart-needs-missing"


def format_of(report: Report) -> tuple[str, dict]:
    """A report → (its format file as displayed, the format), or ("", {}) when it names no known format (check_meta says so)."""
    fmt = format_or_empty(report)
    return (display(FORMATS / f"{report.meta['format']}.yaml"), fmt) if fmt else ("", {})


def descriptor_file(report: Report) -> str:
    return display(report.folder / "datapackage.json")


def declarations(report: Report) -> tuple[list[Decl], list[Problem]]:
    """The format's charts, then the package's own, each per-form one expanded; and what is wrong with any declaration."""
    fmt_file, fmt = format_of(report)
    lists = [(fmt_file, fmt.get("charts"), "charts"), (descriptor_file(report), report.site.get("charts"), "site.charts")]
    decls, problems, seen = [], [], set()
    for file, raws, key in lists:
        if raws is None:
            continue
        if not isinstance(raws, list):
            problems.append(Problem(CODE, file, None, key, f"{key} must be a list of chart declarations"))
            continue
        for raw in raws:
            decl, errors = parse(raw, file)
            name = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else key
            problems += [Problem(CODE, file, None, name, f"chart declaration: {e}") for e in errors]
            if decl is None:
                continue
            k = KINDS[decl.kind]
            for one in (k.expand(report, decl) if k.expand else [decl]):
                if one.id in seen:
                    problems.append(Problem(CODE, file, None, one.id, f"chart {one.id!r} is declared twice; give each chart its own id"))
                    continue
                seen.add(one.id)
                decls.append(one)
    return decls, problems


def content_of(every: list[Need]) -> list[Need]:
    """A chart's needs → those that say whether the report has its content: its figures when it reads any
    (a table it also reads is support: an imported draft has the table but not yet the figures' roles),
    else its resources and tables."""
    deciding = [n for n in every if n.decides]
    figures = [n for n in deciding if n.what == "figure"]
    return figures or deciding


def plan(report: Report) -> tuple[list[tuple[Decl, list[Need]]], list[Problem]]:
    """A report → [(declaration, its missing needs)] for every chart it has content for (drawn when nothing is missing)."""
    decls, problems = declarations(report)
    out = []
    for decl in decls:
        every = needs(report, decl) + [Need("section", decl.place, decides=False)]
        content = content_of(every)
        if content and not any(held(report, n) for n in content):
            continue  # the report has none of this content: no chart, and nothing wrong
        out.append((decl, [n for n in every if not held(report, n)]))
    return out, problems


def describe(report: Report, need: Need) -> str:
    """A need the package lacks → what it is and where it would be."""
    if need.what == "figure":
        return f"figure {need.name!r} (not in the figures register)"
    if need.what == "resource":
        return f"resource {need.name!r} with at least one row"
    if need.what == "table":
        number = (format_or_empty(report).get("tables") or {}).get(need.name, {}).get("number")
        if number is None:
            return f"table {need.name!r}, which the format does not define"
        name = table_resource(report, need.name)
        return f"附表{number} (table {need.name!r}: " + (f"resource {name!r} has no rows)" if name else "no resource with that table_number)")
    return f"section {need.name!r} of the narrative, where it goes"


def missing_problems(report: Report) -> list[Problem]:
    """One problem per need of a chart that the package lacks while it holds the chart's other needs."""
    planned, problems = plan(report)
    for decl, missing in planned:
        held_count = sum(1 for n in content_of(needs(report, decl)) if held(report, n))
        for need in missing:
            if need.what == "section":
                fix = "give the chart the id of a section the narrative has as its place"
            else:
                fix = f"add it to the package, or take the chart out of {'site.charts' if decl.file == descriptor_file(report) else 'charts'}"
            # Named where a clerk fixes it: the register for a figure, the narrative for a section, else the descriptor.
            where = {"figure": "figures", "section": "narrative"}.get(need.what)
            file = display(report.path_of(where)) if where else descriptor_file(report)
            problems.append(Problem(CODE, file, None, None,
                                    f"chart {decl.id!r} ({decl.kind}, declared in {decl.file}) needs {describe(report, need)}, "
                                    f"which the package lacks (it has {held_count} of the other figures, resources and tables "
                                    f"the chart reads, so the report has this content): {fix}"))
    return problems
