"""The copy of a page that Pagefind indexes (juesuan/site/search_index.py): Han characters spaced in the text
only, the same pattern as the query's in docs/assets/search.js, and the filters and weights pages carry."""

from __future__ import annotations

import hashlib
import re

from helpers.paths import ROOT
from juesuan.site import search_index
from juesuan.site.search_index import spaced, spaced_html


def test_spaced_puts_a_space_around_every_han_character():
    assert spaced("年初结转和结余") == " 年 初 结 转 和 结 余 "
    assert spaced("e社保") == "e 社 保 "
    assert spaced("附件1") == " 附 件 1"
    assert spaced("2080505 260.70") == "2080505 260.70"
    assert spaced("“三公”经费") == "“ 三 公 ” 经 费 "
    assert spaced("𠀋") == " 𠀋 "  # Extension B, outside the Basic Multilingual Plane


def test_only_the_text_of_the_page_is_spaced():
    page = ('<!DOCTYPE html><html><head><title>决算</title><script>var s = "中文";</script></head>'
            '<body><h1 id="附表一">附表一 收入</h1><p title="属性">正文 &amp; 编码&#12288;2080505</p>'
            '<span data-value="米易县"></span><!-- 注释 --><br/></body></html>')
    assert spaced_html(page) == (
        '<!DOCTYPE html><html><head><title> 决 算 </title><script>var s = "中文";</script></head>'
        '<body><h1 data-pagefind-weight="7" id="附表一"> 附 表 一 收 入 </h1><p title="属性"> 正 文 &amp; 编 码 &#12288;2080505</p>'
        '<span data-value="米易县"></span><!-- 注释 --><br/></body></html>')


def test_an_h1_with_its_own_weight_keeps_it():
    assert spaced_html('<h1 data-pagefind-weight="2">标题</h1>') == '<h1 data-pagefind-weight="2"> 标 题 </h1>'


def test_the_query_is_cut_with_the_same_characters_as_the_index():
    """search.js writes HAN as a JavaScript string of \\u escapes; it must name the ranges of search_index.HAN."""
    js = (ROOT / "docs" / "assets" / "search.js").read_text(encoding="utf-8")
    written = re.search(r'var HAN = "([^"]+)";', js).group(1)
    as_python = re.sub(r"\\\\u\{([0-9a-f]+)\}|\\\\u([0-9a-f]{4})",
                       lambda m: chr(int(m.group(1) or m.group(2), 16)), written)
    assert as_python == search_index.HAN


def test_a_page_of_a_report_is_scoped_to_its_unit_and_year(report):
    assert search_index.scope([report]) == {"unit": [report.meta["unit"]], "year": [str(report.meta["year"])]}


def test_registers_and_checks_weigh_less_than_explanations():
    assert [search_index.weight(k) for k in ("section", "part", "table", "figures", "checks")] == [None, None, 0.8, 0.3, 0.3]


def test_markup_is_kept_whatever_its_case_or_quoted_brackets():
    page = ('<DIV title="a>标题">正文</DIV><H1 CLASS="x">题</H1><h1 title="data-pagefind-weight">题</h1>'
            "<p data-x='1>2'>字</p><style-x>样</style-x><STYLE>p{content:\"字\"}</STYLE>")
    assert spaced_html(page) == (
        '<DIV title="a>标题"> 正 文 </DIV><H1 data-pagefind-weight="7" CLASS="x"> 题 </H1>'
        '<h1 data-pagefind-weight="7" title="data-pagefind-weight"> 题 </h1>'
        "<p data-x='1>2'> 字 </p><style-x> 样 </style-x><STYLE>p{content:\"字\"}</STYLE>")


def _scope_div(units, years, everywhere=False) -> str:
    """A page's hidden scope as overrides/main.html writes it (values escaped as Jinja's |e does)."""
    from html import escape

    spans = "".join(f'<span data-pagefind-filter="{n}[data-value]" data-filter="{n}" data-value="{escape(v)}"></span>'
                    for n, vs in (("unit", units), ("year", years)) for v in vs)
    return f'<div hidden data-search-scope{" data-search-everywhere" if everywhere else ""} data-pagefind-ignore>{spans}</div>'


def test_a_page_is_read_for_the_indexes_from_its_scope():
    page = "<article><h1>表</h1>" + _scope_div(['单位"甲"&乙'], ["2021"]) + "</article>"
    assert search_index.indexed("a/index.html", page) == search_index.Indexed("a/index.html", ('单位"甲"&乙',), ("2021",), False)
    home = _scope_div(["丙"], ["2020", "2019"], everywhere=True)
    assert search_index.indexed("u/compare/index.html", home) == search_index.Indexed("u/compare/index.html", ("丙",), ("2020", "2019"), True)
    assert search_index.indexed("about/index.html", "<p>关于</p>") == search_index.Indexed("about/index.html", (), (), True)
    both = _scope_div(["甲", "乙"], ["2021"])  # a page of two units belongs to neither: the site index holds it
    assert search_index.indexed("x/index.html", both).everywhere is True


def test_a_units_index_is_named_by_a_hash_of_its_name():
    assert search_index.unit_key("米易县城乡居民养老保险事务中心") == "0c4d3b213629ccff"
    assert search_index.unit_key("../..") == hashlib.sha256(b"../..").hexdigest()[:16]  # never the name itself
    assert re.fullmatch(r"[0-9a-f]{16}", search_index.unit_key("a/b"))


def _site():
    I = search_index.Indexed  # noqa: E741,N806
    return [I("index.html", (), (), True), I("about/index.html", (), (), True),
            I("a-2021/index.html", ("甲",), ("2021",), True), I("a-2021/tables/01/index.html", ("甲",), ("2021",), False),
            I("a-2020/index.html", ("甲",), ("2020",), True), I("a-2020/tables/01/index.html", ("甲",), ("2020",), False),
            I("a/compare/index.html", ("甲",), ("2021", "2020"), True),
            I("b-2021/index.html", ("乙",), ("2021",), True), I("b-2021/tables/01/index.html", ("乙",), ("2021",), False)]


def test_up_to_the_limit_one_index_holds_every_page():
    for limit in (None, 3, 5):
        shards, scopes = search_index.plan(_site(), limit)
        assert shards == {"": [p.rel for p in _site()]}
        assert scopes == {"full": True, "years": ["2021", "2020"],
                          "units": [{"name": "乙", "index": "", "years": ["2021"]}, {"name": "甲", "index": "", "years": ["2021", "2020"]}]}


def test_above_the_limit_each_unit_has_its_index_and_the_site_index_holds_the_home_pages():
    shards, scopes = search_index.plan(_site(), 2)  # three reports
    a, b = f"unit/{search_index.unit_key('甲')}/", f"unit/{search_index.unit_key('乙')}/"
    assert shards == {
        "": ["index.html", "about/index.html", "a-2021/index.html", "a-2020/index.html", "a/compare/index.html", "b-2021/index.html"],
        b: ["b-2021/index.html", "b-2021/tables/01/index.html"],
        a: ["a-2021/index.html", "a-2021/tables/01/index.html", "a-2020/index.html", "a-2020/tables/01/index.html",
            "a/compare/index.html"],
    }
    assert scopes == {"full": False, "years": ["2021", "2020"],
                      "units": [{"name": "乙", "index": b, "years": ["2021"]}, {"name": "甲", "index": a, "years": ["2021", "2020"]}]}


def test_the_kinds_in_the_site_index_are_the_home_pages_and_glossaries():
    assert search_index.EVERYWHERE == {"report_home", "glossary", "compare"}
