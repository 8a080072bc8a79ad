"""Rows of a chart → its Vega-Lite specs (Altair), wide and narrow: labelled bars, a pair of years, bars in pairs, years side by side.

Every drawing is made twice, for the width it is read at (Layout): `wide` for a desktop column
and `narrow` for a phone, both sized to their whole width (axes and labels included), so a chart
is never scaled down and no text is drawn under MIN_FONT CSS px. Long labels and titles wrap
instead of shrinking; in the narrow layout bars at zero are left out and named in a note.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import altair as alt

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
MIN_FONT = 11  # the smallest text of any chart, in CSS px at scale 1
LINE = 14  # line height of a wrapped label


@dataclass(frozen=True)
class Layout:
    """The width a drawing is made for (whole chart, CSS px) and how many characters fit on a line."""

    name: str
    width: int
    label_chars: int  # characters per line of a wrapped axis label
    title_chars: int  # characters per line of the title and notes
    drop_zeros: bool  # leave bars at zero out of the drawing and name them in a note


# Wide fits Material's content column at 1280 px (688 px); narrow fits a 360 px phone (328 px of column).
WIDE = Layout("wide", 680, 20, 46, False)
NARROW = Layout("narrow", 320, 7, 21, True)
LAYOUTS = (WIDE, NARROW)
PAIR = Layout("pair", 400, 20, 28, False)  # two columns need no more, on any screen wider than a phone


def _word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%_-")


def wrap(text: str, chars: int) -> list[str]:
    """Text → lines of at most `chars` characters, broken after punctuation where one is near the end of a line."""
    lines, rest = [], text
    while len(rest) > chars:
        cut = max((i + 1 for i, ch in enumerate(rest[:chars]) if ch in "，、；：。）" and i >= chars * 2 // 3), default=chars)
        start = cut
        while start > 0 and _word(rest[start - 1]) and _word(rest[start]):
            start -= 1  # never inside a number or a Latin word ("100%", "F03"), unless it fills the line
        cut = start or cut
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines + [rest] if rest else lines


def _title(text: str, layout: Layout, note: list[str] | None = None) -> alt.Title:
    lines = wrap(text, layout.title_chars)
    extra = {"subtitle": note, "subtitleFontSize": MIN_FONT} if note else {}
    return alt.Title(lines[0] if len(lines) == 1 else lines, anchor="start", fontSize=14, **extra)


def _label_expr(labels: list[str], chars: int) -> tuple[str | None, int]:
    """Axis labels → a Vega expression that wraps each label every `chars` characters, and the most lines one needs."""
    most = max([-(-len(str(x)) // chars) for x in labels] + [1])
    if most == 1:
        return None, 1
    label = "datum.label"

    def lines(k: int) -> str:
        return "[" + ", ".join(f"substring({label}, {i * chars}, {(i + 1) * chars})" for i in range(k)) + "]"

    expr = lines(most)
    for k in range(most - 1, 0, -1):
        expr = f"length({label}) <= {k * chars} ? {lines(k) if k > 1 else label} : ({expr})"
    return expr, most


def _band_axis(labels: list[str], layout: Layout, limit: int) -> tuple[alt.Axis, int]:
    """A band axis of text labels, wrapped for the layout → (axis, the lines its longest label takes)."""
    expr, most = _label_expr(labels, layout.label_chars)
    extra = {"labelExpr": expr} if expr else {}
    return alt.Axis(labelLimit=min(limit, layout.label_chars * 13), labelLineHeight=LINE, **extra), most


def _zeros(rows: list[dict], value: str, label: str, layout: Layout) -> tuple[list[dict], list[str]]:
    """The rows a layout draws, and the note naming those it leaves out (bars at zero, narrow layout only)."""
    zero = [r for r in rows if r[value] == 0]
    if not layout.drop_zeros or not zero or len(zero) == len(rows):
        return rows, []
    return [r for r in rows if r[value] != 0], wrap("为0未画出：" + "、".join(str(r[label]) for r in zero), layout.title_chars)


def _configure(chart, layout: Layout) -> dict:
    # Validation against the Vega-Lite schema is done once, in the tests (tests/test_charts.py), not per build.
    # The config is written as the dict Altair's configure_* methods make: each of those copies the whole chart, data
    # included, which was most of the time spent building a chart (tests/test_charts.py validates the result).
    spec = chart.properties(width=layout.width, autosize=alt.AutoSizeParams(type="fit-x", contains="padding")).to_dict(validate=False)
    config = spec.setdefault("config", {})  # the theme's view size first, then the rest by name, as Altair writes them
    config.setdefault("view", {})["stroke"] = None
    config.update({"axis": {"labelFontSize": 12, "titleFontSize": MIN_FONT, "titleFontWeight": "normal"}, "font": FONT,
                   "legend": {"labelFontSize": 12, "labelLimit": layout.width - 40, "titleFontSize": MIN_FONT},
                   "range": {"category": list(PALETTE)}, "title": {"subtitleFontSize": MIN_FONT}})
    return spec


def _both(draw, *args, **kwargs) -> tuple[dict, dict]:
    return tuple(draw(*args, layout=layout, **kwargs) for layout in LAYOUTS)


def _room(values: list[float], layout: Layout) -> alt.Scale:
    """The value scale, with room after the longest bar for the number written at its end (fit sizing does not count it)."""
    top = max([v for v in values if v is not None] + [0])
    return alt.Scale(domainMax=top * (1.3 if layout is NARROW else 1.12)) if top > 0 else alt.Scale()


def _value_axis(layout: Layout) -> alt.Axis:
    """The quantitative axis: fewer ticks on a phone, so their labels never run into each other."""
    return alt.Axis(format=",~f", tickCount=4) if layout is NARROW else alt.Axis(format=",~f")


def _legend(layout: Layout) -> alt.Legend:
    return alt.Legend(orient="bottom", direction="vertical" if layout is NARROW else "horizontal")


def _filter(chart, value: str, kept: list[dict], rows: list[dict]):
    return chart.transform_filter(f"datum[{value!r}] != 0") if len(kept) < len(rows) else chart


def bars(rows: list[dict], title: str, label: str, value: str, unit: str, color: str | None = None,
         color_title: str = "", value_format: str = ",.2f") -> tuple[dict, dict]:
    """Horizontal bars with the value written at the end of each bar (no reliance on hover or colour) → (wide, narrow)."""
    return _both(_bars, rows, title, label, value, unit, color, color_title, value_format)


def _bars(rows, title, label, value, unit, color, color_title, value_format, layout: Layout) -> dict:
    kept, note = _zeros(rows, value, label, layout)
    axis, lines = _band_axis([r[label] for r in kept], layout, 260)
    y = alt.Y(f"{label}:N", sort=None, title=None, axis=axis)
    x = alt.X(f"{value}:Q", title=unit, axis=_value_axis(layout), scale=_room([r[value] for r in kept], layout))
    tooltip = [alt.Tooltip(f"{label}:N", title="项目"), alt.Tooltip(f"{value}:Q", title=f"数值（{unit}）", format=value_format)]
    enc = dict(y=y, x=x, tooltip=tooltip)
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=color_title, legend=_legend(layout))
        tooltip.append(alt.Tooltip(f"{color}:N", title=color_title))
    else:
        enc["color"] = alt.value(PALETTE[0])
    base = _filter(alt.Chart(alt.Data(values=rows), title=_title(title, layout, note)), value, kept, rows)
    base = base.properties(height=alt.Step(max(26, lines * LINE + 10)))
    marks = base.mark_bar().encode(**enc)
    text = base.mark_text(align="left", dx=4, fontSize=MIN_FONT).encode(
        y=y, x=x, text=alt.Text(f"{value}:Q", format=value_format), tooltip=tooltip)
    return _configure(marks + text, layout)


def year_pair(rows: list[dict], title: str, unit: str) -> tuple[dict, dict]:
    """Two columns (年度, 金额, 标注, 依据, 公式): a previous year's derived value beside this year's → (wide, narrow)."""
    return _both(_year_pair, rows, title, unit)


def _year_pair(rows, title, unit, layout: Layout) -> dict:
    layout = layout if layout is NARROW else PAIR
    x = alt.X("年度:N", title=None, sort=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("金额:Q", title=unit, axis=alt.Axis(format=",~f"))
    # 标注 is the amount as the site writes it: a derived value rounded on purpose keeps its 约 and its decimals
    tooltip = [alt.Tooltip("年度:N", title="年度"), alt.Tooltip("标注:N", title=f"金额（{unit}）"),
               alt.Tooltip("依据:N", title="依据"), alt.Tooltip("公式:N", title="推算公式")]
    base = alt.Chart(alt.Data(values=rows), title=_title(title, layout)).properties(height=220)
    marks = base.mark_bar(size=60).encode(x=x, y=y, tooltip=tooltip, color=alt.Color("依据:N", title="数值依据", legend=_legend(layout)))
    text = base.mark_text(dy=-8, fontSize=12).encode(x=x, y=y, text=alt.Text("标注:N"), tooltip=tooltip)
    return _configure(marks + text, layout)


def paired_bars(rows: list[dict], title: str, unit: str) -> tuple[dict, dict]:
    """Rows (项目, 类别, 金额, 附件): for each item, one bar per 类别 (e.g. budget and executed) → (wide, narrow)."""
    return _both(_paired_bars, rows, title, unit)


def _paired_bars(rows, title, unit, layout: Layout) -> dict:
    axis, lines = _band_axis(list(dict.fromkeys(r["项目"] for r in rows)), layout, 300)
    kinds = len({r["类别"] for r in rows})
    y = alt.Y("项目:N", sort=None, title=None, axis=axis)
    x = alt.X("金额:Q", title=unit, axis=_value_axis(layout), scale=_room([r["金额"] for r in rows], layout))
    tooltip = [alt.Tooltip("项目:N", title="项目"), alt.Tooltip("类别:N", title="类别"),
               alt.Tooltip("金额:Q", title=f"金额（{unit}）", format=",.2f"), alt.Tooltip("附件:N", title="出处")]
    step = max(18, -(-(lines * LINE + 10) // kinds))  # every wrapped label fits its group of bars
    base = alt.Chart(alt.Data(values=rows), title=_title(title, layout)).properties(height=alt.Step(step))
    offset = alt.YOffset("类别:N", sort=list(dict.fromkeys(r["类别"] for r in rows)))
    color = alt.Color("类别:N", title="类别", sort=list(dict.fromkeys(r["类别"] for r in rows)), legend=_legend(layout))
    marks = base.mark_bar().encode(y=y, yOffset=offset, x=x, color=color, tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, fontSize=MIN_FONT).encode(y=y, yOffset=offset, x=x, text=alt.Text("金额:Q", format=",.2f"), tooltip=tooltip)
    return _configure(marks + text, layout)


def years_side_by_side(rows: list[dict], title: str, unit: str, order: list[str]) -> tuple[dict, dict]:
    """Rows (年度, 项目, 金额): for each year, one column per 项目 in the given order → (wide, narrow)."""
    return _both(_years_side_by_side, rows, title, unit, order)


def _years_side_by_side(rows, title, unit, order, layout: Layout) -> dict:
    x = alt.X("年度:N", title=None, sort=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("金额:Q", title=unit, axis=alt.Axis(format=",~f"))
    tooltip = [alt.Tooltip("年度:N", title="年度"), alt.Tooltip("项目:N", title="项目"), alt.Tooltip("金额:Q", title=f"金额（{unit}）", format=",.2f")]
    base = alt.Chart(alt.Data(values=rows), title=_title(title, layout)).properties(height=240)
    offset = alt.XOffset("项目:N", sort=order)
    marks = base.mark_bar().encode(x=x, xOffset=offset, y=y, tooltip=tooltip,
                                   color=alt.Color("项目:N", title="项目", sort=order, legend=_legend(layout)))
    text = base.mark_text(dy=-6, fontSize=MIN_FONT).encode(x=x, xOffset=offset, y=y, text=alt.Text("金额:Q", format=",.2f"), tooltip=tooltip)
    return _configure(marks + text, layout)


def stamped(spec: dict, lines: list[str], layout: Layout = WIDE) -> dict:
    """A spec → the same with `lines` (unit, year, source URL, licence) under its title, for the exported images."""
    out = copy.deepcopy(spec)
    # A layered chart carries its title in its layers (Altair puts it there): the stamped one has it on top, once.
    title = out.get("title") or next((layer.pop("title") for layer in out.get("layer", []) if "title" in layer), {})
    for layer in out.get("layer", []):
        layer.pop("title", None)
    title = dict(title) if isinstance(title, dict) else {"text": title}
    # Lines wrap to the width (a URL stays whole: it is copied, not read); 11 px text fits more than the 14 px title.
    wrapped = [part for line in lines for part in (wrap(line, layout.title_chars + 14) if "://" not in line else [line])]
    title["subtitle"] = (list(title["subtitle"]) if isinstance(title.get("subtitle"), list) else
                         ([title["subtitle"]] if title.get("subtitle") else [])) + wrapped
    title.update(subtitleFontSize=MIN_FONT, subtitleColor="#333333", subtitlePadding=6)
    out["title"] = title
    return out
