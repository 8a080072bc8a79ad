"""Build inputs (the code, a package's files, the nav) → cache keys; keys → what an earlier build made from the same inputs.

The store is build/site-cache (paths.SITE_CACHE; SITE_CACHE=<folder> for tests and the
benchmark). An entry's key is a hash of everything that made it: the code fingerprint (every
file under scripts/juesuan, templates, overrides, hooks, formats, docs, mkdocs.yml and
package-lock.json, plus the version of every installed Python distribution), the hash of each
package it shows, and what else the caller names (the nav, the site URL). Entries are never
updated in place: a changed input is a new key, so a stale entry is simply never asked for.
Writes go to a temporary name first and are renamed into place, so a build that stops half-way
or runs beside another one never leaves a half-written entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
import tempfile
import time
from functools import lru_cache, wraps
from importlib import metadata
from pathlib import Path

from juesuan.paths import ROOT, SITE_CACHE
from juesuan.workers import cores, process_pool

# What the site's output depends on besides the packages (relative to the project); the Python code first.
CODE = ("scripts/juesuan", "templates", "overrides", "hooks", "formats", "docs", "mkdocs.yml", "package-lock.json")


def _digest(chunks) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(len(chunk).to_bytes(8, "big"))  # lengths first: ("ab", "c") and ("a", "bc") differ
        h.update(chunk)
    return h.hexdigest()


def _tree(root: Path, rels) -> list[bytes]:
    """Folders and files → (relative path, bytes) of every file under them, sorted; caches and bytecode left out."""
    out = []
    for rel in rels:
        top = root / rel
        found = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for p in found:
            out += [p.relative_to(root).as_posix().encode(), p.read_bytes()]
    return out


def _python() -> str:
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    return _digest(_tree(ROOT, CODE[:1]) + [v.encode() for v in versions])


# The Python code as this process loaded it: hashed when the project is imported, not later, so that a process that
# runs while its files are edited (`make dev`) never stores what its old code made under the new code's key.
PYTHON = _python()


@lru_cache(maxsize=1)
def code() -> str:
    """The fingerprint of the code loaded, the templates, theme overrides, formats and libraries (re-read by code.cache_clear())."""
    return _digest([PYTHON.encode()] + _tree(ROOT, CODE[1:]))


_FOLDERS: dict[tuple, str] = {}


def _listing(folder: str) -> list[tuple[str, int, int, int, int]]:
    """A folder → (path, mtime, ctime, size, inode) of every file under it, sorted; links to files followed, links to
    folders not."""
    found, todo = [], [folder]
    while todo:  # os.scandir, not Path.rglob: every build stats every package file several times (issue 12)
        with os.scandir(todo.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                elif entry.is_file():
                    st = entry.stat()
                    found.append((entry.path, st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
    return sorted(found)


# A file changed less than this long ago may change again within the same tick of its times: its package's hash is not
# remembered across builds until it is older (git's "racy" entries).
RACY_NS = 2_000_000_000


def package(folder: Path) -> str:
    """A package folder → the hash of its name and every file in it.

    Remembered while no file's name, size, times or inode change: in this process, and across builds in the cache
    (kind "package"; a write changes a file's ctime, which nothing can set back), so that an unchanged package's files
    are not all read and hashed again by every build (issue 12: 300 packages, 9 000 files)."""
    listing = _listing(str(folder))
    stamp = (str(folder),) + tuple(listing)
    if stamp not in _FOLDERS:
        k = key("package", stamp)
        found = read_json("package", k)
        if found is None:
            base = len(str(folder)) + 1
            found = _digest([folder.name.encode()] + [b for path, *_ in listing
                                                      for b in (path[base:].replace(os.sep, "/").encode(), Path(path).read_bytes())])
            if all(time.time_ns() - max(mtime, ctime) > RACY_NS for _, mtime, ctime, _, _ in listing):
                with contextlib.suppress(OSError):  # a cache the build may read but not write: hashed again next time
                    write_json("package", k, found)
        _FOLDERS[stamp] = found
    return _FOLDERS[stamp]


def key(*parts) -> str:
    """Anything JSON can write (strings, lists, dicts) → a key: the code fingerprint and the parts, hashed."""
    return hashlib.sha256(json.dumps([code(), *parts], ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _path(kind: str, k: str) -> Path:
    return SITE_CACHE / kind / k[:2] / k


def used(path: Path) -> bool:
    """Mark a stored entry (a file or a bundle's folder) as used now, for juesuan/tools/prune.py → whether it exists."""
    try:
        os.utime(path)
        return True
    except FileNotFoundError:
        return False
    except OSError:  # a cache the build may read but not write (another user's, a read-only copy): still usable
        return path.exists()


def has(kind: str, k: str) -> bool:
    """Whether an entry is stored under (kind, key) (it counts as used)."""
    return used(_path(kind, k))


def read_bytes(kind: str, k: str) -> bytes | None:
    """The bytes stored under (kind, key), or None."""
    path = _path(kind, k)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    used(path)
    return data


def path(kind: str, k: str) -> Path:
    """Where the entry (kind, key) is stored (for a link to it: cache.place), marked as used."""
    found = _path(kind, k)
    used(found)
    return found


def write_bytes(kind: str, k: str, data: bytes) -> None:
    """Store data under (kind, key), atomically."""
    dest = _path(kind, k)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, dest)


def move_in(kind: str, k: str, path: Path) -> None:
    """Store a file written elsewhere in the cache's folder under (kind, key), by renaming it."""
    dest = _path(kind, k)
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, dest)


