"""A Report → problems where the register, the tables, the codes or the findings do not match the source text or each other.

- a stated figure matches the number in its sentence of the source text; a derived figure equals its formula;
- every [[reference]] in a text names a figure;
- every table cell with a value points to a figure of that value;
- the code list is well formed and every code the report writes is listed or quoted by a finding;
- every finding quotes the source word for word.
"""

from __future__ import annotations

from juesuan.checks.model import file_of as _file
from juesuan.data.formula import FormulaError, evaluate
from juesuan.data.loader import REF, Report
from juesuan.data.problems import PackageLacks, Problem
from juesuan.data.source_text import literal_value, read_lines

TEXT_FIELDS = {  # resource → fields whose text may hold [[figure]] references
    "narrative": ("title", "text"),
    "performance_projects": ("goal_expected", "goal_actual"),
    "performance_indicators": ("expected", "actual"),
}
VIEWS = {"work_figures": "value", "organisation": "value", "self_assessment": "score"}  # one row = one figure
CODE_LENGTH_LEVEL = {3: "类", 5: "款", 7: "项"}


def check_figures(report: Report) -> list[Problem]:
    """Stated figures against the source text, derived figures against their formulas."""
    problems = []
    file = _file(report, "figures")
    source = read_lines(report.source_text)
    for i, fig in enumerate(report.rows["figures"]):
        row, fid = report.line("figures", i), fig["id"]

        def bad(code, fld, msg):
            problems.append(Problem(code, file, row, fld, f"figure {fid}: {msg}"))

        if fig["status"] == "stated":
            if fig["formula"]:
                bad("stated-has-formula", "formula", "a stated figure has no formula; mark it derived or clear the formula")
            if fig["line"] is None or fig["offset"] is None or not fig["literal"] or not fig["sentence"]:
                bad("stated-unlocated", "line", "a stated figure needs line, offset, literal and sentence pointing to the source text")
                continue
            if fig["line"] > len(source):
                bad("line-past-end", "line", f"line {fig['line']} is past the end of the source text ({len(source)} lines)")
                continue
            raw = source[fig["line"] - 1]
            at = raw[fig["offset"]: fig["offset"] + len(fig["literal"])]
            if at != fig["literal"]:
                bad("literal-mismatch", "literal", f"source line {fig['line']} has {at!r} at offset {fig['offset']}, not {fig['literal']!r}")
            start = raw.find(fig["sentence"])
            while start != -1 and start + len(fig["sentence"]) <= fig["offset"]:  # a table row may print one cell twice
                start = raw.find(fig["sentence"], start + 1)
            if fig["sentence"] not in raw:
                bad("sentence-not-on-line", "sentence", f"the sentence is not on source line {fig['line']}")
            elif start == -1 or start > fig["offset"]:
                bad("number-outside-sentence", "sentence", "the number is not inside the quoted sentence")
            if fig["unit"] != "科目编码":
                try:
                    written = literal_value(fig["literal"])
                except ValueError as exc:
                    bad("literal-unreadable", "literal", str(exc))
                    continue
                if written != fig["value"] or str(written) != str(fig["value"]):
                    bad("value-differs-from-source", "value", f"value {fig['value']} differs from the source, which says {fig['literal']!r}")
                if fig["unit"] and fig["unit"] not in fig["literal"]:
                    bad("unit-not-as-written", "unit", f"unit {fig['unit']!r} is not how the source writes it ({fig['literal']!r})")
        else:
            if not fig["formula"]:
                bad("derived-no-formula", "formula", "a derived figure needs the formula it is computed by")
                continue
            if fig["line"] is not None or fig["literal"]:
                bad("derived-located", "line", "a derived figure does not point to a sentence; it carries a formula")
            try:
                computed = evaluate(fig["formula"], report.value)
            except (FormulaError, PackageLacks) as exc:
                bad("formula-invalid", "formula", str(exc).strip('"'))
                continue
            if computed != fig["value"]:
                bad("derived-value-mismatch", "value", f"value {fig['value']} but its formula {fig['formula']} gives {computed}")
    return problems


