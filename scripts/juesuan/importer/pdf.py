"""PDF with a text layer → Document: the visual lines of every page and the tables ruled on it.

pdfplumber reads the characters and finds tables from the ruling (the "lines" strategy on
painted rectangles and lines; white cell backgrounds are left out, or every WPS page would be
one big grid). Characters a page does not show are left out (see visibility.py). Cell texts
and lines are made by one rule (layout.py), so every non-empty row points to the line it is
printed on.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Optional

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from .layout import Char, cell_text, inside, join_line
from .model import Document, Page, Row, Table, join_pages, source_error
from .visibility import inked_fonts, measure_ink, shown_lines

WHITE = 0.95  # colour components at or above this (CMYK: at or below 1 - this) are white


def extract_pdf(path: Path) -> Document:
    """PDF file → Document; SourceError if it is encrypted, broken or has no text layer."""
    with _open(path) as pdf:
        drafts = [_read_page(path, page) for page in pdf.pages]
    inks = measure_ink(path, [(d.number, d.bbox, d.chars) for d in drafts])
    judged = inked_fonts([d.chars for d in drafts], inks)
    for draft, ink in zip(drafts, inks):
        draft.lines, hidden = shown_lines(draft.chars, ink, judged)
        draft.hidden += hidden
    _require_text(path, drafts)
    return _assemble(drafts)


def _open(path: Path) -> pdfplumber.PDF:
    """Path → open pdfplumber PDF, or a SourceError saying why it cannot be opened."""
    try:
        pdf = pdfplumber.open(path)
        len(pdf.pages)  # parses the page tree: a broken file fails here
        return pdf
    except PdfminerException as exc:
        if isinstance(exc.args[0] if exc.args else None, PDFPasswordIncorrect):
            raise source_error(
                path,
                "PDF 已加密，需要密码才能打开；请向发布单位索取未加密的版本，或用密码打开后另存为不加密的 PDF",
                "the PDF is encrypted and needs a password; ask the publisher for an unencrypted copy "
                "or save one without a password",
            ) from exc
        raise _broken(path, exc) from exc
    except Exception as exc:  # pdfminer raises many kinds on malformed files
        raise _broken(path, exc) from exc


def _broken(path: Path, exc: Exception, page: Optional[int] = None) -> Exception:
    """A pdfminer failure (on a page) → SourceError for a damaged or truncated PDF."""
    why = " ".join(str(exc).split())[:120] or type(exc).__name__
    zh_where = f"第 {page} 页" if page else ""
    en_where = f" on page {page}" if page else ""
    return source_error(
        path,
        f"PDF 文件已损坏或不完整，{zh_where}读不出来（{why}）；请重新下载，或用 PDF 阅读器打开后另存一份",
        f"the PDF is damaged or truncated and cannot be read{en_where} ({why}); "
        "download it again or re-save it from a PDF viewer",
    )


class _Draft:
    """One page while it is being read: its characters, ruled tables and (later) shown lines."""

    def __init__(self, page: pdfplumber.page.Page):
        self.number = page.page_number
        self.bbox = page.cropbox  # what a viewer shows (and pdfium renders) of the page
        self.images = len(page.images)
        printed = [c for c in page.dedupe_chars(tolerance=1).chars if c["text"].strip()]
        self.chars: list[Char] = [c for c in printed if inside(c, self.bbox)]
        self.hidden = len(printed) - len(self.chars)  # off the page; clipped ones are added later
        found = page.filter(_painted).find_tables()
        self.tables = [t for t in found if _is_table(t) and _centre_inside(t.bbox, self.bbox)]
        self.lines: list[list[Char]] = []


def _read_page(path: Path, page: pdfplumber.page.Page) -> _Draft:
    """pdfplumber page → its draft, or a SourceError naming the page that cannot be read."""
    try:
        draft = _Draft(page)
    except Exception as exc:  # pdfminer raises many kinds on malformed content streams
        raise _broken(path, exc, page.page_number) from exc
    page.close()  # frees pdfminer's layout cache; the draft keeps what it needs
    return draft


def _is_table(table) -> bool:
    """A found table → whether it is a table and not a box around text (needs 2 rows, 2 columns)."""
    return len(table.rows) >= 2 and len(table.columns) >= 2


def _centre_inside(bbox, box) -> bool:
    """Two (x0, top, x1, bottom) boxes → whether the first one's centre lies in the second."""
    x, y = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _white(colour) -> bool:
    """A pdfplumber colour (gray, RGB or CMYK tuple) → whether it is white; patterns are not."""
    if isinstance(colour, (int, float)):
        colour = (colour,)
    if not isinstance(colour, (tuple, list)) or not all(isinstance(v, (int, float)) for v in colour):
        return False
    if len(colour) == 4:
        return max(colour) <= 1 - WHITE
    return len(colour) in (1, 3) and min(colour) >= WHITE


