"""A package folder's raw input, before frictionless reads it → located problems: links and special files, duplicate JSON keys, unsafe paths, control characters, numbers not in plain form.

Frictionless accepts all of these silently (a link it even follows), so the loader runs these
passes first (loader.check_folder); each problem names the file, line and field a person fixes.
"""

from __future__ import annotations

import bisect
import csv
import json
import os
import re
import stat
from json.decoder import WHITESPACE, JSONDecodeError, scanstring
from json.scanner import py_make_scanner
from pathlib import Path, PurePosixPath

from juesuan.data.problems import Problem
from juesuan.paths import display

# C0, DEL and C1 controls: all but the line break \n (in a number, a line break fails the plain form instead,
# and frictionless's own message for the cell, e.g. after an unclosed quote, stands).
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# The one way a number is written in a package: ASCII digits, an optional leading "-", "." before decimals.
CANONICAL = {"number": re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"), "integer": re.compile(r"-?(?:0|[1-9][0-9]*)")}
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # http:, file:, a Windows drive (C:)
_CHAR_NAMES = {0: "NUL", 9: "tab", 0x0B: "vertical tab", 0x0C: "form feed", 0x0D: "carriage return", 0x1B: "escape"}


def _char(ch: str) -> str:
    return f"U+{ord(ch):04X}" + (f" ({_CHAR_NAMES[ord(ch)]})" if ord(ch) in _CHAR_NAMES else "")


# ---------------------------------------------------------------------------------- files
def file_problems(folder: Path) -> list[Problem]:
    """Every symbolic link and every file that is not a regular file (FIFO, socket, device) in the folder."""
    problems = []
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                problems.append(Problem("symlink-in-package", f"{display(dirpath)}/{name}", None, None,
                                        f"is a symbolic link (to {os.readlink(path)}); a package holds its files "
                                        "themselves: put the file here instead of the link"))
            elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                problems.append(Problem("special-file-in-package", f"{display(dirpath)}/{name}", None, None,
                                        "is not a regular file (a FIFO, socket or device); remove it"))
        dirnames[:] = [d for d in dirnames if not os.path.islink(Path(dirpath) / d)]
    return problems


# ---------------------------------------------------------------------------------- the descriptor
class Descriptor:
    """datapackage.json parsed here: its data, the line of every object member, and its duplicate keys."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.members: dict[int, dict[str, int]] = {}  # id(object) → key → line
        self.duplicates: list[tuple[str, int, int]] = []  # key, line of the first, line of the repeat
        decoder = json.JSONDecoder()
        decoder.parse_object = self._object
        decoder.scan_once = py_make_scanner(decoder)  # the C scanner would not call _object
        self.data = decoder.decode(text)

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)

    def where(self, obj, key: str) -> int | None:
        """An object of the data and one of its keys → the line of that member."""
        return self.members.get(id(obj), {}).get(key)

    def _object(self, s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None, _w=WHITESPACE.match):
        """json.decoder.JSONObject, recording the line of each key and every key given twice."""
        s, end = s_and_end
        obj: dict = {}
        at: dict[str, int] = {}
        self.members[id(obj)] = at
        end = _w(s, end).end()
        if s[end:end + 1] == "}":
            return obj, end + 1
        while True:
            if s[end:end + 1] != '"':
                raise JSONDecodeError("Expecting property name enclosed in double quotes", s, end)
            line = self.line(end)
            key, end = scanstring(s, end + 1, strict)
            end = _w(s, end).end()
            if s[end:end + 1] != ":":
                raise JSONDecodeError("Expecting ':' delimiter", s, end)
            try:
                value, end = scan_once(s, _w(s, end + 1).end())
            except StopIteration as err:
                raise JSONDecodeError("Expecting value", s, err.value) from None
            if key in obj:
                self.duplicates.append((key, at[key], line))
            else:
                at[key] = line
            obj[key] = value
            end = _w(s, end).end()
            if s[end:end + 1] == "}":
                return obj, end + 1
            if s[end:end + 1] != ",":
                raise JSONDecodeError("Expecting ',' delimiter", s, end)
            end = _w(s, end + 1).end()


def _strings(value, path: str, line: int | None, doc: Descriptor):
    """Every string of the data (keys included) → (JSON path, line, text)."""
    if isinstance(value, dict):
        for key, item in value.items():
            at = doc.where(value, key) or line
            yield f"{path}.{key}" if path else key, at, key
            yield from _strings(item, f"{path}.{key}" if path else key, at, doc)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]", line, doc)
    elif isinstance(value, str):
        yield path, line, value


def read_descriptor(path: Path) -> tuple[Descriptor | None, list[Problem]]:
    """datapackage.json → (the parsed descriptor, its problems: JSON syntax, duplicate keys, control characters)."""
    file, data = display(path), path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem("not-utf8", file, data[:exc.start].count(b"\n") + 1, None,
                              f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8 without BOM")]
    if text.startswith("\ufeff"):
        return None, [Problem("byte-order-mark", file, 1, None, "the file starts with a byte-order mark; save it as UTF-8 without BOM")]
    try:
        doc = Descriptor(text)
    except JSONDecodeError as exc:
        return None, [Problem("descriptor-unreadable", file, exc.lineno, None,
                              f"not valid JSON: {exc.msg} (column {exc.colno}); fix the JSON syntax")]
    problems = [Problem("descriptor-duplicate-key", file, again, key,
                        f"the key {key!r} is given twice in the same object (first on line {first}); keep one")
                for key, first, again in doc.duplicates]
    for where, line, text in _strings(doc.data, "", None, doc):
        if m := CONTROL.search(text):
            problems.append(Problem("control-character", file, line, where,
                                    f"control character {_char(m.group())} in the text; remove it"))
    if not isinstance(doc.data, dict):
        problems.append(Problem("descriptor-unreadable", file, 1, None, "the descriptor must be a JSON object {…}"))
    return doc, problems


# ---------------------------------------------------------------------------------- paths
def is_local(path) -> bool:
    """A descriptor path → whether it names a file of the package (not a URL)."""
    return isinstance(path, str) and not URL.match(path)


def _unsafe(path) -> str:
    """A local path → why it may not be published ('' when it is fine)."""
    if not isinstance(path, str) or not path:
        return "needs a 'path' naming one file in this folder (inline data and multi-part paths are not published)"
    if "\\" in path:
        return f"{path!r}: write paths with / between folders"
    parts = PurePosixPath(path).parts
    if path.startswith("/") or ".." in parts:
        return f"{path!r} leaves the package folder: give a path inside it, such as data/table.csv"
    return ""


def path_problems(folder: Path, doc: Descriptor) -> list[Problem]:
    """Resource and source paths → problems: a URL or a path outside the folder (resources), a source file not there."""
    file, problems = display(folder / "datapackage.json"), []
    for key in ("resources", "sources"):
        items = doc.data.get(key) if isinstance(doc.data.get(key), list) else []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            path, line = item.get("path"), doc.where(item, "path") or doc.where(doc.data, key)
            if key == "sources" and (path is None or not is_local(path)):
                continue  # a source may be a web address; it is cited, not published
            if isinstance(path, str) and not is_local(path):
                reason = f"{path!r} is a web address (or a drive): a resource must be a file in this folder"
            else:
                reason = _unsafe(path)
            if reason:
                problems.append(Problem("unsafe-path", file, line, f"{key}[{i}].path", reason))
            elif key == "sources" and not (folder / path).is_file():
                problems.append(Problem("source-file-missing", file, line, f"{key}[{i}].path",
                                        f"{path!r} is not in the package folder: add the file, or correct the path"))
    return problems


# ---------------------------------------------------------------------------------- cells
def cell_problems(folder: Path, descriptor: dict) -> tuple[list[Problem], list[Problem]]:
    """Every CSV cell of every table resource → (control characters, numbers not in plain form), by file line and field."""
    controls, numbers = [], []
    for res in descriptor.get("resources", []):
        path = folder / res.get("path", "")
        if res.get("type") != "table" or not path.is_file():
            continue
        schema = res.get("schema") or {}
        types = {f.get("name"): f.get("type", "string") for f in schema.get("fields", [])}
        missing = set(schema.get("missingValues", [""]))
        file = display(path)
        try:
            with path.open(encoding="utf-8", newline="") as f:
                reader = csv.reader(f)
                header = None
                while True:
                    start = reader.line_num + 1
                    try:
                        record = next(reader)
                    except StopIteration:
                        break
                    for col, cell in enumerate(record):
                        name = header[col] if header is not None and col < len(header) else None
                        kind = types.get(name, "string") if header is not None else "header"
                        bad = CONTROL.search(cell)
                        if bad:
                            nth = cell[:bad.start()].count("\n") + 1
                            within = f" (line {nth} of the cell)" if nth > 1 else ""
                            controls.append(Problem("control-character", file, start, name,
                                                    f"control character {_char(bad.group())} in the cell{within}; remove it "
                                                    "(a text cell may hold line breaks, nothing else of the kind)"))
                        elif kind in CANONICAL and cell not in missing and not CANONICAL[kind].fullmatch(cell):
                            numbers.append(Problem("number-not-canonical", file, start, name,
                                                   f"{cell!r} is not a plain {kind}: write ASCII digits, an optional leading '-'"
                                                   + (" and '.' before decimals" if kind == "number" else "")
                                                   + " (no spaces, '+', exponent, leading zeros or full-width digits)"))
                    header = record if header is None else header
        except (csv.Error, UnicodeDecodeError):
            continue  # frictionless and the encoding pass report these
    return controls, numbers


def merged(controls: list[Problem], numbers: list[Problem], theirs: list[Problem]) -> list[Problem]:
    """Our cell problems with frictionless's: a control character replaces what frictionless says of that cell
    (a NUL is no pattern mismatch); frictionless's type error replaces our number problem."""
    def at(p):
        return p.file, p.row, p.field
    ctrl = {at(p) for p in controls}
    theirs = [p for p in theirs if at(p) not in ctrl]
    taken = {at(p) for p in theirs}
    return controls + [p for p in numbers if at(p) not in taken] + theirs
