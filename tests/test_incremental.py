"""Incremental builds (site/reuse.py, juesuan/cache.py): a build that reuses the build cache writes the same bytes as a cold
build of the same input; after one package changes, only that report's outputs and the pages that list it differ, and the
result equals a cold build of the changed input byte for byte.

The packages are the real one and two synthetic years of one unit (so the site has a year-on-year page), copied to a
temporary folder; every build has its own output folder and a build cache chosen by SITE_CACHE. Pagefind's index is
left out of the byte comparison: Pagefind writes a different index for the same pages from one run to the next (two
cold builds of one input differ there too), so it is compared by its list of files' kinds instead. The site is
searched as a large one is (one index per unit, SEARCH_FULL_MAX=1): an unchanged unit's index is reused as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from helpers.build import copy_project, mkdocs_build
from juesuan.data.loader import load
from juesuan.site import search_index
from juesuan.tools import synth

pytestmark = pytest.mark.slow

REUSED = re.compile(r"Build cache: reused (\d+) of (\d+) generated pages and the files of (\d+) of (\d+) reports and units")
INDEXES = re.compile(r"Search index: reused (\d+) of (\d+) indexes")
SEARCH = {}  # build folder → (search indexes reused, indexes)
LOGS = {}  # build folder → what the build printed


def _packages(root: Path) -> Path:
    root.mkdir()
    shutil.copytree(synth.TEMPLATE, root / synth.TEMPLATE.name)
    synth.make_many(root, 2, 1)
    return root


def _build(out: Path, project: Path, packages: Path, cache: Path, shards: int = 1) -> tuple[int, int, int, int]:
    """Build the project into out with this build cache (charts cached beside it) → the reuse line's numbers (the search
    index line's into SEARCH). SEARCH_FULL_MAX=1: the site is searched as a large one is, an index per unit. In one
    process unless shards says otherwise (BUILD_SHARDS: site/shards.py)."""
    done = mkdocs_build(out, project, DATAPACKAGE_DIR=str(packages), SITE_CACHE=str(cache), CHART_CACHE=str(cache.parent / "charts"),
                        SOURCE_DATE_EPOCH="0", SEARCH_FULL_MAX="1", BUILD_SHARDS=str(shards))
    assert done.returncode == 0, f"mkdocs build failed ({done.returncode}):\n{done.stdout[-3000:]}"
    found, indexes = REUSED.findall(done.stdout), INDEXES.findall(done.stdout)
    assert len(found) == 1 and len(indexes) == 1, done.stdout[-3000:]
    SEARCH[out] = tuple(int(x) for x in indexes[0])
    LOGS[out] = done.stdout
    return tuple(int(x) for x in found[0])


def _files(site: Path) -> dict[str, bytes]:
    """Every file of a build but Pagefind's index → its bytes."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.relative_to(site).parts[0] != "pagefind"}


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _index_kinds(site: Path) -> list[str]:
    """Pagefind's files by kind: their names with the content hashes taken out, counted."""
    names = [re.sub(r"[0-9a-f]{6,}", "#", p.name) for p in (site / "pagefind").rglob("*") if p.is_file()]
    return sorted(f"{n} ×{names.count(n)}" for n in set(names))


def _differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Cold build of the packages (empty cache), the same again with that cache; then one package changed, built with
    that cache and cold with a new one → {name: (site, reuse numbers)} and the changed package's folder."""
    tmp = tmp_path_factory.mktemp("incremental")
    project = copy_project(tmp / "project")  # one fixed copy of the code: the cache keys must not move between builds
    packages = _packages(tmp / "packages")
    out = {"cold": (tmp / "cold", _build(tmp / "cold", project, packages, tmp / "a" / "cache"))}
    out["again"] = (tmp / "again", _build(tmp / "again", project, packages, tmp / "a" / "cache"))
    changed = synth.revise(packages)
    out["changed"] = (tmp / "changed", _build(tmp / "changed", project, packages, tmp / "a" / "cache"))
    out["changed_cold"] = (tmp / "changed-cold", _build(tmp / "changed-cold", project, packages, tmp / "b" / "cache"))
    yield out, changed
    shutil.rmtree(tmp, ignore_errors=True)


def test_cold_build_reuses_nothing(builds):
    pages, total_pages, kept, total_kept = builds[0]["cold"][1]
    assert (pages, kept) == (0, 0)
    assert total_kept == 3 + 1  # three reports, one unit with a year-on-year page
    assert total_pages > 3 * 20
    assert SEARCH[builds[0]["cold"][0]] == (0, 3)  # the site index and one per unit


def test_unchanged_input_reuses_every_page_and_is_byte_identical(builds):
    (cold, _), (again, numbers) = builds[0]["cold"], builds[0]["again"]
    pages, total_pages, kept, total_kept = numbers
    assert (pages, kept) == (total_pages, total_kept)
    a, b = _files(cold), _files(again)
    assert _differing(a, b) == []
    assert len(a) > 500
    assert _index_kinds(cold) == _index_kinds(again)
    assert SEARCH[again] == (3, 3)
    # Each reused page's HTML is linked from the cache (MkDocs writes nothing for it, and says nothing of it).
    linked = [p for p in again.rglob("index.html") if p.stat().st_nlink > 1]
    assert len(linked) == total_pages
    assert "Page skipped" not in LOGS[again]
    assert [p for p in cold.rglob("index.html") if p.stat().st_nlink > 1] == []  # rendered pages are written, not linked


