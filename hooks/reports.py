"""MkDocs hook: datapackage/ → generated report pages, published package files, the nav; then the search index of the built site.

MkDocs loads hooks by path; the work is done by juesuan.site.build (scripts/juesuan/site/build.py).
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from mkdocs.exceptions import Abort, PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from juesuan.charts import files as chart_files  # noqa: E402
from juesuan.data import messages  # noqa: E402
from juesuan.data.problems import PackageLacks  # noqa: E402
from juesuan.site import blocks, build, reuse, search_index, shards, spill  # noqa: E402
from juesuan.site.publish import LOCAL_HOSTS, problems  # noqa: E402,F401  (LOCAL_HOSTS: read by the tests)


def on_config(config):
    shards.on_config(config)
    # A build in CI or for publishing (DEPLOY=1) must name the published address: its canonical links, sitemap,
    # citations and 报告错误 links are read from it; and 报告错误 must lead somewhere real.
    found = problems(os.environ, config.site_url, getattr(config, "extra", None) or {})
    if found:
        raise PluginError("\n".join(found))
    # HTML blocks skip Markdown's HTML parser (site/blocks.py): an instance, so no import path is needed to load it
    config.markdown_extensions.append(blocks.BlocksExtension())
    blocks.forget()
    try:
        config.nav = build.nav()
    except PackageLacks as exc:  # a check or the nav needs what the package lacks: one located line, no traceback
        raise Abort(f"{messages.LACKS_HEADING}\n{exc}\n{messages.RUN_VALIDATE}") from None
    return config


def on_files(files, config):
    files = build.add_files(files, config)
    if shards.own() is None:  # a build shard writes no files (shards.on_env): the build that started it links them
        reuse.link_in_background(files)  # while MkDocs makes the nav and converts and writes the pages
    return files


def on_nav(nav, config, files):
    chart_files.drawn()  # every chart was drawn with the files (on_files): not held while pages are converted and written
    return nav


def on_pre_page(page, config, files):
    reuse.on_pre_page(page)
    return page


def on_page_markdown(markdown: str, page, config, files) -> str:
    build.page_meta(page.file.src_uri, page.meta)
    return markdown


def on_page_content(html: str, page, config, files) -> str:
    try:
        html, anchors = blocks.restore(html)
    except RuntimeError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from None
    if page.present_anchor_ids is not None:
        page.present_anchor_ids |= anchors  # MkDocs checks links into them
    reuse.on_content(page, files)
    build.done_with(page.file.src_uri)
    # MkDocs converts every page before it writes any, and keeps both texts to the end: with hundreds of reports
    # that is most of a build's memory (issue 12). Once it is HTML, only Page.title reads the Markdown (it is None
    # without it), so the title is fixed first (for the nav, the footer's previous/next links and <title>).
    page.title = page.title
    page.markdown = None
    return spill.put(page, html)  # and the HTML waits on disk until the page is written (site/spill.py)


def on_page_context(context, page, config, nav):
    spill.get(page)
    return context


def on_env(env, config, files):
    shards.on_env(files)
    return env


def on_post_page(output: str, page, config) -> str:
    # A page an earlier build rendered from the same inputs: its stored HTML (scripts/juesuan/site/reuse.py).
    output = reuse.on_post_page(output, page)
    if shards.own() is not None and page.file.src_uri in reuse.MISSES:
        search_index.space_ahead(output)
    page.content = None  # written: only its anchors and links are read again (MkDocs' anchor check)
    return output


def on_post_build(config):
    # Pagefind indexes the pages as written, in config.site_dir (make build: build/site.new).
    spill.finish()
    try:
        reuse.linked()  # every reused page and stored file is in the site before Pagefind reads it
    except RuntimeError as exc:
        raise PluginError(str(exc)) from None
    if shards.own() is None:  # a build shard's pages are searched in the build that started it
        build.index_search(config)
    reuse.finish()  # the pages rendered in this build join the cache, unless something warned


def on_build_error(error):
    spill.finish()
    reuse.linked(quiet=True)  # the build's own error is the one to report


def on_shutdown():
    # MkDocs is done (a build, or `mkdocs serve` stopping) and the process ends. Python's last collection would walk every
    # object the build made, only to free memory the process returns anyway: 2.5 s of a one-package change of 300
    # reports (issue 12), and as much again in each build shard of a cold build. Frozen objects are not walked.
    gc.freeze()
