"""Trust in the inputs: data text never becomes Markdown, spreadsheets hold no formulas, only the files the
descriptor lists are published, and links, special files, numbers not in plain form, control characters,
over-long formulas and duplicate JSON keys are refused with a located line.

Fast: no site build. Pages are rendered as the build renders them (the macro, then Python-Markdown with
the site's extensions); tests/test_trust_build.py checks the same in a real build.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import markdown
import openpyxl
import pytest

from helpers.data import package_folder
from helpers.hostile import HOSTILE, IMG, LINK, live_markup, make_hostile, set_unit
from helpers.htmltree import parse_html
from helpers.mutations import append_text, set_cell
from helpers.paths import T01, T09
from juesuan import charts
from juesuan.charts import files as chart_files
from juesuan.charts.model import Chart
from juesuan.data import inputs
from juesuan.data.formula import MAX_CHARS, MAX_TERMS, FormulaError, evaluate
from juesuan.data.loader import check_folder, load
from juesuan.paths import ROOT, TEMPLATES
from juesuan.site import downloads, macros, pages, render
from juesuan.tools import synth
from juesuan.tools.validate import validate

SLUG = "miyi-cxjmyl-2021"


def _copy(tmp_path: Path, name: str = SLUG) -> Path:
    dest = tmp_path / name
    shutil.copytree(package_folder(), dest)
    return dest


def _where(problems, code: str) -> list[tuple]:
    """Problems of one code → (file name, line, field) of each."""
    return [(Path(p.file).name, p.row, p.field) for p in problems if p.code == code]


# ---------------------------------------------------------------------------------- 1. no Markdown from data
# MkDocs always adds toc, tables and fenced_code to the extensions of mkdocs.yml.
EXTENSIONS = ["attr_list", "def_list", "fenced_code", "tables", "toc"]


def test_rendering_uses_the_extensions_of_mkdocs_yml():
    block = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("markdown_extensions:")[1].split("\n# ---")[0]
    assert sorted(set(re.findall(r"^  - (\w+)", block, re.M)) | {"toc", "tables", "fenced_code"}) == EXTENSIONS


class _Env:
    """What mkdocs-macros hands define_env: the config, the page being rendered, and a macro registry."""

    def __init__(self, url: str):
        self.conf = {"site_url": "http://127.0.0.1:8000/"}
        self.page = SimpleNamespace(url=url)
        self.macros = {}

    def macro(self, fn):
        self.macros[fn.__name__] = fn
        return fn


def page_html(spec, reports) -> str:
    """A page as the build makes it: the generated_page macro, then Markdown with the site's extensions."""
    macros.register(macros.Page(spec, tuple(reports)))
    env = _Env(spec.url)
    macros.define_env(env)
    text = str(env.macros["generated_page"](spec.src))
    return markdown.markdown(text, extensions=EXTENSIONS, extension_configs={"toc": {"slugify": render._slug}})


# An expression may stand outside an HTML element (in Markdown) only if it is escaped for Markdown (|md),
# emits HTML blocks itself (a macro or prose.paragraphs), or is no data (a count, the heading level).
SAFE_IN_MARKDOWN = re.compile(r"\|\s*md$|^(chart|cite|section|source_note|findings_notice|headline|download_box|"
                              r"prose\.paragraphs)\(|^cn_number\(|\|\s*length$|^\"#\" \* depth$|^heading$")


def _markdown_expressions() -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.j2")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            text = re.sub(r"^(\s*{%.*?%})+", "", line).strip()  # statements before an element
            if text.startswith("<") or "{{" not in text:
                continue  # a raw HTML block: Markdown leaves it alone
            outside = re.sub(r"<[^<>]*>", "", text)  # inside a tag (an attribute) is HTML too
            found += [f"{path.relative_to(TEMPLATES)}:{n}: {e.strip()}" for e in re.findall(r"{{(.*?)}}", outside)
                      if not SAFE_IN_MARKDOWN.search(e.strip())]
    return found


def test_templates_put_no_data_into_markdown():
    """Every {{ }} in Markdown context is escaped with |md or writes HTML itself; data text goes into HTML elements."""
    assert _markdown_expressions() == []


