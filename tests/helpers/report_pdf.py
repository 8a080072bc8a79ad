"""A hand-made package → its report as a PDF, made for the import tests (never shipped, never imported by juesuan).

The PDF is what a unit would publish: a cover, the report's text (source/report.txt, one paragraph per
line, Word's conversion marks [bookmark: …] left out and the [image: …] placeholders not drawn),
each part and each 附件 on a new page, wrapped to the page width, page numbers in the footer; then, in
第5部分 附表, the format's tables typed in as ruled tables, one per page, printed the way the Sichuan
决算 forms print them: the title, "公开NN表", the unit line "部门：… 金额单位：万元", the header rows
(side-by-side 收入 | 支出 panels, 功能分类科目编码 in 类/款/项 columns, a 栏次 row, the wide 三公
table with 预算数 | 决算数), and one printed row per row of the package's CSV with the value the
package holds: blank for 未披露 (empty), "—" where the CSV has "—".

Text is set in reportlab's built-in CID font STSong-Light (not embedded; a viewer substitutes its Song
face), which pdfplumber reads back as the same Unicode text. Lines break as a word processor breaks
them: between Chinese characters, never inside a run of digits or Latin letters nor between such a run
and its neighbours ("260.70万元", "2021年", "20801、" stay whole), never before closing or after
opening punctuation.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Optional

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from juesuan.data import formats

FONT = "STSong-Light"
PORTRAIT, LANDSCAPE = A4, landscape(A4)
MARGIN = 72  # points: left, right, top and bottom of the text block
BODY, LEADING, INDENT = 12, 20, 24  # body text size, line distance, first-line indent (two characters)
CELL, CELL_LEADING = 9, 11  # table text
ROW = 17  # height of a one-line table row
ARTEFACT = re.compile(r"\[bookmark: [^\]]*\]")
IMAGE = re.compile(r"\[image: [^\]]*\]")
PART = re.compile(r"^第[一二三四五六七八九十\d]+部分")
ANNEX = re.compile(r"^附件\s*\d+$")
NO_START = set("，。、；：？！）》」』”’%·…,.;:?!)]}")  # never at the start of a line
NO_END = set("（《「『“‘([{")  # never at the end of a line
CN = "一二三四五六七八九十"


def _glued(ch: str) -> bool:
    """A character that sticks to its neighbours: digits, Latin letters, the signs inside numbers, and spaces."""
    return ch.isascii() and (ch.isalnum() or ch in " .%/-+~") or ch in "≥≤"


def _may_break(before: str, after: str) -> bool:
    """Whether a line may end after `before` when `after` follows."""
    return not (_glued(before) or _glued(after) or after in NO_START or before in NO_END)


def wrap(text: str, width: float, size: float, indent: float = 0) -> list[str]:
    """A paragraph → its lines, each at most `width` points wide (the first `indent` less)."""
    lines: list[str] = []
    start = 0
    while start < len(text):
        room, end = width - (0 if lines else indent), start
        while end < len(text) and pdfmetrics.stringWidth(text[start:end + 1], FONT, size) <= room:
            end += 1
        # the last break allowed before the line is full (a run wider than the line is cut where it fills it)
        cut = len(text) if end == len(text) else next(
            (k for k in range(end, start, -1) if _may_break(text[k - 1], text[k])), max(end, start + 1))
        lines.append(text[start:cut])
        start = cut
    return lines


def _cn(n: int) -> str:
    """1…19 → 一…十九."""
    return CN[n - 1] if n <= 10 else "十" + CN[n - 11]


def _rows(package: Path, resource: str) -> list[dict]:
    with (package / "data" / f"{resource}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class _Doc:
    """A canvas that knows its page, where the next line goes, and numbers its pages."""

    def __init__(self, dest: Path, title: str):
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        self.c = Canvas(str(dest), pagesize=PORTRAIT, invariant=1)
        self.c.setTitle(title)
        self.c.setAuthor("tests/helpers/report_pdf.py")
        self.size, self.page, self.y = PORTRAIT, 0, 0.0

    def new_page(self, size=PORTRAIT) -> None:
        if self.page:
            self._footer()
            self.c.showPage()
        self.page += 1
        self.size = size
        self.c.setPageSize(size)
        self.y = size[1] - MARGIN

    def _footer(self) -> None:
        if self.page > 1:  # the cover has no number
            self.c.setFont(FONT, 10)
            self.c.drawCentredString(self.size[0] / 2, MARGIN / 2, f"- {self.page - 1} -")

    def save(self) -> None:
        self._footer()
        self.c.showPage()
        self.c.save()

    @property
    def width(self) -> float:
        return self.size[0] - 2 * MARGIN

    def line(self, text: str, size: float = BODY, leading: float = LEADING, x: float = 0, align: str = "left") -> None:
        if self.y - leading < MARGIN:
            self.new_page(self.size)
        self.y -= leading
        self.c.setFont(FONT, size)
        if align == "centre":
            self.c.drawCentredString(self.size[0] / 2, self.y, text)
        elif align == "right":
            self.c.drawRightString(self.size[0] - MARGIN, self.y, text)
        else:
            self.c.drawString(MARGIN + x, self.y, text)

    def paragraph(self, text: str) -> None:
        for i, piece in enumerate(wrap(text, self.width, BODY, INDENT)):
            self.line(piece, x=0 if i else INDENT)


# ---- the text ---------------------------------------------------------------------------------------------------
def _text(doc: _Doc, report: Path) -> None:
    for raw in report.read_text(encoding="utf-8").split("\n"):
        text = IMAGE.sub("", ARTEFACT.sub("", raw)).strip()
        if not text:
            continue
        if PART.match(text):
            doc.new_page()
            doc.line(text, size=16, leading=40, align="centre")
            doc.y -= 12
        elif ANNEX.match(text):
            doc.new_page()
            doc.line(text, leading=LEADING)
        else:
            doc.paragraph(text)


# ---- the tables: (printed rows, spans, header row count, column widths, right-aligned columns) -------------------
class Grid:
    """A printed table: rows of cell texts, merged cells as (col0, row0, col1, row1), its header and column widths."""

    def __init__(self, widths: list[float], header: int = 0):
        self.widths, self.header = widths, header
        self.rows: list[list[str]] = []
        self.spans: list[tuple[int, int, int, int]] = []
        self.numeric: set[int] = set()

    def add(self, cells: list[str], *spans: tuple[int, int]) -> None:
        """One row; spans: (first, last) columns merged in this row."""
        r = len(self.rows)
        self.rows.append(list(cells) + [""] * (len(self.widths) - len(cells)))
        self.spans += [(a, r, b, r) for a, b in spans]

    def span(self, c0: int, r0: int, c1: int, r1: int) -> None:
        self.spans.append((c0, r0, c1, r1))


def _fit(fixed: list[float], page_width: float) -> list[float]:
    """Column widths with None for 'share the rest equally' → widths that fill the text block."""
    free = [w for w in fixed if w is None]
    rest = (page_width - 2 * MARGIN + 30 - sum(w for w in fixed if w is not None)) / max(len(free), 1)
    return [rest if w is None else w for w in fixed]


def _side_by_side(rows: list[dict], income: list[tuple[str, str]], spending: list[tuple[str, str]], size) -> Grid:
    """收入 | 支出 panels (附表1, 附表4): 项目 · 行次 · amounts each, a 栏次 row; the totals of the sides level."""
    ins = [r for r in rows if r["side"] == "收入"]
    outs = [r for r in rows if r["side"] == "支出"]
    grid = Grid(_fit([150, 28] + [None] * len(income) + [150, 28] + [None] * len(spending), size[0]), header=2)
    n_in = 2 + len(income)
    grid.add(["收入"] + [""] * (n_in - 1) + ["支出"], (0, n_in - 1), (n_in, len(grid.widths) - 1))
    grid.add(["项目", "行次", *[h for h, _ in income], "项目", "行次", *[h for h, _ in spending]])
    col = iter(range(1, 99))
    grid.add(["栏次", "", *[str(next(col)) for _ in income], "栏次", "", *[str(next(col)) for _ in spending]])
    grid.numeric = set(range(2, n_in)) | set(range(n_in + 2, len(grid.widths)))

    def printed(side: list[dict]) -> tuple[list, list]:
        """One side → its numbered items and its totals (from 本年收入合计 / 本年支出合计 on), as (label, row)."""
        k = next(i for i, r in enumerate(side) if r["item"] in ("本年收入合计", "本年支出合计"))
        return [(f"{_cn(i)}、{r['item']}", r) for i, r in enumerate(side[:k], 1)], [(r["item"], r) for r in side[k:]]

    (in_items, in_tail), (out_items, out_tail) = printed(ins), printed(outs)
    body, tail = max(len(in_items), len(out_items)), max(len(in_tail), len(out_tail))
    lines_in = in_items + [None] * (body - len(in_items)) + in_tail + [None] * (tail - len(in_tail))
    lines_out = out_items + [None] * (body - len(out_items)) + out_tail + [None] * (tail - len(out_tail))
    numbers_in = iter(range(1, 99))
    numbers_out = iter(range(len(ins) + 1, 99))

    def cells(line, fields, numbers) -> list[str]:
        if line is None:
            return [""] * (2 + len(fields))
        label, row = line
        return [label, str(next(numbers)), *[row[f] for _, f in fields]]

    for a, b in zip(lines_in, lines_out):
        grid.add(cells(a, income, numbers_in) + cells(b, spending, numbers_out))
    return grid


def _functional(rows: list[dict], amounts: list[tuple[Optional[str], str, str]], size) -> Grid:
    """项目 = 功能分类科目编码 (类/款/项) + 科目名称, then amounts (group header or None, header, field); a 栏次 row."""
    grid = Grid(_fit([24, 24, 24, 190] + [None] * len(amounts), size[0]), header=3)
    top = ["项目", "", "", ""]
    mid = ["功能分类科目编码", "", "", "科目名称"]
    for j, (group, head, _) in enumerate(amounts, 4):
        if group is None:  # one header cell over the three header rows
            top.append(head)
            mid.append("")
            grid.span(j, 0, j, 2)
            continue
        members = [k for k, a in enumerate(amounts, 4) if a[0] == group]
        top.append(group if j == members[0] else "")
        mid.append(head)
        grid.span(j, 1, j, 2)
        if j == members[0]:
            grid.span(j, 0, members[-1], 0)
    grid.add(top, (0, 3))
    grid.add(mid, (0, 2))
    grid.span(3, 1, 3, 2)
    grid.add(["类", "款", "项", ""])
    grid.add(["栏次", "", "", ""] + [str(k) for k in range(1, len(amounts) + 1)], (0, 3))
    grid.numeric = set(range(4, 4 + len(amounts)))
    for row in rows:
        name, code = row.get("name") or row.get("item"), row.get("code", "")
        values = [row[f] for _, _, f in amounts]
        if code:
            grid.add([code, "", "", name] + values, (0, 2))
        else:
            grid.add([name, "", "", ""] + values, (0, 3))
    return grid


def _economic(rows: list[dict], size, group: Optional[str] = None) -> Grid:
    """经济分类科目编码 in 类 | 款 columns (the 类 printed on its own row only), 科目名称, amounts (under a group); 栏次."""
    amounts, fields = ["合计", "基本支出", "项目支出"], ["total", "basic", "project"]
    grid = Grid(_fit([40, 32, 200] + [None] * len(amounts), size[0]), header=2)
    if group:
        grid.add(["经济分类科目编码", "", "科目名称", group], (0, 1), (3, 2 + len(amounts)))
        grid.add(["类", "款", ""] + amounts)
    else:
        grid.add(["经济分类科目编码", "", "科目名称"] + amounts, (0, 1))
        grid.add(["类", "款", ""])
        for j in range(3, 3 + len(amounts)):
            grid.span(j, 0, j, 1)
    grid.span(2, 0, 2, 1)
    grid.add(["栏次", "", ""] + [str(k) for k in range(1, len(amounts) + 1)], (0, 2))
    grid.numeric = set(range(3, 3 + len(amounts)))
    for row in rows:
        code, name = row["code"], row["name"]
        cells = [name, "", ""] if not code else [code, "", name] if len(code) == 3 else ["", code[3:], name]
        grid.add(cells + [row[f] for f in fields], *([] if code else [(0, 2)]))
    return grid


def _basic(rows: list[dict], size) -> Grid:
    """人员经费 | 公用经费 panels of 科目编码 · 科目名称 · 决算数; each panel's total on the last row."""
    grid = Grid(_fit([48, 200, None, 48, 200, None], size[0]), header=2)
    grid.add(["人员经费", "", "", "公用经费"], (0, 2), (3, 5))
    grid.add(["科目编码", "科目名称", "决算数"] * 2)
    grid.numeric = {2, 5}
    panels = [[r for r in rows if r["panel"] == p] for p in ("人员经费", "公用经费")]
    items = [[r for r in p if r["code"]] for p in panels]
    totals = [[r for r in p if not r["code"]] for p in panels]
    for k in range(max(len(i) for i in items)):
        grid.add([c for side in items for c in ([side[k][f] for f in ("code", "name", "amount")] if k < len(side) else [""] * 3)])
    (a,), (b,) = totals
    grid.add([a["name"], "", a["amount"], b["name"], "", b["amount"]], (0, 1), (3, 4))
    return grid


