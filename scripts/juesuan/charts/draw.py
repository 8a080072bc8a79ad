"""Rows of a chart → its Vega-Lite spec (Altair): labelled bars, a pair of years, bars in pairs, years side by side."""

from __future__ import annotations

import altair as alt

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
WIDTH = 560


def _base(rows: list[dict], title: str) -> alt.Chart:
    return alt.Chart(alt.Data(values=rows), title=alt.Title(title, anchor="start", fontSize=14)).properties(width=WIDTH)


def _configure(chart) -> dict:
    # Validation against the Vega-Lite schema is done once, in the tests (tests/test_charts.py), not per build.
    return chart.configure(font=FONT).configure_range(category=PALETTE).configure_view(stroke=None).to_dict(validate=False)


def bars(rows: list[dict], title: str, label: str, value: str, unit: str, color: str | None = None,
         color_title: str = "", value_format: str = ",.2f") -> dict:
    """Horizontal bars with the value written at the end of each bar (no reliance on hover or colour)."""
    y = alt.Y(f"{label}:N", sort=None, title=None, axis=alt.Axis(labelLimit=260))
    x = alt.X(f"{value}:Q", title=unit, axis=alt.Axis(format=",~f"))
    tooltip = [alt.Tooltip(f"{label}:N", title="项目"), alt.Tooltip(f"{value}:Q", title=f"数值（{unit}）", format=value_format)]
    enc = dict(y=y, x=x, tooltip=tooltip)
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=color_title, legend=alt.Legend(orient="bottom"))
        tooltip.append(alt.Tooltip(f"{color}:N", title=color_title))
    else:
        enc["color"] = alt.value(PALETTE[0])
    base = _base(rows, title).properties(height=alt.Step(26))
    marks = base.mark_bar().encode(**enc)
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(
        y=y, x=x, text=alt.Text(f"{value}:Q", format=value_format), tooltip=tooltip)
    return _configure(marks + text)


def year_pair(rows: list[dict], title: str, unit: str) -> dict:
    """Two columns (年度, 金额, 依据, 公式): a previous year's derived value beside this year's."""
    x = alt.X("年度:N", title=None, sort=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("金额:Q", title=unit, axis=alt.Axis(format=",~f"))
    tooltip = [alt.Tooltip("年度:N", title="年度"), alt.Tooltip("金额:Q", title=f"金额（{unit}）", format=",.2f"),
               alt.Tooltip("依据:N", title="依据"), alt.Tooltip("公式:N", title="推算公式")]
    base = _base(rows, title).properties(height=220, width=320)
    marks = base.mark_bar(size=60).encode(x=x, y=y, tooltip=tooltip, color=alt.Color("依据:N", title="数值依据", legend=alt.Legend(orient="bottom")))
    text = base.mark_text(dy=-8, fontSize=12).encode(x=x, y=y, text=alt.Text("金额:Q", format=",.2f"), tooltip=tooltip)
    return _configure(marks + text)


def paired_bars(rows: list[dict], title: str, unit: str) -> dict:
    """Rows (项目, 类别, 金额, 附件): for each item, one bar per 类别 (e.g. budget and executed)."""
    y = alt.Y("项目:N", sort=None, title=None, axis=alt.Axis(labelLimit=300))
    x = alt.X("金额:Q", title=unit, axis=alt.Axis(format=",~f"))
    tooltip = [alt.Tooltip("项目:N", title="项目"), alt.Tooltip("类别:N", title="类别"),
               alt.Tooltip("金额:Q", title=f"金额（{unit}）", format=",.2f"), alt.Tooltip("附件:N", title="出处")]
    base = _base(rows, title).properties(height=alt.Step(18))
    marks = base.mark_bar().encode(y=y, yOffset="类别:N", x=x, color=alt.Color("类别:N", title="类别", legend=alt.Legend(orient="bottom")), tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(y=y, yOffset="类别:N", x=x, text=alt.Text("金额:Q", format=",.2f"), tooltip=tooltip)
    return _configure(marks + text)


def years_side_by_side(rows: list[dict], title: str, unit: str, order: list[str]) -> dict:
    """Rows (年度, 项目, 金额): for each year, one column per 项目 in the given order."""
    x = alt.X("年度:N", title=None, sort=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("金额:Q", title=unit, axis=alt.Axis(format=",~f"))
    tooltip = [alt.Tooltip("年度:N", title="年度"), alt.Tooltip("项目:N", title="项目"), alt.Tooltip("金额:Q", title=f"金额（{unit}）", format=",.2f")]
    base = _base(rows, title).properties(height=240)
    offset = alt.XOffset("项目:N", sort=order)
    marks = base.mark_bar().encode(x=x, xOffset=offset, y=y, tooltip=tooltip,
                                   color=alt.Color("项目:N", title="项目", sort=order, legend=alt.Legend(orient="bottom")))
    text = base.mark_text(dy=-6, fontSize=10).encode(x=x, xOffset=offset, y=y, text=alt.Text("金额:Q", format=",.2f"), tooltip=tooltip)
    return _configure(marks + text)
