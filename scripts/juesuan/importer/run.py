"""A published report file (PDF, DOCX or text) and the clerk's overrides → a draft package folder under DEST, or an ImportFailed saying why.

The steps: extract (importer/extract.py) → identify format and metadata (identify.py) → narrative,
glossary and tables (narrative.py, tables.py) → figures register and provenance (register.py) →
the 附件 performance forms (forms.py) → codes → review list → the folder, written whole or not at all (draft.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from slugify import slugify

from juesuan.data import formats
from juesuan.importer import draft, inspector
from juesuan.importer.crosscheck import crosscheck, text_checks
from juesuan.importer.names import name_findings
from juesuan.importer.narrative import parse_glossary, parse_narrative
from juesuan.importer.tables import parse_tables
from juesuan.importer.extract import extract
from juesuan.importer.forms import read_forms
from juesuan.importer.identify import identify
from juesuan.importer.model import SourceError
from juesuan.importer.register import Register, narrative_figures, table_figures
from juesuan.importer.review import Review

CODE_LEVEL = {3: "类", 5: "款", 7: "项"}
MAX_FINDINGS = 99  # finding ids are F01…F99


class ImportFailed(Exception):
    """The import cannot go on; the message says what failed and what to do (one line)."""


@dataclass
class Overrides:
    """What the clerk gives on the command line (None: read it from the report)."""

    unit: str | None = None
    year: int | None = None
    kind: str | None = None
    format: str | None = None
    slug: str | None = None


def codes_of(tables) -> tuple[list[dict], list[str]]:
    """Parsed tables → the classification codes they print, with names as printed; and the codes left out (no parent listed)."""
    found: dict[str, dict] = {}
    for t in tables:
        scheme = getattr(t, "scheme", None) or "functional"
        for row in t.rows:
            code = (row.code or "").strip()
            if code and len(code) in CODE_LEVEL and code not in found and row.name:
                found[code] = {"code": code, "scheme": scheme, "level": CODE_LEVEL[len(code)],
                               "parent": code[:-2] if len(code) > 3 else "", "name": row.name,
                               "name_source": f"附表{t.number}（导入）", "description": "", "description_lines": "", "note": ""}
    # A code whose parent is not listed cannot join the code list (its parent is a foreign key): drop it,
    # and so its children in turn (sorted by length, a parent is decided before its children).
    for code in sorted(found, key=len):
        if found[code]["parent"] and found[code]["parent"] not in found:
            del found[code]
    missing = sorted(c for t in tables for row in t.rows if (c := (row.code or "").strip()) and c not in found)
    return sorted(found.values(), key=lambda r: r["code"]), sorted(set(missing))


def run(src: Path, dest_root: Path, force: bool = False, overrides: Overrides | None = None) -> Path:
    """Import one report file → the draft package folder it wrote."""
    o = overrides or Overrides()
    try:
        doc = extract(src)
    except SourceError as exc:
        raise ImportFailed(str(exc)) from None
    ident = identify(doc, o.format)
    unit, year, kind = o.unit or ident.unit.value, o.year or ident.year.value, o.kind or ident.kind.value
    if not unit or not year or not kind:
        lacking = [w for w, v in (("单位名称 UNIT=", unit), ("年度 YEAR=", year), ("报告种类 KIND=", kind)) if not v]
        raise ImportFailed(f"{src.name}：报告中找不到{'、'.join(lacking)}，请在命令中给出 / "
                           f"{src.name}: the report does not say its {', '.join(lacking)}; give it on the command line")
    unit_id = slugify(unit, max_length=40, word_boundary=True) or "unit"
    slug = o.slug or f"{unit_id}-{year}-{slugify(kind)}"  # a unit may publish 部门/单位 预算/决算 in one year
    dest = dest_root / slug
    if dest.exists() and not force:
        raise ImportFailed(f"{dest} 已存在，未写入任何文件（FORCE=1 可替换） / {dest} already exists; nothing was written (FORCE=1 replaces it)")
    fmt = formats.load(ident.format)
    narrative = parse_narrative(doc, fmt)
    glossary = parse_glossary(doc, narrative, fmt)
    parsed = parse_tables(doc, fmt) if fmt.get("tables") else None
    tables = [t for t in (parsed.tables if parsed else []) if t.rows]  # a title with no rows read is a review item
    lines = doc.text.split("\n")
    sections = narrative.sections
    table_lines = {c.line for t in tables for r in t.rows for c in r.cells.values() if c}
    # Noise (contents, running heads, page numbers) states no figure; a form's cells do, in their section.
    dropped = {n for n, why in narrative.dropped if not why.startswith("form")}
    starts = {sid: {first for first, _ in paras} for sid, paras in narrative.paragraphs.items()}
    reg: Register = narrative_figures(lines, sections, table_lines | dropped, starts, narrative.offsets)
    parts = fmt.get("parts") or {}
    home = (parts.get("tables") or {}).get("section")
    table_section = home if home in {s["id"] for s in sections} else sections[-1]["id"]
    package_unit = fmt.get("amount_unit", "万元")
    table_figures(lines, tables, table_section, package_unit, reg)
    forms = read_forms(doc, narrative, fmt, reg.figures)  # the 附件 forms' cells point to the figures just registered
    reg.provenance += forms.provenance
    codes, codes_left_out = codes_of(tables)
    narrative_ids = {f["id"] for f in reg.figures if not f["id"].startswith(tuple(f"{t.alias}." for t in tables))}
    said = [f for f in reg.figures if f["id"] in narrative_ids]
    relations, findings = crosscheck(said, reg.figures, tables, package_unit, lines)
    body = {n for s in sections for n in s.get("body_lines") or []}
    firsts = {first for paras in narrative.paragraphs.values() for first, _ in paras}
    continued = frozenset(n for n in body if firsts and n not in firsts and n - 1 in body)
    more_relations, more_findings = text_checks(said, int(year), lines, len(findings) + 1, continued)
    relations, findings = relations + more_relations, findings + more_findings
    findings += name_findings(lines, body, codes, len(findings) + 1)
    over = findings[MAX_FINDINGS:]  # ids are F01…F99: a report with more disagreements lists the rest for review
    findings = findings[:MAX_FINDINGS]
    relations = [r for r in relations if not r["finding"] or r["finding"] in {f["id"] for f in findings}]
    review = Review.of(src, doc, ident, o, fmt, narrative, parsed, reg, codes_left_out, forms)
    if over:
        review.add(f"另有 {len(over)} 处不一致", "source/report.txt", "超过 99 条发现的部分未列为发现，请逐条核对")
    for f in findings:
        review.add(f"{f['id']} {f['title']}", f"source/report.txt 第{f['lines']}行", "数字或年份不一致，已列为待核实的发现")
    meta = {"unit": unit, "year": int(year), "kind": kind, "unit_id": unit_id, "slug": slug}
    units = {f["unit"] for f in reg.figures}
    ext = {"pdf": "pdf", "docx": "docx"}.get(doc.kind)
    source_name = f"original.{ext}" if ext else "report.txt"
    desc = draft.descriptor(meta, fmt, tables, source_name, units, len(review.items), forms.names)
    if ext:
        desc["resources"].append({"name": "original", "type": "file", "path": f"source/original.{ext}", "format": ext,
                                  "title": "原文件", "description": "单位公开的原文件，原样保存。"})
    rows = {"figures": reg.figures, "narrative": [{**s, "text": reg.texts.get(s["id"], "")} for s in sections],
            "codes": codes, "glossary": glossary, "provenance": reg.provenance, "relations": relations, "findings": findings,
            "review": review.rows(), "performance_projects": forms.projects, "performance_indicators": forms.indicators,
            **reg.tables}
    files = {"datapackage.json": (json.dumps(desc, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
             "source/report.txt": doc.text.encode("utf-8"), **draft.csv_files(desc, rows)}
    if ext:
        files[f"source/original.{ext}"] = src.read_bytes()

    def finish(folder: Path) -> dict[str, bytes]:
        """The inspector's findings on the written draft → findings.csv and the review list extended."""
        found = inspector.findings(folder, first=len(findings) + 1)[: max(MAX_FINDINGS - len(findings), 0)]
        if not found:
            return {}
        for f in found:
            review.add(f"{f['id']} {f['title']}", f"source/report.txt 第{f['lines']}行", "附表数字计算不符，已列为待核实的发现")
        fresh = draft.descriptor(meta, fmt, tables, source_name, units, len(review.items), forms.names)
        review_res = next(r for r in fresh["resources"] if r["name"] == "review")  # its description counts the items
        desc["resources"] = [review_res if r["name"] == "review" else r for r in desc["resources"]]
        out = draft.csv_files(desc, {**rows, "findings": findings + found, "review": review.rows()})
        return {"data/findings.csv": out["data/findings.csv"], "data/review.csv": out["data/review.csv"],
                "datapackage.json": (json.dumps(desc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")}

    return draft.write(dest, files, force, finish)
