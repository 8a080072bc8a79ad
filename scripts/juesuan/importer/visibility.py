"""PDF pages and their characters → the visual lines each page actually shows.

The text layer of a PDF can hold text that no reader sees: WPS prints an overflowing spreadsheet
cell again on the next page and hides the part that does not belong there behind a clipping path,
so the same paragraph sits twice in the text layer. pdfminer ignores clipping, so we look: pdfium
renders each page at 72 dpi, and a character "has ink" when its box holds a pixel darker than
INK. A visual line is shown when at least half of its judged characters have ink (a line cut
through the middle by a clip keeps its punctuation, whose ink sits low in the box). A font with
no ink anywhere in the document is not judged: a machine without that font draws nothing, and
that must not delete the text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import pypdfium2

from .layout import Char, group_lines

SCALE = 1.0  # rendering scale: 1 pixel per point
INK = 230  # a grey level below this (0 black, 255 white) is ink

Ink = list[Optional[bool]]  # per character: True ink, False blank, None not judged


def measure_ink(path: Path, pages: Sequence[tuple[int, tuple, list[Char]]]) -> list[Ink]:
    """PDF path and (page number, page bbox, characters) per page → ink per character."""
    result: list[Ink] = [[None] * len(chars) for _, _, chars in pages]
    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        return result  # pdfium cannot read what pdfminer could: judge nothing
    try:
        for out, (number, bbox, chars) in zip(result, pages):
            if chars and number <= len(pdf):
                try:
                    _page_ink(pdf[number - 1], bbox, chars, out)
                except pypdfium2.PdfiumError:
                    continue  # pdfium cannot draw this page: its characters stay unjudged
    finally:
        pdf.close()
    return result


def _page_ink(page: pypdfium2.PdfPage, bbox: tuple, chars: list[Char], out: Ink) -> None:
    """One pdfium page, its bbox and characters → out[i] set to whether character i has ink."""
    image = page.render(scale=SCALE, grayscale=True).to_pil()
    x0, top, x1, bottom = bbox
    width, height = image.size
    if abs(width - (x1 - x0) * SCALE) > 2 or abs(height - (bottom - top) * SCALE) > 2:
        return  # rotated or unusual page boxes: coordinates would not match, judge nothing
    for i, char in enumerate(chars):
        box = (
            max(0, int((char["x0"] - x0) * SCALE)),
            max(0, int((char["top"] - top) * SCALE)),
            min(width, int((char["x1"] - x0) * SCALE) + 1),
            min(height, int((char["bottom"] - top) * SCALE) + 1),
        )
        out[i] = box[0] < box[2] and box[1] < box[3] and image.crop(box).getextrema()[0] < INK


def inked_fonts(pages: Sequence[list[Char]], inks: Sequence[Ink]) -> set[str]:
    """Characters and ink of every page → fonts that showed ink somewhere (the judged fonts)."""
    return {c["fontname"] for chars, ink in zip(pages, inks) for c, has in zip(chars, ink) if has}


def shown_lines(chars: list[Char], ink: Ink, judged: set[str]) -> tuple[list[list[Char]], int]:
    """A page's characters, their ink and the judged fonts → (lines shown, characters hidden)."""
    ink_of = {id(c): has for c, has in zip(chars, ink) if has is not None and c["fontname"] in judged}
    shown: list[list[Char]] = []
    hidden = 0
    for line in group_lines(chars):
        votes = [ink_of[id(c)] for c in line if id(c) in ink_of]
        if 2 * sum(votes) >= len(votes):
            shown.append(line)
        else:
            hidden += len(line)
    return shown, hidden
