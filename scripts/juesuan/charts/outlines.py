"""A static chart SVG → the same drawing with its text as the chart font's glyph outlines: what the PNG is rasterised from.

Why: resvg (in vl-convert) looks the font up and opens it again for every text element it lays
out, about 4 ms each and 100 ms a chart, most of a chart's build time. Text set here in the
font's own outlines (fontTools, each glyph read once per process) and advance widths (the ones
Vega measured the text with: charts/widths.py) rasterises in a third of that, to the same
pixels, except that resvg kerns Latin pairs and this does not: a long Latin line (the stamp's
address) may end a pixel apart (tests/test_chart_outlines.py compares every chart of the report).

Only what Vega writes and this module understands is outlined: a <text> with a translate/rotate
transform, a px size, the chart font first in its family list, normal or bold weight, a fill
and opacity, and lines as <tspan x="…" dy="…">, every character in the font, no space that SVG
would strip or collapse (leading, trailing, doubled, tab, newline). Any other text is
left as it is for resvg to lay out, as before, so nothing is ever drawn differently or dropped.
"""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache

from juesuan.charts import widths

TEXT = re.compile(r"<text ([^<>]*)>((?:[^<]|<tspan[^<>]*>[^<]*</tspan>)*)</text>")
TSPAN = re.compile(r"<tspan([^<>]*)>([^<]*)</tspan>")
ATTR = re.compile(r'\s*([a-z-]+)="([^"<>]*)"')
NUMBER = r"-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?"
TRANSFORM = re.compile(rf"(?:\s*(?:translate|rotate|scale)\({NUMBER}(?:[ ,]{NUMBER}){{0,2}}\))*\s*")
SIZE = re.compile(rf"({NUMBER})px")
WEIGHTS = {"normal": "regular", "400": "regular", "bold": "bold", "700": "bold"}
ANCHORS = {"start": 0.0, "middle": 0.5, "end": 1.0}
PAINT = ("fill", "opacity", "fill-opacity")
KNOWN = {"text-anchor", "transform", "font-family", "font-size", "font-weight", *PAINT,
         "aria-label", "role", "aria-roledescription"}  # the last three do not draw


class _Face:
    """One face of the chart font: its cmap, advances and glyph outlines (recorded once each)."""

    def __init__(self, weight: str):
        from fontTools.ttLib import TTFont  # imported here: only a build that rasterises charts reads the font

        path, index = widths.font_file(widths.family(), weight)
        self.font = TTFont(str(path), fontNumber=index, lazy=True)
        self.em = self.font["head"].unitsPerEm
        self.cmap = self.font.getBestCmap()
        self.advances = self.font["hmtx"].metrics
        self.glyphs = self.font.getGlyphSet()
        self.drawn: dict[str, str] = {}
        self.lock = threading.Lock()

    def outline(self, text: str) -> tuple[str, float]:
        """A line of text → (its glyphs as SVG paths in font units, baseline at 0; its advance width)."""
        paths, x = [], 0
        for ch in text:
            glyph = self.cmap[ord(ch)]
            d = self.drawn.get(glyph)
            if d is None:
                d = self.drawn[glyph] = self._draw(glyph)
            if d:
                paths.append(f'<path transform="translate({x},0)" d="{d}"/>' if x else f'<path d="{d}"/>')
            x += self.advances[glyph][0]
        return "".join(paths), x

    def _draw(self, glyph: str) -> str:
        from fontTools.pens.svgPathPen import SVGPathPen

        pen = SVGPathPen(None, ntos=_number)
        with self.lock:  # fontTools decompiles glyphs lazily: one thread at a time
            self.glyphs[glyph].draw(pen)
        return pen.getCommands()


@lru_cache(maxsize=None)
def _face(weight: str) -> _Face:
    return _Face(weight)


def release() -> None:
    """The font's faces read so far → dropped (about 60 MB; read again if a chart is drawn later)."""
    _face.cache_clear()


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _lines(body: str) -> list[tuple[float, float, str]] | None:
    """A <text>'s content → [(x, y, line)], or None when its tspans are not Vega's lines."""
    if "<" not in body:
        return [(0.0, 0.0, html.unescape(body))]
    spans = TSPAN.findall(body)
    if TSPAN.sub("", body) or not spans:
        return None
    lines, y = [], 0.0
    for i, (attrs, text) in enumerate(spans):
        found = dict(ATTR.findall(attrs))
        if ATTR.sub("", attrs) or (i == 0 and found) or (i and set(found) != {"x", "dy"}):
            return None
        try:
            x = float(found.get("x", 0))
            y += float(found.get("dy", 0))
        except ValueError:
            return None
        lines.append((x, y, html.unescape(text)))
    return lines


def _outlined(match: re.Match) -> str:
    head, body = match.group(1), match.group(2)
    attrs = dict(ATTR.findall(head))
    size = SIZE.fullmatch(attrs.get("font-size", ""))
    weight = WEIGHTS.get(attrs.get("font-weight", "normal"))
    family = attrs.get("font-family", "").split(",")[0].strip()
    anchor = ANCHORS.get(attrs.get("text-anchor", "start"))
    lines = _lines(body)
    if (ATTR.sub("", head) or set(attrs) - KNOWN or not size or weight is None or anchor is None
            or family != widths.family() or not TRANSFORM.fullmatch(attrs.get("transform", "")) or lines is None):
        return match.group(0)
    if any(line != line.strip() or "  " in line or any(c in line for c in "\t\n\r") for _, _, line in lines):
        return match.group(0)  # spaces SVG collapses or strips (xml:space default): resvg's to lay out
    face = _face(weight)
    if any(ord(ch) not in face.cmap for _, _, line in lines for ch in line):
        return match.group(0)  # a character the font lacks: resvg falls back to another font for it
    scale = float(size.group(1)) / face.em
    paint = "".join(f' {name}="{attrs[name]}"' for name in PAINT if name in attrs)
    paths = []
    for x, y, line in lines:
        if not line:
            continue
        glyphs, advance = face.outline(line)
        place = f"translate({_number(x)},{_number(y)}) scale({scale!r},{-scale!r}) translate({_number(-advance * anchor)},0)"
        paths.append(f'<g transform="{place}">{glyphs}</g>')
    return f'<g transform="{attrs.get("transform", "")}"{paint}>{"".join(paths)}</g>'


def outlined(svg: str) -> str:
    """A static chart SVG (Vega's) → the same SVG with every text it can set drawn as glyph outlines."""
    return TEXT.sub(_outlined, svg)
