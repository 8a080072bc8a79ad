"""make import, end to end: the real report's text and the sample PDFs → draft packages that validate and build; bad input writes nothing."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from helpers.build import build_or_fail
from helpers.paths import ROOT, SLUG

from juesuan.data.loader import load
from juesuan.importer.run import ImportFailed, Overrides, run
from juesuan.tools.validate import validate

REAL = ROOT / "datapackage" / SLUG
ENV = dict(os.environ, PYTHONPATH=str(ROOT / "scripts"))  # the command as make runs it
SAMPLES = Path(__file__).resolve().parent / "fixtures" / "shared" / "samples"
DEPT = SAMPLES / "2026-shanghai-putuo-justice-bureau-dept-budget.pdf"
UNIT = SAMPLES / "2026-shanghai-putuo-justice-bureau-unit-budget.pdf"


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def real_draft(tmp_path_factory) -> Path:
    """The real report's text (as a .txt a clerk would have), imported once."""
    tmp = tmp_path_factory.mktemp("import-real")
    src = tmp / "report.txt"
    shutil.copyfile(REAL / "source" / "report.txt", src)
    return run(src, tmp / "out")


@pytest.fixture(scope="module")
def sample_drafts(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("import-samples")
    return {"dept": run(DEPT, tmp), "unit": run(UNIT, tmp)}


def _stated(folder: Path, digits: bool = True) -> set[tuple[Decimal, int, int]]:
    """The stated figures of a package as (value, line, offset); with digits, those written in digits only."""
    return {(Decimal(r["value"]), int(r["line"]), int(r["offset"])) for r in _rows(folder / "data" / "figures.csv")
            if r["status"] == "stated" and (not digits or re.match(r"\d", r["literal"]))}


def test_import_real_text_states_the_same_figures_as_the_hand_made_register(real_draft):
    """Every number written in digits; counts written in words (两件, 九个大项) are left to the clerk: 5 in this report."""
    hand = _stated(REAL)
    assert (len(hand), len(_stated(REAL, digits=False)) - len(hand)) == (289, 5)
    assert _stated(real_draft) == hand


def test_import_real_text_keeps_the_source_byte_for_byte(real_draft):
    assert (real_draft / "source" / "report.txt").read_bytes() == (REAL / "source" / "report.txt").read_bytes()


def test_import_real_text_reads_unit_year_kind_and_format(real_draft):
    meta = json.loads((real_draft / "datapackage.json").read_text(encoding="utf-8"))["report"]
    assert (meta["unit"], meta["year"], meta["kind"], meta["format"]) == ("米易县城乡居民养老保险事务中心", 2021, "单位决算", "sichuan-2021")
    assert real_draft.name == f"{meta['unit_id']}-2021-dan-wei-jue-suan"


def test_import_real_text_sections_are_the_hand_made_ones(real_draft):
    keys = ("id", "parent", "level", "title", "lines")
    assert [tuple(r[k] for k in keys) for r in _rows(real_draft / "data" / "narrative.csv")] == \
        [tuple(r[k] for k in keys) for r in _rows(REAL / "data" / "narrative.csv")]


def test_import_real_text_narrative_reads_as_the_hand_made_one(real_draft):
    """Every section's text, with each [[reference]] written out as its literal, equals the hand-made text."""
    def written(folder: Path) -> dict[str, str]:
        report = load(folder)
        return {s["id"]: re.sub(r"\[\[([^\]]+)\]\]", lambda m: report.written(m.group(1)), s["text"] or "")
                for s in report.sections.values()}
    assert written(real_draft) == written(REAL)


def test_import_real_text_glossary_terms_are_the_hand_made_ones(real_draft):
    assert [(r["term"], r["line"]) for r in _rows(real_draft / "data" / "glossary.csv")] == \
        [(r["term"], r["line"]) for r in _rows(REAL / "data" / "glossary.csv")]


def test_import_real_text_draft_validates(real_draft):
    assert [str(p) for p in validate([real_draft])] == []


def test_import_real_text_review_lists_what_a_person_confirms(real_draft):
    whats = [r["what"] for r in _rows(real_draft / "data" / "review.csv")]
    assert whats[:3] == ["单位名称：米易县城乡居民养老保险事务中心", "年度：2021", "报告种类：单位决算"]
    assert "附表数值" in whats  # a text file has no tables to read
    assert "289 个数字的含义（label）" in whats


@pytest.mark.parametrize("name", ["dept", "unit"])
def test_import_sample_pdf_draft_validates(sample_drafts, name):
    assert [str(p) for p in validate([sample_drafts[name]])] == []


@pytest.mark.parametrize("name", ["dept", "unit"])
def test_import_sample_pdf_keeps_the_original_file(sample_drafts, name):
    src = {"dept": DEPT, "unit": UNIT}[name]
    assert (sample_drafts[name] / "source" / "original.pdf").read_bytes() == src.read_bytes()


@pytest.mark.parametrize("name", ["dept", "unit"])
def test_import_sample_pdf_every_table_value_points_to_its_printed_cell(sample_drafts, name):
    folder = sample_drafts[name]
    lines = (folder / "source" / "report.txt").read_text(encoding="utf-8").split("\n")
    figures = {r["id"]: r for r in _rows(folder / "data" / "figures.csv")}
    provenance = _rows(folder / "data" / "provenance.csv")
    assert provenance, "no table cell was imported"
    for p in provenance:
        fig = figures[p["figure"]]
        stated = figures[fig["formula"].split(" ")[0]] if fig["status"] == "derived" else fig
        line = lines[int(stated["line"]) - 1]
        assert line[int(stated["offset"]):].startswith(stated["literal"]), (p, stated)


@pytest.mark.parametrize("content, words", [
    (b"", "文件是空的"),
    (b"\x00\x01\x02binary\xff\xfe", "既不是"),
    ("今天天气很好。\n".encode("utf-8"), "不是决算或预算报告"),
])
def test_import_bad_input_exits_1_with_one_line_and_writes_nothing(tmp_path, content, words):
    src = tmp_path / "in.bin"
    src.write_bytes(content)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "juesuan.importer", str(src), "--dest", str(out)],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and words in done.stderr, done.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_import_refuses_an_existing_folder_and_force_replaces_it(tmp_path):
    src = tmp_path / "report.txt"
    shutil.copyfile(REAL / "source" / "report.txt", src)
    first = run(src, tmp_path / "out", overrides=Overrides(slug="again-2021"))
    (first / "marker").write_text("x")
    with pytest.raises(ImportFailed, match="already exists; nothing was written"):
        run(src, tmp_path / "out", overrides=Overrides(slug="again-2021"))
    assert (first / "marker").exists()
    again = run(src, tmp_path / "out", force=True, overrides=Overrides(slug="again-2021"))
    assert again == first and not (first / "marker").exists()


