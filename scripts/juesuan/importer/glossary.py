"""Document, Narrative and report format → glossary rows (id, term, item, definition, line) of the part whose role is glossary.

An item is a paragraph of that part that matches one of the format's `glossary.items` patterns
(named groups item, term, definition): "3.基本支出：指…", "（一）财政拨款收入：是…". A paragraph
that matches none continues the item before it. Items whose term matches `glossary.skip` explain a
classification code ("卫生健康支出210（类）21011（款）…"): they belong to the codes table, not to the
terms, and are returned only by glossary_items (code=True). The id is g + the item number, two digits.
"""

from __future__ import annotations

import re
from typing import Optional

GENERIC = {
    "items": [
        r"^(?P<item>\d+)\s*[.．、]\s*(?P<term>[^：:。]{1,40}?)\s*[：:]\s*(?P<definition>.+)$",
        r"^[（(](?P<item>[一二三四五六七八九十]+|\d+)[）)]\s*(?P<term>[^：:。]{1,40}?)\s*[：:]\s*(?P<definition>.+)$",
    ],
    "skip": r"\d+\s*（[类款项]）|（\d+[类款项]）",
}


def glossary_items(doc, narrative, fmt: Optional[dict]) -> list[dict]:
    """Every item of the glossary part, in order: id, term, item, definition, line, and code (a classification-code item)."""
    from .narrative import cn_int  # narrative.py imports this module

    rules = {**GENERIC, **((fmt or {}).get("glossary") or {})}
    patterns = [re.compile(p) for p in rules["items"]]
    skip = re.compile(rules["skip"]) if rules.get("skip") else None
    section = (narrative.roles or {}).get("glossary")
    items: list[dict] = []
    for line, text in (narrative.paragraphs or {}).get(section, []) if section else []:
        m = next((m for p in patterns if (m := p.match(text))), None)
        number = cn_int(m.group("item")) if m else None
        if m is None or number is None:
            if items:
                items[-1]["definition"] += "\n" + text
            continue
        term = m.group("term").strip()
        items.append({"id": f"g{number:02d}", "term": term, "item": number,
                      "definition": m.group("definition").strip(), "line": line,
                      "code": bool(skip and skip.search(term))})
    return items


def parse_glossary(doc, narrative, fmt: Optional[dict]) -> list[dict]:
    """Document, Narrative and format → glossary.csv rows: the terms (classification-code items left out), first of each term only."""
    rows, seen = [], set()
    for item in glossary_items(doc, narrative, fmt):
        if item["code"] or item["term"] in seen or item["id"] in {r["id"] for r in rows}:
            continue
        seen.add(item["term"])
        rows.append({k: item[k] for k in ("id", "term", "item", "definition", "line")})
    return rows
