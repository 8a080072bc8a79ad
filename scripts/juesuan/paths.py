"""Every path, folder and environment variable the project reads → one constant each (depends on nothing)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project: mkdocs.yml, datapackage/, scripts/, …
SCRIPTS = ROOT / "scripts"
TEMPLATES = ROOT / "templates"
FORMATS = ROOT / "formats"  # one YAML file per report format (parts, tables, rules, charts): data, not code
BUILD = Path("build")  # relative to the working directory, as MkDocs and make run from ROOT

# DATAPACKAGE_DIR points the site at another folder of packages (benchmarks, tests).
PACKAGES = Path(os.environ.get("DATAPACKAGE_DIR") or ROOT / "datapackage")
# CHART_CACHE: rendered chart files by spec hash; the benchmark points it at an empty folder.
CHART_CACHE = Path(os.environ.get("CHART_CACHE") or BUILD / "chart-cache")
# SITE_CACHE: what a build made from unchanged inputs (pages, downloads, chart files, verdicts), by content hash.
SITE_CACHE = Path(os.environ.get("SITE_CACHE") or BUILD / "site-cache")
# SITE_URL: where the site is published (mkdocs.yml reads the same variable, with the same default);
# the exported chart images name their page's full URL.
SITE_URL = os.environ.get("SITE_URL") or "http://127.0.0.1:8000/"
# BUILD_SHARDS: how many `mkdocs build` processes make a cold build's reports (site/shards.py); unset, one per core
# when there are enough reports to make; 1, none.
_SHARDS = os.environ.get("BUILD_SHARDS", "").strip()
if _SHARDS and not _SHARDS.isdigit():
    raise SystemExit(f"BUILD_SHARDS={_SHARDS!r}: give a whole number of processes (1: none), or leave it unset")
SHARDS = int(_SHARDS) if _SHARDS else None

# The chart runtime, from the pinned npm packages (package-lock.json), served by the site itself.
VENDOR = {
    "assets/vendor/vega.min.js": "node_modules/vega/build/vega.min.js",
    "assets/vendor/vega-embed.min.js": "node_modules/vega-embed/build/vega-embed.min.js",
    "assets/vendor/LICENSE-vega.txt": "node_modules/vega/LICENSE",
    "assets/vendor/LICENSE-vega-embed.txt": "node_modules/vega-embed/LICENSE",
}


def display(path: Path | str) -> str:
    """A path → as a person should read it: relative to the project when inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
