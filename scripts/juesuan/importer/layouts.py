"""A format's `layouts:` entry (YAML data) → Layout: the fields of a table and the printed headers they come from.

The schema of one entry (every header text is compared after titles.norm):

    t02:
      resource: t02_income               # the package resource the table becomes
      titles: [收入决算表]                 # printed title variants besides tables.<alias>.title
      prints: 万元                        # unit the table prints when no "单位：…" line states it
      unit: 万元                          # unit of the package's amount fields (default: amount_unit)
      totals: [合计, 总计]                 # row names whose level is 合计
      skip: [无, 栏次]                     # a row whose first text is one of these is not data
      empty: [无数据, 空表]                 # a row or line printing one of these says the table is empty: its note
      ignore: [行次]                       # printed columns that become no field
      panels:                             # side-by-side panels (optional): value of the side field
        - {side: 收入, labels: [收入, 本年收入]}
      scheme: functional                  # classification of the codes (functional / economic)
      sections: group                     # a row printing only its name ("一、政府采购") heads the rows below it:
                                          # not a data row; its name, numbering off, is their value of this field
      fields:                             # in package order after the writer's row number; role defaults to amount
        - {name: side, title: 收支方向, role: side}
        - {name: code, title: 科目编码, role: code, headers: [科目编码], parts: [类, 款, 项]}
        - {name: name, title: 科目名称, role: name, headers: [科目名称, 项目]}
        - {name: level, title: 科目级次, role: level}     # 合计 / 类 / 款 / 项 from the code or the name
        - {name: total, title: 本年收入合计, headers: [本年收入合计, 合计], under: [决算数]}
      melt:                               # a wide table whose columns are items (optional)
        item: item                        # the field that gets the item's name
        items:
          - {item: 因公出国（境）费, headers: [因公出国(境)费], under: [...]}
        values:
          - {field: budget, under: [预算数]}

Roles: side (the panel's side), code (类/款/项 parts joined, or one code column), name (numbering
such as "一、" taken off), level, amount (a number in the field's unit; `unit: null` for a column of
mixed units, never converted) and text (copied as printed). `under` restricts a header to columns
printed below one of those group headers. An entry `_defaults`
gives prints, unit, totals, skip, ignore and empty to every layout that does not set them (its
other keys are ignored: a place for YAML anchors).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .titles import norm

DEFAULTABLE = ("prints", "unit", "totals", "skip", "ignore", "empty")  # what layouts._defaults may set
ROLES = ("side", "code", "name", "level", "amount", "text")
TYPES = {"amount": "number"}  # every other role is a string; the row number is the package writer's


class LayoutError(ValueError):
    """A layouts entry that cannot be used; the message names the format, the alias and the key."""


def _keys(values) -> list[str]:
    return [norm(v) for v in (values or []) if norm(v)]


@dataclass
class FieldSpec:
    name: str
    title: str
    role: str
    headers: list[str]
    parts: list[str]
    under: list[str]
    unit: Optional[str] = None

    def schema(self) -> dict:
        """The Table Schema field: name, title, type, and for amounts the unit."""
        out = {"name": self.name, "title": self.title, "type": TYPES.get(self.role, "string")}
        if self.role == "amount" and self.unit:
            out["unit"] = self.unit  # `unit: null` in the layout: a column of mixed units (counts and money)
        return out


@dataclass
class MeltItem:
    item: str
    headers: list[str]
    under: list[str]


@dataclass
class Layout:
    alias: str
    resource: str
    fields: list[FieldSpec]
    prints: str
    unit: str
    scheme: str = "functional"
    totals: set[str] = field(default_factory=set)
    skip: set[str] = field(default_factory=set)
    ignore: set[str] = field(default_factory=set)
    empty: list[str] = field(default_factory=list)
    panels: list[tuple[str, list[str]]] = field(default_factory=list)  # (side, label keys)
    melt_field: Optional[str] = None
    melt_items: list[MeltItem] = field(default_factory=list)
    melt_values: list[tuple[str, list[str]]] = field(default_factory=list)  # (field, under keys)
    sections: Optional[str] = None  # the field that section rows fill for the rows under them

    def role(self, role: str) -> Optional[FieldSpec]:
        """Role → the one field with that role, or None."""
        return next((f for f in self.fields if f.role == role), None)

    @property
    def amounts(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.role in ("amount", "text")]

    def words(self) -> set[str]:
        """Every header text this layout knows: what makes a row a header row."""
        out = set(self.ignore)
        for spec in self.fields:
            out |= set(spec.headers) | set(spec.parts) | set(spec.under)
        for _, labels in self.panels:
            out |= set(labels)
        for item in self.melt_items:
            out |= set(item.headers) | set(item.under)
        for _, under in self.melt_values:
            out |= set(under)
        return out


def load_layouts(fmt: dict) -> dict[str, Layout]:
    """A format definition → its layouts by alias (LayoutError for an entry that cannot be used)."""
    unit = fmt.get("amount_unit") or "万元"
    entries = fmt.get("layouts") or {}
    defaults = {k: v for k, v in (entries.get("_defaults") or {}).items() if k in DEFAULTABLE}
    out = {}
    for alias, spec in entries.items():
        if alias.startswith("_"):
            continue  # _defaults: keys every layout inherits, and a place for YAML anchors
        out[alias] = _layout(fmt.get("id", "?"), alias, {**defaults, **(spec or {})}, unit)
    return out


def _layout(fid: str, alias: str, spec: dict, default_unit: str) -> Layout:
    where = f"format {fid}, layouts.{alias}"
    unit = spec.get("unit") or default_unit
    fields = []
    for i, f in enumerate(spec.get("fields") or []):
        role = f.get("role", "amount")
        if role not in ROLES or not f.get("name"):
            raise LayoutError(f"{where}.fields[{i}]: needs a name and a role among {', '.join(ROLES)}")
        fields.append(FieldSpec(f["name"], f.get("title", f["name"]), role, _keys(f.get("headers")),
                                _keys(f.get("parts")), _keys(f.get("under")),
                                f.get("unit", unit) if role == "amount" else None))
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise LayoutError(f"{where}: a field name is used twice ({', '.join(names)})")
    layout = Layout(alias, spec.get("resource") or alias, fields, spec.get("prints") or unit, unit,
                    scheme=spec.get("scheme") or "functional", totals=set(_keys(spec.get("totals"))),
                    skip=set(_keys(spec.get("skip"))), ignore=set(_keys(spec.get("ignore"))),
                    empty=_keys(spec.get("empty")),
                    panels=[(str(p["side"]), _keys(p.get("labels"))) for p in spec.get("panels") or []],
                    sections=spec.get("sections"))
    if layout.sections and layout.sections not in names:
        raise LayoutError(f"{where}.sections: names a field the layout does not have ({layout.sections})")
    melt = spec.get("melt")
    if melt:
        layout.melt_field = melt.get("item")
        layout.melt_items = [MeltItem(str(m["item"]), _keys(m.get("headers") or [m["item"]]), _keys(m.get("under")))
                             for m in melt.get("items") or []]
        layout.melt_values = [(v["field"], _keys(v.get("under"))) for v in melt.get("values") or []]
        missing = {layout.melt_field} | {v for v, _ in layout.melt_values}
        if not missing <= set(names):
            raise LayoutError(f"{where}.melt: names fields the layout does not have ({', '.join(sorted(missing - set(names)))})")
    return layout