def _painted(obj: dict) -> bool:
    """A page object → whether it may rule a table: graphics only if painted in a non-white colour."""
    if obj.get("object_type") not in ("rect", "line", "curve"):
        return True
    filled = obj.get("fill") and not _white(obj.get("non_stroking_color"))
    stroked = obj.get("stroke") and not _white(obj.get("stroking_color"))
    return bool(filled or stroked)


def _require_text(path: Path, drafts: list[_Draft]) -> None:
    """Drafts → nothing, or a SourceError when no page shows any character."""
    if any(d.lines for d in drafts):
        return
    if any(d.images for d in drafts):
        raise source_error(
            path,
            "PDF 没有文字层，可能是扫描件；请先做 OCR（文字识别，例如 ocrmypdf -l chi_sim），或向发布单位索取可复制文字的版本",
            "the PDF has no text layer, it is probably a scan; run OCR first (e.g. ocrmypdf -l chi_sim) "
            "or ask the publisher for a version with selectable text",
        )
    raise source_error(
        path,
        "PDF 里没有任何文字（空白页，或文字被转成了图形）；请先做 OCR，或向发布单位索取可复制文字的版本",
        "the PDF shows no text at all (blank pages, or text turned into outlines); run OCR first "
        "or ask the publisher for a version with selectable text",
    )


def _assemble(drafts: list[_Draft]) -> Document:
    """Drafts in page order → Document with line numbers counted across pages."""
    pages = []
    first = 1
    for draft in drafts:
        page = _page(draft, first)
        pages.append(page)
        first += len(page.lines)
    return Document(kind="pdf", pages=pages, text=join_pages([p.lines for p in pages]))


def _page(draft: _Draft, first_line: int) -> Page:
    """A draft and the line number its first line gets → Page with lines and tables."""
    lines: list[str] = []
    line_of: dict[int, int] = {}
    for chars in draft.lines:
        text = join_line(chars)
        if text:
            for char in chars:
                line_of[id(char)] = first_line + len(lines)
            lines.append(text)
    tables = [_table(draft, t, line_of) for t in draft.tables]
    return Page(
        number=draft.number,
        lines=lines,
        first_line=first_line,
        tables=tables,
        hidden_chars=draft.hidden,
        image_only=not lines and draft.images > 0,
    )


def _table(draft: _Draft, found, line_of: dict[int, int]) -> Table:
    """A pdfplumber table and the page's char → line map → Table with printed cell texts."""
    chars = [c for line in draft.lines for c in line if inside(c, found.bbox)]
    rows = []
    for row in found.rows:
        band = [c for c in chars if inside(c, row.bbox)]  # narrows the search for each cell
        cells: list[Optional[str]] = []
        in_row: list[Char] = []
        for bbox in row.cells:
            if bbox is None:
                cells.append(None)
                continue
            mine = [c for c in band if inside(c, bbox)]
            in_row.extend(mine)
            cells.append(cell_text(mine))
        rows.append(Row(cells=cells, line=_row_line(in_row, line_of)))
    return Table(page=draft.number, bbox=tuple(round(v, 2) for v in found.bbox), rows=rows)


def _row_line(chars: list[Char], line_of: dict[int, int]) -> Optional[int]:
    """Characters of one row → the line most of them are printed on (the first such line on a tie)."""
    counts = Counter(line_of[id(c)] for c in chars if id(c) in line_of)
    if not counts:
        return None
    best = max(counts.values())
    return min(line for line, n in counts.items() if n == best)

