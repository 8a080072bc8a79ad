"""The table of page kinds: kind → source path pattern (hence URL), title, description, template and nav label.

Adding a kind of page = one row here, one template `templates/pages/<kind>.md.j2`, and (for a
report page) the place in `pages.pages()` that decides when a report gets it. Patterns are
`str.format` patterns over the fields a page supplies (see PageKind.fields).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageKind:
    """One kind of generated page."""

    kind: str  # also the template name: templates/pages/<kind>.md.j2
    src: str  # source path under docs/, e.g. "{slug}/tables/{n:02d}.md"; the URL follows from it
    title: str  # the page's title (<title>, h1 where the template prints it)
    description: str  # <meta name="description">
    nav: str | None = None  # short label in the nav; None: the title
    fields: tuple[str, ...] = ()  # what the patterns use besides slug and who (the report's title)
    uses: str = ""  # the template of another kind, when the page looks like one

    @property
    def template(self) -> str:
        return f"pages/{self.uses or self.kind}.md.j2"


_WHO = "{who}"  # the report's title: unit, year and kind (Report.title)

KINDS: dict[str, PageKind] = {k.kind: k for k in [
    # The site's home (docs/index.md, whose front matter holds its title): every report.
    PageKind("site_home", "index.md", "首页", "预算单位年度决算的开放数据。"),
    PageKind("report_home", "{slug}/index.md", _WHO,
             _WHO + "：收入、支出、“三公”经费、项目绩效和{tables_cn}张附表，数字均可追溯到报告原文。", nav="概览",
             fields=("tables_cn",)),
    PageKind("part", "{slug}/overview.md", "{title}", _WHO + " {number} {title}：{summary}",
             fields=("number", "title", "summary")),
    # Any other part a format names (机构设置, 其他相关情况说明 …): one page, like the overview.
    PageKind("other_part", "{slug}/parts/{role}.md", "{title}", _WHO + " {number} {title}",
             fields=("role", "number", "title"), uses="part"),
    PageKind("section", "{slug}/explanation/{i:02d}.md", "{number}{title}", _WHO + " 决算情况说明 {number}{title}",
             fields=("i", "number", "title")),
    PageKind("glossary", "{slug}/glossary.md", "名词解释与科目编码", _WHO + " 名词解释，以及报告使用的支出功能分类和经济分类科目。"),
    PageKind("performance", "{slug}/performance/{i}.md", "{form} {project}", _WHO + " 项目绩效目标自评表：{project}。",
             nav="{form}", fields=("i", "form", "project")),
    PageKind("table", "{slug}/tables/{n:02d}.md", "附表{n_cn} {table_title}", _WHO + " 附表{n_cn}：{table_title}（单位：{unit}）。",
             fields=("n", "n_cn", "table_title", "unit")),
    PageKind("figures", "{slug}/figures.md", "数字登记表", _WHO + " 报告中的每一个数字，及其原文句子或推算公式。"),
    PageKind("checks", "{slug}/checks.md", "数据核验", _WHO + " 的一致性核验：每条核验的公式、数值和结果，以及报告自相矛盾之处。"),
    PageKind("data", "{slug}/data.md", "数据下载", _WHO + " 的开放数据：CSV、数据包描述文件和报告全文。"),
    # A unit with two or more years; slug is the unit id, who the unit's name.
    PageKind("compare", "{slug}/compare.md", "历年对比", _WHO + " {first}–{last} 年度决算主要数字的逐年对比。",
             fields=("first", "last")),
]}
# Kinds with one page per report: their URL is found by kind alone (Urls.of); the others also by key.
SINGLE = ("report_home", "part", "glossary", "figures", "checks", "data")
