"""The site as a citizen reads it: copy buttons on citations, 报告错误 on every page, a Chinese 404 page, light and
dark schemes that pass axe, short nav labels over official page titles, no ids in the visible text, the
one-screen summary of 数据核验; and a build for publishing refuses to run without its address.

The site is built once for this module with SITE_REPO set (as the Pages workflow sets it from GITHUB_REPOSITORY),
so 报告错误 opens a GitHub issue; it is served like GitHub Pages, 404.html answering any missing address.
Browser tests drive Debian's chromium (fixture `chromium`) at 390x844 and 1280x800.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import shutil
import tempfile
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from helpers.build import build_or_fail, mkdocs_build
from helpers.data import first_report
from helpers.htmltree import Node, parse_html
from helpers.paths import ROOT, SLUG
from helpers.site import page_urls

pytestmark = pytest.mark.slow

REPO = "example-owner/juesuan-site"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SIZES = [(390, 844), (1280, 800)]
R = f"{SLUG}/"
TIMEOUT_MS = 10_000


# ---- the site, built with a repository for 报告错误, served as GitHub Pages serves it ------------------------
class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Like GitHub Pages: a missing address gets the site's 404.html with status 404."""

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def _serve(directory: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_PagesHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def built():
    tmp = Path(tempfile.mkdtemp(prefix="readers-site-"))
    try:
        yield build_or_fail(tmp / "site", SITE_REPO=REPO, REPORT_ERROR_URL="")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def base(built):
    with _serve(built) as url:
        yield url


def _tree(built: Path, page: str) -> Node:
    return parse_html((built / page / "index.html").read_text(encoding="utf-8"))


def _canonical(tree: Node) -> str:
    return next(n.attrs["href"] for n in tree.select("link") if n.attrs.get("rel") == "canonical")


@contextlib.contextmanager
def _page(chromium, size, **options):
    context = chromium.new_context(viewport={"width": size[0], "height": size[1]}, service_workers="block", **options)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


# ---- 5a. copy buttons on citations ---------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
@pytest.mark.parametrize("which", ["gbt", "bib"])
def test_copy_button_puts_the_citation_on_the_clipboard(chromium, base, built, size, which):
    from juesuan.site import citation

    report, table = first_report(), R + "tables/03/"
    title = f"{report.descriptor['title']}：" + next(s.title for s in _specs() if s.url == table)
    url = _canonical(_tree(built, table))
    expected = citation.gbt7714(report, title, url) if which == "gbt" else \
        citation.bibtex(report, title, url, next(s.key for s in _specs() if s.url == table))
    with _page(chromium, size, permissions=["clipboard-read", "clipboard-write"]) as page:
        page.goto(base + table, wait_until="load")
        block = page.locator("details.cite").last
        block.locator("summary").click()
        button = block.locator(f"button[data-cite-copy='{which}']")
        assert button.is_visible() and button.inner_text() == "复制"
        button.focus()  # keyboard: a real <button>, reached and pressed with the keyboard
        page.keyboard.press("Enter")
        page.wait_for_function("b => b.textContent === '已复制'", arg=button.element_handle())
        assert block.locator(".cite-status").inner_text() == "已复制"
        assert page.evaluate("() => navigator.clipboard.readText()") == expected


def test_copy_works_without_the_clipboard_api(chromium, base, built):
    """A page opened over plain http on another host has no navigator.clipboard: the fallback copies."""
    keep = "window.__clip = navigator.clipboard; Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});"
    with _page(chromium, SIZES[1], permissions=["clipboard-read", "clipboard-write"]) as page:
        page.add_init_script(keep)
        page.goto(base + R + "data/", wait_until="load")
        block = page.locator("details.cite").first
        block.locator("summary").click()
        block.locator("button[data-cite-copy='gbt']").click()
        page.wait_for_function("() => document.querySelector('.cite-status').textContent === '已复制'")
        assert page.evaluate("() => window.__clip.readText()") == block.locator("pre").first.inner_text()


# ---- 7. 报告错误 and the 404 page ------------------------------------------------------------------------
def test_every_page_reports_errors_to_the_repository_with_its_address(built):
    bad = []
    for page in page_urls(built):
        tree = _tree(built, page)
        links = [a for a in tree.select("a", "report-error")]
        if len(links) != 1 or links[0].text() != "报告错误":
            bad.append(f"/{page}: {len(links)} 报告错误 links")
            continue
        href = urlsplit(links[0].attrs["href"])
        query = parse_qs(href.query)
        if (href.scheme, href.netloc, href.path) != ("https", "github.com", f"/{REPO}/issues/new"):
            bad.append(f"/{page}: {links[0].attrs['href']}")
        elif query.get("body") != ["页面地址：" + _canonical(tree)] or not query["title"][0].startswith("页面有误："):
            bad.append(f"/{page}: {query}")
    assert bad == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_report_error_names_the_address_the_reader_opened(chromium, base, size):
    with _page(chromium, size) as page:
        page.goto(base + R + "checks/#发现一览", wait_until="load")
        link = page.locator("footer a.report-error")
        link.scroll_into_view_if_needed()
        assert link.is_visible()
        body = parse_qs(urlsplit(link.get_attribute("href")).query)["body"]
        opened = page.evaluate("() => location.href")
        assert opened.startswith(f"{base}{R}checks/#") and body == [f"页面地址：{opened}"]


def test_without_a_target_report_error_goes_to_the_about_page(built_site_dir):
    """The session's build has neither SITE_REPO nor REPORT_ERROR_URL (unless CI set one): the about page's section."""
    tree = _tree(built_site_dir, R + "tables/03/")
    href = tree.one("a", "report-error").attrs["href"]
    assert href == "../../../about/#报告错误"
    assert _tree(built_site_dir, "about/").select(id="报告错误")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_404_page_is_chinese_with_search_home_and_report_error(chromium, base, built, size):
    missing = R + "no/such/page/"
    # GitHub Pages serves 404.html for a missing address at any depth: its links start at the site's base.
    static = parse_html((built / "404.html").read_text(encoding="utf-8"))
    assert [a.attrs["href"] for a in static.one(cls="not-found").select("a") if a.text() == "回到首页"] == ["/."]
    with _page(chromium, size) as page:
        response = page.goto(base + missing, wait_until="load")
        assert response.status == 404
        assert page.evaluate("() => document.documentElement.lang") == "zh"
        assert page.title() == "找不到页面 - 决算公开数据"
        assert page.locator("article h1").inner_text() == "找不到这个页面"
        article = page.locator(".not-found")
        # 报告错误: the issue names the address that was not found.
        report = article.locator("a.report-error")
        assert parse_qs(urlsplit(report.get_attribute("href")).query)["body"] == [f"页面地址：{base}{missing}"]
        # Search: the button opens the site's search dialog, whose UI loads from the site root.
        # Search: the button opens the site's search dialog, whose index loads from the site root at any depth;
        # a reader types a word (as an IME commits it) and gets pages of the site.
        article.get_by_role("button", name="搜索本站").click()
        page.wait_for_selector("#site-search[data-state=ready]")
        page.wait_for_function("() => document.activeElement && document.activeElement.matches('[data-site-search-input]')")
        page.keyboard.insert_text("三公经费")
        page.wait_for_function("() => document.querySelectorAll('.site-search__title a').length > 0")
        hits = page.eval_on_selector_all(".site-search__title a", "els => els.map(e => e.href)")
        assert all(h.startswith(base + R) for h in hits), hits
        page.keyboard.press("Escape")  # the first clears the box, the second closes the dialog
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.getElementById('site-search').open")
        # Home: absolute from the site's base, so it works at any depth.
        home = article.get_by_role("link", name="回到首页")
        assert home.evaluate("a => a.href") == base
        home.click()
        page.wait_for_url(base)


# ---- 9. dark mode ---------------------------------------------------------------------------------------
AXE_PAGES = ["", R + "tables/03/", R + "figures/", R + "checks/"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_passes_in_both_colour_schemes(chromium, base, scheme):
    found = {}
    with _page(chromium, SIZES[1], color_scheme=scheme) as page:
        for path in AXE_PAGES:
            page.goto(base + path, wait_until="load")
            shown = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
            assert shown == {"light": "default", "dark": "slate"}[scheme], path
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
                .violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: '
                                + n.failureSummary.split('\\n').slice(1, 2).join('')).join(' | '))""")
            if violations:
                found[path or "/"] = violations
    assert found == {}, "\n".join(f"/{p}: {v}" for p, vs in found.items() for v in vs)


def test_the_toggle_switches_the_scheme_and_is_remembered(chromium, base):
    with _page(chromium, SIZES[0], color_scheme="light") as page:
        page.goto(base, wait_until="load")
        page.get_by_title("切换到深色模式").click()
        assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate"
        page.goto(base + R + "checks/", wait_until="load")
        assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate"
        page.get_by_title("切换到浅色模式").click()
        assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "default"


# ---- 12. short nav labels, official titles ------------------------------------------------------------
def _specs():
    from juesuan.site import pages

    return pages.pages(first_report())


def test_nav_shows_the_formats_short_labels_and_pages_the_official_titles(built):
    fmt = first_report().format
    short = {t["number"]: t["nav_label"] for t in fmt["tables"].values()}
    sections = fmt["parts"]["explanation"]["nav_labels"]
    checked = 0
    for spec in _specs():
        if spec.kind not in ("table", "section"):
            continue
        tree = _tree(built, spec.url)
        active = [a.text().strip() for a in tree.select("a", "md-nav__link--active")]
        label = short[int(spec.src[-5:-3])] if spec.kind == "table" else sections[spec.title.split("、", 1)[1].strip()]
        assert active == [label], spec.url
        assert tree.one("h1").text().strip().replace(" ", "") == spec.title.replace(" ", ""), spec.url
        checked += 1
    assert checked == 25
    parts = [a.text().strip() for a in _tree(built, R).select("span", "md-ellipsis")]
    for part in ("单位概况", "决算说明", "名词解释", "项目绩效", "附表"):
        assert part in parts


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_a_reader_finds_a_table_by_its_short_label(chromium, base, size):
    with _page(chromium, size) as page:
        page.goto(base + R + "tables/02/", wait_until="load")
        if size[0] < 1220:  # the nav is in the drawer
            page.locator("label.md-header__button[for='__drawer']").click()
        # On a phone Material shows the active page as a label (its toc toggle), the link itself hidden.
        link = page.locator("nav.md-nav--primary .md-nav__link--active:visible").first
        link.wait_for(state="visible")
        assert link.inner_text().strip() == "收入"
        assert page.locator("article h1").inner_text().replace(" ", "") == "附表二收入决算表"


# ---- 6. no ids in the visible text ----------------------------------------------------------------------
HIDDEN = {"code", "pre", "script", "style", "svg", "template", "head"}


def _visible(node, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(node)
    elif node.tag not in HIDDEN and "muted" not in node.classes and "hidden" not in node.attrs:
        for child in node.children:
            _visible(child, out)


def _jargon():
    report = first_report()
    prefixes = sorted({f.split(".")[0] for f in report.figures})
    names = sorted((r["name"] for r in report.descriptor["resources"]), key=len, reverse=True)
    checks = sorted((r["id"] for r in report.rows["relations"]), key=len, reverse=True)
    return [re.compile(rf"(?<![\w.])(?:{'|'.join(prefixes)})\.[a-z0-9_.*]+"),
            re.compile(rf"(?<![A-Za-z0-9_])(?:{'|'.join(map(re.escape, names))})(?![A-Za-z0-9_])"),
            re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, checks))})(?![\w-])")]


def test_no_figure_id_resource_name_or_check_id_in_visible_text(built):
    patterns, found = _jargon(), {}
    pages = [built / u / "index.html" for u in page_urls(built)] + [built / "404.html"]
    assert len(pages) == len(_specs()) + 3  # the report's pages, the site's home and about, 404
    for path in pages:
        out: list[str] = []
        _visible(parse_html(path.read_text(encoding="utf-8")), out)
        text = "".join(out)
        hits = sorted({m.group() for p in patterns for m in p.finditer(text)})
        if hits:
            found[str(path.relative_to(built))] = hits[:8]
    assert found == {}


def test_formulas_are_written_in_words_with_the_ids_muted(built):
    report = first_report()
    tree = _tree(built, R + "figures/")
    derived = [f for f in report.rows["figures"] if f["status"] == "derived"]
    rows = {n.attrs["id"]: n for n in tree.select("tr") if n.attrs.get("id", "").startswith("fig-")}
    for f in derived:
        row = rows["fig-" + f["id"].replace(".", "-")]
        words = row.one("span", "formula").text()
        for fid in re.findall(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+", f["formula"]):
            assert report.figure(fid)["label"] in words, f["id"]
        assert [c.text() for c in row.select("code", "muted")][0] == f["formula"]


# ---- 10. 数据核验's summary ------------------------------------------------------------------------------
def test_checks_page_summarises_the_findings_on_one_screen(built):
    from juesuan import checks

    report = first_report()
    results = checks.run(report)[0]
    tree = _tree(built, R + "checks/")
    table = tree.one("table", "findings-summary")
    rows = [[td.text() for td in tr.select("td")] for tr in table.select("tbody")[0].select("tr")]
    assert [r[:3] for r in rows] == [[f["id"], f["kind"], f["title"]] for f in report.rows["findings"]]
    for row, f in zip(rows, report.rows["findings"]):
        assert row[3].startswith("原文第" + "、".join(f["lines"].split()) + "行"), f["id"]
    failed = [c for c in results if c.failed]
    with_failed = {c.finding for c in failed}
    note = tree.one("p", "count-note").text()
    numbers = [int(n) for n in re.findall(r"\d+", re.sub(r"F\d+", "", note))]
    most = max(report.rows["findings"], key=lambda f: sum(c.finding == f["id"] for c in failed))
    assert numbers == [len(failed), len(with_failed), sum(c.finding == most["id"] for c in failed),
                       len(report.rows["findings"]) - len(with_failed)]
    assert f"如 {most['id']} 包含" in note
    # The summary comes before the details, the first thing under the counts.
    h2 = [h.text() for h in tree.select("h2")]
    assert h2[:2] == ["发现一览", "发现"]


# ---- 5b. a build for publishing needs its address -----------------------------------------------------
def test_deployment_build_without_site_url_fails_in_one_line(tmp_path):
    out = tmp_path / "site"
    done = mkdocs_build(out, DEPLOY="1", CI="false", SITE_URL="")
    assert done.returncode == 1, done.stdout[-3000:]
    errors = [line for line in done.stdout.splitlines() if line.startswith("ERROR")]
    assert errors == ["ERROR   -  DEPLOY=1 (a build to publish) needs SITE_URL, the published address such as "
                      "https://<owner>.github.io/<repository>/; it is not set. Set it, or build without DEPLOY."]
    assert "Traceback" not in done.stdout
    assert not out.exists()
