"""Reports → the jieba user dictionary: budget vocabulary plus the short names and terms of every package.

Only words of at most eight characters are added: a long title kept whole by jieba would stop a
search for one of its parts from finding it.
"""

from __future__ import annotations

from juesuan.data.loader import Report
from juesuan.paths import SEARCH_TERMS as BASE

MAX_LEN = 8


def words(report: Report) -> set[str]:
    """One report → its glossary terms, code names and project-free short names."""
    found = {g["term"].strip("“”\"") for g in report.rows["glossary"]}
    found |= {c["name"] for c in report.rows["codes"]}
    found |= {row["level3"] for row in report.rows["performance_indicators"]}
    return {w for w in found if 2 <= len(w) <= MAX_LEN}


def user_dictionary(reports: list[Report]) -> str:
    """Reports → the text of a jieba user dictionary (one word per line, with a high frequency)."""
    base = [w.strip() for w in BASE.read_text(encoding="utf-8").splitlines() if w.strip() and not w.startswith("#")]
    every = set(base)
    for report in reports:
        every |= words(report)
    return "".join(f"{w} 100000\n" for w in sorted(every))
