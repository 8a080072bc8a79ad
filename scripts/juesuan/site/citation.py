"""A report, what is cited (the package, a table, a chart) and its URL → GB/T 7714 and BibTeX citations."""

from __future__ import annotations

import re

from juesuan.data.loader import Report


def _key(report: Report, suffix: str) -> str:
    """A BibTeX key made of ASCII only: slug plus what is cited."""
    return re.sub(r"[^A-Za-z0-9]+", "-", f"{report.slug}-{suffix}").strip("-")


def gbt7714(report: Report, title: str, url: str) -> str:
    """GB/T 7714-2015 reference for a dataset published online ([DS/OL])."""
    unit = report.meta["unit"]
    return f"{unit}. {title}[DS/OL]. 数据包版本 {report.descriptor['version']}. [引用日期]. {url}."


def bibtex(report: Report, title: str, url: str, suffix: str) -> str:
    """BibTeX @misc entry; the publisher is the author, the package version is noted."""
    return (
        f"@misc{{{_key(report, suffix)},\n"
        f"  author = {{{{{report.meta['unit']}}}}},\n"
        f"  title = {{{title}}},\n"
        f"  howpublished = {{数据包版本 {report.descriptor['version']}}},\n"
        f"  note = {{{report.meta['year']}年度{report.meta['kind']}}},\n"
        f"  url = {{{url}}}\n"
        f"}}"
    )
