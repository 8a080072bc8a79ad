"""Mutations of a copy of a package: each takes the package folder and changes one thing in it.

A mutation is made by one of the functions below (``set_cell(...)``, ``reencode_gbk(...)``, …) and
applied as ``mutation(folder)``; the fault tests (validation, the build) share them.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path


def edit(folder: Path, name: str, change) -> None:
    """Rewrite data/<name> after change(records) mutates its list of records (header first)."""
    path = folder / "data" / name
    with path.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    change(records)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(records)


def set_cell(name: str, key: str, field: str, value: str):
    """Mutation: in data/<name>, the record whose first column is `key` gets `value` in `field`."""
    def change(records):
        col = records[0].index(field)
        [record] = [r for r in records[1:] if r[0] == key]
        record[col] = value
    return lambda folder: edit(folder, name, change)


def append_text(name: str, key: str, field: str, text: str):
    """Mutation: `text` is appended to the cell (after a line break in multi-paragraph text)."""
    def change(records):
        col = records[0].index(field)
        [record] = [r for r in records[1:] if r[0] == key]
        record[col] += ("\n" if field == "text" else "") + text
    return lambda folder: edit(folder, name, change)


def duplicate_record(name: str, index: int):
    """Mutation: record `index` (1 = first data row) is written twice, the copy right after it."""
    return lambda folder: edit(folder, name, lambda records: records.insert(index + 1, list(records[index])))


def drop_record(name: str, key: str):
    """Mutation: the record whose first column is `key` is removed from data/<name>."""
    def change(records):
        [record] = [r for r in records[1:] if r[0] == key]
        records.remove(record)
    return lambda folder: edit(folder, name, change)


def append_record(name: str, record: list[str]):
    return lambda folder: edit(folder, name, lambda records: records.append(record))


def extra_cell(name: str, index: int, value: str):
    return lambda folder: edit(folder, name, lambda records: records[index].append(value))


def break_reference(section: str):
    """Mutation: the first [[figure]] reference in that narrative section names no figure."""
    def change(records):
        col = records[0].index("text")
        [record] = [r for r in records[1:] if r[0] == section]
        record[col], n = re.subn(r"\[\[[^\]]+\]\]", "[[no.such_figure]]", record[col], count=1)
        assert n == 1
    return lambda folder: edit(folder, "narrative.csv", change)


def open_quote(name: str, line: int, last: bool = False):
    """Mutation: a stray double quote opens the second (or the last) cell of that file line, never closed."""
    def mutate(folder):
        path = folder / "data" / name
        lines = path.read_text(encoding="utf-8").split("\n")
        at = lines[line - 1].rfind(",") + 1 if last else lines[line - 1].find(",") + 1
        lines[line - 1] = lines[line - 1][:at] + '"' + lines[line - 1][at:]
        path.write_text("\n".join(lines), encoding="utf-8")
    return mutate


def reencode_gbk(name: str):
    """Mutation: data/<name> is saved in GBK instead of UTF-8."""
    def mutate(folder):
        path = folder / "data" / name
        path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    return mutate


def delete(name: str):
    """Mutation: data/<name> is removed."""
    return lambda folder: (folder / "data" / name).unlink()
