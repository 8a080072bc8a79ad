"""MkDocs hook: datapackage/ → generated report pages, published package files, the nav, and the jieba user dictionary.

MkDocs loads hooks by path; the work is done by juesuan.site.build (scripts/juesuan/site/build.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from juesuan.site import build  # noqa: E402


def on_startup(command: str, dirty: bool) -> None:
    # The search plugin loads the user dictionary in its on_config, which runs before this hook's.
    build.write_user_dictionary()


def on_config(config):
    config.nav = build.nav()
    return config


def on_files(files, config):
    return build.add_files(files, config)


def on_page_markdown(markdown: str, page, config, files) -> str:
    build.page_meta(page.file.src_uri, page.meta)
    return markdown
