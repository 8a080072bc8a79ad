"""The independent audit of the 2021 package (issue 13): each correction, and the check that keeps it corrected.

Every point has a test of the package as it is (exact values) and, where a check guards it, a broken copy
that the check must refuse with a located line.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from helpers.htmltree import parse_html
from helpers.mutations import set_cell
from juesuan import checks
from juesuan.data.source_text import chinese_count, literal_value, read_lines
from juesuan.tools.validate import validate


def _codes(problems) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.file.rsplit("/", 1)[-1], p.row, p.field, p.code) for p in problems]


# ---------------------------------------------------------------------------------- qualifiers (≥95%, 96%以上)
QUALIFIED = {
    "work.enrol.rate": ("以上", "96%以上"),
    "work.fund.audit_ratio": ("不少于", "不少于10%"),
    "work.cert.overdue_months": ("超过", "超过12个月"),
    "assets.general_threshold": ("以上", "50万元以上"),
    "assets.special_threshold": ("以上", "100万元以上"),
} | {f"form{n}.{k}": ("≥", "≥95%") for n, ks in ((1, ("awareness_expected", "awareness_actual", "satisfaction_expected",
                                                        "satisfaction_actual")),
                                                   (2, ("satisfaction_expected", "satisfaction_actual")),
                                                   (3, ("satisfaction_expected", "satisfaction_actual"))) for k in ks}


def test_every_qualifier_the_report_writes_is_in_the_register(report):
    stated = {f["id"]: f["qualifier"] for f in report.rows["figures"] if f["status"] == "stated" and f["qualifier"]}
    assert {fid: q for fid, q in stated.items() if q != "余"} == {fid: q for fid, (q, _) in QUALIFIED.items()}
    assert {fid: report.written(fid) for fid in QUALIFIED} == {fid: w for fid, (_, w) in QUALIFIED.items()}


def test_texts_do_not_repeat_a_qualifier_the_figure_writes(report):
    """The reference stands for the number with its qualifier: "参保率达[[work.enrol.rate]]" reads 96%以上 once."""
    doubled = []
    for resource, fields in (("narrative", ("text",)), ("performance_indicators", ("expected", "actual"))):
        for row in report.rows[resource]:
            for fld in fields:
                for fid, (q, _) in QUALIFIED.items():
                    if f"{q}[[{fid}]]" in (row[fld] or "") or f"[[{fid}]]{q}" in (row[fld] or ""):
                        doubled.append((resource, fid))
    assert doubled == []


def test_work_figures_carry_the_same_qualifier(report):
    assert {r["figure"]: r["qualifier"] for r in report.rows["work_figures"] if r["qualifier"]} == {
        "work.enrol.rate": "以上", "work.fund.audit_ratio": "不少于", "work.cert.sms_messages": "余",
        "work.cert.overdue_months": "超过", "work.publicity.sms_messages": "余"}


@pytest.mark.parametrize("fid, line", [("work.enrol.rate", 19), ("form2.satisfaction_actual", None)])
def test_a_dropped_qualifier_is_refused_with_its_line(package_copy, report, fid, line):
    row = line or next(report.line("figures", i) for i, f in enumerate(report.rows["figures"]) if f["id"] == fid)
    set_cell("figures.csv", fid, "qualifier", "")(package_copy)
    problems = validate([package_copy])
    assert ("figures.csv", row, "qualifier", "qualifier-not-as-written") in _codes(problems)


# ---------------------------------------------------------------------------------- units written in a table header
FORM_AMOUNTS = [f"form{n}.{k}" for n in (1, 2, 3) for k in ("budget", "executed", "budget_fiscal", "executed_fiscal",
                                                             "budget_other", "executed_other")]


def test_form_amounts_carry_the_unit_of_their_header(report):
    source = read_lines(report.source_text)
    got = {fid: (report.figure(fid)["unit"], report.figure(fid)["unit_line"]) for fid in FORM_AMOUNTS}
    assert got == {fid: ("万元", {"1": 122, "2": 258, "3": 349}[fid[4]]) for fid in FORM_AMOUNTS}
    assert {source[line - 1].strip() for _, line in got.values()} == {"预算执行情况(万元)"}
    assert [report.written(f"form{n}.budget") for n in (1, 2, 3)] == ["5万元", "102.24万元", "11.38万元"]


def test_every_amount_of_the_register_has_a_unit(report):
    amounts = [f["id"] for f in report.rows["figures"] if not f["unit"] and f["id"].startswith("form")]
    assert amounts == []


def test_a_unit_without_its_header_line_is_refused(package_copy, report):
    row = next(report.line("figures", i) for i, f in enumerate(report.rows["figures"]) if f["id"] == "form1.budget")
    set_cell("figures.csv", "form1.budget", "unit_line", "")(package_copy)
    assert ("figures.csv", row, "unit", "unit-not-as-written") in _codes(validate([package_copy]))
    set_cell("figures.csv", "form1.budget", "unit_line", "124")(package_copy)  # the line of the number, not the header
    assert ("figures.csv", row, "unit_line", "unit-not-as-written") in _codes(validate([package_copy]))


# ---------------------------------------------------------------------------------- 附表四: cells that apply
def test_t04_opening_balance_and_expenditure_total_by_kind(report):
    rows = {r["row"]: r for r in report.rows["t04_fiscal_summary"]}
    assert [(rows[n]["item"], str(rows[n]["gpb"]), str(rows[n]["gov_fund"]), str(rows[n]["soe"])) for n in (5, 16)] == [
        ("年初财政拨款结转和结余", "0.00", "0.00", "0.00"), ("总计", "260.70", "0.00", "0.00")]
    assert {(r, f): report.provenance[("t04_fiscal_summary", r, f)] for r in (5, 16) for f in ("gpb", "gov_fund", "soe")} == {
        (5, "gpb"): "gpb.opening", (5, "gov_fund"): "govfund.opening", (5, "soe"): "soe.opening",
        (16, "gpb"): "gpb.grand_total", (16, "gov_fund"): "govfund.grand_total", (16, "soe"): "soe.grand_total"}
    # rows 1–4 and 6 keep "—" by kind: the income side of the form has one amount column
    assert [(str(rows[n]["gpb"]), str(rows[n]["gov_fund"])) for n in (1, 2, 3, 4, 6)] == [("None", "None")] * 5


def test_gpb_opening_is_in_the_register(report):
    f = report.figure("gpb.opening")
    assert (f["status"], f["formula"], str(f["value"]), f["unit"]) == ("derived", "fiscal.opening", "0.00", "万元")


def test_t04_by_kind_agrees_with_t11_and_t13(report):
    results, _ = checks.run(report)
    status = {c.id: c.status for c in results}
    ids = ["t04-opening-kinds", "t04-expend-total-kinds", "t04-expend-total-gpb", "t04-t11-opening", "t04-t13-opening"]
    assert [status[i] for i in ids] == ["通过"] * 5


def test_a_wrong_t04_opening_by_kind_is_refused(package_copy):
    set_cell("t04_fiscal_summary.csv", "5", "gov_fund", "1.00")(package_copy)
    assert ("t04_fiscal_summary.csv", 6, "gov_fund", "cell-differs-from-figure") in _codes(validate([package_copy]))


# ---------------------------------------------------------------------------------- false precision
def test_a_rounded_derived_value_must_say_so(package_copy, report):
    row = next(report.line("figures", i) for i, f in enumerate(report.rows["figures"]) if f["id"] == "total.amount_2020")
    set_cell("figures.csv", "total.amount_2020", "qualifier", "")(package_copy)
    problems = [p for p in validate([package_copy]) if p.code == "derived-value-mismatch"]
    assert _codes(problems) == [("figures.csv", row, "value", "derived-value-mismatch")]
    assert "mark it 约 if it is rounded on purpose" in problems[0].message


# ---------------------------------------------------------------------------------- counts in words
@pytest.mark.parametrize("words, value", [("九", 9), ("两", 2), ("一", 1), ("四", 4), ("十", 10), ("十二", 12), ("四十三", 43),
                                          ("二十", 20), ("一百零五", 105), ("三千二百", 3200)])
def test_chinese_count(words, value):
    assert chinese_count(words) == value


@pytest.mark.parametrize("words", ["", "一二", "万", "三公", "5"])
def test_not_a_chinese_count(words):
    with pytest.raises(ValueError):
        chinese_count(words)


def test_literal_value_reads_words_and_digits():
    assert [literal_value(x) for x in ("两件", "九个", "四万份", "260.70万元", "≥95%")] == [2, 9, 4, Decimal("260.70"), 95]


def test_worded_counts_are_linked_from_their_texts(report):
    texts = " ".join(r["text"] or "" for r in report.rows["narrative"]) + " ".join(
        r["goal_actual"] or "" for r in report.rows["performance_projects"])
    assert [fid for fid in ("work.fund.check_categories", "work.fund.approaches", "form1.goal_meetings", "form1.goal_printing")
            if f"[[{fid}]]" not in texts] == []


# ---------------------------------------------------------------------------------- findings and codes
def test_f02_calls_truncation_an_inference(report):
    f02 = next(f for f in report.rows["findings"] if f["id"] == "F02")["description"]
    assert "报告写作137元（截尾取整）" not in f02
    assert "报告没有说明取整方法，这只是本站的推断" in f02


FUNCTIONAL_IN_WORDS = re.compile(r"（类）")


def test_code_name_sources_say_what_the_report_writes(report):
    """A name 'from the report' is in the source; a code not marked as supplied is in the source."""
    raw = report.source_text.read_text(encoding="utf-8")
    source = FUNCTIONAL_IN_WORDS.sub("", raw)  # names as 科学技术（类）支出 are written around the level word
    wrong = []
    for c in report.rows["codes"]:
        said = c["name_source"]
        code_supplied = "报告未写出编码" in said or "报告只写出名称" in said or "报告未写出此名称和编码" in said
        if said.startswith("报告原文") and c["name"] not in source:
            wrong.append((c["code"], "name"))
        written = re.search(rf"(?<!\d){c['code']}(?!\d)", raw) is not None
        if not code_supplied and not written:
            wrong.append((c["code"], "code"))
        if code_supplied and written:
            wrong.append((c["code"], "code is written"))
    assert wrong == []
    assert {c["code"]: c["name_source"] for c in report.rows["codes"] if c["code"] in ("303", "310")} == {
        "303": "《2021年部门预算支出经济分类科目》（本项目补充，报告未写出此名称和编码；其下两款的名称见第二部分六）",
        "310": "报告原文（第三部分第7条）；编码据《2021年部门预算支出经济分类科目》（本项目补充，报告未写出编码）"}


# ---------------------------------------------------------------------------------- heading numbers
def test_heading_numbers_keep_the_report_spelling(report):
    written = {s["id"]: s["number_written"] for s in report.rows["narrative"] if s["number_written"]}
    assert written == {"p1-s1": "1、", "p1-s2-1": "（1）", "p2-s1": "1、", "p2-s2": "2、", "p2-s3": "3、", "p2-s9": "9、",
                       "p2-s10": "10、", "p3": "第3部分", "p4": "第4部分", "p5": "第5部分"}


def test_a_normalised_number_without_its_spelling_is_refused(package_copy):
    set_cell("narrative.csv", "p2-s10", "number_written", "")(package_copy)
    assert ("narrative.csv", 42, "number", "heading-number-not-as-written") in _codes(validate([package_copy]))


# ---------------------------------------------------------------------------------- 附表五/七: the project column
@pytest.mark.parametrize("name", ["t05_fiscal_expenditure_by_economic", "t07_gpb_expenditure_by_economic"])
def test_t05_t07_say_their_rows_cover_basic_spending_only(report, name):
    res = report.resource(name)
    said = "表中各行只覆盖基本支出：合计行的“项目支出”一栏（与附表九相同）在报告中没有按经济分类写出，表中没有承载它的行，所以各行之和不等于合计。"
    assert said in res["note"] and said in res["description"]


@pytest.mark.slow
@pytest.mark.parametrize("number", ["05", "07"])
def test_t05_t07_pages_show_the_note(built_site_dir, report, number):
    page = built_site_dir / report.descriptor["name"].removesuffix("-final-accounts") / "tables" / number / "index.html"
    page = page if page.exists() else next(built_site_dir.glob(f"*/tables/{number}/index.html"))
    assert "表中各行只覆盖基本支出" in parse_html(page.read_text(encoding="utf-8")).text()


# ---------------------------------------------------------------------------------- tensions the findings did not record
def test_the_new_findings_quote_their_lines(report):
    got = {f["id"]: (f["kind"], f["lines"]) for f in report.rows["findings"] if f["id"] >= "F11"}
    assert got == {"F11": ("矛盾", "6 316 317 318 406 407 408 409"), "F12": ("矛盾", "6 372 373"), "F13": ("矛盾", "6 76 282"),
                   "F14": ("表述", "47 89")}
    assert [p for p in checks.run(report)[1] if p.code.startswith("finding")] == []


def test_the_new_tensions_recompute(report):
    results, _ = checks.run(report)
    by_id = {c.id: c for c in results}
    assert {i: (by_id[i].status, by_id[i].finding) for i in ("minimum-standard-form2", "minimum-standard-form3", "form3-cost-share")} == {
        "minimum-standard-form2": ("不一致", "F11"), "minimum-standard-form3": ("不一致", "F11"), "form3-cost-share": ("不一致", "F12")}
    v = report.value
    share = (v("work.daijiao.dibao") + v("work.daijiao.tekun") + v("work.daijiao.severe_disabled")) * v("form3.goal_standard") \
        * v("form3.goal_cost_share") / 100 / 10000
    assert (share, v("form3.executed")) == (Decimal("21.8"), Decimal("11.38"))
    assert (v("work.daijiao.std_50"), v("form2.standard_actual"), v("form3.standard_actual")) == (50, 100, 100)
