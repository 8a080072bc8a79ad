"""A Report and its format's rules → table checks: declared sums across tables, per-row sums, 类/款/项 subtotals.

The rules are data (formats/<format>.yaml: table_rules, row_rules); a violation
inside the tables is an error that blocks publishing.
"""

from __future__ import annotations

import difflib
from decimal import Decimal

from juesuan.checks.model import Check, Status
from juesuan.data import formats
from juesuan.checks.model import file_of as _file
from juesuan.data.loader import Report
from juesuan.data.problems import PackageLacks, Problem
from juesuan.paths import display


def _resolve(report: Report, ref: str) -> tuple[str, int, str]:
    """'t01|收入:本年收入合计|amount' → (resource name, 0-based row index, field)."""
    alias, key, fld = ref.split("|")
    name = next((r["name"] for r in report.table_resources if r["name"].split("_")[0] == alias), None)
    if name is None:
        raise PackageLacks(display(report.folder / "datapackage.json"), f"table {alias}")
    side, _, label = key.rpartition(":")
    for i, row in enumerate(report.rows[name]):
        if side and row.get("side") != side:
            continue
        if label in (row.get("item"), row.get("name"), row.get("code"), row.get("project")):
            return name, i, fld
    raise PackageLacks(display(report.path_of(name)), f"row {key!r}")


def _sum_check(report: Report, cid: str, group: str, title: str, parts: list[tuple[int, str, int, str]],
               total: tuple[str, int, str]) -> tuple[Check, list[Problem]]:
    """Signed cells and a total cell → a Check (无法核对 when a cell is undisclosed) and its problem."""
    tname, ti, tf = total
    values, acc, missing = {}, Decimal(0), False
    for sign, name, i, fld in parts:
        v = report.rows[name][i][fld]
        label = f"{name}:{report.line(name, i)}.{fld}"
        if v is None:
            missing = True
        else:
            values[label] = v
            acc += sign * v
    expected = report.rows[tname][ti][tf]
    values[f"{tname}:{report.line(tname, ti)}.{tf}"] = expected
    formula = " + ".join(("−" if s < 0 else "") + f"{n}:{report.line(n, i)}.{f}" for s, n, i, f in parts) + f" = {tname}:{report.line(tname, ti)}.{tf}"
    if missing or expected is None:
        return Check(cid, group, title, formula, None, expected, Status.UNCHECKABLE, None, values), []
    ok = acc == expected
    # A disagreement inside the printed tables that a finding records (findings.check, as an imported
    # draft writes them) is published as a finding; any other one blocks publishing.
    finding = _recorded(report).get(cid)
    check = Check(cid, group, title, formula, acc, expected, Status.PASS if ok else Status.FAIL, finding if not ok else None, values)
    problems = []
    if not ok and not finding:
        problems.append(Problem.of("total-mismatch", _file(report, tname), report.line(tname, ti), tf, title=title,
                                   computed=acc, expected=expected))
    if ok and finding:
        line = next((report.line("findings", i) for i, f in enumerate(report.rows["findings"]) if f["id"] == finding), None)
        problems.append(Problem.of("stale-finding", _file(report, "findings"), line, "check", "table", id=cid, finding=finding))
    return check, problems


def _recorded(report: Report) -> dict[str, str]:
    """Table check id → the finding that records its failure (findings with a 'check' column)."""
    return {f["check"]: f["id"] for f in report.rows["findings"] if f.get("check")}


