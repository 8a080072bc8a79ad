"""What one import could not decide (metadata, format, tables, dropped lines, drafted labels, codes) → the review list a person confirms, one row each."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Review:
    """The review list of one draft."""

    items: list[tuple[str, str, str]] = field(default_factory=list)  # (what, where, why)

    def add(self, what: str, where: str, why: str) -> None:
        self.items.append((what, where, why))

    def rows(self) -> list[dict]:
        return [{"id": f"R{i:03d}", "what": w, "where": at, "why": why} for i, (w, at, why) in enumerate(self.items, 1)]

    @classmethod
    def of(cls, src: Path, doc, ident, overrides, fmt: dict, narrative, parsed, reg, codes_left_out: list[str],
           forms=None) -> "Review":
        """Everything an import step left undecided → the review list (forms: what importer/forms.py read, if anything)."""
        r = cls()
        for name, found, given in (("单位名称", ident.unit, overrides.unit), ("年度", ident.year, overrides.year),
                                   ("报告种类", ident.kind, overrides.kind)):
            if given:
                r.add(f"{name}：{given}", "命令行", "由导入人给出，请核对报告封面")
            else:
                r.add(f"{name}：{found.value}", f"source/report.txt 第{found.line}行", f"程序从{found.how}读出，请核对")
        r.add("所属部门、省、市、县", "datapackage.json report", "报告文本未载明或程序未读取；需要时补充")
        r.add("报告的发布日期和网址", "datapackage.json sources", "原文件中没有，需由导入人补充")
        if fmt["id"] == "generic":
            r.add("报告格式", "datapackage.json report.format", "没有与之相符的格式文件：只导入了正文、数字和识别出的表格")
        else:
            r.add(f"报告格式：{fmt['id']}（{fmt.get('title', '')}）", "datapackage.json report.format",
                  f"按附表标题匹配（{ident.format_score}），请确认")
        found_aliases = {t.alias for t in (parsed.tables if parsed else [])}
        for alias, t in (fmt.get("tables") or {}).items():
            if alias not in found_aliases:
                r.add(f"附表{t['number']} {t['title']}", "报告全文", "格式要求的表格没有在文件中找到（或未能读出）")
        for what in (parsed.unrecognised if parsed else []):
            r.add(f"未识别的表格：{what}", "报告全文", "表格标题或表头与格式文件中的任何一张表都不相符")
        if doc.kind == "text" and fmt.get("tables"):
            r.add("附表数值", "报告全文", "纯文本中没有可读的表格：附表没有导入，数值需从原文件补充")
        if narrative.dropped:
            shown = "、".join(str(n) for n, _ in narrative.dropped[:12])
            more = "等" if len(narrative.dropped) > 12 else ""
            r.add(f"{len(narrative.dropped)} 行未计入正文（目录、页眉页脚、页码）", f"source/report.txt 第{shown}{more}行",
                  "请确认没有正文被误删")
        r.add(f"{len(reg.figures)} 个数字的含义（label）", "data/figures.csv", "含义由程序从句子中截取，请逐条改写为准确的名称")
        for code in codes_left_out:
            r.add(f"科目编码 {code}", "附表", "表中没有列出它的上级科目，未收入科目编码表")
        part = (fmt.get("parts") or {}).get("forms")
        if forms and forms.projects:  # the forms were read: to be checked against the original, with what could not be
            r.add(f"{len(forms.projects)} 张绩效自评表（{'、'.join(forms.names)}）", "data/performance_projects.csv、data/performance_indicators.csv",
                  "由程序按格式文件的标签从附件表格读出，空的一级、二级指标按上一行补全，请对照原表核对")
            for what, where, why in forms.notes:
                r.add(what, where, why)
        elif part and part.get("section") in {s["id"] for s in narrative.sections}:
            r.add("绩效自评表（附件）", "data/narrative.csv", "附件表格按正文导入，未拆成项目和指标")
        return r