def test_md_inline_escapes_markdown_and_attribute_lists():
    html = markdown.markdown("# " + render.md_inline(HOSTILE.replace("\n", " ")), extensions=EXTENSIONS)
    assert live_markup(html) == []
    assert LINK in parse_html(html).text()


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """The package with the hostile strings in every free text (descriptor and CSV), valid, loaded."""
    folder = _copy(tmp_path_factory.mktemp("hostile-md"))
    touched = make_hostile(folder)
    assert validate([folder]) == []
    report = load(folder)
    _sized(charts.charts(report))
    return report, touched


def _sized(made) -> None:
    """Charts → with the file sizes the build sets when it writes their files (templates show them)."""
    for chart in made:
        chart.sizes = {"csv": 1, "svg": 1, "png": 1}


def test_hostile_package_touches_every_kind_of_text(hostile_report):
    _, touched = hostile_report
    # narrative.number is compared with the source's heading line (heading-number-not-as-written): not free text.
    assert {"narrative.title", "codes.name", "glossary.definition", "findings.description",
            "performance_indicators.actual", "t09_gpb_project_expenditure.project"} <= set(touched)
    assert int(touched[-1].split(": ")[1].split()[0]) > 400  # descriptor values: titles, descriptions, terms, version…


def test_hostile_text_makes_no_markup_on_any_page_of_the_report(hostile_report):
    report, _ = hostile_report
    specs = pages.pages(report) + [pages.spec("site_home", "", "")]
    live = {spec.url: found for spec in specs if (found := live_markup(page_html(spec, [report])))}
    assert live == {}
    assert len(specs) > 30


@pytest.mark.parametrize("kind", ["data", "glossary"])
def test_hostile_text_shows_as_text(hostile_report, kind):
    """The fields the attack used (terms of reuse and version; the glossary part's title) show literally."""
    report, _ = hostile_report
    [spec] = [s for s in pages.pages(report) if s.kind == kind]
    text = parse_html(page_html(spec, [report])).text()
    assert LINK in text and IMG in text
    if kind == "data":
        assert report.descriptor["terms_of_reuse"].split("\n")[0] in text
        assert report.descriptor["version"].split("\n")[0] in text


def test_hostile_unit_makes_no_markup_on_the_comparison_page(tmp_path):
    folders = [synth.make(tmp_path, 1, year, k) for year, k in ((2019, 2), (2020, 3))]
    for folder in folders:
        set_unit(folder, "合成测试单位" + HOSTILE)
    unit_reports = sorted((load(f) for f in folders), key=lambda r: -r.meta["year"])
    spec = pages.compare_page(unit_reports[0].meta["unit_id"], unit_reports)
    _sized(charts.compare(unit_reports))
    html = page_html(spec, unit_reports)
    assert live_markup(html) == []
    assert LINK in parse_html(html).text()


# ---------------------------------------------------------------------------------- 2. no formulas in spreadsheets
FORMULA = '=HYPERLINK("http://evil.example/","click")'


@pytest.fixture(scope="module")
def formula_report(tmp_path_factory):
    """Strings that a spreadsheet reads as formulas in a table's title, note, header and cells."""
    folder = _copy(tmp_path_factory.mktemp("formula"))
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    [res] = [r for r in descriptor["resources"] if r["path"] == f"data/{T09}"]
    res["title"], res["note"] = FORMULA, "=1+1"
    res["schema"]["fields"][-1]["title"] = "=SUM(A1:A9)"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")
    set_cell(T09, "2", "project", FORMULA)(folder)
    set_cell(T09, "1", "project", "@SUM(1)")(folder)
    return load(folder)


@pytest.mark.parametrize("filename", ["t09_gpb_project_expenditure.xlsx", "tables.xlsx"])
def test_xlsx_strings_are_never_formulas(formula_report, filename):
    data = downloads.named(formula_report, filename).data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not [s for s in sheets if "<f>" in s or "<f " in s]
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells}
    assert {FORMULA, "说明：=1+1", "=SUM(A1:A9)", "@SUM(1)"} <= texts


