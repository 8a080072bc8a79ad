"""Broken copies of the real package: each fault must be rejected, naming file, line and field."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.mutations import append_record, break_reference, delete, duplicate_record, extra_cell, reencode_gbk, set_cell
from helpers.paths import T01, T03, T05, T09
from juesuan.paths import ROOT
from juesuan.tools.validate import validate

# file:line 第line行 字段 field：Chinese；what to do。 [code: English]
LINE = re.compile(r"^(?P<file>\S+\.csv):(?P<line>\d+) 第(?P=line)行 字段 (?P<field>[^：]+)：(?P<zh>.+?) \[(?P<code>[a-z-]+): (?P<message>.+)\]$")


# ---------------------------------------------------------------------------------- the corpus
# id → (mutation, expected file, expected line, expected field, expected problem code)
FAULTS = {
    "wrong-total-sum": (set_cell(T01, "9", "amount", "260.71"), T01, 10, "amount", "total-mismatch"),
    "wrong-total-provenance": (set_cell(T01, "9", "amount", "260.71"), T01, 10, "amount", "cell-differs-from-figure"),
    "text-in-number": (set_cell(T09, "2", "amount", "abc"), T09, 3, "amount", "type-error"),
    "missing-required-name": (set_cell("codes.csv", "20801", "name", ""), "codes.csv", 9, "name", "constraint-error"),
    "duplicate-code-unique": (duplicate_record("codes.csv", 4), "codes.csv", 6, "code", "unique-error"),
    "duplicate-primary-key": (duplicate_record("codes.csv", 4), "codes.csv", 6, "code", "primary-key"),
    "duplicate-composite-primary-key": (duplicate_record("provenance.csv", 3), "provenance.csv", 5, "resource, row, field", "primary-key"),
    "unknown-code": (set_cell(T03, "5", "code", "2089999"), T03, 6, "code", "foreign-key"),
    "orphan-code-parent": (set_cell("codes.csv", "2080103", "parent", "20899"), "codes.csv", 10, "parent", "foreign-key"),
    "gbk-encoding": (reencode_gbk("narrative.csv"), "narrative.csv", 2, None, "not-utf8"),
    "missing-file": (delete(T05), T05, None, None, "scheme-error"),
    "extra-column": (extra_cell(T09, 2, "9.99"), T09, 3, None, "extra-cell"),
    "stated-value-off-source": (set_cell("figures.csv", "income.total", "value", "260.71"), "figures.csv", 52, "value",
                                "value-differs-from-source"),
    "derived-value-wrong": (set_cell("figures.csv", "total.amount_2020", "value", "291.71"), "figures.csv", 296, "value", "derived-value-mismatch"),
    "new-relation-fails-unrecorded": (
        append_record("relations.csv", ["extra-fail", "p2-s2", "测试", "income.gpb", "income.total + 1", "exact", ""]),
        "relations.csv", 85, "left", "relation-fails-unrecorded"),
    "failing-relation-finding-removed": (set_cell("relations.csv", "pension-per-capita", "finding", ""),
                                         "relations.csv", 56, "left", "relation-fails-unrecorded"),
    "stale-finding": (set_cell("relations.csv", "income-parts", "finding", "F01"), "relations.csv", 2, "finding", "stale-finding"),
    "broken-reference-early": (break_reference("p1-s2-1"), "narrative.csv", 5, "text", "unknown-reference"),
    "broken-reference-after-multiline": (break_reference("p2-s8"), "narrative.csv", 40, "text", "unknown-reference"),
    "text-in-integer-after-multiline": (set_cell("narrative.csv", "p2-s8", "order", "x"), "narrative.csv", 40, "order", "type-error"),
}
# Location defects found when this corpus was written (see the report to scripts/ owner).


_PROBLEMS: dict[str, list] = {}


def _broken(package_copy: Path, fault: str) -> Path:
    FAULTS[fault][0](package_copy)
    return package_copy


def _problems(package_copy: Path, fault: str) -> list:
    """Problems of the copy broken by `fault`; each fault is validated once per run (validation is slow)."""
    if fault not in _PROBLEMS:
        _PROBLEMS[fault] = validate([_broken(package_copy, fault)])
    return _PROBLEMS[fault]


def _in_file(problem, name: str) -> bool:
    return problem.file.endswith(f"/data/{name}") or problem.file == f"data/{name}"


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_rejected_with_code_in_file(package_copy, fault):
    _, name, _, _, code = FAULTS[fault]
    problems = _problems(package_copy, fault)
    assert problems, "the broken copy was accepted"
    assert [p for p in problems if _in_file(p, name) and p.code == code], [(p.code, str(p)) for p in problems]


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_names_file_line_and_field(package_copy, fault):
    _, name, line, field, code = FAULTS[fault]
    where = [(Path(p.file).name, p.row, p.field or None) for p in _problems(package_copy, fault) if p.code == code]
    assert (name, line, field) in where, where


def test_fault_gbk_blames_only_the_reencoded_file(package_copy):
    assert sorted({Path(p.file).name for p in _problems(package_copy, "gbk-encoding")}) == ["narrative.csv"]


def test_fault_formula_code_is_refused_not_run(package_copy, tmp_path):
    marker = tmp_path / "executed"
    set_cell("relations.csv", "income-parts", "left", f"__import__('os').system('touch {marker}')")(package_copy)
    problems = validate([package_copy])
    assert not marker.exists()
    assert [(Path(p.file).name, p.row, p.field) for p in problems
            if p.code == "relation-invalid"] == [("relations.csv", 2, "left")]


@pytest.mark.parametrize("formula", [
    "income.total.__class__.__name__",
    "(income.total).real",
    "open('x')",
    "income.total ** 2",
])
def test_fault_figure_formula_that_is_not_arithmetic_is_refused(package_copy, formula):
    set_cell("figures.csv", "total.amount_2020", "formula", formula)(package_copy)
    where = [(Path(p.file).name, p.row, p.field) for p in validate([package_copy])]
    assert ("figures.csv", 296, "formula") in where, where


def test_fault_validate_cli_exits_1_and_prints_located_lines(package_copy):
    folder = _broken(package_copy, "stale-finding")
    done = subprocess.run([sys.executable, "-m", "juesuan.tools.validate", str(folder)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    located = [m.groupdict() for m in map(LINE.match, done.stdout.splitlines()) if m]
    assert [(Path(d["file"]).name, d["line"], d["field"], d["code"]) for d in located] == [("relations.csv", "2", "finding", "stale-finding")]
    assert located[0]["zh"] == "关系 income-parts 已经成立，却仍指向发现 F01；请删去这个过时的发现编号。"
    assert located[0]["message"] == "relation income-parts holds, but it names finding F01; remove the stale finding"


def test_fault_untouched_copy_is_accepted(package_copy):
    assert validate([package_copy]) == []
