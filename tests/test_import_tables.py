"""Importer, table layer: extracted tables + a format's tables:/layouts: → package rows in the package's unit, with every printed number located.

The expected values of the two real PDFs were read by eye from the pages rendered with pdftoppm
(`pdftoppm -png -r 80 -f N -l N …`), not copied from the parser; line numbers are those of the
extracted Document.text. The arithmetic oracle (合计 = sum of the 类 rows, exact Decimal) proves
the numbers were read right; where the report itself does not add up, the difference is listed.
Synthetic documents cover what the samples do not print: 元 → 万元, panels with 行次 and 栏次, a
wide 三公 table, wrapped names, blank 类 cells, "本表无数据", a title at the foot of a page.
"""

from __future__ import annotations

import copy
import functools
import re
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.data import formats
from juesuan.importer.extract import extract
from juesuan.importer.model import Document, Page, Row, Table, join_pages
from juesuan.importer.numbers import NotANumber, canonical, parse_amount, printed_unit
from juesuan.importer.tables import ParsedTable, parse_tables

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "shared" / "samples"
DEPT = SAMPLES / "2026-shanghai-putuo-justice-bureau-dept-budget.pdf"
UNIT = SAMPLES / "2026-shanghai-putuo-justice-bureau-unit-budget.pdf"
BUDGET = "shanghai-district-2026-budget"
PDFS = {"dept": DEPT, "unit": UNIT}


@functools.cache
def _doc(name: str) -> Document:
    return extract(PDFS[name])


@functools.cache
def _parsed(name: str):
    return parse_tables(_doc(name), formats.load(BUDGET))


def _table(name: str, alias: str) -> ParsedTable:
    found = [t for t in _parsed(name).tables if t.alias == alias]
    assert len(found) == 1, f"{name}: {len(found)} tables {alias}"
    return found[0]


def _row(table: ParsedTable, key: str):
    """A row by code ("2040601"), by printed name ("合计"), or by side and name ("支出:支出总计")."""
    side, _, name = key.rpartition(":") if ":" in key else (None, "", key)
    rows = [r for r in table.rows if (r.code == key) or (r.name == name and (side is None or r.side == side))]
    assert len(rows) == 1, f"{table.alias}: {len(rows)} rows {key!r}"
    return rows[0]


# ---- which tables each sample prints: alias, title (format's), printed title, pages, data rows ----------------
TABLES = {
    "dept": [
        ("t01", "财务收支预算总表", "2026年部门财务收支预算总表", [10], 13),
        ("t02", "收入预算总表", "2026年部门收入预算总表", [11], 22),
        ("t03", "支出预算总表", "2026年部门支出预算总表", [12, 13], 22),
        ("t04", "财政拨款收支预算总表", "2026年部门财政拨款收支预算总表", [14], 9),
        ("t05", "一般公共预算支出功能分类预算表", "2026年部门一般公共预算支出功能分类预算表", [15, 16], 22),
        ("t06", "政府性基金预算支出功能分类预算表", "2026年部门政府性基金预算支出功能分类预算表", [17], 1),
        ("t07", "国有资本经营预算支出功能分类预算表", "2026年部门国有资本经营预算支出功能分类预算表", [18], 1),
        ("t08", "一般公共预算基本支出部门预算经济分类预算表", "2026年部门一般公共预算基本支出部门预算经济分类预算表", [19, 20], 30),
        ("t09", "“三公”经费和机关运行经费预算表", "2026年部门“三公”经费和机关运行经费预算表", [21], 7),
    ],
    "unit": [
        ("t01", "财务收支预算总表", "2026年预算单位财务收支预算总表", [8], 13),
        ("t02", "收入预算总表", "2026年预算单位收入预算总表", [9, 10], 22),
        ("t03", "支出预算总表", "2026年预算单位支出预算总表", [11, 12], 22),
        ("t04", "财政拨款收支预算总表", "2026年预算单位财政拨款收支预算总表", [13], 9),
        ("t05", "一般公共预算支出功能分类预算表", "2026年预算单位一般公共预算支出功能分类预算表", [14, 15], 22),
        ("t06", "政府性基金预算支出功能分类预算表", "2026年预算单位政府性基金预算支出功能分类预算表", [16], 1),
        ("t07", "国有资本经营预算支出功能分类预算表", "2026年预算单位国有资本经营预算支出功能分类预算表", [17], 1),
        ("t08", "一般公共预算基本支出部门预算经济分类预算表", "2026年预算单位一般公共预算基本支出部门预算经济分类预算表", [18, 19], 30),
        ("t09", "“三公”经费和机关运行经费预算表", "2026年单位“三公”经费和机关运行经费预算表", [20], 7),
    ],
}
# Printed numbers per sample, counted on the page images: per table rows × printed amount columns.
CELLS = {
    "dept": 8 + 5 + 22 * 5 + 22 * 3 + 4 + 5 * 2 + 22 * 3 + 30 * 3 + 7,  # t04 spending prints 合计 and 一般公共预算 only
    "unit": 8 + 5 * 4 + 22 * 5 + 22 * 3 + 4 + 5 * 4 + 22 * 3 + 30 * 3 + 7,
}


