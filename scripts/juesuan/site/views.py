"""A Report → the shapes the page templates iterate over (code tree, indicator rows, check groups, register groups).

No HTML here: templates/ decide how each shape looks. The 附表 pages' sheets are site/sheets.py's.
"""

from __future__ import annotations

from juesuan import cache
from juesuan.checks import Check
from juesuan.data.loader import REF, Report, per_report


def code_tree(report: Report, scheme: str) -> list[tuple[dict, int]]:
    """Codes of one scheme → (code row, depth) in tree order."""
    codes = [c for c in report.rows["codes"] if c["scheme"] == scheme]
    children: dict[str | None, list[dict]] = {}
    for c in codes:
        children.setdefault(c["parent"], []).append(c)
    out: list[tuple[dict, int]] = []

    def walk(parent, depth):
        for c in sorted(children.get(parent, []), key=lambda c: c["code"]):
            out.append((c, depth))
            walk(c["code"], depth + 1)

    walk(None, 0)
    return out


def code_usage(report: Report) -> dict[str, dict[str, list]]:
    """Code → where the site uses it: {'tables': [resource names], 'sections': [section ids]}."""
    usage: dict[str, dict[str, list]] = {c["code"]: {"tables": [], "sections": []} for c in report.rows["codes"]}
    for res in report.table_resources:
        for row in report.rows[res["name"]]:
            code = row.get("code")
            if code in usage and res["name"] not in usage[code]["tables"]:
                usage[code]["tables"].append(res["name"])
    for sec in report.sections.values():
        for fid in REF.findall(sec["text"] or ""):
            fig = report.figures.get(fid)
            if fig and fig["unit"] == "科目编码" and fig["literal"] in usage:
                if sec["id"] not in usage[fig["literal"]]["sections"]:
                    usage[fig["literal"]]["sections"].append(sec["id"])
    return usage


def indicator_rows(report: Report, form: str) -> list[dict]:
    """One form's indicators → rows with rowspans for the merged 一级/二级 cells of the original table."""
    rows = [dict(r) for r in report.rows["performance_indicators"] if r["form"] == form]
    for level in ("level1", "level2"):
        i = 0
        while i < len(rows):
            j = i
            while j + 1 < len(rows) and rows[j + 1][level] == rows[i][level] and (
                    level == "level1" or rows[j + 1]["level1"] == rows[i]["level1"]):
                j += 1
            rows[i][f"{level}_span"] = j - i + 1
            for k in range(i + 1, j + 1):
                rows[k][f"{level}_span"] = 0
            i = j + 1
    return rows


def part_of(report: Report, sid: str) -> dict:
    """A section id → its top-level part (第一部分 …)."""
    sec = report.sections[sid]
    while sec["parent"]:
        sec = report.sections[sec["parent"]]
    return sec


def check_groups(report: Report, results: list[Check]) -> list[tuple[str, list[Check]]]:
    """Checks → grouped by report section (in report order) and then by table (in table order)."""
    order = {sid: i for i, sid in enumerate(report.sections)}
    tables = {r["name"]: (1000 + r["table_number"], r["title"]) for r in report.table_resources}
    groups: dict[str, list[Check]] = {}
    for c in results:
        groups.setdefault(c.group, []).append(c)

    def key(g):
        return order.get(g, tables.get(g, (9999, g))[0])

    def title(g):
        if g in report.sections:
            s = report.sections[g]
            return f"{part_of(report, g)['number']} {s['number']}{s['title']}" if s["level"] > 1 else f"{s['number']} {s['title']}"
        return tables[g][1] if g in tables else g

    return [(title(g), groups[g]) for g in sorted(groups, key=key)]


def table_checks(results: list[Check], resource: str) -> list[Check]:
    """Checks whose group is a given table."""
    return [c for c in results if c.group == resource]


def human_size(size: int) -> str:
    """Bytes → '1.2 KB' style (for download links)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def section_url(report: Report, specs: list, sid: str) -> str:
    """A section id → site-relative URL of the page that shows it, with the heading's anchor."""
    from juesuan.site.render import slug  # local import: render imports nothing from views

    sec = report.sections[sid]
    chain = [sec]
    while chain[-1]["parent"]:
        chain.append(report.sections[chain[-1]["parent"]])
    for spec in specs:
        if spec.key in [s["id"] for s in chain]:
            anchor = "" if spec.key == sid else "#" + slug(sec["number"] + sec["title"])
            return spec.url + anchor
    raise KeyError(f"no page shows section {sid}")


def section_lines(report: Report, sid: str) -> tuple[int, int]:
    """A section id → first and last source line of it and all its subsections."""
    found: list[int] = []
    stack = [sid]
    while stack:
        sec = report.sections[stack.pop()]
        found += [int(n) for n in sec["lines"].split()]
        stack += [c["id"] for c in report.children(sec["id"])]
    return min(found), max(found)


