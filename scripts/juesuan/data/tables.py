"""A validated package's table files → its rows, cells and file lines, each table read when first asked for.

The loader (loader.py) validates a package and hands its tables here: a build holds every report, and most of them
only for their names and a few figures (the nav, the home page, a build shard making other reports; issue 12:
300 reports ≤ 2 GB), so a table is read from its file the first time a page or check asks for it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from juesuan.data.problems import PackageError, PackageLacks, Problem
from juesuan.paths import display

# Resources every package lists (the checks and the pages read them), and those it may leave out (read as empty).
REQUIRED = ("source", "figures", "narrative", "glossary", "codes", "provenance", "relations", "findings")
OPTIONAL = ("performance_projects", "performance_indicators", "self_assessment", "work_figures", "organisation")


class ByResource(dict):
    """Resource name → its rows (cells, lines), each table read from its file the first time it is asked for; a resource
    the package lacks is PackageLacks, a located line, not a KeyError.

    Read when asked for: a build holds every report, and most of them only for their names and a few figures (the nav,
    the home page, a build shard making other reports, issue 12: 300 reports ≤ 2 GB); get() reads like [] does."""

    folder: Path | None = None
    tables: "Tables | None" = None

    def __missing__(self, name: str):
        if self.tables is not None and self.tables.read(name) and dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        raise PackageLacks("datapackage.json" if self.folder is None else display(self.folder / "datapackage.json"),
                           f"a table resource named {name!r}")

    def get(self, name: str, default=None):
        # without raising: a PackageLacks words its message, and pages ask for resources a package may lack many times
        if dict.__contains__(self, name) or (self.tables is not None and self.tables.read(name) and dict.__contains__(self, name)):
            return dict.__getitem__(self, name)
        return default


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


def stamp(path: Path) -> tuple[int, int, int]:
    """A file → (mtime, size, inode): what tells a file changed since it was validated."""
    st = path.stat()
    return st.st_mtime_ns, st.st_size, st.st_ino


@dataclass
class Tables:
    """A report's table resources → read into its rows, cells and lines, one resource when first asked for (ByResource).

    stamps: each table file as it was when the package was loaded (after its validation): a file changed since then is
    never read as if it had been validated (PackageError, nothing is published)."""

    report: object  # loader.Report
    stamps: dict[str, tuple[int, int, int]]

    def read(self, name: str) -> bool:
        """Read one resource into the report → whether the package has it (an OPTIONAL one it lacks reads as no rows)."""
        report = self.report
        res = next((r for r in report.descriptor["resources"] if r.get("name") == name and r.get("type") == "table"), None)
        if res is not None:
            path = report.folder / res["path"]
            if stamp(path) != self.stamps.get(res["path"]):
                raise PackageError([Problem.of("changed-while-building", display(path), None, None)])
            cells, rows = read_table(path, res["schema"])
            dict.__setitem__(report.cells, name, cells)
            dict.__setitem__(report.rows, name, rows)
            dict.__setitem__(report.lines, name, record_lines(report.folder / res["path"]))
            return True
        if name in OPTIONAL:  # a report without performance forms or work figures has no such rows (and no lines)
            dict.__setitem__(report.rows, name, [])
            dict.__setitem__(report.cells, name, [])
            return True
        return False


_CAST = {"string": str, "number": Decimal, "integer": int}


def read_table(path: Path, schema: dict) -> tuple[list[list[str]], list[dict]]:
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
