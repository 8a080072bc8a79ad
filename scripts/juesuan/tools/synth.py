"""`python -m juesuan.tools.synth OUT N [--units U]` → N synthetic report packages in OUT, for benchmarks and tests only.

Each synthetic package is the real one with another unit and year, every count and amount
multiplied by a whole factor k (so sums, shares, per-person figures and the recorded findings
still hold exactly), and a source text rewritten with those numbers, so the package passes every
check. They are never published and never committed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

from juesuan.data.formula import evaluate
from juesuan.data.loader import PACKAGES, discover
from juesuan.data.source_text import sentence_at

TEMPLATE = discover(PACKAGES)[0]
UNSCALED_UNITS = {"%", "科目编码", "元/人.年", "元/人.月", "分", "个月"}
# Thresholds ("单价50万元以上…") are rules, not amounts: a figure whose label says so is not scaled.
THRESHOLD_LABEL = "（以上）"


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _scaled(value: str, k: int) -> str:
    """'260.70' × 2 → '521.40' (same number of decimals as written)."""
    d = Decimal(value)
    return str((d * k).quantize(d)) if d.as_tuple().exponent < 0 else str(d * k)


def make(out: Path, unit_no: int, year: int, k: int) -> Path:
    """One synthetic package → its folder under out."""
    slug = f"synthetic-unit{unit_no:03d}-{year}"
    dest = out / slug
    shutil.copytree(TEMPLATE, dest)
    data = dest / "data"

    # Figures: scale the stated counts and amounts, rewrite the source text around them.
    fields, figs = _read(data / "figures.csv")
    source = (dest / "source" / "report.txt").read_text(encoding="utf-8").split("\n")
    new_literal: dict[str, str] = {}
    by_line: dict[int, list[dict]] = {}
    for fig in figs:
        # Counts written in words (两件) are kept as written: only numbers written in digits are scaled.
        if (fig["status"] == "stated" and fig["unit"] not in UNSCALED_UNITS and not fig["label"].endswith(THRESHOLD_LABEL)
                and fig["literal"][:1].isdigit()):
            number = re.match(r"\d+(?:\.\d+)?", fig["literal"]).group()
            new_value = _scaled(number, k)
            new_literal[fig["id"]] = new_value + fig["literal"][len(number):]
            fig["value"] = _scaled(fig["value"], k)
        if fig["status"] == "stated":
            by_line.setdefault(int(fig["line"]), []).append(fig)
    findings_fields, findings = _read(data / "findings.csv")
    for lineno, line_figs in by_line.items():
        raw = source[lineno - 1]
        quotes = [f for f in findings if str(lineno) in f["lines"].split()]
        shift, new = 0, raw
        offsets = {}
        for fig in sorted(line_figs, key=lambda f: int(f["offset"])):
            start = int(fig["offset"]) + shift
            literal = new_literal.get(fig["id"], fig["literal"])
            new = new[:start] + literal + new[start + len(fig["literal"]):]
            offsets[fig["id"]] = start
            shift += len(literal) - len(fig["literal"])
        for fig in line_figs:
            fig["offset"] = str(offsets[fig["id"]])
            fig["literal"] = new_literal.get(fig["id"], fig["literal"])
        for fig in line_figs:  # sentences again, from the rewritten line
            fig["sentence"] = sentence_at(new, int(fig["offset"]))
        for f in quotes:
            f["quote"] = _requote(f["quote"], new)
        source[lineno - 1] = new
    (dest / "source" / "report.txt").write_text("\n".join(source), encoding="utf-8")
    template_year = json.loads((TEMPLATE / "datapackage.json").read_text(encoding="utf-8"))["report"]["year"]
    for fig in figs:  # previous-year figures are named for their year: <id>_<year - 1>
        if fig["id"].endswith(f"_{template_year - 1}"):
            fig["id"] = fig["id"][: -4] + str(year - 1)
            fig["label"] = fig["label"].replace(f"{template_year - 1}年", f"{year - 1}年")
    values = {f["id"]: Decimal(f["value"]) for f in figs}
    for fig in figs:  # derived figures from their formulas, in register order (formulas refer backwards or to stated)
        if fig["status"] == "derived":
            fig["value"] = str(evaluate(fig["formula"], lambda i: values[i]))
            values[fig["id"]] = Decimal(fig["value"])
    _write(data / "figures.csv", fields, figs)
    _write(data / "findings.csv", findings_fields, findings)

    # Everything that repeats a figure's value: views, tables (through provenance), project forms.
    for name, col in (("work_figures", "value"), ("organisation", "value"), ("self_assessment", "score")):
        f2, rows = _read(data / f"{name}.csv")
        for row in rows:
            row[col] = str(values[row["figure"]])
        _write(data / f"{name}.csv", f2, rows)
    _, prov = _read(data / "provenance.csv")
    descriptor = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["name"]: r["path"] for r in descriptor["resources"]}
    cells: dict[str, dict[tuple[int, str], str]] = {}
    for p in prov:
        cells.setdefault(p["resource"], {})[(int(p["row"]), p["field"])] = p["figure"]
    for name, where in cells.items():
        f2, rows = _read(dest / paths[name])
        for i, row in enumerate(rows, 1):
            for fld in f2:
                fid = where.get((i, fld))
                if fid:
                    v = values[fid]
                    row[fld] = str(v.quantize(Decimal("0.01"))) if "." in row[fld] and len(row[fld].split(".")[1]) == 2 else str(v)
        _write(dest / paths[name], f2, rows)

    meta = descriptor["report"]
    meta.update(unit=f"合成测试单位{unit_no:03d}", unit_short=f"合成单位{unit_no:03d}", unit_id=f"synthetic-unit{unit_no:03d}", year=year)
    descriptor["name"] = descriptor["id"] = f"{slug}-final-accounts"
    descriptor["title"] = f"{meta['unit']}{year}年度单位决算（合成数据，仅供测试）"
    descriptor["description"] = f"由真实数据包按整数倍（×{k}）生成的合成数据，用于性能测试和多报告测试；不发布。"
    (dest / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return dest


def _requote(quote: str, new_line: str) -> str:
    """A finding's quote → the same words in the rewritten line (its numbers may have changed); each " ｜ "-part
    of a quote that spans lines is rewritten when it is on this line."""
    out = []
    for part in quote.rstrip("…").split(" ｜ "):
        pattern = r"\d+(?:\.\d+)?".join(re.escape(p) for p in re.split(r"\d+(?:\.\d+)?", part))
        m = re.search(pattern, new_line)
        out.append(m.group() if m else part)
    return " ｜ ".join(out) + ("…" if quote.endswith("…") else "")


def rescale(folder: Path, k: int) -> Path:
    """A synthetic package → made again for the same unit and year with factor k: every amount changes, its title and the nav do not."""
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["report"]
    unit_no = int(meta["unit_id"].removeprefix("synthetic-unit"))
    shutil.rmtree(folder)
    return make(folder.parent, unit_no, meta["year"], k)


def revise(packages: Path, which: int = 0) -> Path:
    """A folder of packages → one of them changed as a new edition would change it, its title (and so the nav) kept; → its folder.

    A synthetic package is made again with a factor no other has (every amount, table and chart
    changes): the middle one, or with which=k the k-th of those spread from there by a third of them
    each (another package each time, for k below 3); without synthetic packages, the first package's
    description gains a sentence.
    """
    synthetic = sorted(p.parent for p in packages.glob("synthetic-*/datapackage.json"))
    if synthetic:
        return rescale(synthetic[(len(synthetic) // 2 + which * len(synthetic) // 3) % len(synthetic)], REVISED_FACTOR)
    folder = discover(packages)[0]
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["description"] += "（本版为修订版。）"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return folder


REVISED_FACTOR = 7  # make_many's factors are 2 to 6


def make_many(out: Path, n: int, units: int) -> list[Path]:
    """N synthetic packages over `units` units (years 2019, 2020, … per unit)."""
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(n):
        unit_no, year_no = i % units + 1, i // units
        made.append(make(out, unit_no, 2019 + year_no, k=2 + (i % 5)))
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--units", type=int, default=None, help="number of units (default: one per report)")
    args = parser.parse_args(argv)
    for path in make_many(args.out, args.n, args.units or args.n):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
