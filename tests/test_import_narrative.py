"""Importer, narrative layer: a Document and a format's headings → sections (as the hand-made narrative.csv) and the glossary; noise dropped.

The real report's text is compared with the hand-made package section by section. The Shanghai
sample PDFs' parts and titles were read by eye from the pages rendered with pdftoppm (they print
no page numbers; their contents page lists the parts with numbers the body headings lack). A small
PDF-like Document with a contents page, a running header, page numbers and a sentence wrapped
across a page break is built directly from the Document model.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

from helpers.paths import ROOT, SLUG

from juesuan.data import formats
from juesuan.data.source_text import with_qualifier
from juesuan.importer.extract import extract
from juesuan.importer.glossary import glossary_items
from juesuan.importer.model import Document, Page, join_pages
from juesuan.importer.narrative import (COVER, FIGURE, FORM, HEADER, PAGE_NO, REPEAT, TABLES, TOC, parse_glossary,
                                        parse_narrative)

PACKAGE = ROOT / "datapackage" / SLUG
SAMPLES = Path(__file__).resolve().parent / "fixtures" / "shared" / "samples"
DEPT = SAMPLES / "2026-shanghai-putuo-justice-bureau-dept-budget.pdf"
UNIT = SAMPLES / "2026-shanghai-putuo-justice-bureau-unit-budget.pdf"
SHANGHAI = "shanghai-district-2026-budget"
COLUMNS = ["id", "parent", "order", "level", "title", "lines"]
# The Word export wrote digits where the report numbers 一、二、… and 第三部分…: numbers are kept as written.
AS_WRITTEN = {"p1-s1": "1、", "p1-s2-1": "（1）", "p2-s1": "1、", "p2-s2": "2、", "p2-s3": "3、", "p2-s9": "9、",
              "p2-s10": "10、", "p3": "第3部分", "p4": "第4部分", "p5": "第5部分"}


def _csv(name: str) -> list[dict]:
    with (PACKAGE / "data" / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@functools.cache
def _real():
    doc = extract(PACKAGE / "source" / "report.txt")
    narrative = parse_narrative(doc, formats.load("sichuan-2021"))
    return doc, narrative


@functools.cache
def _sample(path: Path):
    doc = extract(path)
    return doc, parse_narrative(doc, formats.load(SHANGHAI))


def _plain(text: str, literals: dict[str, str]) -> str:
    """narrative.csv text → the plain text: every [[id]] replaced by the figure as the report writes it."""
    return re.sub(r"\[\[([^\]]+)\]\]", lambda m: literals[m.group(1)], text)


# ---- the real report (text) against the hand-made package ------------------------------------------------
def test_real_sections_equal_the_hand_made_ones():
    _, narrative = _real()
    got = [[str(s[c]) for c in COLUMNS] for s in narrative.sections]
    assert got == [[row[c] for c in COLUMNS] for row in _csv("narrative.csv")]


def test_real_numbers_as_written():
    _, narrative = _real()
    got = {s["id"]: s["number"] for s in narrative.sections}
    hand = {row["id"]: row["number"] for row in _csv("narrative.csv")}
    assert {k: v for k, v in got.items() if v != hand[k]} == AS_WRITTEN
    assert hand["p2-s10"] == "十、" and hand["p3"] == "第三部分"  # what the hand-made package wrote instead


def test_real_plain_text_equals_the_hand_made_text_with_the_literals():
    _, narrative = _real()
    literals = {f["id"]: with_qualifier(f["literal"], f["qualifier"]) for f in _csv("figures.csv") if f["status"] == "stated"}
    got = {s["id"]: s["text"] for s in narrative.sections}
    assert got == {row["id"]: _plain(row["text"], literals) for row in _csv("narrative.csv")}


def test_real_original_figures_are_the_charts_placed_where_the_report_had_an_image():
    _, narrative = _real()
    assert [s["original_figure"] for s in narrative.sections] == [r["original_figure"] for r in _csv("narrative.csv")]


def test_real_body_lines():
    _, narrative = _real()
    body = {s["id"]: s["body_lines"] for s in narrative.sections}
    assert body["p1"] == [] and body["p1-s1"] == [4]
    assert body["p1-s2-1"] == [6]  # heading and first paragraph share the line: title up to 。, text after it
    assert body["p2-s2"] == [21]  # the [image] line after it is not text
    assert body["p2-s5-3"] == [41, 42, 43, 44]
    assert body["p3"] == list(range(83, 95))
    assert body["p4-a1"] == [] and body["p5"] == []  # forms and the list of tables are for the table parser


def test_real_offsets_say_where_a_first_paragraph_starts_on_its_heading_line():
    doc, narrative = _real()
    texts = {s["lines"]: s["text"] for s in narrative.sections}
    assert sorted(narrative.offsets) == list(range(6, 14))
    for n, k in narrative.offsets.items():
        assert doc.line(n)[k:] == texts[str(n)]
    assert doc.line(6)[:narrative.offsets[6]] == "（1） 两件县级民生实事顺利推进。"


def test_real_every_line_is_a_section_line_or_dropped_and_never_both():
    doc, narrative = _real()
    in_sections = {int(n) for s in narrative.sections for n in s["lines"].split()}
    dropped = dict(narrative.dropped)
    text_lines = {n for n in range(1, len(doc.text.split("\n")) + 1) if doc.line(n).strip()}
    assert in_sections.isdisjoint(dropped)
    assert in_sections | set(dropped) == text_lines
    assert {n for n, why in dropped.items() if why == FIGURE} == {22, 25, 28, 36, 39}
    assert {why for n, why in dropped.items() if 112 < n < 428} == {FORM}
    assert {n for n, why in dropped.items() if why == TABLES} == set(range(430, 445))
    assert narrative.notes == []
    assert narrative.roles == {"overview": "p1", "explanation": "p2", "glossary": "p3", "forms": "p4", "tables": "p5"}


def test_real_glossary_equals_the_hand_made_one():
    doc, narrative = _real()
    got = [{k: str(v) for k, v in row.items()} for row in parse_glossary(doc, narrative, formats.load("sichuan-2021"))]
    assert got == _csv("glossary.csv")


def test_real_glossary_leaves_classification_code_items_to_the_codes_table():
    doc, narrative = _real()
    items = glossary_items(doc, narrative, formats.load("sichuan-2021"))
    assert [i["item"] for i in items if i["code"]] == [1, 2, 9, 10, 11, 12]
    assert [i["line"] for i in items] == list(range(83, 95))


def test_real_unknown_format_still_finds_the_headings():
    doc, _ = _real()
    for fmt in (None, formats.load("generic")):
        narrative = parse_narrative(doc, fmt)
        ids = [s["id"] for s in narrative.sections]
        assert ids[:4] == ["p1", "p1-s1", "p1-s2", "p1-s2-1"] and "p2-s10-4" in ids
        assert [s["title"] for s in narrative.sections if s["level"] == 1] == [
            "单位概况", "2021年度单位决算情况说明", "名词解释", "附件", "附表"]
        assert narrative.roles == {"glossary": "p3"}
        assert all(s["original_figure"] == "" for s in narrative.sections)


# ---- generic inputs: a text without headings, contents as Word writes them ------------------------------
def _text_doc(lines: list[str]) -> Document:
    return Document(kind="text", pages=[Page(1, lines, 1)], text="\n".join(lines) + "\n")


def test_no_headings_at_all_gives_one_section_with_everything():
    doc = _text_doc(["某单位情况", "本单位负责有关工作。", "", "全年收入10万元。"])
    narrative = parse_narrative(doc, None)
    assert [(s["id"], s["level"], s["number"], s["title"], s["lines"], s["text"]) for s in narrative.sections] == [
        ("p1", 1, "", "某单位情况", "1 2 4", "本单位负责有关工作。\n全年收入10万元。")]
    assert narrative.dropped == []
    empty = parse_narrative(_text_doc(["", " "]), {})
    assert [s["id"] for s in empty.sections] == ["p1"]


def test_word_contents_with_field_codes_and_repeated_headings_are_dropped():
    doc = _text_doc([
        "目录",
        'TOC \\o "1-3" \\h \\z \\u',
        "第一部分 单位概况\t3",
        'HYPERLINK \\l "_Toc1" 第二部分 决算情况说明 PAGEREF _Toc1 \\h 4',
        "第一部分 单位概况",
        "一、职能简介",
        "负责有关工作。",
        "第二部分 决算情况说明",
        "一、收入决算情况说明",
        "本年收入10万元。",
    ])
    narrative = parse_narrative(doc, None)
    assert narrative.dropped == [(1, TOC), (2, TOC), (3, TOC), (4, TOC)]
    assert [(s["id"], s["title"], s["lines"]) for s in narrative.sections] == [
        ("p1", "单位概况", "5"), ("p1-s1", "职能简介", "6 7"), ("p2", "决算情况说明", "8"), ("p2-s1", "收入决算情况说明", "9 10")]
    body = doc.text.split("\n")[4:-1]
    untitled = parse_narrative(_text_doc([body[0], body[1], body[3], body[4]] + body), None)  # no 目录 line
    assert untitled.dropped == [(1, TOC), (2, TOC), (3, TOC), (4, TOC)]
    assert [s["lines"] for s in untitled.sections] == ["5", "6 7", "8", "9 10"]


# ---- a PDF-like Document: contents page, running header, page numbers, a sentence across a page break ----
HEAD = "某中心2025年度单位决算"
FULL_1 = "负责全县城乡居民养老保险相关事务性工作，组织实施参保登记、缴费核定和待遇"  # fills the column
FULL_2 = "支付，开展政策宣传和业务培训，管理个人权益记录，做好稽核和内控，按月发放"  # fills it too, on the page's last line
REST = "养老金并做好资格认证工作。"  # the sentence ends on the next page, after the header


def _pdf_doc(pages: list[list[str]]) -> Document:
    out, first = [], 1
    for number, lines in enumerate(pages, 1):
        out.append(Page(number, lines, first))
        first += len(lines)
    return Document(kind="pdf", pages=out, text=join_pages(pages))


def test_pdf_noise_is_dropped_and_the_wrapped_sentence_joined():
    doc = _pdf_doc([
        ["某县某中心", "2025年度单位决算"],  # 1-2 cover
        [HEAD, "目 录", "第一部分 单位概况……………………………3", "第二部分 2025年度单位决算情况说明…………4", "2"],  # 3-7
        [HEAD, "第一部分 单位概况", "一、职能简介", FULL_1, FULL_2, "3"],  # 8-13
        [HEAD, REST, "二、机构设置情况", "本中心设独立编制机构1个。", "第 4 页"],  # 14-18
        [HEAD, "第二部分 2025年度单位决算情况说明", "一、收入支出决算总体情况说明", "2025年度收、支总计100.00万元。", "- 5 -"],  # 19-23
    ])
    narrative = parse_narrative(doc, formats.load("sichuan-2021"))
    assert narrative.dropped == [(1, COVER), (2, COVER), (3, HEADER), (4, TOC), (5, TOC), (6, TOC), (7, PAGE_NO),
                                 (8, HEADER), (13, PAGE_NO), (14, HEADER), (18, PAGE_NO), (19, HEADER), (23, PAGE_NO)]
    got = [(s["id"], s["number"], s["title"], s["lines"], s["body_lines"], s["text"]) for s in narrative.sections]
    assert got == [
        ("p1", "第一部分", "单位概况", "9", [], ""),
        ("p1-s1", "一、", "职能简介", "10 11 12 15", [11, 12, 15], FULL_1 + FULL_2 + REST),
        ("p1-s2", "二、", "机构设置情况", "16 17", [17], "本中心设独立编制机构1个。"),
        ("p2", "第二部分", "2025年度单位决算情况说明", "20", [], ""),
        ("p2-s1", "一、", "收入支出决算总体情况说明", "21 22", [22], "2025年度收、支总计100.00万元。"),
    ]


# ---- the Shanghai sample PDFs (budgets, 2026) -------------------------------------------------------------
DEPT_SECTIONS = [  # id, number, title as printed, heading line
    ("p1", "一、", "上海市普陀区司法局主要职能", 20),
    ("p2", "二、", "上海市普陀区司法局机构设置", 40),
    ("p3", "三、", "名词解释", 45),
    ("p4", "四、", "2026年部门预算编制说明", 62),
    ("p5", "五、", "部门预算表", 8),  # the body prints no title for the tables: the contents entry is the heading
    ("p6", "六、", "其他相关情况说明", 271),
    ("p6-s1", "一、", "2026年“三公”经费预算情况说明", 272),
    ("p6-s2", "二、", "机关运行经费预算", 278),
    ("p6-s3", "三、", "政府采购预算情况", 280),
    ("p6-s4", "四、", "绩效目标设置情况", 285),
    ("p6-s5", "五、", "国有资产占有使用情况", 288),
    ("p7", "七、", "人民调解项目经费情况说明", 295),
    ("p7-s1", "一、", "项目概述", 296),
    ("p7-s2", "二、", "立项依据", 300),
    ("p7-s3", "三、", "实施主体", 305),
    ("p7-s4", "四、", "实施方案", 307),
    ("p7-s5", "五、", "实施周期", 312),
    ("p7-s6", "六、", "年度预算安排", 314),
    ("p7-s7", "七、", "绩效目标", 316),
]
UNIT_SECTIONS = [
    ("p1", "一、", "上海市普陀区司法局主要职能", 19),
    ("p2", "二、", "上海市普陀区司法局机构设置", 38),
    ("p3", "三、", "名词解释", 41),
    ("p4", "四、", "2026年单位预算编制说明", 58),
    ("p5", "五、", "单位预算表", 8),
    ("p6", "六、", "其他相关情况说明", 270),
    ("p6-s1", "一、", "2026年“三公”经费预算情况说明", 271),
    ("p6-s2", "二、", "机关运行经费预算", 277),
    ("p6-s3", "三、", "政府采购预算情况", 279),
    ("p6-s4", "四、", "绩效目标设置情况", 282),
    ("p6-s5", "五、", "国有资产占有使用情况", 284),
]


def _found(narrative) -> list[tuple]:
    return [(s["id"], s["number"], s["title"], int(s["lines"].split()[0])) for s in narrative.sections]


def test_dept_sample_parts_and_sections():
    _, narrative = _sample(DEPT)
    assert _found(narrative) == DEPT_SECTIONS
    assert narrative.roles == {"overview": "p1", "organisation": "p2", "glossary": "p3", "explanation": "p4",
                               "tables": "p5", "other": "p6", "projects": "p7"}


def test_unit_sample_parts_and_sections():
    _, narrative = _sample(UNIT)
    assert _found(narrative) == UNIT_SECTIONS
    assert "projects" not in narrative.roles


def test_samples_drop_the_contents_and_leave_the_tables_to_the_table_parser():
    for path, toc, tables in ((DEPT, range(3, 20), range(99, 271)), (UNIT, range(3, 19), range(95, 270))):
        doc, narrative = _sample(path)
        dropped = dict(narrative.dropped)
        assert [n for n, why in narrative.dropped if why == TOC] == [n for n in toc if n != 8]  # 8: the tables part's heading
        assert {n for n, why in dropped.items() if why == TABLES} == {n for n in tables if doc.line(n).strip()}
        assert [n for n, why in narrative.dropped if why == COVER] == [1, 2]
        assert PAGE_NO not in dropped.values() and HEADER not in dropped.values()  # these PDFs print neither
        in_sections = {int(n) for s in narrative.sections for n in s["lines"].split()}
        assert in_sections.isdisjoint(dropped)
        assert in_sections | set(dropped) == {n for p in doc.pages for n in range(p.first_line, p.first_line + len(p.lines))}


def test_dept_sample_joins_wrapped_lines_and_drops_the_clipped_repeat():
    doc, narrative = _sample(DEPT)
    assert (35, REPEAT) in narrative.dropped and doc.line(35) == doc.line(36)  # clipped at the foot of page 4, printed again on 5
    text = {s["id"]: s["text"].split("\n") for s in narrative.sections}
    assert text["p1"][8] == ("（八）负责本系统警车管理工作。按规定权限负责本系统国有资产的管理，负责下属单位国有资产投资项目计划的"
                             "审核、立项和转报工作。负责本系统信息化建设。")
    assert len(text["p1"]) == 11  # the lead sentence and the ten duties (一)…(十)
    assert text["p2"] == ["上海市普陀区司法局部门预算是包括区司法局本部以及下属1家预算单位的综合收支计划。",
                          "本部门中，行政单位1家，参公单位1家，", "具体包括：1.普陀区司法局本部", "2.普陀区法律援助中心"]
    assert text["p4"][2] == "财政拨款收入支出增加的主要原因是工作量增加"  # a short line ends its paragraph, full stop or not
    assert text["p6-s3"] == [
        "2026年本部门政府采购预算1486.42万元，其中：政府采购货物预算3.66万元、政府采购工程预算36.44万元、政府采购服务预算1446.32万元。",
        "2026年本部门面向中小企业预留政府采购项目预算金额1486.42万元，其中，预留给小型和微型企业的政府采购项目预算为1486.42万元。"]
    p6s3 = next(s for s in narrative.sections if s["id"] == "p6-s3")
    assert p6s3["body_lines"] == [281, 282, 283, 284]


def test_samples_glossary():
    for path, first in ((DEPT, 46), (UNIT, 42)):
        doc, narrative = _sample(path)
        rows = parse_glossary(doc, narrative, formats.load(SHANGHAI))
        assert [(r["id"], r["term"], r["item"]) for r in rows] == [
            ("g01", "财政拨款收入", 1), ("g02", "事业收入", 2), ("g03", "事业单位经营收入", 3), ("g04", "其他收入", 4),
            ("g05", "基本支出预算", 5), ("g06", "项目支出预算", 6), ("g07", "“三公”经费", 7), ("g08", "机关运行经费", 8)]
        assert rows[0]["line"] == first
        assert rows[0]["definition"] == ("是区级预算主管部门及所属预算单位本年度从本级财政部门取得的财政拨款，"
                                         "包括一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款。")
