"""A Report → problems in its descriptor's report block and folder name: what URLs, titles and the format are made of."""

from __future__ import annotations

import re

from juesuan.data import formats
from juesuan.data.loader import Report
from juesuan.data.problems import Problem
from juesuan.paths import display

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
META_FIELDS = {"format": str, "unit": str, "unit_id": str, "year": int, "kind": str}
OPTIONAL_FIELDS = {"department": str, "province": str, "city": str, "county": str}  # an imported draft may not know them


def check_meta(report: Report) -> list[Problem]:
    """The report block of the descriptor and the folder name: what the site's URLs and titles are made of."""
    problems = []
    file = display(report.folder / "datapackage.json")
    meta = report.descriptor.get("report")
    if not isinstance(meta, dict):
        return [Problem("meta-missing", file, None, "report", "the descriptor needs a 'report' block (unit, unit_id, year, kind, …)")]
    for key, typ in META_FIELDS.items():
        if not isinstance(meta.get(key), typ) or meta.get(key) in ("", None):
            problems.append(Problem("meta-field", file, None, f"report.{key}", f"needs a {typ.__name__} value"))
    for key, typ in OPTIONAL_FIELDS.items():
        if key in meta and (not isinstance(meta[key], typ) or meta[key] == ""):
            problems.append(Problem("meta-field", file, None, f"report.{key}", f"needs a {typ.__name__} value, or leave it out"))
    if isinstance(meta.get("unit_id"), str) and not SLUG.match(meta["unit_id"]):
        problems.append(Problem("meta-unit-id", file, None, "report.unit_id", "use lower-case letters, digits and hyphens (it is a URL segment)"))
    if not SLUG.match(report.folder.name):
        problems.append(Problem("folder-name", display(report.folder), None, None,
                                "the folder name is the report's URL: use lower-case letters, digits and hyphens"))
    if isinstance(meta.get("year"), int) and not 1990 <= meta["year"] <= 2100:
        problems.append(Problem("meta-year", file, None, "report.year", f"{meta['year']} is not a plausible report year"))
    if isinstance(meta.get("format"), str) and meta["format"] not in formats.available():
        problems.append(Problem("unknown-format", file, None, "report.format",
                                f"no format {meta['format']!r}; the formats are: {', '.join(formats.available())} "
                                "(files in formats/)"))
    return problems


