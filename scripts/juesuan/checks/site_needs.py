"""A Report → problems where its format or its own descriptor asks the site for something the package lacks (charts, headline cards).

Reported by `make validate`, so that a build never stops on a missing figure.
"""

from __future__ import annotations

from juesuan import charts
from juesuan.data import formats
from juesuan.data.loader import Report
from juesuan.data.problems import Problem
from juesuan.paths import display


def check_site_needs(report: Report) -> list[Problem]:
    """Charts whose needs are partly missing; headline figures the package names but lacks."""
    if report.meta.get("format") not in formats.available():
        return []  # reported by check_meta
    problems = list(charts.problems(report))
    file = display(report.folder / "datapackage.json")
    for fid in report.site.get("headline") or []:
        if fid not in report.figures:
            problems.append(Problem.of("headline-needs-missing", file, None, "site.headline", fid=str(fid)))
    return problems
