"""MkDocs hook: datapackage/ → generated report pages, published package files, the nav, and the jieba user dictionary.

Bad input stops the build here, before anything is written: every problem of every package
(stock frictionless validation and the consistency checks) is printed one per line.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))  # MkDocs loads hooks by path

from mkdocs.exceptions import Abort  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402

from juesuan.charts import files as chart_files  # noqa: E402
from juesuan import charts  # noqa: E402
from juesuan import checks  # noqa: E402
from juesuan.site import downloads  # noqa: E402
from juesuan.site import search_terms  # noqa: E402
from juesuan.site import pages as site_pages  # noqa: E402
from juesuan.data.loader import Report, reports  # noqa: E402
from juesuan.data.problems import PackageError
from juesuan.paths import ROOT  # noqa: E402

USER_DICT = Path("build/jieba_user.txt")  # read by the search plugin (mkdocs.yml: jieba_dict_user)
# The chart runtime, from the pinned npm packages (package-lock.json), served by the site itself.
VENDOR = {
    "assets/vendor/vega.min.js": "node_modules/vega/build/vega.min.js",
    "assets/vendor/vega-embed.min.js": "node_modules/vega-embed/build/vega-embed.min.js",
    "assets/vendor/LICENSE-vega.txt": "node_modules/vega/LICENSE",
    "assets/vendor/LICENSE-vega-embed.txt": "node_modules/vega-embed/LICENSE",
}


def _reports(refresh: bool = False) -> list[Report]:
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


def on_startup(command: str, dirty: bool) -> None:
    # The search plugin loads the user dictionary in its on_config, which runs before this hook's.
    USER_DICT.parent.mkdir(exist_ok=True)
    USER_DICT.write_text(search_terms.user_dictionary(_reports(refresh=True)), encoding="utf-8")


def on_config(config):
    found = _reports(refresh=True)  # once per build: `make dev` rebuilds pick up edited packages
    config.nav = site_pages.site_nav(found)
    return config


def on_files(files: Files, config) -> Files:
    try:
        return _add_files(files, config)
    except KeyError as exc:  # a figure or resource that a page or chart needs is not in the package
        raise Abort(f"The site needs something the package lacks; nothing was built:\n{exc.args[0]}") from None


_SPECS: dict[str, site_pages.PageSpec] = {}  # generated page source → its spec (title and description from the data)


def _page(config, spec, macro_call: str) -> File:
    # No front matter: titles and descriptions come from the data, so they are set in
    # on_page_markdown below (escaped, after the macros plugin has run), never read as Jinja or HTML.
    _SPECS[spec.src] = spec
    return File.generated(config, spec.src, content=f"{{{{ {macro_call} }}}}\n")


def on_page_markdown(markdown: str, page, config, files) -> str:
    spec = _SPECS.get(page.file.src_uri)
    if spec:
        # Material prints the title (<title>, header) and the description (<meta>) unescaped.
        # The nav keeps its own, shorter labels (escaped in scripts/site_pages.py).
        page.meta["title"] = html.escape(spec.title)
        page.meta["description"] = html.escape(spec.description)
    return markdown


def _add_files(files: Files, config) -> Files:
    found = _reports()
    units = site_pages.units(found)
    chart_files.prerender([c for r in found for c in charts.charts(r)]
                          + [c for u in units.values() if site_pages.compare_page(u[0].meta["unit_id"], u) for c in charts.compare(u)])
    for unit_id, unit_reports in units.items():
        spec = site_pages.compare_page(unit_id, unit_reports)
        if spec:
            files.append(_page(config, spec, f"unit_page({unit_id!r})"))
            for chart in charts.compare(unit_reports):
                for suffix, data in chart_files.files(chart).items():
                    files.append(File.generated(config, f"{chart.folder}/charts/{chart.id}.{suffix}", content=data))
    for report in found:
        for spec in site_pages.pages(report):
            files.append(_page(config, spec, f"report_page({spec.report!r}, {spec.kind!r}, {spec.key!r})"))
        for chart in charts.charts(report):
            for suffix, data in chart_files.files(chart).items():
                files.append(File.generated(config, f"{chart.folder}/charts/{chart.id}.{suffix}", content=data))
        for item in downloads.generated(report):
            files.append(File.generated(config, item.path, content=item.data))
        # The package itself, byte for byte, under <slug>/package/.
        for path in sorted(p for p in report.folder.rglob("*") if p.is_file()):
            rel = path.relative_to(report.folder).as_posix()
            files.append(File.generated(config, f"{report.slug}/package/{rel}", abs_src_path=str(path)))
    for dest, src in VENDOR.items():
        path = ROOT / src
        if not path.is_file():
            raise Abort(f"{src} is missing: the chart runtime comes from npm. Run `make setup` (it runs `npm ci`).")
        files.append(File.generated(config, dest, abs_src_path=str(path)))
    return files
