"""A loaded Report → every consistency check (with formula, values, result) and the problems that block publishing.

Three kinds of check, all with exact Decimal arithmetic:
- honesty: a stated figure matches the number in its sentence of the source text; a derived
  figure equals its formula; every table cell with a value points to a figure of that value;
- relations: every arithmetic relation the report states or implies (relations.csv); a relation
  that fails must be recorded as a finding (a contradiction inside the source), and a recorded
  finding must still be reproduced;
- tables: totals equal the sum of their parts, and the fifteen tables agree with each other.
A violation inside the tables is an error; a contradiction inside the source is a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from juesuan.data.formula import FormulaError, evaluate, names, round_as
from juesuan.data.loader import REF, Report, per_report
from juesuan.data.problems import Problem
from juesuan.paths import display
from juesuan.data.source_text import literal_value, read_lines

TEXT_FIELDS = {  # resource → fields whose text may hold [[figure]] references
    "narrative": ("title", "text"),
    "performance_projects": ("goal_expected", "goal_actual"),
    "performance_indicators": ("expected", "actual"),
}
VIEWS = {"work_figures": "value", "organisation": "value", "self_assessment": "score"}  # one row = one figure
CODE_LENGTH_LEVEL = {3: "类", 5: "款", 7: "项"}


@dataclass
class Check:
    """One comparison, as published on the verification page."""

    id: str
    group: str  # a narrative section id or a table resource name
    title: str
    formula: str  # what is compared, in figure ids or table cells
    computed: Decimal | None
    expected: Decimal | None
    status: str  # "通过" | "不一致" | "无法核对"
    finding: str | None = None
    values: dict[str, Decimal] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == "通过"


def _file(report: Report, resource: str) -> str:
    return display(report.path_of(resource))


# ---------------------------------------------------------------------------------- honesty
def check_figures(report: Report) -> list[Problem]:
    """Stated figures against the source text, derived figures against their formulas."""
    problems = []
    file = _file(report, "figures")
    source = read_lines(report.source_text)
    for i, fig in enumerate(report.rows["figures"]):
        row, fid = report.line("figures", i), fig["id"]

        def bad(fld, msg):
            problems.append(Problem(file, row, fld, f"figure {fid}: {msg}"))

        if fig["status"] == "stated":
            if fig["formula"]:
                bad("formula", "a stated figure has no formula; mark it derived or clear the formula")
            if fig["line"] is None or fig["offset"] is None or not fig["literal"] or not fig["sentence"]:
                bad("line", "a stated figure needs line, offset, literal and sentence pointing to the source text")
                continue
            if fig["line"] > len(source):
                bad("line", f"line {fig['line']} is past the end of the source text ({len(source)} lines)")
                continue
            raw = source[fig["line"] - 1]
            at = raw[fig["offset"]: fig["offset"] + len(fig["literal"])]
            if at != fig["literal"]:
                bad("literal", f"source line {fig['line']} has {at!r} at offset {fig['offset']}, not {fig['literal']!r}")
            start = raw.find(fig["sentence"])
            if start == -1:
                bad("sentence", f"the sentence is not on source line {fig['line']}")
            elif not start <= fig["offset"] < start + len(fig["sentence"]):
                bad("sentence", "the number is not inside the quoted sentence")
            if fig["unit"] != "科目编码":
                try:
                    written = literal_value(fig["literal"])
                except ValueError as exc:
                    bad("literal", str(exc))
                    continue
                if written != fig["value"] or str(written) != str(fig["value"]):
                    bad("value", f"value {fig['value']} differs from the source, which says {fig['literal']!r}")
                if fig["unit"] and fig["unit"] not in fig["literal"]:
                    bad("unit", f"unit {fig['unit']!r} is not how the source writes it ({fig['literal']!r})")
        else:
            if not fig["formula"]:
                bad("formula", "a derived figure needs the formula it is computed by")
                continue
            if fig["line"] is not None or fig["literal"]:
                bad("line", "a derived figure does not point to a sentence; it carries a formula")
            try:
                computed = evaluate(fig["formula"], report.value)
            except (FormulaError, KeyError) as exc:
                bad("formula", str(exc).strip('"'))
                continue
            if computed != fig["value"]:
                bad("value", f"value {fig['value']} but its formula {fig['formula']} gives {computed}")
    return problems


def check_references(report: Report) -> list[Problem]:
    """Every [[id]] in a text field names a figure in the register."""
    problems = []
    for resource, fields in TEXT_FIELDS.items():
        for i, row in enumerate(report.rows[resource]):
            for fld in fields:
                for fid in REF.findall(row[fld] or ""):
                    if fid not in report.figures:
                        problems.append(Problem(_file(report, resource), report.line(resource, i), fld,
                                                f"reference [[{fid}]] names no figure in figures.csv"))
    return problems


def check_cells(report: Report) -> list[Problem]:
    """Table cells ↔ provenance ↔ figures: each value cell points to one figure of the same value."""
    problems = []
    seen = set()
    resources = [r["name"] for r in report.table_resources] + ["performance_projects"]
    for name in resources:
        numeric = [f["name"] for f in report.fields(name) if f["type"] == "number"]
        for i, (row, raw) in enumerate(zip(report.rows[name], report.cells[name])):
            for fld in numeric:
                key = (name, i + 1, fld)
                seen.add(key)
                fid = report.provenance.get(key)
                value = row[fld]
                where = (_file(report, name), report.line(name, i), fld)
                if value is None:
                    if fid:
                        problems.append(Problem(*where, f"cell is empty but provenance.csv points it to {fid}"))
                    continue
                if not fid:
                    problems.append(Problem(*where, f"value {value} has no entry in provenance.csv; every value must point to a figure"))
                    continue
                if fid not in report.figures:
                    problems.append(Problem(*where, f"provenance points to {fid}, which is not in figures.csv"))
                    continue
                if report.value(fid) != value:
                    problems.append(Problem(*where, f"value {value} differs from figure {fid} = {report.value(fid)}"))
    for i, p in enumerate(report.rows["provenance"]):
        if (p["resource"], p["row"], p["field"]) not in seen:
            problems.append(Problem(_file(report, "provenance"), report.line("provenance", i), "field",
                                    f"no numeric cell {p['resource']} row {p['row']} field {p['field']!r}"))
    for name, fld in VIEWS.items():
        for i, row in enumerate(report.rows[name]):
            fid = row["figure"]
            if fid in report.figures and report.value(fid) != row[fld]:
                problems.append(Problem(_file(report, name), report.line(name, i), fld,
                                        f"value {row[fld]} differs from figure {fid} = {report.value(fid)}"))
    return problems


def check_codes(report: Report) -> list[Problem]:
    """Code list shape, code cells of the tables, and every code the report writes."""
    problems = []
    codes = {c["code"]: c for c in report.rows["codes"]}
    file = _file(report, "codes")
    for i, c in enumerate(report.rows["codes"]):
        if CODE_LENGTH_LEVEL.get(len(c["code"])) != c["level"]:
            problems.append(Problem(file, report.line("codes", i), "level", f"code {c['code']} has {len(c['code'])} digits, so it is not a {c['level']}"))
        if c["parent"] and not c["code"].startswith(c["parent"]):
            problems.append(Problem(file, report.line("codes", i), "parent", f"code {c['code']} does not start with its parent {c['parent']}"))
        if c["level"] != "类" and not c["parent"]:
            problems.append(Problem(file, report.line("codes", i), "parent", f"code {c['code']} is a {c['level']} and needs its parent"))
    for res in report.table_resources:
        if not any(f["name"] == "level" for f in res["schema"]["fields"]):
            continue
        for i, row in enumerate(report.rows[res["name"]]):
            if row.get("code") and row["code"] in codes and codes[row["code"]]["level"] != row["level"]:
                problems.append(Problem(_file(report, res["name"]), report.line(res["name"], i), "level",
                                        f"code {row['code']} is a {codes[row['code']]['level']} in codes.csv, not a {row['level']}"))
    quoted = " ".join(f["quote"] for f in report.rows["findings"])
    for i, fig in enumerate(report.rows["figures"]):
        if fig["unit"] == "科目编码" and fig["literal"] not in codes and fig["literal"] not in quoted:
            problems.append(Problem(_file(report, "figures"), report.line("figures", i), "literal",
                                    f"the report writes code {fig['literal']}, which is neither in codes.csv nor quoted by a finding"))
    return problems


def check_findings(report: Report) -> list[Problem]:
    """Each finding quotes the source word for word, on the lines it names."""
    problems = []
    source = read_lines(report.source_text)
    for i, f in enumerate(report.rows["findings"]):
        lines = [int(n) for n in f["lines"].split()]
        if any(n > len(source) for n in lines):
            problems.append(Problem(_file(report, "findings"), report.line("findings", i), "lines", f"{f['id']}: a line is past the end of the source"))
            continue
        text = "\n".join(source[n - 1] for n in lines)
        for part in f["quote"].rstrip("…").split(" ｜ "):
            if part not in text:
                problems.append(Problem(_file(report, "findings"), report.line("findings", i), "quote",
                                        f"{f['id']}: quote {part[:30]!r}… is not on source lines {f['lines']}"))
    return problems


SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
META_FIELDS = {"unit": str, "unit_id": str, "year": int, "kind": str, "department": str, "province": str, "city": str, "county": str}


def check_meta(report: Report) -> list[Problem]:
    """The report block of the descriptor and the folder name: what the site's URLs and titles are made of."""
    problems = []
    file = display(report.folder / "datapackage.json")
    meta = report.descriptor.get("report")
    if not isinstance(meta, dict):
        return [Problem(file, None, "report", "the descriptor needs a 'report' block (unit, unit_id, year, kind, …)")]
    for key, typ in META_FIELDS.items():
        if not isinstance(meta.get(key), typ) or meta.get(key) in ("", None):
            problems.append(Problem(file, None, f"report.{key}", f"needs a {typ.__name__} value"))
    if isinstance(meta.get("unit_id"), str) and not SLUG.match(meta["unit_id"]):
        problems.append(Problem(file, None, "report.unit_id", "use lower-case letters, digits and hyphens (it is a URL segment)"))
    if not SLUG.match(report.folder.name):
        problems.append(Problem(display(report.folder), None, None,
                                "the folder name is the report's URL: use lower-case letters, digits and hyphens"))
    if isinstance(meta.get("year"), int) and not 1990 <= meta["year"] <= 2100:
        problems.append(Problem(file, None, "report.year", f"{meta['year']} is not a plausible report year"))
    return problems


