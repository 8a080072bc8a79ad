"""A page to render (its spec and report, or a unit's reports) → PageContext: every variable its template may use.

Templates see exactly the fields of PageContext (and the filters set in site/macros.py); partials
are imported `with context` and take only their subject as arguments. Nothing here or in a
template reads a file: downloads and chart files are made before pages are rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Callable

from juesuan import charts, checks
from juesuan.checks import Check
from juesuan.data.loader import Report
from juesuan.site import citation, downloads, findings, pages, render, sheets, views
from juesuan.site.pages import PageSpec, Urls


@dataclass
class PageContext:
    """The variables of a page template."""

    spec: PageSpec  # the page: kind, key, title, URL
    here: str  # the page's site-relative URL
    link: Callable[[str], str]  # site-relative URL → a link relative to this page
    absolute: Callable[[str], str]  # site-relative URL → the full URL (site_url), for citations
    report: Report | None = None  # the report the page belongs to (None on the home and comparison pages)
    specs: list[PageSpec] = field(default_factory=list)  # every page of that report, in reading order
    urls: Urls | None = None  # the report's URLs, by page kind
    prose: render.Prose | None = None  # text with [[figure]] references → linked, escaped HTML
    checks: list[Check] = field(default_factory=list)  # the report's checks
    files: downloads.Files | None = None  # the report's downloads, already made
    unit_reports: list[Report] = field(default_factory=list)  # comparison page: the unit's reports
    homes: list[tuple[Report, PageSpec, render.Prose | None, Urls]] = field(default_factory=list)  # site home: every report (prose: cards only)
    cards: bool = True  # site home: a card (figures, chart) per report; else one row per report, by unit (many reports)
    by_unit: list[tuple[str, list]] = field(default_factory=list)  # site home: (unit, its entries of homes), units by name
    compare_charts: list = field(default_factory=list)  # comparison page: its charts
    home_urls: dict[str, str] = field(default_factory=dict)  # comparison page: report slug → its home page URL
    def variables(self) -> dict:
        """The template's variables: the fields above plus the modules whose pure functions
        templates call (shapes and text, no I/O)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(charts=charts, views=views, citation=citation, cn_number=pages.cn_number, render=render, findings=findings,
                   sheets=sheets)
        return out


def for_report_page(spec: PageSpec, report: Report, here: str, absolute: Callable[[str], str]) -> PageContext:
    """A page of one report → its context."""
    specs = pages.pages(report)
    urls = Urls(report, specs)
    return PageContext(spec=spec, here=here, link=lambda target: render.relative(here, target), absolute=absolute,
                       report=report, specs=specs, urls=urls, prose=render.Prose(report, here, urls),
                       checks=checks.run(report)[0], files=downloads.Files(report))


def for_compare_page(spec: PageSpec, unit_reports: list[Report], here: str, absolute: Callable[[str], str]) -> PageContext:
    """A unit's comparison page → its context."""
    return PageContext(spec=spec, here=here, link=lambda target: render.relative(here, target), absolute=absolute,
                       unit_reports=unit_reports, compare_charts=charts.compare(unit_reports),
                       home_urls={r.slug: pages.pages(r)[0].url for r in unit_reports})


def for_site_home(spec: PageSpec, reports: list[Report], here: str, absolute: Callable[[str], str],
                  cards_max: int | None = None) -> PageContext:
    """The site's home page → its context: every report, newest first; with more than cards_max reports (mkdocs.yml
    extra.home_cards_max) one row each, grouped by unit, instead of a card each (the home page stays light)."""
    cards = cards_max is None or len(reports) <= cards_max
    homes = []
    for r in sorted(reports, key=lambda r: (-r.meta["year"], r.meta["unit"])):
        specs = pages.pages(r)
        urls = Urls(r, specs)
        # a row (many reports) writes no prose: its reader of codes and terms is not made (0.7 s at 300 reports)
        homes.append((r, specs[0], render.Prose(r, here, urls) if cards else None, urls))
    by_unit: dict[str, list] = {}  # by unit_id, as the nav (pages.units): two units of one name stay two
    for entry in homes:  # newest year first
        by_unit.setdefault(entry[0].meta["unit_id"], []).append(entry)
    grouped = sorted(((entries[0][0].meta["unit"], entries) for entries in by_unit.values()),  # named as in its newest year
                     key=lambda g: (g[0], g[1][0][0].meta["unit_id"]))
    return PageContext(spec=spec, here=here, link=lambda target: render.relative(here, target), absolute=absolute, homes=homes,
                       cards=cards, by_unit=grouped)
