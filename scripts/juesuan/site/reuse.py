"""A build's generated pages and report files + the build cache → what an earlier build made from the same inputs, reused; the rest stored once this build succeeds.

A page's HTML is reused when nothing it is made from changed: the code (cache.code()), the
packages it shows, the whole nav (every page's title and URL: the nav, the footer links and the
site's list of pages are in every page), the site URL and the config's extra (set from the
environment). A reused page is handed to MkDocs empty, with a template that writes nothing and
no macros to run, and is not converted (render_nothing), so neither the macros nor Markdown nor
the theme render it, and MkDocs writes nothing for it; its stored HTML, byte for byte what was
rendered from the same inputs, is hard-linked into the site (stored_pages, cache.place), and the
anchors it had are restored so that links into it are still checked. A report's chart files and
downloads are reused when all its pages are, and are hard-linked into the site the same way.

New pages are written aside while the build runs and moved into the cache only when it ends
without a warning: a page whose build warned (strict mode fails) must be rendered again next
time, so that the warning is seen again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import types
from pathlib import Path

from mkdocs.structure.files import File
from mkdocs.structure.toc import get_toc
from mkdocs.utils import CountHandler

from juesuan import cache, charts
from juesuan.charts import files as chart_files
from juesuan.data.loader import Report, forget
from juesuan.site import downloads, linker, search_index
from juesuan.workers import cores, process_pool

TEMPLATE = "cached-page.html"  # overrides/cached-page.html: writes nothing
HITS: dict[str, str] = {}  # page source → key of its stored HTML
MISSES: dict[str, str] = {}  # page source → key its HTML is stored under once the build succeeds
ELSEWHERE: set[str] = set()  # in a build shard (site/shards.py): the page sources another shard or build renders
_state: dict = {}
log = logging.getLogger("mkdocs.juesuan.reuse")  # MkDocs prints its children's INFO lines (not with -q)


class _Reused(logging.Filter):
    """MkDocs says "Page skipped … Generated empty output." of every page it writes nothing for: a reused page's HTML
    is linked into the site instead, so that line is dropped for those pages (and kept for any other)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("Page skipped: '") and message.split("'")[1] in HITS)


def start(config) -> dict:
    """A new build: forget the last one's plans, count MkDocs' warnings from here on; → what every page depends on."""
    finish(stored=False)
    _state.pop("packages", None)
    replan()
    _state["warnings"] = CountHandler()
    _state["warnings"].setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(_state["warnings"])
    logging.getLogger("mkdocs.commands.build").addFilter(_REUSED)
    # extra: what every page's footer and the 404 page link to (报告错误: SITE_REPO, REPORT_ERROR_URL) is in it
    _state["site"] = {"nav": config.nav, "url": config.site_url or "",
                      "extra": json.dumps(dict(config.get("extra") or {}), default=str, sort_keys=True, ensure_ascii=False)}
    # hashed once: the nav names every page, so writing it into each page's key made keys cost pages × nav (issue 12)
    _state["site_key"] = cache.key("site", _state["site"])
    return _state["site"]


def _hashes(shown: list[Report]) -> list[str]:
    # once per package and build: cache.package walks the folder each time, and every page asks (issue 12)
    memo = _state.setdefault("packages", {})
    for r in shown:
        if r.folder not in memo:
            memo[r.folder] = cache.package(r.folder)
    return [memo[r.folder] for r in shown]


class StoredFile(File):
    """A generated file whose bytes are in the build cache: written into the site as a link to them (cache.place)."""

    linking: bool = False  # set while link_in_background places it

    def copy_file(self, dirty: bool = False) -> None:
        if self.linking:
            return
        if self._content is None and self.abs_src_path:
            cache.place(self.abs_src_path, self.abs_dest_path)
        else:
            super().copy_file(dirty)


def link_in_background(files) -> None:
    """The site's stored files (all listed: on_files) → linked into the site by a process of its own (site/linker.py)
    while MkDocs makes the nav and converts and writes the pages (the site folder is cleaned before on_files); linked()
    waits for it. Making 60 000 links and their folders (300 reports) is system calls: they run beside the pages instead
    of before them (issue 12: a one-package change ≤ 20 s)."""
    stored = [f for f in files if isinstance(f, StoredFile) and f._content is None and f.abs_src_path]
    for f in stored:
        f.linking = True
    _state["linking"] = linker.start([(f.abs_src_path, f.abs_dest_path) for f in stored])  # None: nothing reused


