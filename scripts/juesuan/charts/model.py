"""Chart declarations (dicts from a format file or a descriptor) → typed Decls, their needs, and the Chart they become.

A declaration is data: `id`, `kind`, `place` (the section id where the chart goes) and the
parameters of its kind. Each kind states the type of its parameters (KINDS below); from those
types the figures, resources and tables a chart needs are read off the declaration itself, so the
needs cannot drift from what the builder reads. Texts are templates: `[[figure.id]]` as the
report writes the figure, `{name}` for the few values the builder fills (str.format_map over
strings; never eval, no attribute or index lookups).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

from juesuan.data.loader import REF, Report


@dataclass
class Chart:
    """One chart of one report."""

    id: str
    place: str  # narrative section id the chart belongs to
    title: str  # states the message
    summary: str  # plain-language reading of the data
    columns: list[tuple]  # (data key, column title with unit[, format: ".2f" amounts, "d" counts]) for the data table and CSV
    rows: list[dict]
    source: str  # which package resource(s) and figures it comes from
    spec: dict = field(default_factory=dict)  # Vega-Lite (Altair) spec, laid out for a desktop column (draw.WIDE)
    narrow: dict = field(default_factory=dict)  # the same drawing laid out for a phone (draw.NARROW)
    replaces_original: bool = False  # stands where the original report had a figure
    folder: str = ""  # site folder of its files: the report's slug, or the unit id for comparisons
    sizes: dict = field(default_factory=dict)  # file suffix → bytes, set when the files are made (site/build.py)
    notes: list[str] = field(default_factory=list)  # context notes (text with [[refs]]) on figures it shows, from the descriptor
    stamp: list[str] = field(default_factory=list)  # lines stamped on its exported images: unit and year, source URL, licence


def pct(part: Decimal, whole: Decimal) -> Decimal:
    """Share in percent, two decimals, half up; the denominator must not be 0."""
    return (part / whole * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def num(v: Decimal) -> float:
    return float(v)


# ---- declarations ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Need:
    """One thing a chart reads: a figure, a resource (with rows), a standard table (by alias) or its section.

    Needs that decide are the chart's content: when the package holds none of them, the report has
    no such content. The others (a code list, the section) are read only to draw it.
    """

    what: str  # "figure" | "resource" | "table" | "section"
    name: str
    decides: bool = True


@dataclass
class Decl:
    """One chart declaration, checked against its kind."""

    id: str
    kind: str
    place: str
    params: dict
    file: str  # the file that declares it (format file or datapackage.json), for problems
    form: dict | None = None  # the row a per-form declaration was expanded for

    def __getitem__(self, key):
        return self.params[key]

    def get(self, key, default=None):
        return self.params.get(key, default)


@dataclass(frozen=True)
class Kind:
    """A kind of chart: its builder and the types of its parameters.

    Parameter types: figure (an id), figures (a list of ids or {figure, label, group}), resource
    (a resource name), table (a table alias of the format), lookup (a resource read only to
    name things, e.g. the code list), each (a resource whose rows the declaration expands over),
    text (a template), label (plain text), labels (a list of plain texts), pattern (an id template
    over the names in `patterns`). A trailing "?" marks an optional parameter.
    """

    build: Callable[[Report, Decl], Chart | None]
    params: dict[str, str]
    placeholders: tuple[str, ...] = ()  # the {names} its text templates may use
    patterns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # pattern parameter → its {names}
    more_needs: Callable[[Report, Decl], list[Need]] | None = None  # needs read off the package (rows, year)
    expand: Callable[[Report, Decl], list[Decl]] | None = None  # one declaration → one per form
    expand_names: tuple[str, ...] = ()  # the {names} of its id and place when it expands


KINDS: dict[str, Kind] = {}
HOME = "home"  # the place of a chart shown on the report's home page (and with it on the site's home), not in a section


def kind(name: str, **spec):
    """Decorator: register a builder as the chart kind `name`."""
    def register(build):
        KINDS[name] = Kind(build=build, **spec)
        return build
    return register


def fields_of(template: str) -> list[str]:
    """A template → the {names} it uses outside its [[refs]]; ValueError if it is not a plain template."""
    names = []
    for piece in REF.split(template)[::2]:  # REF.split alternates text, ref id, text, …
        for _, name, spec, conv in string.Formatter().parse(piece):
            if name is None:
                continue
            if not name.isidentifier() or spec or conv:
                raise ValueError(f"{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}} is not a plain {{name}}")
            names.append(name)
    return names


def fill(report: Report, template: str, values: dict[str, str]) -> str:
    """A text template → text: [[figure.id]] as the report writes it, {name} from values (strings)."""
    pieces = REF.split(template)
    out = []
    for i, piece in enumerate(pieces):
        out.append(report.written(piece) if i % 2 else piece.format_map(values))
    return "".join(out)


def pattern(template: str, **values) -> str:
    """An id template (e.g. "{figure}_share") → the id."""
    return template.format_map({k: str(v) for k, v in values.items()})


def written(report: Report, text: str) -> str:
    """Text with [[refs]] → the text as the report writes it (qualifiers such as ≥ kept)."""
    return REF.sub(lambda m: report.written(m.group(1)), text)


def items(decl: Decl, key: str) -> list[dict]:
    """A `figures` parameter → [{figure, label, group}], label from the register when not declared."""
    return decl.get(key) or []


def label_of(report: Report, item: dict) -> str:
    return item.get("label") or report.figure(item["figure"])["label"]


def unit_of(report: Report, fid: str) -> str:
    return report.figure(fid)["unit"] or ""


def format_or_empty(report: Report) -> dict:
    """The report's format, or {} when it names none that exists (check_meta reports that)."""
    try:
        return report.format
    except LookupError:
        return {}


