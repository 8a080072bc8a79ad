"""`python -m juesuan.tools.validate [folder…]` → stock frictionless validation plus the consistency checks of every package; exit 1 on any problem.

Prints one line per problem (file:line [field]: what is wrong), then a summary per package.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from juesuan import checks
from juesuan.data.loader import PACKAGES, discover, load
from juesuan.data.problems import PackageError, Problem


def validate(folders: list[Path]) -> list[Problem]:
    """Package folders → every problem found in them (empty when all can be published)."""
    problems: list[Problem] = []
    for folder in folders:
        try:
            report = load(folder)
        except PackageError as exc:
            problems.extend(exc.problems)
            continue
        results, found = checks.run(report)
        problems.extend(found)
        passed = sum(c.passed for c in results)
        findings = sum(c.failed for c in results)
        unchecked = sum(c.uncheckable for c in results)
        print(f"{folder.name}: {len(results)} checks — {passed} pass, {findings} recorded findings, "
              f"{unchecked} not checkable (undisclosed); {len(found)} problems", file=sys.stderr)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="package folders (default: every folder under datapackage/)")
    args = parser.parse_args(argv)
    folders = [f.resolve() for f in args.folders] or discover(PACKAGES)
    if not folders:
        print(f"error: no package folder with a datapackage.json under {PACKAGES}", file=sys.stderr)
        return 1
    problems = validate(folders)
    for p in problems:
        print(p)
    if problems:
        print(f"\n{len(problems)} problem(s): nothing may be published until they are fixed.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
