"""Narrative figures and table figures → relations "the amount the text gives for an item equals its table cell", and 待核实 findings where they differ.

An inspector reads "其他司法支出（99项）3845.49万元" and looks the item up in the table. Here the
item is the table row whose name ends the words before the amount (in any table that prints a row
of that name: the 收入 and 支出 tables name the same 科目); the comparison is a relation
of relations.csv (rounding: as published), so it is recomputed by every `make validate` and shown
on the verification page, whether it holds or not.
"""

from __future__ import annotations

import re
from decimal import Decimal

from juesuan.data.formula import decimals, round_as

GENERIC_NAMES = {"合计", "总计", "小计", "其中"}
LINK = r"(?:（[^（）]{0,12}）)*[为是：:共计合达]{0,3}$"  # "（99项）", "为", "：" between an item's name and its amount


def quoted(line: str) -> str:
    """A source line → as a finding quotes it: without a page's form feed; a DOCX table row's cells (joined by tabs,
    which no cell of a package may hold) as parts separated by " ｜ ", each word for word."""
    return " ｜ ".join(p.strip() for p in line.replace("\f", "").split("\t") if p.strip())


def _rows_by_name(parsed_tables, figures: dict[str, dict]) -> list[tuple[str, list[str], str]]:
    """Parsed tables → (row name, its amount figure ids in 万元 or as printed, table title), longest names first."""
    out = []
    for t in parsed_tables:
        for i, row in enumerate(t.rows, 1):
            name = (row.name or "").strip()
            if len(name) < 3 or name in GENERIC_NAMES:
                continue
            ids = [f"{t.alias}.r{i}_{f['name']}" for f in t.fields if f["type"] == "number"]
            ids = [fid for fid in ids if fid in figures]
            if ids:
                out.append((name, ids, t.title))
    return sorted(out, key=lambda r: -len(r[0]))


def crosscheck(narrative_figures: list[dict], all_figures: list[dict], parsed_tables, package_unit: str,
               source: list[str], first_finding: int = 1) -> tuple[list[dict], list[dict]]:
    """→ (relations, findings): one relation per narrative amount whose item is a table row; a finding where it differs."""
    figures = {f["id"]: f for f in all_figures}
    rows = _rows_by_name(parsed_tables, figures)
    relations, findings = [], []
    for fig in narrative_figures:
        if fig["unit"] != package_unit or fig["status"] != "stated":
            continue
        before = fig["sentence"][: max(fig["sentence"].find(fig["literal"]), 0)]
        matches = [(name, ids, title) for name, ids, title in rows if re.search(re.escape(name) + LINK, before)]
        if not matches:
            continue
        name = matches[0][0]  # the longest name; every table that prints a row of that name (收入/支出 tables share many)
        same = [(ids, title) for n, ids, title in matches if n == name]
        stated = Decimal(fig["value"])
        agreeing = [(fid, title) for ids, title in same for fid in ids if round_as(Decimal(figures[fid]["value"]), stated) == stated]
        left, title = agreeing[0] if agreeing else (same[0][0][0], same[0][1])
        rid = f"text-table-{fig['id'].replace('.', '-').replace('_', '-')}"
        rel = {"id": rid, "section": fig["section"], "title": f"正文所写“{name}”的金额等于{title}中的数",
               "left": left, "right": fig["id"], "rounding": "published", "finding": ""}
        if not agreeing:
            fid = f"F{first_finding + len(findings):02d}"
            table_fig = figures[left]
            stated_fig = figures[table_fig["formula"].split(" ")[0]] if table_fig["status"] == "derived" else table_fig
            lines = sorted({int(fig["line"]), int(stated_fig["line"])})
            rel["finding"] = fid
            findings.append({"id": fid, "kind": "待核实", "title": f"“{name}”：正文与{title}不一致",
                             "description": f"正文写{fig['literal']}，{title}中该行为{table_fig['value']}{package_unit}"
                                            f"（按正文的小数位为{round_as(Decimal(table_fig['value']), stated)}）。导入程序不作更正，待人工核实。",
                             "site_shows": "两处数字均照录原文。", "lines": " ".join(map(str, lines)),
                             "quote": " ｜ ".join(quoted(source[n - 1]) for n in lines), "check": ""})
        relations.append(rel)
    return relations, findings


UP, DOWN = ("增加", "增长", "上升"), ("减少", "下降", "降低")
COMPARED_YEAR = re.compile(r"比(?P<year>(?:19|20)\d{2})年")


def _half(value: str) -> Decimal:
    """A number as written → half a unit of its last decimal (the rounding it may carry)."""
    return Decimal(1).scaleb(-decimals(Decimal(value))) / 2


def _possible(old: dict, new: dict, pct: dict, up: bool) -> bool:
    """Whether amounts within the rounding of the two written ones give the written percent (direction included)."""
    a, b, p = Decimal(old["value"]), Decimal(new["value"]), Decimal(pct["value"])
    ha, hb, hp = _half(old["value"]), _half(new["value"]), _half(pct["value"])
    if a - ha <= 0:
        return False
    lo, hi = (b - hb - (a + ha)) / (a + ha) * 100, (b + hb - (a - ha)) / (a - ha) * 100
    if not up:
        lo, hi = -hi, -lo
    return lo <= p + hp and p - hp <= hi


