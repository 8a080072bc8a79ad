"""A Shanghai district 部门决算 (format shanghai-district-dept-final): a report without 附件, with 9 tables, imports and renders completely.

No real report of this format is in the repository, so one is built here, synthetic but laid out as Shanghai
district departments publish theirs (上海市普陀区XX局2023年度部门决算): a cover, 目录, 第一部分 部门概况 (一、主要职能
二、机构设置), 第二部分 部门决算表 (the nine tables, in 万元), 第三部分 部门决算情况说明 (eleven sections; 五 and 十一
with subsections) and 第四部分 名词解释. The tables' numbers all follow from the 项-level amounts in SPEND: every total
is the sum of its parts and 类 = Σ款 = Σ项. The narrative states amounts that equal their table cells, except two slips
an inspector would mark: 住房保障支出（类）written 118.89万元 (in 三、) where the tables print 118.98, and a "三公" total that fell
from 12.60万元 to 11.00万元 called 增加12.70%. The report is written as a DOCX (headings, paragraphs, the tables as
Word tables with merged header cells) and as plain text (the same lines, the tables' bodies left out: their titles
and unit lines stay, as a text export prints them).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK

from helpers.build import build_or_fail
from helpers.paths import ROOT, SLUG

from juesuan.importer.run import run
from juesuan.tools.validate import validate

UNIT = "上海市普陀区示范管理局"
FORMAT = "shanghai-district-dept-final"
D = Decimal
CN = "一二三四五六七八九十"

NAMES = {  # functional classification (2023): 类, 款, 项
    "201": "一般公共服务支出", "20103": "政府办公厅（室）及相关机构事务", "2010301": "行政运行", "2010350": "事业运行",
    "2010399": "其他政府办公厅（室）及相关机构事务支出",
    "208": "社会保障和就业支出", "20805": "行政事业单位养老支出", "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "210": "卫生健康支出", "21011": "行政事业单位医疗", "2101101": "行政单位医疗",
    "221": "住房保障支出", "22102": "住房改革支出", "2210201": "住房公积金",
    "223": "国有资本经营预算支出", "22301": "解决历史遗留问题及改革成本支出", "2230105": "国有企业退休人员社会化管理补助支出",
    "229": "其他支出", "22960": "彩票公益金安排的支出", "2296002": "用于社会福利的彩票公益金支出",
}
# 项 → what was spent on it: (source of the money, 基本/项目, 万元). Every table's number follows from these.
SPEND = {
    "2010301": [("gpb", "basic", "1186.42")],
    "2010350": [("gpb", "basic", "312.58"), ("business", "basic", "150.00")],
    "2010399": [("gpb", "project", "456.30"), ("other", "project", "15.00")],
    "2080505": [("gpb", "basic", "158.64")],
    "2080506": [("gpb", "basic", "79.32")],
    "2101101": [("gpb", "basic", "88.16")],
    "2210201": [("gpb", "basic", "118.98")],
    "2230105": [("soe", "project", "12.50")],
    "2296002": [("gov_fund", "project", "25.00")],
}
UNSPENT = {"2010399": D("5.00")}  # 其他收入 received and not spent: 年末结转和结余
FISCAL = ("gpb", "gov_fund", "soe")
# 一般公共预算财政拨款基本支出 by economic classification: (code, name, 万元); 人员经费 and 公用经费.
PERSONNEL = [("301", "工资福利支出", "1555.10"), ("30101", "基本工资", "420.00"), ("30102", "津贴补贴", "510.00"),
             ("30103", "奖金", "180.00"), ("30108", "机关事业单位基本养老保险缴费", "158.64"), ("30109", "职业年金缴费", "79.32"),
             ("30110", "职工基本医疗保险缴费", "88.16"), ("30113", "住房公积金", "118.98"),
             ("303", "对个人和家庭的补助", "69.00"), ("30302", "退休费", "69.00")]
PUBLIC = [("302", "商品和服务支出", "296.00"), ("30201", "办公费", "45.60"), ("30205", "水费", "8.40"), ("30206", "电费", "26.00"),
          ("30211", "差旅费", "12.30"), ("30217", "公务接待费", "1.20"), ("30228", "工会经费", "22.50"),
          ("30231", "公务用车运行维护费", "9.80"), ("30299", "其他商品和服务支出", "170.20"),
          ("310", "资本性支出", "24.00"), ("31002", "办公设备购置", "24.00")]
# "三公" 经费: 合计, 因公出国（境）费, 公务用车购置及运行费 (小计, 购置费, 运行费), 公务接待费; 预算数 then 决算数.
SANGONG = {"budget": ["15.00", "0.00", "12.00", "0.00", "12.00", "3.00"], "actual": ["11.00", "0.00", "9.80", "0.00", "9.80", "1.20"]}


# ---- the tables' numbers ---------------------------------------------------------------------------------------
def _leaves(pick) -> dict[str, dict[str, Decimal]]:
    """pick(item code, [(source, kind, amount)]) → field → amount, for the 项 it gives any amount."""
    out = {}
    for code, spent in SPEND.items():
        amounts = {k: v for k, v in pick(code, [(s, k, D(a)) for s, k, a in spent]).items() if v}
        if amounts:
            out[code] = amounts
    return out


def _sum(spent, sources=None, kind=None) -> Decimal:
    return sum((D(a) for s, k, a in spent if (sources is None or s in sources) and (kind is None or k == kind)), D(0))


def _rollup(leaves: dict[str, dict[str, Decimal]]) -> list[tuple[str, str, dict[str, Decimal]]]:
    """项 → amounts → rows 合计, then each 类 with its 款 and their 项 in code order; a parent is the sum of its children."""
    def total(prefix: str) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for code, amounts in leaves.items():
            if code.startswith(prefix):
                for k, v in amounts.items():
                    out[k] = out.get(k, D(0)) + v
        return out

    rows = [("", "合计", total(""))]
    for cls in sorted({c[:3] for c in leaves}):
        rows.append((cls, NAMES[cls], total(cls)))
        for kuan in sorted({c[:5] for c in leaves if c.startswith(cls)}):
            rows.append((kuan, NAMES[kuan], total(kuan)))
            rows += [(c, NAMES[c], leaves[c]) for c in sorted(leaves) if c.startswith(kuan)]
    return rows


INCOME = _leaves(lambda c, s: {"total": _sum(s) + UNSPENT.get(c, 0), "fiscal": _sum(s, FISCAL),
                               "business": _sum(s, ("business",)), "other": _sum(s, ("other",)) + UNSPENT.get(c, 0)})
SPENDING = _leaves(lambda c, s: {"total": _sum(s), "basic": _sum(s, kind="basic"), "project": _sum(s, kind="project")})
GPB = _leaves(lambda c, s: {"total": _sum(s, ("gpb",)), "basic": _sum(s, ("gpb",), "basic"), "project": _sum(s, ("gpb",), "project")})
GOV_FUND = _leaves(lambda c, s: {"income": _sum(s, ("gov_fund",)), "expend_total": _sum(s, ("gov_fund",)),
                                 "expend_basic": _sum(s, ("gov_fund",), "basic"), "expend_project": _sum(s, ("gov_fund",), "project")})
SOE = _leaves(lambda c, s: {"total": _sum(s, ("soe",)), "basic": _sum(s, ("soe",), "basic"), "project": _sum(s, ("soe",), "project")})
BY_SOURCE = {src: sum((_sum(s, (src,)) for s in SPEND.values()), D(0)) for src in ("gpb", "gov_fund", "soe", "business", "other")}


def _amount(v) -> str:
    """An amount as the tables print it: thousands separators, two decimals; nothing where it is zero."""
    return f"{D(v):,.2f}" if v else ""


# ---- the tables as printed (grids: ">" continues the cell on its left, "^" the cell above) ------------------------
def _coded(columns: list[tuple[str | None, str]], fields: list[str], leaves) -> list[list[str]]:
    """Header columns (group or None, leaf), the fields they print and the 项 amounts → a table coded in 类/款/项 columns."""
    top, bottom, previous = ["科目编码", ">", ">", "科目名称"], ["类", "款", "项", "^"], None
    for group, leaf in columns:
        top.append(leaf if group is None else (">" if group == previous else group))
        bottom.append("^" if group is None else leaf)
        previous = group
    body = []
    for code, name, amounts in _rollup(leaves):
        cells = ["合计", ">", ">", ">"] if not code else [code[:3], code[3:5], code[5:7], name]
        body.append(cells + [_amount(amounts.get(f)) for f in fields])
    return [top, bottom] + body


def _panels(left: list[tuple[str, object]], right: list[tuple[str, list]], right_head: list[str]) -> list[list[str]]:
    """收入 rows (项目, 金额) beside 支出 rows (项目, amounts) → the printed 收/支 total table, with 行次 and 栏次."""
    head = [["收入", ">", ">", "支出"] + [">"] * (len(right_head) + 1),
            ["项目", "行次", "金额", "项目", "行次"] + right_head,
            ["栏次", "", "1", "栏次", ""] + [str(i) for i in range(2, len(right_head) + 2)]]
    body = []
    for i in range(max(len(left), len(right))):
        name, value = left[i] if i < len(left) else ("", None)
        rname, rvalues = right[i] if i < len(right) else ("", [])
        body.append([name, str(i + 1) if name else "", _amount(value), rname, str(len(left) + i + 1) if rname else ""]
                    + [_amount(v) for v in rvalues] + [""] * (len(right_head) - len(rvalues)))
    return head + body


def _classes(leaves, fields) -> list[tuple[str, list]]:
    """The 类 rows of leaves, numbered 一、二、… as the total tables print them."""
    rows = [r for r in _rollup(leaves) if len(r[0]) == 3]
    return [(f"{CN[i]}、{name}", [amounts.get(f) for f in fields]) for i, (_, name, amounts) in enumerate(rows)]


def _t01() -> list[list[str]]:
    income = [("一、一般公共预算财政拨款收入", BY_SOURCE["gpb"]), ("二、政府性基金预算财政拨款收入", BY_SOURCE["gov_fund"]),
              ("三、国有资本经营预算财政拨款收入", BY_SOURCE["soe"]), ("四、上级补助收入", None),
              ("五、事业收入", BY_SOURCE["business"]), ("六、经营收入", None), ("七、附属单位上缴收入", None),
              ("八、其他收入", BY_SOURCE["other"] + sum(UNSPENT.values()))]
    total_in = sum((v or 0 for _, v in income), D(0))
    income += [("本年收入合计", total_in), ("使用非财政拨款结余", None), ("年初结转和结余", None), ("总计", total_in)]
    spent = _classes(SPENDING, ["total"])
    total_out = sum((v[0] for _, v in spent), D(0))
    pad = [("", [])] * (8 - len(spent))
    closing = sum(UNSPENT.values())
    expend = spent + pad + [("本年支出合计", [total_out]), ("结余分配", []), ("年末结转和结余", [closing]),
                            ("总计", [total_out + closing])]
    return _panels(income, expend, ["金额"])


def _t04() -> list[list[str]]:
    fiscal = [BY_SOURCE[s] for s in FISCAL]
    income = [("一、一般公共预算财政拨款", fiscal[0]), ("二、政府性基金预算财政拨款", fiscal[1]),
              ("三、国有资本经营预算财政拨款", fiscal[2])]
    leaves = _leaves(lambda c, s: {"total": _sum(s, FISCAL), **{f: _sum(s, (f,)) for f in FISCAL}})
    spent = _classes(leaves, ["total", *FISCAL])
    pad = len(spent) - len(income)
    totals = [sum(fiscal, D(0)), *fiscal]
    income += [("", None)] * pad + [("本年收入合计", totals[0]), ("年初财政拨款结转和结余", None), ("总计", totals[0])]
    expend = spent + [("本年支出合计", totals), ("年末财政拨款结转和结余", []), ("总计", totals)]
    return _panels(income, expend, ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"])


def _t06() -> list[list[str]]:
    head = [["人员经费", ">", ">", "公用经费", ">", ">"], ["科目编码", "科目名称", "决算数"] * 2]
    rows = max(len(PERSONNEL), len(PUBLIC))
    body = []
    for i in range(rows):
        left = list(PERSONNEL[i]) if i < len(PERSONNEL) else ["", "", ""]
        right = list(PUBLIC[i]) if i < len(PUBLIC) else ["", "", ""]
        body.append(left[:2] + [_amount(left[2]) if left[2] else ""] + right[:2] + [_amount(right[2]) if right[2] else ""])
    personnel = sum(D(a) for c, _, a in PERSONNEL if len(c) == 3)
    public = sum(D(a) for c, _, a in PUBLIC if len(c) == 3)
    body.append(["人员经费合计", ">", _amount(personnel), "公用经费合计", ">", _amount(public)])
    return head + body


def _t09() -> list[list[str]]:
    items = ["合计", "因公出国（境）费", "公务用车购置及运行费", ">", ">", "公务接待费"]
    under = ["^", "^", "小计", "公务用车购置费", "公务用车运行费", "^"]
    return [["预算数"] + [">"] * 5 + ["决算数"] + [">"] * 5, items * 2, under * 2, SANGONG["budget"] + SANGONG["actual"]]


FUND_COLUMNS = [(None, "年初结转和结余"), (None, "本年收入"), ("本年支出", "小计"), ("本年支出", "基本支出"),
                ("本年支出", "项目支出"), (None, "年末结转和结余")]
SPENDING_COLUMNS = [("本年支出", "合计"), ("本年支出", "基本支出"), ("本年支出", "项目支出")]
TABLES = [  # printed title, grid
    ("收入支出决算总表", _t01()),
    ("收入决算表", _coded([(None, h) for h in ("本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
                                             "附属单位上缴收入", "其他收入")],
                          ["total", "fiscal", "higher", "business", "operating", "affiliated", "other"], INCOME)),
    ("支出决算表", _coded([(None, h) for h in ("本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")],
                          ["total", "basic", "project", "to_higher", "operating", "to_affiliated"], SPENDING)),
    ("财政拨款收入支出决算总表", _t04()),
    ("一般公共预算财政拨款支出决算表", _coded(SPENDING_COLUMNS, ["total", "basic", "project"], GPB)),
    ("一般公共预算财政拨款基本支出决算表", _t06()),
    ("政府性基金预算财政拨款收入支出决算表",
     _coded(FUND_COLUMNS, ["opening", "income", "expend_total", "expend_basic", "expend_project", "closing"], GOV_FUND)),
    ("国有资本经营预算财政拨款支出决算表", _coded(SPENDING_COLUMNS, ["total", "basic", "project"], SOE)),
    ("部门财政拨款“三公”经费支出决算表", _t09()),
]
ROWS = {"t01": 22, "t02": 22, "t03": 22, "t04": 15, "t05": 16, "t06": 23, "t07": 4, "t08": 4, "t09": 6}

# ---- the report: (kind, text) blocks in order; kinds h1 h2 h3 (headings), p, break, table (index into TABLES) ----
SECTIONS = [  # 第三部分: number, title, paragraphs (a tuple: a subsection's number, title and paragraphs)
    ("一、", "收入支出决算总体情况说明", [
        "2023年度收、支总计均为2607.90万元。与2022年度相比，收、支总计各增加209.70万元，增长8.74%，主要原因是人员经费增加及新增专项工作经费。",
        "其中：本年收入合计2607.90万元，本年支出合计2602.90万元，年末结转和结余5.00万元。"]),
    ("二、", "收入决算情况说明", [
        "2023年度本年收入合计2607.90万元，其中：财政拨款收入2437.90万元，占93.48%；事业收入150.00万元，占5.75%；其他收入20.00万元，占0.77%。"]),
    ("三、", "支出决算情况说明", [
        "2023年度本年支出合计2602.90万元，其中：基本支出2094.10万元，占80.45%；项目支出508.80万元，占19.55%。",
        "按支出功能分类，一般公共服务支出（类）2120.30万元，社会保障和就业支出（类）237.96万元，卫生健康支出（类）88.16万元，"
        "住房保障支出（类）118.89万元，国有资本经营预算支出（类）12.50万元，其他支出（类）25.00万元。"]),
    ("四、", "财政拨款收入支出决算总体情况说明", [
        "2023年度财政拨款收、支总计均为2437.90万元。财政拨款收、支总计由2022年度的2250.00万元增加到2023年度的2437.90万元，增长8.35%，"
        "主要原因是人员经费增加。"]),
    ("五、", "一般公共预算财政拨款支出决算情况说明", [
        ("（一）", "一般公共预算财政拨款支出决算总体情况", [
            "2023年度一般公共预算财政拨款支出2400.40万元，占本年支出合计的92.22%。一般公共预算财政拨款支出由2022年度的2230.60万元"
            "增加到2023年度的2400.40万元，增长7.61%，主要原因是新增专项工作经费。"]),
        ("（二）", "一般公共预算财政拨款支出决算结构情况", [
            "2023年度一般公共预算财政拨款支出2400.40万元，主要用于以下方面：一般公共服务支出（类）1955.30万元，占81.46%；社会保障和就业支出（类）237.96万元，占9.91%；卫生健康支出（类）88.16万元，"
            "占3.67%；住房保障支出（类）118.98万元，占4.96%。"]),
        ("（三）", "一般公共预算财政拨款支出决算具体情况", [
            "1.一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）。年初预算为1150.00万元，支出决算为1186.42万元，"
            "完成年初预算的103.17%。决算数大于年初预算数的主要原因是人员变动。",
            "2.一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）事业运行（项）。年初预算为300.00万元，支出决算为312.58万元，"
            "完成年初预算的104.19%。",
            "3.住房保障支出（类）住房改革支出（款）住房公积金（项）。其中：行政运行（项）1186.42万元，住房公积金（项）118.98万元。"]),
    ]),
    ("六、", "一般公共预算财政拨款基本支出决算情况说明", [
        "2023年度一般公共预算财政拨款基本支出1944.10万元，比2022年度增加84.10万元，增长4.52%。",
        "其中：人员经费1624.10万元，主要包括基本工资、津贴补贴、奖金、"
        "机关事业单位基本养老保险缴费、职业年金缴费、职工基本医疗保险缴费、住房公积金、退休费；公用经费320.00万元，主要包括办公费、"
        "水费、电费、差旅费、公务接待费、工会经费、公务用车运行维护费、其他商品和服务支出、办公设备购置。"]),
    ("七、", "政府性基金预算财政拨款收入支出决算情况说明", [
        "2023年度政府性基金预算财政拨款收入25.00万元，支出25.00万元。其中：用于社会福利的彩票公益金支出（项）25.00万元，"
        "主要用于社区养老服务项目。"]),
    ("八、", "国有资本经营预算财政拨款支出决算情况说明", [
        "2023年度国有资本经营预算财政拨款支出12.50万元，其中：国有企业退休人员社会化管理补助支出（项）12.50万元。"]),
    ("九、", "财政拨款“三公”经费支出决算情况说明", [
        "2023年度“三公”经费财政拨款支出预算为15.00万元，支出决算为11.00万元，完成预算的73.33%。",
        "其中：因公出国（境）费0.00万元；公务用车购置及运行费9.80万元，其中：公务用车购置费0.00万元，公务用车运行费9.80万元；"
        "公务接待费1.20万元。",
        "2022年度“三公”经费财政拨款支出决算为12.60万元，2023年度为11.00万元，增加12.70%，主要原因是严格控制公务用车运行费用。"]),
    ("十、", "预算绩效管理情况说明", [
        "2023年度，本部门对纳入绩效自评范围的3个项目开展了绩效自评，涉及一般公共预算财政拨款项目支出456.30万元，自评结果均为“优”。"
        "本部门还对1个项目开展了绩效运行监控。"]),
    ("十一、", "其他重要事项的情况说明", [
        ("（一）", "机关运行经费支出情况", [
            "2023年度本部门机关运行经费支出320.00万元，比2022年度的310.50万元增加3.06%，主要原因是办公设备更新。"]),
        ("（二）", "政府采购支出情况", [
            "2023年度本部门政府采购支出总额86.40万元，其中：政府采购货物支出24.00万元、政府采购工程支出0.00万元、政府采购服务支出62.40万元。"
            "授予中小企业合同金额80.20万元，占政府采购支出总额的92.82%。"]),
        ("（三）", "国有资产占有使用情况", [
            "截至2023年12月31日，本部门共有车辆2辆，其中：一般公务用车1辆、执法执勤用车1辆；单价50万元以上通用设备0台，"
            "单价100万元以上专用设备0台。"]),
    ]),
]
GLOSSARY = [
    ("财政拨款收入", "指区财政当年拨付的资金。"),
    ("事业收入", "指事业单位开展专业业务活动及其辅助活动取得的收入。"),
    ("其他收入", "指部门取得的除上述收入以外的各项收入。"),
    ("年初结转和结余", "指以前年度尚未完成、结转到本年按有关规定继续使用的资金。"),
    ("基本支出", "指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。"),
    ("项目支出", "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"),
    ("年末结转和结余", "指本年度或以前年度预算安排、因客观条件发生变化无法按原计划实施，需要延迟到以后年度按有关规定继续使用的资金。"),
    ("“三公”经费", "指用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。"),
    ("机关运行经费", "指为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金。"),
]


def _blocks() -> list[tuple[str, object]]:
    parts = ["第一部分 部门概况", "第二部分 2023年度部门决算表", "第三部分 2023年度部门决算情况说明", "第四部分 名词解释"]
    out: list[tuple[str, object]] = [("p", f"{UNIT}2023年度部门决算"), ("break", None), ("p", "目录")]
    pages = iter(range(3, 40))
    for i, part in enumerate(parts):
        out.append(("toc", f"{part}\t{next(pages)}"))
        if i == 0:
            out += [("toc", f"一、主要职能\t{next(pages)}"), ("toc", f"二、机构设置\t{next(pages)}")]
        if i == 2:
            out += [("toc", f"{n}{t}\t{next(pages)}") for n, t, _ in SECTIONS]
    out += [("break", None), ("h1", parts[0]), ("h2", "一、主要职能"),
            ("p", f"{UNIT}是区政府工作部门，主要职能是："),
            ("p", "1.贯彻执行国家和本市有关示范管理工作的法律、法规、规章和政策，起草本区相关规范性文件并组织实施。"),
            ("p", "2.负责编制本区示范管理工作的中长期规划和年度计划，并组织实施。"),
            ("p", "3.承办区政府交办的其他事项。"),
            ("h2", "二、机构设置"),
            ("p", "本部门内设办公室、规划科、管理科、执法监督科4个科室，下属事业单位1家。纳入本部门2023年度部门决算编制范围的单位共2家，"
                  f"包括：局机关（本级）、{UNIT[:-1]}事务中心。"),
            ("break", None), ("h1", parts[1])]
    for i, (title, _) in enumerate(TABLES):
        if i:
            out.append(("break", None))
        out += [("p", title), ("p", f"编制部门：{UNIT}　　　　单位：万元"), ("table", i)]
    out += [("break", None), ("h1", parts[2])]
    for number, title, body in SECTIONS:
        out.append(("h2", f"{number}{title}"))
        for item in body:
            if isinstance(item, tuple):
                out.append(("h3", f"{item[0]}{item[1]}"))
                out += [("p", text) for text in item[2]]
            else:
                out.append(("p", item))
    out += [("break", None), ("h1", parts[3])]
    out += [("p", f"{i}.{term}：{definition}") for i, (term, definition) in enumerate(GLOSSARY, 1)]
    return out


def _word_table(document, grid: list[list[str]]) -> None:
    ncols = len(grid[0])
    table = document.add_table(rows=len(grid), cols=ncols)
    table.style = "Table Grid"
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text not in (">", "^"):
                table.cell(r, c).text = text
    for r, row in enumerate(grid):  # merged after the texts are in: a merge keeps the text of the cell it starts from
        c = 0
        while c < ncols:
            end = c
            while end + 1 < ncols and row[end + 1] == ">":
                end += 1
            if end > c:
                table.cell(r, c).merge(table.cell(r, end))
            c = end + 1
        for c, text in enumerate(row):
            if text == "^":
                top = r
                while grid[top][c] == "^":
                    top -= 1
                table.cell(top, c).merge(table.cell(r, c))


def write_docx(path: Path) -> Path:
    document = docx.Document()
    for kind, value in _blocks():
        if kind == "break":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "table":
            _word_table(document, TABLES[value][1])
        elif kind in ("h1", "h2", "h3"):
            document.add_heading(value, level=int(kind[1]))
        else:
            document.add_paragraph(value)
    document.save(str(path))
    return path


def write_text(path: Path) -> Path:
    """The same report as a text export: the same lines, a form feed between pages, no table bodies."""
    pages: list[list[str]] = [[]]
    for kind, value in _blocks():
        if kind == "break":
            pages.append([])
        elif kind != "table":
            pages[-1].append(value)
    path.write_text("\f".join("".join(f"{line}\n" for line in page) for page in pages), encoding="utf-8")
    return path


# ---- the imports -------------------------------------------------------------------------------------------------
def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("import-shanghai-final")
    return {"docx": run(write_docx(tmp / "report.docx"), tmp / "docx"),
            "text": run(write_text(tmp / "report.txt"), tmp / "text")}


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _sections(folder: Path) -> list[dict]:
    return _rows(folder / "data" / "narrative.csv")


def test_the_built_tables_add_up():
    """The oracle the assertions below rest on: the tables' totals as a person adds them up from SPEND."""
    assert [BY_SOURCE[s] for s in ("gpb", "gov_fund", "soe", "business", "other")] == \
        [D("2400.40"), D("25.00"), D("12.50"), D("150.00"), D("15.00")]
    assert _rollup(SPENDING)[0][2] == {"total": D("2602.90"), "basic": D("2094.10"), "project": D("508.80")}
    assert _rollup(INCOME)[0][2]["total"] == D("2607.90")
    assert _rollup(GPB)[0][2] == {"total": D("2400.40"), "basic": D("1944.10"), "project": D("456.30")}
    personnel = sum(D(a) for c, _, a in PERSONNEL if len(c) == 3)
    public = sum(D(a) for c, _, a in PUBLIC if len(c) == 3)
    assert (personnel, public, personnel + public) == (D("1624.10"), D("320.00"), D("1944.10"))
    for rows in (PERSONNEL, PUBLIC):
        for code, _, amount in rows:
            if len(code) == 3:
                assert sum(D(a) for c, _, a in rows if len(c) == 5 and c.startswith(code)) == D(amount)


