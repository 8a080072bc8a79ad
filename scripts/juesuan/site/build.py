"""The packages → what MkDocs builds from them: checked reports, the nav, generated page files, charts, downloads and package files.

Called by the MkDocs hook (hooks/reports.py). Bad input stops the build here, before anything is
written: every problem of every package is printed one per line.
"""

from __future__ import annotations

import html
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files

from juesuan import cache, charts, checks
from juesuan.charts import files as chart_files
from juesuan.data.loader import Report, forget, reports
from juesuan.data import messages
from juesuan.data.problems import PackageError, PackageLacks
from juesuan.paths import ROOT, VENDOR
from juesuan.workers import cores, process_pool
from juesuan.site import downloads, macros, pages, publish, reuse, search_index, shards
from juesuan.site.pages import PageSpec


def checked_reports(refresh: bool = False) -> list[Report]:
    """All packages, loaded and checked; Abort (a clean, non-zero exit) listing every problem."""
    try:
        found = reports(refresh=refresh)
    except PackageError as exc:
        raise Abort(_message(exc.problems)) from None
    todo = reuse.unchecked(found)  # a package that passed with the same files and code is not checked again
    if len(todo) >= CHECK_POOL_MIN and cores() > 1:
        with process_pool() as pool:
            problems = [p for found_in in pool.map(_problems, todo, chunksize=4) for p in found_in]
    else:
        problems = [p for r in todo for p in _problems(r)]
    if problems:
        raise Abort(_message(problems))
    reuse.passed(todo)
    return found


# Starting a process per core costs about 2 s; checking a report about 0.1 s (cold builds of many reports, issue 12).
CHECK_POOL_MIN = 30


def _problems(report: Report) -> list:
    """A report → the problems its checks find (in a worker process when there are many)."""
    return checks.run(report)[1]


def _message(problems) -> str:
    lines = "\n".join(str(p) for p in problems)
    return f"{messages.problems_heading(len(problems))}\n{lines}\n{messages.FIX_AND_VALIDATE}"


def index_search(config) -> None:
    """The built site (config.site_dir) → its Pagefind index in <site>/pagefind/ (site/search_index.py).

    Only what the templates mark data-pagefind-body is indexed (the article, not the nav); registers,
    checks tables and download boxes are data-pagefind-ignore. The index is split in small chunks that
    the browser fetches only once a reader opens search (docs/assets/search.js).
    """
    try:
        search_index.write_index(Path(config.site_dir), publish.limit(config, "search_full_max"), known=reuse.built_pages())
    except RuntimeError as exc:
        raise Abort(str(exc)) from None


def nav() -> list:
    """The site nav, from the packages as they are now (re-read once per build: `make dev` sees edits)."""
    cache.code.cache_clear()  # templates and formats read again: `make dev` must not reuse pages of an edited template
    return pages.site_nav(checked_reports(refresh=True))


LAST: dict[str, Report] = {}  # the last page of a report this build renders → that report (done_with)


def done_with(src: str) -> None:
    """A page has been converted: after the last one of its report, what the build remembers of that report and the
    tables it read are dropped (read again if anything asks: a build that renders hundreds of reports held them all,
    issue 12: 300 reports ≤ 2 GB). Its pages are written later from their HTML alone."""
    report = LAST.pop(src, None)
    if report is not None:
        forget(report)
        report.release()


TITLES: dict[str, PageSpec] = {}  # generated page source → its spec (title and description from the data)
SCOPES: dict[str, dict[str, list[str]]] = {}  # generated page source → its search filters (search_index.scope)


def page_meta(src: str, meta: dict) -> None:
    """A generated page → its escaped title and description in page.meta.

    Material prints the title (<title>, header) and the description (<meta>) unescaped; the nav
    keeps its own, shorter labels (escaped in site/pages.py). They are set after the macros have
    run, never read as Jinja or HTML.
    """
    spec = TITLES.get(src)
    if spec:
        meta["title"] = html.escape(spec.title)
        meta["description"] = html.escape(spec.description)
        meta["search_weight"] = search_index.weight(spec.kind)
        meta["search_everywhere"] = spec.kind in search_index.EVERYWHERE  # main.html marks it for the site index
    if SCOPES.get(src):
        meta["search_scope"] = SCOPES[src]  # overrides/main.html writes it escaped, as Pagefind filters


def add_files(files: Files, config) -> Files:
    """MkDocs' files → plus every generated page, chart file, download, package file and the chart runtime."""
    try:
        return _add_files(files, config)
    except PackageLacks as exc:  # make validate reports these; this is the last line of defence
        raise Abort(f"{messages.LACKS_HEADING}\n{exc}\n{messages.RUN_VALIDATE}") from None


def _generated(config, spec: PageSpec, shown: list[Report], here: bool) -> File:
    TITLES[spec.src] = spec
    SCOPES[spec.src] = search_index.scope(shown)
    source = macros.register(macros.Page(spec, tuple(shown)))
    return File.generated(config, spec.src, content=reuse.SOURCE if reuse.plan_page(spec.src, shown, here) else source)


def _chart_files(config, chart) -> list[File]:
    made = chart_files.files(chart)
    chart.sizes = {suffix: len(data) for suffix, data in made.items()}  # templates show sizes, never read files
    return [File.generated(config, f"{chart.folder}/charts/{chart.id}.{suffix}", content=data) for suffix, data in made.items()]


