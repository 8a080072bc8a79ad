"""`python -m juesuan.tools.bench [--sizes 1 10 100] [--no-lighthouse]` → the performance table of the site (printed, and written to build/bench.json).

Measures on this machine: cold build time and peak memory for 1, 10 and 100 reports (the real
one plus synthetic ones from scripts/synth.py); bytes (gzip) transferred by the home page, a
table page and the heaviest chart page before and after the charts become interactive; the
search runtime size; and Lighthouse scores (npm lighthouse@12.2.3, Debian's chromium) for the home
page and the heaviest chart page. Targets are checked and reported here, never in timed tests.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from juesuan.tools import synth
from juesuan.data.loader import discover
from juesuan.paths import PACKAGES, ROOT

LIGHTHOUSE = "lighthouse@12.2.3"
TOOLS = ROOT / "build" / "bench-tools"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
TARGETS = {
    "build_100_over_1": 60, "build_100_seconds": 300, "build_100_peak_mb": 2048,
    "home_kb": 120, "chart_before_kb": 120, "chart_all_kb": 350, "search_first_kb": 150, "import_seconds": 15,
    "lighthouse": {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100},
}


def _packages(n: int, dest: Path) -> Path:
    """The real package plus n-1 synthetic ones (three years per unit) in a fresh folder."""
    dest.mkdir(parents=True)
    real = discover(PACKAGES)[0]
    shutil.copytree(real, dest / real.name)
    if n > 1:
        synth.make_many(dest, n - 1, max(1, (n - 1 + 2) // 3))
    return dest


def build(packages: Path, out: Path) -> dict:
    """A cold build (empty chart cache) of the site for the packages → seconds and peak memory (MB)."""
    env = dict(os.environ, DATAPACKAGE_DIR=str(packages), CHART_CACHE=str(out.parent / "chart-cache"),
               NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="0")
    start = time.perf_counter()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("mkdocs")), "build", "--strict", "-q", "-d", str(out)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"build of {packages} failed:\n{proc.stderr.read().decode()[-2000:]}")
    return {"seconds": round(seconds, 1), "peak_mb": round(usage.ru_maxrss / 1024, 1)}


class _Gzip(http.server.SimpleHTTPRequestHandler):
    """Serves like GitHub Pages: text responses gzip-compressed when the client accepts it.

    The stdlib server sends everything uncompressed, which would make Lighthouse measure a site
    that no reader gets.
    """

    TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".csv", ".txt")

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.suffix in self.TEXT and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Gzip, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def transfer(base: str, paths: list[str]) -> dict[str, dict]:
    """Pages → bytes (gzip of each response) before the charts are interactive and in all."""
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS.replace("--headless=new ", "").split())
        for path in paths:
            page = browser.new_page()
            bodies: list[tuple[str, bytes]] = []

            def record(response):
                try:
                    bodies.append((response.url, response.body()))
                except Exception:  # redirects and aborted requests have no body
                    pass

            page.on("response", record)
            page.goto(base + path, wait_until="load")
            charts = page.locator(".chart-view").count()
            page.wait_for_timeout(500)
            first_screen = sum(len(gzip.compress(b)) for _, b in bodies)
            for i in range(charts):  # charts go live when scrolled near (docs/assets/charts.js)
                page.locator(".chart-view").nth(i).scroll_into_view_if_needed()
            if charts:
                page.wait_for_function(
                    "document.querySelectorAll('.chart-view[data-state=live]').length === document.querySelectorAll('.chart-view').length",
                    timeout=20000)
            page.wait_for_timeout(500)
            runtime = ("/vendor/vega", ".vg.json")
            before = sum(len(gzip.compress(b)) for u, b in bodies if not any(r in u for r in runtime))
            total = sum(len(gzip.compress(b)) for u, b in bodies)
            out[path] = {"charts": charts, "first_screen_kb": round(first_screen / 1024, 1),
                         "before_kb": round(before / 1024, 1), "all_kb": round(total / 1024, 1)}
            page.close()
        browser.close()
    return out


def lighthouse(url: str, name: str) -> dict:
    """A URL → Lighthouse category scores (mobile, the default form factor), 0–100; the full report is kept in build/."""
    cli = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", str(TOOLS), LIGHTHOUSE],
                       check=True)
    report = ROOT / "build" / f"lighthouse-{name}.json"
    subprocess.run(["node", str(cli), url, "--quiet", "--output=json", f"--output-path={report}",
                    f"--chrome-flags={CHROME_FLAGS}"], check=True, env=dict(os.environ, CHROME_PATH=CHROMIUM))
    data = json.loads(report.read_text())
    return {k: round((v["score"] or 0) * 100) for k, v in data["categories"].items()}


SAMPLES = ROOT / "tests" / "fixtures" / "shared" / "samples"


def import_time(work: Path) -> dict:
    """The two sample PDFs joined into one (44 pages) → seconds for `make import` of it (extract, parse, write)."""
    from pypdf import PdfWriter  # a test/dev dependency: only the benchmark joins PDFs

    from juesuan.importer.run import Overrides, run

    joined = work / "joined.pdf"
    writer = PdfWriter()
    for pdf in sorted(SAMPLES.glob("*.pdf")):
        writer.append(str(pdf))
    with joined.open("wb") as f:
        writer.write(f)
    pages = len(writer.pages)
    start = time.perf_counter()
    run(joined, work / "imported", overrides=Overrides(slug="bench-import"))
    return {"pages": pages, "seconds": round(time.perf_counter() - start, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    result: dict = {"builds": {}, "targets": TARGETS}
    try:
        result["import"] = import_time(work)
        print(f"import of a {result['import']['pages']}-page PDF: {result['import']['seconds']} s", file=sys.stderr)
        for n in args.sizes:
            pk = _packages(n, work / f"p{n}")
            result["builds"][n] = build(pk, work / f"site{n}" / "site")
            print(f"build of {n} report(s): {result['builds'][n]}", file=sys.stderr)
        site = work / f"site{args.sizes[0]}" / "site"
        # Pagefind: what a first search loads once, whatever the number of pages (the runtime, the UI and the
        # index metadata); the chunks a query then fetches are measured by the browser tests.
        fixed = ["pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "pagefind-worker.js", "pagefind-entry.json"]
        fixed += [p.name for p in (site / "pagefind").glob("wasm.*")] + [p.name for p in (site / "pagefind").glob("*.pf_meta")]
        result["search_runtime_kb"] = round(sum(len(gzip.compress((site / "pagefind" / n).read_bytes())) for n in fixed) / 1024, 1)
        server, base = serve(site)
        try:
            slug = discover(PACKAGES)[0].name
            chart_pages = sorted({str(p.parent.relative_to(site)) + "/" for p in site.rglob("index.html")
                                  if 'class="chart"' in p.read_text(encoding="utf-8")})
            measured = transfer(base, ["", f"{slug}/tables/01/"] + chart_pages)
            heaviest = max(chart_pages, key=lambda p: measured[p]["all_kb"])
            result["pages"] = {"home": measured[""], "table": measured[f"{slug}/tables/01/"],
                               "heaviest_chart": {"path": heaviest, **measured[heaviest]}}
            if not args.no_lighthouse:
                result["lighthouse"] = {"home": lighthouse(base, "home"), "heaviest_chart": lighthouse(base + heaviest, "chart")}
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["checks"] = _checks(result)
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(_table(result))
    print(f"\n(written to {out.relative_to(ROOT)})")
    return 0


def _checks(r: dict) -> dict[str, bool]:
    b = r["builds"]
    checks = {}
    if 1 in b and 100 in b:
        checks["100 reports ≤ 60 × one report"] = b[100]["seconds"] <= TARGETS["build_100_over_1"] * b[1]["seconds"]
        checks["100 reports ≤ 5 minutes"] = b[100]["seconds"] <= TARGETS["build_100_seconds"]
        checks["100 reports ≤ 2 GB peak"] = b[100]["peak_mb"] <= TARGETS["build_100_peak_mb"]
    if "pages" in r:
        checks["home ≤ 120 KB gzip"] = r["pages"]["home"]["all_kb"] <= TARGETS["home_kb"]
        checks["chart page ≤ 120 KB before interactive"] = r["pages"]["heaviest_chart"]["before_kb"] <= TARGETS["chart_before_kb"]
        checks["chart page ≤ 350 KB in all"] = r["pages"]["heaviest_chart"]["all_kb"] <= TARGETS["chart_all_kb"]
    checks["search runtime for a first search ≤ 150 KB gzip (index chunks not counted)"] = r["search_runtime_kb"] <= TARGETS["search_first_kb"]
    if "import" in r:
        checks[f"import of a {r['import']['pages']}-page PDF ≤ 15 s"] = r["import"]["seconds"] <= TARGETS["import_seconds"]
    for page, scores in r.get("lighthouse", {}).items():
        for cat, minimum in TARGETS["lighthouse"].items():
            checks[f"Lighthouse {page} {cat} ≥ {minimum}"] = scores.get(cat, 0) >= minimum
    return checks


def _table(r: dict) -> str:
    rows = [("measure", "value")]
    for n, v in r["builds"].items():
        rows.append((f"cold build, {n} report(s)", f"{v['seconds']} s, peak {v['peak_mb']} MB"))
    rows.append(("search runtime loaded on first search (gzip)", f"{r['search_runtime_kb']} KB"))
    if "import" in r:
        rows.append((f"make import, {r['import']['pages']}-page PDF", f"{r['import']['seconds']} s"))
    for name, v in r.get("pages", {}).items():
        rows.append((f"{name} page {v.get('path', '')}".strip(), f"{v['before_kb']} KB before charts are live, {v['all_kb']} KB in all"))
    for page, scores in r.get("lighthouse", {}).items():
        rows.append((f"Lighthouse {page}", " / ".join(f"{k} {v}" for k, v in scores.items())))
    rows += [(f"target: {k}", "met" if ok else "NOT MET") for k, ok in r["checks"].items()]
    width = max(len(a) for a, _ in rows)
    return "\n".join(f"{a.ljust(width)}  {b}" for a, b in rows)


if __name__ == "__main__":
    raise SystemExit(main())
