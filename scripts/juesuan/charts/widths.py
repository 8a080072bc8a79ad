"""The chart font as installed (fc-match) → its advance widths, regular and bold: the table static SVGs measure their text with (charts/svg.py).

Vega measures every label, title and legend entry to lay a chart out (label limits, wrapping
room, fit-to-width sizing). In the browser it asks the canvas; at build time it asks this table,
which holds what a browser's canvas would return for the same font: the sum of the glyphs'
advance widths. The table is read from the font file with fontTools (cmap and hmtx) and kept
in the chart cache, keyed by the font file's path, face, size and time, so it is made once.

Stored as runs: [first code point, last code point, advance] for every run of consecutive code
points with the same advance (a CJK font has few runs: its ideographs are all one em wide), and
the advance of the font's .notdef glyph for a character the font lacks (what the font itself
would draw; a browser would fall back to another font).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from juesuan.cache import used
from juesuan.charts.draw import FONT
from juesuan.paths import CHART_CACHE

WEIGHTS = {"regular": "regular", "bold": "bold"}  # table name → fontconfig weight


class FontMissing(RuntimeError):
    """The chart font is not installed."""


def family() -> str:
    """The font the charts ask for first (draw.FONT): the one their text is measured in."""
    return FONT.split(",")[0].strip()


def font_file(name: str, weight: str) -> tuple[Path, int]:
    """A font family and weight → the installed file and face index fontconfig gives for it; FontMissing if it gives another family."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{family}\n%{file}\n%{index}", f"{name}:weight={weight}"],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise FontMissing(f"fc-match (fontconfig) could not be run to find the chart font {name}: {exc}. "
                          "Run `make setup` (it installs fonts-noto-cjk and fontconfig).") from None
    families, path, index = (out.split("\n") + ["", "", ""])[:3]
    if name not in [f.strip() for f in families.split(",")]:
        raise FontMissing(f"The chart font {name} is not installed (fontconfig offers {families or 'nothing'} instead). "
                          "Run `make setup` (it installs fonts-noto-cjk).")
    return Path(path), int(index or 0)


def runs(path: Path, index: int) -> dict:
    """A font file and face → {"notdef": advance, "runs": [[first, last, advance], …]} in 1/1000 em."""
    from fontTools.ttLib import TTFont  # imported here: only a build whose table is not cached reads the font

    font = TTFont(str(path), fontNumber=index, lazy=True)
    em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    per_mille = {cp: _per_mille(metrics[glyph][0], em) for cp, glyph in font.getBestCmap().items()}
    out: list[list] = []
    for cp in sorted(per_mille):
        if out and out[-1][1] == cp - 1 and out[-1][2] == per_mille[cp]:
            out[-1][1] = cp
        else:
            out.append([cp, cp, per_mille[cp]])
    return {"notdef": _per_mille(metrics[font.getGlyphOrder()[0]][0], em), "runs": out}


def _per_mille(advance: int, em: int) -> int | float:
    value = advance * 1000 / em
    return int(value) if value == int(value) else value


@lru_cache(maxsize=1)
def table_path() -> Path:
    """The width table of the chart font (made once per installed font, then read from the chart cache) → its file."""
    files = {weight: font_file(family(), fc) for weight, fc in WEIGHTS.items()}
    ident = json.dumps({w: [str(p), i, p.stat().st_size, p.stat().st_mtime_ns] for w, (p, i) in files.items()})
    path = CHART_CACHE / f"widths-{hashlib.sha256(ident.encode()).hexdigest()[:20]}.json"
    if not used(path):  # used: kept by juesuan/tools/prune.py
        made = {"family": family(), **{w: runs(p, i) for w, (p, i) in files.items()}}
        CHART_CACHE.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=CHART_CACHE, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(made, f, separators=(",", ":"))
        os.replace(tmp, path)  # whole or not at all: builds run beside each other
    return path