def _three_public(rows: list[dict], size) -> Grid:
    """The wide 三公 table: 预算数 | 决算数, each with 合计 · 因公出国（境）费 · 公务用车购置及运行维护费 (小计 · 购置费 ·
    运行维护费) · 公务接待费; one row of values."""
    grid = Grid(_fit([None] * 12, size[0]), header=3)
    grid.add(["预算数"] + [""] * 5 + ["决算数"], (0, 5), (6, 11))
    grid.add(["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"] * 2, (2, 4), (8, 10))
    grid.add(["", "", "小计", "公务用车购置费", "公务用车运行维护费", ""] * 2)
    for j in (0, 1, 5, 6, 7, 11):
        grid.span(j, 1, j, 2)
    by = {r["item"]: r for r in rows}
    order = ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "其中：公务用车购置费", "其中：公务用车运行维护费", "公务接待费"]
    grid.add([by[i]["budget"] for i in order] + [by[i]["actual"] for i in order])
    grid.numeric = set(range(12))
    return grid


def _projects(rows: list[dict], size) -> Grid:
    grid = Grid(_fit([330, None], size[0]), header=1)
    grid.add(["项目名称", "本年项目支出"])
    grid.numeric = {1}
    for r in rows:
        grid.add([r["project"], r["amount"]])
    return grid