def findings_for(report: Report, results: list[Check], section_id: str) -> list[dict]:
    """Findings whose failing relations belong to a section (shown as a notice on that section)."""
    ids = [c.finding for c in results if c.group == section_id and c.finding and not c.passed]
    return [f for f in report.rows["findings"] if f["id"] in ids]


# ---- the report's format, as pages name its parts ---------------------------------------------
def part_label(report: Report, role: str, which: str = "contents") -> str:
    """A part of the report's format (explanation, forms, tables …) → its label (contents list, kicker or nav)."""
    part = report.format["parts"][role]
    return part.get(which) or part["nav"]


def part_nav(report: Report, role: str) -> str:
    """A part of the format → its nav label ("第五部分 附表")."""
    return report.format["parts"][role]["nav"]


def forms_kicker(report: Report) -> str:
    """The line above a performance form's title ("第四部分 附件")."""
    return part_label(report, "forms", "kicker")


def form_section(report: Report, form: str) -> str:
    """A performance form ("附件1") → the id of its section in the narrative (where its notices and charts go)."""
    parent = report.format["parts"].get("forms", {}).get("section")
    for sec in report.children(parent) if parent else []:
        if sec["number"] == form:
            return sec["id"]
    return ""


def amount_unit(report: Report) -> str:
    """The unit of the report's amounts (万元 or 元), from the descriptor or its format."""
    return report.meta.get("amount_unit") or report.format.get("amount_unit", "万元")


def headline_figures(report: Report) -> list[str]:
    """The figures of the report's headline cards: the format's, then the package's own (descriptor site.headline)."""
    return [f for f in list(report.format.get("headline") or []) + list(report.site.get("headline") or []) if f in report.figures]


@per_report
@cache.remembered("home-row")
def home_row(report: Report) -> list[dict]:
    """The report → its row on the home page of a large site: its first headline figure (none if it has none) as
    {"label", "text" (as the report writes it), "page" (where it is explained)}. Remembered by the package's hash:
    the home page lists every report, and reading each one's register was most of its time (1.2 s at 300 reports)."""
    return [{"label": report.figure(fid)["label"], "text": report.written(fid), "page": figure_page(report, None, fid)}
            for fid in headline_figures(report)[:1]]


def publisher(report: Report) -> str:
    """The publishing unit, with its department when the package names one."""
    meta = report.meta
    return f"{meta['unit']}（{meta['department']}所属）" if meta.get("department") else meta["unit"]


def region(report: Report) -> str:
    """Province, city and county as the package names them ('' when it names none)."""
    return "".join(report.meta.get(k) or "" for k in ("province", "city", "county"))


# ---- the figure register, and where a figure is explained --------------------------------------
def register_groups(report: Report) -> list[tuple[dict, list[tuple[dict | None, list[dict]]]]]:
    """The register's figures → grouped by the report's parts (第一部分 …) and, within a part, by the section
    that states them (None: the part's own text), in report order; parts and sections without figures left out."""
    order = {sid: i for i, sid in enumerate(report.sections)}
    by_section: dict[str, list[dict]] = {}
    for f in report.rows["figures"]:
        by_section.setdefault(f["section"], []).append(f)
    parts: dict[str, list[tuple[dict | None, list[dict]]]] = {}
    for sid in sorted(by_section, key=lambda s: order.get(s, len(order))):
        part = part_of(report, sid)
        parts.setdefault(part["id"], []).append((None if sid == part["id"] else report.sections[sid], by_section[sid]))
    return [(report.sections[pid], groups) for pid, groups in parts.items()]


def figure_page(report: Report, specs: list | None, fid: str) -> str:
    """A figure id → site-relative URL of the page that explains it (the section that states it, at its heading);
    the register's row when no page shows that section."""
    from juesuan.site import pages, render  # local import: pages and render import nothing from views

    specs = specs if specs is not None else pages.pages(report)
    try:
        return section_url(report, specs, report.figure(fid)["section"])
    except KeyError:
        register = next(s.url for s in specs if s.kind == "figures")
        return f"{register}#{render.fig_anchor(fid)}"


def section_heading(report: Report, sid: str) -> str:
    """A section below a part → its numbers from the part down and its title ("五（一）一般公共预算…")."""
    chain = [report.sections[sid]]
    while chain[-1]["parent"] and report.sections[chain[-1]["parent"]]["parent"]:
        chain.append(report.sections[chain[-1]["parent"]])
    numbers = [s["number"] or "" for s in reversed(chain)]
    return "".join([n.rstrip("、") for n in numbers[:-1]] + [numbers[-1]]) + chain[0]["title"]