def _kept(config, what: str, shown: list[Report], page_files: list[File]) -> list[File] | None:
    """The stored chart files and downloads of a report or unit whose pages are all reused; else None."""
    return reuse.stored_files(config, what, shown) if all(f.src_uri in reuse.HITS for f in page_files) else None


def _report_files(config, report: Report) -> list[File]:
    """A report → its chart files, downloads and package files, to be stored (reuse.store_files) and linked into the site."""
    made = [f for chart in charts.charts(report) for f in _chart_files(config, chart)]
    made += [File.generated(config, item.path, content=item.data) for item in downloads.downloads(report)]
    # The package itself, byte for byte, under <slug>/package/: the files its descriptor lists, nothing else (the
    # downloads hold most of them, the bytes their checksums are of). Stored with the rest, so that a reused report's
    # are linked into the site from the cache, not copied again (issue 12: 8 700 copies at 300 reports).
    listed = {f.src_uri for f in made}
    return made + [File.generated(config, path, content=(report.folder / rel).read_bytes())
                   for rel in report.published_files if (path := downloads.package_path(report, rel)) not in listed]


def _package_files(config, report: Report) -> list[File]:
    """A report another build shard makes → its package files, listed (links to them are checked) but never written here."""
    return [File.generated(config, downloads.package_path(report, rel), abs_src_path=str(report.folder / rel))
            for rel in report.published_files]


def _plan(config, found: list[Report], compared: dict[str, list[Report]], own: shards.Share | None):
    """Every generated page, planned (reused, rendered, or in a build shard: another's) → the pages of each unit and report,
    and the stored files of each unit and report whose pages are all reused (None: made in this build)."""
    reuse.replan()
    unit_pages = {uid: [_generated(config, pages.compare_page(uid, u), u, own is None or uid in own.units)] for uid, u in compared.items()}
    report_pages = {r.slug: [_generated(config, spec, [r], own is None or r.slug in own.reports) for spec in pages.pages(r)]
                    for r in found}
    kept = {**{f"unit:{uid}": _kept(config, f"unit:{uid}", u, unit_pages[uid]) for uid, u in compared.items()},
            **{f"report:{r.slug}": _kept(config, f"report:{r.slug}", [r], report_pages[r.slug]) for r in found}}
    return unit_pages, report_pages, kept


def _add_files(files: Files, config) -> Files:
    found = checked_reports()
    reuse.start(config)
    macros.PAGES.clear()
    TITLES.clear()
    SCOPES.clear()
    macros.register(macros.Page(pages.spec("site_home", "", ""), tuple(found)))
    units = pages.units(found)
    compared = {uid: pages.comparable(u) for uid, u in units.items() if pages.compare_page(uid, u)}
    own = shards.own()  # in a build shard: the units and reports it makes (and none else); None in any other build
    # Pages first: a unit or report whose pages are all reused reuses its chart files and downloads (site/reuse.py);
    # the others' are made: by one build shard per core when there are many (site/shards.py), else here, the slow parts
    # (charts, workbooks) in one process per core.
    unit_pages, report_pages, kept = _plan(config, found, compared, own)
    todo = {uid: shards.Share({r.slug for r in u if kept[f"report:{r.slug}"] is None},
                              {uid} if uid in compared and kept[f"unit:{uid}"] is None else set()) for uid, u in units.items()}
    if shards.run(config, [t for t in todo.values() if t.reports or t.units]):
        unit_pages, report_pages, kept = _plan(config, found, compared, own)  # what the shards stored is reused now
    reuse.log_plan(sum(v is not None for v in kept.values()), len(kept))
    made_units = [uid for uid in compared if kept[f"unit:{uid}"] is None and (own is None or uid in own.units)]
    stale = [r for r in found if kept[f"report:{r.slug}"] is None and (own is None or r.slug in own.reports)]
    reuse.prefill(stale)
    LAST.clear()
    for report in found:
        rendered = [f.src_uri for f in report_pages[report.slug] if f.src_uri in reuse.MISSES]
        if rendered:
            LAST[rendered[-1]] = report
    chart_files.prerender([c for r in stale for c in charts.charts(r)] + [c for uid in made_units for c in charts.compare(compared[uid])])
    # A build shard lists every page (another's empty) and every file it has: its pages' links are checked (it writes none)
    for unit_id, unit_reports in compared.items():
        what = f"unit:{unit_id}"
        made = kept[what] or (reuse.store_files(config, what, unit_reports, [f for c in charts.compare(unit_reports) for f in _chart_files(config, c)])
                              if unit_id in made_units else [])
        for f in unit_pages[unit_id] + reuse.stored_pages(config, unit_pages[unit_id]) + made:
            files.append(f)
    for report in found:
        what = f"report:{report.slug}"
        made = kept[what] or (reuse.store_files(config, what, [report], _report_files(config, report)) if report in stale
                              else _package_files(config, report))
        for f in report_pages[report.slug] + reuse.stored_pages(config, report_pages[report.slug]) + made:
            files.append(f)
    for dest, src in VENDOR.items():
        path = ROOT / src
        if not path.is_file():
            raise Abort(f"{src} is missing: the chart runtime comes from npm. Run `make setup` (it runs `npm ci`).")
        files.append(File.generated(config, dest, abs_src_path=str(path)))
    return files
