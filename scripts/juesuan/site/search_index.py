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

import hashlib
import html
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from juesuan import cache
from juesuan.site import linker

log = logging.getLogger("mkdocs.juesuan.search_index")  # MkDocs prints its children's INFO lines (not with -q)

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


# A large site (more reports than mkdocs.yml extra.search_full_max) gets one index per unit, holding every page of its
# reports, and a site index (全部单位) of the pages that speak for the whole site or a whole report or unit: the site's
# own pages and the kinds below (issue 12): each report's home and its glossary (the codes and terms it uses: a code
# such as 2080505 finds every report that has it; measured at 100 reports, the glossaries add 0.1 KB to a first
# search), and each unit's year-on-year page. One index of every page grows with every report: Pagefind holds it in
# memory while it writes it (2.3 GB at 300 reports), rewrites all of it when one report changes, and a reader's first
# search fetches its page list (about 8 bytes gzip per page) and each character's entries for every page. A unit's
# index stays the size of one unit; the site index grows by one page per report. Up to the limit one index holds
# every page and 全部单位 searches all of it.
EVERYWHERE = {"report_home", "glossary", "compare"}
UNITS = "unit"  # <bundle>/unit/<key>/: one index per unit (key: a hash of its name, never the name itself)
SCOPES = "scopes.json"  # <bundle>/scopes.json: the units and years, and the index of each (search.js reads it)
# What a unit's index needs in the browser; the JS and CSS Pagefind writes beside it are served once, from <bundle>/.
_INDEX_FILES = re.compile(r"pagefind-entry\.json|pagefind\.[\w-]+\.pf_meta|wasm\.[\w-]+\.pagefind|(?:index|fragment|filter)/[^/]+")

# main.html's hidden scope of a page: its unit and year filters, and whether the site index holds it.
_SCOPE = re.compile(r"<div hidden data-search-scope([^>]*)>(.*?)</div>", re.S)
_FILTER = re.compile(r'data-filter="(unit|year)" data-value="([^"]*)"')


@dataclass(frozen=True)
class Indexed:
    """A built page as the search indexes see it: its path in the site, its units and years, whether the site index holds it."""

    rel: str
    units: tuple[str, ...]
    years: tuple[str, ...]
    everywhere: bool


def indexed(rel: str, page: str) -> Indexed:
    """A page's path and HTML → what the indexes need of it (main.html writes the scope; a page without one is the site's)."""
    m = _SCOPE.search(page)
    if not m:
        return Indexed(rel, (), (), True)
    found: dict[str, list[str]] = {"unit": [], "year": []}
    for name, value in _FILTER.findall(m.group(2)):
        found[name].append(html.unescape(value))
    return Indexed(rel, tuple(found["unit"]), tuple(found["year"]), "data-search-everywhere" in m.group(1) or len(found["unit"]) != 1)


