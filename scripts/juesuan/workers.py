"""The process pool for work that is independent per package or per chart → one worker process per core."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from juesuan.paths import SCRIPTS


SHARD = "JUESUAN_SHARD"  # in a build shard's environment (site/shards.py): the file naming its reports


def cores() -> int:
    """→ how many processes this one may keep busy: one per core; 1 in a build shard (there is a shard per core already)."""
    return 1 if os.environ.get(SHARD) else (os.cpu_count() or 1)


def process_pool() -> ProcessPoolExecutor:
    """One worker process per core, started fresh ('spawn': vl-convert's runtime must not be forked)
    with the project importable: workers take the parent's sys.path, and MkDocs removes the folder
    it added while loading the hook, so it is put back here."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    return ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=get_context("spawn"))
