"""Performance self-evaluation forms (附件N) of a report → rows of performance_projects and performance_indicators, with provenance.

Where the forms are: the annexes of the part whose role is `forms` (narrative.py), each from its
heading line to the next section. What a form prints is data, the format's `forms:` (labels of the
project, the amounts, the goals and the indicator columns; schema in formats/sichuan-2021.yaml).
A form is read from one of two sources, as a grid of rows of cells:

- a ruled table (PDF, DOCX): the tables of Document.tables printed in the annex's lines, when one of
  their cells reads a label of the form; a slot a merged cell covers is empty and marked merged;
- a text export of a Word table: each tab-indented line is a cell, a blank line ends a row. A row
  cut short by a stray blank line is joined to the next until it is as wide as its header.

A PDF that prints a form as plain lines (no ruling, empty cells not printed) is not read: the rows
cannot be told apart. Numbers are not registered here: register.narrative_figures has stated every
number of a form's lines in the annex's section; a numeric cell points to its figure (provenance),
a text cell holds its text with each number as a [[figure id]] reference, as the narrative does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from juesuan.data.source_text import AFTER, BEFORE, qualifier_of
from juesuan.data.source_text import numbers_in
from juesuan.importer.model import Document
from juesuan.importer.narrative import FORM, Narrative
from juesuan.importer.register import _line_text as line_text

PROJECTS, INDICATORS = "performance_projects", "performance_indicators"
CELL_MARK = "\t"  # a text export writes each cell of a Word table on its own line, after a tab
WIDE = str.maketrans({"（": "(", "）": ")", "：": ":"})
NOTE = re.compile(r"\(([^)]*)\)$")  # a bracketed note at the end of a label: 预算执行情况(万元)
YES, NO = "是", "否"


@dataclass
class Cell:
    """One cell of a form as printed, and where: its line, and where its text starts in the line when known exactly."""

    text: str
    line: Optional[int]
    start: Optional[int] = None  # offset of `text` in its line (a text export); None: a table cell, located by its numbers
    merged: bool = False  # a slot that a merged cell of the table covers

    @property
    def label(self) -> str:
        """The text as a label is compared: no spaces, half-width brackets and colons, no closing colon."""
        return re.sub(r"\s+", "", self.text.translate(WIDE)).rstrip(":")

    @property
    def blank(self) -> bool:
        return not self.plain

    @property
    def plain(self) -> str:
        """The text without conversion artefacts and surrounding space, as a text cell of the package holds it."""
        return line_text(self.text, [], 0)


@dataclass
class Forms:
    """What was read: rows of both resources, provenance of the numeric cells, and what a person should confirm."""

    projects: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    provenance: list[dict] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # review items: (what, where, why)

    @property
    def names(self) -> list[str]:
        """The forms read, in order (附件1 …): the enum of the resources' `form` field."""
        return [p["form"] for p in self.projects]


def matches(cell: Cell, labels: list[str]) -> bool:
    """Whether a cell reads one of the labels (or a label followed by a bracketed note)."""
    text = cell.label
    for label in labels or []:
        want = Cell(label, None).label
        if text == want or (text.startswith(want + "(") and text.endswith(")")):
            return True
    return False


