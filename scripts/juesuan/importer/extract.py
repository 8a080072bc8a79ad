"""Published report file (PDF, DOCX or UTF-8 text) → Document; bad input → one SourceError.

The reader is chosen by content, never by file name: "%PDF-" in the first kilobyte → pdf.py;
a ZIP holding word/document.xml → word.py; anything else that decodes as UTF-8 → plaintext.py.
Everything else is refused with a message that says what the file seems to be and what to do
(old .doc, Excel, OFD, RTF, an image, a web page, GBK text, ...).

Is it a report at all? A 决算 or 预算 report always names its subject: its title, its tables
(收入支出决算总表, 支出预算总表 ...) and its narrative use the words 决算, 预算, 收入 or 支出 many
times. A file whose extracted text contains none of KEYWORDS is refused as "not a report". The
rule is deliberately loose: it only stops the wrong file (a letter, a contract, an English text),
deciding which part of a report is which is the parser's job.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from .model import Document, Page, Row, SourceError, Table, source_error
from .pdf import extract_pdf
from .plaintext import extract_text
from .word import extract_docx

__all__ = ["Document", "Page", "Row", "SourceError", "Table", "extract", "KEYWORDS"]

KEYWORDS = ("决算", "预算", "收入", "支出")
CONVERT = ("请用 Word/WPS 打开后另存为 .docx 或 PDF", "open it in Word/WPS and save it as .docx or PDF")
OCR = ("请先做 OCR，或索取 PDF/DOCX 版本", "run OCR first or get the PDF/DOCX version")
# Magic bytes of formats we refuse → what the file is (Chinese, English) and what to do.
REFUSED = (
    (b"\xd0\xcf\x11\xe0", ("是旧版 Office 二进制文件（.doc/.xls/.wps）", "it is an old binary Office file"), CONVERT),
    (b"{\\rtf", ("是 RTF 文件", "it is an RTF file"), CONVERT),
    (b"\x89PNG", ("是 PNG 图片，没有文字层", "it is a PNG image without a text layer"), OCR),
    (b"\xff\xd8\xff", ("是 JPEG 图片，没有文字层", "it is a JPEG image without a text layer"), OCR),
    (b"II*\x00", ("是 TIFF 图片，没有文字层", "it is a TIFF image without a text layer"), OCR),
    (b"MM\x00*", ("是 TIFF 图片，没有文字层", "it is a TIFF image without a text layer"), OCR),
)
ZIP_KINDS = (  # a member that identifies a ZIP-based format we do not read
    ("xl/workbook.xml", "是 Excel 表格（.xlsx），不是 DOCX", "it is an Excel workbook (.xlsx), not a DOCX"),
    ("ppt/presentation.xml", "是 PowerPoint 演示文稿（.pptx）", "it is a PowerPoint file (.pptx)"),
    ("OFD.xml", "是 OFD 版式文件", "it is an OFD document"),
    ("content.xml", "是 OpenDocument 文件（.odt）", "it is an OpenDocument file (.odt)"),
)
ZIP_OTHER = ("是 ZIP 压缩包，不是 DOCX", "it is a ZIP archive, not a DOCX")


def extract(path: Path) -> Document:
    """Report file → Document (pages, lines, tables); SourceError if it cannot be read as a report."""
    path = Path(path)
    data = _read(path)
    if not data.strip():
        raise _empty(path)
    if b"%PDF-" in data[:1024]:
        document = extract_pdf(path)
    elif data.startswith(b"PK\x03\x04"):
        _require_docx(path, data)
        document = extract_docx(path)
    else:
        _refuse_known(path, data)
        document = extract_text(_decode(path, data))
    _require_report(path, document)
    return document


def _read(path: Path) -> bytes:
    """Path → its bytes, or a SourceError if it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise source_error(
            path,
            f"读不到这个文件（{exc.strerror or type(exc).__name__}）；请检查路径和权限",
            f"the file cannot be read ({exc.strerror or type(exc).__name__}); check the path and permissions",
        ) from exc


def _empty(path: Path) -> SourceError:
    return source_error(
        path,
        "文件是空的（没有任何文字）；请重新下载或导出报告",
        "the file is empty (no text at all); download or export the report again",
    )


def _require_docx(path: Path, data: bytes) -> None:
    """ZIP bytes → nothing if they are a DOCX, else a SourceError saying what they are."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile as exc:
        raise source_error(
            path,
            f"是 ZIP/DOCX 文件但已损坏或不完整（{exc}）；请重新下载，或{CONVERT[0]}",
            f"it is a ZIP/DOCX file but damaged or truncated ({exc}); download it again or {CONVERT[1]}",
        ) from exc
    if "word/document.xml" in names:
        return
    zh, en = next(((z, e) for member, z, e in ZIP_KINDS if member in names), ZIP_OTHER)
    raise source_error(
        path,
        f"{zh}；请把报告本身导出为 PDF 或 .docx 再导入",
        f"{en}; export the report itself as PDF or .docx and import that",
    )


def _refuse_known(path: Path, data: bytes) -> None:
    """Bytes → nothing, or a SourceError for a recognised format we do not read."""
    for magic, (zh, en), (zh_do, en_do) in REFUSED:
        if data.startswith(magic):
            raise source_error(path, f"{zh}；{zh_do}", f"{en}; {en_do}")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise source_error(
            path,
            "是网页（HTML），不是报告文件；请在网页上找到报告的 PDF 或 DOCX 附件下载后再导入",
            "it is a web page (HTML), not the report; find the report's PDF or DOCX attachment "
            "on the page and import that",
        )


def _decode(path: Path, data: bytes) -> str:
    """Bytes → UTF-8 text (a leading byte-order mark dropped), or a SourceError for anything else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise source_error(path, "是 UTF-16 编码的文本；请另存为 UTF-8", "it is UTF-16 text; save it as UTF-8")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, data, exc) from exc
    if "\x00" in text:
        raise _binary(path)
    if not text.strip():
        raise _empty(path)
    return text


def _not_utf8(path: Path, data: bytes, exc: UnicodeDecodeError) -> SourceError:
    """Bytes that are not UTF-8 → SourceError: GBK text if they read as such, else binary."""
    try:
        chinese = sum("\u4e00" <= ch <= "\u9fff" for ch in data.decode("gb18030"))
    except UnicodeDecodeError:
        chinese = 0
    if chinese >= 2:
        return source_error(
            path,
            f"不是 UTF-8 文本，看来是 GBK/GB18030 编码（第 {exc.start} 字节起）；请另存为 UTF-8 编码再导入",
            f"the text is not UTF-8, it looks like GBK/GB18030 (from byte {exc.start}); "
            "save it as UTF-8 and import again",
        )
    return _binary(path)


def _binary(path: Path) -> SourceError:
    return source_error(
        path,
        "既不是 PDF、DOCX，也不是 UTF-8 文本；请导入报告的 PDF、DOCX 或 UTF-8 文本版本",
        "it is neither a PDF, a DOCX nor UTF-8 text; import the report as PDF, DOCX or UTF-8 text",
    )


def _require_report(path: Path, document: Document) -> None:
    """Extracted document → nothing if it has text that names a budget subject, else SourceError."""
    if not document.text.strip():
        raise _empty(path)
    if not any(word in document.text for word in KEYWORDS):
        raise source_error(
            path,
            "内容里没有“决算”“预算”“收入”“支出”中的任何一个词，看来不是决算或预算报告；请确认选对了文件",
            "the text contains none of 决算, 预算, 收入, 支出, so it does not look like a final-accounts "
            "or budget report; check that this is the right file",
        )
