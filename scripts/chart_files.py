"""A Chart → the files published with it: compiled Vega spec (zh-CN), static SVG and PNG, and its data as CSV.

vl-convert compiles Vega-Lite to Vega at build time (the page then needs only the Vega runtime)
and renders the static images with the CJK font installed from Debian (fonts-noto-cjk).
Renders are cached under build/chart-cache by the hash of the spec, so unchanged charts cost
nothing on the next build.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path

import os

import vl_convert as vlc

from scripts.charts import Chart, table

CACHE = Path(os.environ.get("CHART_CACHE") or "build/chart-cache")  # the benchmark points it at an empty folder
LOCALE = "zh-CN"


@lru_cache(maxsize=1)
def _locale() -> dict:
    return {"number": vlc.get_format_locale(LOCALE), "time": vlc.get_time_format_locale(LOCALE)}


def vega_spec(chart: Chart) -> dict:
    """Vega-Lite → Vega, with the zh-CN number and time formats in its config."""
    spec = json.loads(json.dumps(chart.spec))
    spec.setdefault("config", {})["locale"] = _locale()
    vg = vlc.vegalite_to_vega(spec)
    return json.loads(vg) if isinstance(vg, str) else vg


def data_csv(chart: Chart) -> bytes:
    """The chart's data table → UTF-8 CSV with the column titles as header, numbers as the report writes them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    head, body = table(chart)
    writer.writerow(head)
    writer.writerows(body)
    return out.getvalue().encode("utf-8")


def _cached(kind: str, key: str, make) -> bytes:
    path = CACHE / f"{key}.{kind}"
    if path.exists():
        return path.read_bytes()
    data = make()
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def files(chart: Chart) -> dict[str, bytes]:
    """A chart → {file suffix: bytes} for .vg.json, .svg, .png and .csv."""
    key = hashlib.sha256(json.dumps(chart.spec, sort_keys=True).encode()).hexdigest()[:20]
    vg = _cached("vg.json", key, lambda: json.dumps(vega_spec(chart), ensure_ascii=False, separators=(",", ":")).encode())
    svg = _cached("svg", key, lambda: vlc.vegalite_to_svg(chart.spec, format_locale=LOCALE).encode())
    # Rasterising the SVG gives the same image as rendering the spec again, in a quarter of the time.
    png = _cached("png", key, lambda: vlc.svg_to_png(svg.decode(), scale=2))
    return {"vg.json": vg, "svg": svg, "png": png, "csv": data_csv(chart)}
