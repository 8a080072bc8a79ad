"""Positioned characters (pdfplumber char dicts) → visual lines and cell texts.

One rule for page lines and for table cells, so that a cell's text is a substring of the line it
is printed on: characters of one line are ordered left to right; whitespace characters and gaps
wider than a quarter of the font size become one space; a cell printed on several lines is joined
without a space when either side of the break is a CJK character ("事业单位" + "经营收入"), with
one space otherwise ("Total" + "amount").
"""

from __future__ import annotations

from typing import Iterable, Sequence

Char = dict  # a pdfplumber character: text, x0, x1, top, bottom, size, ...

GAP = 0.25  # a gap wider than this many font sizes separates two words


def is_cjk(ch: str) -> bool:
    """One character → whether it is Han, CJK punctuation or a full-width form."""
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, CJK punctuation, kana, unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= code <= 0xFE4F  # CJK compatibility forms
        or 0xFF00 <= code <= 0xFFEF  # full-width and half-width forms
        or 0x20000 <= code <= 0x3FFFF  # extension ideographs
    )


def _middle(char: Char) -> float:
    return (char["top"] + char["bottom"]) / 2


def group_lines(chars: Iterable[Char]) -> list[list[Char]]:
    """Characters → visual lines, top to bottom, each left to right.

    A character joins a line when its vertical middle lies within the vertical extent of the
    line's first character, so that a row of table cells stays one line while lines of a
    paragraph, 12 points apart, stay apart.
    """
    lines: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        for line in reversed(lines[-3:]):
            first = line[0]
            if first["top"] <= _middle(char) <= first["bottom"]:
                line.append(char)
                break
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def join_line(chars: Sequence[Char]) -> str:
    """Characters of one visual line, left to right → its text with single spaces between words."""
    out: list[str] = []
    space = False
    last = None
    for char in chars:
        text = char["text"]
        if not text or text.isspace():
            space = True
            continue
        if last is not None:
            gap = char["x0"] - last["x1"]
            if space or gap > GAP * min(char.get("size") or 12, last.get("size") or 12):
                out.append(" ")
        out.append(text)
        space = False
        last = char
    return "".join(out)


def join_wrapped(parts: Iterable[str]) -> str:
    """Texts of the lines of one wrapped cell → one text, spaces only where no CJK side meets."""
    text = ""
    for part in parts:
        if not part:
            continue
        if text and not (is_cjk(text[-1]) or is_cjk(part[0])):
            text += " "
        text += part
    return text


def inside(char: Char, bbox: Sequence[float]) -> bool:
    """Character and (x0, top, x1, bottom) → whether the character's centre lies in the box."""
    x = (char["x0"] + char["x1"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= _middle(char) < bbox[3]


def cell_text(chars: Iterable[Char]) -> str:
    """Characters inside one table cell → the cell's printed text."""
    return join_wrapped(join_line(line) for line in group_lines(chars))
