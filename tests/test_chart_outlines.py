"""Chart text set in the font's glyph outlines before rasterising (juesuan/charts/outlines.py): the PNG resvg would draw from the text, faster."""

from __future__ import annotations

import io
import json
import re

import vl_convert as vlc
from PIL import Image, ImageChops

from juesuan import charts
from juesuan.charts import files, outlines, svg, widths
from juesuan.charts.draw import stamped
from juesuan.data.loader import reports

FONT = 'font-family="Noto Sans CJK SC, sans-serif"'
PLACE = re.compile(r'<g transform="translate\(([-\d.]+),([-\d.]+)\) scale\(([-\d.e]+),([-\d.e]+)\) translate\(([-\d.]+),0\)">')


def _svg(*texts: str) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="80" viewBox="0 0 300 80">'
            '<rect width="300" height="80" fill="white"/><g fill="none">' + "".join(texts) + "</g></svg>")


def _grey(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def _advance(text: str, weight: str = "regular") -> float:
    """The advance of a line from the width table Vega measures with (1/1000 em; the font's em is 1000)."""
    table = json.loads(widths.table_path().read_text(encoding="utf-8"))[weight]
    return sum(next(a for first, last, a in table["runs"] if first <= ord(ch) <= last) for ch in text)


def _far(a: Image.Image, b: Image.Image) -> int:
    """How many pixels of two images differ by more than a quarter of the grey scale."""
    return sum(ImageChops.difference(a, b).histogram()[65:])


def test_every_chart_of_the_report_rasterises_as_from_its_text():
    """All text of the report's 14 stamped chart images is outlined, and the PNG is the one resvg draws from the text:
    the same size and ink extent, and under 1% of pixels apart (resvg kerns Latin pairs such as those of the stamp's
    address; the outlines are placed by the advances Vega measured with, so a long Latin line may end a pixel apart)."""
    report = reports()[0]
    images = [svg.to_svg(files.vega_spec(c, stamped(c.spec, c.stamp)), c.id) for c in charts.charts(report)]
    assert len(images) == 14
    assert sum(image.count("<text") for image in images) == 371
    for image in images:
        drawn = outlines.outlined(image)
        assert "<text" not in drawn
        theirs, ours = _grey(vlc.svg_to_png(image, scale=2)), _grey(vlc.svg_to_png(drawn, scale=2))
        assert ours.size == theirs.size
        ink_theirs, ink_ours = ImageChops.invert(theirs).getbbox(), ImageChops.invert(ours).getbbox()
        assert all(abs(x - y) <= 4 for x, y in zip(ink_ours, ink_theirs)), (ink_ours, ink_theirs)
        assert _far(ours, theirs) < ours.size[0] * ours.size[1] // 100


def test_words_and_numbers_fall_on_the_same_pixels():
    """Chinese, digits and punctuation (no kerning pairs): every pixel within a quarter of the grey scale, in each anchor and weight."""
    image = _svg(f'<text text-anchor="start" transform="translate(5,20)" {FONT} font-size="14px" fill="#000">财政拨款收入 4292.88万元</text>',
                 f'<text text-anchor="middle" transform="translate(150,45)" {FONT} font-size="12px" font-weight="bold" fill="#333">（2080505）100%</text>',
                 f'<text text-anchor="end" transform="translate(295,70) rotate(-3)" {FONT} font-size="11px" fill="#000" opacity="0.8">附件1：260.70</text>')
    drawn = outlines.outlined(image)
    assert "<text" not in drawn
    assert _far(_grey(vlc.svg_to_png(drawn, scale=2)), _grey(vlc.svg_to_png(image, scale=2))) == 0


def test_lines_are_placed_by_the_measured_advances():
    """Escaped characters are drawn as themselves; each tspan line is anchored on its own width, dy below the last."""
    drawn = outlines.outlined(_svg(f'<text text-anchor="end" transform="translate(200,20)" {FONT} font-size="10px" fill="#000">'
                                   '<tspan>A&amp;B&lt;</tspan><tspan x="0" dy="13">万元</tspan><tspan x="4" dy="13">1</tspan></text>'))
    places = [tuple(float(v) for v in m) for m in PLACE.findall(drawn)]
    assert places == [(0, 0, 0.01, -0.01, -_advance("A&B<")), (0, 13, 0.01, -0.01, -2000), (4, 26, 0.01, -0.01, -555)]
    assert drawn.count("<path") == 7
    assert '<g transform="translate(200,20)" fill="#000">' in drawn


def test_text_it_cannot_set_is_left_to_resvg():
    """A character the font lacks, a stroke, a style, another font first, a tspan of another shape, spaces SVG would strip or
    collapse: left as text, unchanged."""
    kept = [f'<text transform="translate(5,20)" {FONT} font-size="12px" fill="#000">乐\U0001F600</text>',
            f'<text transform="translate(5,20)" {FONT} font-size="12px" fill="#000" stroke="red">乐</text>',
            f'<text transform="translate(5,20)" {FONT} font-size="12px" font-style="italic" fill="#000">乐</text>',
            '<text transform="translate(5,20)" font-family="serif, Noto Sans CJK SC" font-size="12px" fill="#000">乐</text>',
            f'<text transform="translate(5,20)" {FONT} font-size="1em" fill="#000">乐</text>',
            f'<text transform="translate(5,20)" {FONT} font-size="12px" font-weight="300" fill="#000">乐</text>',
            f'<text transform="skewX(5)" {FONT} font-size="12px" fill="#000">乐</text>',
            f'<text transform="translate(5,20)" {FONT} font-size="12px" fill="#000"><tspan>乐</tspan><tspan y="4">乐</tspan></text>',
            f'<text transform="translate(5,20)" {FONT} font-size="12px" fill="#000"><tspan x="1" dy="2">乐</tspan></text>',
            f'<text transform="translate(5,20)" {FONT} font-size="12px" fill="#000"> 乐</text>',
            f'<text transform="translate(5,20)" {FONT} font-size="12px" fill="#000">乐  乐</text>',
            f'<text transform="translate(5,20)" {FONT} font-size="12px" fill="#000"><tspan>乐</tspan><tspan x="0" dy="13">乐	</tspan></text>']
    for text in kept:
        assert outlines.outlined(_svg(text)) == _svg(text), text