def test_xlsx_sheet_titles_are_valid_whatever_the_name():
    assert downloads.sheet_title("=a/b:c*d?[e]\\f") == "=a_b_c_d__e__f"
    assert downloads.sheet_title("x" * 40) == "x" * 31


def test_package_csv_is_published_byte_for_byte_formulas_and_all(formula_report):
    [csv_download] = [d for d in downloads.for_resource(formula_report, "t09_gpb_project_expenditure") if d.kind == "CSV"]
    assert csv_download.data == (formula_report.folder / "data" / T09).read_bytes()
    assert FORMULA.replace('"', '""').encode() in csv_download.data


def test_chart_csv_neutralises_cells_that_start_like_a_formula():
    chart = Chart("c", "p", "t", "s", [("label", "=标签"), ("value", "金额", ".2f")],
                  [{"label": FORMULA, "value": -5.0}, {"label": "+1", "value": 1.0}, {"label": "-x", "value": 2.0},
                   {"label": "@x", "value": 3.0}, {"label": "\tx", "value": 4.0}, {"label": "正常", "value": 5.0}], "src")
    rows = chart_files.data_csv(chart).decode("utf-8").splitlines()
    assert rows[0] == "'=标签,金额"
    assert rows[1] == '"\'=HYPERLINK(""http://evil.example/"",""click"")",-5.00'  # and the negative number untouched
    assert rows[2:] == ["'+1,1.00", "'-x,2.00", "'@x,3.00", "'\tx,4.00", "正常,5.00"]