# ---------------------------------------------------------------------------------- relations
def check_relations(report: Report) -> tuple[list[Check], list[Problem]]:
    """relations.csv → one Check each; unrecorded contradictions and stale findings are problems."""
    checks, problems = [], []
    file = _file(report, "relations")
    for i, rel in enumerate(report.rows["relations"]):
        try:
            left = evaluate(rel["left"], report.value)
            right = evaluate(rel["right"], report.value)
        except (FormulaError, KeyError) as exc:
            problems.append(Problem(file, report.line("relations", i), "left", f"relation {rel['id']}: {str(exc).strip(chr(34))}"))
            continue
        if rel["rounding"] == "published":
            if names(rel["right"]) != [rel["right"].strip()]:
                problems.append(Problem(file, report.line("relations", i), "rounding", f"relation {rel['id']}: 'published' rounding needs a single figure on the right"))
                continue
            computed = round_as(left, right)
        else:
            computed = left
        ok = computed == right
        values = {fid: report.value(fid) for fid in names(rel["left"]) + names(rel["right"])}
        checks.append(Check(rel["id"], rel["section"], rel["title"], f"{rel['left']} = {rel['right']}",
                            left if rel["rounding"] == "exact" else computed, right,
                            "通过" if ok else "不一致", rel["finding"], values))
        if not ok and not rel["finding"]:
            problems.append(Problem(file, report.line("relations", i), "left",
                                    f"relation {rel['id']} fails: {rel['left']} gives {computed}, {rel['right']} is {right}; "
                                    "fix the data, or record the contradiction in findings.csv and name it in 'finding'"))
        if ok and rel["finding"]:
            problems.append(Problem(file, report.line("relations", i), "finding",
                                    f"relation {rel['id']} holds, but it names finding {rel['finding']}; remove the stale finding"))
    return checks, problems


