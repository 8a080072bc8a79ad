"""Importer, extraction layer: report files (PDF, DOCX, text) → pages, lines and table cells that point to their line.

The expected cells of the two real PDFs were read by eye from the pages rendered with pdftoppm,
not copied from the extractor. Small PDFs, DOCX and texts are generated in tmp_path.
"""

from __future__ import annotations

import functools
import io
import shutil
import time
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK
from PIL import Image, ImageDraw

from juesuan.importer.extract import SourceError, extract
from juesuan.importer.layout import group_lines, join_line, join_wrapped
from juesuan.importer.plaintext import split_pages
from juesuan.importer.visibility import inked_fonts, shown_lines

SHARED = Path(__file__).resolve().parent / "fixtures" / "shared"  # copies of ../shared/samples and the source text
DEPT = SHARED / "samples" / "2026-shanghai-putuo-justice-bureau-dept-budget.pdf"
UNIT = SHARED / "samples" / "2026-shanghai-putuo-justice-bureau-unit-budget.pdf"
SOURCE = SHARED / "source" / "000_ec93d5c4c31f7204.txt"

@functools.cache
def _doc(path: Path):
    """A sample PDF → its Document, extracted once per test run."""
    return extract(path)


def _row(doc, page: int, table: int, label_col: int, label: str):
    """(page, table on that page, column, text) → the one row whose cell in that column is the text."""
    rows = [r for r in doc.pages[page - 1].tables[table].rows if r.cells[label_col] == label]
    assert len(rows) == 1, f"page {page} table {table}: {len(rows)} rows with {label!r} in column {label_col}"
    return rows[0]


# ---- the real PDFs: shape ------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "pages", "table_pages"), [
    (DEPT, 23, list(range(10, 22))),  # 9 tables, three of them continued on a second page
    (UNIT, 21, list(range(8, 21))),
], ids=["dept", "unit"])
def test_pdf_sample_pages_and_tables(path, pages, table_pages):
    doc = _doc(path)
    assert (doc.kind, len(doc.pages)) == ("pdf", pages)
    assert [t.page for t in doc.tables] == table_pages


@pytest.mark.parametrize("path", [DEPT, UNIT], ids=["dept", "unit"])
def test_pdf_sample_every_row_with_text_has_its_line(path):
    doc = _doc(path)
    assert doc.unlocated_rows == 0
    spans = {p.number: range(p.first_line, p.first_line + len(p.lines)) for p in doc.pages}
    assert [r for t in doc.tables for r in t.rows if r.line is not None and r.line not in spans[t.page]] == []


@pytest.mark.parametrize("path", [DEPT, UNIT], ids=["dept", "unit"])
def test_pdf_sample_text_is_pages_joined_by_form_feeds_and_reads_back_as_text(path):
    doc = _doc(path)
    lines = doc.text.split("\n")
    for page in doc.pages:
        numbered = lines[page.first_line - 1:page.first_line - 1 + len(page.lines)]
        assert [line.lstrip("\f") for line in numbered] == page.lines
    assert doc.text.count("\f") == len(doc.pages) - 1
    assert [(p.first_line, p.lines) for p in split_pages(doc.text)] == [(p.first_line, p.lines) for p in doc.pages]


def test_pdf_sample_continued_tables_keep_what_the_page_prints():
    doc = _doc(DEPT)  # 一般公共预算支出功能分类预算表 repeats its header on page 16; 支出预算总表 does not on page 13
    assert doc.pages[15].tables[0].rows[0].cells == ["项目", None, None, None, "一般公共预算支出", None, None]
    assert doc.pages[12].tables[0].rows[0].cells[:4] == ["208", "05", "06", "机关事业单位职业年金缴费支出"]


