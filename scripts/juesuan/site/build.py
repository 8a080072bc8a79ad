"""The packages → what MkDocs builds from them: checked reports, the nav, generated page files, charts, downloads and package files.

Called by the MkDocs hook (hooks/reports.py). Bad input stops the build here, before anything is
written: every problem of every package is printed one per line.
"""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files

from juesuan import charts, checks
from juesuan.charts import files as chart_files
from juesuan.data.loader import Report, reports
from juesuan.data.problems import PackageError, PackageLacks
from juesuan.paths import ROOT, VENDOR
from juesuan.site import downloads, macros, pages
from juesuan.site.pages import PageSpec


def checked_reports(refresh: bool = False) -> list[Report]:
    """All packages, loaded and checked; Abort (a clean, non-zero exit) listing every problem."""
    try:
        found = reports(refresh=refresh)
    except PackageError as exc:
        raise Abort(_message(exc.problems)) from None
    problems = [p for r in found for p in checks.run(r)[1]]
    if problems:
        raise Abort(_message(problems))
    return found


def _message(problems) -> str:
    lines = "\n".join(str(p) for p in problems)
    return f"The data packages have {len(problems)} problem(s); nothing was built:\n{lines}\nFix them and run `make validate`."


def index_search(config) -> None:
    """The built site (config.site_dir) → its Pagefind index in <site>/pagefind/.

    Pagefind's extended build segments Chinese; every page is indexed as Chinese. Only what the
    templates mark data-pagefind-body is indexed (the article, not the nav); registers, checks
    tables and download boxes are data-pagefind-ignore. The index is split in small chunks that
    the browser fetches only once a reader opens search (docs/assets/search.js).
    """
    site = Path(config.site_dir)
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--force-language", "zh"],
                          capture_output=True, text=True)
    if done.returncode != 0 or not (site / "pagefind" / "pagefind-entry.json").is_file():
        raise Abort(f"Pagefind could not index {site} (exit {done.returncode}):\n{done.stdout}{done.stderr}")


def nav() -> list:
    """The site nav, from the packages as they are now (re-read once per build: `make dev` sees edits)."""
    return pages.site_nav(checked_reports(refresh=True))


TITLES: dict[str, PageSpec] = {}  # generated page source → its spec (title and description from the data)


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


def add_files(files: Files, config) -> Files:
    """MkDocs' files → plus every generated page, chart file, download, package file and the chart runtime."""
    try:
        return _add_files(files, config)
    except PackageLacks as exc:  # make validate reports these; this is the last line of defence
        raise Abort(f"The site needs something the package lacks; nothing was built:\n{exc}\n"
                    "Run `make validate` for every problem.") from None


def _generated(config, spec: PageSpec, shown: list[Report]) -> File:
    TITLES[spec.src] = spec
    return File.generated(config, spec.src, content=macros.register(macros.Page(spec, tuple(shown))))


def _chart_files(config, chart) -> list[File]:
    made = chart_files.files(chart)
    chart.sizes = {suffix: len(data) for suffix, data in made.items()}  # templates show sizes, never read files
    return [File.generated(config, f"{chart.folder}/charts/{chart.id}.{suffix}", content=data) for suffix, data in made.items()]


def _add_files(files: Files, config) -> Files:
    found = checked_reports()
    macros.PAGES.clear()
    TITLES.clear()
    macros.register(macros.Page(pages.spec("site_home", "", ""), tuple(found)))
    units = pages.units(found)
    compared = {uid: pages.comparable(u) for uid, u in units.items() if pages.compare_page(uid, u)}
    chart_files.prerender([c for r in found for c in charts.charts(r)] + [c for u in compared.values() for c in charts.compare(u)])
    for unit_id, unit_reports in compared.items():
        files.append(_generated(config, pages.compare_page(unit_id, unit_reports), unit_reports))
        for chart in charts.compare(unit_reports):
            for f in _chart_files(config, chart):
                files.append(f)
    for report in found:
        for spec in pages.pages(report):
            files.append(_generated(config, spec, [report]))
        for chart in charts.charts(report):
            for f in _chart_files(config, chart):
                files.append(f)
        for item in downloads.generated(report):
            files.append(File.generated(config, item.path, content=item.data))
        # The package itself, byte for byte, under <slug>/package/: the files its descriptor lists, nothing else.
        for rel in report.published_files:
            files.append(File.generated(config, f"{report.slug}/package/{rel}", abs_src_path=str(report.folder / rel)))
    for dest, src in VENDOR.items():
        path = ROOT / src
        if not path.is_file():
            raise Abort(f"{src} is missing: the chart runtime comes from npm. Run `make setup` (it runs `npm ci`).")
        files.append(File.generated(config, dest, abs_src_path=str(path)))
    return files
