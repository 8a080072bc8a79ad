"""The reports a cold build must make → made by one `mkdocs build` per core, each rendering its share into the build cache.

Why whole builds: MkDocs renders pages one after another in one process (macros, Markdown, the theme:
about a third of a cold build at 100 reports, issue 12), and only charts and workbooks ran in worker
processes. A shard is the same build of the same config and packages (the same nav, site URL and
extra, so the same cache keys, site/reuse.py), told by SHARD (a JSON file) which reports and units are
its own: it renders only their pages and makes only their charts and downloads (a unit's year-on-year
page goes with its reports), and the spaced copies the search index reads, hands every other page to
MkDocs empty (as a reused page is), writes no other file and no search index, and stores what it made
in the build cache as any build does: only when nothing warned. The build that started the shards
then finds those reports in the cache and reuses them; it checks every anchor link itself, reused
pages' included (reuse.py restores them), and makes whatever a shard did not store (a shard that
failed costs time, never a wrong page: its warnings are met again, and reported, by that build).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from juesuan.paths import SHARDS
from juesuan.workers import SHARD

log = logging.getLogger("mkdocs.juesuan.shards")  # INFO lines are printed by MkDocs (not with -q)

# Below this many reports to make, a shard's start (Python, MkDocs, the packages, the nav: a few seconds) costs more
# than it saves; BUILD_SHARDS (paths.SHARDS) sets the count and shards any build with two reports or more to make.
SHARD_MIN = 8


@dataclass(frozen=True)
class Share:
    """What a build shard makes: the reports (slugs), and the units whose year-on-year page and charts it makes (ids)."""

    reports: frozenset[str] | set[str]
    units: frozenset[str] | set[str]


def _read() -> tuple[Share, str] | None:
    path = os.environ.get(SHARD)
    if not path:
        return None
    plan = json.loads(Path(path).read_text(encoding="utf-8"))
    return Share(frozenset(plan["reports"]), frozenset(plan["units"])), plan["site_url"]


_OWN = _read()  # in a build shard: (what it makes, the starting build's site URL)


def own() -> Share | None:
    """In a build shard: what it makes; None in any other build."""
    return None if _OWN is None else _OWN[0]


def on_config(config) -> None:
    """A shard builds under the site URL of the build that started it (`mkdocs serve` sets its own)."""
    if _OWN is not None:
        config.site_url = _OWN[1]


def count(todo: int) -> int:
    """How many reports a build must make → how many shards make them (0: the build makes them itself)."""
    if _OWN is not None:
        return 0  # a shard never starts shards
    if SHARDS is not None:
        return SHARDS if SHARDS > 1 and todo >= 2 else 0
    cores = os.cpu_count() or 1
    return cores if cores > 1 and todo >= SHARD_MIN else 0


def _shares(todo: list[Share], n: int) -> list[Share]:
    """A unit's work each (its reports and its year-on-year page stay together: that page shows them) → n shares of
    about the same number of reports, the largest units placed first, each on the least loaded share."""
    loads: list[tuple[set[str], set[str]]] = [(set(), set()) for _ in range(n)]
    for t in sorted(todo, key=lambda t: (-len(t.reports), sorted(t.reports), sorted(t.units))):
        reports, units = min(loads, key=lambda share: (len(share[0]), len(share[1])))  # a report is most of the work
        reports |= t.reports
        units |= t.units
    return [Share(frozenset(r), frozenset(u)) for r, u in loads if r or u]


def run(config, todo: list[Share]) -> int:
    """What a build must make, by unit → made by build shards, into the build cache; → how many shards ran (0: none)."""
    n = min(count(sum(len(t.reports) for t in todo)), len(todo))
    shares = _shares(todo, n) if n > 1 else []
    if len(shares) < 2:
        return 0
    start = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="juesuan-shards-"))
    try:
        started = []
        for k, share in enumerate(shares):
            plan = work / f"shard-{k}.json"
            plan.write_text(json.dumps({"reports": sorted(share.reports), "units": sorted(share.units),
                                        "site_url": config.site_url or ""}), encoding="utf-8")
            command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict",
                       "--config-file", str(config.config_file_path), "--site-dir", str(work / f"site-{k}")]
            env = {**os.environ, SHARD: str(plan), "NO_MKDOCS_2_WARNING": "1"}
            started.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        for k, process in enumerate(started):
            said = process.communicate()[0].decode("utf-8", errors="replace").strip()
            if process.returncode:
                # Not a warning: this build makes that shard's reports itself, and reports what is wrong with them.
                log.info(f"Build shard {k + 1} of {len(shares)} stopped ({process.returncode}); its reports are made here. "
                         f"It said: {said[-500:]}")
        log.info(f"Build shards: the pages, charts and downloads of {sum(len(s.reports) for s in shares)} reports and "
                 f"{sum(len(s.units) for s in shares)} units made in {len(shares)} processes in {time.monotonic() - start:.1f} s")
        return len(shares)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def on_env(files) -> None:
    """In a shard: nothing but pages is written (the build that started it copies the files, once)."""
    if _OWN is not None:
        for f in [f for f in files if not f.is_documentation_page()]:
            files.remove(f)
