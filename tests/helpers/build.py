"""The one way the tests run `mkdocs build`: the real CLI, --strict, as `make build` runs it.

The real site is built once per test run (the ``built_site_dir`` fixture of conftest.py); tests that
need a build of something else (a broken or hostile copy of the project, other packages through
DATAPACKAGE_DIR, a second build for reproducibility) call the same function.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

from helpers.paths import MKDOCS, ROOT

# False while a test not marked slow runs (set by conftest.py): the fast set must never build.
allowed = True


def mkdocs_build(out: Path, project: Path = ROOT, **extra_env: str) -> subprocess.CompletedProcess:
    """Build `project` into `out` with the real mkdocs CLI, strict; the process with stdout and stderr
    together in .stdout (text). The hooks find the project's package themselves, so PYTHONPATH is
    dropped (a copy of the project builds with its own scripts/); extra_env is added to the environment."""
    assert allowed, "mkdocs build from a test not marked slow (conftest.py: the fast set never builds)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(NO_MKDOCS_2_WARNING="1", **extra_env)
    return subprocess.run([str(MKDOCS), "build", "--strict", "-d", str(out)], cwd=project, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)


def build_or_fail(out: Path, project: Path = ROOT, **extra_env: str) -> Path:
    """mkdocs_build that must succeed: → out; AssertionError with the end of the build's output otherwise."""
    done = mkdocs_build(out, project, **extra_env)
    assert done.returncode == 0, f"mkdocs build failed ({done.returncode}):\n{done.stdout[-3000:]}"
    return out


def built_files(out: Path) -> list[str]:
    """Every file of a build, relative and sorted ([] when there is no output directory)."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) if out.exists() else []


@functools.lru_cache(maxsize=1)
def _project_files() -> tuple[str, ...]:
    """The files of the project as a fresh clone (plus files not yet committed) would have them."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         check=True, capture_output=True).stdout.decode("utf-8")
    return tuple(sorted(f for f in out.split("\0") if f and (ROOT / f).is_file()))


def copy_project(dest: Path) -> Path:
    """A copy of the project in dest, with node_modules symlinked (the build serves the npm chart runtime)."""
    for rel in _project_files():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest / rel)
    (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return dest