# ---------------------------------------------------------------------------------- 3. files published
def test_only_the_listed_files_are_published(tmp_path):
    folder = _copy(tmp_path)
    (folder / "notes.txt").write_text("private notes", encoding="utf-8")
    (folder / "data" / "draft-old.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    report = load(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    listed = {"datapackage.json"} | {r["path"] for r in descriptor["resources"]}
    assert report.published_files == sorted(listed)
    with zipfile.ZipFile(io.BytesIO(downloads.package_zip(report))) as z:
        assert sorted(z.namelist()) == sorted([f"{SLUG}/{p}" for p in listed] + [f"{SLUG}/README.md"])


def test_a_source_kept_in_the_folder_is_published_and_a_web_source_is_not(tmp_path):
    folder = _copy(tmp_path)
    (folder / "source" / "original.docx").write_bytes(b"PK\x03\x04 original")
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["sources"] += [{"title": "原文件", "path": "source/original.docx"},
                              {"title": "网页", "path": "https://example.gov.cn/report.html"}]
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")
    published = load(folder).published_files
    assert "source/original.docx" in published and not [p for p in published if "example.gov.cn" in p]


def _line_of(folder: Path, needle: str) -> int:
    lines = (folder / "datapackage.json").read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def _descriptor_edit(folder: Path, change) -> None:
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.mark.parametrize("link_name, target", [
    ("data/passwd.csv", "/etc/passwd"),  # an extra file, not listed
    (f"data/{T09}", None),  # a listed resource replaced by a link to a copy elsewhere
    ("data/etc", "/etc"),  # a folder
])
def test_symlink_in_the_package_is_refused(tmp_path, link_name, target):
    folder = _copy(tmp_path)
    link = folder / link_name
    if target is None:
        target = tmp_path / "elsewhere.csv"
        shutil.copy(link, target)
        link.unlink()
    link.symlink_to(target)
    descriptor, problems = check_folder(folder)
    assert descriptor is None
    assert [(p.code, p.file.endswith(link_name), p.row) for p in problems] == [("symlink-in-package", True, None)]
    assert f"is a symbolic link (to {target})" in str(problems[0])


def test_fifo_in_the_package_is_refused_without_reading_it(tmp_path):
    folder = _copy(tmp_path)
    os.mkfifo(folder / "source" / "pipe.txt")
    _, problems = check_folder(folder)  # returns at once: nothing opens the FIFO
    assert [(p.code, Path(p.file).name) for p in problems] == [("special-file-in-package", "pipe.txt")]


@pytest.mark.parametrize("where, path, code", [
    ("resources", "http://evil.example/x.csv", "unsafe-path"),
    ("resources", "../outside.csv", "unsafe-path"),
    ("resources", "/etc/passwd", "unsafe-path"),
    ("sources", "../../etc/passwd", "unsafe-path"),
    ("sources", "source/not-there.pdf", "source-file-missing"),
])
def test_unsafe_or_missing_paths_are_refused_on_their_line(tmp_path, where, path, code):
    folder = _copy(tmp_path)
    _descriptor_edit(folder, lambda d: d[where][0].update(path=path))
    _, problems = check_folder(folder)
    assert _where(problems, code) == [("datapackage.json", _line_of(folder, f'"path": "{path}"'), f"{where}[0].path")]
    assert len(problems) == 1


# ---------------------------------------------------------------------------------- 4. numbers in plain form
@pytest.mark.parametrize("value", ["+260.70", " 260.70", "260.70 ", "２６０.７０", "٢٦٠.٧٠", "2.607e2", "2.607E+2",
                                   "0260.70", "260.", ".70", "NaN", "Infinity", "260,70"])
def test_a_number_not_in_plain_form_is_refused(tmp_path, value):
    folder = _copy(tmp_path)
    set_cell(T01, "9", "amount", value)(folder)
    _, numbers = inputs.cell_problems(folder, json.loads((folder / "datapackage.json").read_text(encoding="utf-8")))
    assert _where(numbers, "number-not-canonical") == [(T01, 10, "amount")]


@pytest.mark.parametrize("value", ["+9", "09", "９", "9 "])
def test_an_integer_not_in_plain_form_is_refused(tmp_path, value):
    folder = _copy(tmp_path)
    set_cell(T01, "9", "row", value)(folder)
    _, numbers = inputs.cell_problems(folder, json.loads((folder / "datapackage.json").read_text(encoding="utf-8")))
    assert _where(numbers, "number-not-canonical") == [(T01, 10, "row")]


@pytest.mark.parametrize("value", ["260.70", "-3", "0", "0.5", "-0.25", "1234567.89"])
def test_plain_numbers_pass(value):
    assert inputs.CANONICAL["number"].fullmatch(value)


def test_number_problems_come_through_validation_and_give_way_to_type_errors(tmp_path):
    folder = _copy(tmp_path)
    set_cell(T01, "9", "amount", "+260.70")(folder)
    set_cell(T09, "2", "amount", "abc")(folder)
    _, problems = check_folder(folder)
    assert _where(problems, "number-not-canonical") == [(T01, 10, "amount")]
    assert [(p.code, Path(p.file).name, p.row) for p in problems if Path(p.file).name == T09] == [("type-error", T09, 3)]


# ---------------------------------------------------------------------------------- 5. control characters
@pytest.mark.parametrize("char", ["\x1b", "\x0b", "\x00", "\x7f", "\x85", "\t", "\r", "\x0c"])
def test_control_character_in_a_text_cell_is_refused(tmp_path, char):
    folder = _copy(tmp_path)
    path = folder / "data" / "codes.csv"
    name = "人力资源和社会保障管理事务"  # code 20801, line 9; quoted, so that a carriage return stays inside the cell
    path.write_text(path.read_text(encoding="utf-8").replace(f",{name},", f',"{name}{char}b",', 1), encoding="utf-8", newline="")
    controls, _ = inputs.cell_problems(folder, json.loads((folder / "datapackage.json").read_text(encoding="utf-8")))
    assert _where(controls, "control-character") == [("codes.csv", 9, "name")]
    assert f"U+{ord(char):04X}" in controls[0].message


def test_control_character_in_multi_line_text_names_the_line_of_the_cell(tmp_path):
    folder = _copy(tmp_path)
    append_text("narrative.csv", "p2-s8", "text", "第二段\x1b")(folder)
    controls, _ = inputs.cell_problems(folder, json.loads((folder / "datapackage.json").read_text(encoding="utf-8")))
    assert _where(controls, "control-character") == [("narrative.csv", 40, "text")]
    assert re.search(r"\(line \d+ of the cell\)", controls[0].message)


def test_line_break_in_a_number_is_refused_as_not_plain(tmp_path):
    folder = _copy(tmp_path)
    set_cell(T01, "9", "amount", "260.70\n")(folder)
    controls, numbers = inputs.cell_problems(folder, json.loads((folder / "datapackage.json").read_text(encoding="utf-8")))
    assert controls == [] and _where(numbers, "number-not-canonical") == [(T01, 10, "amount")]


def test_the_real_package_has_no_control_character_and_plain_numbers():
    folder = package_folder()
    assert inputs.cell_problems(folder, json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))) == ([], [])


