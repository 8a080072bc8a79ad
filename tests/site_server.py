"""Fixtures for the rendered-site tests: the site built once with the real mkdocs CLI, served over
http on 127.0.0.1, and one headless Chromium (Debian's) shared by the browser tests.

Test modules load this file with ``pytest_plugins = ["site_server"]``, so each fixture is
registered once and the site is built once per test run, however many modules use it.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).with_name("mkdocs")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


# ---- the built site ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Site:
    """The built site on disk and the address it is served at."""

    dir: Path
    base: str  # "http://127.0.0.1:PORT/"
    host: str  # "127.0.0.1:PORT"

    def url(self, path: str) -> str:
        """Site-relative URL ('a/b/') → absolute URL on the local server."""
        return self.base + path.lstrip("/")

    def html(self, path: str) -> str:
        """Site-relative directory URL ('a/b/' or '') → the text of its built index.html."""
        return (self.dir / path / "index.html").read_text(encoding="utf-8")


def build_site(dest: Path) -> None:
    """Build the site into dest with the real mkdocs CLI, strict; CalledProcessError on failure."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    subprocess.run([str(MKDOCS), "build", "--strict", "-d", str(dest)], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="session")
def built_site_dir():
    """The site, built once per test run into a temporary directory (removed afterwards)."""
    tmp = Path(tempfile.mkdtemp(prefix="site-test-"))
    try:
        build_site(tmp / "site")
        yield tmp / "site"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def site(built_site_dir):
    """The built site served over http on 127.0.0.1 with a free port (a background thread)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        yield Site(built_site_dir, f"http://127.0.0.1:{port}/", f"127.0.0.1:{port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# ---- the browser -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium (the Debian package) for the whole run."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        pw.stop()


# ---- the site's nav, read from the build ----------------------------------------------------------
class _NavLinks(HTMLParser):
    """Collects the href of every a.md-nav__link inside the primary nav."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "md-nav__link" in (a.get("class") or "").split() and a.get("href"):
            self.hrefs.append(a["href"])


def _nav_links(site_dir: Path, page: str) -> list[str]:
    """One built page's navigation → the page URLs it links to, site-relative ('' for the home)."""
    parser = _NavLinks()
    parser.feed((site_dir / page / "index.html").read_text(encoding="utf-8"))
    urls: list[str] = []
    for href in parser.hrefs:
        if re.match(r"^[a-z]+:", href) or href.startswith("#"):
            continue
        path = os.path.normpath(os.path.join(page, href.split("#")[0])).replace(os.sep, "/")
        path = "" if path == "." else path.strip("/") + "/"
        if path not in urls:
            urls.append(path)
    return urls


def nav_urls(site_dir: Path) -> list[str]:
    """The built navigation → every page URL, site-relative ('' for the home), in nav order.

    Material's navigation.prune renders only the open branch in each page, so the whole nav is
    the union of the pages' navs; its order is the chain of the footer's "next" links."""
    seen, queue = [""], [""]
    while queue:
        for url in _nav_links(site_dir, queue.pop(0)):
            if url not in seen:
                seen.append(url)
                queue.append(url)
    order, page = [""], ""
    while True:
        html = (site_dir / page / "index.html").read_text(encoding="utf-8")
        nxt = re.search(r'<a href="([^"]+)" class="md-footer__link md-footer__link--next"', html)
        if not nxt:
            break
        page = os.path.normpath(os.path.join(page, nxt.group(1))).replace(os.sep, "/").strip("/") + "/"
        order.append(page)
    assert sorted(order) == sorted(seen), "the footer chain and the navigation list different pages"
    return order


# ---- a small HTML tree (stdlib html.parser) for reading the built pages ----------------------------
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict
    children: list
    parent: "Node | None" = None

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def text(self) -> str:
        """All text inside this element, concatenated (as textContent)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        """This element and every element inside it, in document order."""
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def select(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Node"]:
        """Descendants (and self) with the tag, the class and the exact attribute values given."""
        return [n for n in self.iter()
                if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.attrs.get(k) == v for k, v in attrs.items())]

    def one(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Node":
        found = self.select(tag, cls, **attrs)
        assert len(found) == 1, f"expected one <{tag} class={cls} {attrs}>, found {len(found)}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, [])
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, [], self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: (v if v is not None else "") for k, v in attrs}, [], self.current))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        node = self.current
        while node is not self.root and node.tag != tag:  # close elements left open (e.g. <p> before </div>)
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    """HTML text → its element tree."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root
