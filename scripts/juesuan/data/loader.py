"""Package folders under datapackage/ → validated Report objects; the one reader of the data packages.

Every other module (checks, site macros, tests, downloads) asks this module for data. Loading
runs the stock frictionless validation first; any problem raises PackageError with one line per
problem naming file, row, field and what is wrong.
"""

from __future__ import annotations

import csv
import functools
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from frictionless import Package

from juesuan.data import formats, inputs
from juesuan.data.problems import PackageError, PackageLacks, Problem
from juesuan.paths import PACKAGES, display
from juesuan.workers import process_pool

REF = re.compile(r"\[\[([^\[\]]+)\]\]")
# Qualifiers a report writes around a number: before it (≥95%), after its unit (96%以上), or between (4000余条).
BEFORE = ("≥", "≤", ">", "<", "约", "不少于", "不低于", "不超过", "超过", "近")
AFTER = ("以上", "以下", "以内", "左右")


@dataclass
class Report:
    """One report's package: descriptor, typed rows and raw cells of every table resource."""

    folder: Path
    descriptor: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    cells: dict[str, list[list[str]]] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)  # file line of each record (0 = header)

    def line(self, resource: str, index: int) -> int:
        """0-based data row index → the file line where that row starts (cells may span lines)."""
        return self.lines[resource][index + 1]

    # ---- metadata -------------------------------------------------------------------
    @property
    def slug(self) -> str:
        """Folder name: the report's stable URL segment."""
        return self.folder.name

    @property
    def meta(self) -> dict:
        """The report block of the descriptor: unit, year, department, format, …"""
        return self.descriptor["report"]

    @property
    def title(self) -> str:
        """The report's name as pages, citations and the nav write it: unit, year and kind."""
        return f"{self.meta['unit']}{self.meta['year']}年度{self.meta['kind']}"

    @property
    def format(self) -> dict:
        """The report format this package follows (report.format → formats/<id>.yaml)."""
        return formats.load(self.meta["format"])

    @property
    def site(self) -> dict:
        """The package's own site choices (descriptor 'site': extra headline figures, charts of its own)."""
        return self.descriptor.get("site") or {}

    def resource(self, name: str) -> dict:
        """Resource name → its descriptor (title, schema, custom properties)."""
        for res in self.descriptor["resources"]:
            if res["name"] == name:
                return res
        raise PackageLacks(display(self.folder / "datapackage.json"), f"a resource named {name!r}")

    def has(self, name: str) -> bool:
        """Whether the package has a resource of that name."""
        return any(res["name"] == name for res in self.descriptor["resources"])

    def path_of(self, name: str) -> Path:
        """Resource name → path of its file on disk."""
        return self.folder / self.resource(name)["path"]

    def fields(self, name: str) -> list[dict]:
        return self.resource(name)["schema"]["fields"]

    @property
    def published_files(self) -> list[str]:
        """The package's files as published (under <slug>/package/ and in the zip): datapackage.json and the
        files the descriptor lists (resources, sources kept in the folder); nothing else of the folder."""
        listed = {"datapackage.json"} | {r["path"] for r in self.descriptor["resources"]}
        listed |= {s["path"] for s in self.descriptor.get("sources", []) if inputs.is_local(s.get("path"))}
        return sorted(listed)

    @property
    def table_resources(self) -> list[dict]:
        """The standard 附表 resources, in table order."""
        tables = [r for r in self.descriptor["resources"] if "table_number" in r]
        return sorted(tables, key=lambda r: r["table_number"])

    @property
    def source_text(self) -> Path:
        return self.path_of("source")

    # ---- figures ----------------------------------------------------------------------
    @cached_property
    def figures(self) -> dict[str, dict]:
        """Figure id → its register row."""
        return {row["id"]: row for row in self.rows["figures"]}

    def figure(self, fid: str) -> dict:
        """Figure id → its register row; PackageLacks if the register has no such figure."""
        try:
            return self.figures[fid]
        except KeyError:
            raise PackageLacks(display(self.path_of("figures")), f"figure {fid!r}") from None

    def value(self, fid: str) -> Decimal:
        return self.figure(fid)["value"]

    def written(self, fid: str) -> str:
        """Figure id → the figure as the report writes it: value, qualifier, unit (codes as written)."""
        fig = self.figure(fid)
        if fig["unit"] == "科目编码" or (fig["literal"] or "").startswith("0"):
            return fig["literal"]  # codes as written: "02" is not the number 2
        q, unit = fig["qualifier"] or "", fig["unit"] or ""
        if q in BEFORE:  # ≥95%, 约3万元
            return f"{q}{fig['value']}{unit}"
        if q in AFTER:  # 96%以上
            return f"{fig['value']}{unit}{q}"
        return f"{fig['value']}{q}{unit}"  # 4000余条

    @cached_property
    def provenance(self) -> dict[tuple[str, int, str], str]:
        """(resource, row, field) → figure id, for every table cell that has a value."""
        return {(p["resource"], p["row"], p["field"]): p["figure"] for p in self.rows["provenance"]}

    # ---- narrative ----------------------------------------------------------------------
    @cached_property
    def sections(self) -> dict[str, dict]:
        return {row["id"]: row for row in sorted(self.rows["narrative"], key=lambda r: r["order"])}

    def children(self, sid: str) -> list[dict]:
        return [s for s in self.sections.values() if s["parent"] == sid]


