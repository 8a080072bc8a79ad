"""A format id (report.format in a descriptor) → its definition, read from formats/<id>.yaml.

A format is data: the parts and pages of a kind of report, its standard tables with their rules,
the roles its figures play (headline cards, charts, year-on-year comparison). The importer and
the site read formats; neither names a table, row, figure or section of a particular report.
"""

from __future__ import annotations

import functools

import yaml

from juesuan.paths import FORMATS


class UnknownFormat(LookupError):
    """The descriptor names a format for which there is no file in formats/."""


def available() -> list[str]:
    """The ids of every format file, sorted."""
    return sorted(p.stem for p in FORMATS.glob("*.yaml"))


@functools.cache
def load(format_id: str) -> dict:
    """Format id → its definition (parsed once per process)."""
    path = FORMATS / f"{format_id}.yaml"
    if not path.is_file():
        raise UnknownFormat(f"no format {format_id!r}; the formats are: {', '.join(available())}")
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    if not isinstance(data, dict) or data.get("id") != format_id:
        raise UnknownFormat(f"{path.name}: the file must be a mapping whose id is {format_id!r}")
    return data
