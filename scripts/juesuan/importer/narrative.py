"""Extracted Document and report format → Narrative: parts, sections and annexes with plain text, and the lines left out.

How headings look is data, the format's `headings:` (schema in formats/sichuan-2021.yaml): numbered
patterns per level, the titles by which each part role (overview, glossary, tables, …) is found, and
what each role's body is. A format without `headings:` (or None) gets GENERIC.
Noise is found first: contents (a 目录 block, dot leaders, Word TOC field codes), running headers and
footers (the same line, digits aside, at the edge of most pages), page numbers at a page's edge, a
line a PDF prints again atop the next page. In a PDF a line that fills the column runs on: `text`
joins it to the next (CJK without a space), `body_lines` keeps every physical line. Heading numbers
stay as written ("1、"); only conversion artefacts ([bookmark: …]) and surrounding spaces go.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from juesuan.data.source_text import CHINESE_DIGITS, CHINESE_UNITS, chinese_count
from .layout import join_wrapped
from .model import Document

GENERIC: dict = {  # headings of a report whose format describes none
    "artefacts": [r"\[bookmark: [^\]]*\]"],
    "figure": r"\[image: [^\]]*\]",
    "levels": {1: [r"第[一二三四五六七八九十\d]+部分"], 2: [r"[一二三四五六七八九十]+、", r"\d+、"],
               3: [r"（[一二三四五六七八九十]+）", r"（\d+）"]},
    "title_end": "。",
    "title_max": 40,
    "title_not": r"\d\s*(?:万元|元|%)|\d\.\d\d(?!\d)",  # amounts: a table row or a sentence, not a title
    "roles": {"glossary": {"titles": ["^名词解释$"], "body": "text"}},
    "generic": True,
}
TOC, HEADER, PAGE_NO, REPEAT = "table of contents", "running header or footer", "page number", "repeated at the top of the next page"
COVER, FIGURE, ARTEFACT = "before the first heading", "figure of the original", "conversion artefact only"
TABLES, FORM = "tables part: left to the table parser", "form (附件): left to the table parser"

TOC_TITLE = re.compile(r"^目\s*录$")
LEADER = re.compile(r"\s*(?:[.…·．•]{4,}|[-_]{6,})\s*(?:\d{1,4}|[IVXivx]{1,4})?\s*$")
FIELD = re.compile(r"PAGEREF\s+_Toc\w*(?:\s+\\[a-z])*|\bTOC(?:\s+\\[a-z](?:\s+\"[^\"]*\")?)+|HYPERLINK\s+\\l\s+\"?_Toc\w*\"?")
TAB_PAGE = re.compile(r"\t\s*\d{1,3}\s*$")
PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*)?(?:\d{1,4}|[IVXivx]{1,4})\s*(?:页)?\s*(?:(?:[/／]|共)\s*\d{1,4}\s*页?)?[-—–－\s]*$")
LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[．、]|\d+\s*\.(?!\d)|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、"
                       r"|第[一二三四五六七八九十\d]+[部分章节条]|[①-⑳•●▪·-])")
CLOSING = re.compile(r"^[。，、；：？！）》」』”’%,.;:?!)]")
ANNEX = r"附件\s*\d+"  # an annex heading when the format names no other
FULL = 0.92  # a PDF line at least this share of the usual full width runs on into the next one


@dataclass
class Narrative:
    """The report's sections in reading order and the lines that are not section text."""

    sections: list[dict]  # narrative.csv columns (text plain, no [[refs]]) + body_lines: list[int]
    dropped: list[tuple[int, str]]  # (line, why) of every non-blank line that is no section's heading or text
    roles: dict[str, str] = field(default_factory=dict)  # part role → id of the section found for it
    paragraphs: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # section id → (first line, text)
    notes: list[tuple[int, str]] = field(default_factory=list)  # lines that look like headings but were not taken
    offsets: dict[int, int] = field(default_factory=dict)  # heading line that holds a first paragraph → where it starts