def discover(root: Path = PACKAGES) -> list[Path]:
    """datapackage/ → the package folders in it (each holding a datapackage.json), sorted."""
    return sorted(p.parent for p in root.glob("*/datapackage.json"))


def record_lines(path: Path) -> list[int]:
    """A CSV file → the file line on which each record starts (index 0 is the header).

    Cells may hold line breaks (paragraphs of the narrative), so record numbers and file lines
    differ; every problem is reported with the file line a person sees in an editor.
    """
    starts = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        while True:
            start = reader.line_num + 1
            try:
                next(reader)
            except StopIteration:
                break
            starts.append(start)
    return starts


TEXT_FORMATS = ("txt", "csv", "json", "md")


def _encoding_problems(folder: Path, descriptor: dict) -> list[Problem]:
    """Resource files that are not UTF-8 → one problem each, with the line of the first bad byte."""
    problems = []
    for res in descriptor.get("resources", []):
        path = folder / res.get("path", "")
        if not path.is_file() or (res.get("type") != "table" and res.get("format") not in TEXT_FORMATS):
            continue  # an original PDF or DOCX kept as evidence is binary
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            problems.append(Problem("not-utf8", display(path), line, None,
                                    f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at position {exc.start}); "
                                    "save it as UTF-8 without BOM"))
        if data.startswith(b"\xef\xbb\xbf"):
            problems.append(Problem("byte-order-mark", display(path), 1, None, "the file starts with a byte-order mark; save it as UTF-8 without BOM"))
    return problems


