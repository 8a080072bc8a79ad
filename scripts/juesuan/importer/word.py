"""DOCX → Document: paragraphs and tables in document order, one page per explicit page break.

Lines: every paragraph gives its lines (a line break inside it starts a new line); every table
row gives one line, its cells joined by tabs, and that line is the row's Row.line. Empty lines
are dropped and lines are stripped, as for PDF. Pages: Word lays out pages when it prints, so only
explicit breaks count: a page break character, "page break before" on a paragraph, and a section
break unless the next section is "continuous". Merged cells: the cell a merge starts from holds
the text, the slots it covers are None. Text boxes, headers, footers and deleted (tracked) text
are left out; field codes are left out, their shown results kept. Numbers that Word generates for
numbered headings and lists ("一、", "1.") are not text in the file and do not appear.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import docx
from docx.oxml.ns import qn

from .layout import join_wrapped
from .model import Document, Page, Row, Table, join_pages, source_error

PAGE = object()  # token: an explicit page break inside a paragraph
SKIP = {qn(t) for t in ("w:pPr", "w:rPr", "w:drawing", "w:pict", "w:object", "w:txbxContent", "w:del")}
SKIP.add("{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback")
TEXT = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:noBreakHyphen"): "-", qn("w:softHyphen"): ""}


def extract_docx(path: Path) -> Document:
    """DOCX file → Document; SourceError if python-docx cannot open it."""
    try:
        body = docx.Document(str(path)).element.body
    except Exception as exc:  # python-docx and lxml raise many kinds on damaged packages
        why = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise source_error(
            path,
            f"DOCX 文件已损坏，打不开（{why}）；请重新下载，或用 Word/WPS 打开后另存为 .docx 或 PDF",
            f"the DOCX file is damaged and cannot be opened ({why}); download it again or re-save it "
            "from Word/WPS as .docx or PDF",
        ) from exc
    builder = _Builder([s for s in body.iter(qn("w:sectPr"))])
    for child in body:
        builder.block(child)
    return builder.document()


class _Builder:
    """Walks the body, collecting lines and tables page by page."""

    def __init__(self, sections: list):
        self.sections = sections  # every w:sectPr in document order; the last one is the body's
        self.section = 0
        self.pages: list[list[str]] = [[]]
        self.tables: list[list[Table]] = [[]]
        self.count = 0  # lines so far; the next line is number count + 1

    def line(self, text: str) -> Optional[int]:
        """Text of one line → its line number, or None if it is blank (blank lines are dropped)."""
        text = text.strip()
        if not text:
            return None
        self.pages[-1].append(text)
        self.count += 1
        return self.count

    def page_break(self) -> None:
        self.pages.append([])
        self.tables.append([])

    def block(self, element) -> None:
        """A body-level element → its lines and tables (content controls are opened)."""
        if element.tag == qn("w:p"):
            self.paragraph(element)
        elif element.tag == qn("w:tbl"):
            self.table(element)
        elif element.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            for child in element:
                self.block(child)

    def paragraph(self, p) -> None:
        if _on(p.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}")):
            self.page_break()
        text = ""
        for token in _tokens(p):
            if token is PAGE:
                self._lines(text)
                text = ""
                self.page_break()
            else:
                text += token
        self._lines(text)
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            self._section_end()

    def _lines(self, text: str) -> None:
        for part in text.split("\n"):
            self.line(part)

    def _section_end(self) -> None:
        """A section ends here: a new page unless the next section starts "continuous"."""
        self.section += 1
        if self.section < len(self.sections):
            kind = self.sections[self.section].find(qn("w:type"))
            if kind is None or kind.get(qn("w:val")) != "continuous":
                self.page_break()

    def table(self, tbl) -> None:
        width = len(tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
        rows = []
        for tr in tbl.iter(qn("w:tr")):
            if _owner(tr, "w:tbl") is not tbl:
                continue  # a row of a nested table: its text is in the outer cell
            cells = _row_cells(tr)
            cells += [None] * (width - len(cells))
            rows.append(Row(cells=cells, line=self.line("\t".join(c or "" for c in cells))))
        self.tables[-1].append(Table(page=len(self.pages), bbox=None, rows=rows))

    def document(self) -> Document:
        while len(self.pages) > 1 and not self.pages[-1] and not self.tables[-1]:
            self.pages.pop()  # a break at the very end opens no page
            self.tables.pop()
        pages = []
        first = 1
        for number, (lines, tables) in enumerate(zip(self.pages, self.tables), start=1):
            pages.append(Page(number=number, lines=lines, first_line=first, tables=tables))
            first += len(lines)
        return Document(kind="docx", pages=pages, text=join_pages(self.pages))


def _on(flag) -> bool:
    """A w:pageBreakBefore-style toggle element → whether it is set."""
    return flag is not None and flag.get(qn("w:val"), "true") not in ("0", "false", "off")


def _tokens(element):
    """A paragraph (or part of it) → its text pieces in order, PAGE for explicit page breaks."""
    for child in element:
        tag = child.tag
        if tag in TEXT:
            yield (child.text or "") if TEXT[tag] is None else TEXT[tag]
        elif tag == qn("w:br"):
            yield PAGE if child.get(qn("w:type")) == "page" else "\n"
        elif tag == qn("w:cr"):
            yield "\n"
        elif tag not in SKIP:
            yield from _tokens(child)


def _row_cells(tr) -> list[Optional[str]]:
    """A table row → one text per grid column; None where a merge covers the slot."""
    cells: list[Optional[str]] = [None] * _grid(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"))
    for tc in tr.iter(qn("w:tc")):
        if _owner(tc, "w:tr") is not tr:
            continue  # a cell of a nested table: its text is in the outer cell
        props = tc.find(qn("w:tcPr"))
        span = _grid(props.find(qn("w:gridSpan")) if props is not None else None) or 1
        merge = props.find(qn("w:vMerge")) if props is not None else None
        covered = merge is not None and merge.get(qn("w:val")) != "restart"
        cells.append(None if covered else _cell_text(tc))
        cells += [None] * (span - 1)
    return cells


def _owner(element, tag: str):
    """An element and a tag → the nearest ancestor with that tag."""
    parent = element.getparent()
    while parent is not None and parent.tag != qn(tag):
        parent = parent.getparent()
    return parent


def _grid(element) -> int:
    """A w:gridSpan / w:gridBefore element → its number (0 if absent)."""
    return int(element.get(qn("w:val"), "0")) if element is not None else 0


def _cell_text(tc) -> str:
    """A table cell → its text: paragraphs and line breaks joined without spaces between Han."""
    parts = []
    for p in tc.iter(qn("w:p")):
        text = "".join(t for t in _tokens(p) if t is not PAGE)
        parts.extend(" ".join(piece.split()) for piece in text.split("\n"))
    return join_wrapped(parts)
