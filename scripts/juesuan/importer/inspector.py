"""A written draft folder → findings marked 待核实 for every table check its printed numbers fail, with the source lines quoted.

An inspector's arithmetic on the tables (the format's table and row rules, 类 = Σ款 = Σ项) runs
through the project's own checks; a failure is not "fixed": it becomes a draft finding that a
person confirms or rewrites, so the draft validates and the disagreement is published openly.
"""

from __future__ import annotations

import re
from pathlib import Path

from juesuan import checks
from juesuan.data.loader import load
from juesuan.data.problems import PackageError
from juesuan.importer.crosscheck import quoted

LABEL = re.compile(r"^(?P<resource>[a-z0-9_]+):(?P<line>\d+)\.(?P<field>[a-z0-9_]+)$")


def _source_line(report, resource: str, csv_line: int, field: str) -> int | None:
    """A table cell (resource, CSV line, field) → the source line its number is printed on."""
    starts = report.lines[resource]
    if csv_line not in starts:
        return None
    fid = report.provenance.get((resource, starts.index(csv_line), field))
    fig = report.figures.get(fid) if fid else None
    if fig and fig["status"] == "derived":
        fig = report.figures.get(fig["formula"].split(" ")[0])
    return fig["line"] if fig else None


def findings(folder: Path, first: int = 1) -> list[dict]:
    """A draft package folder → one 待核实 finding per failing table check (ids F<first>…)."""
    try:
        report = load(folder)
    except PackageError:
        return []  # the draft's own problems are reported by make validate
    results, _ = checks.run(report)
    source = report.source_text.read_text(encoding="utf-8").split("\n")
    out = []
    for c in results:
        if not c.failed or c.finding:
            continue
        lines = sorted({n for label in c.values if (m := LABEL.match(label))
                        and (n := _source_line(report, m["resource"], int(m["line"]), m["field"]))})
        if not lines:
            continue
        quote = " ｜ ".join(quoted(source[n - 1]) for n in lines)
        out.append({"id": f"F{first + len(out):02d}", "kind": "待核实", "title": c.title,
                    "description": f"按附表印出的数计算为 {c.computed}，表中所列为 {c.expected}。导入程序不作更正，待人工核实。",
                    "site_shows": "照录附表印出的数值。", "lines": " ".join(str(n) for n in lines), "quote": quote,
                    "check": c.id})
    return out
