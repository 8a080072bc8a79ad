"""A converted page's HTML between MkDocs' two passes → held in a temporary file, not in memory, until its template is rendered.

MkDocs converts every page before it writes any, and keeps each page's HTML until the build ends; with
hundreds of reports that was most of a cold build's memory (issue 12: 300 reports in ≤ 2 GB). The hook
(hooks/reports.py) hands the HTML here when a page is converted (on_page_content: page.content is then
empty) and takes it back just before the page's template is rendered (on_page_context), so only the page
being written is in memory. Nothing between the two passes reads a page's content: the nav, the sitemap
and the anchor checks use titles, URLs and the anchors MkDocs kept.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

_state: dict = {}  # "folder": the build's temporary folder; "paths": page source → its file


def put(page, html: str) -> str:
    """A page's converted HTML → written aside; → what page.content holds meanwhile ('')."""
    if not html:
        return html
    if "folder" not in _state:
        _state["folder"] = Path(tempfile.mkdtemp(prefix="juesuan-pages-"))
        _state["paths"] = {}
    path = _state["folder"] / f"{len(_state['paths'])}.html"
    path.write_text(html, encoding="utf-8")
    _state["paths"][page.file.src_uri] = path
    return ""


def get(page) -> None:
    """Before a page's template is rendered: its HTML back into page.content (a page not put aside is left as it is)."""
    path = _state.get("paths", {}).pop(page.file.src_uri, None)
    if path is not None:
        page.content = path.read_text(encoding="utf-8")
        path.unlink()


def finish() -> None:
    """The build ended (or failed): the temporary folder goes."""
    folder = _state.pop("folder", None)
    _state.pop("paths", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
