"""MkDocs hook: datapackage/ → generated report pages, published package files, the nav; then the search index of the built site.

MkDocs loads hooks by path; the work is done by juesuan.site.build (scripts/juesuan/site/build.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from juesuan.site import build  # noqa: E402


# Hosts that are not a published address (None: no site_url at all).
LOCAL_HOSTS = (None, "localhost", "127.0.0.1", "::1", "0.0.0.0")


def on_config(config):
    # A CI build is the one published: its canonical links, sitemap and citations must not name `make serve`'s address.
    if os.environ.get("CI", "").lower() in ("true", "1") and urlsplit(config.site_url or "").hostname in LOCAL_HOSTS:
        raise PluginError(f"in CI (CI=true) SITE_URL must be the published address, not {config.site_url or '(empty)'}")
    config.nav = build.nav()
    return config


def on_files(files, config):
    return build.add_files(files, config)


def on_page_markdown(markdown: str, page, config, files) -> str:
    build.page_meta(page.file.src_uri, page.meta)
    return markdown


def on_post_build(config):
    # Pagefind indexes the pages as written, in config.site_dir (make build: build/site.new).
    build.index_search(config)