# ---- the real PDFs: cells read by eye from the rendered pages ---------------------------------------------
# (page, table on the page, column of the label, label, column, printed value)
DEPT_CELLS = [
    (10, 0, 0, "一、财政拨款收入", 1, "96,282,213.44"),
    (10, 0, 2, "二、社会保障和就业支出", 3, "3,343,704.00"),
    (10, 0, 2, "支出总计", 3, "96,282,213.44"),  # total row
    (11, 0, 3, "行政运行", 0, "204"), (11, 0, 3, "行政运行", 1, "06"), (11, 0, 3, "行政运行", 2, "01"),  # 类/款/项
    (11, 0, 3, "其他司法支出", 4, "38454900.00"),
    (11, 0, 3, "购房补贴", 6, "0.00"),  # zero
    (11, 0, 0, "合计", 4, "96282213.44"),  # total row, label cell merged over the code and name columns
    (12, 0, 3, "基层司法业务", 5, "0.00"),
    (12, 0, 3, "基层司法业务", 6, "21703947.00"),
    (13, 0, 0, "合计", 5, "25741666.44"),  # the table continued on the next page, without its header
    (14, 0, 2, "一、公共安全支出", 3, "87,267,272.44"),
    (14, 0, 2, "一、公共安全支出", 5, ""),  # blank cell (政府性基金预算)
    (17, 0, 0, "无", 3, ""),  # an empty table: 无 and blank cells
    (19, 0, 2, "津贴补贴", 0, "301"), (19, 0, 2, "津贴补贴", 1, "02"),  # economic code in 类/款 columns
    (19, 0, 2, "津贴补贴", 3, "12971818.00"),
    (20, 0, 2, "工会经费", 3, "265974.44"),
    (21, 0, 0, "10.81", 1, "0"),  # 因公出国(境)费 printed as 0
    (21, 0, 0, "10.81", 6, "217.83"),
]
UNIT_CELLS = [
    (8, 0, 0, "一、财政拨款收入", 4, "12,604,173"),  # no decimals in this column
    (8, 0, 0, "一、财政拨款收入", 6, "64,840,547"),
    (8, 0, 0, "收入总计", 4, "20,374,181"),  # total row
    (8, 0, 0, "二、事业收入", 3, ""),  # blank cell
    (9, 0, 3, "普法宣传", 0, "204"), (9, 0, 3, "普法宣传", 1, "06"), (9, 0, 3, "普法宣传", 2, "05"),  # 类/款/项
    (9, 0, 3, "普法宣传", 4, "1,242,900.00"),
    (10, 0, 0, "合计", 4, "86,959,408.34"),
    (11, 0, 3, "行政运行", 6, "64,840,547.00"),  # as printed, although 行政运行 has no 项目支出 elsewhere
    (12, 0, 3, "购房补贴", 6, "0"),  # zero printed without decimals
    (12, 0, 0, "合计", 5, "22,118,861"),
    (13, 0, 0, "二、政府性基金预算", 1, "0.00"),
    (13, 0, 2, "四、住房保障支出", 0, ""),  # blank income side
    (13, 0, 2, "四、住房保障支出", 5, "0.00"),
    (18, 0, 2, "津贴补贴", 3, "11,106,477.00"),
    (19, 0, 0, "合计", 4, "20,272,981.00"),
    (20, 0, 0, "10.71", 2, "0.73"),
    (20, 0, 0, "10.71", 6, "184.59"),
]
CELLS = [pytest.param(DEPT, *c, id=f"dept-p{c[0]}-{c[3]}-{c[4]}") for c in DEPT_CELLS] + [
    pytest.param(UNIT, *c, id=f"unit-p{c[0]}-{c[3]}-{c[4]}") for c in UNIT_CELLS
]


@pytest.mark.parametrize(("path", "page", "table", "label_col", "label", "col", "value"), CELLS)
def test_pdf_sample_cell_is_printed_text_on_its_line(path, page, table, label_col, label, col, value):
    doc = _doc(path)
    row = _row(doc, page, table, label_col, label)
    assert row.cells[col] == value
    assert row.line is not None
    assert value in doc.line(row.line) and label in doc.line(row.line)


# Header cells printed on two lines inside their cell: joined without a space between Han characters.
WRAPPED = [
    pytest.param(DEPT, 11, 3, "功能分类科目名称", 7, "事业单位经营收入", id="dept-p11"),
    pytest.param(DEPT, 19, 2, "经济分类科目名称", 0, "部门预算经济分类科目编码", id="dept-p19"),
    pytest.param(DEPT, 21, 0, "“三公”经费预算数", 6, "机关运行经费预算数", id="dept-p21"),
    pytest.param(UNIT, 9, 3, "功能分类科目名称", 7, "事业单位经营收入", id="unit-p9"),
    pytest.param(UNIT, 20, 0, "“三公”经费预算数", 6, "机关运行经费预算数", id="unit-p20"),
]


@pytest.mark.parametrize(("path", "page", "label_col", "label", "col", "value"), WRAPPED)
def test_pdf_sample_wrapped_cell_is_joined_without_spaces(path, page, label_col, label, col, value):
    doc = _doc(path)
    row = _row(doc, page, 0, label_col, label)
    assert row.cells[col] == value
    assert label in doc.line(row.line)


