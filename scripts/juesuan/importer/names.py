"""Narrative lines and the codes the tables print → findings where the text names a classification code differently from the table.

The text writes items as "公共安全支出（204类）司法（06款）其他司法支出（99项）" or "社会保障和就业208（类）";
a 款 or 项 written with its own digits only continues the 类 or 款 before it. Names are compared
without the words a report may leave off ("支出"), so only a real difference (文化体育与传媒 against
文化旅游体育与传媒) is a finding marked 待核实.
"""

from __future__ import annotations

import re

LEVEL_DIGITS = {"类": 3, "款": 5, "项": 7}
NAME = r"(?P<name>[\u4e00-\u9fff“”]{2,30}?)"
BRACKETED = re.compile(NAME + r"（(?P<code>\d{2,7})(?P<level>[类款项])）")  # 司法（06款）
TRAILING = re.compile(NAME + r"(?P<code>\d{3,7})（(?P<level>[类款项])）")  # 社会保障和就业208（类）
LIST_NUMBER = re.compile(r"^\d+[、.．]")


def _plain(name: str) -> str:
    """A code's name → without the words reports leave off or add (支出, quotes)."""
    return re.sub(r"[“”\"]", "", name).removesuffix("支出")


def mentions(line: str) -> list[tuple[str, str, int]]:
    """One line of text → (full code, name as written, offset) for every item it names with a code."""
    found = sorted([(m.start(), m, "b") for m in BRACKETED.finditer(line)] + [(m.start(), m, "t") for m in TRAILING.finditer(line)],
                   key=lambda x: x[0])
    out, context = [], {}
    for start, m, _ in found:
        level, digits = m["level"], m["code"]
        want = LEVEL_DIGITS[level]
        if len(digits) == want:
            code = digits
        elif level != "类" and len(digits) == 2 and context.get(want - 2):
            code = context[want - 2] + digits
        else:
            continue
        context[want] = code
        name = LIST_NUMBER.sub("", m["name"]).strip()
        out.append((code, name, start))
    return out


def name_findings(lines: list[str], section_lines: set[int], codes: list[dict], first_finding: int) -> list[dict]:
    """Narrative lines, the code list read from the tables → one 待核实 finding per code the text names otherwise."""
    table_names = {c["code"]: c["name"] for c in codes}
    out, seen = [], set()
    for n in sorted(section_lines):
        raw = lines[n - 1]
        for code, name, _ in mentions(raw):
            printed = table_names.get(code)
            if printed is None or _plain(printed) == _plain(name) or (code, name) in seen:
                continue
            seen.add((code, name))
            out.append({"id": f"F{first_finding + len(out):02d}", "kind": "待核实", "title": f"科目{code}的名称：正文与附表不同",
                        "description": f"正文写“{name}”，附表写“{printed}”。导入程序不作更正，待人工核实。",
                        "site_shows": "两处名称均照录原文。", "lines": str(n), "quote": name, "check": ""})
    return out
