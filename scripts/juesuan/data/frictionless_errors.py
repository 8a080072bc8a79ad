"""A frictionless validation report (or the error that stopped it reading a descriptor) → located Problems in Chinese and English.

Frictionless counts rows of records, not lines of the file, and writes its notes for programmers
("constraint \"required\" is \"True\""); each error becomes a line naming the file line and field
a clerk fixes, what is wrong in Chinese and what to do, with frictionless's English in brackets.
A type of error not translated here keeps its English after the lead "数据包校验出错：".
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from juesuan.data.messages import one_line, shown
from juesuan.data.problems import Problem
from juesuan.paths import display

TYPE_ZH = {"number": ("数字", "请填写数字，如 1234.56（ASCII 数字，可带 - 和小数点 .）"),
           "integer": ("整数", "请填写整数，如 12"),
           "string": ("文字", "请填写文字")}
POSITION = re.compile(r"row at position (\d+)")
QUOTED = re.compile(r'"([^"]*)"')
NO_LOOKUP = re.compile(r'foreign key for resource "([^"]+)" as resource "([^"]+)" does not exist')
# Error type → (Chinese: what is wrong, what to do); {cell}, {field}, {n}, {note} are filled in. Cell, type,
# constraint, key and foreign-key errors are worded by _cell_text from their note.
TEXTS = {
    # in general (a problem made without particulars); with its note, _cell_text says more
    "type-error": ("单元格的值与字段类型不符", "请按字段类型填写（数字只写 ASCII 数字，可带 - 和小数点 .）"),
    "constraint-error": ("单元格不满足字段的约束（必填、格式或取值）", "请按 datapackage.json 中该字段的约束改正"),
    "primary-key": ("主键重复或为空", "请改为不重复的值，或删除重复的行"),
    "unique-error": ("此字段的值重复", "请改为不重复的值"),
    "foreign-key": ("值在所引用的表中找不到", "请改为所引用表中已有的值，或先在那张表中登记它"),
    "missing-cell": ("本行比表头少了单元格（缺少字段 {field}）", "请补齐这一行的各列；若上一个单元格里有英文逗号或引号，请检查它们是否配对"),
    "extra-cell": ("本行比表头多出一个单元格（第 {n} 列，内容 \"{cell}\"）", "请删除多余的单元格；若文字中有英文逗号，请把整个单元格用英文双引号括起来"),
    "blank-row": ("这是一个空行", "请删除空行"),
    "duplicate-row": ("本行与前面某一行完全相同", "请删除重复的行"),
    "blank-label": ("表头第 {n} 列是空的", "请按 datapackage.json 的 schema 填写列名"),
    "duplicate-label": ("表头第 {n} 列的列名重复", "请按 datapackage.json 的 schema 改正列名"),
    "extra-label": ("表头多出一列（第 {n} 列）", "请删除这一列，或在 datapackage.json 的 schema 中登记它"),
    "missing-label": ("表头缺少列 {field}", "请按 datapackage.json 的 schema 补上这一列"),
    "incorrect-label": ("表头第 {n} 列的列名与 schema 中的字段名 {field} 不符", "请按 datapackage.json 的 schema 改正列名"),
    "blank-header": ("表头是空的", "请在第一行写列名"),
    "unmatched-header": ("表头与 schema 中的字段一个也对不上", "请按 datapackage.json 的 schema 写第一行的列名"),
    "encoding-error": ("文件无法按 UTF-8 读取", "请用 UTF-8（不带 BOM）编码另存此文件"),
    "scheme-error": ("找不到或无法打开这个文件", "请把文件放到这个位置，或改正 datapackage.json 中它的 path"),
    "format-error": ("文件无法按表格读取", "请确认它是逗号分隔的 UTF-8 CSV 文件"),
    "source-error": ("文件内容无法读取或前后不一致", "请确认它是逗号分隔的 UTF-8 CSV 文件"),
    "compression-error": ("压缩文件无法解压", "请放入未压缩的 CSV 文件"),
    "hash-count": ("文件的校验值与 datapackage.json 中记录的不符", "请更新 datapackage.json 中的 hash，或恢复原文件"),
    "byte-count": ("文件大小与 datapackage.json 中记录的不符", "请更新 datapackage.json 中的 bytes，或恢复原文件"),
    "row-count": ("行数与 datapackage.json 中记录的不符", "请更新记录的行数，或恢复原文件"),
    "field-count": ("列数与 datapackage.json 中记录的不符", "请改正表头或 schema"),
    "schema-error": ("datapackage.json 中的 schema 有误：{note}", "请按 Frictionless 表格规范改正 schema"),
    "field-error": ("datapackage.json 中的字段定义有误：{note}", "请按 Frictionless 表格规范改正字段定义"),
    "resource-error": ("datapackage.json 中的资源定义有误：{note}", "请按 Frictionless 数据包规范改正资源"),
    "package-error": ("datapackage.json 有误：{note}", "请按 Frictionless 数据包规范改正"),
    "dialect-error": ("CSV 格式说明（dialect）有误：{note}", "请改正或删去 dialect"),
}
LEAD = "数据包校验出错："
DESCRIBED = ("resource-error", "schema-error", "field-error", "package-error", "dialect-error")  # errors of the descriptor


def general(kind: str) -> str:
    """A frictionless error type → its Chinese in general (a problem made without particulars)."""
    if kind not in TEXTS:
        return f"{LEAD}请按括号中的说明修改。"
    unknown = {"field": "（见括号）", "n": "某", "cell": "…", "note": "见括号中的说明"}  # the particulars are in the English
    zh, todo = TEXTS[kind]
    return f"{zh.format(**unknown)}；{todo.format(**unknown)}。"


def _constraint(note: str, cell: str) -> tuple[str, str]:
    """A constraint error's note ('constraint "pattern" is "^\\d+$"') → what is wrong and what to do."""
    name, rule = (QUOTED.findall(note) + ["", ""])[:2]
    if name == "required":
        return "此项必填，现在是空的", "请填写"
    if name == "pattern":
        return f"\"{cell}\" 不符合规定的格式（{rule}）", "请按格式填写"
    if name == "enum":
        return f"\"{cell}\" 不在允许的取值中（{rule}）", "请改为其中之一"
    if name == "unique":
        return f"\"{cell}\" 与前面某行重复，此字段不能重复", "请改为不重复的值"
    return f"\"{cell}\" 不满足约束 {name} = {rule}", "请按约束改正"