@pytest.mark.parametrize("name", ["dept", "unit"])
def test_sample_tables_found(name):
    parsed = _parsed(name)
    got = [(t.alias, t.title, t.printed_title, t.pages, len(t.rows)) for t in parsed.tables]
    assert got == TABLES[name]
    assert parsed.unrecognised == []


@pytest.mark.parametrize("name", ["dept", "unit"])
def test_sample_every_printed_number_is_a_located_cell(name):
    doc, parsed = _doc(name), _parsed(name)
    cells = [c for t in parsed.tables for r in t.rows for c in r.cells.values()]
    assert len(cells) == CELLS[name]
    for c in cells:
        assert doc.line(c.line)[c.offset:c.offset + len(c.literal)] == c.literal


def test_sample_units_and_schema():
    t02, t09 = _table("dept", "t02"), _table("dept", "t09")
    assert (t02.printed_unit, t02.unit, t02.converted_from, t02.factor) == ("元", "元", None, None)
    assert (t09.printed_unit, t09.unit, t09.converted_from) == ("万元", "万元", None)
    assert t02.resource == "t02_income"
    assert t02.fields[:4] == [
        {"name": "code", "title": "功能分类科目编码", "type": "string"},
        {"name": "name", "title": "功能分类科目名称", "type": "string"},
        {"name": "level", "title": "科目级次", "type": "string"},
        {"name": "total", "title": "合计", "type": "number", "unit": "元"},
    ]
    assert _table("dept", "t08").scheme == "economic"
    assert _table("dept", "t06").note == "注:本部门2026年无政府性基金预算财政拨款安排的预算，故本表为空表。"