def read_json(kind: str, k: str):
    """The JSON stored under (kind, key), or None."""
    data = read_bytes(kind, k)
    return None if data is None else json.loads(data)


def write_json(kind: str, k: str, value) -> None:
    """Store value (JSON) under (kind, key), atomically."""
    write_bytes(kind, k, json.dumps(value, ensure_ascii=False).encode())


def read_bundle(kind: str, k: str) -> list[tuple[dict, str]] | None:
    """The files stored under (kind, key) as (their record, the path of their stored file), in the order they were
    stored; or None. Paths as strings: a build reads a bundle of every report, 70 000 files at 300 (issue 12)."""
    folder = _path(kind, k)
    try:
        records = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    used(folder)
    base = os.path.join(folder, "")
    return [(r, f"{base}{i}") for i, r in enumerate(records)]


def write_bundle(kind: str, k: str, items: list[tuple[dict, bytes]]) -> None:
    """Store files (a JSON record and the bytes of each) under (kind, key): written aside, then renamed into place."""
    dest = _path(kind, k)
    if used(dest):
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".tmp-"))
    for i, (_, data) in enumerate(items):
        (tmp / str(i)).write_bytes(data)
    (tmp / "manifest.json").write_text(json.dumps([r for r, _ in items], ensure_ascii=False), encoding="utf-8")
    try:
        os.rename(tmp, dest)
    except OSError:  # another build stored the same entry meanwhile: same inputs, same bytes
        shutil.rmtree(tmp, ignore_errors=True)


def place(stored: Path | str, dest: Path | str) -> None:
    """A stored file → the same bytes at dest: a hard link to it when both are on one file system, else a copy.

    Why a link: a build that reuses hundreds of reports copied every stored chart, workbook and index file again (17 000
    files at 100 reports, issue 12). Nothing writes into a built site's files in place, so the cache's file is safe;
    pruning the cache unlinks its name only, and the site keeps the bytes."""
    # os calls on strings, the link tried first: most files are new in a fresh site (53 000 files at 300 reports)
    stored, dest = os.fspath(stored), os.fspath(dest)
    try:
        os.link(stored, dest)
        return
    except FileNotFoundError:  # its folder is not made yet (or the stored file is gone: the copy below says so)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
    except OSError:
        pass
    with contextlib.suppress(FileNotFoundError):
        os.unlink(dest)  # an earlier file there may be a link into the cache: never copied into
    try:
        os.link(stored, dest)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(stored, dest)


def checked(folders: list[Path], check) -> list[tuple[dict | None, list]]:
    """Package folders → check(folder) of each, (descriptor, problems); a package that passed with the same files
    and the same code (validator included) before is not checked again: its descriptor is the one stored then.

    Only passes are stored, so every problem is found and worded afresh. Several packages to check run in
    one process per core.
    """
    keys = [key("valid", package(f)) for f in folders]
    out: list = [(read_json("valid", k), []) for k in keys]
    todo = [i for i, (descriptor, _) in enumerate(out) if descriptor is None]
    if len(todo) > 1 and cores() > 1:
        with process_pool() as pool:
            done = list(pool.map(check, [folders[i] for i in todo]))
    else:
        done = [check(folders[i]) for i in todo]
    for i, (descriptor, problems) in zip(todo, done):
        out[i] = (descriptor, problems)
        if descriptor is not None and not problems:
            write_json("valid", keys[i], descriptor)
    return out


def remembered(kind: str):
    """Decorator: fn(report) → its result, stored (pickled) under the package's hash and the code, and read back by
    later builds instead of computing it again. For slow, pure functions of one package (the charts)."""

    def decorate(fn):
        @wraps(fn)
        def wrapper(report):
            k = key(kind, package(report.folder))
            stored = read_bytes(kind, k)
            if stored is not None:
                return pickle.loads(stored)  # our own cache, written below by this code (its key includes the code)
            value = fn(report)
            write_bytes(kind, k, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            return value

        return wrapper

    return decorate


def of_text(kind: str, text: str, fn) -> str:
    """fn(text), for a slow pure function of a text (a page's indexed copy): stored under the text's hash and the code,
    and read back when a later build meets the same text."""
    k = key(kind, hashlib.sha256(text.encode("utf-8")).hexdigest())
    stored = read_bytes(kind, k)
    if stored is not None:
        return stored.decode("utf-8")
    out = fn(text)
    write_bytes(kind, k, out.encode("utf-8"))
    return out


def file_of_text(kind: str, digest: str, read, fn) -> Path:
    """Where of_text(kind, text, fn) is stored, for the text whose UTF-8 bytes have the sha256 `digest` (known already:
    the text is not read when its entry is there) → that file; read() → the text, when it must be made."""
    found = _path(kind, key(kind, digest))
    if not used(found):
        of_text(kind, read(), fn)  # stored under that digest
    return found
