"""Values from a Report → safe HTML/Markdown fragments: figures, amounts, prose with references, escaped headings.

Everything from the data is escaped here (markupsafe), so HTML, script tags, Jinja delimiters
and Markdown syntax in a data field reach the reader as literal text.
"""

from __future__ import annotations

import posixpath
import re
from decimal import Decimal

from markupsafe import Markup, escape
from pymdownx.slugs import slugify as _slugify

from juesuan.data import wording
from juesuan.data.loader import REF, Report

_slug = _slugify(case="lower")
# Characters that Markdown or attr_list would read as syntax inside a heading.
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~<>&]")


def slug(text: str) -> str:
    """Heading text → the id Material gives it (same slugify as mkdocs.yml's toc)."""
    return _slug(text, "-")


def md_inline(text: str) -> Markup:
    """Plain text → Markdown that shows exactly that text (for headings and link labels)."""
    return Markup(_MD_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", text or ""))


def relative(from_url: str, to_url: str) -> str:
    """Two site-relative URLs ('a/b/', 'a/c/#x') → a relative link that works under any base path."""
    to_path, _, anchor = to_url.partition("#")
    base = posixpath.dirname(from_url.rstrip("/") + "/x") if from_url else ""
    rel = posixpath.relpath(to_path or ".", base or ".")
    if to_path.endswith("/") and not rel.endswith("/"):
        rel += "/"
    if rel == "./":
        rel = ""
    return rel + (f"#{anchor}" if anchor else "") or "./"


def fig_anchor(fid: str) -> str:
    """Figure id → the id of its row on the figures page."""
    return "fig-" + fid.replace(".", "-")


def code_anchor(code: str) -> str:
    return f"code-{code}"


def figure_text(report: Report, fid: str) -> str:
    """Figure id → the figure as the report writes it (see Report.written)."""
    return report.written(fid)


def amount(value: Decimal | None, unit: str = "万元") -> Markup:
    """A table amount → two decimals with thousands separators; None → 未披露 (counts stay integers)."""
    if value is None:
        return Markup('<span class="undisclosed" title="报告未披露此数">未披露</span>')
    if unit == "万元":
        return Markup(f"{value:,.2f}")
    return Markup(f"{value:,}")


def ids(text: str) -> Markup:
    """Ids for those who need them (figure ids, a formula over them, a resource name) → muted code, after the words."""
    return Markup('<code class="muted">{}</code>').format(text)


def formula(report: Report, text: str) -> Markup:
    """A formula over figure ids or table cells → the formula in words (each figure's 含义), then its ids muted."""
    return Markup('<span class="formula">{}</span> {}').format(wording.formula(report, text), ids(text))


def source(report: Report, text: str) -> Markup:
    """A data source ("figures：a.*；t06_x") → its parts in words (数字登记表；附表六 …), each with its ids muted."""
    return Markup("").join(Markup("{} {}").format(p.words, ids(p.ids)) if p.ids else escape(p.words)
                            for p in wording.source(report, text))


class Prose:
    """Renders text fields with [[figure]] references into escaped HTML with links and tooltips."""

    def __init__(self, report: Report, page_url: str, urls):
        self.report = report
        self.page_url = page_url
        self.urls = urls  # the report's Urls (site/pages.py)
        codes = {c["code"]: c for c in report.rows["codes"]}
        self.codes = codes
        terms = sorted(report.rows["glossary"], key=lambda g: -len(g["term"]))
        self.terms = [(g["term"], g) for g in terms]
        # Longest first, so that a longer term wins where two overlap.
        self.term_pattern = re.compile("|".join(re.escape(t) for t, _ in self.terms))

    def link(self, kind: str, anchor: str = "") -> str:
        return relative(self.page_url, self.urls.of(kind) + (f"#{anchor}" if anchor else ""))

    def figure(self, fid: str) -> Markup:
        """Figure id → a link to its register entry, its sentence as tooltip."""
        fig = self.report.figure(fid)
        text = figure_text(self.report, fid)
        if fig["unit"] == "科目编码":
            code = self.codes.get(fig["literal"])
            title = f"科目编码 {fig['literal']}" + (f"：{code['name']}" if code else "（不在科目表中，见数据核验）")
            href = self.link("glossary", code_anchor(fig["literal"])) if code else self.link("checks", "发现")
            return Markup('<a class="code" href="{}" title="{}">{}</a>').format(href, title, text)
        where = f"原文第{fig['line']}行" if fig["status"] == "stated" else f"推算：{wording.formula(self.report, fig['formula'])}"
        return Markup('<a class="fig" href="{}" title="{}">{}</a>').format(
            self.link("figures", fig_anchor(fid)), f"{fig['label']}（{where}）", text)

    def _terms(self, text: str) -> Markup:
        """Plain text → escaped HTML with the first mention of each glossary term linked (tooltip = definition)."""
        out, last, used = [], 0, set()
        for m in self.term_pattern.finditer(text) if self.terms else ():
            term = m.group()
            if term in used:
                continue
            used.add(term)
            g = dict(self.terms)[term]
            out.append(escape(text[last:m.start()]))
            out.append(Markup('<a class="term" href="{}" title="{}">{}</a>').format(
                self.link("glossary", g["id"]), g["definition"], term))
            last = m.end()
        out.append(escape(text[last:]))
        return Markup("").join(out)

    def inline(self, text: str | None) -> Markup:
        """One line of text → escaped HTML with figures and terms linked."""
        if not text:
            return Markup("")
        parts, last = [], 0
        for m in REF.finditer(text):
            parts.append(self._terms(text[last:m.start()]))
            parts.append(self.figure(m.group(1)))
            last = m.end()
        parts.append(self._terms(text[last:]))
        return Markup("").join(parts)

    def paragraphs(self, text: str | None) -> Markup:
        """Multi-line text → one <p> per line (raw HTML blocks, so Markdown never reinterprets the data)."""
        if not text:
            return Markup("")
        return Markup("\n\n").join(Markup("<p>{}</p>").format(self.inline(line)) for line in text.split("\n") if line.strip())