# ---- spot cells: (table, row key, field) → (value in the package unit, line, literal as printed) -------------
SPOTS = {
    "dept": [
        ("t02", "2040601", "total", "16726725.44", 119, "16726725.44"),  # 204 | 06 | 01 joined
        ("t02", "合计", "total", "96282213.44", 138, "96282213.44"),
        ("t02", "合计", "business", "0.00", 138, "0.00"),
        ("t02", "2080599", "fiscal", "6440.00", 130, "6440.00"),
        ("t01", "收入:一、财政拨款收入", "amount", "96282213.44", 103, "96,282,213.44"),
        ("t01", "收入:3.国有资本经营预算", "amount", "0.00", 106, "0.00"),
        ("t01", "支出:二、社会保障和就业支出", "amount", "3343704.00", 104, "3,343,704.00"),
        ("t01", "支出:支出总计", "amount", "96282213.44", 110, "96,282,213.44"),
        ("t01", "支出:一、公共安全支出", "personnel", None, None, None),  # the department table has no such column
        ("t03", "2080506", "basic", "919739.00", 157, "919739.00"),  # second page, no header
        ("t03", "合计", "basic", "25741666.44", 166, "25741666.44"),
        ("t04", "支出:一、公共安全支出", "gpb", "87267272.44", 171, "87,267,272.44"),
        ("t04", "支出:一、公共安全支出", "gov_fund", None, None, None),  # printed blank
        ("t04", "收入:二、政府性基金预算", "total", "0.00", 172, "0.00"),
        ("t05", "2210203", "total", "2433600.00", 206, "2433600.00"),  # after the repeated header
        ("t06", "合计", "total", None, None, None),  # empty table: 合计 printed, no amount
        ("t08", "30213", "public", "45000.00", 247, "45000.00"),
        ("t08", "合计", "personnel", "23563342.00", 261, "23563342.00"),
        ("t09", "因公出国（境）费", "amount", "0", 270, "0"),
        ("t09", "公务接待费", "amount", "0.83", 270, "0.83"),
        ("t09", "机关运行经费", "amount", "217.83", 270, "217.83"),
    ],
    "unit": [
        ("t01", "支出:一、公共安全支出", "amount", "79189400.34", 102, "79,189,400.34"),
        ("t01", "支出:一、公共安全支出", "personnel", "12604173", 102, "12,604,173"),
        ("t01", "支出:支出总计", "personnel", "20374181", 109, "20,374,181"),
        ("t01", "支出:支出总计", "project", "64840547", 109, "64,840,547"),
        ("t01", "收入:3、国有资本经营预算", "amount", "0.00", 105, "0.00"),
        ("t01", "收入:二、事业收入", "personnel", None, None, None),
        ("t02", "2080599", "total", "6160.00", 129, "6,160.00"),
        ("t02", "合计", "total", "86959408.34", 137, "86,959,408.34"),
        ("t03", "2210203", "project", "0", 164, "0"),
        ("t03", "合计", "basic", "22118861", 165, "22,118,861"),
        ("t03", "2040601", "project", "64840547.00", 146, "64,840,547.00"),  # as printed (a 行政运行 row should be 0)
        ("t04", "支出:四、住房保障支出", "gov_fund", "0.00", 173, "0.00"),
        ("t04", "收入:收入总计", "total", "86959408.34", 174, "86,959,408.34"),
        ("t05", "21011", "basic", "982692.00", 200, "982,692.00"),
        ("t08", "30228", "public", "227810.34", 252, "227,810.34"),
        ("t08", "合计", "total", "22118861.34", 260, "22,118,861.34"),
        ("t09", "机关运行经费", "amount", "184.59", 269, "184.59"),
        ("t09", "因公出国（境）费", "amount", "0.00", 269, "0.00"),
        ("t07", "合计", "project", None, None, None),
    ],
}


@pytest.mark.parametrize(("name", "alias", "key", "field", "value", "line", "literal"),
                         [(n, *s) for n, spots in SPOTS.items() for s in spots])
def test_sample_spot_cell(name, alias, key, field, value, line, literal):
    row = _row(_table(name, alias), key)
    assert row.values[field] == value
    cell = row.cells.get(field)
    assert ((cell.line, cell.literal) if cell else (None, None)) == (line, literal)


def test_sample_offsets_of_repeated_literals():
    # "收入总计 96,282,213.44 支出总计 96,282,213.44": the spending total is the second one
    assert _row(_table("dept", "t01"), "支出:支出总计").cells["amount"].offset == 24
    # "221 02 03 购房补贴 2,070,000.00 2,070,000.00 0": the 0 is the last token, not the 0 of "02"
    assert _row(_table("unit", "t03"), "2210203").cells["project"].offset == 41
    # "10.81 0 0.83 9.98 0 9.98 217.83": 购置费 is the second 0
    assert _row(_table("dept", "t09"), "其中：公务用车购置费").cells["amount"].offset == 18