def _short(text) -> str:
    """A cell as quoted in a problem: on one line, at most 40 characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= 40 else flat[:40] + "…"


def _problems_of(report_obj, folder: Path, descriptor: dict) -> list[Problem]:
    """A frictionless validation report → one Problem per error, located by file line and field."""
    problems = []
    keys = {r["name"]: r.get("schema", {}).get("primaryKey", []) for r in descriptor.get("resources", [])}
    paths = {r.get("path"): r["name"] for r in descriptor.get("resources", [])}
    for task in report_obj.tasks:
        where = folder / task.place if task.place else None
        file = display(where) if where else display(folder)
        lines = None
        for err in task.errors:
            row = getattr(err, "row_number", None)
            if row is not None and where is not None and where.is_file():
                if lines is None:
                    try:
                        lines = record_lines(where)
                    except (UnicodeDecodeError, csv.Error):
                        lines = []
                row = lines[row - 1] if 0 < row <= len(lines) else row
            fld = getattr(err, "field_name", None) or ", ".join(getattr(err, "field_names", None) or []) or None
            if fld is None and err.type == "primary-key":
                fld = ", ".join(keys.get(paths.get(task.place), [])) or None
            cell = getattr(err, "cell", None)
            shown = f' (cell "{_short(cell)}")' if cell not in (None, "") else ""
            problems.append(Problem(err.type, file, row, fld, f"{err.title}: {err.note or err.description}{shown}"))
    for err in report_obj.errors:
        problems.append(Problem(err.type, display(folder / "datapackage.json"), None, None, f"{err.title}: {err.note}"))
    return problems


def check_folder(folder: Path) -> tuple[dict | None, list[Problem]]:
    """A package folder → (its descriptor, every problem our input passes and stock frictionless validation find in it).

    Before frictionless reads anything: links and special files (frictionless would follow or
    block on them), then the descriptor's JSON (duplicate keys, control characters), then its
    paths (a URL would be fetched). After the encoding pass, every CSV cell (control characters,
    numbers in plain form) alongside frictionless's own validation.
    """
    descriptor_path = folder / "datapackage.json"
    if not descriptor_path.exists() and not descriptor_path.is_symlink():
        return None, [Problem("no-descriptor", display(folder), None, None, "no datapackage.json in this folder")]
    problems = inputs.file_problems(folder)
    if problems:
        return None, problems
    parsed, problems = inputs.read_descriptor(descriptor_path)
    if problems or parsed is None:
        return None, problems
    problems = inputs.path_problems(folder, parsed)
    if problems:
        return None, problems
    try:
        package = Package(str(descriptor_path))
    except Exception as exc:  # frictionless raises FrictionlessException on a broken descriptor
        return None, [Problem("descriptor-unreadable", display(descriptor_path), None, None, f"cannot read descriptor: {exc}")]
    descriptor = package.to_descriptor()
    # Encoding first: a file in the wrong encoding makes every resource that refers to it fail too.
    encoding = _encoding_problems(folder, descriptor)
    if encoding:
        return descriptor, encoding
    controls, numbers = inputs.cell_problems(folder, descriptor)
    return descriptor, inputs.merged(controls, numbers, _problems_of(package.validate(), folder, descriptor))


# Resources a package may leave out; everything else asks for them as empty when absent.
OPTIONAL = ("performance_projects", "performance_indicators", "self_assessment", "work_figures", "organisation")


def _read(folder: Path, descriptor: dict) -> Report:
    """A validated package folder → its Report (typed rows, raw cells, file lines)."""
    report = Report(folder=folder, descriptor=descriptor)
    for res in descriptor["resources"]:
        if res.get("type") != "table":
            continue
        report.cells[res["name"]], report.rows[res["name"]] = _read_table(folder / res["path"], res["schema"])
        report.lines[res["name"]] = record_lines(folder / res["path"])
    for name in OPTIONAL:  # a report without performance forms or work figures has no such rows
        report.rows.setdefault(name, [])
        report.cells.setdefault(name, [])
    return report


def load(folder: Path) -> Report:
    """A package folder → a Report, after stock frictionless validation; PackageError on any problem."""
    descriptor, problems = check_folder(folder)
    if problems:
        raise PackageError(problems)
    return _read(folder, descriptor)


_CAST = {"string": str, "number": Decimal, "integer": int}


def _read_table(path: Path, schema: dict) -> tuple[list[list[str]], list[dict]]:
    """A CSV that frictionless has just validated → (raw cells, typed rows).

    Frictionless validates every file first; reading the rows again through its row stream took
    most of a build's loading time, so the already-valid cells are cast here with the schema's
    own types (string, number → Decimal, integer) and missing values → None.
    """
    fields = schema["fields"]
    missing = set(schema.get("missingValues", [""]))
    casts = [(f["name"], _CAST[f["type"]]) for f in fields]
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        raw = [row for row in reader]
    typed = [{name: (None if cell in missing else cast(cell)) for (name, cast), cell in zip(casts, row)} for row in raw]
    return raw, typed


def load_all(root: Path = PACKAGES) -> list[Report]:
    """datapackage/ → every report, validated; PackageError listing the problems of all of them.

    Validation is the slow part and packages are independent, so with several packages it runs in
    one process per core.
    """
    folders = discover(root)
    if not folders:
        raise PackageError([Problem("no-packages", str(root), None, None, "no package folder with a datapackage.json")])
    if len(folders) > 1 and (os.cpu_count() or 1) > 1:
        with process_pool() as pool:
            checked = list(pool.map(check_folder, folders))
    else:
        checked = [check_folder(f) for f in folders]
    problems = [p for _, found in checked for p in found]
    if problems:
        raise PackageError(problems)
    return [_read(folder, descriptor) for folder, (descriptor, _) in zip(folders, checked)]


_CACHE: dict[tuple, list[Report]] = {}


def _signature(root: Path) -> tuple:
    """datapackage/ → a key that changes whenever any package file changes."""
    return (str(root),) + tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*") if p.is_file()))


def reports(root: Path = PACKAGES, refresh: bool = False) -> list[Report]:
    """Like load_all, but loaded once per process (the hook and the macros share it).

    With refresh=True (the MkDocs hook, once per build) the package files are looked at again and
    reloaded if any changed, so `make dev` picks up edits; every other call reuses what was loaded,
    since scanning every file for every page made large builds quadratic.
    """
    if refresh or not _CACHE:
        key = _signature(root)
        if key not in _CACHE:
            _CACHE.clear()
            _CACHE[key] = load_all(root)
    return next(iter(_CACHE.values()))


def per_report(fn):
    """Decorator: fn(report) → computed once per loaded Report object (a reload makes a new one)."""
    cache: dict[int, tuple[Report, object]] = {}

    @functools.wraps(fn)
    def wrapper(report: Report):
        hit = cache.get(id(report))
        if hit is None or hit[0] is not report:
            hit = cache[id(report)] = (report, fn(report))
        return hit[1]

    return wrapper
