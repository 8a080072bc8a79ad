"""HTML blocks set aside from Markdown (juesuan/site/blocks.py): the same HTML as Python-Markdown makes, the same anchors as MkDocs lists."""

from __future__ import annotations

import re

import markdown
import pytest
from mkdocs.structure.pages import _HTMLHandler

from helpers.build import build_or_fail, copy_project
from juesuan.site import blocks

EXTENSIONS = ["attr_list", "def_list", "tables", "toc"]  # as mkdocs.yml lists them


def _both(source: str) -> tuple[str, str, int]:
    """Markdown → (Python-Markdown's HTML, the HTML with blocks set aside and put back, how many were set aside)."""
    plain = markdown.Markdown(extensions=EXTENSIONS).convert(source)
    converted = markdown.Markdown(extensions=[*EXTENSIONS, blocks.BlocksExtension()]).convert(source)
    aside = len(blocks._BLOCKS)
    restored, _ = blocks.restore(converted)
    return plain, restored, aside


@pytest.mark.parametrize("source, aside", [
    ("段落\n\n<div class=\"a\">\n<p>x</p>\n</div>\n", 1),  # the page's last block: Markdown strips the end
    ("段落\n\n<div>\n<p>x</p>\n</div>\n\n更多\n", 1),
    ("<div>a</div>\n\n<p>b</p>\n\n## 标题 {: data-pagefind-weight=\"0.5\" }\n\n<table><tr><td>1<br>2</td></tr></table>", 3),
    ("<div>\n\n<p>blank lines inside</p>\n\n</div>\n\ntext\n", 1),
    ("<ul>\n<li>a</li>\n</ul>\n后面紧接文字\n", 0),  # no blank line after: Markdown decides
    ("文字\n<div>x</div>\n\n", 0),  # no blank line before
    ("<div>x</div> 尾巴\n\n", 0),  # text after the closing tag
    ("<div><!-- note --></div>\n\n<div>later</div>\n\n", 0),  # a comment: the rest of the page is Markdown's
    ("<a href=\"x\">inline</a> starts a paragraph\n\n<div>then a block</div>\n\n", 1),
    ("<hr>\n\n<div>x</div>\n\n", 0),  # a line of only an empty tag: unsure, the rest is Markdown's
    ("<div>\tTabbed\t<span>x</span></div>\n\n", 1),  # after Markdown's tab expansion
    ("<div title=\"a > b\">x</div>\n\n", 1),
])
def test_same_html_as_markdown(source, aside):
    plain, restored, n = _both(source)
    assert restored == plain
    assert n == aside


def test_ids_are_the_anchors_mkdocs_lists():
    fragment = '<div id="a&amp;b"><a name="n1">x</a><span name="not-anchor" ID=\'c\'>y</span><p id=bare>z</p></div>'
    assert blocks.ids(fragment) == {"a&b", "n1", "c", "bare"}
    handler = _HTMLHandler()
    handler.feed(fragment)
    assert handler.present_anchor_ids == blocks.ids(fragment)


def test_a_lost_placeholder_is_an_error():
    md = markdown.Markdown(extensions=[*EXTENSIONS, blocks.BlocksExtension()])
    converted = md.convert("<div>x</div>\n\n")
    with pytest.raises(RuntimeError, match=r"^1 HTML block\(s\) of the page were not found after Markdown"):
        blocks.restore(converted.replace("<p>", "<p>changed "))
    assert blocks._BLOCKS == {}


def test_data_cannot_name_a_placeholder():
    plain, restored, _ = _both("juesuanblock0 and <div>x</div>\n\n<p>juesuanblock1</p>\n\n")
    assert restored == plain


ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


@pytest.mark.slow
def test_site_is_byte_identical_without_setting_blocks_aside(built_site_dir, tmp_path):
    """The real report's site built with Markdown reading every block itself is the same, page for page."""
    project = copy_project(tmp_path / "project")
    hook = project / "hooks" / "reports.py"
    line = "config.markdown_extensions.append(blocks.BlocksExtension())"
    assert line in hook.read_text(encoding="utf-8")
    hook.write_text(hook.read_text(encoding="utf-8").replace(line, "pass"), encoding="utf-8")
    plain = build_or_fail(tmp_path / "site", project, SITE_CACHE=str(tmp_path / "cache"), CHART_CACHE=str(tmp_path / "charts"))
    pages = sorted(p.relative_to(built_site_dir) for p in built_site_dir.rglob("*.html"))
    assert len(pages) == 37
    for rel in pages:
        built = (built_site_dir / rel).read_text(encoding="utf-8")
        assert built == (plain / rel).read_text(encoding="utf-8"), rel
        article = ARTICLE.search(built).group(1)
        handler = _HTMLHandler()
        handler.feed(article)
        assert blocks.ids(article) == handler.present_anchor_ids, rel