def test_pdf_sample_merged_cells_are_none():
    doc = _doc(DEPT)
    header = doc.pages[10].tables[0].rows[:3]  # 项目 over 4 columns, 编码 over 3, 名称 over 2 rows
    assert header[0].cells == ["项目", None, None, None, "收入预算", None, None, None, None]
    assert header[2].cells == ["类", "款", "项", None, None, None, None, None, None]


def test_pdf_sample_clipped_text_is_left_out():
    # WPS prints the functions list across pages 4 and 5 and clips each page to its part; the text
    # layer of each page holds all of it. Only what the pages show is kept.
    doc = _doc(DEPT)
    assert doc.text.count("（六）组织实施和指导监督本区社区矫正工作") == 1
    assert doc.pages[4].lines[0].startswith("（八）负责本系统警车管理工作。")
    assert doc.pages[4].lines[-1] == "（十）完成区委、区政府交办的其他任务。"
    assert doc.pages[4].hidden_chars > 0


def test_pdf_sample_empty_page_has_no_lines():
    doc = _doc(DEPT)
    page = doc.pages[2]  # page 3 is blank (white cell backgrounds only)
    assert (page.lines, page.tables, page.first_line) == ([], [], doc.pages[3].first_line)


@pytest.mark.parametrize("path", [DEPT, UNIT], ids=["dept", "unit"])
def test_pdf_sample_extracts_fast(path):
    start = time.process_time()  # CPU time: other jobs on a shared runner do not count
    doc = extract(path)
    per_page = (time.process_time() - start) / len(doc.pages)
    assert per_page < 0.25, f"{per_page:.3f} s per page: a 40-page report would take {40 * per_page:.1f} s"


def test_extract_chooses_by_content_not_by_name(tmp_path):
    renamed = tmp_path / "report.txt"
    shutil.copy(UNIT, renamed)
    assert extract(renamed).kind == "pdf"
    text = tmp_path / "report.pdf"
    text.write_text("2021年度单位决算\n", encoding="utf-8")
    assert extract(text).kind == "text"
    word = tmp_path / "report.bin"
    _docx(word)
    assert extract(word).kind == "docx"