@dataclass
class _Sec:
    id: str
    parent: str
    level: int
    number: str
    title: str
    role: str = ""
    body: str = "sections"
    head: Optional[int] = None
    inline: str = ""  # text after the title on the heading line
    body_lines: list[int] = field(default_factory=list)
    figure: bool = False


def cn_int(text: str) -> Optional[int]:
    """Digits or a Chinese numeral ("十二", "三", "一百零五") → int; None if it is neither (source_text reads the words)."""
    try:
        return int(text) if text.isdigit() else chinese_count(text)
    except ValueError:
        return None


def ordinal(number: str) -> Optional[int]:
    """A heading number as written ("第二部分", "10、", "（八）", "附件3") → its value."""
    digits = re.search(r"\d+", number)
    return int(digits.group()) if digits else cn_int("".join(c for c in number if c in CHINESE_DIGITS or c in CHINESE_UNITS))


def width(text: str) -> int:
    """Text → printed width in half-width cells (CJK and full-width forms count two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def rules_of(fmt: Optional[dict]) -> dict:
    """A format (or None) → its heading rules, GENERIC when it has none."""
    given = (fmt or {}).get("headings")
    if not given:
        return GENERIC
    return {**GENERIC, "roles": {}, "generic": False, **given,
            "levels": {int(k): v for k, v in (given.get("levels") or {}).items()}}


class _Parser:
    def __init__(self, doc: Document, fmt: Optional[dict]):
        self.doc, self.fmt, self.rules = doc, fmt or {}, rules_of(fmt)
        art = [re.compile(p) for p in self.rules.get("artefacts") or []]
        self.figure_re = re.compile(self.rules["figure"]) if self.rules.get("figure") else None
        count = len(doc.text.split("\n"))
        self.raw = {n: doc.line(n) for n in range(1, count + 1)}
        self.fig = {n for n, r in self.raw.items() if self.figure_re and self.figure_re.search(r)}
        self.text = {}
        for n, r in self.raw.items():
            for a in art + ([self.figure_re] if self.figure_re else []):
                r = a.sub("", r)
            self.text[n] = r.strip()
        self.page = {p.first_line + i: p.number for p in doc.pages for i in range(len(p.lines))}
        self.levels = self.rules.get("levels") or {}
        if self.rules.get("generic") and not any(self._numbered(t, 1) for t in self.text.values() if t):
            self.levels = {k - 1: v for k, v in self.levels.items() if k > 1}  # no parts: sections are the top
        self.roles = self.rules.get("roles") or {}
        self.why: dict[int, str] = {}
        self.notes: list[tuple[int, str]] = []

    def _numbered(self, t: str, level: int) -> Optional[tuple[str, str, str]]:
        """Clean line and level → (number, title, text after the title) if it is a numbered heading."""
        for pat in self.levels.get(level, []):
            m = re.match(rf"\s*({pat})\s*(.*)$", t)
            if not m:
                continue
            number, rest = m.group(1).strip(), m.group(2).strip()
            end = self.rules.get("title_end") or ""
            title, _, inline = rest.partition(end) if end else (rest, "", "")
            title, inline = title.strip(), inline.strip()
            amount = self.rules.get("title_not")  # a "title" stating an amount is a numbered sentence
            if title and len(title) <= int(self.rules.get("title_max", 40)) and not (amount and re.search(amount, title)):
                return number, title, inline
        return None

    def role_of(self, title: str, used=()) -> str:
        """A part's title → the first role (not yet used) whose title variants it matches, or ""."""
        for role, spec in self.roles.items():
            if role not in used and any(re.search(p, title) for p in spec.get("titles") or []):
                return role
        return ""

    def heading_like(self, t: str) -> bool:
        """Clean text → whether it reads as a heading or contents entry (short, no full stop, numbered or a role title)."""
        t = LEADER.sub("", t)
        if not t or len(t) > 60 or "。" in t:
            return False
        return bool(LIST_ITEM.match(t) or self.role_of(t) or any(self._numbered(t, lv) for lv in self.levels))

    def entry_text(self, n: int) -> str:
        """A contents line → its heading as written, without field codes, leaders and page number."""
        return re.sub(r"\s+\d{1,4}$", "", LEADER.sub("", TAB_PAGE.sub("", FIELD.sub(" ", self.text[n]))).strip())

    def toc_entry(self, n: int) -> tuple[int, str, str]:
        """A contents line → (line, number, title)."""
        t = self.entry_text(n)
        for level in sorted(self.levels):
            h = self._numbered(t, level)
            if h:
                return n, h[0], h[1]
        return n, "", t

    # ---- noise ----------------------------------------------------------------------------------
    def find_noise(self) -> None:
        lines = [n for n in self.raw if self.text[n]]
        for n in lines:
            if LEADER.search(self.text[n]) or FIELD.search(self.raw[n]) or (
                    TAB_PAGE.search(self.raw[n]) and self.heading_like(TAB_PAGE.sub("", self.text[n]))):
                self.why[n] = TOC
        self._toc_block(lines)
        pages = [[n for n in lines if self.page.get(n) == p.number] for p in self.doc.pages]
        pages = [p for p in pages if p]
        if len(pages) < 2:
            return
        shape = lambda n: re.sub(r"\d+", "#", re.sub(r"\s+", "", self.text[n]))  # noqa: E731
        edges = [sorted(set(p[:2] + p[-2:])) for p in pages]
        seen = Counter(k for e in edges for k in {shape(n) for n in e})
        need = max(3, (len(pages) + 1) // 2)
        for e in edges:
            for n in e:
                if n in self.why:
                    continue
                if PAGE_NUMBER.match(self.text[n]):
                    self.why[n] = PAGE_NO
                elif len(pages) >= 3 and seen[shape(n)] >= need:
                    self.why[n] = HEADER
        for a, b in zip(pages, pages[1:]):
            a, b = [n for n in a if n not in self.why], [n for n in b if n not in self.why]
            if a and b and self.text[a[-1]] == self.text[b[0]] and len(self.text[a[-1]]) >= 8:
                self.why[a[-1]] = REPEAT

    def _toc_block(self, lines: list[int]) -> None:
        """Lines → the contents block marked TOC: after a 目录 line, or a run of headings repeated later."""
        norm = lambda n: re.sub(r"\s+", "", self.entry_text(n))  # noqa: E731
        start = next((i for i, n in enumerate(lines) if TOC_TITLE.match(self.text[n])), None)
        if start is None:  # no title: a run of >= 3 headings before any text, whose first one comes again
            run: list[int] = []
            for i, n in enumerate(lines):
                if self.heading_like(self.text[n]):
                    run.append(n)
                    continue
                if len(run) >= 3:
                    again = [k for k, m in enumerate(run) if k and norm(m) == norm(run[0])]
                    if again or any(norm(m) == norm(run[0]) for m in lines[i:]):
                        self.why.update((m, TOC) for m in run[:again[0] if again else None])
                        return
                if "。" in self.text[n] or len(self.text[n]) > 60:
                    return
                run = []
            return
        self.why[lines[start]] = TOC
        entries: set[str] = set()
        for i in range(start + 1, len(lines)):
            n = lines[i]
            if self.why.get(n) == TOC:
                entries.add(norm(n))
                continue
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            paged = len(self.doc.pages) > 1 and self.page.get(n) != self.page.get(lines[i - 1])
            if paged or norm(n) in entries or not self.heading_like(self.text[n]) or nxt is None or not (
                    self.heading_like(self.text[nxt]) or LEADER.search(self.text[nxt])):
                return
            self.why[n] = TOC
            entries.add(norm(n))

    # ---- sections -------------------------------------------------------------------------------
    def parse(self) -> Narrative:
        self.find_noise()
        self.toc: dict[str, tuple[int, str, str]] = {}  # role → its contents entry (line, number, title)
        for n in sorted(k for k, w in self.why.items() if w == TOC):
            entry = self.toc_entry(n)
            self.toc.setdefault(self.role_of(entry[2]) or "?", entry)
        self.secs: list[_Sec] = []
        self.stack: list[_Sec] = []  # the open part, section, subsection
        self.last: dict[str, Optional[int]] = {}  # parent id → ordinal of its last numbered child
        self.reserved = {p.get("section"): r for r, p in (self.fmt.get("parts") or {}).items() if isinstance(p, dict)}
        order = [n for n in self.raw if n not in self.why and self.raw[n].strip()]
        for i, n in enumerate(order, 1):  # i: where the next line is in order (an annex reads ahead)
            t = self.text[n]
            if not t:  # only artefacts, or a figure of the original
                if n in self.fig and self.stack:
                    self.stack[-1].figure = True
                self.why[n] = FIGURE if n in self.fig else ARTEFACT
            elif self._part(n, t):
                continue
            elif not self.stack and self.rules.get("generic"):  # unknown format: text before any heading is a part
                self._open(n, "", t, "")
            elif not self.stack:
                self.why[n] = COVER
            elif self.stack[0].body == "tables":
                self.why[n] = TABLES
            elif self.stack[0].body == "annexes":
                self._annex(order, i, n)
            elif self.stack[0].body == "sections" and self._section(n, t):
                continue
            else:
                self.stack[-1].body_lines.append(n)
                self.stack[-1].figure |= n in self.fig
        return self._finish(self.secs)

    def _part(self, n: int, t: str) -> bool:
        """A clean line → whether it is a part's heading (then the part is open); a `starts` line opens one too."""
        used = {s.role for s in self.secs}
        h = self._numbered(t, 1)
        if h and self._in_sequence("", h[0], n):
            return self._open(n, h[0], h[1], self.role_of(h[1], used))
        short = len(t) <= int(self.rules.get("title_max", 40)) and "。" not in t
        role = self.role_of(t, used) if self.rules.get("unnumbered_parts") and short else ""
        if role:
            return self._open(n, self.toc.get(role, (0, ""))[1], t, role)
        for role, spec in self.roles.items():
            if role not in used and any(re.search(p, t) for p in spec.get("starts") or []):
                head, number, title = self.toc.get(role) or (n, "", t)
                return self._open(head, number, title, role) and head == n
        return False

    def _open(self, head: Optional[int], number: str, title: str, role: str) -> bool:
        """A part's heading → the part, opened, with the format's id for its role (else the next free pN)."""
        taken = {s.id for s in self.secs}
        sid = next((k for k, r in self.reserved.items() if role and r == role and k not in taken), None)
        k = sum(1 for s in self.secs if s.level == 1) + 1
        while sid is None:
            if f"p{k}" not in taken and self.reserved.get(f"p{k}", role) == role:
                sid = f"p{k}"
            k += 1
        part = _Sec(sid, "", 1, number, title, role, (self.roles.get(role) or {}).get("body", "sections"), head)
        self.secs.append(part)
        self.stack = [part]
        return True

    def _section(self, n: int, t: str) -> bool:
        """A clean line in a part of sections → whether it is a numbered section or subsection heading (then open)."""
        for level in (2, 3):
            parent = self.stack[level - 2] if len(self.stack) >= level - 1 else None
            h = self._numbered(t, level) if parent else None
            if h and self._in_sequence(parent.id, h[0], n):
                k = sum(1 for s in self.secs if s.parent == parent.id) + 1
                sec = _Sec(f"{parent.id}-s{k}" if level == 2 else f"{parent.id}-{k}", parent.id, level, h[0], h[1],
                           head=n, inline=h[2], body_lines=[n] if h[2] else [])
                self.secs.append(sec)
                self.stack = self.stack[:level - 1] + [sec]
                return True
        return False

    def _in_sequence(self, parent: str, number: str, n: int) -> bool:
        """Whether a heading number follows its previous sibling (the first under a parent is 1); records it if so."""
        value, before = ordinal(number), self.last.get(parent)
        ok = value is not None and (value == before + 1 if before is not None else value == 1)
        if ok:
            self.last[parent] = value
        else:
            self.notes.append((n, f"numbered like a heading ({number}) but out of sequence: kept as text"))
        return ok

    def _annex(self, order: list[int], i: int, n: int) -> None:
        """An annex heading line (or a line of a form) → the annex section opened (a form's lines are dropped)."""
        part = self.stack[0]
        spec = self.rules.get("annex") or {}
        pattern = spec.get("pattern") or ANNEX
        m = re.match(rf"\s*({pattern})\s*(.*)$", self.text[n])
        if not m or not self._in_sequence(part.id, m.group(1), n):
            self.why[n] = FORM
            return
        k = sum(1 for s in self.secs if s.parent == part.id) + 1
        title = m.group(2).strip()
        if not title and spec.get("title") == "next_line":
            title = next((self.text[m] for m in order[i:] if self.text[m]), "")
            label = spec.get("qualifier")
            for j in range(i, min(i + 40, len(order))):
                t = self.text[order[j]]
                if re.match(rf"\s*({pattern})", t):
                    break
                if label and t.startswith(label):
                    value = t[len(label):].strip(" \t:：") or (self.text[order[j + 1]] if j + 1 < len(order) else "")
                    title = f"{title}（{value}）" if value else title
                    break
        self.secs.append(_Sec(f"{part.id}-a{k}", part.id, 2, m.group(1).strip(), title, head=n))
        self.stack = [part, self.secs[-1]]

    def _finish(self, secs: list[_Sec]) -> Narrative:
        if not secs:  # no text outside the noise at all: one empty section, so that there is one
            self._open(None, "", "", "")
        ref = self._full_width(secs)
        charts = {c.get("place"): c.get("id") for c in self.fmt.get("charts") or [] if isinstance(c, dict)}
        out, paragraphs = [], {}
        for order, s in enumerate(secs, 1):
            paras: list[tuple[int, str]] = []
            prev = None
            for n in s.body_lines:
                piece = s.inline if n == s.head else self.text[n]
                if paras and prev is not None and self._joins(self.text[prev], piece, ref):
                    paras[-1] = (paras[-1][0], join_wrapped([paras[-1][1], piece]))
                else:
                    paras.append((n, piece))
                prev = n
            paragraphs[s.id] = paras
            lines = ([s.head] if s.head else []) + [n for n in s.body_lines if n != s.head]
            out.append({"id": s.id, "parent": s.parent, "order": order, "level": s.level, "number": s.number,
                        "title": s.title, "text": "\n".join(p for _, p in paras), "lines": " ".join(map(str, lines)),
                        "original_figure": (charts.get(s.id) or "") if s.figure else "", "body_lines": list(s.body_lines)})
        heads = {s.head for s in secs}
        roles = {s.role: s.id for s in secs if s.role}
        offsets = {s.head: self.raw[s.head].find(s.inline[:12]) for s in secs if s.inline}
        dropped = sorted(i for i in self.why.items() if i[0] not in heads)
        return Narrative(out, dropped, roles, paragraphs, self.notes, {n: k for n, k in offsets.items() if k >= 0})

    def _full_width(self, secs: list[_Sec]) -> float:
        """Sections → the width of a full line of body text (0 when lines are paragraphs: text and DOCX)."""
        if self.doc.kind != "pdf":
            return 0
        widths = sorted(width(self.text[n]) for s in secs for n in s.body_lines)
        return widths[int(0.9 * (len(widths) - 1))] if widths else 0

    def _joins(self, before: str, after: str, ref: float) -> bool:
        """Two physical lines of one section (PDF) → whether the second continues the first's paragraph."""
        if not ref or not after:
            return False
        return bool(CLOSING.match(after)) or (width(before) >= FULL * ref and not LIST_ITEM.match(after))


def parse_narrative(doc: Document, fmt: Optional[dict]) -> Narrative:
    """Document and format (None: unknown) → its sections with plain text, and the dropped lines with why."""
    found = _Parser(doc, fmt).parse()
    if fmt and fmt.get("headings") and not any(s["lines"].strip() and s["title"] for s in found.sections):
        return _Parser(doc, {**fmt, "headings": None}).parse()  # the format's headings find nothing: generic rules
    return found


from .glossary import parse_glossary  # noqa: E402  (the importer calls both from here)

__all__ = ["Narrative", "parse_narrative", "parse_glossary", "rules_of", "cn_int", "ordinal"]
