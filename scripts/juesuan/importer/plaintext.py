"""UTF-8 text → Document whose text is the file's text unchanged, split into pages at form feeds.

Line n is ``text.split("\\n")[n - 1]``, exactly as juesuan.data.source_text numbers the source
file. A page ends at a form feed; the newline just before a form feed ends the page's last line,
so "a\\nb\\n\\fc" is page 1 = lines 1-2 ("a", "b") and page 2 = line 3 ("c", printed "\\fc"). A
final newline ends the last line and starts none. A text has no tables at this layer: flattened
tables in text are the parser's business.
"""

from __future__ import annotations

from .model import Document, Page


def split_pages(text: str) -> list[Page]:
    """Text → its pages, with each page's lines and the number of its first line."""
    chunks = text.split("\f")
    pages = []
    line = 1
    for number, chunk in enumerate(chunks, start=1):
        pieces = chunk.split("\n")
        if len(pieces) > 1 and pieces[-1] == "":
            pieces.pop()  # the newline ended the last line; what follows belongs to the next page
        elif pieces == [""]:
            pieces = []  # an empty page (two form feeds in a row, or a form feed at the very end)
        lines = [piece.removesuffix("\r") for piece in pieces]
        pages.append(Page(number=number, lines=lines, first_line=line))
        line += chunk.count("\n")
    if len(pages) > 1 and not pages[-1].lines:
        pages.pop()  # a form feed that closes the last page does not open another
    return pages


def extract_text(text: str) -> Document:
    """Decoded text → Document of kind "text" (text kept byte for byte)."""
    return Document(kind="text", pages=split_pages(text), text=text)
