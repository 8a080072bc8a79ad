"""Printed table titles and header texts → normalised keys, and a printed title → the format's table alias.

Matching is exact after normalisation, never fuzzy: full-width forms, spaces, quotes and
bracket styles are made uniform; numbering ("附表1", "1.", "一、"), a year ("2026年", "2021年度"),
a stated unit ("单位：元") and continuation marks ("（续）") are taken off. A title then matches a
table when it equals the format's title or one of the layout's `titles` variants, or ends with one
of them after a prefix that ends in a year ("<unit name>2021年度收入支出决算总表"). Contents
lines (dot leaders, Word PAGEREF fields) are never titles.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

QUOTES = re.compile(r"[\s\"'“”‘’「」『』《》〈〉]")
BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "[", "】": "]", "〔": "[", "〕": "]"})
# Numbering before a title, with exactly k digits or k Chinese numerals (k = 1…3): "附表1", "附表十一 ",
# "1.", "一、", "(一)". Every length is tried, since "附表一一般公共预算…" may be 附表一 + 一般… .
NUMBERINGS = [re.compile(rf"^(?:(?:附表|附件|表)(?:\d{{{k}}}|[一二三四五六七八九十]{{{k}}})(?:-\d{{1,2}})?[、.:]?"
                         rf"|(?:\d{{{k}}}|[一二三四五六七八九十]{{{k}}})[、.:]|\((?:\d{{{k}}}|[一二三四五六七八九十]{{{k}}})\))")
              for k in (1, 2, 3)]
YEAR = re.compile(r"^(?:19|20)\d{2}年度?")
UNIT_SUFFIX = re.compile(r"\(?(?:金额)?单位[:].*$")
PUBLIC_NO = re.compile(r"公开\d+表")
CONTINUED = re.compile(r"\(续(?:表)?\)$|续表$")
TOC = re.compile(r"…{2,}|\.{4,}|·{4,}|PAGEREF|_Toc")
PAGE_NUMBER = re.compile(r"^[-—–\s第页共/0-9]*$")


def norm(text: Optional[str]) -> str:
    """Text → NFKC form without spaces and quotes, brackets unified: the key headers and titles are compared by."""
    return QUOTES.sub("", unicodedata.normalize("NFKC", text or "").translate(BRACKETS))


def title_keys(text: str) -> tuple[list[str], bool]:
    """A printed title line → (its possible keys without numbering, year, unit or continuation mark, whether it says 续).

    The key with nothing taken off the front comes first, then each way of taking numbering off.
    """
    key = PUBLIC_NO.sub("", norm(text))
    key = UNIT_SUFFIX.sub("", key)
    continued = bool(CONTINUED.search(key))
    key = CONTINUED.sub("", key)
    keys = [key] + [p.sub("", key, count=1) for p in NUMBERINGS if p.match(key)]
    out: list[str] = []
    for k in keys:
        for variant in (k, YEAR.sub("", k, count=1)):
            if variant and variant not in out:
                out.append(variant)
    return out, continued


def is_contents(line: str) -> bool:
    """A line → whether it is a table-of-contents entry (dot leaders or a Word field code)."""
    return bool(TOC.search(line))


def is_page_number(line: str) -> bool:
    """A line → whether it is only a page number ("12", "- 12 -", "第12页")."""
    return bool(PAGE_NUMBER.match(line)) and any(ch.isdigit() for ch in line)


class Titles:
    """The format's table titles and the layouts' variants → a matcher for printed title lines."""

    def __init__(self, fmt: dict):
        self.keys: dict[str, str] = {}  # normalised title → alias
        layouts = fmt.get("layouts") or {}
        for alias, spec in (fmt.get("tables") or {}).items():
            variants = [spec.get("title", "")] + list((layouts.get(alias) or {}).get("titles") or [])
            for variant in variants:
                keys, _ = title_keys(variant)
                for key in keys[:1] + [YEAR.sub("", keys[0], count=1)] if keys else []:
                    self.keys.setdefault(key, alias)  # as written, and without a year ("2026年部门…")

    def match(self, line: str) -> Optional[tuple[str, bool]]:
        """A printed line → (alias, whether it is marked as continued), or None if it is no table's title."""
        if not line or is_contents(line):
            return None
        keys, continued = title_keys(line)
        if not keys:
            return None
        for key in keys:
            if key in self.keys:
                return self.keys[key], continued
        for known in sorted(self.keys, key=len, reverse=True):
            prefix = keys[0][: len(keys[0]) - len(known)]
            if keys[0].endswith(known) and re.search(r"(?:19|20)\d{2}年度?$", prefix):
                return self.keys[known], continued
        return None

    def match_lines(self, lines: list[str]) -> Optional[tuple[str, bool, int, int]]:
        """Lines above a table, top to bottom → (alias, continued, index of the title's first line, lines it takes).

        The bottom-most line that is a title wins, unless the line above it, which is none, joined
        with it makes another title ("…“三公”经费" + "支出决算表"); a title wrapped onto two lines is also
        tried when no single line is one.
        """
        for i in range(len(lines) - 1, -1, -1):
            found = self.match(lines[i])
            if found:
                joined = self.match(lines[i - 1] + lines[i]) if i > 0 and not self.match(lines[i - 1]) else None
                if joined and joined[0] != found[0]:
                    return joined[0], joined[1], i - 1, 2
                return found[0], found[1], i, 1
        for i in range(len(lines) - 1, 0, -1):
            found = self.match(lines[i - 1] + lines[i])
            if found:
                return found[0], found[1], i - 1, 2
        return None