def test_sample_codes_levels_and_names():
    t05 = _table("dept", "t05")
    assert [(r.code, r.level) for r in t05.rows[:3]] == [("204", "类"), ("20406", "款"), ("2040601", "项")]
    assert (t05.rows[-1].code, t05.rows[-1].level, t05.rows[-1].name) == (None, "合计", "合计")
    t08 = _table("unit", "t08")
    assert [(r.code, r.level, r.values["name"]) for r in t08.rows[:2]] == [("301", "类", "工资福利支出"),
                                                                           ("30101", "款", "基本工资")]
    t01 = _table("unit", "t01")
    assert [(r.values["side"], r.values["item"]) for r in t01.rows] == [
        ("收入", "财政拨款收入"), ("收入", "一般公共预算"), ("收入", "政府性基金预算"), ("收入", "国有资本经营预算"),
        ("收入", "事业收入"), ("收入", "事业单位经营收入"), ("收入", "其他收入"), ("收入", "收入总计"),
        ("支出", "公共安全支出"), ("支出", "社会保障和就业支出"), ("支出", "卫生健康支出"), ("支出", "住房保障支出"),
        ("支出", "支出总计")]
    assert [r.values["item"] for r in _table("dept", "t09").rows] == [
        "合计", "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "其中：公务用车购置费", "其中：公务用车运行费", "机关运行经费"]


# ---- arithmetic oracle (test only): totals equal the sum of their parts, exactly ---------------------------------
TOP = re.compile(r"^[一二三四五六七八九十]+、")
# Where the report itself does not add up: (sample, table, field) → (printed total, sum of the parts).
REPORT_DIFFERS = {
    ("unit", "t03", "basic"): ("22118861", "22118861.34"),  # 合计 printed 22,118,861; the 类 rows add to …861.34
    ("unit", "t05", "basic"): ("22118861", "22118861.34"),
}


def _groups(table: ParsedTable):
    """A table → (total row, part rows) pairs to check."""
    if any(r.code for r in table.rows):
        (total,) = [r for r in table.rows if r.level == "合计"]
        yield total, [r for r in table.rows if r.level == "类"]
    elif any(r.side for r in table.rows):
        for side in ("收入", "支出"):
            rows = [r for r in table.rows if r.side == side]
            (total,) = [r for r in rows if r.level == "合计"]
            yield total, [r for r in rows if TOP.match(r.name)]
    elif "item" in table.rows[0].values:
        by = {r.values["item"]: r for r in table.rows}
        yield by["合计"], [by["因公出国（境）费"], by["公务接待费"], by["公务用车购置及运行费"]]
        yield by["公务用车购置及运行费"], [by["其中：公务用车购置费"], by["其中：公务用车运行费"]]


@pytest.mark.parametrize("name", ["dept", "unit"])
def test_oracle_totals_are_the_sum_of_their_parts(name):
    differs, checked = {}, 0
    for table in _parsed(name).tables:
        amounts = [f["name"] for f in table.fields if f["type"] == "number"]
        for total, parts in _groups(table):
            for f in amounts:
                if total.values[f] is None and all(p.values[f] is None for p in parts):
                    continue
                assert all(p.values[f] is not None for p in parts), (table.alias, f)
                added = sum(Decimal(p.values[f]) for p in parts)
                checked += 1
                if Decimal(total.values[f]) != added:
                    differs[(name, table.alias, f)] = (total.values[f], str(added))
    assert differs == {k: v for k, v in REPORT_DIFFERS.items() if k[0] == name}
    assert checked == {"dept": 21, "unit": 26}[name]  # (total, column) pairs with numbers


def test_unrecognised_title_is_listed_with_its_page():
    fmt = copy.deepcopy(formats.load(BUDGET))
    del fmt["tables"]["t09"]
    parsed = parse_tables(_doc("dept"), fmt)
    assert [t.alias for t in parsed.tables] == ["t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08"]
    assert parsed.unrecognised == [
        "第 21 页：表格标题“2026年部门“三公”经费和机关运行经费预算表”不是本格式的附表 / "
        "page 21: table title '2026年部门“三公”经费和机关运行经费预算表' is not a table of this format"]


# ---- amounts ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "places", "expected"), [
    ("12,604,173.00", -4, "1260.4173"),  # 元 → 万元: exact, no rounding
    ("96,282,213.44", -4, "9628.221344"),
    ("14,206", -4, "1.4206"),
    ("6440.00", -4, "0.644"),
    ("100,000.00", -4, "10.00"),  # at least two decimals
    ("0.00", -4, "0.00"),
    ("0", -4, "0.00"),
    ("19,044.27", 0, "19044.27"),
    ("26538.47", 0, "26538.47"),
    ("14,206", 0, "14206"),
    ("0", 0, "0"),
    ("0.00", 0, "0.00"),
    ("-1,234.50", 0, "-1234.50"),
    ("10.81", 4, "108100.00"),  # 万元 → 元
    ("—", -4, None), ("-", 0, None), ("", 0, None), (None, 0, None), ("  ", 0, None), ("－", 0, None),
])
def test_canonical_amounts(text, places, expected):
    assert canonical(text, places) == expected


@pytest.mark.parametrize("text", ["本表无数据", "12,34", "1.2.3", "1 2", "约100"])
def test_text_that_is_not_an_amount_is_refused(text):
    with pytest.raises(NotANumber):
        parse_amount(text)


