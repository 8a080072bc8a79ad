"""A Report → problems where the register, the tables, the codes or the findings do not match the source text or each other.

- a stated figure matches the number in its sentence of the source text; a derived figure equals its formula;
- every [[reference]] in a text names a figure;
- every table cell with a value points to a figure of that value;
- the code list is well formed and every code the report writes is listed or quoted by a finding;
- every finding quotes the source word for word;
- every heading number is on its heading line, as normalised or as written (number_written).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP

from juesuan.checks.model import file_of as _file
from juesuan.data.formula import FormulaError, evaluate
from juesuan.data.loader import REF, Report
from juesuan.data.problems import PackageLacks, Problem, why
from juesuan.data.source_text import ARTEFACT, literal_value, qualifier_of, read_lines

TEXT_FIELDS = {  # resource → fields whose text may hold [[figure]] references
    "narrative": ("title", "text"),
    "performance_projects": ("goal_expected", "goal_actual"),
    "performance_indicators": ("expected", "actual"),
}
VIEWS = {"work_figures": "value", "organisation": "value", "self_assessment": "score"}  # one row = one figure
CODE_LENGTH_LEVEL = {3: "类", 5: "款", 7: "项"}
# A number printed at the start of a heading line: 第一部分, 第3部分, 一、, 10、, （一）, （1）, 1., 附件1.
HEADING_NUMBER = re.compile(r"第[一二三四五六七八九十\d]+部分|[一二三四五六七八九十]+、|\d+[、.．](?!\d)|（[一二三四五六七八九十\d]+）|附件\s*\d+")


def check_figures(report: Report) -> list[Problem]:
    """Stated figures against the source text, derived figures against their formulas."""
    problems = []
    file = _file(report, "figures")
    source = read_lines(report.source_text)
    for i, fig in enumerate(report.rows["figures"]):
        row, fid = report.line("figures", i), fig["id"]

        def bad(code, fld, case=None, **params):
            problems.append(Problem.of(code, file, row, fld, case, fid=fid, **params))

        if fig["status"] == "stated":
            if fig["formula"]:
                bad("stated-has-formula", "formula")
            if fig["line"] is None or fig["offset"] is None or not fig["literal"] or not fig["sentence"]:
                bad("stated-unlocated", "line")
                continue
            if fig["line"] > len(source):
                bad("line-past-end", "line", line=fig["line"], count=len(source))
                continue
            raw = source[fig["line"] - 1]
            at = raw[fig["offset"]: fig["offset"] + len(fig["literal"])]
            if at != fig["literal"]:
                bad("literal-mismatch", "literal", line=fig["line"], at=at, offset=fig["offset"], literal=fig["literal"])
            start = raw.find(fig["sentence"])
            while start != -1 and start + len(fig["sentence"]) <= fig["offset"]:  # a table row may print one cell twice
                start = raw.find(fig["sentence"], start + 1)
            if fig["sentence"] not in raw:
                bad("sentence-not-on-line", "sentence", line=fig["line"])
            elif start == -1 or start > fig["offset"]:
                bad("number-outside-sentence", "sentence")
            if fig["unit"] != "科目编码":
                try:
                    written = literal_value(fig["literal"])
                except ValueError as exc:
                    bad("literal-unreadable", "literal", detail=str(exc))
                    continue
                if written != fig["value"] or str(written) != str(fig["value"]):
                    bad("value-differs-from-source", "value", value=str(fig["value"]), literal=fig["literal"])
                if fig["unit"] and fig["unit"] not in fig["literal"]:
                    header = fig.get("unit_line")  # a table cell's unit is written in its header ("预算执行情况(万元)")
                    if header is None:
                        bad("unit-not-as-written", "unit", unit=fig["unit"], literal=fig["literal"])
                    elif header > len(source) or fig["unit"] not in source[header - 1]:
                        bad("unit-not-as-written", "unit_line", "line", unit=fig["unit"], line=header)
            written_q = qualifier_of(raw, fig["offset"], fig["literal"]) if at == fig["literal"] else fig["qualifier"] or ""
            if written_q != (fig["qualifier"] or ""):
                bad("qualifier-not-as-written", "qualifier", literal=fig["literal"], written=written_q or "无",
                    written_en=written_q or "no qualifier", given=fig["qualifier"] or "无", given_en=fig["qualifier"] or "none")
        else:
            if not fig["formula"]:
                bad("derived-no-formula", "formula")
                continue
            if fig["line"] is not None or fig["literal"]:
                bad("derived-located", "line")
            try:
                computed = evaluate(fig["formula"], report.value)
            except (FormulaError, PackageLacks) as exc:
                bad("formula-invalid", "formula", detail=why(exc))
                continue
            if fig["qualifier"] == "约" and fig["value"].as_tuple().exponent > computed.as_tuple().exponent:
                computed = computed.quantize(fig["value"], rounding=ROUND_HALF_UP)  # rounded on purpose: 约, fewer decimals
            if computed != fig["value"] or str(computed) != str(fig["value"]):
                bad("derived-value-mismatch", "value", None if computed != fig["value"] else "decimals", value=str(fig["value"]),
                    formula=fig["formula"], computed=str(computed))
    return problems


def check_references(report: Report) -> list[Problem]:
    """Every [[id]] in a text field names a figure in the register."""
    problems = []
    for resource, fields in TEXT_FIELDS.items():
        for i, row in enumerate(report.rows[resource]):
            for fld in fields:
                for fid in REF.findall(row[fld] or ""):
                    if fid not in report.figures:
                        problems.append(Problem.of("unknown-reference", _file(report, resource), report.line(resource, i), fld,
                                                   fid=fid))
    return problems


def check_cells(report: Report) -> list[Problem]:
    """Table cells ↔ provenance ↔ figures: each value cell points to one figure of the same value."""
    problems = []
    seen = set()
    resources = [r["name"] for r in report.table_resources] + (["performance_projects"] if report.has("performance_projects") else [])
    for name in resources:
        numeric = [f["name"] for f in report.fields(name) if f["type"] == "number"]
        for i, (row, raw) in enumerate(zip(report.rows[name], report.cells[name])):
            for fld in numeric:
                key = (name, i + 1, fld)
                seen.add(key)
                fid = report.provenance.get(key)
                value = row[fld]
                where = (_file(report, name), report.line(name, i), fld)
                if value is None:
                    if fid:
                        problems.append(Problem.of("cell-empty-with-provenance", *where, fid=fid))
                    continue
                if not fid:
                    problems.append(Problem.of("cell-without-provenance", *where, value=str(value)))
                    continue
                if fid not in report.figures:
                    problems.append(Problem.of("provenance-unknown-figure", *where, fid=fid))
                    continue
                if report.value(fid) != value:
                    problems.append(Problem.of("cell-differs-from-figure", *where, value=str(value), fid=fid, expected=report.value(fid)))
    for i, p in enumerate(report.rows["provenance"]):
        if (p["resource"], p["row"], p["field"]) not in seen:
            problems.append(Problem.of("provenance-no-cell", _file(report, "provenance"), report.line("provenance", i), "field",
                                       resource=p["resource"], record=p["row"], name=p["field"]))
    for name, fld in VIEWS.items():
        for i, row in enumerate(report.rows[name]):
            fid = row["figure"]
            if fid in report.figures and report.value(fid) != row[fld]:
                problems.append(Problem.of("view-differs-from-figure", _file(report, name), report.line(name, i), fld,
                                           value=str(row[fld]), fid=fid, expected=report.value(fid)))
            elif fid in report.figures and "qualifier" in row and (row["qualifier"] or "") != (report.figures[fid]["qualifier"] or ""):
                problems.append(Problem.of("view-differs-from-figure", _file(report, name), report.line(name, i), "qualifier",
                                           "qualifier", fid=fid, given=row["qualifier"] or "无", given_en=row["qualifier"] or "none",
                                           expected=report.figures[fid]["qualifier"] or "无",
                                           expected_en=report.figures[fid]["qualifier"] or "none"))
    return problems


def check_codes(report: Report) -> list[Problem]:
    """Code list shape, code cells of the tables, and every code the report writes."""
    problems = []
    codes = {c["code"]: c for c in report.rows["codes"]}
    file = _file(report, "codes")
    for i, c in enumerate(report.rows["codes"]):
        if CODE_LENGTH_LEVEL.get(len(c["code"])) != c["level"]:
            problems.append(Problem.of("code-length-level", file, report.line("codes", i), "level", code=c["code"], digits=len(c["code"]), level=c["level"]))
        if c["parent"] and not c["code"].startswith(c["parent"]):
            problems.append(Problem.of("code-parent-prefix", file, report.line("codes", i), "parent", code=c["code"], parent=c["parent"]))
        if c["level"] != "类" and not c["parent"]:
            problems.append(Problem.of("code-missing-parent", file, report.line("codes", i), "parent", code=c["code"], level=c["level"]))
    for res in report.table_resources:
        if not any(f["name"] == "level" for f in res["schema"]["fields"]):
            continue
        for i, row in enumerate(report.rows[res["name"]]):
            if row.get("code") and row["code"] in codes and codes[row["code"]]["level"] != row["level"]:
                problems.append(Problem.of("code-level-mismatch", _file(report, res["name"]), report.line(res["name"], i), "level",
                                           code=row["code"], listed=codes[row["code"]]["level"], level=row["level"]))
    quoted = " ".join(f["quote"] for f in report.rows["findings"])
    for i, fig in enumerate(report.rows["figures"]):
        if fig["unit"] == "科目编码" and fig["literal"] not in codes and fig["literal"] not in quoted:
            problems.append(Problem.of("code-unexplained", _file(report, "figures"), report.line("figures", i), "literal",
                                       code=fig["literal"]))
    return problems


def check_findings(report: Report) -> list[Problem]:
    """Each finding quotes the source word for word, on the lines it names."""
    problems = []
    source = read_lines(report.source_text)
    for i, f in enumerate(report.rows["findings"]):
        lines = [int(n) for n in f["lines"].split()]
        if any(n > len(source) for n in lines):
            problems.append(Problem.of("finding-line-past-end", _file(report, "findings"), report.line("findings", i), "lines", id=f["id"]))
            continue
        text = "\n".join(source[n - 1] for n in lines)
        for part in f["quote"].rstrip("…").split(" ｜ "):
            if part not in text:
                problems.append(Problem.of("finding-quote-not-found", _file(report, "findings"), report.line("findings", i), "quote",
                                           id=f["id"], quote=part[:30], lines=f["lines"]))
    return problems




def check_headings(report: Report) -> list[Problem]:
    """Each section's number is on its heading line (the first of its lines): as written, or as normalised when
    number_written gives the report's own spelling (an exported list number such as "1、" for 一、)."""
    problems = []
    source = read_lines(report.source_text)
    for i, sec in enumerate(report.rows["narrative"]):
        first = int(sec["lines"].split()[0])
        if first > len(source):
            continue  # a line past the end is the register's problem to report (finding-line-past-end, line-past-end)
        heading = ARTEFACT.sub("", source[first - 1]).strip()
        written = sec.get("number_written") or sec["number"]
        fld = "number_written" if sec.get("number_written") else "number"
        printed = HEADING_NUMBER.match(heading)  # a heading the report prints without a number keeps the site's ordinal
        if printed and printed.group() != written:
            problems.append(Problem.of("heading-number-not-as-written", _file(report, "narrative"), report.line("narrative", i), fld,
                                       sid=sec["id"], line=first, heading=heading[:12], written=written))
    return problems
