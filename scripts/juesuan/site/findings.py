"""A report's findings and checks → the one-screen summary of 数据核验: a row per finding, and the counts that tell findings from disagreements."""

from __future__ import annotations

from dataclasses import dataclass, field

from juesuan.checks import Check
from juesuan.data.loader import Report
from juesuan.site import views


@dataclass
class Row:
    """One finding as the summary table shows it."""

    finding: dict  # the findings row: id, kind, title, lines …
    failed: list[Check]  # the checks that disagree and are recorded under it
    sections: list[str] = field(default_factory=list)  # the narrative sections those checks belong to

    @property
    def lines(self) -> str:
        """The source lines it quotes, as 第6、76行 writes them ("" when it quotes none)."""
        return "、".join((self.finding.get("lines") or "").split())


@dataclass
class Counts:
    """Why the number of disagreeing checks and the number of findings differ (all counted from the package)."""

    failed: int  # checks that disagree with the report
    findings: int  # findings listed
    with_failed: int  # findings under which at least one disagreeing check is recorded
    without_failed: int  # findings that record no disagreeing check (a gap, an inference, a repetition …)
    kinds_without: list[str]  # the types of the latter, in order of first appearance
    most: Row | None  # the finding with the most disagreeing checks, when one has more than one


def rows(report: Report, results: list[Check]) -> list[Row]:
    """Every finding, in the package's order, with its disagreeing checks and the sections they belong to."""
    out = []
    for f in report.rows["findings"]:
        failed = [c for c in results if c.finding == f["id"] and c.failed]
        sections = []
        for c in failed:
            if c.group in report.sections and c.group not in sections:
                sections.append(c.group)
        out.append(Row(f, failed, sections))
    return out


def section_link(report: Report, specs: list, sid: str) -> str | None:
    """A section id → the site-relative URL of the page that shows it (a performance form's page for its
    section), or None when no page does."""
    try:
        return views.section_url(report, specs, sid)
    except KeyError:
        return next((s.url for s in specs if s.kind == "performance" and views.form_section(report, s.key) == sid), None)


def counts(report: Report, results: list[Check]) -> Counts:
    """The counts behind the sentence that explains "N 项不一致" beside "M 条发现"."""
    found = rows(report, results)
    without = [r for r in found if not r.failed]
    kinds: list[str] = []
    for r in without:
        if r.finding["kind"] not in kinds:
            kinds.append(r.finding["kind"])
    most = max(found, key=lambda r: len(r.failed), default=None)
    return Counts(failed=sum(1 for c in results if c.failed), findings=len(found),
                  with_failed=len(found) - len(without), without_failed=len(without), kinds_without=kinds,
                  most=most if most and len(most.failed) > 1 else None)
