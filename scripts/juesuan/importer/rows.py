"""Body rows of a table (printed cells and their line) + ColumnMap → ParsedRow values, levels and cell positions.

A row of a side-by-side table gives one ParsedRow per panel that prints something. Codes printed
in 类/款/项 columns are joined ("204", "06", "01" → "2040601"; a blank 类 before a printed 款 is the
class of the row above). The level follows from the code's length (3 类, 5 款, 7 项) or from a
total name. A row that prints only a name, directly below a coded row, continues that row's
wrapped name; a coded row without a name takes the name-only row printed just above it. In a layout
with `sections:`, a row that prints only its name heads the rows below it (its name fills that field). Values
are canonical decimal strings in the package's unit; the literal, its line and its offset in
that line are kept for every printed number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .columns import CODE, ColumnMap, Segment, texts
from .layout import join_wrapped
from .layouts import Layout
from .model import Document, Row
from .numbers import NotANumber, canonical, is_number
from .titles import norm

LEVELS = {3: "类", 5: "款", 7: "项"}
NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|\d{1,2}\s*[、.．](?!\d)|[（(][一二三四五六七八九十\d]{1,2}[)）])\s*")


@dataclass
class Cell:
    """Where a printed number is: 1-based line of Document.text, character offset in it, literal as printed."""

    line: int
    offset: Optional[int]
    literal: str


@dataclass
class ParsedRow:
    """One data row: package values by field (None where nothing is printed), printed numbers, level, code, name."""

    values: dict[str, Optional[str]]
    cells: dict[str, Cell] = field(default_factory=dict)
    level: str = ""
    code: Optional[str] = None
    name: str = ""  # as printed (joined when wrapped); the name field's value has its numbering taken off
    side: Optional[str] = None
    line: Optional[int] = None


@dataclass
class Draft:
    """A row of one segment while it is read."""

    side: Optional[str]
    pieces: list[str]  # printed code digits per code column ("" where blank)
    name: str
    amounts: dict[str, tuple[str, tuple[int, Optional[int]]]]  # field → (literal, (line, offset))
    line: Optional[int]

    @property
    def code(self) -> str:
        return "".join(self.pieces)


def locate(doc: Document, row: Row) -> dict[int, tuple[int, Optional[int]]]:
    """A row → column → (line, offset) of its text, searched left to right in the row's line.

    A cell not on that line (a row whose wrapped name spreads it over several lines) is looked for
    on the lines just below and above; offset None if it is on none of them.
    """
    if row.line is None:
        return {}
    text = doc.line(row.line)
    out, cursor = {}, 0
    for j, cell in enumerate(row.cells):
        literal = (cell or "").strip()
        if not literal:
            continue
        at = text.find(literal, cursor)
        if at >= 0:
            out[j] = (row.line, at)
            cursor = at + len(literal)
        else:
            out[j] = _nearby(doc, row.line, literal)
    return out


def _nearby(doc: Document, line: int, literal: str) -> tuple[int, Optional[int]]:
    """A line number and a cell text → (line, offset) of the text on the nearest line around it, else (line, None)."""
    for n in (line + 1, line - 1, line + 2, line - 2):
        try:
            at = doc.line(n).find(literal) if n >= 1 else -1
        except IndexError:
            continue
        if at >= 0:
            return n, at
    return line, None


def drafts(doc: Document, row: Row, cmap: ColumnMap, layout: Layout) -> list[tuple[int, Draft]]:
    """A body row → (segment number, Draft) for each segment that prints something (skip words left out)."""
    where = locate(doc, row)
    out: list[tuple[int, Draft]] = []
    for k, segment in enumerate(cmap.segments):
        draft = _segment_draft(row, where, segment, layout)
        if draft is None:
            continue
        if out and _spans(out[-1][1], draft):  # a label merged across panels: "公用经费合计 …… 21.00"
            out[-1][1].amounts.update(draft.amounts)
            continue
        out.append((k, draft))
    return out


def _spans(left: Draft, right: Draft) -> bool:
    """Two drafts of one row → whether the right one only holds the amounts of the left one's label."""
    return bool(left.side == right.side and left.name and not left.amounts
                and not right.name and not any(right.pieces) and right.amounts)


def _segment_draft(row: Row, where, segment: Segment, layout: Layout) -> Optional[Draft]:
    cells = row.cells
    pieces, words = [], []
    for j in segment.code_cols:
        text = norm(cells[j]) if j < len(cells) else ""
        digits = CODE.match(text) or text.isdigit()
        pieces.append(text if digits else "")
        if not digits and text:
            words.append(text)
    name = (cells[segment.name_col] or "").strip() if segment.name_col is not None and segment.name_col < len(cells) else ""
    name = name or next((w for w in words if w), "")
    if norm(name) in layout.skip or any(w in layout.skip for w in words):
        return None
    amounts = {}
    for j, spec in segment.fields.items():
        literal = (cells[j] or "").strip() if j < len(cells) else ""
        if literal:
            amounts[spec.name] = (literal, where.get(j, (row.line, None)))
    if not (name or any(pieces) or amounts):
        return None
    return Draft(segment.side, pieces, name, amounts, row.line)


