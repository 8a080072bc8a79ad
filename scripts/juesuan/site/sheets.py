"""A 附表 resource of a Report → the sheet its page draws: caption (unit, year, 单位), typed cells linked to their figures, row anchors.

No HTML here: templates/pages/table.md.j2 decides how a sheet looks. Which column holds the row's
item and which cells are derived (推算) come from the data: the format's layout roles, the
schema's constraints, the provenance and the figure register.
"""

from __future__ import annotations

from dataclasses import dataclass

from juesuan.data import wording
from juesuan.data.loader import Report

TOTAL_WORDS = ("合计", "总计")
# A table with more columns than this is printed on a landscape A4 page (print.css, named page "wide").
PORTRAIT_COLUMNS = 5


@dataclass
class Cell:
    kind: str  # "code" | "text" | "amount" | "na"
    value: object
    field: str
    unit: str = "万元"
    figure: str = ""  # the register's id of the figure this cell shows ('' for none)
    derived: str = ""  # for a derived (推算) figure: its formula in words; '' for a stated one
    item: bool = False  # the item column (科目名称 / 项目): kept readable on a phone, sticky when scrolling


@dataclass
class Row:
    cells: list[Cell]
    level: str  # 合计 / 类 / 款 / 项 / "" (for tables without levels)
    total: bool
    number: int
    anchor: str  # the row's id on the page: from its code when the code is unique, else from its number
    label: str  # the row's item, for the row link's name


@dataclass
class Sheet:
    """One 附表 as its page shows it."""

    title: str  # "附表一 收入支出决算总表"
    publisher: str  # 编制单位: the unit that made the report
    year: int
    unit: str  # 单位 of the amounts ("万元"; several units name the column that gives them)
    columns: list[dict]
    item: str  # the name of the item column's field
    rows: list[Row]
    wide: bool  # printed on a landscape page
    derived: int  # how many cells show a derived (推算) figure


def derived_cells(report: Report, resource: str) -> dict[tuple[int, str], dict]:
    """(row number, field) → the register row of the derived figure that cell shows (stated ones left out).

    Shared by the table pages and the XLSX/JSON downloads, so all three mark the same cells."""
    out = {}
    for (res, row, field), fid in report.provenance.items():
        fig = report.figures.get(fid)
        if res == resource and fig is not None and fig["status"] != "stated":
            out[(row, field)] = fig
    return out


def derived_note(report: Report, fig: dict) -> str:
    """A derived figure → one line saying so, with its formula in words (a cell's title, an XLSX comment)."""
    return f"推算：{fig['label']} = {wording.formula(report, fig['formula'] or '')}"


def item_field(report: Report, resource: str) -> str:
    """The field that names a row's item: the one the format's layout gives the role "name", else the first
    free-text field (no enum or pattern: not a direction, group or code)."""
    for layout in (report.format.get("layouts") or {}).values():
        if isinstance(layout, dict) and layout.get("resource") == resource:
            for f in layout.get("fields") or []:
                if isinstance(f, dict) and f.get("role") == "name":
                    return f["name"]
    for f in report.fields(resource):
        if f["type"] == "string" and not set(f.get("constraints") or {}) & {"enum", "pattern"}:
            return f["name"]
    return ""


def unit_of(report: Report, resource: str) -> str:
    """The unit of a table's numbers: its number fields' unit; when rows carry their own unit (a 计量单位
    column), those units and the column's title; else the report's amount unit."""
    fields = report.fields(resource)
    units = list(dict.fromkeys(f["unit"] for f in fields if f["type"] == "number" and f.get("unit")))
    if units:
        return "、".join(units)
    column = next((f for f in fields if f["name"] == "unit" and f["type"] == "string"), None)
    if column:
        per_row = list(dict.fromkeys(r["unit"] for r in report.rows[resource] if r.get("unit")))
        if per_row:
            return f"{'、'.join(per_row)}（见“{column.get('title') or column['name']}”栏）"
    return report.meta.get("amount_unit") or report.format.get("amount_unit", "万元")


def _anchors(rows: list[dict]) -> list[str]:
    """Rows → their ids: "code-<code>" when the code appears once in the table, else "row-<number>"."""
    codes = [r.get("code") for r in rows]
    return [f"code-{r['code']}" if r.get("code") and codes.count(r["code"]) == 1 else f"row-{r['row']}" for r in rows]


def sheet(report: Report, resource: str) -> Sheet:
    """A 附表 resource → its sheet: caption parts, visible columns, rows of typed cells."""
    names = [f["name"] for f in report.fields(resource)]
    fields = [f for f in report.fields(resource) if f["name"] not in ("row", "level")]
    item = item_field(report, resource)
    derived = derived_cells(report, resource)
    rows = []
    for typed, raw, anchor in zip(report.rows[resource], report.cells[resource], _anchors(report.rows[resource])):
        cells = []
        for f in fields:
            value, raw_value = typed[f["name"]], raw[names.index(f["name"])]
            if f["type"] == "number":
                fid = report.provenance.get((resource, typed["row"], f["name"]), "")
                fig = derived.get((typed["row"], f["name"]))
                cells.append(Cell("na" if raw_value == "—" else "amount", value, f["name"], typed.get("unit") or "万元",
                                  figure=fid if value is not None else "", derived=derived_note(report, fig) if fig else ""))
            else:
                cells.append(Cell("code" if f["name"] == "code" else "text", value or "", f["name"], item=f["name"] == item))
        label = typed.get(item) or ""
        level = typed.get("level") or ""
        total = level == "合计" or any(label.endswith(w) for w in TOTAL_WORDS)
        rows.append(Row(cells, level, total, typed["row"], anchor, label))
    res = report.resource(resource)
    return Sheet(res["title"], report.meta["unit"], report.meta["year"], unit_of(report, resource), fields, item, rows,
                 wide=len(fields) > PORTRAIT_COLUMNS, derived=sum(1 for r in rows for c in r.cells if c.derived))
