"""Markdown injection: hostile strings written into every text of a package, and the live markup they must never become.

``make_hostile(folder)`` appends the strings to every free-text string of the descriptor and to one
cell of every free-text CSV field (fields the checks compare with the source text, formulas and
the rows a format's rules name are left alone, so the package stays valid); ``live_markup(html)``
lists the links, images and attributes the strings would have made.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from helpers.htmltree import parse_html
from juesuan.paths import FORMATS

LINK = "[x](javascript:alert(1))"
IMG = "![x](http://evil.example/x.png)"
ATTR = "{: onmouseover=alert(1) }"
# One line (a heading, an inline value), then the same as blocks: a paragraph's last line takes attr_list.
HOSTILE = f"{LINK} {IMG} {ATTR}\n\n{LINK}\n{IMG}\n{ATTR}"
HOSTILE_LINE = f"{LINK} {IMG} {ATTR}"

# Descriptor keys whose values are free text shown somewhere (the site's own configuration under
# "site" is code-like: figure ids and chart templates).
TEXT_KEYS = {"title", "description", "note", "table_title", "terms_of_reuse", "version", "unit", "unit_short",
             "department", "province", "city", "county"}
# CSV fields the checks compare with the source text or compute: changing them makes the package invalid.
CHECKED = {("figures", "literal"), ("figures", "sentence"), ("figures", "formula"), ("findings", "quote"),
           ("relations", "left"), ("relations", "right"), ("narrative", "number"), ("narrative", "number_written")}


def _descriptor(value, path: str = "") -> int:
    count = 0
    if isinstance(value, dict):
        for key in list(value):
            if key in TEXT_KEYS and isinstance(value[key], str) and not path.startswith("site"):
                value[key] += " " + HOSTILE
                count += 1
            else:
                count += _descriptor(value[key], f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        count += sum(_descriptor(item, path) for item in value)
    return count


def make_hostile(folder: Path, text: str = HOSTILE) -> list[str]:
    """Every free text of the package gets `text` appended (descriptor: every value; CSV: one cell per field)
    → the places changed, as 'resource.field' (the descriptor as 'datapackage.json: N values')."""
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    rules = (FORMATS / f"{descriptor['report']['format']}.yaml").read_text(encoding="utf-8")
    touched = []
    for res in descriptor["resources"]:
        if res.get("type") != "table":
            continue
        schema = res["schema"]
        keys = set(schema.get("primaryKey", [])) | {f for fk in schema.get("foreignKeys", []) for f in fk["fields"]}
        fields = [f["name"] for f in schema["fields"] if f["type"] == "string" and f["name"] not in keys
                  and not set(f.get("constraints") or {}) & {"pattern", "enum"} and (res["name"], f["name"]) not in CHECKED]
        file = folder / res["path"]
        with file.open(encoding="utf-8", newline="") as f:
            records = list(csv.reader(f))
        for name in fields:
            col = records[0].index(name)
            # A row the format's rules do not name (its label is not in the format file).
            row = next((r for r in records[1:] if r[col] and r[col] not in rules), None)
            if row is not None:
                row[col] += " " + text
                touched.append(f"{res['name']}.{name}")
        with file.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(records)
    count = _descriptor(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")
    return touched + [f"datapackage.json: {count} values"]


def set_unit(folder: Path, unit: str) -> None:
    """The report block's unit name (what the comparison page is titled by) becomes `unit`."""
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["report"]["unit"] = unit
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")


def live_markup(html: str) -> list[str]:
    """HTML → every javascript: link, image from evil.example and on* attribute in it (none is allowed)."""
    found = []
    for node in parse_html(html).iter():
        href, src = node.attrs.get("href", ""), node.attrs.get("src", "")
        if node.tag == "a" and href.strip().lower().startswith("javascript:"):
            found.append(f"<a href={href!r}>")
        if node.tag == "img" and "evil.example" in src:
            found.append(f"<img src={src!r}>")
        found += [f"<{node.tag} {k}={v!r}>" for k, v in node.attrs.items() if k.lower().startswith("on")]
    return found
