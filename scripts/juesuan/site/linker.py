"""A listing of (stored file, its place in the site) pairs → each stored file placed there (cache.place), in a process of its own.

Started (start) by reuse.link_in_background while the build makes its nav and converts and writes its pages, and by
search_index.write_index for the unchanged units' indexes while Pagefind indexes the others. A thread of the build did
this before, and it waited on the interpreter's lock while the pages were converted: a one-package change of 300
reports then waited 5 s for its 60 000 links (issue 12). A process of its own needs no lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from juesuan import cache
from juesuan.paths import SCRIPTS


@dataclass
class Linking:
    """A linker process placing files (start), and its listing (removed once it is done: wait)."""

    process: subprocess.Popen
    listing: str


def start(pairs: list[tuple[str, str]]) -> Linking | None:
    """(stored file, place in the site) pairs → a linker process placing them, not waited for; None when there are none."""
    if not pairs:
        return None
    fd, listing = tempfile.mkstemp(prefix="juesuan-links-")
    os.close(fd)
    write_listing(listing, pairs)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(SCRIPTS), os.environ.get("PYTHONPATH", "")) if p))
    process = subprocess.Popen([sys.executable, "-m", "juesuan.site.linker", listing], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return Linking(process, listing)


def wait(linking: Linking | None, quiet: bool = False) -> None:
    """A started linker (or None) → returns once every file is placed; RuntimeError with the linker's line if one could
    not be (not when quiet: the caller has an error of its own to report)."""
    if linking is None:
        return
    _, err = linking.process.communicate()
    os.unlink(linking.listing)
    if linking.process.returncode and not quiet:
        raise RuntimeError(err.decode("utf-8", errors="replace").strip()
                           or f"the linker (site/linker.py) stopped with status {linking.process.returncode}")


def write_listing(path: str, pairs: list[tuple[str, str]]) -> None:
    """(stored file, place in the site) pairs → the listing file main() reads (paths separated by NUL: no path holds one)."""
    with open(path, "wb") as f:
        f.write(b"\0".join(os.fsencode(p) for pair in pairs for p in pair))


def main(argv: list[str] | None = None) -> int:
    """python -m juesuan.site.linker LISTING → 0 when every file is placed; else 1, and one line on stderr naming it."""
    (listing,) = sys.argv[1:] if argv is None else argv
    with open(listing, "rb") as f:
        paths = [os.fsdecode(p) for p in f.read().split(b"\0")] if os.path.getsize(listing) else []
    for stored, dest in zip(paths[::2], paths[1::2]):
        try:
            cache.place(stored, dest)
        except OSError as exc:
            print(f"{dest}: could not place the stored file {stored} there: {exc.strerror or exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
