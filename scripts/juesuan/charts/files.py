"""A Chart → the files published with it: compiled Vega specs (zh-CN, wide and narrow), static SVG and PNG, and its data as CSV.

The exported images (.svg, .png: the downloads) carry the chart's stamp under its title (unit and
year, the page's URL, the licence: charts/stamp.py); the narrow SVG is only what a phone shows
before the live view, so it is not stamped. vl-convert compiles Vega-Lite to Vega at build time (the
page then needs only the Vega runtime); Vega draws the static SVGs in Node (charts/svg.py), and
vl-convert rasterises the PNG with the CJK font installed from Debian (fonts-noto-cjk).
Renders are cached under build/chart-cache by the hash of the spec, so unchanged charts cost
nothing on the next build.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from functools import lru_cache


import vl_convert as vlc

from juesuan.charts import Chart, outlines, svg, table, widths
from juesuan.cache import PYTHON, used
from juesuan.charts.draw import stamped
from juesuan.paths import CHART_CACHE as CACHE, ROOT
from juesuan.workers import cores, process_pool

LOCALE = "zh-CN"


@lru_cache(maxsize=1)
def _locale() -> dict:
    return {"number": vlc.get_format_locale(LOCALE), "time": vlc.get_time_format_locale(LOCALE)}


def vega_spec(chart: Chart, spec: dict | None = None) -> dict:
    """Vega-Lite (the chart's wide spec, or the one given) → Vega, with the zh-CN number and time formats in its config."""
    spec = json.loads(json.dumps(chart.spec if spec is None else spec))
    spec.setdefault("config", {})["locale"] = _locale()
    vg = vlc.vegalite_to_vega(spec)
    return json.loads(vg) if isinstance(vg, str) else vg


# A cell a spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return before one)…
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")  # …unless it is a plain negative number


def neutralised(cell):
    """A text cell → the same text, prefixed with ' when a spreadsheet would run it as a formula."""
    if isinstance(cell, str) and _FORMULA_START.match(cell) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def data_csv(chart: Chart) -> bytes:
    """The chart's data table → UTF-8 CSV with the column titles as header, numbers as the report writes them,
    and text that starts like a formula neutralised (the package's own CSVs are published as they are)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    head, body = table(chart)
    writer.writerow([neutralised(c) for c in head])
    writer.writerows([neutralised(c) for c in row] for row in body)
    return out.getvalue().encode("utf-8")


KINDS = ("vg.json", "narrow.vg.json", "svg", "narrow.svg", "png")


def _parts(chart: Chart) -> tuple[dict, dict, list[str]]:
    return chart.spec, chart.narrow, chart.stamp


@lru_cache(maxsize=1)
def _drawing() -> str:
    # what draws besides the spec: the Python code and packages (vl-convert), the Vega of node_modules (package-lock.json)
    # and the font's width table (its name is the font file's identity)
    return PYTHON + hashlib.sha256((ROOT / "package-lock.json").read_bytes()).hexdigest() + widths.table_path().name


def _key(chart: Chart) -> str:
    # a changed drawing is a new entry, never an old file served under the same spec
    return hashlib.sha256((_drawing() + json.dumps(_parts(chart), sort_keys=True)).encode()).hexdigest()[:20]


def _name(chart: Chart) -> str:
    """How an error names the chart: its file in the site, without suffix."""
    return f"{chart.folder}/charts/{chart.id}"


def _vega(spec: dict) -> dict:
    return vega_spec(Chart("", "", "", "", [], [], ""), spec)


def _json(vega: dict) -> bytes:
    return json.dumps(vega, ensure_ascii=False, separators=(",", ":")).encode()


def _render(parts: tuple[dict, dict, list[str]], what: str = "chart") -> dict[str, bytes]:
    """(wide spec, narrow spec, stamp) → the compiled Vega of both, the stamped static SVG and PNG, the narrow SVG."""
    wide, narrow = _vega(parts[0]), _vega(parts[1])
    stamp = parts[2]
    # Static SVGs are drawn by Vega in Node (charts/svg.py says why not by vl-convert).
    image = svg.to_svg(_vega(stamped(parts[0], stamp)) if stamp else wide, what)
    # Rasterising the SVG gives the same image as rendering the spec again, in a quarter of the time; its text set
    # in glyph outlines first, the same pixels in a tenth of that again (charts/outlines.py says why).
    return {"vg.json": _json(wide), "narrow.vg.json": _json(narrow), "svg": image.encode(),
            "narrow.svg": svg.to_svg(narrow, what).encode(), "png": vlc.svg_to_png(outlines.outlined(image), scale=2)}


def files(chart: Chart) -> dict[str, bytes]:
    """A chart → {file suffix: bytes} for .vg.json, .narrow.vg.json, .svg, .narrow.svg, .png and .csv."""
    key = _key(chart)
    out = {kind: (CACHE / f"{key}.{kind}") for kind in KINDS}
    if not all(used(p) for p in out.values()):  # used: kept by juesuan/tools/prune.py
        _store(key, _render(_parts(chart), _name(chart)))
    return {**{kind: p.read_bytes() for kind, p in out.items()}, "csv": data_csv(chart)}


def _store(key: str, rendered: dict[str, bytes]) -> None:
    # each file written aside and renamed into place: build shards and workers render the same chart at once
    # (two reports with the same numbers), and a file read while another process writes it must be whole
    CACHE.mkdir(parents=True, exist_ok=True)
    for kind, data in rendered.items():
        fd, tmp = tempfile.mkstemp(dir=CACHE, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, CACHE / f"{key}.{kind}")


def drawn() -> None:
    """Every chart of a build is drawn (its files are made with the site's files) → what draws them released: the Node
    process and the font's outlines, ~200 MB per process while the pages are converted and written (issue 12: 300 reports ≤ 2 GB, a
    build shard each). A chart drawn later starts them again."""
    svg.stop()
    outlines.release()


# Starting the worker processes (each imports the project and starts Node) costs about 2 s; a chart about 0.13 s.
POOL_MIN = 40


def prerender(charts: list[Chart]) -> None:
    """Render every chart not yet in the cache, one process per core (vl-convert renders one chart at a time)."""
    todo = {_key(c): (_parts(c), _name(c)) for c in charts if not all((CACHE / f"{_key(c)}.{kind}").exists() for kind in KINDS)}
    if len(todo) < POOL_MIN or cores() < 2:
        return  # not worth starting processes: files() renders these on demand
    with process_pool() as pool:
        for key, rendered in zip(todo, pool.map(_render, *zip(*todo.values()), chunksize=4)):
            _store(key, rendered)
