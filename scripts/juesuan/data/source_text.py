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
SENTENCE_END = "。"
# Qualifiers a report writes around a number: before it (≥95%), after its unit (96%以上), or between (4000余条).
BEFORE = ("≥", "≤", ">", "<", "约", "不少于", "不低于", "不超过", "超过", "近")
AFTER = ("以上", "以下", "以内", "左右")
INSIDE = ("余",)
# Counts written in words (两件, 九个大项, 四万份): digit words and the multipliers a count of a report uses.
CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_WORDS = re.compile(f"[{''.join(CHINESE_DIGITS)}{''.join(CHINESE_UNITS)}]+")


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


def qualifier_of(raw: str, offset: int, literal: str) -> str:
    """A number in its line → the qualifier the report writes with it (≥, 约, 不少于 before; 以上 after; 余 inside), or ''."""
    inside = next((q for q in INSIDE if q in literal), "")
    if inside:
        return inside
    before = raw[:offset]
    found = next((q for q in sorted(BEFORE, key=len, reverse=True) if before.endswith(q)), "")
    if found:
        return found
    after = raw[offset + len(literal):]
    return next((q for q in AFTER if after.startswith(q)), "")


def with_qualifier(text: str, qualifier: str | None) -> str:
    """A number as text and its qualifier → both as the report writes them: "≥95%", "96%以上", "4000余条" (余 is inside)."""
    q = qualifier or ""
    return q + text if q in BEFORE else text + q if q in AFTER else text


def chinese_count(words: str) -> int:
    """A count written in words ("九", "两", "四十三", "十二") → its value; ValueError for anything else."""
    if not words or _WORDS.fullmatch(words) is None:
        raise ValueError(f"{words!r} is not a count written in Chinese numerals")
    total, digit = 0, None
    for ch in words:
        if ch in "零〇" and digit is None and total:  # a placeholder, as in 一百零五
            continue
        if ch in CHINESE_DIGITS:
            if digit is not None:
                raise ValueError(f"{words!r} is not a count written in Chinese numerals (two digits in a row)")
            digit = CHINESE_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * CHINESE_UNITS[ch]
            digit = None
    return total + (digit or 0)


def literal_value(literal: str) -> Decimal:
    """A literal such as "260.70万元", "≥95%" or a count in words such as "两件" → its number as written."""
    m = NUMBER.search(literal)
    if m:
        return Decimal(m.group().replace(",", ""))
    words = _WORDS.match(literal)
    if words:
        return Decimal(chinese_count(words.group()))
    raise ValueError(f"no number in {literal!r}")
