"""A Report → every file a reader can download: CSV (the package file, byte for byte), XLSX twin, JSON, the whole package as .zip, with sizes and sha256.

All outputs are deterministic (fixed timestamps inside XLSX and ZIP files), so two builds of the
same commit publish identical bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.styles import Alignment, Font

from juesuan import cache
from juesuan.data.loader import Report, per_report
from juesuan.site.pages import cn_number
from juesuan.site.sheets import derived_cells, derived_note

FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # inside XLSX/ZIP files: a build must not depend on the clock
DERIVED_FONT = Font(italic=True, color="0D47A1")  # a derived (推算) value in the XLSX twins


@dataclass(frozen=True)
class Download:
    """One published file: its bytes, or the file in the build cache that holds them (read when asked: a build of
    hundreds of reports does not hold every workbook in memory, issue 12)."""

    path: str  # site-relative path
    label: str
    kind: str  # CSV | XLSX | JSON | ZIP | TXT
    stored: bytes | Path

    @property
    def data(self) -> bytes:
        return self.stored if isinstance(self.stored, bytes) else self.stored.read_bytes()

    @property
    def size(self) -> int:
        return len(self.stored) if isinstance(self.stored, bytes) else self.stored.stat().st_size

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _normalise_zip(data: bytes) -> bytes:
    """A zip archive (or XLSX) → the same entries, sorted, with fixed timestamps (reproducible bytes).

    openpyxl writes the current time into docProps/core.xml when it saves, whatever the workbook's
    properties say, so that time is replaced here as well.
    """
    fixed = b"%04d-%02d-%02dT%02d:%02d:%02dZ" % FIXED_TIME
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            body = src.read(name)
            if name == "docProps/core.xml":
                body = _STAMP.sub(lambda m: m.group(1) + fixed + m.group(2), body)
            dst.writestr(info, body)
    return out.getvalue()


_NOT_IN_SHEET_TITLES = re.compile(r"[\\/*?:\[\]]")  # Excel refuses these in a sheet's name


def sheet_title(title: str) -> str:
    """A name → a valid worksheet title: at most 31 characters, none of \\ / * ? : [ ]."""
    return _NOT_IN_SHEET_TITLES.sub("_", title)[:31] or "_"


def _sheet(wb: Workbook, report: Report, name: str, title: str) -> None:
    """One resource → one worksheet: title, unit and note above the header; codes as text cells.

    Every string is written as a string cell (data type "s"): openpyxl would otherwise make one that
    starts with "=" a live formula. The workbook is write-only (streamed): several times faster,
    which matters with many reports.
    """
    res = report.resource(name)
    ws = wb.create_sheet(title=sheet_title(title))
    fields = res["schema"]["fields"]
    for letter in (get_column_letter(i) for i in range(1, len(fields) + 1)):
        ws.column_dimensions[letter].width = 18

    def cell(value, **style):
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # text, never a formula
        for key, v in style.items():
            setattr(c, key, v)
        return c

    unit = "金额单位：万元" if any(f.get("unit") == "万元" for f in fields) else ""
    ws.append([cell(res["title"], font=Font(bold=True, size=13))])
    ws.append([cell(unit)])
    ws.append([cell(f"说明：{res.get('note') or res.get('description', '')}")])
    ws.append([cell(f"来源：{report.meta['unit']}{report.meta['year']}年度{report.meta['kind']}；空白单元格为报告未披露，“—”为不适用。")])
    ws.append([cell(f["title"], font=Font(bold=True), alignment=Alignment(wrap_text=True)) for f in fields])
    derived = derived_cells(report, name)  # the cells the table page marks 推算: here a comment and blue italics
    for typed, raw in zip(report.rows[name], report.cells[name]):
        values = []
        for f, r in zip(fields, raw):
            v = typed[f["name"]]
            if f["type"] in ("number", "integer") and v is not None:
                fmt = "#,##0.00" if f.get("unit") == "万元" else "General"
                values.append(cell(float(v) if isinstance(v, Decimal) else v, number_format=fmt))
                fig = derived.get((typed.get("row"), f["name"]))
                if fig:
                    values[-1].comment = Comment(f"{derived_note(report, fig)}（报告未直接写出）", "推算", height=120, width=320)
                    values[-1].font = DERIVED_FONT
            elif f["type"] == "string" and r != "":
                values.append(cell(r, number_format="@"))  # codes stay text: leading zeros and long codes survive
            else:
                values.append(cell(r) if r != "" else None)  # "—" as in the CSV; empty cells left empty
        ws.append(values)


def _workbook(report: Report, names: list[tuple[str, str]]) -> bytes:
    wb = Workbook(write_only=True)
    for name, title in names:
        _sheet(wb, report, name, title)
    stamp = datetime(*FIXED_TIME)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = report.meta["unit"]
    out = io.BytesIO()
    wb.save(out)
    return _normalise_zip(out.getvalue())


def resource_json(report: Report, name: str) -> bytes:
    """A resource → JSON: {"resource", "title", "fields", "rows", "derived"}: numbers as numbers, 未披露 (empty) as null,
    不适用 as "—"; "derived" lists the cells whose value is 推算 (row, field, figure, formula, in words)."""
    res = report.resource(name)
    rows = []
    for typed, raw in zip(report.rows[name], report.cells[name]):
        rows.append({k: (float(v) if isinstance(v, Decimal) else ("—" if cell == "—" else v))
                     for (k, v), cell in zip(typed.items(), raw)})
    doc = {"resource": name, "title": res["title"], "fields": [{"name": f["name"], "title": f["title"], "type": f["type"]}
                                                              for f in res["schema"]["fields"]], "rows": rows,
           "derived": [{"row": row, "field": field, "figure": fig["id"], "formula": fig["formula"], "note": derived_note(report, fig)}
                       for (row, field), fig in sorted(derived_cells(report, name).items())]}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def readme(report: Report) -> bytes:
    """The package → a README.md for the zip: what it is, sources, terms, and every field described."""
    d = report.descriptor
    lines = [f"# {d['title']}", "", d["description"], "", f"版本：{d['version']}", "", "## 来源", ""]
    for s in d.get("sources", []):
        lines += [f"- {s['title']}（{s.get('path', '')}）：{s.get('description', '')}"]
    lines += ["", "## 使用条件", "", d.get("terms_of_reuse", ""), "", "## 文件与字段", ""]
    for res in d["resources"]:
        lines += [f"### {res['path']}：{res['title']}", "", res.get("description", ""), ""]
        for f in res.get("schema", {}).get("fields", []):
            lines.append(f"- `{f['name']}`（{f['title']}，{f['type']}）：{f.get('description', '')}")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def package_zip(report: Report) -> bytes:
    """The whole package → one .zip: datapackage.json, the files it lists (data/, source/), README.md."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for rel in report.published_files:
            z.writestr(f"{report.slug}/{rel}", (report.folder / rel).read_bytes())
        z.writestr(f"{report.slug}/README.md", readme(report))
    return _normalise_zip(out.getvalue())