def test_docx_is_read_as_a_shanghai_district_dept_final(drafts):
    report = _descriptor(drafts["docx"])["report"]
    assert report["format"] == FORMAT
    assert (report["unit"], report["year"], report["kind"]) == (UNIT, 2023, "部门决算")
    assert _descriptor(drafts["text"])["report"]["format"] == FORMAT  # the titles and phrases, without the tables


def test_docx_nine_tables_with_their_rows_and_cells(drafts):
    folder = drafts["docx"]
    tables = sorted((r for r in _descriptor(folder)["resources"] if "table_number" in r), key=lambda r: r["table_number"])
    assert [(r["table_number"], r["table_title"]) for r in tables] == [
        (1, "收入支出决算总表"), (2, "收入决算表"), (3, "支出决算表"), (4, "财政拨款收入支出决算总表"),
        (5, "一般公共预算财政拨款支出决算表"), (6, "一般公共预算财政拨款基本支出决算表"),
        (7, "政府性基金预算财政拨款收入支出决算表"), (8, "国有资本经营预算财政拨款支出决算表"), (9, "财政拨款“三公”经费支出决算表")]
    rows = {r["name"].split("_")[0]: _rows(folder / r["path"]) for r in tables}
    assert {alias: len(r) for alias, r in rows.items()} == ROWS

    def cell(alias, field, **where):
        found = [r[field] for r in rows[alias] if all(r.get(k) == v for k, v in where.items())]
        assert len(found) == 1, (alias, where, found)
        return found[0]

    assert cell("t01", "amount", side="收入", item="本年收入合计") == "2607.90"
    assert cell("t01", "amount", side="支出", item="年末结转和结余") == "5.00"
    assert cell("t01", "amount", side="收入", item="一般公共预算财政拨款收入") == "2400.40"
    assert cell("t01", "amount", side="收入", item="上级补助收入") == ""  # blank: not disclosed, never 0
    assert cell("t02", "business", code="2010350") == "150.00"
    assert cell("t02", "total", level="合计") == "2607.90"
    assert cell("t03", "project", code="201") == "471.30"
    assert (cell("t03", "name", code="2010399"), cell("t03", "level", code="2010399")) == ("其他政府办公厅（室）及相关机构事务支出", "项")
    assert cell("t04", "soe", side="支出", item="本年支出合计") == "12.50"
    assert cell("t04", "total", side="收入", item="总计") == "2437.90"
    assert cell("t05", "basic", level="合计") == "1944.10"
    assert cell("t05", "total", code="221") == "118.98"
    assert cell("t06", "amount", panel="人员经费", name="人员经费合计") == "1624.10"
    assert cell("t06", "amount", panel="公用经费", code="30217") == "1.20"
    assert cell("t07", "expend_project", code="2296002") == "25.00"
    assert cell("t08", "total", code="2230105") == "12.50"
    assert [(r["item"], r["budget"], r["actual"]) for r in rows["t09"]] == [
        ("合计", "15.00", "11.00"), ("因公出国（境）费", "0.00", "0.00"), ("公务用车购置及运行费", "12.00", "9.80"),
        ("其中：公务用车购置费", "0.00", "0.00"), ("其中：公务用车运行费", "12.00", "9.80"), ("公务接待费", "3.00", "1.20")]


