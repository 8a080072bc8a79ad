"""A package folder's raw input, before frictionless reads it → located problems: links and special files, duplicate JSON keys, unsafe paths, field types, control characters, numbers not in plain form.

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
import unicodedata
from decimal import Decimal, InvalidOperation
from json.decoder import WHITESPACE, JSONDecodeError, scanstring
from json.scanner import py_make_scanner
from pathlib import Path, PurePosixPath

from juesuan.data.messages import JSON_ZH
from juesuan.data.problems import Problem
from juesuan.paths import display

# C0, DEL and C1 controls: all but the line break \n (in a number, a line break fails the plain form instead,
# and frictionless's own message for the cell, e.g. after an unclosed quote, stands).
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# The one way a number is written in a package: ASCII digits, an optional leading "-", "." before decimals.
CANONICAL = {"number": re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"), "integer": re.compile(r"-?(?:0|[1-9][0-9]*)")}
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # http:, file:, a Windows drive (C:)
_CHAR_NAMES = {0: "NUL", 9: "tab", 0x0B: "vertical tab", 0x0C: "form feed", 0x0D: "carriage return", 0x1B: "escape"}
_CHAR_ZH = {0: "NUL", 9: "制表符 TAB", 0x0B: "垂直制表符 VT", 0x0C: "换页符 FF", 0x0D: "回车符 CR", 0x1B: "ESC"}
# The field types the loader casts (tables._CAST): a schema may use no other.
FIELD_TYPES = ("string", "number", "integer")


def _char(ch: str) -> dict:
    """A control character → how the Chinese (NUL (U+0000)) and the English (U+0000 (NUL)) messages name it."""
    code = f"U+{ord(ch):04X}"
    return {"char": f"{_CHAR_ZH[ord(ch)]} ({code})" if ord(ch) in _CHAR_ZH else code,
            "char_en": code + (f" ({_CHAR_NAMES[ord(ch)]})" if ord(ch) in _CHAR_NAMES else "")}


# ---------------------------------------------------------------------------------- files
def file_problems(folder: Path) -> list[Problem]:
    """Every symbolic link and every file that is not a regular file (FIFO, socket, device) in the folder."""
    problems = []
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                problems.append(Problem.of("symlink-in-package", f"{display(dirpath)}/{name}", None, None,
                                           target=os.readlink(path)))
            elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                problems.append(Problem.of("special-file-in-package", f"{display(dirpath)}/{name}", None, None))
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
        return None, [not_utf8(file, data, exc)]
    if text.startswith("\ufeff"):
        return None, [Problem.of("byte-order-mark", file, 1, None)]
    try:
        doc = Descriptor(text)
    except JSONDecodeError as exc:
        reason = next((zh for en, zh in JSON_ZH.items() if exc.msg.startswith(en)), f"：{exc.msg}")
        return None, [Problem.of("descriptor-unreadable", file, exc.lineno, None, "json", col=exc.colno, msg=exc.msg,
                                 reason=reason)]
    problems = [Problem.of("descriptor-duplicate-key", file, again, key, key=key, first=first)
                for key, first, again in doc.duplicates]
    for where, line, text in _strings(doc.data, "", None, doc):
        if m := CONTROL.search(text):
            problems.append(Problem.of("control-character", file, line, where, where="text", within="", within_en="",
                                       **_char(m.group())))
    if not isinstance(doc.data, dict):
        problems.append(Problem.of("descriptor-unreadable", file, 1, None, "not-object"))
    else:
        problems += type_problems(file, doc)
    return doc, problems


def not_utf8(file: str, data: bytes, exc: UnicodeDecodeError) -> Problem:
    """A file's bytes and the error decoding them → the problem, on the line of the first bad byte."""
    return Problem.of("not-utf8", file, data[:exc.start].count(b"\n") + 1, None, byte=f"{data[exc.start]:02x}")


