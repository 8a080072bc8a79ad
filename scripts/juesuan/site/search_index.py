"""The built site's HTML pages → its Pagefind index (<site>/pagefind/), every Han character a word of its own.

Why characters: a browser segments the reader's query with its own dictionary (Intl.Segmenter: ICU in
Chromium, another in Safari or Firefox), Pagefind segmented the pages with another (jieba), and a word
cut differently on the two sides is never found (年初结转和结余: 年初|结|转|… against 年初|结转|和|结余).
So Pagefind indexes a copy of each page whose text has a space around every Han character, and
docs/assets/search.js spaces the query the same way (HAN below and HAN in search.js are one pattern;
tests/test_site_search.py checks they agree): both sides then hold single characters, whatever the
browser. search.js asks Pagefind for the phrase (characters adjacent, in order) first, then for all
the characters anywhere. Only the index sees the spaces: the published pages are untouched, and
search.js removes them from the excerpts it shows.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from juesuan import cache

# Pages that list or check every figure repeat the words of the pages that explain them; a reader looking
# for a word wants the explanation or the table first (issue 12), so their words weigh less (Pagefind's
# data-pagefind-weight on the page's body, overrides/main.html). A table names in its rows what the
# explanation writes about, so it weighs a little less than the explanation. By page kind (site/kinds.py);
# others weigh 1. Measured with the queries of tests/test_site_search.py.
WEIGHTS = {"figures": 0.3, "checks": 0.3, "table": 0.8}
H1_WEIGHT = 7  # Pagefind's own weight for an h1

# The index in chunks of about this many bytes (Pagefind's default is about 20 000): a query fetches the chunks
# holding its characters, and one character per chunk of a few KB keeps a first search small (issue 12:
# ≤ 150 KB gzip; tests/test_site_search.py prints it). Pagefind 1.5 reads it from an "unstable" variable
# (requirements pin the version); a later Pagefind without it builds the default chunks, still correct.
INDEX_CHUNK_BYTES = 5000

# Han ideographs: the CJK Unified Ideographs, Extension A, the compatibility block and the supplementary planes.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RUN = re.compile(f"[{HAN}]+")
_SPACES = re.compile(r" {2,}")


def _run(m: re.Match) -> str:
    return " " + " ".join(m.group(0)) + " "


def spaced(text: str) -> str:
    """Text → the same text with a space around every Han character ('e社保' → 'e 社 保 ')."""
    return _SPACES.sub(" ", _HAN_RUN.sub(_run, text))


# A page's markup, in the order a parser meets it: comments, <script>/<style> with their code, and tags (quoted
# attribute values may hold ">"); the text between them is what is spaced. A regular expression, not html.parser:
# spacing every page was most of a build's own time at 100 reports (issue 12), and this is about ten times faster.
_MARKUP = re.compile(r"<!--.*?-->|<(script|style)(?=[\s/>])(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?</\1\s*>"
                     r"|<[!?/]?[A-Za-z](?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S | re.I)
_H1 = re.compile(r"<h1(?=[\s/>])", re.I)
_WEIGHT = re.compile(r"\sdata-pagefind-weight\s*=", re.I)  # the attribute, not the words inside another one's value


def _tag(markup: str) -> str:
    if _H1.match(markup) and not _WEIGHT.search(markup):
        # a page's title keeps Pagefind's weight for h1 even when its page weighs less (WEIGHTS)
        return markup[:3] + f' data-pagefind-weight="{H1_WEIGHT}"' + markup[3:]
    return markup


def spaced_html(html: str) -> str:
    """An HTML page → the copy Pagefind indexes (its text spaced, see the module's docstring); tags, attributes,
    entities, comments, scripts and styles as they were."""
    out: list[str] = []
    at = 0
    for m in _MARKUP.finditer(html):
        out.append(spaced(html[at:m.start()]))
        out.append(_tag(m.group(0)))
        at = m.end()
    out.append(spaced(html[at:]))
    return "".join(out)


def write_index(site: Path, bundle: str = "pagefind") -> None:
    """The built site → <site>/<bundle>/, Pagefind's index of the spaced copies of its pages.

    RuntimeError, with Pagefind's output, when Pagefind fails or writes no index."""
    with tempfile.TemporaryDirectory(prefix="search-index-") as tmp:
        copies = Path(tmp)
        for page in sorted(site.rglob("*.html")):  # in one order: Pagefind numbers pages as it finds them
            rel = page.relative_to(site)
            if rel.parts[0] == bundle:
                continue
            (copies / rel).parent.mkdir(parents=True, exist_ok=True)
            # an unchanged page's copy comes from the build cache: spacing every page was most of an incremental build
            (copies / rel).write_text(cache.of_text("spaced", page.read_text(encoding="utf-8"), spaced_html), encoding="utf-8")
        shutil.rmtree(site / bundle, ignore_errors=True)
        # zh: one index for the whole site; with the text spaced, Pagefind's own segmentation keeps the characters.
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(copies), "--output-path",
                               str(site / bundle), "--force-language", "zh"], capture_output=True, text=True,
                              env={**os.environ, "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(INDEX_CHUNK_BYTES)})
    if done.returncode != 0 or not (site / bundle / "pagefind-entry.json").is_file():
        raise RuntimeError(f"Pagefind could not index {site} (exit {done.returncode}):\n{done.stdout}{done.stderr}")


def scope(shown) -> dict[str, list[str]]:
    """The reports a page shows → its search filters: {"unit": names, "year": years}, as overrides/main.html
    writes them (data-pagefind-filter) and search.js pre-selects them ("this report") on that page."""
    return {"unit": sorted({r.meta["unit"] for r in shown}), "year": sorted({str(r.meta["year"]) for r in shown})}


def weight(kind: str) -> float | None:
    """A page kind → the weight of its words in the index (None: Pagefind's default, 1)."""
    return WEIGHTS.get(kind)
