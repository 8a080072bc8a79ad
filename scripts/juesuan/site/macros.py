"""mkdocs-macros module: page → its content, rendered from the packages through templates/ (HTML and Markdown live there, not here)."""

from __future__ import annotations


from jinja2 import Environment, FileSystemLoader, StrictUndefined  # noqa: E402
from markupsafe import Markup  # noqa: E402

from juesuan.charts import files as chart_files  # noqa: E402
from juesuan import charts  # noqa: E402
from juesuan import checks  # noqa: E402
from juesuan.site import citation  # noqa: E402
from juesuan.site import downloads  # noqa: E402
from juesuan.site import render  # noqa: E402
from juesuan.site import pages as site_pages  # noqa: E402
from juesuan.site import views  # noqa: E402
from juesuan.data.loader import reports  # noqa: E402
from juesuan.paths import TEMPLATES  # noqa: E402

_jinja = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                     trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_jinja.filters["md"] = render.md_inline
_jinja.filters["slug"] = render.slug
_jinja.filters["amount"] = render.amount
_jinja.globals.update(cn_number=site_pages.cn_number, charts=charts, chart_files=chart_files, views=views, render=render,
                      downloads=downloads, citation=citation)


def _find(slug: str):
    for report in reports():
        if report.slug == slug:
            return report
    raise KeyError(f"no report package named {slug!r} under datapackage/")


def _urls(specs) -> dict[str, str]:
    """Page specs of a report → URL by kind (and by kind:key for the kinds with many pages)."""
    return {s.kind if s.kind not in ("section", "performance", "table") else f"{s.kind}:{s.key}": s.url for s in specs}


def define_env(env) -> None:
    """Register the macros that pages call."""

    def page_url() -> str:
        return env.page.url if env.page else ""

    def absolute(path: str) -> str:
        """Site-relative path → full URL when site_url is configured, else the path from the site root."""
        base = env.conf.get("site_url") or ""
        return (base.rstrip("/") + "/" + path) if base else "/" + path

    @env.macro
    def report_page(slug: str, kind: str, key: str) -> Markup:
        """A generated page of one report → its rendered content."""
        report = _find(slug)
        specs = site_pages.pages(report)
        spec = next(s for s in specs if s.kind == kind and s.key == key)
        urls = _urls(specs)
        here = page_url()
        prose = render.Prose(report, here, urls)
        results, _ = checks.run(report)
        context = dict(report=report, spec=spec, specs=specs, prose=prose, urls=urls, checks=results,
                       link=lambda target: render.relative(here, target), absolute=absolute)
        return Markup(_jinja.get_template(f"pages/{kind}.md.j2").render(**context))

    @env.macro
    def unit_page(unit_id: str) -> Markup:
        """A unit's year-on-year comparison page."""
        unit_reports = site_pages.units(reports())[unit_id]
        spec = site_pages.compare_page(unit_id, unit_reports)
        here = page_url()
        homes = {r.slug: next(s for s in site_pages.pages(r) if s.kind == "report_home").url for r in unit_reports}
        return Markup(_jinja.get_template("pages/compare.md.j2").render(
            unit_reports=unit_reports, spec=spec, homes=homes, compare_charts=charts.compare(unit_reports),
            link=lambda target: render.relative(here, target), absolute=absolute))

    @env.macro
    def site_home() -> Markup:
        """The site's home page: every report, newest first."""
        found = sorted(reports(), key=lambda r: (-r.meta["year"], r.meta["unit"]))
        here = page_url()
        homes = []
        for r in found:
            specs = site_pages.pages(r)
            homes.append((r, next(s for s in specs if s.kind == "report_home"), render.Prose(r, here, _urls(specs))))
        return Markup(_jinja.get_template("pages/site_home.md.j2").render(
            homes=homes, link=lambda target: render.relative(here, target), render=render, views=views,
            title=site_pages.report_title))


def on_pre_page_macros(env) -> None:
    """Before a page is rendered: a title from the data must never be read as Jinja.

    mkdocs-macros renders a page title that contains Jinja delimiters (after the page itself), and
    generated pages take their titles from the packages' text; braces are neutralised here, and
    hooks/reports.py then sets the real, HTML-escaped title.
    """
    if env.page is not None and env.page.title and "{" in env.page.title:
        env.page.title = env.page.title.replace("{", "&#123;")