# ---------------------------------------------------------------------------------- tables
def _resolve(report: Report, ref: str) -> tuple[str, int, str]:
    """'t01|收入:本年收入合计|amount' → (resource name, 0-based row index, field)."""
    alias, key, fld = ref.split("|")
    name = next(r["name"] for r in report.table_resources if r["name"].split("_")[0] == alias)
    side, _, label = key.rpartition(":")
    for i, row in enumerate(report.rows[name]):
        if side and row.get("side") != side:
            continue
        if label in (row.get("item"), row.get("name"), row.get("code"), row.get("project")):
            return name, i, fld
    raise KeyError(f"{name}: no row {key!r}")


# Rules of the Sichuan 2021 standard tables: (id, title, [parts], total); a part prefixed "-" is subtracted.
TABLE_RULES = [
    ("t01-income", "附表一：本年收入合计等于各项收入之和",
     [f"t01|收入:{k}|amount" for k in ("一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入",
                                       "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")], "t01|收入:本年收入合计|amount"),
    ("t01-income-total", "附表一：收入总计等于本年收入合计加结余和结转",
     ["t01|收入:本年收入合计|amount", "t01|收入:使用非财政拨款结余|amount", "t01|收入:年初结转和结余|amount"], "t01|收入:总计|amount"),
    ("t01-expend-total", "附表一：支出总计等于本年支出合计加结余分配和结转",
     ["t01|支出:本年支出合计|amount", "t01|支出:结余分配|amount", "t01|支出:年末结转和结余|amount"], "t01|支出:总计|amount"),
    ("t01-balance", "附表一：收入总计等于支出总计", ["t01|收入:总计|amount"], "t01|支出:总计|amount"),
    ("t01-t02", "附表一本年收入合计等于附表二合计", ["t01|收入:本年收入合计|amount"], "t02|合计|total"),
    ("t01-t03", "附表一本年支出合计等于附表三合计", ["t01|支出:本年支出合计|amount"], "t03|合计|total"),
    ("t04-income", "附表四：本年收入合计等于三类财政拨款之和",
     ["t04|收入:一般公共预算财政拨款|total", "t04|收入:政府性基金预算财政拨款|total", "t04|收入:国有资本经营预算财政拨款|total"], "t04|收入:本年收入合计|total"),
    ("t04-income-total", "附表四：收入总计等于本年收入加年初结转和结余",
     ["t04|收入:本年收入合计|total", "t04|收入:年初财政拨款结转和结余|total"], "t04|收入:总计|total"),
    ("t04-expend-total", "附表四：支出总计等于本年支出加年末结转和结余",
     ["t04|支出:本年支出合计|total", "t04|支出:年末财政拨款结转和结余|total"], "t04|支出:总计|total"),
    ("t04-balance", "附表四：收入总计等于支出总计", ["t04|收入:总计|total"], "t04|支出:总计|total"),
    ("t04-t01-gpb", "附表四一般公共预算财政拨款收入等于附表一", ["t04|收入:一般公共预算财政拨款|total"], "t01|收入:一般公共预算财政拨款收入|amount"),
    ("t04-t06", "附表四一般公共预算财政拨款支出等于附表六合计", ["t04|支出:本年支出合计|gpb"], "t06|合计|total"),
    ("t04-t05", "附表四本年财政拨款支出等于附表五合计", ["t04|支出:本年支出合计|total"], "t05|合计|total"),
    ("t06-t07", "附表六合计等于附表七合计", ["t06|合计|total"], "t07|合计|total"),
    ("t06-t07-basic", "附表六基本支出等于附表七基本支出", ["t06|合计|basic"], "t07|合计|basic"),
    ("t06-t07-project", "附表六项目支出等于附表七项目支出", ["t06|合计|project"], "t07|合计|project"),
    ("t06-t08", "附表六基本支出等于附表八人员经费加公用经费", ["t08|人员经费合计|amount", "t08|公用经费合计|amount"], "t06|合计|basic"),
    ("t06-t09", "附表六项目支出等于附表九合计", ["t09|合计|amount"], "t06|合计|project"),
    ("t05-parts", "附表五合计等于一般公共预算、政府性基金、国有资本经营预算财政拨款支出之和",
     ["t07|合计|total", "t11|合计|expend_total", "t14|合计|total"], "t05|合计|total"),
    ("t10-parts", "附表十：“三公”经费合计等于三项之和",
     ["t10|因公出国（境）费|actual", "t10|公务用车购置及运行维护费|actual", "t10|公务接待费|actual"], "t10|合计|actual"),
    ("t10-vehicle", "附表十：公务用车购置及运行维护费等于购置费加运行维护费",
     ["t10|其中：公务用车购置费|actual", "t10|其中：公务用车运行维护费|actual"], "t10|公务用车购置及运行维护费|actual"),
    ("t12-parts", "附表十二：“三公”经费合计等于三项之和",
     ["t12|因公出国（境）费|actual", "t12|公务用车购置及运行维护费|actual", "t12|公务接待费|actual"], "t12|合计|actual"),
    ("t11-t04-income", "附表十一本年收入等于附表四政府性基金预算财政拨款收入", ["t11|合计|income"], "t04|收入:政府性基金预算财政拨款|total"),
    ("t11-t04-expend", "附表十一本年支出等于附表四政府性基金预算财政拨款支出", ["t11|合计|expend_total"], "t04|支出:本年支出合计|gov_fund"),
    ("t11-balance", "附表十一：年末结转和结余等于年初加收入减支出",
     ["t11|合计|opening", "t11|合计|income", "-t11|合计|expend_total"], "t11|合计|closing"),
    ("t13-t04-income", "附表十三本年收入等于附表四国有资本经营预算财政拨款收入", ["t13|合计|income"], "t04|收入:国有资本经营预算财政拨款|total"),
    ("t13-t14", "附表十三本年支出等于附表十四合计", ["t13|合计|expend_total"], "t14|合计|total"),
    ("t14-t04", "附表十四合计等于附表四国有资本经营预算财政拨款支出", ["t14|合计|total"], "t04|支出:本年支出合计|soe"),
    ("t13-balance", "附表十三：年末结转和结余等于年初加收入减支出",
     ["t13|合计|opening", "t13|合计|income", "-t13|合计|expend_total"], "t13|合计|closing"),
    ("t15-procurement", "附表十五：政府采购支出总额等于货物、工程、服务之和",
     ["t15|其中：货物|value", "t15|其中：工程|value", "t15|其中：服务|value"], "t15|政府采购支出总额|value"),
    ("t15-vehicles", "附表十五：车辆数等于各用途车辆之和",
     [f"t15|其中：{k}|value" for k in ("主要领导干部用车", "机要通信用车", "应急保障用车", "其他用车")], "t15|车辆数|value"),
]
# Per-row rules: in every row, the first field equals the sum of the others.
ROW_RULES = {
    "t02": ("total", ["fiscal", "higher", "business", "operating", "affiliated", "other"]),
    "t03": ("total", ["basic", "project", "to_higher", "operating", "to_affiliated"]),
    "t04": ("total", ["gpb", "gov_fund", "soe"]),
    "t05": ("total", ["basic", "project"]),
    "t06": ("total", ["basic", "project"]),
    "t07": ("total", ["basic", "project"]),
    "t11": ("expend_total", ["expend_basic", "expend_project"]),
    "t13": ("expend_total", ["expend_basic", "expend_project"]),
    "t14": ("total", ["basic", "project"]),
}


