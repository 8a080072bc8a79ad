"""Package folders under datapackage/ → validated Report objects; the one reader of the data packages.

Every other module (checks, site macros, tests, downloads) asks this module for data. Loading
runs the stock frictionless validation first; any problem raises PackageError with one line per
problem naming file, row, field and what is wrong.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from frictionless import Package

from juesuan import cache
from juesuan.data import formats, frictionless_errors, inputs, quotes
from juesuan.data.problems import PackageError, PackageLacks, Problem
from juesuan.data.source_text import AFTER, BEFORE, CHINESE_DIGITS
from juesuan.data.tables import REQUIRED, ByResource, Tables, record_lines, stamp
from juesuan.paths import PACKAGES, display

REF = re.compile(r"\[\[([^\[\]]+)\]\]")


@dataclass
class Report:
    """One report's package: descriptor, typed rows and raw cells of every table resource."""

    folder: Path
    descriptor: dict
    rows: dict[str, list[dict]] = field(default_factory=lambda: ByResource())
    cells: dict[str, list[list[str]]] = field(default_factory=lambda: ByResource())
    lines: dict[str, list[int]] = field(default_factory=lambda: ByResource())  # file line of each record (0 = header)

    def release(self) -> None:
        """Drop the tables read so far: read again (from the same, checked files) when next asked for."""
        for view in (self.rows, self.cells, self.lines):
            dict.clear(view)

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
        """The report block of the descriptor: unit, year, department, format, …; PackageLacks when there is none."""
        meta = self.descriptor.get("report")
        if not isinstance(meta, dict):
            raise PackageLacks(display(self.folder / "datapackage.json"), "'report' block (unit, unit_id, year, kind, format)")
        return meta

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
        literal = fig["literal"] or ""
        if fig["unit"] == "科目编码" or literal.startswith("0") or (literal and literal[0] in CHINESE_DIGITS):
            return literal  # codes as written ("02" is not the number 2), counts in words as written (两件)
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
            problems.append(inputs.not_utf8(display(path), data, exc))
        if data.startswith(b"\xef\xbb\xbf"):
            problems.append(Problem.of("byte-order-mark", display(path), 1, None))
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
        return None, [Problem.of("no-descriptor", display(folder), None, None)]
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
        return None, [frictionless_errors.unreadable(descriptor_path, exc)]
    descriptor = package.to_descriptor()
    listed = {r.get("name") for r in descriptor.get("resources", [])}
    lacking = [Problem.of("package-lacks", display(descriptor_path), parsed.where(parsed.data, "resources"), "resources",
                          "resource", name=name) for name in REQUIRED if name not in listed]
    if lacking:  # the checks and the pages read these: without one, nothing else can be said
        return None, lacking
    # Encoding first: a file in the wrong encoding makes every resource that refers to it fail too.
    encoding = _encoding_problems(folder, descriptor)
    if encoding:
        return descriptor, encoding
    controls, numbers = inputs.cell_problems(folder, descriptor)
    theirs = frictionless_errors.problems_of(package.validate(), folder, descriptor, record_lines, parsed)
    return descriptor, inputs.merged(controls, numbers, theirs, quotes.problems(folder, descriptor), descriptor)


def _read(folder: Path, descriptor: dict) -> Report:
    """A validated package folder → its Report (typed rows, raw cells, file lines: each table read when first asked for)."""
    report = Report(folder=folder, descriptor=descriptor)
    tables = Tables(report, {r["path"]: stamp(folder / r["path"]) for r in descriptor["resources"] if r.get("type") == "table"})
    for view in (report.rows, report.cells, report.lines):
        view.folder, view.tables = folder, tables
    return report


def load(folder: Path) -> Report:
    """A package folder → a Report, after stock frictionless validation; PackageError on any problem."""
    descriptor, problems = check_folder(folder)
    if problems:
        raise PackageError(problems)
    return _read(folder, descriptor)


def load_all(root: Path = PACKAGES) -> list[Report]:
    """datapackage/ → every report, validated; PackageError listing the problems of all of them.

    Validation is the slow part and packages are independent, so with several packages it runs in
    one process per core, and a package that passed with the same files and code is not validated
    again (juesuan/cache.py).
    """
    folders = discover(root)
    if not folders:
        raise PackageError([Problem.of("no-packages", str(root), None, None, root=str(root))])
    checked = cache.checked(folders, check_folder)
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


_PER_REPORT: list[dict] = []  # the memo of every per_report function (forget)


def forget(report: Report) -> None:
    """Drop what per_report functions remember of a report (a worker process done with it keeps nothing)."""
    for memo in _PER_REPORT:
        memo.pop(id(report), None)


def per_report(fn):
    """Decorator: fn(report) → computed once per loaded Report object (a reload makes a new one)."""
    cache: dict[int, tuple[Report, object]] = {}
    _PER_REPORT.append(cache)

    @functools.wraps(fn)
    def wrapper(report: Report):
        hit = cache.get(id(report))
        if hit is None or hit[0] is not report:
            hit = cache[id(report)] = (report, fn(report))
        return hit[1]

    return wrapper
