"""Messages a finance clerk can act on: each problem is one line naming file, line and field, saying in Chinese what
is wrong and what to do, then [code: English]; bad data never shows a traceback (make validate, mkdocs build).

Fast: the table of messages, the four cases of issue 13 (a renamed standard row, a NUL, an unclosed quote, an
unsupported field type) as exact lines. Slow: validation and a build over every mutation of
tests/helpers/mutations.py and the hostile inputs of tests/helpers/hostile.py.
"""

from __future__ import annotations

import concurrent.futures
import inspect
import json
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import mutations
from helpers.build import copy_project, mkdocs_build
from helpers.data import package_folder
from helpers.hostile import make_hostile
from helpers.mutations import CORPUS, corpus_mutation, open_quote, set_cell, set_field_type
from helpers.paths import SLUG, T01, T09
from juesuan.data import frictionless_errors, inputs, messages
from juesuan.data.loader import check_folder
from juesuan.data.tables import _CAST
from juesuan.data.problems import CODES, Problem, _frictionless_types
from juesuan.paths import ROOT, display
from juesuan.tools.validate import validate

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# file[:line 第line行][ 字段 X]：Chinese [code: English]
LOCATED = re.compile(r"^(?P<file>\S+?)(?::(?P<line>\d+) 第(?P=line)行)?(?: 字段 (?P<field>[^：]+))?："
                     r"(?P<zh>.+?) \[(?P<code>[a-z0-9-]+): (?P<en>.+)\]$")
RAW_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _copy(tmp_path: Path, mutation=None) -> Path:
    folder = tmp_path / SLUG
    shutil.copytree(package_folder(), folder)
    if mutation:
        mutation(folder)
    return folder


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line)


# ---------------------------------------------------------------------------------- the table of messages
def test_every_code_has_its_chinese_message():
    assert sorted({key.split("|")[0] for key in messages.MESSAGES}) == sorted(CODES)
    plain = [key for key, msg in messages.MESSAGES.items() if not all(CHINESE.search(t) for t in (msg.what, msg.zh, msg.todo))]
    assert plain == []


@pytest.mark.parametrize("code", sorted(CODES))
def test_a_problem_made_with_english_only_still_says_in_chinese_what_is_wrong(code):
    """Modules that give English particulars only (the charts') get the code's general Chinese."""
    line = str(Problem(code, "data/t.csv", 2, "x", "particulars"))
    assert CHINESE.search(line.split("：", 1)[1].split(" [")[0]) and frictionless_errors.LEAD not in line
    assert line.endswith(f" [{code}: particulars]")


@pytest.mark.parametrize("key", sorted(messages.MESSAGES))
def test_every_message_renders_with_its_particulars(key):
    msg = messages.MESSAGES[key]
    names = {name for text in (msg.zh, msg.todo, msg.en) for _, name, _, _ in string.Formatter().parse(text) if name}
    code, _, case = key.partition("|")
    problem = Problem.of(code, "data/t.csv", 2, "x", case or None, **{name: "值" for name in names})  # a particular may be named row
    assert problem.zh.endswith("。") and problem.message and not re.search(r"\{\w*\}", problem.zh + problem.message)


def test_the_line_of_a_problem_chinese_first_then_code_and_english():
    problem = Problem.of("number-not-canonical", "datapackage/x/data/t01.csv", 12, "amount", "fix", cell="１２", kind="number",
                         fix="12", decimals=" and '.' before decimals")
    assert str(problem) == (
        'datapackage/x/data/t01.csv:12 第12行 字段 amount：数值须为规范写法（ASCII 数字、可选 - 和 .），现为 "１２"；请改为 12。 '
        "[number-not-canonical: '１２' is not a plain number: write ASCII digits, an optional leading '-' and '.' before "
        "decimals (no spaces, '+', exponent, leading zeros or full-width digits)]")