def _sum_check(report: Report, cid: str, group: str, title: str, parts: list[tuple[int, str, int, str]],
               total: tuple[str, int, str]) -> tuple[Check, list[Problem]]:
    """Signed cells and a total cell → a Check (无法核对 when a cell is undisclosed) and its problem."""
    tname, ti, tf = total
    values, acc, missing = {}, Decimal(0), False
    for sign, name, i, fld in parts:
        v = report.rows[name][i][fld]
        label = f"{name}:{report.line(name, i)}.{fld}"
        if v is None:
            missing = True
        else:
            values[label] = v
            acc += sign * v
    expected = report.rows[tname][ti][tf]
    values[f"{tname}:{report.line(tname, ti)}.{tf}"] = expected
    formula = " + ".join(("−" if s < 0 else "") + f"{n}:{report.line(n, i)}.{f}" for s, n, i, f in parts) + f" = {tname}:{report.line(tname, ti)}.{tf}"
    if missing or expected is None:
        return Check(cid, group, title, formula, None, expected, "无法核对", None, values), []
    ok = acc == expected
    check = Check(cid, group, title, formula, acc, expected, "通过" if ok else "不一致", None, values)
    problems = [] if ok else [Problem(_file(report, tname), report.line(tname, ti), tf, f"{title}: parts add up to {acc}, the cell says {expected}")]
    return check, problems


