"""Extraction results → dataclasses (Document, Page, Table, Row) and the one input error, SourceError.

Line numbers. ``Document.text`` is the text every later line number refers to. Line n is
``text.split("\\n")[n - 1]`` (the project's convention, see juesuan.data.source_text). Pages are
separated by a form feed: ``text == "\\f".join(page texts)``, and for PDF and DOCX every page
text is its lines each followed by "\\n" (as pdftotext writes them). A page that follows another
therefore starts on a line that begins with "\\f"; the form feed marks the page, it is not part
of the line: ``Page.lines`` holds the line without it (and without a trailing "\\r").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal, Optional

Kind = Literal["pdf", "docx", "text"]
BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top left


class SourceError(Exception):
    """The input cannot be read as a report; the message is one line, Chinese then English."""


def source_error(path: Path, zh: str, en: str) -> SourceError:
    """File, Chinese and English sentences (problem and what to do) → a one-line SourceError."""
    one_line = " ".join(f"{path.name}：{zh} / {path.name}: {en}".split())
    return SourceError(one_line)


@dataclass
class Row:
    """One table row: printed cell texts (None where a merged cell covers the slot) and its line."""

    cells: list[Optional[str]]
    line: Optional[int]  # 1-based line of Document.text the row is printed on; None if not located


@dataclass
class Table:
    """One table found on a page, rows top to bottom."""

    page: int  # 1-based page number
    bbox: Optional[BBox]  # None for DOCX tables (Word decides the geometry when it prints)
    rows: list[Row]


@dataclass
class Page:
    """One page: its lines as they appear in Document.text, and its tables."""

    number: int  # 1-based
    lines: list[str]
    first_line: int  # 1-based line of Document.text holding this page's first line
    tables: list[Table] = field(default_factory=list)
    hidden_chars: int = 0  # PDF: characters in the text layer that the page does not show
    image_only: bool = False  # PDF: the page shows images but no text (a scanned page)


@dataclass
class Document:
    """An extracted report: what kind of file it was, its pages, and the text lines refer to."""

    kind: Kind
    pages: list[Page]
    text: str

    @cached_property
    def _lines(self) -> list[str]:
        return self.text.split("\n")

    def line(self, number: int) -> str:
        """1-based line number → that line of text, without a page's form feed or a trailing \\r."""
        if not 1 <= number <= len(self._lines):
            raise IndexError(f"line {number} is not in the text, which has lines 1-{len(self._lines)}")
        return self._lines[number - 1].lstrip("\f").removesuffix("\r")

    @property
    def tables(self) -> list[Table]:
        """All tables, in page order."""
        return [table for page in self.pages for table in page.tables]

    @property
    def unlocated_rows(self) -> int:
        """Rows that hold text but whose line could not be found (empty rows have no line anyway)."""
        return sum(1 for t in self.tables for r in t.rows if r.line is None and any(r.cells))


def page_text(lines: list[str]) -> str:
    """Lines of one generated page → its text: every line followed by a newline."""
    return "".join(f"{line}\n" for line in lines)


def join_pages(pages: list[list[str]]) -> str:
    """Lines of each generated page → Document.text (pages joined with a form feed)."""
    return "\f".join(page_text(lines) for lines in pages)
