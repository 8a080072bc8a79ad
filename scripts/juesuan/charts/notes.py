"""A report's descriptor `site.notes` → its context notes: which figures each is about, the notes of a list of figures, and the problems.

A note says what a figure is not, where a reader would assume it (e.g. money paid from a fund
the unit manages, next to the unit's own budget). Its words are data: the package writes them
(`text`, with [[figure.id]] references for any number), and pages render them escaped, beside the
headline cards and under every chart that shows one of its figures.

    "site": {"notes": [{"figures": ["<figure id>", …], "text": "…不是本单位的预算支出；本单位本年支出合计[[<figure id>]]。"}]}
"""

from __future__ import annotations

from juesuan.charts.declared import descriptor_file
from juesuan.data.loader import REF, Report
from juesuan.data.problems import Problem

CODE = "note-invalid"


def _entries(report: Report) -> list:
    raw = report.site.get("notes")
    return raw if isinstance(raw, list) else []


def problems(report: Report) -> list[Problem]:
    """One problem per malformed note or figure it names that the register lacks."""
    raw, file, found = report.site.get("notes"), descriptor_file(report), []
    if raw is None:
        return []
    if not isinstance(raw, list):
        return [Problem(CODE, file, None, "site.notes", "site.notes must be a list of {figures, text}")]
    for i, note in enumerate(raw, 1):
        where = f"site.notes[{i}]"
        if not (isinstance(note, dict) and set(note) == {"figures", "text"} and isinstance(note["text"], str) and note["text"].strip()
                and isinstance(note["figures"], list) and note["figures"] and all(isinstance(f, str) for f in note["figures"])):
            found.append(Problem(CODE, file, None, where, "a note must be {\"figures\": [figure ids], \"text\": \"…\"} with a non-empty text"))
            continue
        for fid in list(note["figures"]) + REF.findall(note["text"]):
            if fid not in report.figures:
                found.append(Problem(CODE, file, None, where, f"note names figure {fid!r}, which is not in the figures register"))
    return found


def for_figures(report: Report, fids) -> list[str]:
    """Figure ids → the texts of the notes about any of them, in the descriptor's order (each once)."""
    wanted = set(fids)
    return [n["text"] for n in _entries(report) if isinstance(n, dict) and wanted & set(n.get("figures") or [])]