def check_tables(report: Report) -> tuple[list[Check], list[Problem]]:
    """The fifteen tables: declared sums, per-row sums, and 类/款/项 subtotals."""
    checks, problems = [], []

    def add(result):
        checks.append(result[0])
        problems.extend(result[1])

    for cid, title, parts, total in TABLE_RULES:
        try:
            resolved = [(-1 if p.startswith("-") else 1, *_resolve(report, p.lstrip("-"))) for p in parts]
            tot = _resolve(report, total)
        except (KeyError, StopIteration) as exc:
            problems.append(Problem("datapackage.json", None, None, f"table check {cid}: {exc}; the table lacks a standard row"))
            continue
        add(_sum_check(report, cid, tot[0], title, resolved, tot))
    for res in report.table_resources:
        name = res["name"]
        alias = name.split("_")[0]
        rows = report.rows[name]
        if alias in ROW_RULES:
            tf, pfs = ROW_RULES[alias]
            for i, row in enumerate(rows):
                if row.get(tf) is None or (alias == "t04" and row.get("side") != "支出") or row.get("item") == "总计":
                    continue
                label = row.get("name") or row.get("item")
                add(_sum_check(report, f"{alias}-row{i + 1}", name, f"{res['title']}：{label}的{_title(res, tf)}等于各栏之和",
                               [(1, name, i, f) for f in pfs], (name, i, tf)))
        if any(f["name"] == "level" for f in res["schema"]["fields"]):
            amounts = [f["name"] for f in res["schema"]["fields"] if f["type"] == "number"]
            for i, row in enumerate(rows):
                if row["level"] == "合计":
                    kids = [j for j, r in enumerate(rows) if r["level"] == "类"]
                else:
                    kids = [j for j, r in enumerate(rows) if r["code"] and r["code"] != row["code"]
                            and r["code"].startswith(row["code"]) and len(r["code"]) == len(row["code"]) + 2]
                if not kids:
                    continue
                for fld in amounts:
                    if row[fld] is None:
                        continue
                    add(_sum_check(report, f"{alias}-{row['code'] or 'total'}-{fld}", name,
                                   f"{res['title']}：{row['name']}的{_title(res, fld)}等于下级科目之和",
                                   [(1, name, j, fld) for j in kids], (name, i, fld)))
    return checks, problems


def _title(res: dict, fld: str) -> str:
    return next(f["title"] for f in res["schema"]["fields"] if f["name"] == fld)


# ---------------------------------------------------------------------------------- all
@per_report
def run(report: Report) -> tuple[list[Check], list[Problem]]:
    """A Report → (all checks, all problems that block publishing); computed once per loaded report."""
    problems = []
    for step in (check_meta, check_figures, check_references, check_cells, check_codes, check_findings):
        problems.extend(step(report))
    rel_checks, rel_problems = check_relations(report)
    table_checks, table_problems = check_tables(report)
    return rel_checks + table_checks, problems + rel_problems + table_problems