def test_printed_unit():
    assert printed_unit("编制部门：上海市普陀区司法局 单位：元") == "元"
    assert printed_unit("单位:万元") == "万元"
    assert printed_unit("金额单位：万元") == "万元"
    assert printed_unit("上海市普陀区司法局单位预算") is None


# ---- synthetic documents ------------------------------------------------------------------------------------------
def make_doc(pages: list[list]) -> Document:
    """Pages of items (a str is a line, a list of cell lists is a ruled table) → Document; a row's line joins its cells."""
    made, texts, first = [], [], 1
    for number, items in enumerate(pages, 1):
        lines, tables = [], []
        for item in items:
            if isinstance(item, str):
                lines.append(item)
                continue
            rows = []
            for cells in item:
                text = " ".join(c for c in cells if c)
                if text:
                    lines.append(text)
                rows.append(Row(list(cells), first + len(lines) - 1 if text else None))
            tables.append(Table(number, (0, 0, 1, 1), rows))
        made.append(Page(number, lines, first, tables))
        texts.append(lines)
        first += len(lines)
    return Document("pdf", made, join_pages(texts))


SUMMARY = [  # national template: 收入 | 支出 panels of 项目 · 行次 · 金额, a 栏次 row, amounts in 元
    ["收入", None, None, "支出", None, None],
    ["项目", "行次", "金额", "项目", "行次", "金额"],
    ["栏次", "", "1", "栏次", "", "2"],
    ["一、一般公共预算财政拨款收入", "1", "12,604,173.00", "一、一般公共服务支出", "32", "—"],
    ["二、上级补助收入", "2", "", "二、社会保障和就业支出", "33", "12,604,173.00"],
    ["本年收入合计", "3", "12,604,173.00", "本年支出合计", "34", "12,604,173.00"],
]
INCOME = [  # 类/款/项 columns, blank 类 and 款 cells, a name wrapped onto the next row
    ["科目编码", None, None, "科目名称", "本年收入合计", "财政拨款收入"],
    ["类", "款", "项", None, None, None],
    ["合计", None, None, None, "100.00", "100.00"],
    ["208", "", "", "社会保障和就业支出", "100.00", "100.00"],
    ["", "05", "", "行政事业单位养老支出", "100.00", "100.00"],
    ["", "", "05", "机关事业单位基本养老保险缴费", "60.00", "60.00"],
    ["", "", "", "支出", None, None],
]
INCOME_MORE = [["", "", "99", "其他行政事业单位养老支出", "40.00", "40.00"]]  # next page: no header, no title
THREE_PUBLIC = [  # wide: 预算数 | 决算数, one column per item
    ["预算数"] + [None] * 5 + ["决算数"] + [None] * 5,
    ["合计", "因公出国（境）费", "公务用车购置及运行维护费", None, None, "公务接待费"] * 2,
    [None, None, "小计", "公务用车购置费", "公务用车运行维护费", None] * 2,
    ["5.00", "0.00", "3.00", "0.00", "3.00", "2.00", "4.50", "", "2.50", "0.00", "2.50", "2.00"],
]
BASIC = [  # 人员经费 | 公用经费 in two panels; the 公用经费 total label spans a panel
    ["人员经费", None, None, "公用经费", None, None, None, None, None],
    ["科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数"],
    ["301", "工资福利支出", "100.00", "302", "商品和服务支出", "20.00", "310", "资本性支出", "1.00"],
    ["人员经费合计", None, "100.00", "公用经费合计", None, None, None, None, "21.00"],
]


@functools.cache
def _sichuan():
    doc = make_doc([
        ["附表1", "收入支出决算总表", "编制单位：某中心 单位：元", SUMMARY, "1"],
        ["收入决算表", "单位：万元", INCOME],
        [INCOME_MORE, "政府性基金预算财政拨款收入支出决算表", "单位：万元",
         "本单位2021年度无政府性基金预算财政拨款收入，也没有使用政府性基金预算财政拨款安排的支出，故本表无数据。",
         "一般公共预算财政拨款基本支出决算表"],
        [BASIC, "附表10 一般公共预算财政拨款“三公”经费支出决算表", THREE_PUBLIC],
        ["某某单位资产情况统计表", "单位：万元", [["项目", "数量"], ["房屋", "2"]]],
    ])
    return doc, parse_tables(doc, formats.load("sichuan-2021"))


