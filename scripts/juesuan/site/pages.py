"""A Report (and its format) → the pages the site builds for it, their URLs and the site's navigation.

Which pages a report gets is decided by what its package holds and by its format's parts (no
section id is written here); how each kind of page is named and where it lives is the table in
site/kinds.py. The same list drives the MkDocs hook (page files, nav) and the macros (rendering).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from juesuan.data.loader import Report
from juesuan.site.kinds import KINDS, SINGLE

CN_NUMERALS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 11 → 十一, 15 → 十五, 20 → 二十 (table and section numbers)."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMERALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class PageSpec:
    """One generated page of a report (or of a unit, for the comparison page)."""

    report: str  # report slug (package folder name), or unit id for a unit's page
    kind: str  # a key of site.kinds.KINDS
    key: str  # what the page shows: a section id, table resource name, form, …
    src: str  # source path relative to docs/
    title: str
    description: str
    nav: str  # its label in the nav

    @property
    def url(self) -> str:
        """Site-relative URL (directory URLs)."""
        return url_of(self.src)

    @property
    def template(self) -> str:
        return KINDS[self.kind].template


def url_of(src: str) -> str:
    """A page's source path under docs/ → its site-relative directory URL ('a/index.md' → 'a/', 'a/b.md' → 'a/b/')."""
    stem = src[: -len(".md")]
    return stem[: -len("index")] if stem.endswith("index") else stem + "/"


def spec(kind: str, slug: str, who: str, key: str = "", nav_label: str | None = None, **fields) -> PageSpec:
    """A kind, whose page and the values its patterns use → the page's spec; nav_label (the format's short
    label, when it has one) replaces the kind's nav label."""
    k = KINDS[kind]
    values = dict(fields, slug=slug, who=who)
    title = k.title.format(**values)
    return PageSpec(slug, kind, key, k.src.format(**values), title, k.description.format(**values),
                    nav_label or (k.nav.format(**values) if k.nav else title))


def nav_label(part: dict) -> str:
    """A part of the format → its label in the nav: the short one a citizen understands ("收入", "附表"),
    else the official one ("第二部分 决算情况说明"). Pages keep the official titles."""
    return part.get("nav_label") or part["nav"]


def section_label(report: Report, role: str, title: str) -> str | None:
    """A section's title → the short nav label its part gives it (format parts.<role>.nav_labels), or None."""
    return ((report.format.get("parts") or {}).get(role, {}).get("nav_labels") or {}).get(title)


def table_label(report: Report, number: int) -> str | None:
    """A table number → the short nav label the format's table gives it (tables.<alias>.nav_label), or None."""
    return next((t.get("nav_label") for t in (report.format.get("tables") or {}).values() if t.get("number") == number), None)


class Urls:
    """The URLs of one report's pages: by kind (one-page kinds) or by kind and key; plus package and download paths."""

    def __init__(self, report: Report, specs: list[PageSpec]):
        self.slug = report.slug
        self._by = {(s.kind, s.key if s.kind not in SINGLE else ""): s.url for s in specs}

    def of(self, kind: str, key: str = "") -> str:
        """Page kind (and key for kinds with many pages) → site-relative URL."""
        return self._by[(kind, key)]

    def package_file(self, path: str) -> str:
        """A file of the package, as published byte for byte under <slug>/package/."""
        return f"{self.slug}/package/{path}"

    def download(self, name: str) -> str:
        """A generated download (XLSX, JSON, zip, checksums) under <slug>/downloads/."""
        return f"{self.slug}/downloads/{name}"

    def chart(self, folder: str, chart_id: str, suffix: str) -> str:
        """A chart file: <folder>/charts/<id>.<suffix> (folder: a report's slug or a unit id)."""
        return f"{folder}/charts/{chart_id}.{suffix}"


# The roles the site lays out in their own way; any other role of a format gets one page of its own.
KNOWN_ROLES = ("overview", "explanation", "glossary", "forms", "tables")
ROLE = re.compile(r"^[a-z][a-z_]*$")  # a role names a URL segment


def parts(report: Report) -> dict[str, dict]:
    """The format's parts (overview, explanation, glossary, forms, tables) that this package holds."""
    found = {}
    for role, part in (report.format.get("parts") or {}).items():
        if not ROLE.match(role):
            raise ValueError(f"format {report.format['id']}: part role {role!r} is not lower-case letters and underscores")
        if "section" not in part or part["section"] in report.sections:
            found[role] = part
    return found