def linked(quiet: bool = False) -> None:
    """Wait until the stored files are in the site (link_in_background); RuntimeError with the linker's line if one could
    not be placed (not when quiet: the build failed already)."""
    linker.wait(_state.pop("linking", None), quiet)


def unchecked(found: list[Report]) -> list[Report]:
    """The reports whose packages have not passed the checks with this code before."""
    return [r for r in found if not cache.has("checked", cache.key("checked", cache.package(r.folder)))]


def passed(found: list[Report]) -> None:
    """Remember that these packages pass every check with this code."""
    for r in found:
        cache.write_json("checked", cache.key("checked", cache.package(r.folder)), True)


def replan() -> None:
    """Forget which pages are reused and which rendered: they are planned again (after the build shards stored theirs)."""
    HITS.clear()
    MISSES.clear()
    ELSEWHERE.clear()


def plan_page(src: str, shown: list[Report], here: bool = True) -> bool:
    """A generated page, and whether this build makes it (a shard makes only its own) → whether it is handed to MkDocs
    empty: its stored HTML is reused, or another shard makes it; else it is rendered and stored."""
    if not here:
        ELSEWHERE.add(src)
        return True
    k = cache.key("page", src, _hashes(shown), _state["site_key"])
    if cache.has("page", k) and cache.has("anchors", k):
        HITS[src] = k
        return True
    MISSES[src] = k
    return False


def stored_pages(config, pages: list[File]) -> list[File]:
    """Page files → the stored HTML of those reused, as files MkDocs links into the site where each page's HTML goes."""
    return [StoredFile.generated(config, p.dest_uri, abs_src_path=str(cache.path("page", HITS[p.src_uri])))
            for p in pages if p.src_uri in HITS]


def stored_files(config, what: str, shown: list[Report]) -> list[File] | None:
    """The files (charts, downloads) stored for `what` made from these packages, as MkDocs files; or None."""
    stored = cache.read_bundle("files", cache.key("files", what, _hashes(shown)))
    if stored is None:
        return None
    return [StoredFile.generated(config, record["path"], abs_src_path=path) for record, path in stored]


def store_files(config, what: str, shown: list[Report], files: list[File]) -> list[File]:
    """Store generated files for `what` made from these packages; → the same files, read from the store.

    MkDocs keeps a generated file's bytes until the build ends: handed over as stored files, the charts
    and workbooks of hundreds of reports are not all held in memory at once (issue 12: 300 reports ≤ 2 GB)."""
    cache.write_bundle("files", cache.key("files", what, _hashes(shown)), [({"path": f.src_uri}, f.content_bytes) for f in files])
    return stored_files(config, what, shown) or files


def _make(report: Report) -> None:
    """In a worker process: a report's charts (built, and their files rendered) and downloads, into the caches."""
    for chart in charts.charts(report):
        chart_files.files(chart)
    downloads.downloads(report)
    forget(report)  # the results are in the caches now; a worker makes many reports and must not keep them all


def prefill(reports: list[Report]) -> None:
    """Make the charts, chart files and downloads of reports that the build does not reuse, one process per core, into
    the caches where the build then reads them (building and rendering charts and writing workbooks is most of a cold build)."""
    if len(reports) < 2 or cores() < 2:
        return  # the build makes them as it goes
    with process_pool() as pool:
        list(pool.map(_make, reports))


def log_plan(kept: int, total: int) -> None:
    """Say how much of this build is reused (the tests read this line)."""
    log.info(f"Build cache: reused {len(HITS)} of {len(HITS) + len(MISSES)} generated pages "
             f"and the files of {kept} of {total} reports and units")


_REUSED = _Reused()
_ANCHORS = ".anchors"  # beside a page written aside: its anchors, hash and search scope (cache kind "anchors", same key)

# What a reused page is handed to MkDocs as: no text, the template that writes nothing, no macros to run.
META = {"template": TEMPLATE, "render_macros": False}
SOURCE = f"---\ntemplate: {TEMPLATE}\nrender_macros: false\n---\n"


def on_pre_page(page) -> None:
    """A reused page is neither read nor converted: MkDocs parses each page's front matter (YAML, pure Python) and makes
    a Markdown converter with every extension for it, a millisecond each, and a reused page's HTML comes from the cache
    (issue 12: thousands of pages per build)."""
    if page.file.src_uri in HITS or page.file.src_uri in ELSEWHERE:
        page.read_source = types.MethodType(read_nothing, page)
        page.render = types.MethodType(render_nothing, page)