def test_synthetic_tables_found_and_unrecognised():
    _, parsed = _sichuan()
    assert [(t.alias, t.pages, len(t.rows)) for t in parsed.tables] == [
        ("t01", [1], 6), ("t02", [2, 3], 5), ("t08", [4], 5), ("t10", [4], 6), ("t11", [3], 0)]
    assert parsed.unrecognised == [
        "第 5 页：表格标题“某某单位资产情况统计表”不是本格式的附表 / "
        "page 5: table title '某某单位资产情况统计表' is not a table of this format"]


def test_synthetic_panels_and_yuan_to_wanyuan():
    doc, parsed = _sichuan()
    t01 = parsed.get("t01")
    assert (t01.printed_unit, t01.unit, t01.converted_from, t01.factor) == ("元", "万元", "元", 10000)
    got = [(r.values["side"], r.values["item"], r.values["amount"], r.level) for r in t01.rows]
    assert got == [
        ("收入", "一般公共预算财政拨款收入", "1260.4173", ""), ("收入", "上级补助收入", None, ""),
        ("收入", "本年收入合计", "1260.4173", "合计"),
        ("支出", "一般公共服务支出", None, ""), ("支出", "社会保障和就业支出", "1260.4173", ""),
        ("支出", "本年支出合计", "1260.4173", "合计")]
    first = t01.rows[0].cells["amount"]
    assert (doc.line(first.line), first.offset, first.literal) == (
        "一、一般公共预算财政拨款收入 1 12,604,173.00 一、一般公共服务支出 32 —", 17, "12,604,173.00")
    assert t01.fields[-1] == {"name": "amount", "title": "金额", "type": "number", "unit": "万元"}
    assert "amount" not in t01.rows[3].cells  # "—" is no value and no number


def test_synthetic_codes_inherited_names_wrapped_and_continued():
    _, parsed = _sichuan()
    t02 = parsed.get("t02")
    assert (t02.converted_from, t02.factor) == (None, None)
    got = [(r.code, r.level, r.values["name"], r.values["total"]) for r in t02.rows]
    assert got == [
        (None, "合计", "合计", "100.00"),
        ("208", "类", "社会保障和就业支出", "100.00"),
        ("20805", "款", "行政事业单位养老支出", "100.00"),
        ("2080505", "项", "机关事业单位基本养老保险缴费支出", "60.00"),
        ("2080599", "项", "其他行政事业单位养老支出", "40.00"),
    ]


def test_synthetic_empty_table_keeps_its_statement():
    _, parsed = _sichuan()
    t11 = parsed.get("t11")
    assert (t11.rows, t11.printed_title) == ([], "政府性基金预算财政拨款收入支出决算表")
    assert t11.note == "本单位2021年度无政府性基金预算财政拨款收入，也没有使用政府性基金预算财政拨款安排的支出，故本表无数据。"


def test_synthetic_title_at_the_foot_of_the_previous_page_and_panels_by_label():
    _, parsed = _sichuan()
    t08 = parsed.get("t08")
    assert (t08.printed_title, t08.pages) == ("一般公共预算财政拨款基本支出决算表", [4])
    got = [(r.values["panel"], r.code, r.values["name"], r.values["amount"]) for r in t08.rows]
    assert got == [
        ("人员经费", "301", "工资福利支出", "100.00"), ("人员经费", None, "人员经费合计", "100.00"),
        ("公用经费", "302", "商品和服务支出", "20.00"), ("公用经费", None, "公用经费合计", "21.00"),
        ("公用经费", "310", "资本性支出", "1.00")]


def test_synthetic_wide_three_public_table_becomes_item_rows():
    _, parsed = _sichuan()
    got = [(r.values["item"], r.values["budget"], r.values["actual"]) for r in parsed.get("t10").rows]
    assert got == [
        ("合计", "5.00", "4.50"), ("因公出国（境）费", "0.00", None), ("公务用车购置及运行维护费", "3.00", "2.50"),
        ("其中：公务用车购置费", "0.00", "0.00"), ("其中：公务用车运行维护费", "3.00", "2.50"), ("公务接待费", "2.00", "2.00")]


