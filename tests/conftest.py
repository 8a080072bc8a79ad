"""Shared fixtures and the fast/slow split.

Fixtures: the real report and a fresh copy of its package (data tests); the site built once per run
with the real mkdocs CLI, served over http on 127.0.0.1, and one headless Chromium (site tests).
Helpers live in tests/helpers/; test modules import from there, never from each other.

Markers (pytest.ini): ``slow`` marks every test that needs the built site, a browser or a
`mkdocs build`/`make` subprocess; ``-m "not slow"`` is the fast set (`make test-fast`). A test that
asks for a site fixture without the mark is refused at collection, so the fast set never builds.
``params_from(argnames, source)`` parametrizes a test with ``source()``, called at collection
rather than when the module is imported (so importing a test module loads no data).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

pytest.register_assert_rewrite("helpers")

from helpers import build  # noqa: E402
from helpers.build import build_or_fail  # noqa: E402
from helpers.data import package_folder  # noqa: E402
from helpers.server import serve  # noqa: E402
from helpers.site import Site  # noqa: E402
from juesuan.data.loader import load  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Fixtures that build the real site or start the browser: only for tests marked slow.
SITE_FIXTURES = {"built_site_dir", "site", "chromium"}


# ---- markers ---------------------------------------------------------------------------------------
def pytest_generate_tests(metafunc):
    """@pytest.mark.params_from(argnames, source, **kwargs) → metafunc.parametrize(argnames, source(), **kwargs)."""
    for mark in metafunc.definition.iter_markers("params_from"):
        argnames, source = mark.args
        metafunc.parametrize(argnames, source(), **mark.kwargs)


def pytest_collection_modifyitems(config, items):
    """Mark the importer's tests (tests/test_import*.py); refuse the run if a test uses the built site or the
    browser without being marked slow."""
    for item in items:
        if item.path.name.startswith("test_import"):
            item.add_marker(pytest.mark.importer)
    unmarked = sorted(item.nodeid for item in items
                      if SITE_FIXTURES & set(getattr(item, "fixturenames", ())) and item.get_closest_marker("slow") is None)
    if unmarked:
        raise pytest.UsageError("these tests use the built site or the browser but are not marked slow:\n  "
                                + "\n  ".join(unmarked))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before a test's fixtures: a test not marked slow may not run `mkdocs build` (helpers.build refuses)."""
    build.allowed = item.get_closest_marker("slow") is not None


# ---- the package ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def report():
    """The real 2021 package, loaded and validated once per test run."""
    return load(package_folder())


@pytest.fixture
def package_copy(tmp_path) -> Path:
    """A writable copy of the real package folder, for mutation tests."""
    dest = tmp_path / package_folder().name
    shutil.copytree(package_folder(), dest)
    return dest


# ---- the built site ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def built_site_dir():
    """The site, built once per test run into a temporary directory (removed afterwards)."""
    tmp = Path(tempfile.mkdtemp(prefix="site-test-"))
    try:
        yield build_or_fail(tmp / "site")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def site(built_site_dir):
    """The built site served over http on 127.0.0.1 with a free port (a background thread)."""
    with serve(built_site_dir) as port:
        yield Site(built_site_dir, f"http://127.0.0.1:{port}/", f"127.0.0.1:{port}")


# ---- the browser -------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium (the Debian package) for the whole run."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        pw.stop()