class _Refs:
    """The stated figures of one annex's lines → the figures a cell prints, each taken once."""

    def __init__(self, figures: list[dict], section: str):
        self.figures = [f for f in figures if f.get("status") == "stated" and f.get("section") == section]
        self.used: set[str] = set()

    def of(self, cell: Cell) -> list[tuple[int, str, str, dict]]:
        """A cell → its numbers as (where the reference starts in its text, the text it stands for, figure id, figure)."""
        out = []
        if cell.start is not None:  # a text export: the line's figures after the cell's start, exactly
            for fig in sorted((f for f in self.figures if f["line"] == cell.line and f["offset"] >= cell.start),
                              key=lambda f: f["offset"]):
                out.append(self._ref(cell, fig["offset"] - cell.start, fig))
            return out
        for num in numbers_in([cell.text]):  # a table cell: the nearest unused figure printing the same literal
            found = [f for f in self.figures if f["id"] not in self.used and f["literal"] == num.literal]
            if found:
                fig = min(found, key=lambda f: (abs(int(f["line"]) - (cell.line or 0)), int(f["line"]), int(f["offset"])))
                out.append(self._ref(cell, num.offset, fig))
        return out

    def _ref(self, cell: Cell, offset: int, fig: dict) -> tuple[int, str, str, dict]:
        """A figure printed at `offset` of the cell's text → its reference, spanning the qualifier written with it."""
        self.used.add(fig["id"])
        q = qualifier_of(cell.text, offset, fig["literal"])
        start = offset - (len(q) if q in BEFORE else 0)
        span = cell.text[start:offset] + fig["literal"] + (q if q in AFTER else "")
        return start, span, fig["id"], fig

    def text(self, cell: Cell) -> str:
        """A cell → its text with every number a [[figure id]] reference (cleaned as the narrative's text)."""
        return line_text(cell.text, [(s, span, fid) for s, span, fid, _ in self.of(cell)], 0)


# ---- the grid of a form ------------------------------------------------------------------------------------
def _text_grid(lines: list[str], numbers: list[int]) -> list[list[Cell]]:
    """Raw lines and the line numbers of a form (its cells and the blank lines between) → rows of cells."""
    rows: list[list[Cell]] = []
    current: list[Cell] = []
    for n in numbers:
        raw = lines[n - 1]
        bare = raw.lstrip("\f")
        if bare.startswith(CELL_MARK):
            start = len(raw) - len(bare) + len(CELL_MARK)
            current.append(Cell(raw[start:], n, start))
            continue
        if current:  # a blank line (or a line outside the table, as the title) ends the row
            rows.append(current)
            current = []
    return rows + ([current] if current else [])


def _table_grid(doc: Document, first: int, last: int, spec: dict) -> list[list[Cell]]:
    """The ruled tables printed in lines first…last that hold a label of the form → their rows, in order."""
    labels = [*spec.get("project", []), *(spec.get("amounts") or {}).get("start", []),
              *(spec.get("indicators") or {}).get("start", [])]
    rows: list[list[Cell]] = []
    for table in doc.tables:
        if not any(r.line and first <= r.line <= last for r in table.rows):
            continue
        grid = [[Cell(c or "", r.line, merged=c is None) for c in r.cells] for r in table.rows]
        if rows or any(matches(c, labels) for row in grid for c in row):  # a table on the next page continues the form
            rows += grid
    return rows


def _find(rows: list[list[Cell]], labels: list[str], after: int = 0) -> Optional[tuple[int, int]]:
    """The first cell (row, column) from row `after` on that reads one of the labels."""
    for r in range(after, len(rows)):
        for c, cell in enumerate(rows[r]):
            if matches(cell, labels):
                return r, c
    return None


def _value_after(rows: list[list[Cell]], r: int, c: int, flat: bool) -> Optional[Cell]:
    """The cell a label cell at (r, c) introduces: the next one printed in its row (a text export: or the next row)."""
    rest = [x for x in rows[r][c + 1:] if not x.merged]
    if rest:
        return rest[0]
    return rows[r + 1][0] if flat and r + 1 < len(rows) and rows[r + 1] else None


def _header(rows: list[list[Cell]], columns: dict, after: int) -> Optional[tuple[int, dict[str, int]]]:
    """The first row from `after` on with a cell for every column → (its index, column name → cell index)."""
    for r in range(after, len(rows)):
        where = {}
        for name, labels in columns.items():
            c = next((c for c, cell in enumerate(rows[r]) if matches(cell, labels)), None)
            if c is None:
                break
            where[name] = c
        else:
            return r, where
    return None


def _widened(rows: list[list[Cell]], width: int, flat: bool) -> list[list[Cell]]:
    """Rows under a header → rows as wide as it: in a text export a short row runs on into the next (a stray blank
    line); what is left over at the end, shorter than the header, is not a row."""
    if not flat:
        return [r for r in rows if len(r) >= width]
    out, current = [], []
    for row in rows:
        current += row
        if len(current) >= width:
            out.append(current)
            current = []
    return out


