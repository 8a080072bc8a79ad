"""A report's ids (figures, table cells, resources) in a formula or a data source → the Chinese words a reader understands.

Pages show formulas and sources in words taken from the package itself (each figure's 含义, each
resource's and field's title, each table row's label); the ids stay available to those who need
them, but only beside the words (render.py prints them muted). Nothing here is HTML: callers escape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from juesuan.data.loader import Report

# A table cell as the checks name it ("t01_x:12.amount": resource, file line, field), or a figure id.
TERM = re.compile(r"(?P<cell>[a-z][a-z0-9_]*:\d+\.[a-z0-9_]+)|(?P<fig>[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)")
# Operators as a reader writes them (the ids' * and / are a programmer's).
OPERATORS = {"*": "×", "/": "÷", "-": "−"}
# A resource named in a data source: "resource", "resource：id pattern、…" or "resource（field、field）".
SOURCE_REF = re.compile(r"(?<![A-Za-z0-9_.])(?P<res>[a-z][a-z0-9_]*)(?:[：:](?P<ids>[A-Za-z0-9_.*]+(?:、[A-Za-z0-9_.*]+)*)"
                        r"|（(?P<fields>[a-z0-9_]+(?:、[a-z0-9_]+)*)）)?(?![A-Za-z0-9_])")


def figure(report: Report, fid: str) -> str:
    """A figure id → its 含义 (label) in the register; the id itself when the register lacks it."""
    fig = report.figures.get(fid)
    return fig["label"] if fig else fid


def resource(report: Report, name: str) -> str:
    """A resource name → its title ("附表六 一般公共预算财政拨款支出决算表", "数字登记表")."""
    return report.resource(name).get("title") or name if report.has(name) else name


def cell(report: Report, ref: str) -> str:
    """A table cell "resource:line.field" → 附表一“本年收入合计”金额 (table, row label, column title)."""
    name, _, rest = ref.partition(":")
    line, _, field = rest.partition(".")
    if not report.has(name):
        return ref
    res = report.resource(name)
    table = (res.get("title") or name).split(" ")[0]
    titles = {f["name"]: f.get("title") or f["name"] for f in report.fields(name)}
    lines = report.lines.get(name, [])
    row = next((report.rows[name][i] for i in range(len(report.rows[name])) if i + 1 < len(lines) and lines[i + 1] == int(line)), None)
    label = (row.get("name") or row.get("item") or row.get("project") or "") if row else ""
    return f"{table}“{label}”{titles.get(field, field)}" if label else f"{table}第{line}行{titles.get(field, field)}"


def formula(report: Report, text: str) -> str:
    """A formula over figure ids or table cells → the same formula in words, with × ÷ −."""
    out, last = [], 0
    for m in TERM.finditer(text):
        out.append(_operators(text[last:m.start()]))
        out.append(cell(report, m.group()) if m.group("cell") else figure(report, m.group()))
        last = m.end()
    out.append(_operators(text[last:]))
    return "".join(out)


def _operators(text: str) -> str:
    return "".join(OPERATORS.get(ch, ch) for ch in text)


@dataclass(frozen=True)
class SourcePart:
    """One stretch of a data source: its words and the ids behind them ("" for text written as words)."""

    words: str
    ids: str


def source(report: Report, text: str) -> list[SourcePart]:
    """A data source ("figures：gpb.c*；t06_gpb_expenditure") → its stretches in words (数字登记表, 附表六 …),
    each resource with the ids it stands for; the text around them is kept as it is written."""
    parts, last = [], 0
    for m in SOURCE_REF.finditer(text or ""):
        if not report.has(m["res"]):
            continue
        if m.start() > last:
            parts.append(SourcePart(text[last:m.start()], ""))
        words = resource(report, m["res"])
        if m["fields"]:
            titles = {f["name"]: f.get("title") or f["name"] for f in report.fields(m["res"])}
            words += "（" + "、".join(titles.get(n, n) for n in m["fields"].split("、")) + "）"
        parts.append(SourcePart(words, m.group()))
        last = m.end()
    if last < len(text or ""):
        parts.append(SourcePart(text[last:], ""))
    return parts
