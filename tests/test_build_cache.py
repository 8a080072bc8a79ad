"""The build cache (juesuan/cache.py) and the benchmark's helpers (juesuan/tools/bench.py, synth.revise), without a build:
keys follow every input, entries round-trip, a package that passed is not validated again, the table and its targets."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan import cache
from juesuan.data.loader import check_folder, load
from juesuan.tools import bench, prune, synth


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The cache in a temporary folder."""
    monkeypatch.setattr(cache, "SITE_CACHE", tmp_path / "cache")
    return tmp_path / "cache"


def test_package_hash_follows_every_file_and_the_folder_name(store, package_copy):
    before = cache.package(package_copy)
    assert cache.package(package_copy) == before
    data = package_copy / "data" / "findings.csv"
    data.write_bytes(data.read_bytes() + b"\n")
    changed = cache.package(package_copy)
    assert changed != before
    renamed = package_copy.with_name(package_copy.name + "-b")
    shutil.copytree(package_copy, renamed)
    assert cache.package(renamed) != changed


def test_a_package_hash_is_remembered_across_builds_until_a_file_is_written(store, package_copy, monkeypatch):
    """cache.package remembers a hash in the cache (a new build is a new process: _FOLDERS is empty), and not for a file
    written just now (racy: it may change again within the same tick); a file written in place with its size and
    mtime put back still changes the hash (its ctime changed)."""
    hashed = []
    digest = cache._digest
    monkeypatch.setattr(cache, "_digest", lambda parts: hashed.append(1) or digest(parts))
    first = cache.package(package_copy)
    assert hashed == [1] and list(store.glob("package/*/*")) == []  # written just now: not remembered
    monkeypatch.setattr(cache, "RACY_NS", -10**18)
    monkeypatch.setattr(cache, "_FOLDERS", {})
    assert cache.package(package_copy) == first and hashed == [1, 1] and len(list(store.glob("package/*/*"))) == 1
    monkeypatch.setattr(cache, "_FOLDERS", {})
    assert cache.package(package_copy) == first and hashed == [1, 1]  # from the cache: nothing read or hashed
    data = package_copy / "data" / "findings.csv"
    st = data.stat()
    body = data.read_bytes()
    data.write_bytes(body.replace(b"2021", b"2020", 1))
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert data.stat().st_size == st.st_size and data.stat().st_mtime_ns == st.st_mtime_ns and data.read_bytes() != body
    monkeypatch.setattr(cache, "_FOLDERS", {})
    assert cache.package(package_copy) != first and hashed == [1, 1, 1]


def test_key_names_the_code_and_every_part():
    k = cache.key("page", "a/index.md", ["h1"], {"nav": [{"首页": "index.md"}], "url": "https://example.org/"})
    assert len(k) == 64
    assert k == cache.key("page", "a/index.md", ["h1"], {"url": "https://example.org/", "nav": [{"首页": "index.md"}]})
    assert k != cache.key("page", "a/index.md", ["h2"], {"nav": [{"首页": "index.md"}], "url": "https://example.org/"})
    assert k != cache.key("page", "a/index.md", ["h1"], {"nav": [{"首页": "index.md"}], "url": "http://127.0.0.1:8000/"})


def test_entries_round_trip(store):
    assert cache.read_json("valid", "ab" * 32) is None and not cache.has("valid", "ab" * 32)
    cache.write_json("valid", "ab" * 32, {"名称": [1, "二"]})
    assert cache.read_json("valid", "ab" * 32) == {"名称": [1, "二"]}
    assert cache.read_bundle("files", "cd" * 32) is None
    cache.write_bundle("files", "cd" * 32, [({"path": "x/a.csv"}, b"a,b\n"), ({"path": "x/b.png"}, b"\x89PNG")])
    stored = cache.read_bundle("files", "cd" * 32)
    assert [(r, Path(p).read_bytes()) for r, p in stored] == [({"path": "x/a.csv"}, b"a,b\n"), ({"path": "x/b.png"}, b"\x89PNG")]
    assert [p.name for p in store.rglob(".tmp-*")] == []


