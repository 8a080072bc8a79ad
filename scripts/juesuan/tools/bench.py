"""`python -m juesuan.tools.bench [--sizes 1 10 100 300] [--no-lighthouse]` → the performance table of the site (printed, and written to build/bench.json).

For each number of reports (the real one plus synthetic ones, juesuan/tools/synth.py): the cold
build (empty caches: time, CPU time, peak memory), the build after one package changes (the
build cache of the cold build kept: site/reuse.py; three changes, the median), and the bytes (gzip) a reader transfers for
the home page (everything before any interaction, at 390×844 and 1280×800), a first search and a
second one there, and a first search on the real report's overview page (juesuan/tools/reader.py).
For the smallest site also: a table page and the heaviest chart page before and after the charts
become interactive, the import of a 44-page PDF, and
Lighthouse scores (npm lighthouse@12.2.3, Debian's chromium). Targets are checked and reported
here, never in timed tests.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from juesuan.data.loader import discover
from juesuan.paths import PACKAGES, ROOT
from juesuan.tools import reader, synth

LIGHTHOUSE = "lighthouse@12.2.3"
TOOLS = ROOT / "build" / "bench-tools"
CHROMIUM = reader.CHROMIUM
CHROME_FLAGS = "--headless=new " + " ".join(reader.ARGS)
TARGETS = {
    "build_100_seconds": 120, "change_seconds": 20, "build_300_seconds": 360, "build_300_peak_mb": 2048,
    "home_kb": 120, "search_first_kb": 150, "chart_before_kb": 120, "chart_all_kb": 350, "import_seconds": 15,
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


def snapshot(dest: Path) -> Path:
    """A copy of the project as a fresh clone (plus files not yet committed) would have it, node_modules linked: the
    builds of one run measure one fixed code (an edit meanwhile would change every cache key)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode("utf-8")
    for rel in (f for f in listed.split("\0") if f and (ROOT / f).is_file()):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest / rel)
    (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return dest


def build(packages: Path, out: Path, caches: Path, project: Path = ROOT) -> dict:
    """A build of the project's site for the packages, with the chart and build caches in `caches` → wall and CPU seconds, peak memory (MB)."""
    env = dict(os.environ, DATAPACKAGE_DIR=str(packages), CHART_CACHE=str(caches / "charts"), SITE_CACHE=str(caches / "site"),
               NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="0")
    start = time.perf_counter()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("mkdocs")), "build", "--strict", "-q", "-d", str(out)],
                            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree = _TreeMemory(proc.pid)
    tree.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    tree.join()
    if status != 0:
        raise SystemExit(f"build of {packages} failed:\n{proc.stderr.read().decode()[-2000:]}")
    # peak: of the build's processes together (build shards, workers, Node, Pagefind run beside it), or of the largest
    # one alone when that is more (ru_maxrss: a peak between two samples)
    return {"seconds": round(seconds, 1), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_mb": round(max(tree.peak, usage.ru_maxrss * 1024) / 2**20, 1)}


class _TreeMemory(threading.Thread):
    """A process → the peak of the resident memory of it and all its descendants together, sampled every 0.2 s from
    /proc (Linux) until it ends. ru_maxrss alone is the largest single process: a build in shards runs several at once."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak = pid, 0

    def run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while os.path.exists(f"/proc/{self.pid}/stat"):
            children: dict[int, list[int]] = {}
            rss: dict[int, int] = {}
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry.name}/stat", encoding="utf-8", errors="replace") as f:
                        fields = f.read().rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, …
                except OSError:  # ended meanwhile
                    continue
                children.setdefault(int(fields[1]), []).append(int(entry.name))
                rss[int(entry.name)] = int(fields[21]) * page
            total, todo = 0, [self.pid]
            while todo:
                pid = todo.pop()
                total += rss.get(pid, 0)
                todo += children.get(pid, [])
            if os.path.exists(f"/proc/{self.pid}/stat"):  # a finished build's zombie holds no memory: not a sample
                self.peak = max(self.peak, total)
            time.sleep(0.2)


# One package is changed and the site built again this many times, another package each time: a single build's time
# varies by a tenth or more on a shared machine, so the table gives the median (and bench.json every one).
CHANGES = 3


def size(n: int, work: Path, project: Path) -> dict:
    """n reports → their cold build, the builds after one package changes (CHANGES times: the median), and the reader's
    bytes on the last changed site."""
    packages = _packages(n, work / f"p{n}")
    caches = work / f"caches{n}"
    out: dict = {"cold": build(packages, work / f"cold{n}", caches, project)}
    print(f"{n} report(s), cold: {out['cold']}", file=sys.stderr)
    shutil.rmtree(work / f"cold{n}")
    changes = []
    for k in range(CHANGES):
        shutil.rmtree(work / f"site{n}", ignore_errors=True)
        changed = synth.revise(packages, k)
        changes.append({"package": changed.name, **build(packages, work / f"site{n}", caches, project)})
        print(f"{n} report(s), one package changed: {changes[-1]}", file=sys.stderr)
    out["one_changed"] = {**sorted(changes, key=lambda c: c["seconds"])[len(changes) // 2],
                          "peak_mb": max(c["peak_mb"] for c in changes), "each": changes}
    # the home page (全部单位) and the real report's overview (its own unit's index on a large site)
    out["reader"] = reader.measure(work / f"site{n}", discover(PACKAGES)[0].name + "/overview/")
    shutil.rmtree(caches)
    return out


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


def pages(site: Path, no_lighthouse: bool) -> dict:
    """The smallest site → the real report's table page and heaviest chart page before/after charts are live; Lighthouse scores."""
    server, base = reader.serve(site)
    try:
        slug = discover(PACKAGES)[0].name
        # the real report's pages only: the smallest size of a run may have hundreds of reports
        chart_pages = sorted({str(p.parent.relative_to(site)) + "/" for p in (site / slug).rglob("index.html")
                              if 'class="chart"' in p.read_text(encoding="utf-8")})
        measured = transfer(base, [f"{slug}/tables/01/"] + chart_pages)
        heaviest = max(chart_pages, key=lambda p: measured[p]["all_kb"])
        out = {"pages": {"table": measured[f"{slug}/tables/01/"], "heaviest_chart": {"path": heaviest, **measured[heaviest]}}}
        if not no_lighthouse:
            out["lighthouse"] = {"home": lighthouse(base, "home"), "heaviest_chart": lighthouse(base + heaviest, "chart")}
        return out
    finally:
        server.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 300])
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--no-import", action="store_true")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    result: dict = {"sizes": {}, "targets": TARGETS}
    try:
        if not args.no_import:
            result["import"] = import_time(work)
            print(f"import of a {result['import']['pages']}-page PDF: {result['import']['seconds']} s", file=sys.stderr)
        project = snapshot(work / "project")
        for n in sorted(args.sizes):
            result["sizes"][n] = size(n, work, project)
            print(f"{n} report(s): {json.dumps(result['sizes'][n], ensure_ascii=False)}", file=sys.stderr)
            if n == min(args.sizes):
                result.update(pages(work / f"site{n}", args.no_lighthouse))
            shutil.rmtree(work / f"site{n}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["checks"] = checks(result)
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(table(result))
    print(f"\n(written to {out.relative_to(ROOT)})")
    return 0


def checks(r: dict) -> dict[str, bool]:
    """The measurements → each target of issue 12, met or not."""
    t, out = TARGETS, {}
    for n, m in r["sizes"].items():
        out[f"{n}: home page ≤ {t['home_kb']} KB gzip"] = max(m["reader"]["home_kb"].values()) <= t["home_kb"]
        out[f"{n}: first search ≤ {t['search_first_kb']} KB gzip"] = m["reader"]["first_search_kb"] <= t["search_first_kb"]
        if "report_first_search_kb" in m["reader"]:
            out[f"{n}: first search on a report's page ≤ {t['search_first_kb']} KB gzip"] = \
                m["reader"]["report_first_search_kb"] <= t["search_first_kb"]
        out[f"{n}: one package changed ≤ {t['change_seconds']} s"] = m["one_changed"]["seconds"] <= t["change_seconds"]
        if n == 100:
            out[f"100: cold build ≤ {t['build_100_seconds']} s"] = m["cold"]["seconds"] <= t["build_100_seconds"]
        if n == 300:
            out[f"300: cold build ≤ {t['build_300_seconds']} s"] = m["cold"]["seconds"] <= t["build_300_seconds"]
            out[f"300: peak memory ≤ {t['build_300_peak_mb']} MB"] = m["cold"]["peak_mb"] <= t["build_300_peak_mb"]
    if "pages" in r:
        out[f"chart page ≤ {t['chart_before_kb']} KB before interactive"] = r["pages"]["heaviest_chart"]["before_kb"] <= t["chart_before_kb"]
        out[f"chart page ≤ {t['chart_all_kb']} KB in all"] = r["pages"]["heaviest_chart"]["all_kb"] <= t["chart_all_kb"]
    if "import" in r:
        out[f"import of a {r['import']['pages']}-page PDF ≤ {t['import_seconds']} s"] = r["import"]["seconds"] <= t["import_seconds"]
    for page, scores in r.get("lighthouse", {}).items():
        for cat, minimum in t["lighthouse"].items():
            out[f"Lighthouse {page} {cat} ≥ {minimum}"] = scores.get(cat, 0) >= minimum
    return out


COLUMNS = ("reports", "cold build", "cold CPU", "peak MB", f"1 changed (median of {CHANGES})", "its CPU", "home KB 390/1280",
           "1st search KB home/report", "2nd search KB")


def table(r: dict) -> str:
    """The measurements → one table (a row per number of reports), then the other measures and the targets."""
    rows = [COLUMNS]
    for n, m in r["sizes"].items():
        c, x, rd = m["cold"], m["one_changed"], m["reader"]
        rows.append((str(n), f"{c['seconds']} s", f"{c['cpu_seconds']} s", f"{max(c['peak_mb'], x['peak_mb'])}",
                     f"{x['seconds']} s", f"{x['cpu_seconds']} s", f"{rd['home_kb']['390x844']} / {rd['home_kb']['1280x800']}",
                     f"{rd['first_search_kb']} / {rd.get('report_first_search_kb', '-')}", f"{rd['second_search_kb']}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
    extra = []
    if "import" in r:
        extra.append((f"make import, {r['import']['pages']}-page PDF", f"{r['import']['seconds']} s"))
    for name, v in r.get("pages", {}).items():
        extra.append((f"{name} page {v.get('path', '')}".strip(), f"{v['before_kb']} KB before charts are live, {v['all_kb']} KB in all"))
    for page, scores in r.get("lighthouse", {}).items():
        extra.append((f"Lighthouse {page}", " / ".join(f"{k} {v}" for k, v in scores.items())))
    extra += [(f"target: {k}", "met" if ok else "NOT MET") for k, ok in r["checks"].items()]
    width = max((len(a) for a, _ in extra), default=0)
    return "\n".join(lines + [""] + [f"{a.ljust(width)}  {b}" for a, b in extra])


if __name__ == "__main__":
    raise SystemExit(main())
