"""A Report → one Check per relation of relations.csv, and problems for unrecorded contradictions and stale findings."""

from __future__ import annotations

from juesuan.checks.model import Check, Status
from juesuan.checks.model import file_of as _file
from juesuan.data.formula import FormulaError, evaluate, names, round_as
from juesuan.data.loader import Report
from juesuan.data.problems import PackageLacks, Problem, why


def check_relations(report: Report) -> tuple[list[Check], list[Problem]]:
    """relations.csv → one Check each; unrecorded contradictions and stale findings are problems."""
    checks, problems = [], []
    file = _file(report, "relations")
    for i, rel in enumerate(report.rows["relations"]):
        side = "left"
        try:
            left = evaluate(rel["left"], report.value)
            side = "right"
            right = evaluate(rel["right"], report.value)
        except (FormulaError, PackageLacks) as exc:
            problems.append(Problem.of("relation-invalid", file, report.line("relations", i), side, id=rel["id"], detail=why(exc)))
            continue
        if rel["rounding"] == "published":
            if names(rel["right"]) != [rel["right"].strip()]:
                problems.append(Problem.of("relation-rounding", file, report.line("relations", i), "rounding", id=rel["id"]))
                continue
            computed = round_as(left, right)
        else:
            computed = left
        ok = computed == right
        values = {fid: report.value(fid) for fid in names(rel["left"]) + names(rel["right"])}
        checks.append(Check(rel["id"], rel["section"], rel["title"], f"{rel['left']} = {rel['right']}",
                            left if rel["rounding"] == "exact" else computed, right,
                            Status.PASS if ok else Status.FAIL, rel["finding"], values))
        if not ok and not rel["finding"]:
            problems.append(Problem.of("relation-fails-unrecorded", file, report.line("relations", i), "left", id=rel["id"],
                                       left=rel["left"], computed=computed, right=rel["right"], expected=right))
        if ok and rel["finding"]:
            problems.append(Problem.of("stale-finding", file, report.line("relations", i), "finding", id=rel["id"],
                                       finding=rel["finding"]))
    return checks, problems