def check_tables(report: Report) -> tuple[list[Check], list[Problem]]:
    """The standard tables: the format's declared sums and per-row sums, and 类/款/项 subtotals."""
    checks, problems = [], []
    if report.meta.get("format") not in formats.available():
        return checks, problems  # reported by check_meta; without a format there are no rules
    fmt = report.format
    row_rules = fmt.get("row_rules") or {}
    skip = set(fmt.get("row_rules_skip_items") or [])

    def add(result):
        checks.append(result[0])
        problems.extend(result[1])

    missing: set[str] = set()
    for rule in fmt.get("table_rules") or []:
        cid, title = rule["id"], rule["title"]
        try:
            resolved = [(-1 if p.startswith("-") else 1, *_resolve(report, p.lstrip("-"))) for p in rule["parts"]]
            tot = _resolve(report, rule["total"])
        except PackageLacks as exc:
            if exc.what.startswith("table "):
                continue  # the package does not have that table at all (an import lists it for review): nothing to check
            for ref in [p.lstrip("-") for p in rule["parts"]] + [rule["total"]]:
                if ref not in missing and _lacks(report, ref):
                    missing.add(ref)  # one problem per missing row, however many checks name it
                    problems.append(_missing_row(report, fmt, cid, ref))
            continue
        add(_sum_check(report, cid, tot[0], title, resolved, tot))
    for res in report.table_resources:
        name = res["name"]
        alias = name.split("_")[0]
        rows = report.rows[name]
        if alias in row_rules:
            rule = row_rules[alias]
            tf, pfs, side = rule["total"], rule["parts"], rule.get("side")
            for i, row in enumerate(rows):
                if row.get(tf) is None or (side and row.get("side") != side) or row.get("item") in skip:
                    continue
                label = row.get("name") or row.get("item")
                add(_sum_check(report, f"{alias}-row{i + 1}", name, f"{res['title']}：{label}的{_title(res, tf)}等于各栏之和",
                               [(1, name, i, f) for f in pfs], (name, i, tf)))
        if any(f["name"] == "level" for f in res["schema"]["fields"]):
            amounts = [f["name"] for f in res["schema"]["fields"] if f["type"] == "number"]
            for i, row in enumerate(rows):
                if row["level"] == "合计":
                    kids = [j for j, r in enumerate(rows) if r["level"] == "类"]
                else:
                    kids = [j for j, r in enumerate(rows) if r["code"] and r["code"] != row["code"]
                            and r["code"].startswith(row["code"]) and len(r["code"]) == len(row["code"]) + 2]
                if not kids:
                    continue
                for fld in amounts:
                    if row[fld] is None:
                        continue
                    add(_sum_check(report, f"{alias}-{row['code'] or 'total'}-{fld}", name,
                                   f"{res['title']}：{row.get('name') or row.get('item')}的{_title(res, fld)}等于下级科目之和",
                                   [(1, name, j, fld) for j in kids], (name, i, fld)))
    return checks, problems


def _lacks(report: Report, ref: str) -> bool:
    try:
        _resolve(report, ref)
    except PackageLacks:
        return True
    return False


LABELS = ("item", "name", "project", "code")  # the fields a rule's row label may be in


def _missing_row(report: Report, fmt: dict, cid: str, ref: str) -> Problem:
    """A rule's row that the table lacks → a problem on the line of the row most like it that no rule names (a
    renamed standard row: 上级补助收入 written 上级补助收入款), or on the file when no row is like it."""
    alias, key, _ = ref.split("|")
    side, _, label = key.rpartition(":")
    name = next(r["name"] for r in report.table_resources if r["name"].split("_")[0] == alias)
    named = {p.lstrip("-").split("|")[1].rpartition(":")[2] for rule in fmt.get("table_rules") or []
             for p in rule["parts"] + [rule["total"]] if p.lstrip("-").split("|")[0] == alias}
    best, score = None, 0.5  # below half alike, a row is another row, not this one renamed
    for i, row in enumerate(report.rows[name]):
        written = next((row[f] for f in LABELS if row.get(f)), None)
        if written is None or (side and row.get("side") != side) or {row.get(f) for f in LABELS} & named:
            continue
        alike = difflib.SequenceMatcher(None, label, written).ratio()
        if alike > score:
            best, score = (i, next(f for f in LABELS if row.get(f)), written), alike
    if best is None:
        return Problem.of("table-row-missing", _file(report, name), None, None, label=label, format=fmt["id"], check=cid)
    i, fld, written = best
    return Problem.of("table-row-missing", _file(report, name), report.line(name, i), fld, "renamed", label=label,
                      format=fmt["id"], check=cid, written=written, name=fld)


def _title(res: dict, fld: str) -> str:
    return next(f["title"] for f in res["schema"]["fields"] if f["name"] == fld)


