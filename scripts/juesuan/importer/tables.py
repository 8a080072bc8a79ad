"""Extracted Document + report format (tables:, layouts:) → TablesResult: the standard tables as package rows, and what was not recognised.

A table is identified by the title printed above it on its page (or at the end of the previous
page), matched against the format's titles (titles.py). A table on the next page without a title
of its own continues the open table when it has as many columns; a repeated header is skipped.
Columns become fields by their printed headers (columns.py, layouts.py); rows become values in the
package's unit (rows.py, numbers.py). A title printed with no ruled table under it but with a
statement that the table is empty ("本表无数据") gives a table with no rows and that statement as
its note (a statement inside or just below a ruled table becomes its note too). Whatever is seen
but not matched (a title of no table of the format, a table without a title, a column no field
takes, a cell that is not a number) is listed in `unrecognised`, each entry naming its page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

from .columns import ColumnMap, build_map, is_repeated_header, split_header, texts
from .layouts import Layout, load_layouts
from .model import Document, Page, Table
from .numbers import factor, printed_unit
from .rows import Cell, Draft, ParsedRow, drafts, finish, in_sections, inherit_codes, join_continuations, melt_rows
from .titles import Titles, is_page_number, norm

__all__ = ["Cell", "ParsedRow", "ParsedTable", "TablesResult", "parse_tables"]

NOTE_LINES = 3  # lines under a title without a table that are searched for a statement that it is empty


@dataclass
class ParsedTable:
    """One standard table as read: its identity, package schema fields, rows and where it was printed."""

    alias: str
    number: Optional[int]
    title: str  # the format's title of the table
    resource: str
    fields: list[dict]  # Table Schema fields, without the row number the package writer adds
    rows: list[ParsedRow] = field(default_factory=list)
    scheme: str = "functional"  # classification of its codes: functional or economic
    printed_title: str = ""
    title_line: Optional[int] = None
    pages: list[int] = field(default_factory=list)
    printed_unit: str = ""  # the unit the table prints its amounts in
    unit: str = ""  # the unit of the package's amount fields
    converted_from: Optional[str] = None  # the printed unit when amounts were converted
    factor: Optional[int] = None  # 10000 for 元 → 万元 (values = printed ÷ factor, exactly)
    note: str = ""  # the printed statement that the table is empty ("本表无数据"), if any


@dataclass
class TablesResult:
    tables: list[ParsedTable] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)

    def get(self, alias: str) -> Optional[ParsedTable]:
        return next((t for t in self.tables if t.alias == alias), None)


@dataclass
class _Open:
    table: ParsedTable
    layout: Layout
    ncols: int
    last_page: int
    places: int
    cmap: Optional[ColumnMap] = None
    segments: dict[int, list[Draft]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class _Title:
    alias: Optional[str]
    text: str
    line: Optional[int]
    unit: Optional[str]
    page: int
    continued: bool = False  # the title says 续
    lines: tuple[int, ...] = ()  # the lines the title is printed on


def parse_tables(doc: Document, fmt: dict) -> TablesResult:
    """Document and format definition → the tables the format describes, read from the document's tables."""
    return _Parser(doc, fmt).run()