def test_a_line_stays_one_line_whatever_the_data_holds():
    problem = Problem.of("number-not-canonical", "data/t.csv", 3, "amount", None, cell="1\n2\x1b[31m", kind="number", decimals="")
    assert "\n" not in str(problem) and not RAW_CONTROL.search(str(problem))
    assert '现为 "1\\x0a2\\x1b[31m"' in str(problem)


@pytest.mark.parametrize("kind", ["type-error", "constraint-error", "missing-cell", "extra-cell", "blank-row", "duplicate-row",
                                  "primary-key", "unique-error", "foreign-key", "encoding-error", "source-error", "scheme-error",
                                  "format-error", "hash-count", "byte-count", "blank-label", "duplicate-label", "missing-label",
                                  "extra-label", "incorrect-label"])
def test_frictionless_errors_that_reach_a_clerk_have_chinese(kind):
    assert kind in _frictionless_types()
    said = frictionless_errors.general(kind)
    assert CHINESE.search(said) and not said.startswith(frictionless_errors.LEAD)


def test_an_untranslated_frictionless_error_keeps_its_english_after_a_chinese_lead():
    line = str(Problem("deviated-value", "data/t.csv", 4, "amount", "Deviated Value: too far"))
    assert line == "data/t.csv:4 第4行 字段 amount：数据包校验出错：请按括号中的说明修改。 [deviated-value: Deviated Value: too far]"


def test_the_field_types_allowed_are_those_the_loader_reads():
    assert sorted(_CAST) == sorted(inputs.FIELD_TYPES)


@pytest.mark.parametrize("cell, kind, fix", [
    ("１２", "number", "12"), ("+260.70", "number", "260.70"), ("2.607e2", "number", "260.7"), ("0260.70", "number", "260.70"),
    ("260.", "number", "260"), (".70", "number", "0.70"), ("٢٦٠", "number", "260"), (" 260.70 ", "number", "260.70"),
    ("０９", "integer", "9"), ("260,70", "number", None), ("NaN", "number", None), ("9.5", "integer", None),
])
def test_a_number_not_in_plain_form_gets_its_plain_form_when_there_is_one(cell, kind, fix):
    assert inputs.plain(cell, kind) == fix


# ---------------------------------------------------------------------------------- the four cases of the issue
def test_a_renamed_standard_row_is_named_on_its_line_in_the_table(tmp_path):
    folder = _copy(tmp_path, set_cell(T01, "4", "item", "上级补助收入款"))
    lines = [str(p) for p in validate([folder]) if p.code == "table-row-missing"]
    assert lines == [
        f"{display(folder / 'data' / T01)}:5 第5行 字段 item：表中没有标准行 \"上级补助收入\"（格式 sichuan-2021 的核对 t01-income "
        "需要它），本行写作 \"上级补助收入款\"；若这就是那一行，请把 item 改回 \"上级补助收入\"；否则请按格式补上这一行。 "
        "[table-row-missing: table check t01-income of format sichuan-2021: no standard row '上级补助收入'; this row reads "
        "'上级补助收入款']"]


def test_a_nul_in_a_cell_is_a_control_character_not_a_pattern_mismatch(tmp_path):
    folder = _copy(tmp_path, set_cell("narrative.csv", "p2-s8", "lines", "40\x00"))
    _, problems = check_folder(folder)
    assert [str(p) for p in problems] == [
        f"{display(folder / 'data' / 'narrative.csv')}:40 第40行 字段 lines：含不可见控制字符 NUL (U+0000)；"
        "请删除它（文字中只允许换行，不允许其他控制字符）。 [control-character: control character U+0000 (NUL) in the cell; remove it]"]