def test_nul_in_a_patterned_cell_is_one_control_character_problem_not_a_pattern_mismatch(tmp_path):
    folder = _copy(tmp_path)
    set_cell("narrative.csv", "p2-s8", "lines", "40\x00")(folder)
    _, problems = check_folder(folder)
    assert [(p.code, Path(p.file).name, p.row, p.field) for p in problems] == [("control-character", "narrative.csv", 40, "lines")]


def test_control_character_in_the_descriptor_is_refused_on_its_line(tmp_path):
    folder = _copy(tmp_path)
    _descriptor_edit(folder, lambda d: d["resources"][3].update(title="名词\u001b解释"))
    _, problems = check_folder(folder)
    assert _where(problems, "control-character") == [("datapackage.json", _line_of(folder, '"title": "名词\\u001b解释"'),
                                                      "resources[3].title")]


# ---------------------------------------------------------------------------------- 6. long formulas
def _lookup(fid: str) -> Decimal:
    return Decimal(1)


@pytest.mark.parametrize("formula, says", [
    (" + ".join(f"a.b{i}" for i in range(1000)), "1000 terms"),
    (" + ".join(f"a.b{i}" for i in range(MAX_TERMS + 1)), f"{MAX_TERMS + 1} terms"),
    ("+".join(["1"] * 1500), "1500 terms"),
    ("-" * 3000 + "1", "3000 operators"),
    ("(" * 300 + "1" + ")" * 300, "nested"),
    ("a.b + " + "1" * MAX_CHARS, f"{MAX_CHARS + 6} characters"),
])
def test_an_over_long_formula_is_a_formula_error_not_a_recursion_error(formula, says):
    with pytest.raises(FormulaError, match=re.escape(says)):
        evaluate(formula, _lookup)


def test_a_formula_at_the_limit_is_computed():
    assert evaluate(" + ".join(f"a.b{i}" for i in range(MAX_TERMS)), _lookup) == MAX_TERMS


def test_a_relation_of_1000_terms_is_refused_with_a_located_line(tmp_path):
    folder = _copy(tmp_path)
    set_cell("relations.csv", "income-parts", "right", " + ".join(["income.gpb"] * 1000))(folder)
    problems = validate([folder])
    assert _where(problems, "relation-invalid") == [("relations.csv", 2, "right")]
    assert "over the limit of 200" in str(problems[0])


# ---------------------------------------------------------------------------------- 7. duplicate keys
def test_duplicate_key_in_the_descriptor_is_refused_on_its_line(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    first = text.index('"version"')
    path.write_text(text[:first] + '"version": "9.9.9",\n  ' + text[first:], encoding="utf-8")
    line = text[:first].count("\n") + 2  # the original key, now one line down, is the repeat
    descriptor, problems = check_folder(folder)
    assert descriptor is None
    assert [(p.code, Path(p.file).name, p.row, p.field) for p in problems] == \
        [("descriptor-duplicate-key", "datapackage.json", line, "version")]


def test_duplicate_key_deep_in_a_schema_is_found():
    text = '{"resources": [{"name": "a", "schema": {"fields": [{"name": "x",\n "type": "string",\n "type": "number"}]}}]}'
    doc = inputs.Descriptor(text)
    assert doc.duplicates == [("type", 2, 3)]


def test_broken_json_is_one_located_line(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "datapackage.json"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[5] = lines[5].rstrip(",")
    path.write_text("\n".join(lines), encoding="utf-8")
    _, problems = check_folder(folder)
    assert [(p.code, p.row) for p in problems] == [("descriptor-unreadable", 7)]
