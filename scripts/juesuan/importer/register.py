"""Document lines, narrative sections and parsed tables → the figures register, the narrative text with [[references]] and the provenance of table cells.

Every number the narrative states becomes a stated figure (line, offset, literal, sentence) of its
section; every printed table cell becomes a stated figure on its row's line. A cell printed in 元
for a package in 万元 is kept as stated in 元, and the table holds a derived figure: the stated one
divided by 10000, exactly (Decimal), with its formula recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from juesuan.data.source_text import ARTEFACT, numbers_in, sentence_at

LABEL_CUT = re.compile(r"[，,；;：:。（）()、\s]")
MAX_LABEL = 24


@dataclass
class Register:
    """What the register step makes: figure rows, section texts with references, provenance rows."""

    figures: list[dict] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # section id → text with [[id]] references
    provenance: list[dict] = field(default_factory=list)
    tables: dict[str, list[dict]] = field(default_factory=dict)  # resource → rows as written to its CSV


def _fid(section: str, k: int) -> str:
    """Section id and a running number → a figure id ('p2-s3', 4 → 'p2_s3.n04')."""
    return f"{section.replace('-', '_')}.n{k:02d}"


def label_of(sentence: str, literal: str) -> str:
    """A sentence and a number in it → a short label: the words just before the number (a draft, to be confirmed)."""
    before = sentence[: max(sentence.find(literal), 0)]
    parts = [p for p in LABEL_CUT.split(ARTEFACT.sub("", before)) if p.strip()]
    words = (parts[-1] if parts else "").strip()[-MAX_LABEL:]
    return words or "数字"


def _row(fid: str, label: str, value: Decimal, unit: str, section: str, line: int, offset: int,
         literal: str, sentence: str, qualifier: str = "") -> dict:
    # A page's first line starts with a form feed: not part of any sentence (and no control character in a cell).
    return {"id": fid, "label": label, "value": str(value), "unit": unit, "qualifier": qualifier, "status": "stated",
            "section": section, "line": line, "offset": offset, "literal": literal, "sentence": sentence.lstrip("\f"),
            "formula": "", "note": "导入草稿：含义由程序从句子截取，待核实"}


def narrative_figures(lines: list[str], sections: list[dict], skip_lines: set[int]) -> Register:
    """Text lines and sections (with body_lines) → stated figures of the narrative and each section's text with references."""
    out = Register()
    # A section owns the lines from its heading to the next section's heading (dropped lines excluded).
    starts = sorted((min(int(x) for x in str(sec["lines"]).split()), sec["id"]) for sec in sections)
    owner: dict[int, str] = {}
    for (start, sid), nxt in zip(starts, [s for s, _ in starts[1:]] + [len(lines) + 1]):
        for n in range(start, nxt):
            owner[n] = sid
    wanted = set(owner) - skip_lines
    counter: dict[str, int] = {}
    by_line: dict[int, list[tuple[int, str, str]]] = {}  # line → (offset, literal, figure id)
    for num in numbers_in(lines, only=wanted):
        sec = owner[num.line]
        counter[sec] = counter.get(sec, 0) + 1
        fid = _fid(sec, counter[sec])
        qualifier = "余" if "余" in num.literal else ""
        out.figures.append(_row(fid, label_of(num.sentence, num.literal), num.value, num.unit, sec, num.line,
                                num.offset, num.literal, num.sentence, qualifier))
        by_line.setdefault(num.line, []).append((num.offset, num.literal, fid))
    for sec in sections:
        paragraphs = []
        for n in sec.get("body_lines") or []:
            raw = lines[n - 1]
            for offset, literal, fid in sorted(by_line.get(n, []), reverse=True):
                raw = raw[:offset] + f"[[{fid}]]" + raw[offset + len(literal):]
            text = ARTEFACT.sub("", raw.replace("\f", "")).strip()
            if text:
                paragraphs.append(text)
        out.texts[sec["id"]] = "\n".join(paragraphs)
    return out


def table_figures(lines: list[str], parsed, section_of_tables: str, package_unit: str, out: Register) -> None:
    """Parsed tables → a stated figure per printed cell, derived 万元 figures where converted, table rows and provenance."""
    for table in parsed:
        rows = []
        converted = getattr(table, "converted_from", None)
        for i, prow in enumerate(table.rows, 1):
            row = {"row": str(i)}
            for f in table.fields:
                value = prow.values.get(f["name"])
                row[f["name"]] = "" if value is None else str(value)
                cell = prow.cells.get(f["name"])
                if cell is None or value is None or f["type"] != "number":
                    continue
                fid = f"{table.alias}.r{i}_{f['name']}"
                raw = lines[cell.line - 1]
                # Offsets count in the raw line, whose page-opening form feed is a character too.
                offset = raw.find(cell.literal, cell.offset)
                if offset < 0:
                    raise ValueError(f"line {cell.line} does not print {cell.literal!r} at or after offset {cell.offset}")
                label = f"{table.title}：{prow.name or prow.code or i} {f.get('title', f['name'])}"
                printed = Decimal(cell.literal.replace(",", ""))
                if converted:
                    stated = fid + "_yuan"
                    # The unit is printed in the table's header, not next to the number: kept in the label.
                    out.figures.append(_row(stated, f"{label}（单位：{converted}）", printed, "", section_of_tables, cell.line,
                                            offset, cell.literal, sentence_at(raw, offset)))
                    derived = printed / Decimal(10000)
                    out.figures.append({**_row(fid, label, derived, package_unit, section_of_tables, cell.line, offset,
                                                cell.literal, ""), "status": "derived", "line": "", "offset": "",
                                        "literal": "", "sentence": "", "formula": f"{stated} / 10000",
                                        "note": f"附表以{converted}列示，按 1万元 = 10000元 换算，不四舍五入"})
                    row[f["name"]] = str(derived)
                else:
                    out.figures.append(_row(fid, f"{label}（单位：{f.get('unit') or package_unit}）", printed, "", section_of_tables,
                                            cell.line, offset, cell.literal, sentence_at(raw, offset)))
                out.provenance.append({"resource": table.resource, "row": str(i), "field": f["name"], "figure": fid})
            rows.append(row)
        out.tables[table.resource] = rows