@per_report
def downloads(report: Report) -> list[Download]:
    """Every download of a report (made once per loaded report, or read back from the build cache when
    the package and the code are those of an earlier build: the XLSX files are the slow part of a build)."""
    k = cache.key("downloads", cache.package(report.folder))
    stored = cache.read_bundle("downloads", k)
    if stored is None:
        made = _made(report)
        cache.write_bundle("downloads", k, [({"path": d.path, "label": d.label, "kind": d.kind}, d.data) for d in made])
        stored = cache.read_bundle("downloads", k) or []
        if len(stored) != len(made):  # the cache could not be written: keep the bytes made
            return made
    return [Download(r["path"], r["label"], r["kind"], Path(f)) for r, f in stored]


def _made(report: Report) -> list[Download]:
    """Every download of a report, made from its package."""
    base = f"{report.slug}/downloads"
    out: list[Download] = [Download(package_path(report, "datapackage.json"), "数据包描述文件", "JSON", (report.folder / "datapackage.json").read_bytes())]
    tables = [(r["name"], f"附表{r['table_number']:02d}") for r in report.table_resources]
    for res in report.descriptor["resources"]:
        name = res["name"]
        data = (report.folder / res["path"]).read_bytes()
        # The CSV download is the package file itself, published under <slug>/package/ as it is.
        kind = "CSV" if res.get("type") == "table" else "TXT"
        out.append(Download(package_path(report, res["path"]), res["title"], kind, data))
        if res.get("type") == "table":
            out.append(Download(f"{base}/{name}.xlsx", res["title"], "XLSX", _workbook(report, [(name, name[:31])])))
            out.append(Download(f"{base}/{name}.json", res["title"], "JSON", resource_json(report, name)))
    out.append(Download(f"{base}/tables.xlsx", f"{cn_number(len(tables))}张附表（一个工作簿，每表一页）", "XLSX", _workbook(report, tables)))
    out.append(Download(f"{base}/{report.slug}.zip", "完整数据包（含说明和报告原文）", "ZIP", package_zip(report)))
    sums = "".join(f"{d.sha256}  {d.path[len(report.slug) + 1:]}\n" for d in out)
    out.append(Download(f"{base}/SHA256SUMS", "全部文件的 SHA-256 校验值", "TXT", sums.encode()))
    return out


def for_resource(report: Report, name: str) -> list[Download]:
    """The CSV, XLSX and JSON of one resource."""
    csv_path = package_path(report, report.resource(name)["path"])
    base = f"{report.slug}/downloads/{name}."
    return [d for d in downloads(report) if d.path == csv_path or d.path.startswith(base)]


def package_path(report: Report, rel: str) -> str:
    """A file of the package → where the site publishes it, byte for byte."""
    return f"{report.slug}/package/{rel}"


def named(report: Report, filename: str) -> Download:
    """The download whose file name is `filename` (e.g. 'SHA256SUMS', 'tables.xlsx')."""
    return next(d for d in downloads(report) if d.path.rsplit("/", 1)[-1] == filename)


class Files:
    """A report's downloads, made once (before any page is rendered), as templates look them up."""

    def __init__(self, report: Report):
        self.all = downloads(report)
        self._report = report

    def named(self, filename: str) -> Download:
        """The download whose file name is `filename` (e.g. 'SHA256SUMS', 'tables.xlsx')."""
        return named(self._report, filename)

    def for_resource(self, name: str) -> list[Download]:
        """The CSV, XLSX and JSON of one resource."""
        return for_resource(self._report, name)
