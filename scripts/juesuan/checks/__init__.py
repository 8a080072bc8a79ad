"""A loaded Report → every consistency check (formula, values, Status) and the problems that block publishing.

Three kinds of check, all with exact Decimal arithmetic:
- honesty (checks/honesty.py): the register against the source text, cells against figures, codes, findings;
- relations (checks/relations.py): every arithmetic relation the report states or implies; a
  relation that fails must be recorded as a finding, and a recorded finding must still be reproduced;
- tables (checks/tables.py): the rules of the report's format, from its format file;
- site needs (checks/site_needs.py): what the format's charts and the package's headline cards need.
A violation inside the tables is an error; a contradiction inside the source is a finding.
"""

from __future__ import annotations

from juesuan.checks.honesty import check_cells, check_codes, check_figures, check_findings, check_headings, check_references
from juesuan.checks.meta import check_meta
from juesuan.checks.model import Check, Status
from juesuan.checks.relations import check_relations
from juesuan.checks.site_needs import check_site_needs
from juesuan.checks.tables import check_tables
from juesuan.data.loader import Report, per_report
from juesuan.data.problems import Problem

__all__ = ["Check", "Status", "run"]


@per_report
def run(report: Report) -> tuple[list[Check], list[Problem]]:
    """A Report → (all checks, all problems that block publishing); computed once per loaded report."""
    problems = []
    for step in (check_meta, check_figures, check_references, check_cells, check_codes, check_findings, check_headings, check_site_needs):
        problems.extend(step(report))
    rel_checks, rel_problems = check_relations(report)
    table_checks, table_problems = check_tables(report)
    return rel_checks + table_checks, problems + rel_problems + table_problems