def test_a_package_that_passed_is_not_validated_again_and_a_failing_one_always_is(store, package_copy, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(package_copy, broken)
    (broken / "data" / "figures.csv").write_text("id,value\n", encoding="utf-8")
    calls = []

    def check(folder):
        calls.append(folder.name)
        return check_folder(folder)

    alone = cache.checked([package_copy], check)  # one package: checked here (several go to the process pool)
    first = cache.checked([package_copy, broken], check)
    assert alone[0][1] == [] and first[0][1] == [] and first[1][1] != []
    second = cache.checked([package_copy, broken], check)
    assert calls == [package_copy.name, "broken", "broken"]
    assert alone[0][0] == first[0][0]
    assert second[0][0] == first[0][0]  # the stored descriptor is the one validation gave
    assert [str(p) for p in second[1][1]] == [str(p) for p in first[1][1]]


def test_revise_changes_one_synthetic_package_and_keeps_its_title(tmp_path):
    root = tmp_path / "packages"
    shutil.copytree(synth.TEMPLATE, root / synth.TEMPLATE.name)
    made = synth.make_many(root, 3, 1)  # one unit, 2019–2021, factors 2, 3, 4
    before = load(made[1])
    before.rows["figures"]  # read now: a report reads each table when first asked for
    folder = synth.revise(root)
    assert folder == made[1]
    after = load(folder)
    assert (after.title, after.slug) == (before.title, before.slug)
    real = load(synth.TEMPLATE)
    assert after.value("income.total") == synth.REVISED_FACTOR * real.value("income.total") == Decimal("1824.90")
    assert before.value("income.total") == 3 * real.value("income.total")


def test_revise_changes_another_package_each_time_it_is_asked_for_the_next(tmp_path):
    root = tmp_path / "packages"
    made = synth.make_many(root, 7, 7)  # seven units, one year each
    assert [synth.revise(root, k).name for k in range(3)] == [made[3].name, made[5].name, made[0].name]


def test_bench_gives_the_median_of_its_one_package_changes(tmp_path, monkeypatch):
    """bench.size changes CHANGES packages one after another, building after each: the median build is the measure,
    the peak the largest of them, and every build is kept."""
    times = iter([50.0, 7.0, 5.0, 6.0])  # the cold build, then three changes
    monkeypatch.setattr(bench, "build", lambda packages, out, caches, project: (
        out.mkdir(parents=True), caches.mkdir(exist_ok=True), {"seconds": (t := next(times)), "cpu_seconds": t + 1, "peak_mb": 100 * t})[2])
    monkeypatch.setattr(bench.reader, "measure", lambda site, path: {"site": site.name})
    out = bench.size(7, tmp_path, tmp_path / "project")
    assert bench.CHANGES == 3 and out["cold"] == {"seconds": 50.0, "cpu_seconds": 51.0, "peak_mb": 5000.0}
    assert [c["seconds"] for c in out["one_changed"]["each"]] == [7.0, 5.0, 6.0]
    assert len({c["package"] for c in out["one_changed"]["each"]}) == 3
    assert {k: v for k, v in out["one_changed"].items() if k != "each"} == {
        "package": out["one_changed"]["each"][2]["package"], "seconds": 6.0, "cpu_seconds": 7.0, "peak_mb": 700.0}
    assert out["reader"] == {"site": "site7"}


def test_revise_without_synthetic_packages_amends_the_description(tmp_path):
    root = tmp_path / "packages"
    shutil.copytree(synth.TEMPLATE, root / synth.TEMPLATE.name)
    folder = synth.revise(root)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    original = json.loads((synth.TEMPLATE / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["description"] == original["description"] + "（本版为修订版。）"
    assert descriptor["title"] == original["title"]


def _measured(n, cold, changed, home, first, peak=500.0, report=None):
    reader = {"home_kb": {"390x844": home / 2, "1280x800": home}, "first_search_kb": first, "second_search_kb": 9.5,
              "first_results": 5, "second_results": 5}
    if report is not None:
        reader.update(report_first_search_kb=report, report_results=3)
    return {"cold": {"seconds": cold, "cpu_seconds": cold, "peak_mb": peak},
            "one_changed": {"package": "p", "seconds": changed, "cpu_seconds": changed, "peak_mb": peak / 2}, "reader": reader}


def test_checks_hold_each_size_to_the_targets():
    result = {"sizes": {1: _measured(1, 10.0, 4.0, 100.0, 149.9), 100: _measured(100, 121.0, 20.0, 120.1, 150.0, report=150.1),
                        300: _measured(300, 360.0, 30.0, 90.0, 151.0, peak=2049.0, report=99.0)}}
    assert bench.checks(result) == {
        "1: home page ≤ 120 KB gzip": True, "1: first search ≤ 150 KB gzip": True, "1: one package changed ≤ 20 s": True,
        "100: home page ≤ 120 KB gzip": False, "100: first search ≤ 150 KB gzip": True,
        "100: first search on a report's page ≤ 150 KB gzip": False, "100: one package changed ≤ 20 s": True,
        "100: cold build ≤ 120 s": False,
        "300: home page ≤ 120 KB gzip": True, "300: first search ≤ 150 KB gzip": False,
        "300: first search on a report's page ≤ 150 KB gzip": True, "300: one package changed ≤ 20 s": False,
        "300: cold build ≤ 360 s": True, "300: peak memory ≤ 2048 MB": False,
    }


def test_table_has_one_row_per_size():
    result = {"sizes": {1: _measured(1, 10.0, 4.0, 100.0, 149.9), 10: _measured(10, 30.5, 6.0, 101.0, 120.0, report=97.5)}}
    result["checks"] = bench.checks(result)
    lines = bench.table(result).splitlines()
    assert lines[0].split() == ["reports", "cold", "build", "cold", "CPU", "peak", "MB", "1", "changed", "(median", "of", "3)",
                                "its", "CPU", "home", "KB", "390/1280", "1st", "search", "KB", "home/report", "2nd", "search", "KB"]
    assert lines[1].split() == ["1", "10.0", "s", "10.0", "s", "500.0", "4.0", "s", "4.0", "s", "50.0", "/", "100.0", "149.9", "/", "-", "9.5"]
    assert lines[2].split() == ["10", "30.5", "s", "30.5", "s", "500.0", "6.0", "s", "6.0", "s", "50.5", "/", "101.0", "120.0", "/", "97.5", "9.5"]
    targets = dict(re.split(r"\s{2,}", line) for line in lines if line.startswith("target: "))
    assert targets == {f"target: {k}": ("met" if ok else "NOT MET") for k, ok in result["checks"].items()}
    assert targets["target: 10: one package changed ≤ 20 s"] == "met" and len(targets) == 7


DAY = 86400


def _aged(path, days_ago, now):
    os.utime(path, (now - days_ago * DAY, now - days_ago * DAY))


def test_reading_an_entry_marks_it_used(store):
    cache.write_bytes("page", "k1", b"x")
    cache.write_bundle("files", "k2", [({"path": "a.svg"}, b"<svg/>")])
    for path in (store / "page" / "k1"[:2] / "k1", store / "files" / "k2"[:2] / "k2"):
        os.utime(path, (1_000_000, 1_000_000))
    assert cache.has("page", "k1") and cache.read_bundle("files", "k2") is not None
    assert (store / "page" / "k1"[:2] / "k1").stat().st_mtime > 1_000_000
    assert (store / "files" / "k2"[:2] / "k2").stat().st_mtime > 1_000_000
    assert not cache.has("page", "missing")


def test_prune_removes_what_no_build_used_for_the_given_days(store, tmp_path):
    charts = tmp_path / "charts"
    charts.mkdir()
    now = 2_000_000_000
    cache.write_bytes("page", "old", b"12345")
    cache.write_bytes("page", "new", b"123")
    cache.write_bundle("files", "oldbundle", [({"path": "a.svg"}, b"1234567")])
    (charts / "c1.svg").write_bytes(b"12")
    (charts / "c2.svg").write_bytes(b"1")
    (store / ".pending-x").mkdir()
    _aged(store / "page" / "ol" / "old", 15, now)
    _aged(store / "page" / "ne" / "new", 13, now)
    _aged(store / "files" / "ol" / "oldbundle", 20, now)
    _aged(charts / "c1.svg", 30, now)
    _aged(charts / "c2.svg", 0, now)
    _aged(store / ".pending-x", 2, now)
    r = prune.prune(14, site=store, charts=charts, now=now)
    assert r == {"removed": 4, "removed_bytes": 5 + 7 + len('[{"path": "a.svg"}]') + 2, "kept": 2, "kept_bytes": 3 + 1}
    assert sorted(p.name for p in store.rglob("*") if p.is_file()) == ["new"]
    assert [p.name for p in charts.iterdir()] == ["c2.svg"]
    assert prune.summary(r, 14).startswith("构建缓存：删除 4 项（0.0 MB，14 天未用），保留 2 项（0.0 MB）。 / Build cache: removed 4 entries")


def test_prune_of_missing_caches_removes_nothing(tmp_path):
    assert prune.prune(14, site=tmp_path / "none", charts=tmp_path / "none2") == {"removed": 0, "removed_bytes": 0, "kept": 0, "kept_bytes": 0}


def test_prune_skips_an_entry_that_vanishes_meanwhile(store, tmp_path, monkeypatch):
    cache.write_bytes("page", "gone", b"1")
    cache.write_bytes("page", "stays", b"22")
    now = 2_000_000_000
    for k in ("gone", "stays"):
        _aged(store / "page" / k[:2] / k, 30, now)
    real = prune._size

    def vanishing(path):
        if path.name == "gone":
            path.unlink()  # another build removed it between the listing and the look at it
        return real(path)

    monkeypatch.setattr(prune, "_size", vanishing)
    assert prune.prune(14, site=store, charts=tmp_path / "nocharts", now=now) == {
        "removed": 1, "removed_bytes": 2, "kept": 0, "kept_bytes": 0}


def test_a_reused_page_is_left_as_mkdocs_leaves_an_empty_one(tmp_path):
    """reuse.read_nothing and reuse.render_nothing set what MkDocs' own Page.read_source and Page.render set for a reused
    page's SOURCE (MkDocs is pinned: a new version that sets something else fails here), without parsing it or making a
    Markdown converter."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    from juesuan.site import reuse

    (tmp_path / "docs").mkdir()
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site"),
                      "markdown_extensions": ["toc", "attr_list", "md_in_html"]})
    assert config.validate() == ([], [])
    config.plugins._current_plugin = None  # as MkDocs sets it while no plugin runs (File.generated reads it)
    pages = []
    for read, render in ((Page.read_source, Page.render), (reuse.read_nothing, reuse.render_nothing)):
        file = File.generated(config, "a/b.md", content=reuse.SOURCE)
        page = Page(None, file, config)
        read(page, config)
        assert page.markdown == "" and page.meta == {"template": reuse.TEMPLATE, "render_macros": False}
        render(page, config, Files([file]))
        pages.append(page)
    made, ours = ({k: v for k, v in vars(p).items() if k not in ("file", "read_source", "render")} for p in pages)
    assert set(made) == set(ours)
    assert {k: (v if k != "toc" else list(v)) for k, v in made.items()} == {k: (v if k != "toc" else list(v)) for k, v in ours.items()}
    assert ours["content"] == "" and ours["present_anchor_ids"] == set() and ours["_title_from_render"] is None


def test_place_links_a_stored_file_and_never_writes_into_another(tmp_path, monkeypatch):
    """cache.place: a new file (its folder made) is a hard link to the stored one; a file already there, even a link to
    another stored file, is replaced, never written into; where links fail (another file system) it is a copy."""
    stored, other = tmp_path / "stored", tmp_path / "other"
    stored.write_bytes(b"new")
    other.write_bytes(b"kept")
    dest = tmp_path / "site" / "a" / "b.svg"
    cache.place(stored, dest)
    assert dest.read_bytes() == b"new" and dest.stat().st_ino == stored.stat().st_ino
    os.unlink(dest)
    os.link(other, dest)  # an earlier build's link to another stored file
    cache.place(str(stored), str(dest))
    assert (dest.read_bytes(), other.read_bytes()) == (b"new", b"kept") and dest.stat().st_ino == stored.stat().st_ino
    os.unlink(dest)
    os.link(other, dest)

    def no_links(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    cache.place(stored, dest)
    assert (dest.read_bytes(), other.read_bytes()) == (b"new", b"kept") and dest.stat().st_ino != stored.stat().st_ino
    with pytest.raises(FileNotFoundError):
        cache.place(tmp_path / "gone", tmp_path / "site" / "c.svg")


def test_a_reused_page_keeps_its_links_to_anchors_and_they_are_checked(tmp_path, store, caplog):
    """A page's links to anchors are stored with it and given back when it is reused, so that MkDocs checks them in every
    build (a page a build shard rendered could not check its links into another shard's pages, site/shards.py)."""
    import logging

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    from juesuan.site import reuse

    (tmp_path / "docs").mkdir()
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site"),
                      "markdown_extensions": ["toc", "attr_list"]})
    assert config.validate() == ([], [])
    config.plugins._current_plugin = None  # as MkDocs sets it while no plugin runs (File.generated reads it)

    def build(linker: str, target: str) -> Page:
        target = File.generated(config, "t.md", content=target)
        files = Files([target, File.generated(config, "a.md", content=linker)])
        for file in files:
            Page(None, file, config)
            reuse.on_pre_page(file.page)
            file.page.read_source(config)
            file.page.render(config, files)
            reuse.on_content(file.page, files)
            reuse.on_post_page("<html><body>a</body></html>", file.page)
        files.get_file_from_path("a.md").page.validate_anchor_links(files=files, log_level=logging.WARNING)
        return files.get_file_from_path("a.md").page

    reuse.start(config)
    assert reuse.plan_page("a.md", []) is False  # rendered, and stored when the build ends
    rendered = build("[go](t.md#here) [bad](t.md#gone)\n", "# T\n\n## Here\n\n## Gone\n")
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == []
    assert {to.src_uri: links for to, links in rendered.links_to_anchors.items()} == {"t.md": {"here": "t.md#here", "gone": "t.md#gone"}}
    reuse.finish()
    caplog.clear()
    reuse.start(config)
    assert reuse.plan_page("a.md", []) is True  # reused: handed to MkDocs empty
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        reused = build(reuse.SOURCE, "# T\n\n## Here\n")  # the page it links to lost an anchor
    reuse.finish(stored=False)
    assert reused.content == "" and {to.src_uri: links for to, links in reused.links_to_anchors.items()} == {
        "t.md": {"here": "t.md#here", "gone": "t.md#gone"}}
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "Doc file 'a.md' contains a link 't.md#gone', but the doc 't.md' does not contain an anchor '#gone'."]


def test_build_shards_keep_a_unit_together_and_share_the_reports_evenly(monkeypatch):
    """site/shards.py: a unit's reports and its year-on-year page go to one shard; the largest units first, each to the
    shard with the least work; BUILD_SHARDS sets the count, and a shard starts none."""
    from juesuan.site import shards

    Share = shards.Share
    todo = [Share({"a1", "a2", "a3"}, {"a"}), Share({"b1"}, set()), Share({"c1", "c2"}, {"c"}), Share(set(), {"d"}),
            Share({"e1"}, set())]
    assert shards._shares(todo, 2) == [Share(frozenset({"a1", "a2", "a3", "e1"}), frozenset({"a"})),
                                       Share(frozenset({"c1", "c2", "b1"}), frozenset({"c", "d"}))]
    assert shards._shares(todo, 3) == [Share(frozenset({"a1", "a2", "a3"}), frozenset({"a"})),
                                       Share(frozenset({"c1", "c2"}), frozenset({"c"})),
                                       Share(frozenset({"b1", "e1"}), frozenset({"d"}))]
    assert shards._shares([Share({"x"}, set())], 2) == [Share(frozenset({"x"}), frozenset())]
    monkeypatch.setattr(shards, "SHARDS", 3)
    assert (shards.count(2), shards.count(1)) == (3, 0)
    monkeypatch.setattr(shards, "SHARDS", 1)
    assert shards.count(500) == 0
    monkeypatch.setattr(shards, "SHARDS", None)
    monkeypatch.setattr(shards.os, "cpu_count", lambda: 4)
    assert (shards.count(shards.SHARD_MIN), shards.count(shards.SHARD_MIN - 1)) == (4, 0)
    monkeypatch.setattr(shards, "_OWN", (Share(frozenset({"x"}), frozenset()), ""))
    assert shards.count(500) == 0 and shards.own() == Share(frozenset({"x"}), frozenset())


def test_bench_peak_memory_counts_every_process_of_a_build_at_once():
    """bench._TreeMemory: two children holding 120 MB each at the same time are 240 MB of the build's peak (ru_maxrss
    alone says 120: a build in shards runs several processes at once)."""
    import subprocess
    import sys
    import threading

    hold = "x = bytearray(120 * 2**20); x[::4096] = b'1' * len(x[::4096]); import time; time.sleep(1.5)"
    parent = f"import subprocess, sys; ps = [subprocess.Popen([sys.executable, '-c', {hold!r}]) for _ in range(2)]; [p.wait() for p in ps]"
    proc = subprocess.Popen([sys.executable, "-c", parent])
    tree = bench._TreeMemory(proc.pid)
    assert isinstance(tree, threading.Thread)
    tree.start()
    _, status, usage = os.wait4(proc.pid, 0)
    tree.join(timeout=5)
    assert status == 0 and not tree.is_alive()
    assert 240 * 2**20 <= tree.peak < 400 * 2**20
    assert usage.ru_maxrss * 1024 < 200 * 2**20


def test_a_table_changed_after_validation_is_never_read_as_valid(package_copy):
    """A report reads a table when first asked for (data/loader.py): one whose file changed since the package was
    loaded after its validation stops the build with a located problem instead of being read unvalidated."""
    from juesuan.data.problems import PackageError

    report = load(package_copy)
    figures = report.rows["figures"]
    assert figures and report.rows.get("no-such-table") is None
    path = package_copy / report.resource("codes")["path"]
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(PackageError) as caught:
        report.cells["codes"]
    assert [(p.code, p.file) for p in caught.value.problems] == [("changed-while-building", str(path))]
    assert "此文件在校验之后、构建读取之前被改动" in str(caught.value.problems[0])
    assert report.rows["figures"] is figures  # a table read before the change stays as it was read
    report.release()  # a build done with the report: the tables are read again when asked for, and must be unchanged
    with pytest.raises(PackageError):
        report.rows["codes"]
    assert report.rows["figures"] == figures and report.rows["figures"] is not figures


def test_missing_resources_read_as_the_default_without_wording_a_problem(package_copy, monkeypatch):
    """ByResource.get of a resource the package lacks is the default, and words no PackageLacks (pages ask often)."""
    from juesuan.data import problems

    report = load(package_copy)
    monkeypatch.setattr(problems.Problem, "of", classmethod(lambda *a, **k: pytest.fail("a problem was worded")))
    assert report.rows.get("no-such-table") is None and report.cells.get("no-such-table", []) == []
    assert report.rows.get("figures") == report.rows["figures"] != []  # an existing one is read by get() too


def test_stored_files_are_linked_into_the_site_by_a_process_of_their_own(tmp_path):
    """reuse.link_in_background hands the stored files to site/linker.py, a process of its own; linked() waits for it:
    each file is then a hard link to the stored one, MkDocs copies none of them, and a stored file gone meanwhile is one
    line naming it."""
    from mkdocs.structure.files import File

    from juesuan.site import reuse

    stored = tmp_path / "cache"
    stored.mkdir()
    (stored / "0").write_bytes(b"<svg/>")
    (stored / "1").write_bytes(b"a,b\n")
    site = tmp_path / "site"
    made = [reuse.StoredFile("x.svg", str(stored), str(site), False), reuse.StoredFile("x.csv", str(stored), str(site), False)]
    made[0].abs_src_path, made[1].abs_src_path = str(stored / "0"), str(stored / "1")
    made[0].abs_dest_path, made[1].abs_dest_path = str(site / "a" / "charts" / "x.svg"), str(site / "a" / "x.csv")
    other = File("y.css", str(tmp_path), str(site), False)
    reuse.link_in_background([*made, other])
    for f in made:
        f.copy_file()  # what MkDocs calls: nothing, the linker places it
    reuse.linked()
    assert (site / "a" / "charts" / "x.svg").read_bytes() == b"<svg/>"
    assert (site / "a" / "charts" / "x.svg").stat().st_ino == (stored / "0").stat().st_ino
    assert (site / "a" / "x.csv").stat().st_ino == (stored / "1").stat().st_ino
    assert not other.__dict__.get("linking") and sorted(p.name for p in site.rglob("*") if p.is_file()) == ["x.csv", "x.svg"]
    reuse.link_in_background([other])  # nothing stored: no process started, nothing to wait for
    assert reuse._state["linking"] is None
    reuse.linked()
    (stored / "1").unlink()
    shutil.rmtree(site)
    reuse.link_in_background(made)
    with pytest.raises(RuntimeError, match=rf"^{re.escape(str(site / 'a' / 'x.csv'))}: could not place the stored file "
                                           rf"{re.escape(str(stored / '1'))} there: No such file or directory$"):
        reuse.linked()


def test_a_stored_text_is_found_by_the_hash_of_its_source_without_reading_it(store):
    """cache.file_of_text: the entry of_text stores for a text, found by the sha256 of the text's UTF-8 bytes (which the
    search index has for every page): read() is called only when there is no entry yet, and the file holds fn(text)."""
    text = "第一页\r\n<p>养老</p>"  # a carriage return too: the text's own bytes are hashed, not a translation of them
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    reads = []

    def read():
        reads.append(1)
        return text

    made = cache.file_of_text("spaced", digest, read, str.upper)
    assert reads == [1] and made.read_bytes().decode("utf-8") == "第一页\r\n<P>养老</P>"
    assert cache.of_text("spaced", text, lambda t: "never called") == "第一页\r\n<P>养老</P>"  # the entry of_text reads
    again = cache.file_of_text("spaced", digest, read, lambda t: "never called")
    assert again == made and reads == [1]
    other = cache.file_of_text("spaced", hashlib.sha256(b"x").hexdigest(), lambda: "x", str.upper)
    assert other != made and other.read_bytes() == b"X"
