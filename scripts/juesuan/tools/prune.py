"""`python -m juesuan.tools.prune [--days 14]` → the build caches without the entries no build has used for that many days; prints what went and what stays.

The caches (build/site-cache, build/chart-cache: juesuan/cache.py, juesuan/charts/files.py) are keyed
by content, so an edit to the code or a package makes new entries and leaves the old ones unused; with
hundreds of reports each set is gigabytes. Every read marks an entry as used (cache.used sets its
time), so an entry older than the limit is one no build has asked for since. `make build` runs this
after a build that succeeded. Left-overs of interrupted writes (.tmp-*, .pending-*) go after a day.

One case costs a re-render: a report whose pages are all reused takes its chart files from the site
cache and does not read the chart cache, so after `--days` of that its chart renders are removed, and the
next change to the nav (which re-renders every page) renders its charts again.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from juesuan.paths import CHART_CACHE, SITE_CACHE

LEFTOVER_DAYS = 1  # an interrupted write's temporary file or folder


def _entries(site: Path, charts: Path):
    """(path, is a left-over) of every entry of both caches."""
    for kind in sorted(p for p in site.iterdir() if p.is_dir()) if site.is_dir() else []:
        if kind.name.startswith("."):
            yield kind, True
            continue
        for shard in sorted(p for p in kind.iterdir() if p.is_dir()):
            for entry in sorted(shard.iterdir()):
                yield entry, entry.name.startswith(".")
    for entry in sorted(charts.iterdir()) if charts.is_dir() else []:
        yield entry, entry.name.startswith(".")


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def prune(days: float, site: Path = SITE_CACHE, charts: Path = CHART_CACHE, now: float | None = None) -> dict:
    """Remove the entries not used for `days` → {"removed": n, "removed_bytes": b, "kept": n, "kept_bytes": b}."""
    now = time.time() if now is None else now
    out = {"removed": 0, "removed_bytes": 0, "kept": 0, "kept_bytes": 0}
    for entry, leftover in list(_entries(site, charts)):
        limit = (LEFTOVER_DAYS if leftover else days) * 86400
        try:  # another build may move, write or remove entries meanwhile (`make dev`): what vanished is skipped
            size = _size(entry)
            if now - entry.stat().st_mtime > limit:  # its time read just before removing it: one a build just used stays
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                out["removed"] += 1
                out["removed_bytes"] += size
                continue
        except FileNotFoundError:
            continue
        out["kept"] += 1
        out["kept_bytes"] += size
    return out


def summary(r: dict, days: float) -> str:
    """The result of prune → one line in Chinese, then English."""
    mb = {k: r[k] / 1e6 for k in ("removed_bytes", "kept_bytes")}
    return (f"构建缓存：删除 {r['removed']} 项（{mb['removed_bytes']:.1f} MB，{days:g} 天未用），保留 {r['kept']} 项（{mb['kept_bytes']:.1f} MB）。"
            f" / Build cache: removed {r['removed']} entries ({mb['removed_bytes']:.1f} MB, unused for {days:g} days),"
            f" kept {r['kept']} ({mb['kept_bytes']:.1f} MB).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=14, help="remove entries no build has used for this many days (default 14)")
    args = parser.parse_args(argv)
    if args.days < 0:
        parser.error("--days 须为非负数 / must not be negative")
    try:
        print(summary(prune(args.days), args.days))
    except OSError as exc:  # the site is built already: a cache that cannot be pruned is said, not a failed build
        print(f"构建缓存未能清理：{exc} / The build cache could not be pruned: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