def test_table_printed_as_a_statement_in_a_cell():
    fmt = formats.load("sichuan-2021")
    doc = make_doc([["国有资本经营预算财政拨款支出决算表", "单位：万元",
                     [["科目编码", "科目名称", "合计", "基本支出", "项目支出"], ["本表无数据", None, None, None, None]]]])
    parsed = parse_tables(doc, fmt)
    t14 = parsed.get("t14")
    assert (t14.rows, t14.note, parsed.unrecognised) == ([], "本表无数据", [])


def test_contents_lines_are_not_tables():
    doc = make_doc([["目 录", "1. 收入支出决算总表 ……………… 5", "2. 收入决算表", "3. 支出决算表"]])
    parsed = parse_tables(doc, formats.load("sichuan-2021"))
    assert (parsed.tables, parsed.unrecognised) == ([], [])


def test_a_cell_that_is_not_a_number_is_listed():
    doc = make_doc([["收入决算表", "单位：万元", INCOME[:3] + [["208", "", "", "社会保障和就业支出", "约100", "100.00"]]]])
    parsed = parse_tables(doc, formats.load("sichuan-2021"))
    row = parsed.get("t02").rows[1]
    assert (row.values["total"], row.values["fiscal"], "total" in row.cells) == (None, "100.00", False)
    assert parsed.unrecognised == ["第 1 页 t02：“社会保障和就业支出”一行“本年收入合计”栏印的是“约100”，不是数字 / "
                                   "page 1 t02: row '社会保障和就业支出', column '本年收入合计' prints '约100', not a number"]


def test_a_title_without_its_table_is_listed_unless_the_file_is_text():
    pages = [["国有资本经营预算财政拨款支出决算表", "说明：见第二部分。"]]
    parsed = parse_tables(make_doc(pages), formats.load("sichuan-2021"))
    assert (parsed.tables, parsed.unrecognised) == ([], [
        "第 1 页：有“国有资本经营预算财政拨款支出决算表”标题，但表格未能读出 / "
        "page 1: title '国有资本经营预算财政拨款支出决算表' is printed but its table could not be read"])
    text = make_doc(pages)
    text.kind = "text"
    assert parse_tables(text, formats.load("sichuan-2021")).unrecognised == []


# ---- Shanghai district 部门决算 (layouts inferred): the same machinery on its nine-table format ---------------------
@functools.cache
def _shanghai_final():
    spending_header = [["科目编码", None, None, "科目名称", "本年支出", None, None],
                       ["类", "款", "项", None, "合计", "基本支出", "项目支出"]]
    doc = make_doc([
        ["上海市某区某局2023年度收入支出决算总表", "编制部门：某局 单位：元", [
            ["收入", None, None, "支出", None, None],
            ["项目", "行次", "金额", "项目", "行次", "金额"],
            ["一、一般公共预算财政拨款收入", "1", "96,282,213.44", "一、公共安全支出", "32", "87,267,272.44"],
            ["", "", "", "二、社会保障和就业支出", "33", "9,014,941.00"],
            ["本年收入合计", "", "96,282,213.44", "本年支出合计", "", "96,282,213.44"]]],
        ["一般公共预算财政拨款支出决算表", "单位：万元", spending_header + [
            ["合计", None, None, None, "30.00", "20.00", "10.00"], ["204", "", "", "公共安全支出", "30.00", "20.00", "10.00"]]],
        ["一般公共预算财政拨款支出决算表（续）", spending_header + [["204", "06", "", "司法", "30.00", "20.00", "10.00"]]],
        ["财政拨款“三公”经费支出决算表", "单位：万元", [
            ["预算数"] + [None] * 5 + ["决算数"] + [None] * 5,
            ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费"] * 2,
            [None, None, "小计", "公务用车购置费", "公务用车运行费", None] * 2,
            ["10.81", "0.00", "9.98", "0.00", "9.98", "0.83", "8.02", "0.00", "7.50", "0.00", "7.50", "0.52"]]],
    ])
    return parse_tables(doc, formats.load("shanghai-district-dept-final"))