def test_docx_parts_and_the_eleven_sections_of_the_explanation(drafts):
    sections = _sections(drafts["docx"])
    parts = [(s["id"], s["number"], s["title"]) for s in sections if s["level"] == "1"]
    assert parts == [("p1", "第一部分", "部门概况"), ("p2", "第二部分", "2023年度部门决算表"),
                     ("p3", "第三部分", "2023年度部门决算情况说明"), ("p4", "第四部分", "名词解释")]
    assert [(s["number"], s["title"]) for s in sections if s["parent"] == "p1"] == [("一、", "主要职能"), ("二、", "机构设置")]
    explained = [s for s in sections if s["parent"] == "p3"]
    assert [(s["id"], s["number"], s["title"]) for s in explained] == [
        (f"p3-s{i}", number, title) for i, (number, title, _) in enumerate(SECTIONS, 1)]
    assert [(s["number"], s["title"]) for s in sections if s["parent"] == "p3-s11"] == [
        ("（一）", "机关运行经费支出情况"), ("（二）", "政府采购支出情况"), ("（三）", "国有资产占有使用情况")]
    assert [s["number"] for s in sections if s["parent"] == "p3-s5"] == ["（一）", "（二）", "（三）"]
    text = {s["id"]: s["text"] for s in sections}
    assert "[[" in text["p3-s1"] and "收、支总计均为" in text["p3-s1"]
    assert "本部门内设办公室" in text["p1-s2"]
    assert text["p2"] == ""  # the tables part holds no text: its lines are the tables'


