"""mkdocs-macros: a generated page's source path → its content, rendered through its kind's template with its PageContext.

The hook (site/build.py) registers every generated page before rendering starts; the one macro,
`generated_page(src)`, finds it with one lookup and renders it. HTML and Markdown live in templates/.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from juesuan.data.loader import Report
from juesuan.paths import TEMPLATES
from juesuan.site import context, publish, render
from juesuan.site.pages import PageSpec

_jinja = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                     trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_jinja.filters["md"] = render.md_inline
_jinja.filters["slug"] = render.slug
_jinja.filters["amount"] = render.amount


@dataclass(frozen=True)
class Page:
    """A generated page: its spec and what it shows (one report, a unit's reports, or every report)."""

    spec: PageSpec
    reports: tuple[Report, ...]


PAGES: dict[str, Page] = {}  # source path under docs/ → the page; filled by the hook for each build
HOME = "index.md"


def register(page: Page) -> str:
    """Register a generated page; → the Markdown source that renders it (one macro call)."""
    PAGES[page.spec.src] = page
    return f"{{{{ generated_page({page.spec.src!r}) }}}}\n"


def define_env(env) -> None:
    """Register the macro that pages call."""

    def absolute(path: str) -> str:
        """Site-relative path → full URL when site_url is configured, else the path from the site root."""
        base = env.conf.get("site_url") or ""
        return (base.rstrip("/") + "/" + path) if base else "/" + path

    @env.macro
    def generated_page(src: str) -> Markup:
        """A generated page's source path → its rendered content."""
        found = PAGES[src]
        here = env.page.url if env.page else ""
        spec = found.spec
        if spec.kind == "site_home":
            ctx = context.for_site_home(spec, list(found.reports), here, absolute, publish.limit(env.conf, "home_cards_max"))
        elif spec.kind == "compare":
            ctx = context.for_compare_page(spec, list(found.reports), here, absolute)
        else:
            ctx = context.for_report_page(spec, found.reports[0], here, absolute)
        return Markup(_jinja.get_template(spec.template).render(**ctx.variables()))


def on_pre_page_macros(env) -> None:
    """Before a page is rendered: a title from the data must never be read as Jinja.

    mkdocs-macros renders a page title that contains Jinja delimiters (after the page itself), and
    generated pages take their titles from the packages' text; braces are neutralised here, and
    the hook then sets the real, HTML-escaped title.
    """
    if env.page is not None and env.page.title and "{" in env.page.title:
        env.page.title = env.page.title.replace("{", "&#123;")
