"""No amount, count or percentage is typed into the site's Markdown sources or page templates:
every figure a page shows comes from the data package (through the macros and the register).

Jinja expressions, statements and comments are removed first (their numbers are code, not text),
keeping line numbers, so a hit is reported as file:line.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from helpers.data import all_reports
from helpers.paths import ROOT

DOCS = ROOT / "docs"
TEMPLATES = ROOT / "templates"

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
BASE_UNITS = ["万元", "亿元", "元", "%", "％", "人次", "人", "份", "件", "台", "条", "个", "次", "辆"]


def _units() -> list[str]:
    """The units above plus every unit the reports' figure registers use, longest first."""
    found = set(BASE_UNITS)
    for report in all_reports():
        found |= {f["unit"] for f in report.figures.values() if f["unit"] and f["unit"] != "科目编码"}
    return sorted(found, key=lambda u: (-len(u), u))


@functools.cache
def typed() -> re.Pattern:
    """A number followed by one of the units: a figure typed into the text (made at first use, from the reports)."""
    return re.compile(r"(?<![\d.A-Za-z_])\d+(?:[.,]\d+)*(?:\.\d+)?\s*(?:" + "|".join(map(re.escape, _units())) + ")")


def strip_jinja(text: str) -> str:
    """Template text → the same text with {{ … }}, {% … %} and {# … #} blanked out (newlines kept)."""
    return JINJA.sub(lambda m: " " + "\n" * m.group().count("\n"), text)


def scan(path: Path) -> list[str]:
    """One file → 'file:line: match' for every typed figure in it."""
    text = strip_jinja(path.read_text(encoding="utf-8"))
    hits = []
    for n, line in enumerate(text.splitlines(), 1):
        for m in typed().finditer(line):
            hits.append(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{n}: {m.group()!r}")
    return hits


def sources() -> list[Path]:
    """The Markdown sources under docs/ and every template under templates/."""
    return sorted(DOCS.rglob("*.md")) + sorted(p for p in TEMPLATES.rglob("*") if p.is_file())


def test_sources_exist():
    files = sources()
    assert DOCS / "index.md" in files and DOCS / "about.md" in files
    assert TEMPLATES / "pages" / "table.md.j2" in files
    assert len(files) >= 12


def test_no_figure_is_typed_into_docs_or_templates():
    hits = [h for path in sources() for h in scan(path)]
    assert hits == [], "figures typed into the sources (take them from the package instead):\n" + "\n".join(hits)


def test_scanner_catches_a_planted_figure(tmp_path):
    """The scanner finds typed figures (so the test above can fail), ignores Jinja and non-figures."""
    planted = tmp_path / "planted.md.j2"
    planted.write_text(
        "# 标题\n"
        "{% for x in rows %}\n"
        "{{ x.amount }}万元 and {{ report.value('total.amount') }}%{# 99万元 in a comment #}\n"
        "{% endfor %}\n"
        "2021年度收入合计260.70万元，下降10.63%。\n"  # line 5: two typed figures
        "{% set note = '12 人' %}\n"  # inside a statement: code, not text
        "{{ '''a\nmultiline 5万元\nexpression''' }}\n"  # lines 7-9: inside an expression
        "共有车辆 3 辆，发放 1,234 份，H5元素，v2次。\n"  # line 10: two typed figures; H5元 and v2次 are not figures
        "2021年 第三部分 十五张附表\n",  # years and Chinese numerals are not figures
        encoding="utf-8",
    )
    assert scan(planted) == [
        f"{planted}:5: '260.70万元'",
        f"{planted}:5: '10.63%'",
        f"{planted}:10: '3 辆'",
        f"{planted}:10: '1,234 份'",
    ]


def test_strip_jinja_keeps_line_numbers():
    text = "a\n{% if x\n  and y %}\nb {{ c\n}} d\n{# e\n#}f"
    stripped = strip_jinja(text)
    assert stripped.count("\n") == text.count("\n")
    assert stripped.splitlines() == ["a", " ", "", "b  ", " d", " ", "f"]