def test_docx_glossary_terms(drafts):
    glossary = _rows(drafts["docx"] / "data" / "glossary.csv")
    assert [(g["id"], g["term"], g["definition"]) for g in glossary] == [
        (f"g{i:02d}", term, definition) for i, (term, definition) in enumerate(GLOSSARY, 1)]


def test_docx_no_annex_and_no_performance_pages(drafts):
    folder = drafts["docx"]
    names = {r["name"] for r in _descriptor(folder)["resources"]}
    assert not names & {"performance_projects", "performance_indicators", "self_assessment"}
    assert not [s for s in _sections(folder) if "附件" in s["number"] + s["title"] or re.search(r"-a\d+$", s["id"])]
    from juesuan.data.loader import load
    from juesuan.site.pages import pages

    kinds = [s.kind for s in pages(load(folder))]
    assert "performance" not in kinds and "other_part" not in kinds
    assert (kinds.count("part"), kinds.count("section"), kinds.count("glossary"), kinds.count("table")) == (1, 11, 1, 9)


def test_docx_findings_are_the_two_slips_marked_to_confirm(drafts):
    folder = drafts["docx"]
    findings = _rows(folder / "data" / "findings.csv")
    assert [f["kind"] for f in findings] == ["待核实", "待核实"]
    slip = next(f for f in findings if "住房保障支出" in f["title"])
    assert slip["description"].startswith("正文写118.89万元，")
    assert "118.98" in slip["description"] and "住房保障支出（类）118.89万元" in slip["quote"]
    change = next(f for f in findings if f["title"] == "变动百分比与所写金额不符")
    assert change["description"] == "由12.60万元到11.00万元是减少12.70%，正文写增加12.70%。导入程序不作更正，待人工核实。"
    relations = _rows(folder / "data" / "relations.csv")
    table_text = [r for r in relations if r["id"].startswith("text-table-")]
    assert len(table_text) >= 20  # the narrative's amounts of table rows, each checked against its cell
    assert [r["finding"] for r in table_text if r["finding"]] == [slip["id"]]
    # 一般公共服务支出（类）2120.30万元 in 三、 is the 支出决算表's row, though the 收入决算表 prints a row of that name first
    assert any(r["title"] == "正文所写“一般公共服务支出”的金额等于支出决算表中的数" for r in table_text)
    # the four "由/比 A万元 … 增加P%" sentences; "比2022年度增加84.10万元，增长4.52%" states a change, not two years' amounts
    changes = [r for r in relations if r["id"].startswith("change-")]
    assert len(changes) == 4 and [r["finding"] for r in changes if r["finding"]] == [change["id"]]
    assert not [r for r in relations if r["id"].startswith("share-") and r["finding"]]  # every 占P% holds