def test_an_unclosed_quote_is_one_line_at_the_line_where_it_opens(tmp_path):
    folder = _copy(tmp_path, open_quote(T09, 3))
    _, problems = check_folder(folder)
    assert [str(p) for p in problems] == [
        f"{display(folder / 'data' / T09)}:3 第3行 字段 project：单元格以英文双引号 \" 开头，但引号没有闭合（一直读到文件末尾）；"
        "请删除这个多余的 \"，或在单元格末尾补上 \"（单元格中的 \" 要写成 \"\"）。 [unclosed-quote: a double quote opens this "
        "cell and is never closed (it runs to the end of the file); remove the stray quote or close it (a quote inside a "
        "cell is written twice)]"]


def test_an_unclosed_quote_closed_by_a_later_cell_names_where_it_stops(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "data" / "codes.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace(",", ',"', 1)  # opens the second cell of line 3
    lines[5] = lines[5].replace(",", ',"x",', 1)  # a quoted cell three lines on: its first quote closes the stray one
    # Every table whose codes are looked up in codes.csv would fail its foreign keys too: not said, it is the same fault.
    path.write_text("\n".join(lines), encoding="utf-8")
    _, problems = check_folder(folder)
    assert [(p.code, p.row, p.field, p.zh.split("；")[0]) for p in problems] == \
        [("unclosed-quote", 3, "scheme", '单元格以英文双引号 " 开头，但引号没有闭合（一直读到第 6 行）')]


def test_an_unsupported_field_type_is_one_located_line_with_the_allowed_types(tmp_path):
    folder = _copy(tmp_path, set_field_type(T09, "amount", "money"))
    descriptor = folder / "datapackage.json"
    _, problems = check_folder(folder)
    index = [r["path"] for r in json.loads(descriptor.read_text(encoding="utf-8"))["resources"]].index(f"data/{T09}")
    line = _line_of(descriptor, '"type": "money"')
    assert [str(p) for p in problems] == [
        f"{display(descriptor)}:{line} 第{line}行 字段 resources[{index}].schema.fields[2].type：资源 t09_gpb_project_expenditure "
        "的字段 amount 类型为 \"money\"，不受支持；请改为以下类型之一：string, number, integer。 [field-type-unsupported: "
        "resource t09_gpb_project_expenditure: field amount has type 'money'; the types are string, number, integer]"]


def test_a_resource_looked_up_but_not_listed_is_named_on_the_foreign_key_line(tmp_path):
    folder = _copy(tmp_path, corpus_mutation("resource-referenced-unlisted"))
    descriptor = folder / "datapackage.json"
    text = descriptor.read_text(encoding="utf-8").split("\n")
    named = _line_of(descriptor, '"name": "performance_indicators"')
    line = next(i for i, x in enumerate(text, 1) if i > named and '"foreignKeys"' in x)
    index = [r["name"] for r in json.loads("\n".join(text))["resources"]].index("performance_indicators")
    _, problems = check_folder(folder)
    assert [str(p) for p in problems] == [
        f"{display(descriptor)}:{line} 第{line}行 字段 resources[{index}].schema.foreignKeys：资源 performance_indicators 的外键"
        "指向资源 performance_projects，但 datapackage.json 中没有这个资源；请在 resources 中登记 performance_projects，或删去这个外键。 "
        '[resource-error: Resource Error: failed to handle a foreign key for resource "performance_indicators" as resource '
        '"performance_projects" does not exist]']


@pytest.mark.parametrize("fault, name", [("resource-unlisted", "provenance"), ("glossary-unlisted", "glossary")])
def test_a_resource_the_site_reads_but_not_listed_is_named_on_the_resources_line(tmp_path, fault, name):
    folder = _copy(tmp_path, corpus_mutation(fault))
    descriptor = folder / "datapackage.json"
    line = _line_of(descriptor, '"resources"')
    assert [str(p) for p in validate([folder])] == [
        f"{display(descriptor)}:{line} 第{line}行 字段 resources：resources 中没有资源 {name}（核对和网站页面都要读它）；"
        f"请登记这个资源和它的 CSV 文件（可参照已有的数据包）。 [package-lacks: the package lacks a resource named '{name}']"]


def test_what_a_check_needs_and_the_package_lacks_is_a_line_not_a_traceback(tmp_path):
    folder = _copy(tmp_path, corpus_mutation("no-report-block"))
    what = "'report' block (unit, unit_id, year, kind, format)"
    assert [str(p) for p in validate([folder])] == [
        f"{display(folder / 'datapackage.json')}：数据包缺少所需内容：{what}；请补上它，再运行 make validate 查看其余问题。 "
        f"[package-lacks: the package lacks {what}]"]


# ---------------------------------------------------------------------------------- the whole corpus, as a clerk runs it
TERMINAL = "\x1b[2J\x1b[31m清屏\r假行\n"  # would clear the screen and fake a line if printed as it is
HOSTILE = {"hostile-markdown": lambda folder: make_hostile(folder), "hostile-terminal": lambda folder: make_hostile(folder, TERMINAL)}
VALID = {"hostile-markdown"}  # text that is only Markdown is valid data (tests/test_trust_inputs.py)


def test_the_corpus_uses_every_mutation_of_the_helpers():
    made_here = {name for name, fn in inspect.getmembers(mutations, inspect.isfunction)
                 if fn.__module__ == mutations.__name__ and not name.startswith("_") and name not in ("edit", "corpus_mutation")}
    assert sorted({function for function, _ in CORPUS.values()}) == sorted(made_here)


def _corpus() -> dict:
    return {**{name: corpus_mutation(name) for name in CORPUS}, **HOSTILE}


def _check_lines(output: str, folder_of) -> dict[str, list[str]]:
    """Printed output → the problem lines of each folder; AssertionError on any line that is no located, Chinese,
    coded problem, or on a raw control character."""
    assert "Traceback" not in output
    assert not RAW_CONTROL.search(output.replace("\n", ""))
    found: dict[str, list[str]] = {}
    for line in output.splitlines():
        m = LOCATED.match(line)
        assert m, f"not a located problem line: {line!r}"
        assert CHINESE.search(m["zh"]), line
        assert m["code"] in CODES or m["code"] in _frictionless_types(), line
        found.setdefault(folder_of(m["file"]), []).append(line)
    return found


@pytest.mark.slow
def test_validate_over_every_mutation_and_hostile_input_prints_located_chinese_lines(tmp_path):
    folders = {}
    for name, mutate in _corpus().items():
        folders[name] = tmp_path / name / SLUG
        shutil.copytree(package_folder(), folders[name])
        mutate(folders[name])
    done = subprocess.run([sys.executable, "-m", "juesuan.tools.validate", *map(str, folders.values())], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    by_folder = _check_lines(done.stdout, lambda file: Path(file).relative_to(tmp_path).parts[0])
    assert sorted(by_folder) == sorted(set(folders) - VALID)


def _build(tmp: Path, name: str, mutate) -> subprocess.CompletedProcess:
    project = copy_project(tmp / name / "project")
    mutate(project / "datapackage" / SLUG)
    return mkdocs_build(tmp / name / "site", project)


@pytest.mark.slow
def test_a_build_over_every_mutation_and_hostile_input_prints_located_chinese_lines(tmp_path):
    """The build stops on each broken copy with a heading, one located line per problem and a closing line: no traceback."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        done = {name: pool.submit(_build, tmp_path, name, mutate) for name, mutate in _corpus().items()}
        done = {name: future.result() for name, future in done.items()}
    assert [name for name, d in done.items() if "Traceback" in d.stdout] == []
    assert sorted(name for name, d in done.items() if d.returncode == 0) == sorted(VALID)
    for name, d in done.items():
        if name in VALID:
            continue
        lines = d.stdout.splitlines()
        [start] = [i for i, x in enumerate(lines) if x.startswith("数据包有 ") or x.startswith("网站需要的内容")]
        end = next(i for i, x in enumerate(lines) if i > start and x.startswith("请"))
        body = "\n".join(lines[start + 1:end])
        assert body and _check_lines(body, lambda file: name), name