def test_shanghai_final_summary_in_yuan_becomes_wanyuan():
    parsed = _shanghai_final()
    assert [(t.alias, t.pages, len(t.rows)) for t in parsed.tables] == [("t01", [1], 5), ("t05", [2, 3], 3), ("t09", [4], 6)]
    assert parsed.unrecognised == []
    t01 = parsed.get("t01")
    assert (t01.printed_title, t01.converted_from, t01.factor) == ("上海市某区某局2023年度收入支出决算总表", "元", 10000)
    assert [(r.values["side"], r.values["item"], r.values["amount"]) for r in t01.rows] == [
        ("收入", "一般公共预算财政拨款收入", "9628.221344"), ("收入", "本年收入合计", "9628.221344"),
        ("支出", "公共安全支出", "8726.727244"), ("支出", "社会保障和就业支出", "901.4941"), ("支出", "本年支出合计", "9628.221344")]


def test_shanghai_final_continued_table_and_wide_three_public():
    parsed = _shanghai_final()
    assert [(r.code, r.level, r.values["total"]) for r in parsed.get("t05").rows] == [
        (None, "合计", "30.00"), ("204", "类", "30.00"), ("20406", "款", "30.00")]
    assert [(r.values["item"], r.values["budget"], r.values["actual"]) for r in parsed.get("t09").rows] == [
        ("合计", "10.81", "8.02"), ("因公出国（境）费", "0.00", "0.00"), ("公务用车购置及运行费", "9.98", "7.50"),
        ("其中：公务用车购置费", "0.00", "0.00"), ("其中：公务用车运行费", "9.98", "7.50"), ("公务接待费", "0.83", "0.52")]


@pytest.mark.params_from("format_id", formats.available)
def test_every_layout_names_a_table_of_its_format(format_id):
    from juesuan.importer.layouts import load_layouts

    fmt = formats.load(format_id)
    layouts = load_layouts(fmt)
    assert set(layouts) <= set(fmt.get("tables") or {})
    if layouts:
        assert set(layouts) == set(fmt["tables"])
        resources = [layout.resource for layout in layouts.values()]
        assert len(set(resources)) == len(resources)
        assert all(resource.startswith(alias + "_") for alias, resource in zip(layouts, resources))


def test_docx_table_is_read_with_its_cells_located(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("附表3")
    document.add_paragraph("支出决算表")
    document.add_paragraph("单位：元")
    grid = document.add_table(rows=4, cols=4)
    for r, cells in enumerate([["科目编码", "科目名称", "本年支出合计", "基本支出"],
                               ["", "合计", "1,382,300.00", "1,382,300.00"],
                               ["208", "社会保障和就业支出", "1,382,300.00", "1,382,300.00"],
                               ["20805", "行政事业单位养老支出", "1,382,300.00", ""]]):
        for c, text in enumerate(cells):
            grid.cell(r, c).text = text
    path = tmp_path / "report.docx"
    document.save(path)
    doc = extract(path)
    parsed = parse_tables(doc, formats.load("sichuan-2021"))
    t03 = parsed.get("t03")
    assert (t03.printed_title, t03.converted_from, parsed.unrecognised) == ("支出决算表", "元", [])
    assert [(r.code, r.level, r.values["name"], r.values["total"], r.values["basic"]) for r in t03.rows] == [
        (None, "合计", "合计", "138.23", "138.23"), ("208", "类", "社会保障和就业支出", "138.23", "138.23"),
        ("20805", "款", "行政事业单位养老支出", "138.23", None)]
    cell = t03.rows[2].cells["total"]
    assert (doc.line(cell.line), cell.offset, cell.literal) == ("20805\t行政事业单位养老支出\t1,382,300.00", 17, "1,382,300.00")


def test_a_title_wrapped_onto_two_lines():
    doc = make_doc([["附表12 政府性基金预算财政拨款“三公”经费", "支出决算表", "单位：万元",
                     [["项目", "预算数", "决算数"], ["合计", "", "0.00"]]]])
    parsed = parse_tables(doc, formats.load("sichuan-2021"))
    t12 = parsed.get("t12")
    assert (t12.printed_title, t12.title_line, parsed.unrecognised) == (
        "附表12 政府性基金预算财政拨款“三公”经费支出决算表", 1, [])
    assert [(r.values["item"], r.values["budget"], r.values["actual"], r.level) for r in t12.rows] == [
        ("合计", None, "0.00", "合计")]