def test_docx_draft_validates(drafts):
    assert validate([drafts["docx"]]) == []


def test_docx_draft_holds_no_control_characters(drafts):
    """A DOCX row's cells are joined by tabs in the source text; no tab reaches a cell (a figure's sentence is its
    cell, a finding quotes a row cell by cell)."""
    bad = [(path.name, n, k) for path in sorted((drafts["docx"] / "data").glob("*.csv"))
           for n, row in enumerate(_rows(path), 2) for k, v in row.items() if any(ord(ch) < 32 and ch != "\n" for ch in v or "")]
    assert bad == []
    slip = next(f for f in _rows(drafts["docx"] / "data" / "findings.csv") if "住房保障支出" in f["title"])
    assert slip["quote"].startswith("221 ｜ 住房保障支出 ｜ 118.98 ｜ 118.98 ｜ ")


def test_text_reads_the_same_narrative_and_glossary_without_tables(drafts):
    """A text export has the same parts, sections and terms; it has no tables, so only the percent slip is found."""
    strip = lambda rows: [(s["id"], s["number"], s["title"]) for s in rows]  # noqa: E731
    assert strip(_sections(drafts["text"])) == strip(_sections(drafts["docx"]))
    terms = lambda folder: [(g["term"], g["definition"]) for g in _rows(folder / "data" / "glossary.csv")]  # noqa: E731
    assert terms(drafts["text"]) == terms(drafts["docx"])
    assert not [r for r in _descriptor(drafts["text"])["resources"] if "table_number" in r]
    assert [f["title"] for f in _rows(drafts["text"] / "data" / "findings.csv")] == ["变动百分比与所写金额不符"]
    assert any(r["what"] == "附表数值" for r in _rows(drafts["text"] / "data" / "review.csv"))
    assert validate([drafts["text"]]) == []


