"""The built site as the tests see it: where it is on disk and served (``Site``), its pages and its navigation."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from helpers.htmltree import parse_html


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


def page_urls(site_dir: Path) -> list[str]:
    """Every page of the build as a site-relative directory URL ('' for the home), sorted."""
    urls = sorted(p.parent.relative_to(site_dir).as_posix() + "/" for p in site_dir.rglob("index.html"))
    return ["" if u == "./" else u for u in urls]


def _nav_links(site_dir: Path, page: str) -> list[str]:
    """One built page's navigation → the page URLs it links to, site-relative ('' for the home)."""
    tree = parse_html((site_dir / page / "index.html").read_text(encoding="utf-8"))
    urls: list[str] = []
    for a in tree.select("a", "md-nav__link"):
        href = a.attrs.get("href")
        if not href or re.match(r"^[a-z]+:", href) or href.startswith("#"):
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