# ---- one form ----------------------------------------------------------------------------------------------
class _Form:
    """One annex's grid → its project row (with provenance) and indicator rows; notes on what it could not read."""

    def __init__(self, name: str, rows: list[list[Cell]], spec: dict, refs: _Refs, flat: bool, where: str):
        self.name, self.rows, self.spec, self.refs, self.flat, self.where = name, rows, spec, refs, flat, where
        self.notes: list[tuple[str, str, str]] = []

    def note(self, what: str, why: str) -> None:
        self.notes.append((f"{self.name}：{what}", self.where, why))

    def labelled(self, key: str) -> Optional[Cell]:
        """The cell after the label of `key` (project, unit)."""
        at = _find(self.rows, self.spec.get(key) or [])
        return _value_after(self.rows, *at, self.flat) if at else None

    def amounts(self, first: int, last: int) -> tuple[dict[str, str], dict[str, str]]:
        """Rows first…last-1 (the block of amounts) → field → value as printed, and field → its figure id."""
        spec = self.spec.get("amounts") or {}
        values: dict[str, str] = {}
        figures: dict[str, str] = {}
        filled: set[str] = set()
        for r in range(first, min(last, len(self.rows))):
            for c, cell in enumerate(self.rows[r]):
                if r == first and matches(cell, spec.get("start") or []):
                    unit = NOTE.search(cell.label)
                    if unit and spec.get("unit") and spec["unit"] not in unit.group(1):
                        self.note(f"金额单位为{unit.group(1)}", f"表中金额照录，数据包按{spec['unit']}列示，请换算或确认")
                    continue
                name = next((f["field"] for f in spec.get("fields") or []
                             if f["field"] not in filled and matches(cell, f.get("labels") or [])), None)
                if name is None:
                    continue
                filled.add(name)
                value = _value_after(self.rows, r, c, self.flat)
                if value is None or value.blank:
                    continue
                refs = self.refs.of(value)
                if len(refs) == 1 and line_text(value.text, [refs[0][:3]], 0) == f"[[{refs[0][2]}]]":
                    values[name], figures[name] = str(refs[0][3]["value"]), refs[0][2]
                else:
                    self.note(f"{cell.plain} {value.plain}", "不是一个数，未填入表中，请核对原表")
        unread = [f"{(f.get('labels') or [''])[0]}（{f['field']}）" for f in spec.get("fields") or [] if f["field"] not in filled]
        if unread:
            self.note(f"预算执行情况中没有{'、'.join(unread)}", "表中找不到这一格的标签（按格式文件 forms: 的标签），留空，请核对原表")
        return values, figures

    def read(self) -> Optional[tuple[dict, dict[str, str], list[dict]]]:
        """The form → (project row, field → figure id, indicator rows), or None when it is not the form the format describes."""
        project, unit = self.labelled("project"), self.labelled("unit")
        goals_spec, ind_spec = self.spec.get("goals") or {}, self.spec.get("indicators") or {}
        start = _find(self.rows, (self.spec.get("amounts") or {}).get("start") or [])
        goals = _header(self.rows, goals_spec.get("columns") or {}, start[0] if start else 0)
        inds = _header(self.rows, ind_spec.get("columns") or {}, goals[0] + 1 if goals else 0)
        lacking = [what for what, found in (("项目名称", project and not project.blank), ("预算单位", unit and not unit.blank),
                                            ("年度目标", goals), ("绩效指标", inds)) if not found]
        if lacking:
            self.note("没有读出绩效自评表", f"表中找不到{'、'.join(lacking)}（按格式文件 forms: 的标签）；项目和指标未导入，请从原表补充")
            return None
        values, figures = self.amounts(start[0], goals[0]) if start else ({}, {})
        if not start:
            self.note("没有预算执行情况", "表中找不到预算执行情况（按格式文件 forms: 的标签），金额留空，请从原表补充")
        goal_rows = _widened(self.rows[goals[0] + 1: inds[0]], len(self.rows[goals[0]]), self.flat)
        texts = {k: self.refs.text(goal_rows[0][c]) if goal_rows else "" for k, c in goals[1].items()}
        if not all(texts.values()):
            self.note("年度目标", "预期目标或实际完成目标为空，或未能读出；项目未导入，请从原表补充")
            return None
        known = [n for n in (project.line, *(goal_rows[0][c].line for c in goals[1].values())) if n]
        row = {"form": self.name, "project": project.plain, "unit": unit.plain, **values, **texts,
               "lines": f"{known[0]}-{max(known)}" if known else ""}
        if not known:
            self.note("行号", "表格的行没有对应到来源文本的行；项目未导入，请从原表补充")
            return None
        return row, figures, self.indicators(inds, ind_spec)

    def indicators(self, header: tuple[int, dict[str, int]], spec: dict) -> list[dict]:
        """The rows under the indicators' header → one row each, an empty merged column continuing the one above."""
        at, cols = header
        merged = spec.get("merged") or []
        out: list[dict] = []
        for cells in _widened(self.rows[at + 1:], len(self.rows[at]), self.flat):
            if all(cells[c].blank for c in cols.values()):
                continue
            row = {"form": self.name, "seq": str(len(out) + 1)}
            for name, c in cols.items():
                cell = cells[c]
                text = self.refs.text(cell) if name in ("expected", "actual") else cell.plain
                if name in merged:
                    above = out[-1][name] if out else ""
                    row[f"{name}_merged"] = YES if cell.blank and above else NO
                    text = text or above
                row[name] = text
            row["line"] = str(cells[cols["level3"]].line or "") if "level3" in cols else ""
            lacking = [k for k in cols if not row[k]]
            if lacking or not row["line"]:
                self.note(f"第{cells[0].line or '?'}行的绩效指标", f"{'、'.join(lacking) or '行号'}为空，未导入，请从原表补充")
                continue
            out.append(row)
        return out


