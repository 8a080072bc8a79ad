"""An extracted, identified and parsed report → a draft package folder: descriptor, CSV resources, source files and the review list.

The folder is written to a temporary sibling and renamed into place only when complete, so a
failed import leaves nothing behind. Resource descriptors come from importer/resources.json
(data); the enums that depend on the report (units, table resources, the forms read) are filled here.
"""

from __future__ import annotations

import copy
import datetime
import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

from juesuan.data.source_text import UNITS

RESOURCES = Path(__file__).with_name("resources.json")
BASE_UNITS = ["", "科目编码"]
FORM_RESOURCES = ("performance_projects", "performance_indicators")  # written only when the 附件 forms were read


def _csv(fields: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in fields})
    return out.getvalue()


def _resource(name: str, title: str, description: str, fields: list[dict], key: list[str]) -> dict:
    return {"name": name, "type": "table", "path": f"data/{name}.csv", "scheme": "file", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "title": title, "description": description,
            "schema": {"fields": fields, "missingValues": [""], "primaryKey": key}}


REVIEW_FIELDS = [
    {"name": "id", "type": "string", "title": "编号", "description": "待确认事项的编号。", "constraints": {"required": True, "unique": True}},
    {"name": "what", "type": "string", "title": "事项", "description": "需要人确认或补充的内容。", "constraints": {"required": True}},
    {"name": "where", "type": "string", "title": "位置", "description": "所在文件、行或表。"},
    {"name": "why", "type": "string", "title": "原因", "description": "导入程序为什么不能自行确定。", "constraints": {"required": True}},
]


def descriptor(meta: dict, fmt: dict, tables: list, source_name: str, units: set[str], review_count: int,
               forms: list[str] = ()) -> dict:
    """Report metadata, its format, parsed tables and the names of the forms read (附件1 …) → the draft's datapackage.json."""
    template = json.loads(RESOURCES.read_text(encoding="utf-8"))["resources"]
    resources = []
    for res in copy.deepcopy(template):
        if res["name"] == "source" or (res["name"] in FORM_RESOURCES and not forms):
            continue
        for f in res["schema"]["fields"]:
            if res["name"] == "figures" and f["name"] == "unit":
                f["constraints"]["enum"] = sorted(set(BASE_UNITS) | set(UNITS) | units)
            if res["name"] == "provenance" and f["name"] == "resource":
                f["constraints"]["enum"] = [t.resource for t in tables] + (["performance_projects"] if forms else []) or ["none"]
            if res["name"] in FORM_RESOURCES and f["name"] == "form":
                f["constraints"]["enum"] = list(forms)
        resources.append(res)
    for t in tables:
        fields = [{"name": "row", "type": "integer", "title": "行号", "description": "表中的行序号。",
                   "constraints": {"required": True, "unique": True, "minimum": 1}}] + t.fields
        res = _resource(t.resource, f"附表{t.number}：{t.title}", f"从报告印出的表格导入（草稿）：{t.title}。", fields, ["row"])
        res.update(table_number=t.number, table_title=t.title,
                   note=("按 1万元 = 10000元 由印出的元数换算。" if getattr(t, "converted_from", None) else "") + "导入草稿，待核实。")
        resources.append(res)
    resources.append(_resource("review", "待确认事项", f"导入程序不能自行确定、需要人确认的 {review_count} 项。",
                               REVIEW_FIELDS, ["id"]))
    source = next(copy.deepcopy(r) for r in template if r["name"] == "source")
    resources.append(source)
    slug = meta["slug"]
    return {
        "profile": "data-package", "name": f"{slug}-draft", "id": f"{slug}-draft",
        "title": f"{meta['unit']}{meta['year']}年度{meta['kind']}（导入草稿）",
        "description": f"由公开的报告文件导入的草稿（格式：{fmt.get('title', fmt['id'])}），尚待人工确认；见“待确认事项”。",
        "version": "0.1.0", "keywords": [meta["kind"], str(meta["year"])],
        "report": {k: v for k, v in {"format": fmt["id"], "unit": meta["unit"], "unit_id": meta["unit_id"], "year": meta["year"],
                                     "kind": meta["kind"], "amount_unit": fmt.get("amount_unit", "万元"),
                                     "department": meta.get("department"), "province": meta.get("province"),
                                     "city": meta.get("city"), "county": meta.get("county")}.items() if v},
        "contributors": [{"title": meta["unit"], "roles": ["publisher"]}],
        "sources": [{"title": f"{meta['unit']}{meta['year']}年度{meta['kind']}（原文件）", "path": f"source/{source_name}",
                     "description": "单位公开的原文件，原样保存；source/report.txt 为从中取出的文本，行号以它为准。发布日期和网址待核实。"}],
        "terms_of_reuse": "报告原文由发布单位依法公开；本数据包照录其内容，未为政府数据另行设定许可。",
        "changes": [{"version": "0.1.0", "date": datetime.date.today().isoformat(),
                     "description": "由 make import 从公开的报告文件导入的草稿，待人工确认。"}],
        "resources": resources,
    }


def write(dest: Path, files: dict[str, bytes], force: bool, finish=None) -> Path:
    """Relative path → bytes, and the package folder → the folder, written whole or not at all.

    finish(folder) → more files (relative path → bytes) is called on the complete temporary folder
    before it is moved into place (the inspector's findings need the written package)."""
    if dest.exists() and not force:
        raise FileExistsError(f"{dest} already exists; nothing was written (FORCE=1 replaces it)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        for rel, data in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for rel, data in (finish(tmp) if finish else {}).items():
            (tmp / rel).write_bytes(data)
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def csv_files(desc: dict, rows: dict[str, list[dict]]) -> dict[str, bytes]:
    """The descriptor and each table resource's rows → the CSV files of the package."""
    out = {}
    for res in desc["resources"]:
        if res.get("type") != "table":
            continue
        fields = [f["name"] for f in res["schema"]["fields"]]
        out[res["path"]] = _csv(fields, rows.get(res["name"], [])).encode("utf-8")
    return out
