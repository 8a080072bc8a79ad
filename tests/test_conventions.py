"""Conventions of the code tree: no report's ids in code or templates, one-line docstrings, short modules, known problem codes."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import pytest

from juesuan.data import formats
from juesuan.data.problems import CODES, Problem
from juesuan.paths import FORMATS, ROOT



def code_files() -> list[Path]:
    return sorted((ROOT / "scripts").rglob("*.py")) + sorted((ROOT / "hooks").glob("*.py"))


def code_and_templates() -> list[Path]:
    return code_files() + sorted((ROOT / "templates").rglob("*.j2"))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _column(path: Path, name: str) -> set[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {row[name] for row in csv.DictReader(f) if row[name]}


def _report_words() -> dict[str, set[str]]:
    """Every package's figure ids, section ids and unit names: what no code or template may name."""
    import json

    words: dict[str, set[str]] = {}
    for folder in sorted(p.parent for p in (ROOT / "datapackage").glob("*/datapackage.json")):
        meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["report"]
        found = _column(folder / "data" / "figures.csv", "id") | _column(folder / "data" / "narrative.csv", "id")
        found |= {meta["unit"], meta.get("unit_short", meta["unit"]), meta["unit_id"], folder.name}
        words[folder.name] = found
    return words


@pytest.mark.params_from("path", code_and_templates, ids=_rel)
def test_no_report_specific_id_in_code_or_templates(path):
    text = path.read_text(encoding="utf-8")
    named = []
    for slug, words in _report_words().items():
        for word in words:
            # a whole token: "p1" must not match inside "p10" or "sp1"
            if re.search(rf"(?<![\w.\-]){re.escape(word)}(?![\w\-]|\.\w)", text):
                named.append(f"{slug}: {word}")
    assert named == []


@pytest.mark.params_from("path", code_files, ids=_rel)
def test_module_opens_with_a_docstring_of_purpose(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and len(doc.splitlines()[0]) >= 20, "the module needs a first line saying what it is for"


@pytest.mark.params_from("path", code_files, ids=_rel)
def test_module_is_at_most_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_every_problem_code_is_raised_somewhere_and_every_raised_one_is_registered():
    literals, raised = set(), set()
    for path in code_files():
        if path.name == "problems.py":
            continue
        text = path.read_text(encoding="utf-8")
        literals |= set(re.findall(r'"([a-z0-9]+(?:-[a-z0-9]+)+)"', text))
        raised |= set(re.findall(r'(?:Problem|bad)\(\s*"([a-z0-9-]+)"', text))
    assert sorted(raised - set(CODES)) == []
    assert sorted(set(CODES) - literals) == []  # no registered code that nothing raises


def test_problem_refuses_an_unknown_code():
    with pytest.raises(ValueError, match="unknown problem code 'no-such-code'"):
        Problem("no-such-code", "f.csv", 1, None, "x")


def test_problem_accepts_a_frictionless_error_type():
    assert str(Problem("type-error", "data/t.csv", 3, "amount", "Type Error")) == \
        "data/t.csv:3 第3行 字段 amount：单元格的值与字段类型不符；请按字段类型填写（数字只写 ASCII 数字，可带 - 和小数点 .）。 [type-error: Type Error]"


@pytest.mark.params_from("format_id", formats.available)
def test_format_file_names_itself_and_has_its_parts(format_id):
    fmt = formats.load(format_id)
    assert fmt["id"] == format_id
    assert (FORMATS / f"{format_id}.yaml").is_file()
    assert set(fmt) >= {"id", "title", "amount_unit", "parts", "tables"}


def test_unknown_format_is_refused_with_the_list_of_formats():
    with pytest.raises(formats.UnknownFormat, match="no format 'nope'; the formats are: " + ", ".join(formats.available())):
        formats.load("nope")


def _modules() -> list[str]:
    return sorted(".".join(p.relative_to(ROOT / "scripts").with_suffix("").parts).removesuffix(".__init__")
                  for p in (ROOT / "scripts" / "juesuan").rglob("*.py") if p.name != "__main__.py")


@pytest.mark.params_from("module", _modules)
def test_every_module_imports(module):
    """A module no test imports (a tool, the benchmark) still imports: a moved name breaks here, not in use."""
    import importlib

    importlib.import_module(module)