def amount_unit(report: Report) -> str:
    """The unit amounts are written in (report block, else the format's)."""
    return report.meta.get("amount_unit") or format_or_empty(report).get("amount_unit", "")


# ---- parsing and needs -------------------------------------------------------------------------------
def parse(raw, file: str) -> tuple[Decl | None, list[str]]:
    """A raw declaration → (Decl, []) or (None, what is wrong with it)."""
    if not isinstance(raw, dict):
        return None, ["a chart declaration must be a mapping with id, kind and place"]
    errors = [f"the declaration has no {key!r}" for key in ("id", "kind", "place") if not isinstance(raw.get(key), str)]
    if errors:
        return None, errors
    k = KINDS.get(raw["kind"])
    if k is None:
        return None, [f"unknown kind {raw['kind']!r}; the kinds are: {', '.join(sorted(KINDS))}"]
    params = {key: value for key, value in raw.items() if key not in ("id", "kind", "place")}
    for key in params:
        if key not in k.params:
            errors.append(f"kind {raw['kind']!r} has no parameter {key!r}; its parameters are: {', '.join(k.params)}")
    for key, typ in k.params.items():
        optional, typ = typ.endswith("?"), typ.rstrip("?")
        if key not in params:
            if not optional:
                errors.append(f"kind {raw['kind']!r} needs the parameter {key!r} ({typ})")
            continue
        errors += _check(key, typ, params, k)
    names = k.expand_names
    for key, allowed in (("id", names + ("place",) if k.expand else ()), ("place", names)):
        try:
            unknown = [n for n in fields_of(raw[key]) if n not in allowed]
        except ValueError as exc:
            unknown = [str(exc)]
        if unknown:
            errors.append(f"{key} {raw[key]!r} uses {', '.join(unknown)}" + (f"; it may use {', '.join(allowed)}" if allowed else ""))
    if errors:
        return None, errors
    return Decl(raw["id"], raw["kind"], raw["place"], params, file), []


def _check(key: str, typ: str, params: dict, k: Kind) -> list[str]:
    """One parameter against its type (normalising `figures` to a list of dicts)."""
    value = params[key]
    if typ in ("figure", "resource", "table", "table-lookup", "lookup", "each", "label", "text", "pattern") and not isinstance(value, str):
        return [f"{key} must be a string"]
    if typ == "labels" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return [f"{key} must be a list of strings"]
    if typ == "figures":
        if not isinstance(value, list) or not value:
            return [f"{key} must be a non-empty list of figure ids or {{figure, label, group}}"]
        norm = []
        for item in value:
            item = {"figure": item} if isinstance(item, str) else item
            if (not isinstance(item, dict) or not isinstance(item.get("figure"), str) or set(item) - {"figure", "label", "group"}
                    or not all(isinstance(item.get(f, ""), str) for f in ("label", "group"))):
                return [f"{key}: {item!r} is not a figure id or {{figure, label, group}}"]
            norm.append(item)
        params[key] = norm
        value = [i["group"] for i in norm if "group" in i]
        typ = "texts"
    allowed = {"text": k.placeholders, "texts": (), "pattern": k.patterns.get(key, ())}.get(typ)
    if allowed is None:
        return []
    for template in (value if isinstance(value, list) else [value]):
        try:
            unknown = [n for n in fields_of(template) if n not in allowed]
        except ValueError as exc:
            return [f"{key}: {exc}"]
        if unknown:
            return [f"{key} uses {{{'}, {'.join(unknown)}}}; it may use " + (", ".join(f"{{{n}}}" for n in allowed) or "no {name}")]
    return []


def needs(report: Report, decl: Decl) -> list[Need]:
    """What a chart reads, in order: read off its parameters by their types, then what its kind adds."""
    k = KINDS[decl.kind]
    found: list[Need] = []
    for key, typ in k.params.items():
        value, typ = decl.get(key), typ.rstrip("?")
        if value is None:
            continue
        if typ == "figure":
            found.append(Need("figure", value))
        elif typ in ("resource", "table"):
            found.append(Need(typ, value))
        elif typ == "table-lookup":  # a table read to add to a chart, not what decides that the report has it
            found.append(Need("table", value, decides=False))
        elif typ == "lookup":
            found.append(Need("resource", value, decides=False))
        elif typ == "text":
            found += [Need("figure", fid) for fid in REF.findall(value)]
        elif typ == "figures":
            for item in value:
                found.append(Need("figure", item["figure"]))
                found += [Need("figure", fid) for fid in REF.findall(item.get("group", ""))]
    if k.more_needs:
        found += k.more_needs(report, decl)
    return list(dict.fromkeys(found))


def table_resource(report: Report, alias: str) -> str | None:
    """A table alias of the format (t06) → the name of the package's resource for that table, if any."""
    number = (format_or_empty(report).get("tables") or {}).get(alias, {}).get("number")
    for res in report.table_resources:
        if number is not None and res.get("table_number") == number:
            return res["name"]
    return None


def held(report: Report, need: Need) -> bool:
    """Whether the package holds a need (a resource or table only with at least one row)."""
    if need.what == "figure":
        return need.name in report.figures
    if need.what == "section":
        return need.name == HOME or need.name in report.sections
    name = table_resource(report, need.name) if need.what == "table" else need.name
    return bool(name and report.rows.get(name))


def rows_of(report: Report, decl: Decl, key: str) -> list[dict]:
    """A resource or table parameter → the rows of that resource ([] when the package has none)."""
    typ = KINDS[decl.kind].params[key].rstrip("?")
    name = table_resource(report, decl[key]) if typ in ("table", "table-lookup") else decl[key]
    return (report.rows.get(name) or []) if name else []
