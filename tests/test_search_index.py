"""The copy of a page that Pagefind indexes (juesuan/site/search_index.py): Han characters spaced in the text
only, the same pattern as the query's in docs/assets/search.js, and the filters and weights pages carry."""

from __future__ import annotations

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