def type_problems(file: str, doc: Descriptor) -> list[Problem]:
    """Every schema field whose type the site cannot read (frictionless would stop with a traceback-like error) → its line."""
    problems = []
    resources = doc.data.get("resources")
    for i, res in enumerate(resources if isinstance(resources, list) else []):
        schema = res.get("schema") if isinstance(res, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        for j, fld in enumerate(fields if isinstance(fields, list) else []):
            if isinstance(fld, dict) and fld.get("type") not in FIELD_TYPES:
                problems.append(Problem.of("field-type-unsupported", file, doc.where(fld, "type") or doc.where(fld, "name"),
                                           f"resources[{i}].schema.fields[{j}].type", resource=str(res.get("name")),
                                           name=str(fld.get("name")), type=f'"{fld["type"]}"' if "type" in fld else "（未写）",
                                           type_en=repr(fld["type"]) if "type" in fld else "(none)",
                                           allowed=", ".join(FIELD_TYPES)))
    return problems


# ---------------------------------------------------------------------------------- paths
def is_local(path) -> bool:
    """A descriptor path → whether it names a file of the package (not a URL)."""
    return isinstance(path, str) and not URL.match(path)


def _unsafe(path) -> str:
    """A local path → why it may not be published, as a case of unsafe-path ('' when it is fine)."""
    if not isinstance(path, str) or not path:
        return "none"
    if "\\" in path:
        return "backslash"
    parts = PurePosixPath(path).parts
    if path.startswith("/") or ".." in parts:
        return "outside"
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
            case = "url" if isinstance(path, str) and not is_local(path) else _unsafe(path)
            if case:
                problems.append(Problem.of("unsafe-path", file, line, f"{key}[{i}].path", case, path=str(path)))
            elif key == "sources" and not (folder / path).is_file():
                problems.append(Problem.of("source-file-missing", file, line, f"{key}[{i}].path", path=path))
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
                            controls.append(Problem.of("control-character", file, start, name, where="cell",
                                                       within=f"（单元格内第 {nth} 行）" if nth > 1 else "",
                                                       within_en=f" (line {nth} of the cell)" if nth > 1 else "",
                                                       **_char(bad.group())))
                        elif kind in CANONICAL and cell not in missing and not CANONICAL[kind].fullmatch(cell):
                            fix = plain(cell, kind)
                            numbers.append(Problem.of("number-not-canonical", file, start, name, "fix" if fix else None,
                                                      cell=cell, kind=kind, fix=fix or "",
                                                      decimals=" and '.' before decimals" if kind == "number" else ""))
                    header = record if header is None else header
        except (csv.Error, UnicodeDecodeError):
            continue  # frictionless and the encoding pass report these
    return controls, numbers


def plain(cell: str, kind: str) -> str | None:
    """A number not in plain form → the same number in plain form ("１２" → "12", "+9" → "9", "2.6e2" → "260"), or None."""
    text = unicodedata.normalize("NFKC", cell).strip()
    text = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)  # ٢٦٠ → 260
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None  # 260,70: a decimal comma or a thousands separator? the clerk knows, we do not
    if not value.is_finite() or (kind == "integer" and value != value.to_integral_value()):
        return None
    written = format(value, "f").removeprefix("-") if value == 0 else format(value, "f")
    return written if CANONICAL[kind].fullmatch(written) else None


LOOKUP = re.compile(r'lookup table "([^"]+)"')  # in frictionless's foreign-key note


def merged(controls: list[Problem], numbers: list[Problem], theirs: list[Problem], quotes: list[Problem] = (),
           descriptor: dict | None = None) -> list[Problem]:
    """Our cell problems with frictionless's: a control character replaces what frictionless says of that cell
    (a NUL is no pattern mismatch); frictionless's type error replaces our number problem; an unclosed quote
    replaces everything else said of its file, and the foreign-key errors of tables that look values up in it."""
    def at(p):
        return p.file, p.row, p.field
    broken = {p.file for p in quotes}
    names = {r.get("name") for r in (descriptor or {}).get("resources", []) if any(f.endswith("/" + str(r.get("path"))) for f in broken)}
    controls, numbers, theirs = ([p for p in found if p.file not in broken] for found in (controls, numbers, theirs))
    theirs = [p for p in theirs if not (p.code == "foreign-key" and (m := LOOKUP.search(p.message)) and m.group(1) in names)]
    ctrl = {at(p) for p in controls}
    theirs = [p for p in theirs if at(p) not in ctrl]
    taken = {at(p) for p in theirs}
    return list(quotes) + controls + [p for p in numbers if at(p) not in taken] + theirs
