"""Shared fixtures: the real report, and a fresh copy of its package for tests that break it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from juesuan.data.loader import discover, load

PACKAGE = discover()[0]  # the 2021 report; more reports arrive with the many-reports issue


@pytest.fixture(scope="session")
def report():
    """The real 2021 package, loaded and validated once per test run."""
    return load(PACKAGE)


@pytest.fixture
def package_copy(tmp_path) -> Path:
    """A writable copy of the real package folder, for mutation tests."""
    dest = tmp_path / PACKAGE.name
    shutil.copytree(PACKAGE, dest)
    return dest