def test_import_cli_prints_the_folder_on_its_last_line(tmp_path):
    src = tmp_path / "report.txt"
    shutil.copyfile(REAL / "source" / "report.txt", src)
    done = subprocess.run([sys.executable, "-m", "juesuan.importer", str(src), "--dest", str(tmp_path / "out"),
                           "--slug", "cli-2021"], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == str(tmp_path / "out" / "cli-2021")


@pytest.mark.slow
def test_import_site_builds_with_drafts_next_to_the_real_package(tmp_path, real_draft, sample_drafts):
    packages = tmp_path / "packages"
    shutil.copytree(REAL, packages / SLUG)
    for folder in [real_draft, *sample_drafts.values()]:
        shutil.copytree(folder, packages / folder.name)
    out = build_or_fail(tmp_path / "site", DATAPACKAGE_DIR=str(packages), CHART_CACHE=str(tmp_path / "cache"))
    for folder in [real_draft, *sample_drafts.values()]:
        assert (out / folder.name / "index.html").is_file()
        assert (out / folder.name / "figures" / "index.html").is_file()


def test_import_drafts_hold_no_control_characters(real_draft, sample_drafts):
    """Spreadsheets and pages refuse control characters: a page's form feed never reaches a cell."""
    bad = []
    for folder in [real_draft, *sample_drafts.values()]:
        for path in sorted((folder / "data").glob("*.csv")):
            for n, row in enumerate(_rows(path), 2):
                for k, v in row.items():
                    if any(ord(ch) < 32 and ch != "\n" for ch in v or ""):
                        bad.append((folder.name, path.name, n, k))
    assert bad == []


def test_import_unit_budget_finds_the_printed_slip_in_the_expenditure_table(sample_drafts):
    """The unit budget prints 64,840,547.00 as 行政运行's 项目支出 (page 11; the row total is 14,348,853.34), so
    司法's 项目支出 is not the sum of its items: the draft records it as a finding to confirm, quoting the rows."""
    findings = {f["title"]: f for f in _rows(sample_drafts["unit"] / "data" / "findings.csv")}
    slip = findings["附表3：支出预算总表：司法的项目支出等于下级科目之和"]
    assert slip["kind"] == "待核实"
    assert slip["description"].startswith("按附表印出的数计算为 129681094.00，表中所列为 64840547.00。")
    assert "204 06 01 行政运行 14,348,853.34 14,348,853.34 64,840,547.00" in slip["quote"]


def test_import_same_unit_two_kinds_in_one_year_get_no_comparison_page(sample_drafts):
    from juesuan.data.loader import load
    from juesuan.site.pages import compare_page

    reports = sorted((load(f) for f in sample_drafts.values()), key=lambda r: r.meta["kind"])
    assert [r.meta["kind"] for r in reports] == ["单位预算", "部门预算"]
    assert compare_page(reports[0].meta["unit_id"], reports) is None


def test_import_dept_budget_finds_the_inspection_sheets_text_slips(sample_drafts):
    """The finance bureau's inspection sheet found a percent change that contradicts its own amounts and comparisons
    with the wrong year; the draft records both kinds as findings to confirm (a rounding-compatible percent is not one)."""
    findings = _rows(sample_drafts["dept"] / "data" / "findings.csv")
    titles = [f["title"] for f in findings]
    assert titles.count("与2026年比较") == 3
    changes = [f["description"] for f in findings if f["title"] == "变动百分比与所写金额不符"]
    assert changes == ["由43269.3万元到3845.49万元是减少91.11%，正文写增加17.62%。导入程序不作更正，待人工核实。",
                       "由77.99万元到91.97万元是增加17.93%，正文写增加17.66%。导入程序不作更正，待人工核实。",
                       "由198.34万元到201.50万元是增加1.59%，正文写增加5.27%。导入程序不作更正，待人工核实。"]
    relations = _rows(sample_drafts["dept"] / "data" / "relations.csv")
    assert sum(1 for r in relations if r["id"].startswith("change-") and not r["finding"]) >= 8  # the others hold


def test_import_registers_the_qualifiers_written_with_numbers(real_draft):
    qualified = sorted({(r["literal"], r["qualifier"]) for r in _rows(real_draft / "data" / "figures.csv") if r["qualifier"]})
    assert qualified == [("10%", "不少于"), ("10000余条", "余"), ("100万元", "以上"), ("12个月", "超过"),
                         ("4000余条", "余"), ("50万元", "以上"), ("95%", "≥"), ("96%", "以上")]


def test_import_finds_a_code_named_otherwise_in_the_text_than_in_the_table(sample_drafts):
    """Both budgets call 210 by its pre-2019 name in the text and 卫生健康支出 in the tables."""
    for name in ("dept", "unit"):
        named = [f for f in _rows(sample_drafts[name] / "data" / "findings.csv") if f["title"] == "科目210的名称：正文与附表不同"]
        assert [f["description"] for f in named] == ["正文写“医疗卫生与计划生育支出”，附表写“卫生健康支出”。导入程序不作更正，待人工核实。"]


@pytest.mark.parametrize("line, expected", [
    ("6、公共安全支出（204类）司法（06款）其他司法支出（99项）3845.49万元。",
     [("204", "公共安全支出"), ("20406", "司法"), ("2040699", "其他司法支出")]),
    ("1.社会保障和就业208（类）20801、20805、20830（款）2080103、2080109（项）", [("208", "社会保障和就业")]),
    ("司法（06款）", []),  # a 款 with no 类 before it names no full code
])
def test_import_reads_codes_as_the_text_writes_them(line, expected):
    from juesuan.importer.names import mentions

    assert [(code, name) for code, name, _ in mentions(line)] == expected


def test_import_real_text_checks_every_share_it_states(real_draft):
    """"…合计260.70万元，其中：……占100%；……占0%": 19 shares of a total, each a relation that holds."""
    shares = [r for r in _rows(real_draft / "data" / "relations.csv") if r["id"].startswith("share-")]
    assert len(shares) == 19 and all(r["finding"] == "" for r in shares)
    assert [str(p) for p in validate([real_draft])] == []


def test_import_share_that_no_rounding_explains_is_a_finding():
    from juesuan.importer.crosscheck import text_checks

    line = "本年支出合计200.00万元，其中：基本支出150.00万元，占70.00%。"
    figures = [{"id": f"p2_s3.n0{i}", "line": 1, "offset": line.index(lit), "literal": lit, "value": v, "unit": u,
                "sentence": line, "section": "p2-s3", "status": "stated"}
               for i, (lit, v, u) in enumerate([("200.00万元", "200.00", "万元"), ("150.00万元", "150.00", "万元"), ("70.00%", "70.00", "%")], 1)]
    relations, findings = text_checks(figures, 2021, [line], 1)
    assert [(r["left"], r["right"], r["finding"]) for r in relations] == [("p2_s3.n02 / p2_s3.n01 * 100", "p2_s3.n03", "F01")]
    assert findings[0]["description"] == "150.00万元占200.00万元的75.00%，正文写70.00%。导入程序不作更正，待人工核实。"


def test_import_reads_the_unit_from_a_sentence_wrapped_over_two_lines():
    from juesuan.importer.identify import identify
    from juesuan.importer.model import Document, Page

    lines = ["第二部分 2021年度单位决算情况说明", "纳入2021年度单位决算编制范围的独立编制机构包括米易县城乡居民养老", "保险事务中心。"]
    found = identify(Document("pdf", [Page(1, lines, 1)], "\n".join(lines) + "\n"))
    assert (found.unit.value, found.unit.line, found.year.value, found.kind.value) == ("米易县城乡居民养老保险事务中心", 2, 2021, "单位决算")


def test_import_lists_findings_past_the_cap_for_review(tmp_path, monkeypatch):
    """Finding ids run F01…F99; past the cap the rest go to the review list and the draft still validates."""
    import juesuan.importer.run as importer_run

    monkeypatch.setattr(importer_run, "MAX_FINDINGS", 2)
    folder = run(DEPT, tmp_path)
    assert [f["id"] for f in _rows(folder / "data" / "findings.csv")] == ["F01", "F02"]
    assert "另有 5 处不一致" in [r["what"] for r in _rows(folder / "data" / "review.csv")]
    assert [str(p) for p in validate([folder])] == []