# ---- a generated PDF: a long item name wrapped in its cell ------------------------------------------------
def _pdf(content: bytes, width: int = 400, height: int = 200) -> bytes:
    """A content stream → a one-page PDF with a Han font (STSong-Light, not embedded) and Helvetica."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R"
        b" /Resources << /Font << /Han 5 0 R /Lat 7 0 R >> >> >>" % (width, height),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /FontDescriptor 8 0 R /DW 1000"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _han(x: float, y: float, text: str) -> bytes:
    return b"BT /Han 10 Tf %g %g Td <%s> Tj ET\n" % (x, y, text.encode("utf-16-be").hex().encode())


def _latin(x: float, y: float, text: str) -> bytes:
    return b"BT /Lat 10 Tf %g %g Td (%s) Tj ET\n" % (x, y, text.encode())


def _ruled_table() -> bytes:
    """Three rows, three columns; the name of row 2 is printed on two lines, its amount between them."""
    ys, xs = (40, 80, 120, 160), (20, 80, 200, 380)
    rules = b"".join(b"20 %d m 380 %d l S " % (y, y) for y in ys)
    rules += b"".join(b"%d 40 m %d 160 l S " % (x, x) for x in xs)
    return (b"0 0 0 RG 0.5 w " + rules + b"\n"
            + _han(25, 136, "科目编码") + _han(85, 136, "科目名称") + _han(205, 136, "金额（元）")
            + _latin(25, 96, "2080505") + _han(85, 103, "机关事业单位基本养老") + _han(85, 89, "保险缴费支出")
            + _latin(205, 96, "1,839,485.00")
            + _han(25, 56, "合计") + _latin(205, 56, "1,839,485.00"))


def test_pdf_wrapped_item_name_is_one_cell_and_row_points_to_its_amount(tmp_path):
    path = tmp_path / "wrapped.pdf"
    path.write_bytes(_pdf(_ruled_table()))
    doc = extract(path)
    assert doc.pages[0].lines == ["科目编码 科目名称 金额（元）", "机关事业单位基本养老", "2080505 1,839,485.00",
                                  "保险缴费支出", "合计 1,839,485.00"]
    rows = doc.tables[0].rows
    assert [r.cells for r in rows] == [["科目编码", "科目名称", "金额（元）"],
                                       ["2080505", "机关事业单位基本养老保险缴费支出", "1,839,485.00"], ["合计", "", "1,839,485.00"]]
    assert [r.line for r in rows] == [1, 3, 5]
    assert doc.tables[0].bbox == (20.0, 40.0, 380.0, 160.0)


@pytest.mark.parametrize(("parts", "joined"), [
    (["事业单位", "经营收入"], "事业单位经营收入"),
    (["2026", "年部门预算"], "2026年部门预算"),
    (["（一）", "财政拨款"], "（一）财政拨款"),
    (["Total", "amount"], "Total amount"),
    (["", "合计", ""], "合计"),
])
def test_layout_join_wrapped_adds_spaces_only_between_non_cjk(parts, joined):
    assert join_wrapped(parts) == joined


def _char(text: str, x0: float, top: float, font: str = "F", size: float = 10) -> dict:
    return {"text": text, "x0": x0, "x1": x0 + size, "top": top, "bottom": top + size, "size": size, "fontname": font}


def test_layout_lines_keep_a_row_together_and_split_words_at_gaps():
    chars = [_char("合", 10, 100), _char("计", 20, 100), _char("9", 60, 101, size=5), _char(".", 65, 101, size=5),
             _char("5", 70, 101, size=5), _char("下", 10, 112), _char(" ", 20, 112), _char("行", 30, 112)]
    assert [join_line(line) for line in group_lines(chars)] == ["合计 9.5", "下 行"]


def test_visibility_hides_blank_lines_but_not_fonts_that_never_show_ink():
    shown = [_char("甲", 10, 100, "Shown"), _char("乙", 20, 100, "Shown")]
    clipped = [_char("丙", 10, 200, "Shown"), _char("丁", 20, 200, "Shown")]
    missing = [_char("戊", 10, 300, "Missing")]  # a font this machine cannot draw: no ink anywhere
    chars = shown + clipped + missing
    ink = [True, True, False, False, False]
    judged = inked_fonts([chars], [ink])
    lines, hidden = shown_lines(chars, ink, judged)
    assert (judged, [join_line(line) for line in lines], hidden) == ({"Shown"}, ["甲乙", "戊"], 2)


# ---- text ------------------------------------------------------------------------------------------------
def test_text_pages_split_at_form_feeds(tmp_path):
    path = tmp_path / "report.txt"
    text = "第一页 预算\n第二行\n\f第二页\n\f\f第四页\n"
    path.write_bytes(text.encode("utf-8"))
    doc = extract(path)
    assert (doc.kind, doc.text) == ("text", text)
    assert [(p.number, p.first_line, p.lines) for p in doc.pages] == [
        (1, 1, ["第一页 预算", "第二行"]), (2, 3, ["第二页"]), (3, 4, []), (4, 4, ["第四页"])]
    assert [doc.line(n) for n in (1, 2, 3, 4)] == ["第一页 预算", "第二行", "第二页", "第四页"]
    assert doc.tables == []


def test_text_crlf_and_form_feed_inside_a_line(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes("收入\r\n支出\fa\r\n".encode("utf-8"))
    doc = extract(path)
    assert [(p.first_line, p.lines) for p in doc.pages] == [(1, ["收入", "支出"]), (2, ["a"])]


def test_text_real_source_is_kept_byte_for_byte():
    doc = extract(SOURCE)
    raw = SOURCE.read_bytes().decode("utf-8")
    assert doc.text == raw
    assert (doc.kind, len(doc.pages), doc.pages[0].first_line) == ("text", 1, 1)
    assert doc.pages[0].lines == raw.split("\n")
    assert len(doc.pages[0].lines) == 445


# ---- DOCX ------------------------------------------------------------------------------------------------
def _docx(path: Path) -> None:
    """A heading, a paragraph, a 3×3 table (a code, an amount, a merged total label), then a page break."""
    d = docx.Document()
    d.add_heading("2021年度单位决算", level=1)
    d.add_paragraph("本单位2021年度收入合计260.70万元。")
    table = d.add_table(rows=3, cols=3)
    for r, values in enumerate([["科目编码", "科目名称", "决算数"],
                                ["2080505", "机关事业单位基本养老保险缴费支出", "15.49"],
                                ["合计", None, "260.70"]]):
        for c, value in enumerate(values):
            if value is not None:
                table.cell(r, c).text = value
    table.cell(2, 0).merge(table.cell(2, 1))
    p = d.add_paragraph("第一页最后一行")
    p.add_run().add_break(WD_BREAK.PAGE)
    p.add_run("第二页第一行")
    d.add_paragraph("")
    d.add_paragraph("换行前\n换行后")
    d.save(str(path))


def test_docx_paragraphs_tables_and_page_breaks(tmp_path):
    path = tmp_path / "report.docx"
    _docx(path)
    doc = extract(path)
    assert doc.kind == "docx"
    assert [(p.number, p.first_line) for p in doc.pages] == [(1, 1), (2, 7)]
    assert doc.pages[0].lines[:2] == ["2021年度单位决算", "本单位2021年度收入合计260.70万元。"]
    assert doc.pages[1].lines == ["第二页第一行", "换行前", "换行后"]
    rows = doc.pages[0].tables[0].rows
    assert [r.cells for r in rows] == [["科目编码", "科目名称", "决算数"],
                                       ["2080505", "机关事业单位基本养老保险缴费支出", "15.49"], ["合计", None, "260.70"]]
    assert [r.line for r in rows] == [3, 4, 5]
    assert doc.line(4) == "2080505\t机关事业单位基本养老保险缴费支出\t15.49"
    assert doc.text.split("\n")[6] == "\f第二页第一行"


def test_docx_section_break_starts_a_page_unless_continuous(tmp_path):
    d = docx.Document()
    d.add_paragraph("2021年度部门决算")
    d.add_section(WD_SECTION.NEW_PAGE)
    d.add_paragraph("目录")
    d.add_section(WD_SECTION.CONTINUOUS)
    d.add_paragraph("第一部分")
    d.save(str(tmp_path / "r.docx"))
    doc = extract(tmp_path / "r.docx")
    assert [(p.first_line, p.lines) for p in doc.pages] == [(1, ["2021年度部门决算"]), (2, ["目录", "第一部分"])]


# ---- bad input -----------------------------------------------------------------------------------------
def _scanned(path: Path) -> None:
    """A page that is one image (a black box on white), as a scanner writes it: no characters."""
    image = Image.new("L", (400, 300), 255)
    ImageDraw.Draw(image).rectangle((40, 40, 360, 260), fill=0)
    image.save(path, "PDF")


def _pypdf(password=None, clone: bytes = b""):
    """A blank page, or a copy of a PDF, written by pypdf; with a user password if given."""
    def write(path: Path) -> None:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(clone))) if clone else pypdf.PdfWriter()
        if not clone:
            writer.add_blank_page(200, 200)
        if password is not None:
            writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-256")
        with path.open("wb") as f:
            writer.write(f)
    return write


def _zip(member: str):
    def write(path: Path) -> None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr(member, "<x/>")
    return write


def _bytes(data: bytes):
    return lambda path: path.write_bytes(data)


BAD = [
    ("empty.pdf", _bytes(b""), ["文件是空的", "empty"]),
    ("blank.txt", _bytes(b" \n\t\r\n "), ["文件是空的", "empty"]),
    ("scan.pdf", _scanned, ["没有文字层，可能是扫描件", "OCR", "no text layer"]),
    ("locked.pdf", _pypdf("secret"), ["已加密", "encrypted", "password"]),
    ("cut.pdf", lambda p: p.write_bytes(UNIT.read_bytes()[:50_000]), ["已损坏或不完整", "truncated"]),
    ("junk.pdf", _bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4), ["已损坏或不完整", "damaged"]),
    ("blank.pdf", _pypdf(), ["没有任何文字", "no text at all"]),
    ("image.bin", _bytes(bytes(range(256)) * 8), ["既不是 PDF、DOCX，也不是 UTF-8 文本", "neither a PDF"]),
    ("letter.txt", _bytes(b"Dear colleague, the meeting is on Monday.\n"), ["不是决算或预算报告", "does not look like"]),
    ("gbk.txt", _bytes("2021年度部门决算".encode("gbk")), ["GBK", "UTF-8"]),
    ("old.doc", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512), ["旧版 Office", ".docx"]),
    ("book.docx", _zip("xl/workbook.xml"), ["Excel", "not a DOCX"]),
    ("page.txt", _bytes("<!DOCTYPE html><html><title>预算</title></html>".encode()), ["网页", "web page"]),
    ("missing.pdf", lambda path: None, ["读不到这个文件", "cannot be read"]),
]


@pytest.mark.parametrize(("name", "write", "words"), BAD, ids=[b[0] for b in BAD])
def test_extract_bad_input_raises_source_error_in_one_line(tmp_path, name, write, words):
    path = tmp_path / name
    write(path)
    with pytest.raises(SourceError) as caught:
        extract(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{name}：") and f" / {name}: " in message  # Chinese first, then English
    assert [w for w in words if w not in message] == []


def test_extract_pdf_with_owner_password_only_is_read(tmp_path):
    path = tmp_path / "owner.pdf"  # many published PDFs forbid editing with an owner password but open without one
    _pypdf("", clone=_pdf(_ruled_table()))(path)
    assert extract(path).tables[0].rows[1].cells[2] == "1,839,485.00"