def read_nothing(page, config) -> None:
    """What MkDocs' Page.read_source (1.6, pinned) sets for SOURCE, without reading or parsing it (no plugin here reads
    a page's source: on_page_read_source)."""
    page.markdown, page.meta = "", dict(META)


def render_nothing(page, config, files) -> None:
    """What MkDocs' Page.render (1.6, pinned) sets for a page with no text, without making the converter: no HTML,
    no table of contents, no title, no anchors, no links (tests/test_build_cache.py compares the two)."""
    page.content = ""
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


def on_content(page, files) -> None:
    """After Markdown: a reused page gets back the anchors it had and its links to anchors (MkDocs checks them at the
    end of this build, as a rendered page's: a page rendered by a build shard could not check those into other shards'
    pages), and what the search indexes need of it; a rendered one's are kept to store. A page in another shard has
    no anchors (None: MkDocs checks no link into it)."""
    src = page.file.src_uri
    if src in HITS:
        stored = cache.read_json("anchors", HITS[src])
        page.present_anchor_ids = set(stored["anchors"])
        links = {files.get_file_from_path(to): anchors for to, anchors in stored["links"].items()}
        page.links_to_anchors = {to: anchors for to, anchors in links.items() if to is not None}
        _state.setdefault("facts", {})[page.file.dest_uri] = _facts(page.file.dest_uri, stored)
    elif src in MISSES:
        _state.setdefault("anchors", {})[src] = (sorted(page.present_anchor_ids or ()),
                                                 {to.src_uri: dict(a) for to, a in (page.links_to_anchors or {}).items()})
    elif src in ELSEWHERE:
        page.present_anchor_ids = None


def on_post_page(output: str, page) -> str:
    """A rendered page's HTML is written aside, to be stored if the build succeeds (a reused one's is empty: nothing is written)."""
    src = page.file.src_uri
    if src in MISSES:
        if "pending" not in _state:
            cache.SITE_CACHE.mkdir(parents=True, exist_ok=True)
            _state["pending"] = Path(tempfile.mkdtemp(dir=cache.SITE_CACHE, prefix=".pending-"))
        # as MkDocs writes it (build._build_page), so that the linked copy is the same bytes
        data = output.encode("utf-8", errors="xmlcharrefreplace")
        found = search_index.indexed(page.file.dest_uri, output)
        anchors, links = _state.get("anchors", {}).get(src, ([], {}))
        stored = {"anchors": anchors, "links": links, "sha256": hashlib.sha256(data).hexdigest(),
                  "units": found.units, "years": found.years, "everywhere": found.everywhere}
        _state.setdefault("facts", {})[page.file.dest_uri] = (stored["sha256"], found)
        (_state["pending"] / f"{MISSES[src]}{_ANCHORS}").write_bytes(json.dumps(stored, ensure_ascii=False).encode())
        (_state["pending"] / MISSES[src]).write_bytes(data)
    return output


def _facts(rel: str, stored: dict) -> tuple[str, search_index.Indexed]:
    return stored["sha256"], search_index.Indexed(rel, tuple(stored["units"]), tuple(stored["years"]), stored["everywhere"])


def built_pages() -> dict[str, tuple[str, search_index.Indexed]]:
    """The pages this build wrote or linked → {path in the site: (hash of its bytes, what the search indexes need of it)}:
    the indexes need not read them again (10 000 pages at 300 reports, issue 12)."""
    return dict(_state.get("facts", {}))


def finish(stored: bool = True) -> None:
    """The build ended: its new pages go into the cache if nothing warned, and are dropped otherwise."""
    handler = _state.pop("warnings", None)
    if handler is not None:
        logging.getLogger("mkdocs").removeHandler(handler)
    logging.getLogger("mkdocs.commands.build").removeFilter(_REUSED)
    pending = _state.pop("pending", None)
    _state.pop("anchors", None)
    _state.pop("facts", None)
    if pending is None:
        return
    if stored and handler is not None and not handler.get_counts():
        for entry in pending.iterdir():
            if entry.name.endswith(_ANCHORS):
                cache.move_in("anchors", entry.name.removesuffix(_ANCHORS), entry)
            else:
                cache.move_in("page", entry.name, entry)
    shutil.rmtree(pending, ignore_errors=True)
