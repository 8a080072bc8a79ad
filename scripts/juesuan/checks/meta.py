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
TYPE_ZH = {str: "非空文字", int: "整数"}


def check_meta(report: Report) -> list[Problem]:
    """The report block of the descriptor and the folder name: what the site's URLs and titles are made of."""
    problems = []
    file = display(report.folder / "datapackage.json")
    meta = report.descriptor.get("report")
    if not isinstance(meta, dict):
        return [Problem.of("meta-missing", file, None, "report")]
    for key, typ in META_FIELDS.items():
        if not isinstance(meta.get(key), typ) or meta.get(key) in ("", None):
            problems.append(Problem.of("meta-field", file, None, f"report.{key}", type=typ.__name__, type_zh=TYPE_ZH[typ]))
    for key, typ in OPTIONAL_FIELDS.items():
        if key in meta and (not isinstance(meta[key], typ) or meta[key] == ""):
            problems.append(Problem.of("meta-field", file, None, f"report.{key}", "optional", type=typ.__name__, type_zh=TYPE_ZH[typ]))
    if isinstance(meta.get("unit_id"), str) and not SLUG.match(meta["unit_id"]):
        problems.append(Problem.of("meta-unit-id", file, None, "report.unit_id", value=meta["unit_id"]))
    if not SLUG.match(report.folder.name):
        problems.append(Problem.of("folder-name", display(report.folder), None, None, name=report.folder.name))
    if isinstance(meta.get("year"), int) and not 1990 <= meta["year"] <= 2100:
        problems.append(Problem.of("meta-year", file, None, "report.year", year=meta["year"]))
    if isinstance(meta.get("format"), str) and meta["format"] not in formats.available():
        problems.append(Problem.of("unknown-format", file, None, "report.format", format=meta["format"],
                                   formats=", ".join(formats.available())))
    return problems


