"""A page's Markdown → the same with its HTML blocks set aside behind placeholder paragraphs; the converted HTML → the blocks put back, with their anchors.

Generated pages are mostly HTML tables. Python-Markdown finds where each raw HTML block ends by
running html.parser over it, and MkDocs runs html.parser over the whole page again to list its
anchors: at hundreds of reports that was the largest part of rendering a page (issue 12). The
templates write well-formed HTML with every value escaped, so a block's end is found here by
counting its tags with a regular expression, the way Python-Markdown's parser counts them. A block
is set aside only when that is certain: it starts a line with a block-level tag after a blank
line, ends a line before a blank line, and holds no comment, script or style (anything else is
left to Markdown). It is put back byte for byte where Markdown would have put it, and its ids
join the page's anchors, so MkDocs still checks links into it. tests/test_blocks.py converts
every page of the report both ways and compares the HTML and the anchors.
"""

from __future__ import annotations

import html
import itertools
import re
import secrets

from markdown import Extension
from markdown.preprocessors import Preprocessor

# A start or end tag with its attributes, as the templates write them (values quoted, or bare words).
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(/?)>""")
_ATTR = re.compile(r"""([^\s"'=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_TAG_START = re.compile(r"</?[a-zA-Z]")
_UNSAFE = re.compile(r"<!|<\?|<script|<style|<textarea|<title", re.IGNORECASE)
_BLOCKS: dict[str, str] = {}  # placeholder → the HTML it stands for, until the page's HTML is put back
_PREFIX = "juesuanblock" + secrets.token_hex(6)  # per process: no text in a package can name a placeholder
_PLACEHOLDER = re.compile(f"<p>({_PREFIX}\\d+)</p>")
_COUNT = itertools.count()


def _end(lines: list[str], start: int) -> int | None:
    """The index of the line that ends the HTML block starting at lines[start], counting tags as Python-Markdown
    does (a closing tag pops up to its opening one; the block ends when none is open); None if unsure."""
    stack: list[str] = []
    for i in range(start, len(lines)):
        line = lines[i]
        tags = list(_TAG.finditer(line))
        if _UNSAFE.search(line) or len(tags) != len(_TAG_START.findall(line)):
            return None  # a comment, raw text or a tag this does not read: Markdown decides
        for m in tags:
            closing, tag, self_closing = m.group(1), m.group(2).lower(), m.group(4)
            if closing:
                if tag in stack:
                    while stack.pop() != tag:
                        pass
                if not stack:
                    # the block must end with this line, and a blank line (or the page's end) must follow
                    ok = m.end() == len(line) and (i + 1 == len(lines) or not lines[i + 1].strip())
                    return i if ok else None
            elif not self_closing and tag != "hr":  # Python-Markdown's parser treats <hr> as empty, other void tags not
                stack.append(tag)
        if not stack:
            return None
    return None


class SetAside(Preprocessor):
    """Replaces each HTML block that is certain to be one by a placeholder line (after Markdown's whitespace normalising)."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(lines):
            first = _TAG.match(lines[i]) if not i or not lines[i - 1].strip() else None
            if first is None or first.group(1) or not self.md.is_block_level(first.group(2).lower()):
                out.append(lines[i])  # Markdown text, or an inline tag starting a paragraph
                i += 1
                continue
            end = _end(lines, i)
            if end is None:
                return out + lines[i:]  # unsure where Markdown ends this block: the rest is Markdown's to read
            token = f"{_PREFIX}{next(_COUNT)}"
            _BLOCKS[token] = "\n".join(lines[i:end + 1]) + ("\n" if end + 1 < len(lines) else "")  # as Markdown keeps it
            out.append(token)
            i = end + 1
        return out


class BlocksExtension(Extension):
    def extendMarkdown(self, md) -> None:
        # after normalize_whitespace (30), before MkDocs' anchor scan (21) and Python-Markdown's html_block (20)
        md.preprocessors.register(SetAside(md), "juesuan_blocks", 25)


def ids(fragment: str) -> set[str]:
    """HTML → the anchors MkDocs would list in it: every id, and the name of an <a>."""
    found = set()
    for m in _TAG.finditer(fragment):
        if m.group(1):
            continue
        tag = m.group(2).lower()
        for a in _ATTR.finditer(m.group(3)):
            name, value = a.group(1).lower(), a.group(2)
            if value is not None and (name == "id" or (name == "name" and tag == "a")):
                found.add(html.unescape(value[1:-1] if value[:1] in "'\"" else value))
    return found


def restore(page_html: str) -> tuple[str, set[str]]:
    """A page's HTML after Markdown → the blocks put back in place of their placeholders, and the anchors they hold."""
    anchors: set[str] = set()

    def back(m: re.Match) -> str:
        block = _BLOCKS.pop(m.group(1))
        anchors.update(ids(block))
        return block

    restored = _PLACEHOLDER.sub(back, page_html)
    if anchors or restored != page_html:
        restored = restored.strip()  # as Markdown strips its output, after its own blocks are back
    if _BLOCKS:  # Markdown changed a placeholder: its block would be lost
        lost = len(_BLOCKS)
        _BLOCKS.clear()
        raise RuntimeError(f"{lost} HTML block(s) of the page were not found after Markdown (juesuan/site/blocks.py): "
                           "a template wrote one where Markdown does not expect a block.")
    return restored, anchors


def forget() -> None:
    """A new build: blocks of a page whose conversion failed are dropped."""
    _BLOCKS.clear()
