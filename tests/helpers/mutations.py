"""Mutations of a copy of a package: each takes the package folder and changes one thing in it.

A mutation is made by one of the functions below (``set_cell(...)``, ``reencode_gbk(...)``, …) and
applied as ``mutation(folder)``; the fault tests (validation, the build) share them.
"""

from __future__ import annotations

import csv
import json
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


def set_field_type(name: str, field: str, kind: str):
    """Mutation of the descriptor: the schema of the resource in data/<name> gives `field` the type `kind`."""
    def change(descriptor):
        [res] = [r for r in descriptor["resources"] if r.get("path") == f"data/{name}"]
        [fld] = [f for f in res["schema"]["fields"] if f["name"] == field]
        fld["type"] = kind
    return lambda folder: _descriptor(folder, change)


def _descriptor(folder: Path, change) -> None:
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")


def drop_resource(name: str):
    """Mutation of the descriptor: the resource called `name` is no longer listed (its file stays)."""
    return lambda folder: _descriptor(folder, lambda d: d.update(resources=[r for r in d["resources"] if r["name"] != name]))


def drop_key(key: str):
    """Mutation of the descriptor: its top-level `key` (e.g. the report block) is removed."""
    return lambda folder: _descriptor(folder, lambda d: d.pop(key))


def symlink(name: str, target: str):
    """Mutation: data/<name> is a symbolic link to `target`."""
    return lambda folder: (folder / "data" / name).symlink_to(target)


# Every kind of mutation above, once or more: name → (function, arguments). The message tests run validation
# and a build over all of them (tests/test_trust_messages.py); a new mutation function joins this list.
CORPUS = {
    "cell-not-a-number": ("set_cell", ("t09_gpb_project_expenditure.csv", "2", "amount", "abc")),
    "cell-full-width-number": ("set_cell", ("t01_income_expenditure_summary.csv", "9", "amount", "２６０.７０")),
    "cell-nul": ("set_cell", ("codes.csv", "20801", "name", "人力\x00资源")),
    "renamed-standard-row": ("set_cell", ("t01_income_expenditure_summary.csv", "4", "item", "上级补助收入款")),
    "text-with-escape": ("append_text", ("narrative.csv", "p2-s8", "text", "第二段\x1b[31m")),
    "duplicate-code": ("duplicate_record", ("codes.csv", 4)),
    "figure-dropped": ("drop_record", ("figures.csv", "fiscal.total_2020")),
    "relation-added-fails": ("append_record", ("relations.csv", ["extra-fail", "p2-s2", "测试", "income.gpb",
                                                                 "income.total + 1", "exact", ""])),
    "extra-cell": ("extra_cell", ("t09_gpb_project_expenditure.csv", 2, "9.99")),
    "broken-reference": ("break_reference", ("p1-s2-1",)),
    "open-quote": ("open_quote", ("t09_gpb_project_expenditure.csv", 3)),
    "open-quote-last-cell": ("open_quote", ("glossary.csv", 3, True)),
    "gbk": ("reencode_gbk", ("narrative.csv",)),
    "file-deleted": ("delete", ("t05_fiscal_expenditure_by_economic.csv",)),
    "field-type-money": ("set_field_type", ("t09_gpb_project_expenditure.csv", "amount", "money")),
    "symlink-out": ("symlink", ("passwd.csv", "/etc/passwd")),
    "resource-unlisted": ("drop_resource", ("provenance",)),
    "glossary-unlisted": ("drop_resource", ("glossary",)),
    "resource-referenced-unlisted": ("drop_resource", ("performance_projects",)),
    "no-report-block": ("drop_key", ("report",)),
}


def corpus_mutation(name: str):
    """A name of CORPUS → its mutation."""
    function, args = CORPUS[name]
    return globals()[function](*args)