def _cell_text(err, cell: str, line_of) -> tuple[str, str] | None:
    """The errors whose wording depends on their note → (what is wrong, what to do); None for the others."""
    kind, note = err.type, err.note or ""
    if kind == "type-error":
        wanted = (QUOTED.findall(note) + [""])[0].split("/")[0]
        name, todo = TYPE_ZH.get(wanted, (wanted, f"请填写 {wanted} 类型的值"))
        return f"\"{cell}\" 不是{name}", todo
    if kind == "constraint-error":
        return _constraint(note, cell)
    if kind in ("primary-key", "unique-error"):
        if "are all" in note:
            return "主键为空", "请填写主键，或删除这一行"
        m = POSITION.search(note)
        again = f"第{line_of(int(m.group(1)))}行" if m else "前面某一行"
        return f"与{again}重复（此字段不能重复）", "请改为不重复的值，或删除重复的行"
    if kind == "resource-error" and (m := NO_LOOKUP.search(note)):
        return (f"资源 {m.group(1)} 的外键指向资源 {m.group(2)}，但 datapackage.json 中没有这个资源",
                f"请在 resources 中登记 {m.group(2)}，或删去这个外键")
    if kind == "foreign-key":
        fields, values, table = (QUOTED.findall(note) + ["", "", ""])[:3]
        return (f"字段 {fields} 的值 \"{shown(values)}\" 在 {table or '本'} 表中找不到",
                f"请改为 {table or '本'} 表中已有的值，或先在 {table or '本'} 表中登记它")
    return None


