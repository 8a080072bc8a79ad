"""A table's printed header rows and its Layout → ColumnMap: which column is which field, panel by panel.

Header rows are the leading rows before the first data row (a row with a printed number, a
classification code, or a lone 合计/skip word), up to the last one that holds a header text the
layout knows. Each column gets its leaf (the lowest header text printed in that column) and its
path (the texts of the group headers above it: the nearest cell at or left of it in each higher
row, since a merged group cell starts at its leftmost column). Columns are split into segments,
one per printed name column (side-by-side panels repeat 项目 / 科目名称); each segment takes its
side from a panel label printed above it, or from the panel list in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .layouts import FieldSpec, Layout
from .numbers import is_number
from .titles import norm

CODE = re.compile(r"^\d{3,}$")

Cells = list[Optional[str]]


@dataclass
class Column:
    leaf: str  # normalised; "" when the column has no header of its own
    path: list[str]  # normalised group headers above the leaf, top to bottom


@dataclass
class Segment:
    side: Optional[str]
    code_cols: list[int] = field(default_factory=list)
    name_col: Optional[int] = None
    fields: dict[int, FieldSpec] = field(default_factory=dict)  # column → amount or text field


@dataclass
class ColumnMap:
    ncols: int
    segments: list[Segment]
    melt: dict[int, tuple[str, str]] = field(default_factory=dict)  # column → (item, value field)
    unmapped: list[str] = field(default_factory=list)  # printed headers of columns that became no field


def texts(cells: Cells) -> list[str]:
    """A row's cells → its non-empty texts, left to right."""
    return [c.strip() for c in cells if c and c.strip()]


def is_data_row(cells: Cells, layout: Layout) -> bool:
    """Cells → whether the row holds data: a number, a code, or only a total or skip word."""
    found = texts(cells)
    if any(is_number(c) for c in found):
        return True
    if found and CODE.match(norm(found[0])):
        return True
    return len(found) == 1 and norm(found[0]) in layout.totals | layout.skip


def split_header(rows: list[Cells], layout: Layout) -> int:
    """Rows of one table part → how many leading rows are its header (0: the part has none)."""
    words = layout.words()
    last_known = -1
    for i, cells in enumerate(rows):
        if is_data_row(cells, layout):
            break
        if any(norm(t) in words for t in texts(cells)):
            last_known = i
    return last_known + 1


def is_repeated_header(cells: Cells, layout: Layout) -> bool:
    """A row inside the body → whether it repeats header texts (two or more, all known, no number)."""
    found = [norm(t) for t in texts(cells)]
    return len(found) >= 2 and not is_data_row(cells, layout) and all(t in layout.words() for t in found)


def analyse(header: list[Cells], ncols: int) -> list[Column]:
    """Header rows → per column its leaf and group path."""
    columns = []
    for j in range(ncols):
        leaf_row = next((r for r in range(len(header) - 1, -1, -1) if _at(header[r], j)), None)
        if leaf_row is None:
            columns.append(Column("", []))
            continue
        path = []
        for r in range(leaf_row):
            left = next((norm(header[r][k]) for k in range(j, -1, -1) if header[r][k] is not None), "")
            if left:
                path.append(left)
        columns.append(Column(norm(header[leaf_row][j]), path))
    return columns


def _at(cells: Cells, j: int) -> bool:
    return j < len(cells) and bool(cells[j] and cells[j].strip())


def build_map(header: list[Cells], ncols: int, layout: Layout) -> ColumnMap:
    """Header rows and the layout → the ColumnMap of the table (melted when the layout says so)."""
    columns = analyse(header, ncols)
    name = layout.role("name")
    names = [j for j, c in enumerate(columns) if name and c.leaf in name.headers]
    if not names and layout.melt_items:
        return _melt(columns, layout)
    code = layout.role("code")
    code_words = set(code.headers) | set(code.parts) if code else set()
    starts = []
    for n in names or [0]:
        start = n
        while start > 0 and (columns[start - 1].leaf in code_words or not columns[start - 1].leaf):
            start -= 1
        starts.append(start)
    starts[0] = 0
    labels = _labels(header, layout)
    out = ColumnMap(ncols, [])
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else ncols
        segment = Segment(_side(layout, labels, k, start))
        for j in range(start, end):
            leaf = columns[j].leaf
            if names and j == names[k]:
                segment.name_col = j
            elif leaf in code_words or (not leaf and segment.code_cols and segment.code_cols[-1] == j - 1
                                        and segment.name_col is None):
                segment.code_cols.append(j)
            elif leaf and leaf not in layout.ignore:
                spec = _field(columns[j], layout.amounts, segment.fields.values())
                if spec:
                    segment.fields[j] = spec
                else:
                    out.unmapped.append("/".join(columns[j].path + [leaf]))
        out.segments.append(segment)
    return out


def _field(column: Column, specs: list[FieldSpec], taken) -> Optional[FieldSpec]:
    """A column and the layout's amount fields → the first free field whose header and group match."""
    for spec in specs:
        if spec in taken or column.leaf not in spec.headers:
            continue
        if not spec.under or set(column.path) & set(spec.under):
            return spec
    return None


def _labels(header: list[Cells], layout: Layout) -> list[tuple[int, str]]:
    """Header rows → (column, side) of every panel label printed in them."""
    found = []
    for cells in header:
        for j, text in enumerate(cells):
            for side, labels in layout.panels:
                if text and norm(text) in labels:
                    found.append((j, side))
    return sorted(found)


def _side(layout: Layout, labels: list[tuple[int, str]], k: int, start: int) -> Optional[str]:
    """Segment number and first column → its side: the label printed above it, else the k-th panel."""
    if not layout.panels:
        return None
    above = [side for col, side in labels if col <= start]
    if above:
        return above[-1]
    return layout.panels[min(k, len(layout.panels) - 1)][0]


def _melt(columns: list[Column], layout: Layout) -> ColumnMap:
    """Columns of a wide table → column → (item, value field) for every column an item matches."""
    out = ColumnMap(len(columns), [], {})
    for j, column in enumerate(columns):
        item = next((m for m in layout.melt_items if column.leaf in m.headers
                     and (not m.under or set(column.path) & set(m.under))), None)
        value = next((f for f, under in layout.melt_values if not under or set(column.path) & set(under)), None)
        if item and value:
            out.melt[j] = (item.item, value)
        elif column.leaf and column.leaf not in layout.ignore:
            out.unmapped.append("/".join(column.path + [column.leaf]))
    return out
