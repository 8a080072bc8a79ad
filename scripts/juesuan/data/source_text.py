"""Source report text → the numbers it states, each with its line, offset, literal and sentence.

Used by the figures scaffold (to draft a register for a new report) and by the tests (to prove
that every number the report states is in the register). Heading numbers, conversion artefacts
and calendar expressions (years, months, days, document numbers) are not figures; everything
else made of digits is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# Conversion artefacts of the Word → text export; masked, never read as figures.
ARTEFACT = re.compile(r"\[bookmark: [^\]]*\]|\[image: [^\]]*\]")
# Heading and list numbers at the start of a line: "1、", "（1）", "第3部分", "1.", "附件1".
HEADING = re.compile(r"^\s*(?:\d+、|（\d+）|第\d+部分|\d+\.(?!\d)\s*|附件\d+)")
# Calendar expressions and document numbers: dates are not figures.
CALENDAR = re.compile(
    r"\d{4}年(?:度)?(?:\d{1,2}月(?:\d{1,2}日|底)?)?(?:-\d{4}年\d{1,2}月)?"
    r"|\d{1,2}-\d{1,2}月|\d{1,2}月(?:\d{1,2}日|起)?|〔\d{4}〕\s*\d+\s*号"
)
# Digits with an optional decimal part; thousands separators ("19,044.27", "14,206") belong to the number.
NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# Units as written right after a number, longest first.
UNITS = (
    "元/人.年", "元/人.月", "万元", "万份", "人次", "件次", "批次", "个月",
    "元", "%", "人", "名", "件", "条", "份", "台", "个", "次", "辆", "分", "期", "万",
)
# Qualifiers written right after the unit ("4000余条" is written with 余 before the unit).
SENTENCE_END = "。"


@dataclass(frozen=True)
class Number:
    """One number as the report writes it."""

    line: int  # 1-based line in the source file
    offset: int  # character offset of the literal in that line
    literal: str  # digits plus unit as written, e.g. "260.70万元", "4000余条"
    value: Decimal
    unit: str
    sentence: str  # the sentence around it, a substring of the raw line


def read_lines(path: Path) -> list[str]:
    """Source file → its lines (UTF-8, newline stripped)."""
    return path.read_text(encoding="utf-8").split("\n")


def _mask(line: str) -> str:
    """Raw line → same-length line with artefacts, heading numbers and dates blanked."""
    masked = ARTEFACT.sub(lambda m: " " * len(m.group()), line)
    head = HEADING.match(masked)
    if head:
        masked = " " * head.end() + masked[head.end():]
    return CALENDAR.sub(lambda m: " " * len(m.group()), masked)


def sentence_at(line: str, offset: int) -> str:
    """Raw line and an offset → the sentence (ending in 。) that holds the offset, without artefacts before it."""
    start = line.rfind(SENTENCE_END, 0, offset) + 1
    end = line.find(SENTENCE_END, offset)
    end = len(line) if end == -1 else end + 1
    # Skip leading artefact tags and spaces so the quote starts at the first word.
    while True:
        m = ARTEFACT.match(line, start)
        if m:
            start = m.end()
        elif start < end and line[start] in " \t":
            start += 1
        else:
            break
    return line[start:end]


def numbers(path: Path) -> list[Number]:
    """Source file → every number it states, in reading order."""
    return numbers_in(read_lines(path))


def numbers_in(lines: list[str], only: set[int] | None = None) -> list[Number]:
    """Lines of a source text (and optionally the 1-based line numbers to read) → every number they state."""
    found = []
    for lineno, raw in enumerate(lines, 1):
        if only is not None and lineno not in only:
            continue
        masked = _mask(raw)
        for m in NUMBER.finditer(masked):
            rest = masked[m.end():]
            extra = "余" if rest.startswith("余") else ""
            rest = rest[len(extra):].lstrip(" ")
            unit = next((u for u in UNITS if rest.startswith(u)), "")
            gap = masked[m.end():].find(unit) if unit else 0
            literal = raw[m.start():m.end() + gap + len(unit)] if unit else m.group()
            found.append(
                Number(lineno, m.start(), literal, Decimal(m.group().replace(",", "")), unit, sentence_at(raw, m.start()))
            )
    return found


def literal_value(literal: str) -> Decimal:
    """A literal such as "260.70万元" or "≥95%" → its number as written."""
    m = NUMBER.search(literal)
    if not m:
        raise ValueError(f"no number in {literal!r}")
    return Decimal(m.group().replace(",", ""))