def _said(err, cell: str, line_of) -> tuple[str, str] | None:
    """A frictionless error → (what is wrong, what to do) in Chinese; None for a type not translated here."""
    said = _cell_text(err, cell, line_of)
    if said is None and err.type in TEXTS:
        zh, todo = TEXTS[err.type]
        values = {"field": getattr(err, "field_name", "") or "", "n": getattr(err, "field_number", "") or "",
                  "cell": cell, "note": one_line(err.note or "")}
        said = zh.format(**values), todo.format(**values)
    return said


def _zh(err, cell: str, line_of) -> str:
    """A frictionless error → its Chinese line body: what is wrong；what to do。"""
    said = _said(err, cell, line_of)
    if said is None:
        return one_line(f"{LEAD}{err.title}：{err.note or err.description}")
    return f"{said[0]}；{said[1]}。"


def _entry(parsed, place: str | None) -> tuple[int | None, str | None]:
    """A resource's path → the line and JSON path of its entry in datapackage.json (its foreign keys when it has some)."""
    resources = parsed.data.get("resources") if parsed is not None else None
    for i, res in enumerate(resources if isinstance(resources, list) else []):
        if isinstance(res, dict) and res.get("path") == place:
            schema = res.get("schema") if isinstance(res.get("schema"), dict) else {}
            if "foreignKeys" in schema:
                return parsed.where(schema, "foreignKeys"), f"resources[{i}].schema.foreignKeys"
            return parsed.where(res, "path"), f"resources[{i}]"
    return None, None


def problems_of(report_obj, folder: Path, descriptor: dict, record_lines, parsed=None) -> list[Problem]:
    """A frictionless validation report → one Problem per error, located by file line and field
    (record_lines: a CSV file → the file line each record starts on, the loader's; parsed: the inputs.Descriptor
    of datapackage.json, whose lines locate an error of a resource's entry)."""
    problems = []
    keys = {r["name"]: r.get("schema", {}).get("primaryKey", []) for r in descriptor.get("resources", [])}
    paths = {r.get("path"): r["name"] for r in descriptor.get("resources", [])}
    for task in report_obj.tasks:
        where = folder / task.place if task.place else None
        file = display(where) if where else display(folder)
        try:
            lines = record_lines(where) if where is not None and where.is_file() else []
        except (UnicodeDecodeError, csv.Error):
            lines = []  # the encoding pass or an unclosed quote is reported instead

        def line_of(row: int) -> int:
            return lines[row - 1] if 0 < row <= len(lines) else row

        for err in task.errors:
            if err.type in DESCRIBED:  # about the resource's entry in datapackage.json, not its file
                problems.append(Problem(err.type, display(folder / "datapackage.json"), *_entry(parsed, task.place),
                                        f"{err.title}: {err.note}", _zh(err, "", line_of)))
                continue
            row = getattr(err, "row_number", None)
            row = line_of(row) if row is not None else None
            fld = getattr(err, "field_name", None) or ", ".join(getattr(err, "field_names", None) or []) or None
            if fld is None and err.type == "primary-key":
                fld = ", ".join(keys.get(paths.get(task.place), [])) or None
            cell = getattr(err, "cell", None)
            english = f"{err.title}: {err.note or err.description}" + (f' (cell "{shown(cell)}")' if cell not in (None, "") else "")
            problems.append(Problem(err.type, file, row, fld, english, _zh(err, shown(cell or ""), line_of)))
    for err in report_obj.errors:
        problems.append(Problem(err.type, display(folder / "datapackage.json"), None, None, f"{err.title}: {err.note}",
                                _zh(err, "", int)))
    return problems


def unreadable(path: Path, exc: Exception) -> Problem:
    """The error frictionless raised reading a descriptor → one problem naming the descriptor (code descriptor-unreadable)."""
    err = getattr(exc, "error", None)
    said = _said(err, "", int) if err is not None else None
    reason = said[0] if said else f"{LEAD}{exc}"
    return Problem.of("descriptor-unreadable", display(path), None, None, reason=reason, detail=str(exc))