def _share(pct: dict, amounts: list[dict], source: list[str], number: int) -> tuple[dict | None, dict | None]:
    """"…合计A万元，其中：X万元，占P%" → the relation P = X / A × 100 (as published), and a finding when no
    amounts within the rounding of A and X give P."""
    line = source[int(pct["line"]) - 1]
    if "占" not in line[max(int(pct["offset"]) - 12, 0): int(pct["offset"])]:
        return None, None
    before = [a for a in amounts if int(a["offset"]) < int(pct["offset"])]
    if len(before) < 2 or before[-1] is before[0]:
        return None, None
    total, part = before[0], before[-1]
    a, b, stated = Decimal(total["value"]), Decimal(part["value"]), Decimal(pct["value"])
    if a == 0:
        return None, None
    exact = round_as(b / a * 100, stated) == stated
    ha, hb, hp = _half(total["value"]), _half(part["value"]), _half(pct["value"])
    lo, hi = max(b - hb, Decimal(0)) / (a + ha) * 100, (b + hb) / (a - ha) * 100 if a > ha else None
    if not exact and (hi is None or (lo <= stated + hp and stated - hp <= hi)):
        return None, None  # the published amounts are rounded: some true amounts give the stated share
    rel = {"id": f"share-{pct['id'].replace('.', '-').replace('_', '-')}", "section": pct["section"],
           "title": "正文所写的占比等于部分除以合计", "left": f"{part['id']} / {total['id']} * 100", "right": pct["id"],
           "rounding": "published", "finding": ""}
    if exact:
        return rel, None
    fid = f"F{number:02d}"
    rel["finding"] = fid
    return rel, {"id": fid, "kind": "待核实", "title": "占比与所写金额不符",
                 "description": f"{part['literal']}占{total['literal']}的{round_as(b / a * 100, stated)}%，正文写{pct['literal']}。"
                                "导入程序不作更正，待人工核实。",
                 "site_shows": "照录原文。", "lines": str(pct["line"]), "quote": pct["sentence"].replace("\f", "").strip(), "check": ""}


def text_checks(narrative_figures: list[dict], year: int, source: list[str], first_finding: int,
                continued: frozenset[int] = frozenset()) -> tuple[list[dict], list[dict]]:
    """→ (relations, findings) an inspector draws from the text alone: a percent change against the two amounts
    its sentence gives, a share against its part and total, and a comparison with the report's own year or a later one.
    `continued`: lines that carry on the paragraph of the line before (a wrapped PDF line)."""
    relations, findings = [], []
    by_sentence: dict[tuple, list[dict]] = {}
    for f in narrative_figures:
        by_sentence.setdefault((f["line"], f["sentence"]), []).append(f)
    for (line, sentence), figs in by_sentence.items():
        figs = sorted(figs, key=lambda f: int(f["offset"]))
        amounts = [f for f in figs if f["unit"] == "万元"]
        for pct in (f for f in figs if f["unit"] == "%"):
            word = source[int(line) - 1][max(int(pct["offset"]) - 4, 0): int(pct["offset"])]
            up, down = any(w in word for w in UP), any(w in word for w in DOWN)
            before = [a for a in amounts if int(a["offset"]) < int(pct["offset"])]
            if (up == down) or len(before) != 2:
                continue
            old, new = before
            between = source[int(line) - 1][int(old["offset"]) + len(old["literal"]): int(new["offset"])]
            if "比" in between:  # "A万元，比2022年度的B万元增加P%": B is the earlier amount
                if between.rstrip().endswith(UP + DOWN):
                    continue  # "A万元，比上年增加C万元，增长P%": C is the change, not an amount of a year
                old, new = new, old
            formula = f"({new['id']} - {old['id']}) / {old['id']} * 100" if up else f"({old['id']} - {new['id']}) / {old['id']} * 100"
            rel = {"id": f"change-{pct['id'].replace('.', '-').replace('_', '-')}", "section": pct["section"],
                   "title": f"正文所写的{'增加' if up else '减少'}百分比等于两个金额之差除以前者", "left": formula,
                   "right": pct["id"], "rounding": "published", "finding": ""}
            a, b, stated = Decimal(old["value"]), Decimal(new["value"]), Decimal(pct["value"])
            if a == 0:
                continue
            change = (b - a) / a * 100
            if round_as(change if up else -change, stated) != stated and _possible(old, new, pct, up):
                continue  # the published amounts are rounded: some true amounts give the stated percent; not a relation
            if round_as(change if up else -change, stated) != stated:
                fid = f"F{first_finding + len(findings):02d}"
                rel["finding"] = fid
                moved = "增加" if change > 0 else "减少"
                findings.append({"id": fid, "kind": "待核实", "title": "变动百分比与所写金额不符",
                                 "description": f"由{old['literal']}到{new['literal']}是{moved}{round_as(abs(change), stated)}%，"
                                                f"正文写{word.strip()[-2:]}{pct['literal']}。导入程序不作更正，待人工核实。",
                                 "site_shows": "照录原文。", "lines": str(line),
                                 "quote": sentence.replace("\f", "").strip(), "check": ""})
            relations.append(rel)
        # A sentence carried over from the line before has amounts there: its first amount here is no total.
        whole = int(line) not in continued or source[int(line) - 1].lstrip("\f").find(sentence.lstrip("\f")) > 0
        for pct in (f for f in figs if f["unit"] == "%" and whole):
            rel, finding = _share(pct, amounts, source, first_finding + len(findings))
            if rel:
                relations.append(rel)
            if finding:
                findings.append(finding)
        for m in COMPARED_YEAR.finditer(sentence):
            if int(m["year"]) >= year:
                fid = f"F{first_finding + len(findings):02d}"
                findings.append({"id": fid, "kind": "待核实", "title": f"与{m['year']}年比较",
                                 "description": f"{year}年度的报告与{m['year']}年相比，比较的年份可能有误。导入程序不作更正，待人工核实。",
                                 "site_shows": "照录原文。", "lines": str(line), "quote": sentence.replace("\f", "").strip(),
                                 "check": ""})
                break
    return relations, findings
