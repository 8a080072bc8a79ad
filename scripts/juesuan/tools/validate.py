"""`python -m juesuan.tools.validate [folder…]` → stock frictionless validation plus the consistency checks of every package; exit 1 on any problem.

Prints one line per problem (file:line 第N行 字段 X：what is wrong and what to do, in Chinese, then [code: English]),
then a summary per package. Bad data never shows a traceback: what a check finds missing is a problem too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from juesuan import checks
from juesuan.data.loader import PACKAGES, discover, load
from juesuan.data.problems import PackageError, PackageLacks, Problem


def validate(folders: list[Path]) -> list[Problem]:
    """Package folders → every problem found in them (empty when all can be published)."""
    problems: list[Problem] = []
    for folder in folders:
        try:
            report = load(folder)
        except PackageError as exc:
            problems.extend(exc.problems)
            continue
        try:
            results, found = checks.run(report)
        except PackageLacks as exc:  # a check needs what the package lacks: a located line, no traceback
            problems.append(Problem.of("package-lacks", exc.file, None, None, what=exc.what))
            continue
        problems.extend(found)
        passed = sum(c.passed for c in results)
        findings = sum(c.failed for c in results)
        unchecked = sum(c.uncheckable for c in results)
        print(f"{folder.name}：核对 {len(results)} 项，通过 {passed} 项，已记录的发现 {findings} 项，"
              f"未公开无法核对 {unchecked} 项；问题 {len(found)} 个 [{len(results)} checks — {passed} pass, {findings} recorded "
              f"findings, {unchecked} not checkable (undisclosed); {len(found)} problems]", file=sys.stderr)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="package folders (default: every folder under datapackage/)")
    args = parser.parse_args(argv)
    folders = [f.resolve() for f in args.folders] or discover(PACKAGES)
    if not folders:
        print(Problem.of("no-packages", str(PACKAGES), None, None, root=str(PACKAGES)), file=sys.stderr)
        return 1
    problems = validate(folders)
    for p in problems:
        print(p)
    if problems:
        print(f"\n共 {len(problems)} 个问题：全部改正之前不能发布。 [{len(problems)} problem(s): nothing may be published "
              "until they are fixed.]", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