def pages(report: Report) -> list[PageSpec]:
    """Every page of one report, in reading order; a part the package lacks has no page."""
    slug, who = report.slug, report.title
    part_of = parts(report)
    n_tables = len(report.table_resources)
    out = [spec("report_home", slug, who, tables_cn=cn_number(n_tables) if n_tables else "")]
    if "overview" in part_of:
        p = report.sections[part_of["overview"]["section"]]
        out.append(spec("part", slug, who, p["id"], number=p["number"], title=p["title"], summary=part_of["overview"].get("summary", "")))
    explained_alone = False  # an explanation written as one text, without numbered sections, is one page
    if "explanation" in part_of:
        for i, sec in enumerate(report.children(part_of["explanation"]["section"]), 1):
            out.append(spec("section", slug, who, sec["id"], section_label(report, "explanation", sec["title"]),
                            i=i, number=sec["number"], title=sec["title"]))
        explained_alone = not report.children(part_of["explanation"]["section"])
    if "glossary" in part_of:
        out.append(spec("glossary", slug, who, part_of["glossary"]["section"]))
    for role, part in part_of.items():
        if (role not in KNOWN_ROLES or (role == "explanation" and explained_alone)) and "section" in part:
            p = report.sections[part["section"]]
            out.append(spec("other_part", slug, who, p["id"], role=role, number=p["number"], title=p["title"]))
    for i, proj in enumerate(report.rows.get("performance_projects", []), 1):
        out.append(spec("performance", slug, who, proj["form"], i=i, form=proj["form"], project=proj["project"]))
    unit = report.meta.get("amount_unit") or report.format.get("amount_unit", "万元")
    for res in report.table_resources:
        n = res["table_number"]
        out.append(spec("table", slug, who, res["name"], table_label(report, n), n=n, n_cn=cn_number(n),
                        table_title=res["table_title"], unit=unit))
    for kind in ("figures", "checks", "data"):
        out.append(spec(kind, slug, who))
    return out


def units(reports: list[Report]) -> dict[str, list[Report]]:
    """Reports → by unit id (in the order of the units' names), each unit's reports newest first."""
    grouped: dict[str, list[Report]] = {}
    for r in sorted(reports, key=lambda r: (r.meta["unit"], -r.meta["year"])):
        grouped.setdefault(r.meta["unit_id"], []).append(r)
    return grouped


def comparable(unit_reports: list[Report]) -> list[Report]:
    """A unit's reports (newest first) → those of the newest one's kind (决算 with 决算, 预算 with 预算), one per year."""
    if not unit_reports:
        return []
    kind, seen, out = unit_reports[0].meta["kind"], set(), []
    for r in unit_reports:
        if r.meta["kind"] == kind and r.meta["year"] not in seen:
            seen.add(r.meta["year"])
            out.append(r)
    return out


def compare_page(unit_id: str, unit_reports: list[Report]) -> PageSpec | None:
    """A unit with two or more years of the same kind of report → its year-on-year comparison page."""
    unit_reports = comparable(unit_reports)
    if len(unit_reports) < 2:
        return None
    years = sorted(r.meta["year"] for r in unit_reports)
    return spec("compare", unit_id, unit_reports[0].meta["unit"], unit_id, first=years[0], last=years[-1])


def site_nav(reports: list[Report]) -> list:
    """Every report → the site nav: home, then by unit (comparison first) and year, then about."""
    entries: list = [{"首页": "index.md"}]
    for unit_id, unit_reports in units(reports).items():
        items: list = []
        cmp = compare_page(unit_id, unit_reports)
        if cmp:
            items.append(_item(cmp))
        for r in unit_reports:
            items.extend(nav(r))
        entries.append({html.escape(unit_reports[0].meta["unit"]): items})
    entries.append({"关于本站": "about.md"})
    return entries


def _item(s: PageSpec, label: str | None = None) -> dict:
    return {html.escape(label or s.nav): s.src}  # Material prints nav titles unescaped


def nav(report: Report) -> list:
    """One report's pages → its MkDocs nav entry: the format's parts in order, then the register, checks and data."""
    specs = pages(report)
    by_kind: dict[str, list[PageSpec]] = {}
    for s in specs:
        by_kind.setdefault(s.kind, []).append(s)
    part_of = parts(report)
    grouped = {"overview": "part", "explanation": "section", "glossary": "glossary", "forms": "performance", "tables": "table"}
    items = [_item(by_kind["report_home"][0])]
    others = {s.key: s for s in by_kind.get("other_part", [])}
    for role, part in part_of.items():
        if part.get("section") in others:  # a part shown on one page of its own
            items.append(_item(others[part["section"]], nav_label(part)))
            continue
        found = by_kind.get(grouped.get(role, ""), [])
        if not found:
            continue
        if role in ("overview", "glossary"):  # one page: the part's own label
            items.append(_item(found[0], nav_label(part)))
        else:
            items.append({html.escape(nav_label(part)): [_item(s) for s in found]})
    items += [_item(by_kind[k][0]) for k in ("figures", "checks", "data")]
    return [{html.escape(f"{report.meta['year']}年度{report.meta['kind']}"): items}]
