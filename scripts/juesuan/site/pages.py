"""A Report → the pages the site builds for it (source path, URL, title, template) and its navigation.

The same list drives the MkDocs hook (which generates the page files and the nav) and the macros
(which render each page), so a report's pages are written once, as templates over "a report".
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from juesuan.data.loader import Report

CN_NUMERALS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 11 → 十一, 15 → 十五 (table and section numbers)."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    return "十" + CN_NUMERALS[n - 11]


@dataclass(frozen=True)
class PageSpec:
    """One generated page of a report."""

    report: str  # report slug (package folder name)
    kind: str  # template name under templates/pages/
    key: str  # what the template shows: a section id, table resource name, form, …
    src: str  # source path relative to docs/
    title: str
    description: str

    @property
    def url(self) -> str:
        """Site-relative URL (directory URLs)."""
        stem = self.src[: -len(".md")]
        return (stem[: -len("index")] if stem.endswith("index") else stem + "/")


def report_title(report: Report) -> str:
    meta = report.meta
    return f"{meta['unit']}{meta['year']}年度{meta['kind']}"


def pages(report: Report) -> list[PageSpec]:
    """Every page of one report, in reading order."""
    slug, meta = report.slug, report.meta
    who = f"{meta['unit']}{meta['year']}年度{meta['kind']}"
    out = [PageSpec(slug, "report_home", "", f"{slug}/index.md", who,
                    f"{who}：收入、支出、“三公”经费、项目绩效和十五张附表，数字均可追溯到报告原文。")]
    parts = {s["id"]: s for s in report.sections.values() if s["level"] == 1}
    p1 = parts["p1"]
    out.append(PageSpec(slug, "part", "p1", f"{slug}/overview.md", p1["title"], f"{who} {p1['number']} {p1['title']}：职能简介、重点工作完成情况、机构设置。"))
    for i, sec in enumerate(report.children("p2"), 1):
        out.append(PageSpec(slug, "section", sec["id"], f"{slug}/explanation/{i:02d}.md",
                            f"{sec['number']}{sec['title']}", f"{who} 决算情况说明 {sec['number']}{sec['title']}"))
    out.append(PageSpec(slug, "glossary", "p3", f"{slug}/glossary.md", "名词解释与科目编码",
                        f"{who} 名词解释，以及报告使用的支出功能分类和经济分类科目。"))
    for i, proj in enumerate(report.rows["performance_projects"], 1):
        out.append(PageSpec(slug, "performance", proj["form"], f"{slug}/performance/{i}.md",
                            f"{proj['form']} {proj['project']}", f"{who} 项目绩效目标自评表：{proj['project']}。"))
    for res in report.table_resources:
        n = res["table_number"]
        out.append(PageSpec(slug, "table", res["name"], f"{slug}/tables/{n:02d}.md",
                            f"附表{cn_number(n)} {res['table_title']}", f"{who} 附表{cn_number(n)}：{res['table_title']}（单位：万元）。"))
    out.append(PageSpec(slug, "figures", "", f"{slug}/figures.md", "数字登记表",
                        f"{who} 报告中的每一个数字，及其原文句子或推算公式。"))
    out.append(PageSpec(slug, "checks", "", f"{slug}/checks.md", "数据核验",
                        f"{who} 的一致性核验：每条核验的公式、数值和结果，以及报告自相矛盾之处。"))
    out.append(PageSpec(slug, "data", "", f"{slug}/data.md", "数据下载",
                        f"{who} 的开放数据：CSV、数据包描述文件和报告全文。"))
    return out


def units(reports: list[Report]) -> dict[str, list[Report]]:
    """Reports → by unit id (in the order of the units' names), each unit's reports newest first."""
    grouped: dict[str, list[Report]] = {}
    for r in sorted(reports, key=lambda r: (r.meta["unit"], -r.meta["year"])):
        grouped.setdefault(r.meta["unit_id"], []).append(r)
    return grouped


def compare_page(unit_id: str, unit_reports: list[Report]) -> PageSpec | None:
    """A unit with two or more years → its year-on-year comparison page."""
    if len(unit_reports) < 2:
        return None
    unit = unit_reports[0].meta["unit"]
    years = sorted(r.meta["year"] for r in unit_reports)
    return PageSpec(unit_id, "compare", unit_id, f"{unit_id}/compare.md", "历年对比",
                    f"{unit} {years[0]}–{years[-1]} 年度决算主要数字的逐年对比。")


def site_nav(reports: list[Report]) -> list:
    """Every report → the site nav: home, then by unit (comparison first) and year, then about."""
    entries: list = [{"首页": "index.md"}]
    for unit_id, unit_reports in units(reports).items():
        items: list = []
        cmp = compare_page(unit_id, unit_reports)
        if cmp:
            items.append({html.escape(cmp.title): cmp.src})
        for r in unit_reports:
            items.extend(nav(r))
        entries.append({html.escape(unit_reports[0].meta["unit"]): items})
    entries.append({"关于本站": "about.md"})
    return entries


def nav(report: Report) -> list:
    """One report's pages → its MkDocs nav entry."""
    specs = pages(report)
    by_kind: dict[str, list[PageSpec]] = {}
    for s in specs:
        by_kind.setdefault(s.kind, []).append(s)

    def item(s: PageSpec, label: str | None = None) -> dict:
        return {html.escape(label or s.title): s.src}  # Material prints nav titles unescaped

    return [{html.escape(f"{report.meta['year']}年度{report.meta['kind']}"): [
        item(by_kind["report_home"][0], "概览"),
        item(by_kind["part"][0], "第一部分 单位概况"),
        {"第二部分 决算情况说明": [item(s) for s in by_kind["section"]]},
        item(by_kind["glossary"][0], "第三部分 名词解释"),
        {"第四部分 绩效自评表": [item(s, s.key) for s in by_kind["performance"]]},
        {"第五部分 附表": [item(s) for s in by_kind["table"]]},
        item(by_kind["figures"][0]),
        item(by_kind["checks"][0]),
        item(by_kind["data"][0]),
    ]}]