def check_references(report: Report) -> list[Problem]:
    """Every [[id]] in a text field names a figure in the register."""
    problems = []
    for resource, fields in TEXT_FIELDS.items():
        for i, row in enumerate(report.rows[resource]):
            for fld in fields:
                for fid in REF.findall(row[fld] or ""):
                    if fid not in report.figures:
                        problems.append(Problem("unknown-reference", _file(report, resource), report.line(resource, i), fld,
                                                f"reference [[{fid}]] names no figure in figures.csv"))
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
                        problems.append(Problem("cell-empty-with-provenance", *where, f"cell is empty but provenance.csv points it to {fid}"))
                    continue
                if not fid:
                    problems.append(Problem("cell-without-provenance", *where, f"value {value} has no entry in provenance.csv; every value must point to a figure"))
                    continue
                if fid not in report.figures:
                    problems.append(Problem("provenance-unknown-figure", *where, f"provenance points to {fid}, which is not in figures.csv"))
                    continue
                if report.value(fid) != value:
                    problems.append(Problem("cell-differs-from-figure", *where, f"value {value} differs from figure {fid} = {report.value(fid)}"))
    for i, p in enumerate(report.rows["provenance"]):
        if (p["resource"], p["row"], p["field"]) not in seen:
            problems.append(Problem("provenance-no-cell", _file(report, "provenance"), report.line("provenance", i), "field",
                                    f"no numeric cell {p['resource']} row {p['row']} field {p['field']!r}"))
    for name, fld in VIEWS.items():
        for i, row in enumerate(report.rows[name]):
            fid = row["figure"]
            if fid in report.figures and report.value(fid) != row[fld]:
                problems.append(Problem("view-differs-from-figure", _file(report, name), report.line(name, i), fld,
                                        f"value {row[fld]} differs from figure {fid} = {report.value(fid)}"))
    return problems


def check_codes(report: Report) -> list[Problem]:
    """Code list shape, code cells of the tables, and every code the report writes."""
    problems = []
    codes = {c["code"]: c for c in report.rows["codes"]}
    file = _file(report, "codes")
    for i, c in enumerate(report.rows["codes"]):
        if CODE_LENGTH_LEVEL.get(len(c["code"])) != c["level"]:
            problems.append(Problem("code-length-level", file, report.line("codes", i), "level", f"code {c['code']} has {len(c['code'])} digits, so it is not a {c['level']}"))
        if c["parent"] and not c["code"].startswith(c["parent"]):
            problems.append(Problem("code-parent-prefix", file, report.line("codes", i), "parent", f"code {c['code']} does not start with its parent {c['parent']}"))
        if c["level"] != "类" and not c["parent"]:
            problems.append(Problem("code-missing-parent", file, report.line("codes", i), "parent", f"code {c['code']} is a {c['level']} and needs its parent"))
    for res in report.table_resources:
        if not any(f["name"] == "level" for f in res["schema"]["fields"]):
            continue
        for i, row in enumerate(report.rows[res["name"]]):
            if row.get("code") and row["code"] in codes and codes[row["code"]]["level"] != row["level"]:
                problems.append(Problem("code-level-mismatch", _file(report, res["name"]), report.line(res["name"], i), "level",
                                        f"code {row['code']} is a {codes[row['code']]['level']} in codes.csv, not a {row['level']}"))
    quoted = " ".join(f["quote"] for f in report.rows["findings"])
    for i, fig in enumerate(report.rows["figures"]):
        if fig["unit"] == "科目编码" and fig["literal"] not in codes and fig["literal"] not in quoted:
            problems.append(Problem("code-unexplained", _file(report, "figures"), report.line("figures", i), "literal",
                                    f"the report writes code {fig['literal']}, which is neither in codes.csv nor quoted by a finding"))
    return problems


def check_findings(report: Report) -> list[Problem]:
    """Each finding quotes the source word for word, on the lines it names."""
    problems = []
    source = read_lines(report.source_text)
    for i, f in enumerate(report.rows["findings"]):
        lines = [int(n) for n in f["lines"].split()]
        if any(n > len(source) for n in lines):
            problems.append(Problem("finding-line-past-end", _file(report, "findings"), report.line("findings", i), "lines", f"{f['id']}: a line is past the end of the source"))
            continue
        text = "\n".join(source[n - 1] for n in lines)
        for part in f["quote"].rstrip("…").split(" ｜ "):
            if part not in text:
                problems.append(Problem("finding-quote-not-found", _file(report, "findings"), report.line("findings", i), "quote",
                                        f"{f['id']}: quote {part[:30]!r}… is not on source lines {f['lines']}"))
    return problems


