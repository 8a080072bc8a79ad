"""The real data package: stock validation, file format, descriptor, figures register, tables and checks."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from helpers.data import package_folders
from juesuan import checks
from juesuan.data.formula import evaluate
from juesuan.data.loader import discover
from juesuan.paths import ROOT
from juesuan.data.source_text import numbers

CJK = re.compile(r"[\u4e00-\u9fff]")
TABLES = [f"t{n:02d}" for n in range(1, 16)]
STATED_COUNT = 294
DERIVED_COUNT = 42
# Counts the report writes in words (两件, 九个大项, 一次, 四万份): stated figures the digit scanner does not see.
WORDED = {"work.livelihood.projects": ("两件", 2), "work.fund.check_categories": ("九个", 9), "work.fund.approaches": ("两个", 2),
          "form1.goal_meetings": ("一次", 1), "form1.goal_printing": ("四万份", 4)}
# Empty (未披露) number cells per standard table, as observed in the 2021 package.
UNDISCLOSED = {
    "t01": 0, "t02": 105, "t03": 87, "t04": 0, "t05": 72, "t06": 42, "t07": 72, "t08": 20,
    "t09": 0, "t10": 6, "t11": 0, "t12": 6, "t13": 0, "t14": 0, "t15": 0,
}
# "—" (不适用) number cells per standard table.
NOT_APPLICABLE = {t: 0 for t in TABLES} | {"t04": 15}
FAILING_RELATIONS = {
    "gpb-class-share-221": "F01",
    "pension-per-capita": "F02",
    "form1-budget": "F03",
    "form1-rate": "F03",
    "daijiao-vs-projects": "F08",
    "minimum-standard-form2": "F11",
    "minimum-standard-form3": "F11",
    "form3-cost-share": "F12",
}


def csv_files() -> list[Path]:
    """Every CSV file of every package folder, sorted."""
    return sorted(p for folder in package_folders() for p in (folder / "data").glob("*.csv"))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _resource_for(csv_path: Path) -> dict:
    folder = csv_path.parent.parent
    rel = csv_path.relative_to(folder).as_posix()
    return next(r for r in _descriptor(folder)["resources"] if r["path"] == rel)


def _number_cells(report, alias: str):
    """Standard table alias ('t03') → (resource name, [(row dict, raw cells, field name, raw cell)])."""
    res = next(r for r in report.table_resources if r["name"].split("_")[0] == alias)
    fields = res["schema"]["fields"]
    out = []
    for row, raw in zip(report.rows[res["name"]], report.cells[res["name"]]):
        for i, f in enumerate(fields):
            if f["type"] == "number":
                out.append((row, raw, f["name"], raw[i]))
    return res["name"], out


def _t_row(report, alias: str, **match) -> dict:
    name = next(r["name"] for r in report.table_resources if r["name"].split("_")[0] == alias)
    found = [r for r in report.rows[name] if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, f"{alias}: {len(found)} rows match {match}"
    return found[0]


# ---------------------------------------------------------------------------------- 1. validation
def test_discover_finds_the_2021_package():
    assert [f.name for f in discover()] == ["miyi-cxjmyl-2021"]


@pytest.mark.params_from("folder", package_folders, ids=lambda f: f.name)
def test_frictionless_stock_validate_exits_0(folder):
    exe = Path(sys.executable).parent / "frictionless"
    done = subprocess.run([str(exe), "validate", str(folder / "datapackage.json")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_validate_script_exits_0_without_problems():
    done = subprocess.run([sys.executable, "-m", "juesuan.tools.validate"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr


# ---------------------------------------------------------------------------------- 2. CSV format
def test_csv_files_are_exactly_the_table_resources():
    for folder in package_folders():
        tables = {r["path"] for r in _descriptor(folder)["resources"] if r["type"] == "table"}
        on_disk = {p.relative_to(folder).as_posix() for p in (folder / "data").glob("*.csv")}
        assert on_disk == tables


@pytest.mark.params_from("path", csv_files, ids=_rel)
def test_csv_is_utf8_without_bom(path):
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    data.decode("utf-8")  # raises on anything but UTF-8


@pytest.mark.params_from("path", csv_files, ids=_rel)
def test_csv_has_lf_line_endings(path):
    data = path.read_bytes()
    assert b"\r" not in data
    assert data.endswith(b"\n") and not data.endswith(b"\n\n")


@pytest.mark.params_from("path", csv_files, ids=_rel)
def test_csv_header_equals_schema_fields(path):
    resource = _resource_for(path)
    header = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split(",") == [f["name"] for f in resource["schema"]["fields"]]


@pytest.mark.params_from("path", csv_files, ids=_rel)
def test_csv_is_comma_separated_with_one_header_row(path, report):
    resource = _resource_for(path)
    width = len(resource["schema"]["fields"])
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), delimiter=","))
    assert [len(r) for r in records] == [width] * len(records)
    assert records[0] == [f["name"] for f in resource["schema"]["fields"]]
    assert records[1:].count(records[0]) == 0
    assert resource.get("dialect", {}).get("headerRows", [1]) in ([1], 1)
    assert len(report.rows[resource["name"]]) == len(records) - 1


# ---------------------------------------------------------------------------------- 3. descriptor
def _table_resources(report):
    return [r for r in report.descriptor["resources"] if r["type"] == "table"]


def test_descriptor_every_field_has_chinese_title_and_description(report):
    bad = [(r["name"], f["name"], key)
           for r in _table_resources(report) for f in r["schema"]["fields"]
           for key in ("title", "description") if not CJK.search(f.get(key) or "")]
    assert bad == []


def test_descriptor_every_resource_has_chinese_title_and_description(report):
    bad = [(r["name"], key) for r in report.descriptor["resources"]
           for key in ("title", "description") if not CJK.search(r.get(key) or "")]
    assert bad == []


def test_descriptor_every_table_resource_has_primary_key(report):
    missing = [r["name"] for r in _table_resources(report) if not r["schema"].get("primaryKey")]
    assert missing == []


def test_descriptor_primary_keys_name_fields(report):
    bad = [(r["name"], k) for r in _table_resources(report) for k in r["schema"]["primaryKey"]
           if k not in [f["name"] for f in r["schema"]["fields"]]]
    assert bad == []


def test_descriptor_only_non_table_resource_is_the_source_text(report):
    assert [(r["name"], r["type"], r["path"]) for r in report.descriptor["resources"] if r["type"] != "table"] == [
        ("source", "file", "source/report.txt")
    ]


def test_descriptor_every_code_column_references_codes(report):
    with_code = [r for r in _table_resources(report)
                 if r["name"] != "codes" and any(f["name"] == "code" for f in r["schema"]["fields"])]
    assert [r["name"].split("_")[0] for r in with_code] == ["t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08"]
    lacking = [r["name"] for r in with_code
               if {"fields": ["code"], "reference": {"resource": "codes", "fields": ["code"]}}
               not in r["schema"].get("foreignKeys", [])]
    assert lacking == []


def test_descriptor_codes_parent_references_codes(report):
    assert report.resource("codes")["schema"]["foreignKeys"] == [
        {"fields": ["parent"], "reference": {"resource": "codes", "fields": ["code"]}}
    ]


# ---------------------------------------------------------------------------------- 4. source ↔ register
def _stated(report) -> list[dict]:
    return [f for f in report.rows["figures"] if f["status"] == "stated"]


def test_figures_stated_and_derived_counts(report):
    assert (len(_stated(report)), len(report.rows["figures"]) - len(_stated(report))) == (STATED_COUNT, DERIVED_COUNT)


def test_source_numbers_count(report):
    assert len(numbers(report.source_text)) == STATED_COUNT - len(WORDED)


def test_counts_written_in_words_are_registered_with_their_value(report):
    worded = {f["id"]: (f["literal"], int(f["value"])) for f in _stated(report) if not re.search(r"\d", f["literal"])}
    assert worded == WORDED
    assert [report.written(fid) for fid in WORDED] == ["两件", "九个", "两个", "一次", "四万份"]


def test_source_every_number_is_a_stated_figure(report):
    stated = {(f["line"], f["offset"]): f for f in _stated(report)}
    missing = [(n.line, n.offset, n.literal) for n in numbers(report.source_text)
               if (n.line, n.offset) not in stated
               or (stated[(n.line, n.offset)]["literal"], stated[(n.line, n.offset)]["sentence"]) != (n.literal, n.sentence)
               or stated[(n.line, n.offset)]["value"] != n.value]
    assert missing == []


def test_source_every_stated_figure_is_one_scanned_number(report):
    scanned = {(n.line, n.offset): n.literal for n in numbers(report.source_text)}
    positions = [(f["line"], f["offset"]) for f in _stated(report)]
    assert len(set(positions)) == len(positions)
    orphans = [f["id"] for f in _stated(report) if scanned.get((f["line"], f["offset"])) != f["literal"] and f["id"] not in WORDED]
    assert orphans == []


# ---------------------------------------------------------------------------------- 5. stated figures, re-read
def test_stated_figures_match_the_source_file_read_independently(report):
    lines = report.source_text.read_bytes().decode("utf-8").split("\n")
    bad = []
    for f in _stated(report):
        line = lines[f["line"] - 1]
        at = re.compile(r"\d+(?:\.\d+)?").match(line, f["offset"])
        words = {"一": 1, "两": 2, "四": 4, "九": 9}  # the digit words of the counts written in words (WORDED)
        written = Decimal(at.group()) if at else Decimal(words[line[f["offset"]]]) if line[f["offset"]] in words else None
        start = line.find(f["sentence"])
        ok = (
            f["formula"] is None
            and start != -1
            and start <= f["offset"] < start + len(f["sentence"])
            and line[f["offset"]:f["offset"] + len(f["literal"])] == f["literal"]
            and (f["offset"] == 0 or not line[f["offset"] - 1].isdigit())
            and written == f["value"]
            and (f["unit"] == "科目编码" or str(written) == str(f["value"]))
        )
        if not ok:
            bad.append((f["id"], f["line"], f["offset"], line[f["offset"]:f["offset"] + 12]))
    assert bad == []


@pytest.mark.parametrize("fid, line, offset, literal, value", [
    ("income.total", 21, 11, "260.70万元", Decimal("260.70")),
    ("basic.personnel", 47, 4, "138.23万元", Decimal("138.23")),
    ("work.daijiao.persons_100", 6, 91, "12234名", Decimal("12234")),
    ("work.cert.sms_messages", 10, 63, "4000余条", Decimal("4000")),
    ("code.l91.02", 91, 19, "02", Decimal("2")),
])
def test_stated_figure_spot_values(report, fid, line, offset, literal, value):
    f = report.figure(fid)
    assert (f["status"], f["line"], f["offset"], f["literal"], f["value"]) == ("stated", line, offset, literal, value)


# ---------------------------------------------------------------------------------- 6. derived figures
def test_derived_figures_have_formula_and_no_source_pointer(report):
    bad = [f["id"] for f in report.rows["figures"] if f["status"] == "derived"
           and (not f["formula"] or (f["line"], f["offset"], f["literal"], f["sentence"]) != (None, None, None, None))]
    assert bad == []


def test_derived_figures_recompute_exactly(report):
    wrong = {}
    for f in report.rows["figures"]:
        if f["status"] == "derived":
            got = evaluate(f["formula"], report.value)
            if f["qualifier"] == "约":  # rounded on purpose to the precision its inputs support (see its note)
                got = got.quantize(f["value"])
            if got != f["value"] or str(got) != str(f["value"]):
                wrong[f["id"]] = (f["formula"], got, f["value"])
    assert wrong == {}


def test_only_the_2020_totals_are_rounded_and_their_interval_supports_one_decimal(report):
    """“减少31万元” is written to the 万元; the stated 10.63% pins the 2020 total to 291.69–291.72, so one decimal, not two."""
    rounded = sorted(f["id"] for f in report.rows["figures"] if f["status"] == "derived" and f["qualifier"] == "约")
    assert rounded == ["fiscal.total_2020", "gpb.total_2020", "total.amount_2020"]
    amount, pct = report.value("total.amount"), report.value("total.change_pct")
    low = (amount / (1 - (pct - Decimal("0.005")) / 100)).quantize(Decimal("0.01"))
    high = (amount / (1 - (pct + Decimal("0.005")) / 100)).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    assert (low, high) == (Decimal("291.69"), Decimal("291.72"))
    assert {fid: (str(report.value(fid)), report.written(fid)) for fid in rounded} == {fid: ("291.7", "约291.7万元") for fid in rounded}
    assert all("291.69万元至291.72万元" in report.figure(fid)["note"] for fid in rounded)


@pytest.mark.parametrize("fid, formula, value", [
    ("total.amount_2020", "total.amount + total.change", Decimal("291.7")),
    ("gpb.project", "gpb.total - basic.total", Decimal("118.26")),
    ("sangong.reception_2020", "sangong.reception_detail + sangong.reception_change", Decimal("0.13")),
])
def test_derived_figure_spot_values(report, fid, formula, value):
    f = report.figure(fid)
    assert (f["status"], f["formula"], f["value"]) == ("derived", formula, value)
    assert str(evaluate(formula, report.value).quantize(value)) == str(value)


# ---------------------------------------------------------------------------------- 7. undisclosed cells
@pytest.mark.parametrize("alias", TABLES)
def test_undisclosed_cells_are_empty_not_zero_and_have_no_provenance(report, alias):
    name, cells = _number_cells(report, alias)
    empty = [(row["row"], fld) for row, raw, fld, cell in cells if cell == ""]
    assert len(empty) == UNDISCLOSED[alias]
    assert [row[fld] for row, raw, fld, cell in cells if cell in ("", "—")] == [None] * (UNDISCLOSED[alias] + NOT_APPLICABLE[alias])
    pointed = [(r, f) for r, f in empty if (name, r, f) in report.provenance]
    assert pointed == []


@pytest.mark.parametrize("alias", TABLES)
def test_not_applicable_cells_count_and_have_no_provenance(report, alias):
    name, cells = _number_cells(report, alias)
    dashes = [(row["row"], fld) for row, raw, fld, cell in cells if cell == "—"]
    assert len(dashes) == NOT_APPLICABLE[alias]
    assert [(r, f) for r, f in dashes if (name, r, f) in report.provenance] == []


@pytest.mark.parametrize("alias", TABLES)
def test_disclosed_cells_point_to_a_figure_of_the_same_value(report, alias):
    name, cells = _number_cells(report, alias)
    bad = [(row["row"], fld) for row, raw, fld, cell in cells if cell not in ("", "—")
           and ((name, row["row"], fld) not in report.provenance
                or report.value(report.provenance[(name, row["row"], fld)]) != row[fld])]
    assert bad == []


def test_undisclosed_total(report):
    assert sum(UNDISCLOSED.values()) == 410


# ---------------------------------------------------------------------------------- 8. checks
def test_checks_report_no_problems(report):
    _, problems = checks.run(report)
    assert [str(p) for p in problems] == []


def test_checks_failing_relations_are_the_recorded_findings(report):
    results, _ = checks.run(report)
    failing = {c.id: c.finding for c in results if c.status == "不一致"}
    assert failing == FAILING_RELATIONS


def test_relations_with_a_finding_are_exactly_the_failing_ones(report):
    assert {r["id"]: r["finding"] for r in report.rows["relations"] if r["finding"]} == FAILING_RELATIONS


def test_failing_relations_name_existing_findings(report):
    ids = {f["id"] for f in report.rows["findings"]}
    assert set(FAILING_RELATIONS.values()) <= ids


def test_findings_ids_are_f01_to_f14(report):
    assert [f["id"] for f in report.rows["findings"]] == [f"F{n:02d}" for n in range(1, 15)]


def test_checks_no_table_check_disagrees(report):
    results, _ = checks.run(report)
    relation_ids = {r["id"] for r in report.rows["relations"]}
    assert [c.id for c in results if c.id not in relation_ids and c.status == "不一致"] == []


# ---------------------------------------------------------------------------------- 9. facts
def test_income_total_value(report):
    assert report.value("income.total") == Decimal("260.70")


@pytest.mark.parametrize("side", ["收入", "支出"])
def test_t01_grand_total(report, side):
    assert _t_row(report, "t01", side=side, item="总计")["amount"] == Decimal("260.70")


@pytest.mark.parametrize("name, amount", [("人员经费合计", Decimal("138.23")), ("公用经费合计", Decimal("4.21"))])
def test_t08_totals(report, name, amount):
    assert _t_row(report, "t08", name=name)["amount"] == amount
