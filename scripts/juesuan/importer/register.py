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

from juesuan.data.source_text import AFTER, ARTEFACT, BEFORE, numbers_in, qualifier_of, sentence_at
from juesuan.importer.layout import join_wrapped

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
    """Section id and a running number → a figure id ('p9-s9', 4 → 'p9_s9.n04')."""
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


def _line_text(raw: str, refs: list[tuple[int, str, str]], start: int) -> str:
    """A raw line, its numbers (offset, literal, figure id) and where its text starts → the text with [[id]] references, cleaned."""
    out, at = [], start
    for offset, literal, fid in sorted(refs):
        if offset < start:
            continue  # a number in the heading part of the line: registered, but the heading is not body text
        out += [raw[at:offset], f"[[{fid}]]"]
        at = offset + len(literal)
    out.append(raw[at:])
    return ARTEFACT.sub("", "".join(out).replace("\f", "")).strip()


def section_text(lines: list[str], sec: dict, refs: dict[int, list], starts: set[int], offsets: dict[int, int]) -> str:
    """A section's body lines → its paragraphs (wrapped lines joined), one per text line, numbers as [[references]]."""
    paragraphs: list[list[str]] = []
    for n in sorted(sec.get("body_lines") or []):
        text = _line_text(lines[n - 1], refs.get(n, []), offsets.get(n, 0))
        if not text:
            continue
        if not paragraphs or not starts or n in starts:
            paragraphs.append([text])
        else:
            paragraphs[-1].append(text)
    return "\n".join(join_wrapped(p) for p in paragraphs)


def narrative_figures(lines: list[str], sections: list[dict], skip_lines: set[int],
                      paragraph_starts: dict[str, set[int]] | None = None, offsets: dict[int, int] | None = None) -> Register:
    """Text lines and sections (with body_lines; paragraph first lines; where a heading line's text starts)
    → stated figures of the narrative and each section's text with references."""
    paragraph_starts, offsets = paragraph_starts or {}, offsets or {}
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
        qualifier = qualifier_of(lines[num.line - 1], num.offset, num.literal)
        raw = lines[num.line - 1]
        sentence = cell_sentence(raw, num.offset) if "\t" in raw else num.sentence  # a Word table row: its cell
        out.figures.append(_row(fid, label_of(sentence, num.literal), num.value, num.unit, sec, num.line,
                                num.offset, num.literal, sentence, qualifier))
        # The reference stands for the number with its qualifier (≥95%, 96%以上), as the site writes it back.
        start = num.offset - (len(qualifier) if qualifier in BEFORE else 0)
        span = num.literal + (qualifier if qualifier in AFTER else "")
        by_line.setdefault(num.line, []).append((start, lines[num.line - 1][start:num.offset] + span, fid))
    for sec in sections:
        out.texts[sec["id"]] = section_text(lines, sec, by_line, paragraph_starts.get(sec["id"], set()), offsets)
    return out


def cell_sentence(raw: str, offset: int) -> str:
    """A table row's line and a number's offset in it → the sentence of the cell that prints the number (a DOCX row
    joins its cells with tabs, and no cell of a package may hold a tab)."""
    start = raw.rfind("\t", 0, offset) + 1
    end = raw.find("\t", offset)
    return sentence_at(raw[start:] if end < 0 else raw[start:end], offset - start)


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
                                            offset, cell.literal, cell_sentence(raw, offset)))
                    derived = printed / Decimal(10000)
                    out.figures.append({**_row(fid, label, derived, package_unit, section_of_tables, cell.line, offset,
                                                cell.literal, ""), "status": "derived", "line": "", "offset": "",
                                        "literal": "", "sentence": "", "formula": f"{stated} / 10000",
                                        "note": f"附表以{converted}列示，按 1万元 = 10000元 换算，不四舍五入"})
                    row[f["name"]] = str(derived)
                else:
                    out.figures.append(_row(fid, f"{label}（单位：{f.get('unit') or package_unit}）", printed, "", section_of_tables,
                                            cell.line, offset, cell.literal, cell_sentence(raw, offset)))
                out.provenance.append({"resource": table.resource, "row": str(i), "field": f["name"], "figure": fid})
            rows.append(row)
        out.tables[table.resource] = rows
