"""A comparison the site publishes → Check (formula, values, Status); the one place that names the three outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from juesuan.data.loader import Report
from juesuan.paths import display


class Status(StrEnum):
    """The outcome of a check, as the verification page prints it."""

    PASS = "通过"
    FAIL = "不一致"
    UNCHECKABLE = "无法核对"  # a cell it needs is not disclosed


@dataclass
class Check:
    """One comparison, as published on the verification page."""

    id: str
    group: str  # a narrative section id or a table resource name
    title: str
    formula: str  # what is compared, in figure ids or table cells
    computed: Decimal | None
    expected: Decimal | None
    status: Status
    finding: str | None = None
    values: dict[str, Decimal] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status is Status.PASS

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

    @property
    def uncheckable(self) -> bool:
        return self.status is Status.UNCHECKABLE


def file_of(report: Report, resource: str) -> str:
    """A resource → its file as problems name it."""
    return display(report.path_of(resource))