def join_continuations(items: list[Draft], has_code: bool, totals: set[str]) -> list[Draft]:
    """Drafts of one segment, top to bottom → with wrapped name rows joined to their coded row (never a total)."""
    out: list[Draft] = []
    pending: Optional[Draft] = None
    for d in items:
        name_only = has_code and not d.code and not d.amounts and d.name and norm(d.name) not in totals
        if name_only and out and out[-1].code and pending is None:
            out[-1].name = join_wrapped([out[-1].name, d.name])
            continue
        if name_only:
            pending = d
            continue
        if pending is not None:
            if d.code and not d.name:
                d.name = pending.name
            else:
                out.append(pending)
            pending = None
        out.append(d)
    if pending is not None:
        out.append(pending)
    return out


def in_sections(items: list[Draft], layout: Layout) -> list[tuple[Draft, Optional[str]]]:
    """Drafts of one segment → (draft, the section it is printed under) for every data row.

    With `sections:` in the layout, a row that prints only its name ("一、政府采购": no code, nothing in
    any other column) heads a section and is no data row; the rows below it get its name, numbering
    taken off. Without it every draft is a data row in no section.
    """
    if not layout.sections:
        return [(d, None) for d in items]
    out: list[tuple[Draft, Optional[str]]] = []
    section: Optional[str] = None
    for d in items:
        if d.name and not d.code and not d.amounts and norm(d.name) not in layout.totals:
            section = NUMBERING.sub("", d.name, count=1)
            continue
        out.append((d, section))
    return out


def inherit_codes(items: list[Draft]) -> None:
    """Drafts whose 类 (or 类 and 款) column is blank before a printed 款 or 项 → the code completed from the row above."""
    previous: list[str] = []
    for d in items:
        if len(d.pieces) > 1 and not d.pieces[0] and any(d.pieces) and len(previous) == len(d.pieces):
            first = next(i for i, p in enumerate(d.pieces) if p)
            d.pieces[:first] = previous[:first]
        if any(d.pieces):
            previous = list(d.pieces)


def finish(d: Draft, layout: Layout, places: int, where: tuple[str, str], problems: list[str],
           section: Optional[str] = None) -> ParsedRow:
    """A draft, the unit shift (a power of ten), where it is (Chinese, English) and the section it is printed under
    → ParsedRow with every layout field."""
    level = LEVELS.get(len(d.code), "") if d.code else ""
    label = NUMBERING.sub("", d.name, count=1) if d.name else ""
    if not level and norm(label) in layout.totals:
        level = "合计"
    row = ParsedRow(values={}, level=level, code=d.code or None, name=d.name, side=d.side, line=d.line)
    for spec in layout.fields:
        row.values[spec.name] = _value(spec.role, d, label, level)
    if layout.sections:
        row.values[layout.sections] = section
    for spec in layout.amounts:
        printed = d.amounts.get(spec.name)
        if printed is None:
            continue
        literal, (line, offset) = printed
        if spec.role == "text":
            row.values[spec.name] = literal
            continue
        try:
            row.values[spec.name] = canonical(literal, places if spec.unit else 0)  # no unit: never converted
        except NotANumber:
            problems.append(f"{where[0]}：“{d.name}”一行“{spec.title}”栏印的是“{literal}”，不是数字 / "
                            f"{where[1]}: row '{d.name}', column '{spec.title}' prints '{literal}', not a number")
            continue
        if is_number(literal):
            row.cells[spec.name] = Cell(line, offset, literal)
    return row


def _value(role: str, d: Draft, label: str, level: str) -> Optional[str]:
    if role == "side":
        return d.side
    if role == "code":
        return d.code or None
    if role == "name":
        return label or None
    if role == "level":
        return level or None
    return None


def melt_rows(doc: Document, body: list[Row], cmap: ColumnMap, layout: Layout) -> list[Draft]:
    """Body rows of a wide table → one Draft per item (its value fields filled from its columns)."""
    out: list[Draft] = []
    for row in body:
        if not texts(row.cells):
            continue
        where = locate(doc, row)
        items: dict[str, Draft] = {}
        for j, (item, value_field) in cmap.melt.items():
            literal = (row.cells[j] or "").strip() if j < len(row.cells) else ""
            draft = items.setdefault(item, Draft(None, [], item, {}, row.line))
            if literal:
                draft.amounts[value_field] = (literal, where.get(j, (row.line, None)))
        out.extend(items.values())
    return out
