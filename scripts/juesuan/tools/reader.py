"""A built site + Debian's chromium (Playwright) → the bytes (gzip) a reader transfers: a page load, a first search, a second one,
and a first search on a report's page.

Driven as a person: the page is loaded until the network is idle, the search dialog is opened with
the keyboard (Tab to the header's 搜索 button, Enter), and queries are typed, ASCII key by key and
Chinese as an input method commits it (as tests/test_site_search.py does). Every response is
counted at the size gzip -9 gives its body, as a compressing server would send it. The sizes only
are measured here; the targets are checked by juesuan/tools/bench.py.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import re
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 20_000
VIEWPORTS = ((390, 844), (1280, 800))  # the search is measured in the last
# Two queries any report of the format finds: a word of its text, then a budget code of its tables.
FIRST, SECOND = "养老金", "2080505"


class _Gzip(http.server.SimpleHTTPRequestHandler):
    """Serves like GitHub Pages: text responses gzip-compressed when the client accepts it."""

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
    """Serve a built site on 127.0.0.1 (a free port, a background thread) → (server, base URL)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Gzip, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def gzip_size(responses) -> int:
    """Responses → the sum of their bodies' gzip -9 sizes (a redirect or an aborted request counts 0)."""
    total = 0
    for r in responses:
        try:
            total += len(gzip.compress(r.body(), 9))
        except Exception:  # noqa: BLE001 - no body to count
            pass
    return total


def type_query(page, text: str) -> None:
    """Clear the search box with keys, then type: ASCII key by key, Chinese as an IME commits it."""
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    for run in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
        if run.isascii():
            page.keyboard.type(run, delay=20)
        else:
            page.keyboard.insert_text(run)


def _open_search(page) -> None:
    """Tab until the header's search button has focus, press Enter; wait until the box has focus and the index is ready."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => { const b = document.activeElement; return !!b && b.matches('button') && "
                         "(b.getAttribute('aria-label') || b.textContent).trim() === '搜索'; }"):
            break
    else:
        raise RuntimeError("no 搜索 button reached with Tab from the top of the page")
    page.keyboard.press("Enter")
    page.wait_for_selector("#site-search[data-state=ready]")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('[data-site-search-input]')")


def _results_for(page, term: str) -> int:
    """Wait until the dialog reports results for `term` → how many result links it shows."""
    page.wait_for_function(
        "t => { const m = document.querySelector('[data-site-search-status]');"
        " return m && m.textContent.includes('“' + t + '”') && /结果/.test(m.textContent)"
        " && !document.querySelector('#site-search[aria-busy]'); }", arg=term)
    return page.locator(".site-search__title a").count()


def _loaded(browser, url: str, width: int, height: int):
    """A fresh context (cold cache) at this viewport with url loaded until the network is idle → (context, page, the
    responses it got, a list that goes on collecting them)."""
    context = browser.new_context(service_workers="block", viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log: list = []
    page.on("response", lambda r: log.append(r))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # charts.js makes a chart in view live without any gesture
    page.wait_for_load_state("networkidle")
    return context, page, log


def _search(page, log: list, term: str) -> tuple[int, int]:
    """Type term in the open search box → (bytes in the log once its results show, results shown); the log is cleared."""
    type_query(page, term)
    found = _results_for(page, term)
    page.wait_for_load_state("networkidle")
    size = gzip_size(log)
    log.clear()
    return size, found


def measure(site: Path, report_page: str | None = None) -> dict:
    """A built site → KB (gzip) for the home page's load at each viewport, a first search typed there, a second one; the
    results found; and, given a report's page (site-relative), a first search typed on it (a report's own scope)."""
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    out: dict = {"home_kb": {}}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                for width, height in VIEWPORTS:  # the home page's load, each viewport in a fresh context (cold cache)
                    context, page, log = _loaded(browser, base, width, height)
                    out["home_kb"][f"{width}x{height}"] = round(gzip_size(log) / 1024, 1)
                    log.clear()  # what opening the search fetches counts for the first search
                    if (width, height) != VIEWPORTS[-1]:
                        context.close()
                _open_search(page)
                first, out["first_results"] = _search(page, log, FIRST)
                second, out["second_results"] = _search(page, log, SECOND)
                out["first_search_kb"], out["second_search_kb"] = round(first / 1024, 1), round(second / 1024, 1)
                context.close()
                if report_page is not None:
                    context, page, log = _loaded(browser, base + report_page, *VIEWPORTS[-1])
                    log.clear()
                    _open_search(page)
                    report, out["report_results"] = _search(page, log, FIRST)
                    out["report_first_search_kb"] = round(report / 1024, 1)
                    context.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out