def _information(rows: list[dict], size) -> Grid:
    """项目 · 计量单位 · 统计数, the rows under numbered section rows (一、机关运行经费 …) that name their group."""
    grid = Grid(_fit([300, 70, None], size[0]), header=1)
    grid.add(["项目", "计量单位", "统计数"])
    grid.numeric = {2}
    group, k = None, 0
    for r in rows:
        if r["group"] != group:
            group, k = r["group"], k + 1
            grid.add([f"{_cn(k)}、{group}"])
        grid.add([r["item"], r["unit"], r["value"]])
    return grid


FISCAL_OUT = [("合计", "total"), ("一般公共预算财政拨款", "gpb"), ("政府性基金预算财政拨款", "gov_fund"), ("国有资本经营预算财政拨款", "soe")]
SPENDING = [(None, "本年支出合计", "total"), (None, "基本支出", "basic"), (None, "项目支出", "project"),
            (None, "上缴上级支出", "to_higher"), (None, "经营支出", "operating"), (None, "对附属单位补助支出", "to_affiliated")]
FUND = [(None, "年初结转和结余", "opening"), (None, "本年收入", "income"), ("本年支出", "小计", "expend_total"),
        ("本年支出", "基本支出", "expend_basic"), ("本年支出", "项目支出", "expend_project"), (None, "年末结转和结余", "closing")]
