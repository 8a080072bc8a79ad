"""A chart and its report → the lines stamped on its exported images: whose report and which year, the page's full URL, the licence.

An image saved from the site and passed on keeps what a reader needs to trace it: the title is
already in the drawing; the stamp adds the unit and year, the URL of the page that shows the
chart (SITE_URL + the page's path, as citations give it) and the package's licence (descriptor
`licenses`, else its `terms_of_reuse`). Every word comes from the package or the site's address.
"""

from __future__ import annotations

from juesuan.charts.model import HOME
from juesuan.data.loader import Report
from juesuan.paths import SITE_URL
from juesuan.site import pages as site_pages


def page_of(report: Report, place: str) -> str:
    """A chart's place (a section id, or HOME) → the site-relative URL of the page that shows it."""
    specs = site_pages.pages(report)
    if place == HOME:
        return specs[0].url
    sid = place
    while sid:  # a subsection is shown on the page of the nearest section above it that has one
        sec = report.sections[sid]
        for spec in specs:
            if spec.key == sid or (spec.kind == "performance" and spec.key == sec["number"]):
                return spec.url
        sid = sec["parent"]
    raise KeyError(f"no page of {report.slug} shows section {place!r}")


def url(page: str, chart_id: str) -> str:
    """A site-relative page URL and a chart id → the chart's full URL (its figure's anchor on that page)."""
    return f"{SITE_URL.rstrip('/')}/{page}#chart-{chart_id}"


def licence(report: Report) -> str:
    """The package's licence as one line: its `licenses` (title and path), else its terms of reuse."""
    found = report.descriptor.get("licenses") or []
    if found:
        return "许可：" + "；".join(" ".join(x for x in (lic.get("title") or lic.get("name"), lic.get("path")) if x) for lic in found)
    return "使用条件：" + (report.descriptor.get("terms_of_reuse") or "数据包未载明")


def whose(report: Report) -> str:
    """The report's unit, year and kind as one line ("某某中心 · 2021年度单位决算")."""
    meta = report.meta
    return f"{meta['unit']} · {meta['year']}年度{meta.get('kind', '')}"


def lines(report: Report, page: str, chart_id: str) -> list[str]:
    """The stamp of one chart: unit and year, source URL, licence."""
    return [whose(report), "来源：" + url(page, chart_id), licence(report)]


def unit_lines(ordered: list[Report], chart_id: str) -> list[str]:
    """The stamp of a unit's comparison chart (its reports oldest first): unit and years, source URL, the newest licence."""
    first, last = ordered[0], ordered[-1]
    page = site_pages.compare_page(last.meta["unit_id"], ordered).url
    years = f"{first.meta['year']}–{last.meta['year']}年度{last.meta.get('kind', '')}"
    return [f"{last.meta['unit']} · {years}", "来源：" + url(page, chart_id), licence(last)]