def unit_key(name: str) -> str:
    """A unit's name → the folder of its index (a hash: a name from a package never names a file)."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


def plan(pages: list[Indexed], full_max: int | None) -> tuple[dict[str, list[str]], dict]:
    """The site's pages and the limit → {index folder under the bundle ("" the site index): its pages}, and the scopes
    search.js reads: {"full": whether 全部单位 searches every page, "years": all years, "units": [{name, index, years}]}."""
    units: dict[str, set[str]] = {}
    for p in pages:
        if len(p.units) == 1:
            units.setdefault(p.units[0], set()).update(p.years)
    reports = {(p.units[0], y) for p in pages if len(p.units) == 1 for y in p.years}
    full = full_max is None or len(reports) <= full_max
    shards: dict[str, list[str]] = {"": [p.rel for p in pages if full or p.everywhere]}
    if not full:
        for name in sorted(units):
            shards[f"{UNITS}/{unit_key(name)}/"] = [p.rel for p in pages if p.units == (name,)]
    scopes = {"full": full, "years": sorted({y for ys in units.values() for y in ys}, reverse=True),
              "units": [{"name": name, "index": "" if full else f"{UNITS}/{unit_key(name)}/", "years": sorted(units[name], reverse=True)}
                        for name in sorted(units)]}
    return shards, scopes


def _html_pages(site: Path) -> list[str]:
    """A built site → the paths of its HTML pages in it, in the order of their parts (as sorted Path objects are)."""
    # os.walk, not Path.rglob: 0.11 against 0.27 s for a site of 100 reports (25 000 files), three times that at 300
    found = [os.path.relpath(os.path.join(top, name), site).replace(os.sep, "/")
             for top, _, names in os.walk(site) for name in names if name.endswith(".html")]
    return sorted(found, key=lambda rel: rel.split("/"))


def write_index(site: Path, full_max: int | None = None, bundle: str = "pagefind",
                known: dict[str, tuple[str, Indexed]] | None = None) -> dict:
    """The built site → <site>/<bundle>/: Pagefind's indexes of the spaced copies of its pages (one, or one per unit and
    the site index above full_max reports, see EVERYWHERE) and scopes.json → the scopes written.

    known: pages whose hash and scope the build already has (reuse.built_pages), not read again. An index whose pages
    are unchanged comes from the build cache. RuntimeError, with Pagefind's output, when Pagefind fails or writes no index."""
    pages, hashes = [], {}
    known = known or {}
    for rel in _html_pages(site):  # in one order: Pagefind numbers pages as it finds them
        if rel in known:
            hashes[rel], found = known[rel]
            pages.append(found)
        elif rel.split("/")[0] != bundle:
            data = (site / rel).read_bytes()  # read once: its scope now, its hash for its index's key
            hashes[rel] = hashlib.sha256(data).hexdigest()
            pages.append(indexed(rel, data.decode("utf-8")))
    shards, scopes = plan(pages, full_max)
    out = site / bundle
    shutil.rmtree(out, ignore_errors=True)
    todo = {folder: ([(rel, hashes[rel]) for rel in rels], not folder) for folder, rels in shards.items()}
    stored = {folder: cache.read_bundle("search-index", _key(*todo[folder])) for folder in todo}
    # an unchanged unit's index is placed by a process of its own while Pagefind indexes the others (site/linker.py)
    linking = linker.start([(path, str(out / folder / record["path"])) for folder, found in stored.items() if found
                            for record, path in found])
    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # each index is one Pagefind process
            list(pool.map(lambda folder: _shard(site, *todo[folder], out / folder), [f for f in todo if stored[f] is None]))
    except BaseException:
        linker.wait(linking, quiet=True)  # Pagefind's error is the one to report
        raise
    linker.wait(linking)
    reused = sum(found is not None for found in stored.values())
    log.info(f"Search index: reused {reused} of {len(shards)} indexes")  # the tests read this line
    (out / SCOPES).write_text(json.dumps(scopes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return scopes


def space_ahead(page: str) -> None:
    """A page as it is written → its spaced copy, stored where write_index looks for it (a build shard's pages are
    indexed by the build that started it: spacing them there was a third of its search index's time at 100 reports)."""
    cache.of_text("spaced", page, spaced_html)


def _key(pages: list[tuple[str, str]], top: bool) -> str:
    """An index's pages (path, hash of the built page) and whether it is the site index → its key in the build cache.

    Keyed by the pages as built (their copies follow from them and the code, which every key includes): an unchanged
    unit's index is placed from the cache without spacing or writing its pages again."""
    return cache.key("search-index", pages, top, INDEX_CHUNK_BYTES)


def _shard(site: Path, pages: list[tuple[str, str]], top: bool, dest: Path) -> None:
    """Pages of the site (path, hash of the built page) not indexed before → Pagefind's index of their spaced copies,
    stored in the build cache and placed in dest."""
    k = _key(pages, top)
    with tempfile.TemporaryDirectory(prefix="search-index-") as tmp:
        copies, built = Path(tmp) / "pages", Path(tmp) / "index"
        for rel, digest in pages:
            # an unchanged page's copy is linked from the build cache (spacing every page was most of an incremental
            # build; reading and writing the copies of the site index's 700 pages, a second at 300 reports)
            (copies / rel).parent.mkdir(parents=True, exist_ok=True)
            cache.place(cache.file_of_text("spaced", digest, lambda rel=rel: (site / rel).read_bytes().decode("utf-8"), spaced_html),
                        copies / rel)
        _pagefind(copies, built, dest)
        made = [f.relative_to(built).as_posix() for f in sorted(built.rglob("*")) if f.is_file()]
        cache.write_bundle("search-index", k, [({"path": rel}, (built / rel).read_bytes())
                                               for rel in made if top or _INDEX_FILES.fullmatch(rel)])
    stored = cache.read_bundle("search-index", k)
    if stored is None:
        raise RuntimeError(f"the search index {dest} could not be stored in the build cache {cache.SITE_CACHE}")
    for record, path in stored:
        cache.place(path, dest / record["path"])


def _pagefind(copies: Path, built: Path, dest: Path) -> None:
    """Spaced copies of pages → Pagefind's index of them in built (dest: where it will be published, for the message)."""
    # zh: with the text spaced, Pagefind's own segmentation keeps the characters.
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(copies), "--output-path", str(built),
                           "--force-language", "zh"], capture_output=True, text=True,
                          env={**os.environ, "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(INDEX_CHUNK_BYTES)})
    if done.returncode != 0 or not (built / "pagefind-entry.json").is_file():
        raise RuntimeError(f"Pagefind could not write the search index {dest} (exit {done.returncode}):\n{done.stdout}{done.stderr}")


def scope(shown) -> dict[str, list[str]]:
    """The reports a page shows → its search filters: {"unit": names, "year": years}, as overrides/main.html
    writes them (data-pagefind-filter) and search.js pre-selects them ("this report") on that page."""
    return {"unit": sorted({r.meta["unit"] for r in shown}), "year": sorted({str(r.meta["year"]) for r in shown})}


def weight(kind: str) -> float | None:
    """A page kind → the weight of its words in the index (None: Pagefind's default, 1)."""
    return WEIGHTS.get(kind)