BY_YEAR = [("本年支出", "小计", "total"), ("本年支出", "基本支出", "basic"), ("本年支出", "项目支出", "project")]
SOE = [("本年支出", "合计", "total"), ("本年支出", "基本支出", "basic"), ("本年支出", "项目支出", "project")]
INCOME = [(None, "本年收入合计", "total"), (None, "财政拨款收入", "fiscal"), (None, "上级补助收入", "higher"),
          (None, "事业收入", "business"), (None, "经营收入", "operating"), (None, "附属单位上缴收入", "affiliated"),
          (None, "其他收入", "other")]
# alias → (page size, how its rows are printed)
FORMS = {
    "t01": (LANDSCAPE, lambda rows, size: _side_by_side(rows, [("金额", "amount")], [("金额", "amount")], size)),
    "t02": (LANDSCAPE, lambda rows, size: _functional(rows, INCOME, size)),
    "t03": (LANDSCAPE, lambda rows, size: _functional(rows, SPENDING, size)),
    "t04": (LANDSCAPE, lambda rows, size: _side_by_side(rows, [("金额", "total")], FISCAL_OUT, size)),
    "t05": (PORTRAIT, _economic),
    "t06": (LANDSCAPE, lambda rows, size: _functional(rows, BY_YEAR, size)),
    "t07": (PORTRAIT, lambda rows, size: _economic(rows, size, "本年支出")),
    "t08": (LANDSCAPE, _basic),
    "t09": (PORTRAIT, _projects),
    "t10": (LANDSCAPE, _three_public),
    "t11": (LANDSCAPE, lambda rows, size: _functional(rows, FUND, size)),
    "t12": (LANDSCAPE, _three_public),
    "t13": (LANDSCAPE, lambda rows, size: _functional(rows, FUND, size)),
    "t14": (LANDSCAPE, lambda rows, size: _functional(rows, SOE, size)),
    "t15": (PORTRAIT, _information),
}