class _Parser:
    def __init__(self, doc: Document, fmt: dict):
        self.doc, self.fmt = doc, fmt
        self.layouts = load_layouts(fmt)
        self.titles = Titles(fmt)
        self.result = TablesResult()
        self.open: Optional[_Open] = None
        self.pending: Optional[_Title] = None  # a title at the end of a page, waiting for its table
        self.used: set[int] = set()  # lines of the titles that tables were read under

    def run(self) -> TablesResult:
        for page in self.doc.pages:
            cursor = page.first_line
            for table in page.tables:
                located = [r.line for r in table.rows if r.line is not None]
                if not located:
                    continue
                above = self._lines(cursor, min(located))
                self._note_after(above)
                self.place(page, table, above)
                cursor = max(located) + 1
            trailing = self._lines(cursor, page.first_line + len(page.lines))
            self._note_after(trailing)
            self.pending = self._title(page, trailing, trailing=True)
        self.close()
        self.empty_tables()
        return self.result

    def _lines(self, start: int, stop: int) -> list[tuple[int, str]]:
        """Line numbers [start, stop) → (number, text) of those that are not blank or a page number."""
        out = []
        for n in range(start, stop):
            text = self.doc.line(n).strip()
            if text and not is_page_number(text):
                out.append((n, text))
        return out

    def _note_after(self, lines: list[tuple[int, str]]) -> None:
        """Lines printed after the open table, before the next title → its note if one says the table is empty."""
        if self.open is None:
            return
        for _, text in lines:
            if self.titles.match(text):
                return
            if any(phrase in norm(text) for phrase in self.open.layout.empty):
                self.open.table.note = text

    def _title(self, page: Page, lines: list[tuple[int, str]], trailing: bool = False) -> Optional[_Title]:
        """Lines above a table (or ending a page) → the title they print, matched or not (None: no lines)."""
        if not lines:
            return None
        unit = next((u for _, t in lines if (u := printed_unit(t))), None)
        found = self.titles.match_lines([t for _, t in lines])
        if found:
            alias, continued, i, span = found
            text = "".join(t for _, t in lines[i:i + span])
            return _Title(alias, text, lines[i][0], unit, page.number, continued, tuple(n for n, _ in lines[i:i + span]))
        if trailing:
            return None  # text ending a page is narrative unless it is a known title
        n, text = next(((n, t) for n, t in reversed(lines) if not printed_unit(t)), lines[-1])
        return _Title(None, text, n, unit, page.number)  # the nearest line above that is not the unit line

    def place(self, page: Page, table: Table, above: list[tuple[int, str]]) -> None:
        """One extracted table and the lines above it → a new table, a continuation, or an unrecognised entry."""
        title = self._title(page, above)
        if (title is None or title.alias is None) and self.pending is not None and not above:
            title = self.pending
        self.pending = None
        ncols = max((len(r.cells) for r in table.rows), default=0)
        opened = self.open
        follows = opened is not None and page.number == opened.last_page + 1
        if title is not None and title.alias is not None:
            self.used.update(title.lines)
            if opened is not None and opened.table.alias == title.alias and (follows or title.continued):
                self.add_part(page, table)
                return
            self.close()
            if self.result.get(title.alias):
                self.note(page.number, f"“{title.text}”又出现一次，未重复读入", f"table '{title.text}' appears again; not read twice")
                return
            self.start(page, table, title, ncols)
            return
        if follows and ncols == opened.ncols and (title is None or (len(above) == 1 and title.unit is None)):
            self.add_part(page, table)
            return
        self.close()
        if title is None:
            self.note(page.number, "表格上方没有标题，也不是上一张表的续表",
                      "a table without a title that does not continue the previous table")
        else:
            self.note(page.number, f"表格标题“{title.text}”不是本格式的附表",
                      f"table title '{title.text}' is not a table of this format")

    def start(self, page: Page, table: Table, title: _Title, ncols: int) -> None:
        layout = self.layouts.get(title.alias)
        if layout is None:
            self.note(page.number, f"格式没有{title.alias}的版式（layouts），表格未读入",
                      f"the format has no layout for {title.alias}; the table is not read")
            return
        spec = (self.fmt.get("tables") or {}).get(title.alias) or {}
        prints = title.unit or layout.prints
        places = factor(prints, layout.unit)
        parsed = ParsedTable(
            alias=title.alias, number=spec.get("number"), title=spec.get("title", ""), resource=layout.resource,
            fields=[f.schema() for f in layout.fields], scheme=layout.scheme, printed_title=title.text, title_line=title.line,
            printed_unit=prints, unit=layout.unit,
            converted_from=prints if places else None, factor=10 ** abs(places) if places else None)
        self.result.tables.append(parsed)
        self.open = _Open(parsed, layout, ncols, page.number, places)
        self.add_part(page, table)

    def add_part(self, page: Page, table: Table) -> None:
        """One page's part of the open table → its header read, its body rows drafted."""
        opened = self.open
        opened.last_page = page.number
        if page.number not in opened.table.pages:
            opened.table.pages.append(page.number)
        cells = [r.cells for r in table.rows]
        head = split_header(cells, opened.layout)
        if head:
            cmap = build_map(cells[:head], opened.ncols, opened.layout)
            if opened.cmap is None:
                for header in cmap.unmapped:
                    self.note(page.number, f"{opened.table.alias}的栏目“{header}”不在版式中",
                              f"{opened.table.alias}: column '{header}' is not in the layout")
            opened.cmap = cmap
        elif opened.cmap is None:
            self.note(page.number, f"{opened.table.alias}的表头无法识别，表格未读入",
                      f"{opened.table.alias}: the header is not recognised; the table is not read")
            return
        body = []
        for row in table.rows[head:]:
            said = "".join(texts(row.cells))
            if any(phrase in norm(said) for phrase in opened.layout.empty):
                opened.table.note = said  # "本表无数据": a statement, not a row
            elif said and not is_repeated_header(row.cells, opened.layout):
                body.append(row)
        if opened.cmap.melt:
            opened.segments[0].extend(melt_rows(self.doc, body, opened.cmap, opened.layout))
            return
        for row in body:
            for k, draft in drafts(self.doc, row, opened.cmap, opened.layout):
                opened.segments[k].append(draft)

    def close(self) -> None:
        """The open table → its rows finished and numbered, segment after segment."""
        opened, self.open = self.open, None
        if opened is None:
            return
        has_code = opened.layout.role("code") is not None
        pages = "、".join(map(str, opened.table.pages))
        where = (f"第 {pages} 页 {opened.table.alias}", f"page {pages.replace('、', ', ')} {opened.table.alias}")
        problems: list[str] = []
        for k in sorted(opened.segments):
            items = opened.segments[k]
            inherit_codes(items)
            joined = join_continuations(items, has_code, opened.layout.totals)
            for draft, section in in_sections(joined, opened.layout):
                opened.table.rows.append(finish(draft, opened.layout, opened.places, where, problems, section))
        self.result.unrecognised.extend(problems)

    def empty_tables(self) -> None:
        """Titles printed with no ruled table under them but a statement that the table is empty → tables without rows.

        A title without a table and without such a statement is listed as not read (in a PDF or DOCX;
        a plain text has no ruled tables at all, which the review list says once).
        """
        for page in self.doc.pages:
            lines = self._lines(page.first_line, page.first_line + len(page.lines))
            hits = [self.titles.match(t) for _, t in lines]
            for i, hit in enumerate(hits):
                if not hit or self.result.get(hit[0]) or hit[0] not in self.layouts or lines[i][0] in self.used:
                    continue
                if (i > 0 and hits[i - 1]) or (i + 1 < len(hits) and hits[i + 1]):
                    continue  # a list of titles: the contents
                layout, (line, text) = self.layouts[hit[0]], lines[i]
                stop = next((lines[k][0] for k in range(i + 1, len(lines)) if hits[k]), None)
                under = [t for n, t in lines[i + 1:i + 1 + NOTE_LINES] if stop is None or n < stop]
                said = next((t for t in under if any(p in norm(t) for p in layout.empty)), None)
                below = any(r.line and line < r.line and (stop is None or r.line < stop) for t in page.tables for r in t.rows)
                if said is None or below:
                    if self.doc.kind != "text":
                        self.note(page.number, f"有“{text}”标题，但表格未能读出",
                                  f"title '{text}' is printed but its table could not be read")
                    continue
                spec = (self.fmt.get("tables") or {}).get(hit[0]) or {}
                self.result.tables.append(ParsedTable(
                    alias=hit[0], number=spec.get("number"), title=spec.get("title", ""), resource=layout.resource,
                    fields=[f.schema() for f in layout.fields], scheme=layout.scheme, printed_title=text,
                    title_line=line, pages=[page.number], printed_unit=layout.prints, unit=layout.unit, note=said))
        order = {alias: i for i, alias in enumerate(self.fmt.get("tables") or {})}
        self.result.tables.sort(key=lambda t: order.get(t.alias, len(order)))

    def note(self, page: int, zh: str, en: str) -> None:
        self.result.unrecognised.append(f"第 {page} 页：{zh} / page {page}: {en}")
