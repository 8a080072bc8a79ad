"""The package data the tests read, loaded lazily (at the first test or parametrization that asks) and once per run.

Test modules call these (in tests, fixtures and ``params_from`` sources) instead of loading at
import time, so that importing a test module reads no data; conftest.py's ``report`` fixture loads
the package folder named here.
"""

from __future__ import annotations

import functools
from pathlib import Path

from juesuan.data.loader import discover, reports


@functools.cache
def package_folders() -> tuple[Path, ...]:
    """The package folders of datapackage/ (or DATAPACKAGE_DIR), sorted."""
    return tuple(discover())


def package_folder() -> Path:
    """The 2021 report's package folder (the first; more reports arrive with the many-reports issue)."""
    return package_folders()[0]


def all_reports() -> list:
    """Every report, loaded and validated once per process (the loader's own cache, shared with the site code)."""
    return reports()


def first_report():
    """The 2021 report, as the site code loads it (the first of all_reports())."""
    return all_reports()[0]
