"""`python -m juesuan.importer SRC [--dest DIR] [--force] [--unit …] [--year …]` → a draft package; its folder on the last line, exit 1 with one line on failure.

`make import SRC=<file> [DEST=<folder>] [FORCE=1] [UNIT=…] [YEAR=…] [KIND=…] [FORMAT=…] [SLUG=…]` runs this.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from juesuan.data.formats import UnknownFormat
from juesuan.importer.run import ImportFailed, Overrides, run
from juesuan.paths import PACKAGES, display


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make import", description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="the report: PDF with a text layer, DOCX, or UTF-8 text")
    parser.add_argument("--dest", type=Path, default=PACKAGES, help="folder to write the package into (default: datapackage/)")
    parser.add_argument("--force", action="store_true", help="replace an existing package folder")
    parser.add_argument("--unit", help="the unit's name, when the report does not say it")
    parser.add_argument("--year", type=int, help="the report's year")
    parser.add_argument("--kind", help="单位决算, 部门决算, …")
    parser.add_argument("--format", help="a format id (formats/<id>.yaml) instead of the detected one")
    parser.add_argument("--slug", help="the folder name (lower-case letters, digits, hyphens)")
    args = parser.parse_args(argv)
    if not args.src.is_file():
        print(f"error: {args.src}：文件不存在 / the file does not exist; give SRC=<path to the report>", file=sys.stderr)
        return 1
    try:
        folder = run(args.src, args.dest, args.force,
                     Overrides(unit=args.unit, year=args.year, kind=args.kind, format=args.format, slug=args.slug))
    except (ImportFailed, UnknownFormat) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("Draft written; check it with `make validate` and confirm the items of data/review.csv.", file=sys.stderr)
    print(display(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