# ---- the report's forms ------------------------------------------------------------------------------------
def annexes(doc: Document, narrative: Narrative) -> list[tuple[str, str, int, int]]:
    """The annexes of the forms part → (name as numbered, section id, heading line, last line before the next section)."""
    part = narrative.roles.get("forms")
    heads = sorted(int(s["lines"].split()[0]) for s in narrative.sections if s["lines"].strip())
    count = len(doc.text.split("\n"))
    out = []
    for s in narrative.sections:
        if part and s["parent"] == part and s["lines"].strip():
            head = int(s["lines"].split()[0])
            end = next((h for h in heads if h > head), count + 1) - 1
            out.append((s["number"], s["id"], head, end))
    return out


def read_forms(doc: Document, narrative: Narrative, fmt: dict, figures: list[dict]) -> Forms:
    """A report, its narrative, its format and the registered figures → the forms read (none if the format has no `forms:`)."""
    spec = (fmt or {}).get("forms")
    out = Forms()
    if not spec:
        return out
    lines = doc.text.split("\n")
    form_lines = {n for n, why in narrative.dropped if why == FORM}
    for name, sid, head, end in annexes(doc, narrative):
        where = f"source/report.txt 第{head}-{end}行"
        rows = _table_grid(doc, head, end, spec)
        flat = not rows
        if flat:
            rows = _text_grid(lines, [n for n in range(head + 1, end + 1) if n in form_lines or not lines[n - 1].strip()])
        form = _Form(name, rows, spec, _Refs(figures, sid), flat, where)
        found = form.read() if rows else None
        if not rows:
            form.note("没有读出绩效自评表", "附件中既没有画线的表格，也没有逐格转换的表格（制表符开头的行）；项目和指标未导入")
        out.notes += form.notes
        if found is None:
            continue
        row, cells, indicators = found
        out.projects.append(row)
        n = len(out.projects)
        out.provenance += [{"resource": PROJECTS, "row": str(n), "field": f, "figure": fid} for f, fid in cells.items()]
        out.indicators += indicators
    return out
