"""A package's CSV files → one located problem for each cell whose double quote never closes (the line where the quote opens).

Python's csv module and frictionless read on after a stray quote: the rest of the file becomes one
cell and what they say of the following rows (a missing cell, a type error with a page of text) is
noise. Strict parsing finds that something is wrong; the scan here finds where the quote opened.
"""

from __future__ import annotations

import csv
from pathlib import Path

from juesuan.data.problems import Problem
from juesuan.paths import display


def _quote_opened(text: str) -> tuple[int, int, int | None] | None:
    """CSV text → (line and column where a double quote opens a cell and is never properly closed, line where it
    stops: the end of the file is None), or None when every quoted cell closes."""
    line, col, i, at_start = 1, 0, 0, True
    while i < len(text):
        ch = text[i]
        if at_start and ch == '"':
            opened, i = (line, col), i + 1
            while True:
                j = text.find('"', i)
                if j == -1:
                    return (*opened, None)
                line += text.count("\n", i, j)
                if text.startswith('""', j):
                    i = j + 2
                    continue
                i = j + 1
                if text[i:i + 1] not in ("", ",", "\n", "\r"):
                    return (*opened, line)
                break
            at_start = False
            continue
        if ch == ",":
            col, at_start = col + 1, True
        elif ch == "\n":
            line, col, at_start = line + 1, 0, True
        elif ch != "\r":
            at_start = False
        i += 1
    return None


def problems(folder: Path, descriptor: dict) -> list[Problem]:
    """Every table file with a cell whose double quote never closes → one problem at the line the quote opens.

    The rest of such a file is read as one cell: what frictionless says of its rows is noise, so this
    problem stands alone for the file.
    """
    located = []
    for res in descriptor.get("resources", []):
        path = folder / res.get("path", "")
        if res.get("type") != "table" or not path.is_file():
            continue
        try:
            with path.open(encoding="utf-8", newline="") as f:
                for _ in csv.reader(f, strict=True):
                    pass
            continue
        except csv.Error:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # the encoding pass reports it
        found = _quote_opened(text)
        if found is None:
            continue
        line, col, until = found
        header = next(csv.reader(text.splitlines()[:1]), [])
        located.append(Problem.of("unclosed-quote", display(path), line, header[col] if col < len(header) else None,
                                  until="文件末尾" if until is None else f"第 {until} 行",
                                  until_en="the end of the file" if until is None else f"line {until}"))
    return located
