"""An extracted Document → its format id and report metadata (unit, year, kind), each with the line it was read from, or None.

Which format a report follows is decided by data: the share of a format's table titles (and its
`detect:` phrases) that the text prints. What cannot be read is left None and goes to the review
list; the command line can supply it (UNIT=, YEAR=, …). Nothing is guessed beyond what the text says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from juesuan.data import formats
from juesuan.importer.model import Document

GENERIC = "generic"  # the format of a report whose layout no format file describes
KIND = r"(?:单位|部门)(?:决算|预算)"
TITLE = re.compile(rf"^\s*(?P<unit>[^\s，。,:：]{{2,40}}?)\s*(?P<year>(?:19|20)\d{{2}})\s*年度?\s*(?P<kind>{KIND})\s*$")
YEAR_KIND = re.compile(rf"(?P<year>(?:19|20)\d{{2}})\s*年度?\s*(?P<kind>{KIND})")
# Generic places where a report names its unit: "预算单位 <name>" (performance forms), "…编制范围的…包括<name>".
UNIT_PLACES = [re.compile(r"^(?:预算|决算)?(?:主管部门|单位|编制单位)[:：]\s*(?P<unit>[^\s，。,、:：]{4,40})$"),
               re.compile(r"预算单位[\s:：]*(?P<unit>[^\s，。,、:：]{4,40})$"),
               re.compile(r"编制范围的[^。]*?包括(?P<unit>[^\s，。,、:：]{4,40}?)[。，]")]


@dataclass
class Found:
    """A value read from the text, and where (None: not found)."""

    value: object = None
    line: int | None = None
    how: str = ""


@dataclass
class Identity:
    """What the importer could read about the report as a whole."""

    format: str
    format_score: str  # e.g. "15/15 table titles"
    unit: Found = field(default_factory=Found)
    year: Found = field(default_factory=Found)
    kind: Found = field(default_factory=Found)


def _squash(text: str) -> str:
    """Text → without spaces, quotes and brackets, for matching titles as printed."""
    return re.sub(r"[\s“”\"'‘’《》（）()]", "", text)


def score(text: str, fmt: dict) -> tuple[int, int]:
    """A document's text and a format → (how many of its table titles and detect phrases the text prints, how many it has)."""
    flat = _squash(text)
    wanted = [t["title"] for t in (fmt.get("tables") or {}).values()] + list(fmt.get("detect") or [])
    return sum(1 for w in wanted if _squash(w) in flat), len(wanted)


def choose_format(doc: Document, year: int | None, forced: str | None = None) -> tuple[str, str]:
    """A document → (format id, how well it matched); the best-matching format, GENERIC when none matches half its titles."""
    if forced:
        fmt = formats.load(forced)  # UnknownFormat names the formats there are
        got, of = score(doc.text, fmt)
        return forced, f"{got}/{of}（指定）"
    best, best_key, how = GENERIC, (0.0, 0), "0/0"
    for fid in formats.available():
        if fid == GENERIC:
            continue
        fmt = formats.load(fid)
        got, of = score(doc.text, fmt)
        if not of or got * 2 < of:
            continue
        years = fmt.get("years")
        key = (got / of + (0.01 if years and year in years else 0.0), got)
        if key > best_key:
            best, best_key, how = fid, key, f"{got}/{of}"
    return best, how


def _in_joined(lines: list[str]) -> Found:
    """Lines → the unit named by a sentence that runs over several of them, with the line it starts on."""
    joined, starts = "", []
    for raw in lines:
        starts.append(len(joined))
        joined += raw.replace("\f", "").strip()
    for place in UNIT_PLACES[1:]:  # the in-sentence places (the label form is one line by nature)
        m = place.search(joined) if not place.pattern.endswith("$") else None
        if m:
            line = max(i for i, s in enumerate(starts, 1) if s <= m.start())
            return Found(m["unit"], line, "正文")
    return Found()


def identify(doc: Document, forced_format: str | None = None) -> Identity:
    """A document → its format and metadata, read from its lines."""
    unit, year, kind = Found(), Found(), Found()
    lines = doc.text.split("\n")
    for n, raw in enumerate(lines, 1):
        line = raw.lstrip("\f").strip()
        m = TITLE.match(line)
        if m and unit.value is None:
            unit = Found(m["unit"], n, "标题行")
            year = Found(int(m["year"]), n, "标题行")
            kind = Found(m["kind"], n, "标题行")
            break
    if year.value is None:
        for n, raw in enumerate(lines, 1):
            m = YEAR_KIND.search(raw)
            if m:
                year, kind = Found(int(m["year"]), n, "正文"), Found(m["kind"], n, "正文")
                break
    if unit.value is None:
        for place in UNIT_PLACES:
            for n, raw in enumerate(lines, 1):
                m = place.search(raw.lstrip("\f").strip())
                if m:
                    unit = Found(m["unit"], n, "正文")
                    break
            if unit.value is not None:
                break
    if unit.value is None:  # a sentence wrapped across lines (PDF): read the lines joined
        unit = _in_joined(lines)
    fid, how = choose_format(doc, year.value, forced_format)
    return Identity(fid, how, unit, year, kind)