def test_each_stored_page_carries_its_own_hash_and_search_scope(builds, tmp_path):
    """What the search indexes take from the cache for a reused page instead of reading it (reuse.built_pages): the hash
    of the stored bytes and the scope search_index.indexed reads from them, for every stored page."""
    cache = builds[0]["cold"][0].parent / "a" / "cache"
    pages = {p.name: p for p in (cache / "page").rglob("*") if p.is_file()}
    facts = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (cache / "anchors").rglob("*") if p.is_file()}
    assert pages.keys() == facts.keys() and len(pages) > 3 * 20
    for key, page in pages.items():
        data, stored = page.read_bytes(), facts[key]
        found = search_index.indexed("x", data.decode("utf-8"))
        assert stored["sha256"] == hashlib.sha256(data).hexdigest()
        assert (tuple(stored["units"]), tuple(stored["years"]), stored["everywhere"]) == (found.units, found.years, found.everywhere)
    assert sum(1 for f in facts.values() if f["units"] == []) == 0  # every generated page names its report's unit


def test_one_changed_package_rebuilds_only_its_pages_and_equals_a_cold_build(builds):
    (before, _), (changed, numbers), (cold, cold_numbers) = builds[0]["cold"], builds[0]["changed"], builds[0]["changed_cold"]
    folder = builds[1]
    slug, unit = folder.name, folder.name.rsplit("-", 1)[0]
    pages, total_pages, kept, total_kept = numbers
    own = sum(1 for p in (changed / slug).rglob("index.html"))
    # Its own pages and its unit's year-on-year page are rendered again; every other generated page is reused.
    assert (pages, total_pages) == (total_pages - own - 1, cold_numbers[1])
    assert (kept, total_kept) == (total_kept - 2, 4)
    a, b, c = _files(before), _files(changed), _files(cold)
    assert _differing(b, c) == []
    assert _index_kinds(changed) == _index_kinds(cold)
    moved = _differing(a, b)
    outside = [p for p in moved if not p.startswith((f"{slug}/", f"{unit}/")) and p != "index.html"]
    assert outside == []
    assert f"{slug}/index.html" in moved and f"{unit}/compare/index.html" in moved
    assert any(p.startswith(f"{slug}/downloads/") for p in moved) and any(p.startswith(f"{slug}/charts/") for p in moved)
    # Search: the changed unit's index and the site index (its home pages changed) are made again; the other unit's is reused.
    assert (SEARCH[changed], SEARCH[cold]) == ((1, 3), (0, 3))
    other = json.loads((changed / "pagefind" / "scopes.json").read_text(encoding="utf-8"))["units"]
    kept_index = [u["index"] for u in other if u["name"] != load(folder).meta["unit"]]
    assert len(kept_index) == 1
    assert _tree(before / "pagefind" / kept_index[0]) == _tree(changed / "pagefind" / kept_index[0]) != {}


def test_a_cold_build_in_shards_equals_one_made_in_one_process(builds, tmp_path):
    """BUILD_SHARDS=2: two build shards make the reports, each unit's with it, into the build cache (site/shards.py), and
    the build that started them reuses all of it: byte for byte the cold build made in one process."""
    (cold, cold_numbers), root = builds[0]["changed_cold"], builds[0]["cold"][0].parent
    out = tmp_path / "sharded"
    numbers = _build(out, root / "project", root / "packages", tmp_path / "cache", shards=2)
    made = re.findall(r"Build shards: the pages, charts and downloads of (\d+) reports and (\d+) units made in (\d+) processes",
                      LOGS[out])
    assert made == [("3", "1", "2")]  # the unit's two reports and its year-on-year page in one shard, the other report in the other
    pages, total_pages, kept, total_kept = numbers
    assert (pages, total_pages, kept, total_kept) == (cold_numbers[1], cold_numbers[1], 4, 4)
    assert "stopped" not in LOGS[out]
    assert _differing(_files(cold), _files(out)) == []
    assert _index_kinds(cold) == _index_kinds(out)


def test_a_build_that_warns_stores_no_page(tmp_path):
    """Pages rendered by a build that fails in strict mode are not stored: the next build renders them and warns again."""
    packages = tmp_path / "packages"
    packages.mkdir()
    shutil.copytree(synth.TEMPLATE, packages / synth.TEMPLATE.name)
    project = copy_project(tmp_path / "project")
    about = project / "docs" / "about.md"  # a link to a page the site does not have: a warning, so strict mode fails
    about.write_text(about.read_text(encoding="utf-8") + "\n[missing](no-such-page.md)\n", encoding="utf-8")
    cache = tmp_path / "cache"
    env = dict(DATAPACKAGE_DIR=str(packages), SITE_CACHE=str(cache), CHART_CACHE=str(tmp_path / "charts"), SOURCE_DATE_EPOCH="0")
    for attempt in ("first", "second"):
        done = mkdocs_build(tmp_path / attempt, project, **env)
        assert done.returncode != 0 and "no-such-page.md" in done.stdout, done.stdout[-2000:]
        assert REUSED.findall(done.stdout)[0][0] == "0"
        stored = [p for p in (cache / "page").rglob("*") if p.is_file()] if (cache / "page").exists() else []
        assert stored == [] and list(cache.glob(".pending-*")) == []
