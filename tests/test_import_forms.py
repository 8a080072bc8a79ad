"""make import of the 附件 performance forms: the real report's text, and its forms as ruled tables in a PDF and a DOCX → the hand-made performance_projects and performance_indicators."""

from __future__ import annotations

import copy
import csv
import json
import re
import shutil
from pathlib import Path

import docx
import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table, TableStyle

from helpers.paths import ROOT, SLUG
from helpers.report_pdf import FONT, wrap

from juesuan.charts.declared import plan
from juesuan.data import formats
from juesuan.data.loader import REF, load
from juesuan.data.source_text import with_qualifier
from juesuan.importer import draft
from juesuan.importer.extract import extract
from juesuan.importer.forms import read_forms
from juesuan.importer.narrative import parse_narrative
from juesuan.importer.run import Overrides, run
from juesuan.tools.validate import validate

REAL = ROOT / "datapackage" / SLUG
PROJECTS, INDICATORS = "performance_projects", "performance_indicators"
TEXTS = {PROJECTS: ("goal_expected", "goal_actual"), INDICATORS: ("expected", "actual")}
WHERE = {PROJECTS: "lines", INDICATORS: "line"}  # line numbers: the same in the text, not in a PDF or DOCX
# Who the generated PDF and DOCX say they are (the forms' unit and values are the real report's).
MADE = Overrides(unit="测试单位", year=2021, kind="单位决算", format="sichuan-2021")
CN = "一二三四五六七八九十"
# The parts before the forms; the explanation has the ten sections of the format, the tenth (预算绩效) with the
# subsection where the format places the chart of the forms' projects.
PARTS = ["第一部分 单位概况", "一、主要职能", "本单位负责城乡居民养老保险的经办。", "第二部分 2021年度单位决算情况说明",
         *[t for k in CN for t in (f"{k}、第{k}节", "本节没有另行说明的事项。")],
         *[t for k in CN[:4] for t in (f"（{k}）第{k}小节", "本小节没有另行说明的事项。")],
         "第三部分 名词解释", "1.财政拨款收入：指本级财政当年拨付的资金。", "第四部分 附件"]
TAIL = ["第五部分 附表", "一、收入支出决算总表"]


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _literal(fig: dict) -> str:
    """A figure → its literal with the qualifier the reference stands for (≥95%: the qualifier is the figure's, in both)."""
    return with_qualifier(fig["literal"], fig["qualifier"])


def _written(folder: Path, resource: str, skip: tuple[str, ...] = ()) -> list[dict]:
    """A package's rows of a form resource, every [[reference]] written out as its figure's literal (read from the CSV
    files, not through the loader)."""
    figures = {f["id"]: f for f in _rows(folder / "data" / "figures.csv")}
    out = []
    for row in _rows(folder / "data" / f"{resource}.csv"):
        for k in TEXTS[resource]:
            row[k] = REF.sub(lambda m: _literal(figures[m.group(1)]), row[k])
        out.append({k: v for k, v in row.items() if k not in skip})
    return out


