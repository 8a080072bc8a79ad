"""A Vega spec → its static SVG, drawn by the Vega the site serves (node_modules/vega) in one Node process per Python process (charts/svg.mjs).

Why not vl-convert's SVG export: it measures text by laying it out with its fonts, and for every
glyph it measures it opens and maps the font file again (Noto Sans CJK: 20 MB). A wide chart of
the report took 136 ms, most of a cold build (issue 12). Vega itself only needs each line's
width; svg.mjs gives it the sum of the glyphs' advance widths from the installed font (charts/
widths.py), which is what vl-convert measured too (tests/test_chart_svg.py compares the two
drawings) and what a browser's canvas returns. A chart then takes a few milliseconds.
vl-convert still compiles Vega-Lite to Vega and rasterises the PNG (charts/files.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading

from juesuan.charts import widths
from juesuan.paths import ROOT

SCRIPT = ROOT / "scripts" / "juesuan" / "charts" / "svg.mjs"
VEGA = ROOT / "node_modules" / "vega" / "build" / "vega.module.js"


class RenderError(RuntimeError):
    """Vega could not draw a chart, or Node could not be started."""


_proc: dict = {}
_lock = threading.Lock()


def _start() -> subprocess.Popen:
    node = shutil.which("node")
    if node is None:
        raise RenderError("node is missing: static charts are drawn by Vega in Node. Run `make setup` (it installs npm and node).")
    if not VEGA.is_file():
        raise RenderError(f"{VEGA.relative_to(ROOT)} is missing: the chart runtime comes from npm. Run `make setup` (it runs `npm ci`).")
    # The process reads requests until its stdin closes: when this process ends, so does it.
    return subprocess.Popen([node, str(SCRIPT), str(VEGA), str(widths.table_path())], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)


def to_svg(spec: dict, what: str = "chart") -> str:
    """A Vega spec (its data inline) → the SVG Vega draws for it; RenderError naming `what` if it cannot."""
    with _lock:  # one request at a time per process: answers come back in order
        proc = _proc.get("node")
        if proc is None or proc.poll() is not None:
            proc = _proc["node"] = _start()
        proc.stdin.write(json.dumps(spec, ensure_ascii=False, separators=(",", ":")) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
    if not line:
        _proc.pop("node", None)
        raise RenderError(f"{what}: the SVG renderer (node {SCRIPT.relative_to(ROOT)}) stopped; its error is printed above.")
    answer = json.loads(line)
    if "error" in answer:
        raise RenderError(f"{what}: Vega could not draw it: {answer['error'].splitlines()[0]}")
    return answer["svg"]


def stop() -> None:
    """The Node process → ended (its stdin closed), once a build has drawn its charts: it holds ~140 MB, and a cold build
    of hundreds of reports runs one per build shard while the pages are written (issue 12: 300 reports ≤ 2 GB). A later
    drawing starts a new one."""
    with _lock:
        proc = _proc.pop("node", None)
    if proc is not None and proc.poll() is None:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