@pytest.mark.slow
def test_site_renders_the_report_completely_next_to_the_real_package(tmp_path, drafts):
    """The draft built next to the real package: its home, overview, eleven sections, glossary and nine tables; no 附件."""
    folder = drafts["docx"]
    packages = tmp_path / "packages"
    shutil.copytree(ROOT / "datapackage" / SLUG, packages / SLUG)
    shutil.copytree(folder, packages / folder.name)
    out = build_or_fail(tmp_path / "site", DATAPACKAGE_DIR=str(packages), CHART_CACHE=str(tmp_path / "cache"))
    home = out / folder.name
    expected = ([home / "index.html", home / "overview" / "index.html", home / "glossary" / "index.html"]
                + [home / "tables" / f"{n:02d}" / "index.html" for n in range(1, 10)]
                + [home / "explanation" / f"{i:02d}" / "index.html" for i in range(1, 12)])
    assert [p.relative_to(out).as_posix() for p in expected if not p.is_file()] == []
    assert not (home / "performance").exists() and not (home / "parts").exists()
    pages = sorted(home.rglob("*.html"))
    assert [p.relative_to(out).as_posix() for p in pages if "附件" in p.read_text(encoding="utf-8")] == []
    index = (home / "index.html").read_text(encoding="utf-8")
    for number, title, _ in SECTIONS:
        assert f"{number}{title}".replace("“", "&ldquo;") in index or f"{number}{title}" in index
    glossary = (home / "glossary" / "index.html").read_text(encoding="utf-8")
    assert all(term in glossary for term, _ in GLOSSARY[:7])
    assert "第四部分第1条" in glossary  # the glossary's own part, not another format's
    table = (home / "tables" / "09" / "index.html").read_text(encoding="utf-8")
    assert "公务接待费" in table and "9.80" in table
    checks = (home / "checks" / "index.html").read_text(encoding="utf-8")
    assert "118.89万元" in checks and "正文写增加12.70%" in checks  # both slips published as findings