@pytest.fixture(scope="module")
def text_draft(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("forms-text")
    shutil.copyfile(REAL / "source" / "report.txt", tmp / "report.txt")
    return run(tmp / "report.txt", tmp / "out")


# ---- the real report's text ----------------------------------------------------------------------------------
def test_import_forms_real_text_projects_are_the_hand_made_ones(text_draft):
    assert _written(text_draft, PROJECTS) == _written(REAL, PROJECTS)


def test_import_forms_real_text_indicators_are_the_hand_made_ones(text_draft):
    """Every column, the merged flags too (附件2 has a blank line inside its first indicator row)."""
    assert _written(text_draft, INDICATORS) == _written(REAL, INDICATORS)


def test_import_forms_real_text_every_amount_points_to_the_figure_printed_in_its_cell(text_draft):
    def cells(folder: Path) -> dict[tuple[str, str], tuple[str, str, str]]:
        figures = {f["id"]: f for f in _rows(folder / "data" / "figures.csv")}
        return {(p["row"], p["field"]): tuple(figures[p["figure"]][k] for k in ("line", "offset", "literal"))
                for p in _rows(folder / "data" / "provenance.csv") if p["resource"] == PROJECTS}
    assert len(cells(REAL)) == 18
    assert cells(text_draft) == cells(REAL)


def test_import_forms_real_text_draft_validates_and_draws_the_form_charts(text_draft):
    assert [str(p) for p in validate([text_draft])] == []
    planned, problems = plan(load(text_draft))
    drawn = {d.id: missing for d, missing in planned}
    assert problems == []
    assert {k: drawn.get(k) for k in ("projects", "indicators-p4-a1", "indicators-p4-a2", "indicators-p4-a3")} == \
        {"projects": [], "indicators-p4-a1": [], "indicators-p4-a2": [], "indicators-p4-a3": []}


def test_import_forms_real_text_review_asks_to_check_the_forms_not_to_split_them(text_draft):
    whats = [r["what"] for r in _rows(text_draft / "data" / "review.csv")]
    assert "绩效自评表（附件）" not in whats
    assert "3 张绩效自评表（附件1、附件2、附件3）" in whats
    assert [w for w in whats if w.startswith("附件")] == []  # nothing of the forms left unread


def test_import_forms_descriptor_is_the_hand_made_schema_with_the_forms_found(text_draft):
    desc = {r["name"]: r for r in json.loads((text_draft / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    hand = {r["name"]: r for r in json.loads((REAL / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    for name in (PROJECTS, INDICATORS):
        assert desc[name]["schema"] == hand[name]["schema"]
    assert PROJECTS in next(f for f in desc["provenance"]["schema"]["fields"] if f["name"] == "resource")["constraints"]["enum"]


def test_import_forms_a_format_without_forms_reads_none():
    doc = extract(REAL / "source" / "report.txt")
    fmt = {k: v for k, v in formats.load("sichuan-2021").items() if k != "forms"}
    found = read_forms(doc, parse_narrative(doc, fmt), fmt, [])
    assert (found.projects, found.indicators, found.provenance, found.notes) == ([], [], [], [])
    desc = draft.descriptor({"unit": "u", "year": 2021, "kind": "k", "unit_id": "u", "slug": "u-2021"}, fmt, [], "report.txt", set(), 1)
    names = [r["name"] for r in desc["resources"]]
    assert PROJECTS not in names and INDICATORS not in names
    assert next(f for f in desc["resources"][names.index("provenance")]["schema"]["fields"]
                if f["name"] == "resource")["constraints"]["enum"] == ["none"]


def test_import_forms_a_form_missing_its_indicators_is_listed_for_review_not_imported(tmp_path):
    """附件3 cut off after its goals: 附件1 and 附件2 are read, 附件3 is a review item, and the draft validates."""
    lines = (REAL / "source" / "report.txt").read_text(encoding="utf-8").split("\n")
    cut = [n for n, t in enumerate(lines) if t == "\t绩效指标完成情况"][2]
    end = next(n for n, t in enumerate(lines) if t.startswith("第5部分"))
    src = tmp_path / "report.txt"
    src.write_text("\n".join(lines[:cut] + [""] * (end - cut) + lines[end:]), encoding="utf-8")  # line numbers kept
    folder = run(src, tmp_path / "out")
    assert [r["form"] for r in _rows(folder / "data" / f"{PROJECTS}.csv")] == ["附件1", "附件2"]
    review = [r for r in _rows(folder / "data" / "review.csv") if r["what"].startswith("附件3")]
    assert [r["what"] for r in review] == ["附件3：没有读出绩效自评表"] and "绩效指标" in review[0]["why"]
    assert [str(p) for p in validate([folder])] == []


# ---- the forms printed as ruled tables (PDF, DOCX) -------------------------------------------------------------
def _literal_text(text: str, figures: dict[str, dict]) -> str:
    return REF.sub(lambda m: _literal(figures[m.group(1)]), text)


def _printed_forms() -> list[tuple[str, list[list], list[tuple[int, int, int, int]]]]:
    """The hand-made forms as the report prints them → (附件N, rows of 6 cells with None where a merge covers the
    slot, merges as (first column, first row, last column, last row))."""
    figures = {f["id"]: f for f in _rows(REAL / "data" / "figures.csv")}
    indicators = _rows(REAL / "data" / f"{INDICATORS}.csv")
    out = []
    for p in _rows(REAL / "data" / f"{PROJECTS}.csv"):
        rows = [["项目名称", p["project"], None, None, None, None], ["预算单位", p["unit"], None, None, None, None],
                ["预算执行情况(万元)", "预算数:", p["budget"], "执行数:", p["executed"], None],
                [None, "其中-财政拨款:", p["budget_fiscal"], "其中-财政拨款:", p["executed_fiscal"], None],
                [None, "其它资金:", p["budget_other"], "其它资金:", p["executed_other"], None],
                ["年度目标完成情况", "预期目标", None, "实际完成目标", None, None],
                [None, _literal_text(p["goal_expected"], figures), None, _literal_text(p["goal_actual"], figures), None, None],
                ["绩效指标完成情况", "一级指标", "二级指标", "三级指标", "预期指标值(包含数字及文字描述)", "实际完成指标值(包含数字及文字描述)"]]
        spans = [(1, 0, 5, 0), (1, 1, 5, 1), (0, 2, 0, 4), (4, 2, 5, 2), (4, 3, 5, 3), (4, 4, 5, 4),
                 (0, 5, 0, 6), (1, 5, 2, 5), (3, 5, 5, 5), (1, 6, 2, 6), (3, 6, 5, 6)]
        first = len(rows)
        for ind in (i for i in indicators if i["form"] == p["form"]):
            r = len(rows)
            cells = [None, ind["level1"], ind["level2"], ind["level3"],
                     _literal_text(ind["expected"], figures), _literal_text(ind["actual"], figures)]
            for c, level in ((1, "level1"), (2, "level2")):
                if ind[f"{level}_merged"] == "是":  # the cell above runs on over this row
                    cells[c] = None
                    top = max(k for k in range(first, r) if rows[k][c] is not None)
                    spans = [s for s in spans if (s[0], s[1]) != (c, top)] + [(c, top, c, r)]
            rows.append(cells)
        spans.append((0, first - 1, 0, len(rows) - 1))
        out.append((p["form"], rows, spans))
    return out


def _pdf(dest: Path) -> Path:
    """A short report whose 第四部分 prints each form as a ruled table (A3, long cells wrapped as a word processor does)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = Canvas(str(dest), pagesize=A3, invariant=1)
    widths, size = [90, 90, 110, 150, 160, 160], 9

    def lines(texts: list[str]) -> float:
        y = A3[1] - 60
        for t in texts:
            c.setFont(FONT, 12)
            c.drawString(60, y, t)
            y -= 22
        return y

    for k, part in enumerate(re.split(r"\n(?=第)", "\n".join(PARTS))):  # each part on its own page: with the forms
        if k:  # on half the pages, 附件N atop each would read as a running header
            c.showPage()
        lines(part.split("\n"))
    for form, rows, spans in _printed_forms():
        c.showPage()
        y = lines([form, "特定目标类部门预算项目绩效目标自评", "(2021年度)"])
        cells = []
        for row in rows:
            out = []
            for k, t in enumerate(row):
                span = next((s for s in spans if (s[0], s[1]) == (k, len(cells))), None)
                width = sum(widths[span[0]:span[2] + 1]) if span else widths[k]
                out.append("\n".join(wrap(t, width - 8, size)) if t else "")
            cells.append(out)
        style = [("FONT", (0, 0), (-1, -1), FONT, size), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE")] + [("SPAN", (a, b), (d, e)) for a, b, d, e in spans]
        table = Table(cells, colWidths=widths, style=TableStyle(style))
        _, h = table.wrapOn(c, sum(widths), y)
        table.drawOn(c, 60, y - h)
    c.showPage()
    lines(TAIL)
    c.save()
    return dest


def _docx(dest: Path) -> Path:
    """The same short report as a Word file, each form a Word table with its merged cells."""
    d = docx.Document()
    for t in PARTS:
        d.add_paragraph(t)
    for form, rows, spans in _printed_forms():
        for t in (form, "特定目标类部门预算项目绩效目标自评", "(2021年度)"):
            d.add_paragraph(t)
        table = d.add_table(rows=len(rows), cols=6)
        table.style = "Table Grid"
        for a, b, e, f in spans:
            table.cell(b, a).merge(table.cell(f, e))
        for r, row in enumerate(rows):
            for k, t in enumerate(row):
                if t is not None:
                    table.cell(r, k).text = t
    for t in TAIL:
        d.add_paragraph(t)
    d.save(str(dest))
    return dest


@pytest.fixture(scope="module", params=["pdf", "docx"])
def table_draft(request, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp(f"forms-{request.param}")
    src = (_pdf if request.param == "pdf" else _docx)(tmp / f"report.{request.param}")
    return run(src, tmp / "out", overrides=copy.copy(MADE))


def test_import_forms_ruled_tables_give_the_hand_made_projects(table_draft):
    assert _written(table_draft, PROJECTS, skip=("lines",)) == _written(REAL, PROJECTS, skip=("lines",))


def test_import_forms_ruled_tables_give_the_hand_made_indicators(table_draft):
    assert _written(table_draft, INDICATORS, skip=("line",)) == _written(REAL, INDICATORS, skip=("line",))


def test_import_forms_ruled_tables_point_every_cell_to_its_printed_number(table_draft):
    """Each amount's figure prints the amount where it says; a text cell's references name figures of its form's lines."""
    lines = (table_draft / "source" / "report.txt").read_text(encoding="utf-8").split("\n")
    figures = {f["id"]: f for f in _rows(table_draft / "data" / "figures.csv")}
    provenance = [p for p in _rows(table_draft / "data" / "provenance.csv") if p["resource"] == PROJECTS]
    assert len(provenance) == 18
    for p in provenance:
        fig = figures[p["figure"]]
        assert lines[int(fig["line"]) - 1][int(fig["offset"]):].startswith(fig["literal"]), (p, fig)
    used = [fid for r in _rows(table_draft / "data" / f"{INDICATORS}.csv") for k in ("expected", "actual") for fid in REF.findall(r[k])]
    assert len(used) == len(set(used)) == 34  # every number of every indicator, each figure once


def test_import_forms_ruled_tables_draft_validates(table_draft):
    """A Word table row is one line with its cells joined by tabs: a figure quotes its cell, never the tab."""
    assert [str(p) for p in validate([table_draft])] == []


def test_import_forms_lines_of_a_pdf_that_prints_no_table_are_left_for_review(tmp_path):
    """Forms printed as plain lines (no ruling, empty cells not printed): no rows can be told apart, none is read."""
    pdf = tmp_path / "lines.pdf"
    c = Canvas(str(pdf), pagesize=A3, invariant=1)
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    y = A3[1] - 60
    for t in PARTS + [t for _, rows, _ in _printed_forms()[:1] for t in ["附件1"] + [x for r in rows for x in r if x]] + TAIL:
        c.setFont(FONT, 10)
        c.drawString(60, y, re.sub(r"\s+", "", t)[:60])
        y -= 14
        if y < 60:
            c.showPage()
            y = A3[1] - 60
    c.save()
    folder = run(pdf, tmp_path / "out", overrides=copy.copy(MADE))
    assert not (folder / "data" / f"{PROJECTS}.csv").exists()
    assert "绩效自评表（附件）" in [r["what"] for r in _rows(folder / "data" / "review.csv")]
    assert [str(p) for p in validate([folder])] == []