def _flowable(grid: Grid) -> Table:
    """A Grid → a reportlab Table ruled in black; header texts wrap inside their cells."""
    head = ParagraphStyle("head", fontName=FONT, fontSize=CELL, leading=CELL_LEADING, alignment=1, wordWrap="CJK")
    data = [[Paragraph(t, head) if r < grid.header and t else t for t in row] for r, row in enumerate(grid.rows)]
    style = [("FONT", (0, 0), (-1, -1), FONT, CELL), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (-1, grid.header - 1), "CENTER"),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    style += [("ALIGN", (j, grid.header), (j, -1), "RIGHT") for j in sorted(grid.numeric)]
    style += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in grid.spans]
    heights = [None] * grid.header + [ROW] * (len(grid.rows) - grid.header)
    return Table(data, colWidths=grid.widths, rowHeights=heights, style=TableStyle(style))


def _table(doc: _Doc, number: int, title: str, unit: str, size, grid: Grid) -> None:
    doc.new_page(size)
    doc.line(title, size=16, leading=30, align="centre")
    doc.line(f"公开{number:02d}表", size=CELL, leading=16, align="right")
    doc.line(f"部门：{unit}", size=CELL, leading=16)
    doc.c.drawRightString(doc.size[0] - MARGIN, doc.y, "金额单位：万元")
    table = _flowable(grid)
    w, h = table.wrapOn(doc.c, doc.width + 30, doc.y - MARGIN)
    if h > doc.y - MARGIN:
        raise ValueError(f"附表{number} does not fit on one page ({h:.0f} > {doc.y - MARGIN:.0f} points)")
    table.drawOn(doc.c, (doc.size[0] - w) / 2, doc.y - 8 - h)


def write_report_pdf(package: Path, dest: Path) -> Path:
    """A package folder (source/report.txt, data/t*.csv) → dest, the report as a PDF with its tables; returns dest."""
    meta = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["report"]
    fmt = formats.load(meta["format"])
    unit, year, kind = meta["unit"], meta["year"], meta["kind"]
    doc = _Doc(dest, f"{unit}{year}年度{kind}")
    doc.new_page()
    doc.y -= 220
    doc.line(f"{unit}{year}年度{kind}", size=18, leading=40, align="centre")  # the title a cover prints
    _text(doc, package / "source" / "report.txt")
    layouts = fmt["layouts"]
    for alias, spec in fmt["tables"].items():
        size, form = FORMS[alias]
        grid = form(_rows(package, layouts[alias]["resource"]), size)
        _table(doc, spec["number"], spec["title"], unit, size, grid)
    doc.save()
    return dest
