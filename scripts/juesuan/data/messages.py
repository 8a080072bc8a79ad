"""Problem code and particulars → the message a finance clerk reads: Chinese (what is wrong, what to do) first, English after.

One row per code of problems.CODES (a code with several cases has one row per case, "code|case"):
`what` says in general what is wrong (used when a problem was made with English text only),
`zh` and `en` are the particular message, `todo` what to do. Templates take the particulars by
name; every value is shown on one line, without control characters, shortened when long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Msg:
    what: str  # Chinese, no particulars
    zh: str  # Chinese template: what is wrong here
    todo: str  # Chinese template: what to do
    en: str  # English template: the same for a reader of English (and the tests' older assertions)


FIX_ENCODING = "请用 UTF-8（不带 BOM）编码另存此文件（Excel：另存为 “CSV UTF-8”；记事本：编码选 UTF-8）"
MESSAGES: dict[str, Msg] = {
    # ---- reading the package
    "no-packages": Msg("没有数据包", "{root} 下没有数据包文件夹（含 datapackage.json 的文件夹）",
                       "请把数据包文件夹放到这里", "no package folder with a datapackage.json under {root}"),
    "changed-while-building": Msg("文件在构建过程中被改动", "此文件在校验之后、构建读取之前被改动，读到的内容未经校验",
                                  "改完所有文件后重新构建（make build）", "changed after it was validated, during the build; build again"),
    "no-descriptor": Msg("缺少 datapackage.json", "此文件夹中没有 datapackage.json",
                         "请放入数据包的描述文件 datapackage.json，或移走这个文件夹", "no datapackage.json in this folder"),
    "descriptor-unreadable|json": Msg("datapackage.json 无法读取", "不是有效的 JSON：第 {col} 列附近{reason}",
                                      "请改正此处的 JSON 写法", "not valid JSON: {msg} (column {col}); fix the JSON syntax"),
    "descriptor-unreadable|not-object": Msg("datapackage.json 无法读取", "整个文件须是一个 JSON 对象 {{…}}",
                                            "请用 {{ 开头、}} 结尾", "the descriptor must be a JSON object {{…}}"),
    "descriptor-unreadable": Msg("datapackage.json 无法读取", "数据包描述无法读取：{reason}",
                                 "请按 Frictionless 数据包规范改正 datapackage.json", "cannot read descriptor: {detail}"),
    "not-utf8": Msg("文件不是 UTF-8 编码", "文件不是 UTF-8 编码（本行有字节 0x{byte}，常见于 GBK 编码）", FIX_ENCODING,
                    "the file is not UTF-8 (byte 0x{byte}); save it as UTF-8 without BOM"),
    "byte-order-mark": Msg("文件开头有 BOM", "文件开头有字节顺序标记（BOM）", FIX_ENCODING,
                           "the file starts with a byte-order mark; save it as UTF-8 without BOM"),
    "symlink-in-package": Msg("数据包中有符号链接", "这是一个符号链接（指向 {target}），不是文件本身",
                              "请把真正的文件复制到这里，再删除这个链接",
                              "is a symbolic link (to {target}); a package holds its files themselves: put the file here instead of the link"),
    "special-file-in-package": Msg("数据包中有特殊文件", "这不是普通文件（是管道、套接字或设备）", "请删除它",
                                   "is not a regular file (a FIFO, socket or device); remove it"),
    "descriptor-duplicate-key": Msg("datapackage.json 中有重复的键", "键 \"{key}\" 在同一个对象中出现了两次（第一次在第 {first} 行）",
                                    "请只保留一个", "the key {key!r} is given twice in the same object (first on line {first}); keep one"),
    "unsafe-path|url": Msg("路径不安全", "\"{path}\" 是网址（或盘符），资源必须是本文件夹中的文件",
                           "请把文件放进数据包文件夹，path 写相对路径，如 data/table.csv",
                           "{path!r} is a web address (or a drive): a resource must be a file in this folder"),
    "unsafe-path|none": Msg("路径不安全", "缺少指向本文件夹中一个文件的 path（内嵌数据和多文件路径不能发布）",
                            "请写 path，如 data/table.csv",
                            "needs a 'path' naming one file in this folder (inline data and multi-part paths are not published)"),
    "unsafe-path|backslash": Msg("路径不安全", "\"{path}\" 用了反斜杠 \\", "文件夹之间请用 / 分隔，如 data/table.csv",
                                 "{path!r}: write paths with / between folders"),
    "unsafe-path|outside": Msg("路径不安全", "\"{path}\" 指向数据包文件夹之外", "请写本文件夹内的路径，如 data/table.csv",
                               "{path!r} leaves the package folder: give a path inside it, such as data/table.csv"),
    "source-file-missing": Msg("来源文件不存在", "\"{path}\" 不在数据包文件夹中", "请放入该文件，或改正 path",
                               "{path!r} is not in the package folder: add the file, or correct the path"),
    "control-character": Msg("含不可见控制字符", "含不可见控制字符 {char}{within}", "请删除它（文字中只允许换行，不允许其他控制字符）",
                             "control character {char_en} in the {where}{within_en}; remove it"),
    "number-not-canonical|fix": Msg("数值写法不规范", "数值须为规范写法（ASCII 数字、可选 - 和 .），现为 \"{cell}\"", "请改为 {fix}",
                                    "{cell!r} is not a plain {kind}: write ASCII digits, an optional leading '-'{decimals} "
                                    "(no spaces, '+', exponent, leading zeros or full-width digits)"),
    "number-not-canonical": Msg("数值写法不规范", "数值须为规范写法（ASCII 数字、可选 - 和 .），现为 \"{cell}\"",
                                "请只写 ASCII 数字，可带开头的 - 和小数点 .，不加空格、+、千分位逗号或全角数字",
                                "{cell!r} is not a plain {kind}: write ASCII digits, an optional leading '-'{decimals} "
                                "(no spaces, '+', exponent, leading zeros or full-width digits)"),
    "unclosed-quote": Msg("引号没有配对", "单元格以英文双引号 \" 开头，但引号没有闭合（一直读到{until}）",
                          "请删除这个多余的 \"，或在单元格末尾补上 \"（单元格中的 \" 要写成 \"\"）",
                          "a double quote opens this cell and is never closed (it runs to {until_en}); remove the stray quote "
                          "or close it (a quote inside a cell is written twice)"),
    "field-type-unsupported": Msg("字段类型不受支持", "资源 {resource} 的字段 {name} 类型为 {type}，不受支持",
                                  "请改为以下类型之一：{allowed}",
                                  "resource {resource}: field {name} has type {type_en}; the types are {allowed}"),
    # ---- the report block of the descriptor
    "meta-missing": Msg("缺少 report 块", "datapackage.json 缺少 report 块", "请添加 report（unit、unit_id、year、kind 等）",
                        "the descriptor needs a 'report' block (unit, unit_id, year, kind, …)"),
    "meta-field": Msg("report 块的字段有误", "须为{type_zh}", "请填写{type_zh}", "needs a {type} value"),
    "meta-field|optional": Msg("report 块的字段有误", "须为{type_zh}", "请填写{type_zh}，或删去此项", "needs a {type} value, or leave it out"),
    "meta-unit-id": Msg("unit_id 写法不对", "unit_id 是网址的一部分，现为 \"{value}\"", "请只用小写字母、数字和连字符 -",
                        "use lower-case letters, digits and hyphens (it is a URL segment)"),
    "meta-year": Msg("年度不合理", "{year} 不是合理的报告年度", "请填写四位数年份，如 2021", "{year} is not a plausible report year"),
    "folder-name": Msg("文件夹名写法不对", "文件夹名就是报告的网址，现为 \"{name}\"", "请只用小写字母、数字和连字符 -",
                       "the folder name is the report's URL: use lower-case letters, digits and hyphens"),
    "unknown-format": Msg("报告格式不存在", "没有名为 \"{format}\" 的报告格式", "请改为以下之一：{formats}（formats/ 中的文件）",
                          "no format {format!r}; the formats are: {formats} (files in formats/)"),
    # ---- figures against the source text and formulas (figures.csv)
    "stated-has-formula": Msg("原文数字带有公式", "指标 {fid} 是原文数字（stated），却填了公式", "请清空 formula，或把 status 改为 derived",
                              "figure {fid}: a stated figure has no formula; mark it derived or clear the formula"),
    "stated-unlocated": Msg("原文数字缺少出处", "指标 {fid} 缺少出处（line、offset、literal、sentence）",
                            "请填写它在原文中的行号、位置、原文写法和所在句子",
                            "figure {fid}: a stated figure needs line, offset, literal and sentence pointing to the source text"),
    "line-past-end": Msg("行号超出原文", "指标 {fid} 的行号 {line} 超出了原文（共 {count} 行）", "请改正行号",
                         "figure {fid}: line {line} is past the end of the source text ({count} lines)"),
    "literal-mismatch": Msg("原文写法对不上", "指标 {fid}：原文第 {line} 行位置 {offset} 处是 \"{at}\"，不是 \"{literal}\"",
                            "请改正 literal 或 offset，使之与原文一致",
                            "figure {fid}: source line {line} has {at!r} at offset {offset}, not {literal!r}"),
    "sentence-not-on-line": Msg("句子不在该行", "指标 {fid} 引用的句子不在原文第 {line} 行", "请照原文逐字改正 sentence 或 line",
                                "figure {fid}: the sentence is not on source line {line}"),
    "number-outside-sentence": Msg("数字不在所引句子中", "指标 {fid} 的数字不在所引句子之内", "请改正 sentence 或 offset",
                                   "figure {fid}: the number is not inside the quoted sentence"),
    "literal-unreadable": Msg("原文写法中没有数字", "指标 {fid} 的原文写法读不出数字：{detail}", "请改正 literal",
                              "figure {fid}: {detail}"),
    "value-differs-from-source": Msg("数值与原文不符", "指标 {fid} 的数值 {value} 与原文 \"{literal}\" 不符",
                                     "请按原文改正 value", "figure {fid}: value {value} differs from the source, which says {literal!r}"),
    "unit-not-as-written": Msg("单位与原文写法不符", "指标 {fid} 的单位 \"{unit}\" 不是原文 \"{literal}\" 的写法",
                               "请按原文改正 unit；若单位写在表头，请在 unit_line 填表头所在行",
                               "figure {fid}: unit {unit!r} is not how the source writes it ({literal!r}); "
                               "if a table header states it, give that line in unit_line"),
    "unit-not-as-written|line": Msg("单位与原文写法不符", "指标 {fid} 的单位 \"{unit}\" 不在原文第 {line} 行", "请改正 unit_line 或 unit",
                                    "figure {fid}: unit {unit!r} is not written on source line {line}"),
    "qualifier-not-as-written": Msg("限定词与原文不符", "指标 {fid}：原文在 \"{literal}\" 旁写的是 \"{written}\"，登记表中为 \"{given}\"",
                                    "请按原文改正 qualifier", "figure {fid}: the source writes {written_en!r} with {literal!r}, "
                                    "the register has {given_en!r}"),
    "heading-number-not-as-written": Msg("标题编号与原文不符", "第 {sid} 节：原文第 {line} 行开头是 \"{heading}\"，不是 \"{written}\"",
                                         "请在 number_written 中填写原文的编号写法",
                                         "section {sid}: source line {line} begins {heading!r}, not {written!r}; "
                                         "give the report's spelling in number_written"),
    "derived-no-formula": Msg("计算数字缺少公式", "指标 {fid} 是计算得出的（derived），却没有公式", "请填写 formula",
                              "figure {fid}: a derived figure needs the formula it is computed by"),
    "derived-located": Msg("计算数字不应有出处", "指标 {fid} 是计算得出的（derived），却指向原文句子",
                           "请清空 line、offset、literal、sentence（它由公式计算）",
                           "figure {fid}: a derived figure does not point to a sentence; it carries a formula"),
    "formula-invalid": Msg("公式无法计算", "指标 {fid} 的公式无法计算：{detail}", "请只用指标编号、数字和 + - * / ( ) 写公式",
                           "figure {fid}: {detail}"),
    "derived-value-mismatch": Msg("计算结果不符", "指标 {fid} 的数值为 {value}，但公式 {formula} 算得 {computed}",
                                  "请改正 value 或 formula", "figure {fid}: value {value} but its formula {formula} gives {computed}"),
    "derived-value-mismatch|decimals": Msg("计算结果的小数位不符", "指标 {fid} 的数值写作 {value}，公式 {formula} 算得 {computed}",
                                           "请按公式的小数位填写；若原文有意取整，请把 qualifier 标为 约",
                                           "figure {fid}: value {value} but its formula {formula} gives {computed}; write it with the "
                                           "formula's decimals, or mark it 约 if it is rounded on purpose"),
    "unknown-reference": Msg("引用的指标不存在", "引用 [[{fid}]] 在 figures.csv 中找不到", "请改正引用的指标编号，或在 figures.csv 中登记它",
                             "reference [[{fid}]] names no figure in figures.csv"),
    # ---- table cells, provenance and views
    "cell-empty-with-provenance": Msg("空单元格有出处", "单元格为空，但 provenance.csv 把它指向 {fid}", "请填上数值，或删除 provenance.csv 中这一条",
                                      "cell is empty but provenance.csv points it to {fid}"),
    "cell-without-provenance": Msg("数值没有出处", "数值 {value} 在 provenance.csv 中没有出处", "请在 provenance.csv 中为它登记对应的指标",
                                   "value {value} has no entry in provenance.csv; every value must point to a figure"),
    "provenance-unknown-figure": Msg("出处指向不存在的指标", "出处指向 {fid}，但 figures.csv 中没有它", "请改正 provenance.csv 中的指标编号",
                                     "provenance points to {fid}, which is not in figures.csv"),
    "cell-differs-from-figure": Msg("单元格与指标不符", "数值 {value} 与指标 {fid} = {expected} 不符", "请按原文核对，改正单元格或指标",
                                    "value {value} differs from figure {fid} = {expected}"),
    "provenance-no-cell": Msg("出处指向不存在的单元格", "{resource} 第 {record} 条记录没有数值字段 {name}", "请改正 provenance.csv 中的 resource、row 或 field",
                              "no numeric cell {resource} row {record} field {name!r}"),
    "view-differs-from-figure": Msg("与指标不符", "数值 {value} 与指标 {fid} = {expected} 不符", "请按指标改正此行",
                                    "value {value} differs from figure {fid} = {expected}"),
    "view-differs-from-figure|qualifier": Msg("与指标不符", "限定词 \"{given}\" 与指标 {fid} 的 \"{expected}\" 不符", "请按指标改正此行",
                                              "qualifier {given_en!r} differs from figure {fid}'s {expected_en!r}"),
    # ---- classification codes (codes.csv)
    "code-length-level": Msg("科目编码位数与级次不符", "科目编码 {code} 有 {digits} 位，不是{level}", "类 3 位、款 5 位、项 7 位：请改正编码或级次",
                             "code {code} has {digits} digits, so it is not a {level}"),
    "code-parent-prefix": Msg("科目编码与上级不符", "科目编码 {code} 不以上级编码 {parent} 开头", "请改正编码或上级编码",
                              "code {code} does not start with its parent {parent}"),
    "code-missing-parent": Msg("科目缺少上级", "科目编码 {code} 是{level}，须填写上级编码", "请在 parent 中填写它的上级编码",
                               "code {code} is a {level} and needs its parent"),
    "code-level-mismatch": Msg("级次与科目表不符", "科目编码 {code} 在 codes.csv 中是{listed}，这里写作{level}", "请改正级次",
                               "code {code} is a {listed} in codes.csv, not a {level}"),
    "code-unexplained": Msg("科目编码无说明", "报告写了科目编码 {code}，它既不在 codes.csv 中，也没有被哪条发现引用",
                            "请把它加入 codes.csv，或在 findings.csv 中记录这一问题",
                            "the report writes code {code}, which is neither in codes.csv nor quoted by a finding"),
    # ---- findings and relations
    "finding-line-past-end": Msg("发现的行号超出原文", "发现 {id} 的行号超出了原文", "请改正 lines",
                                 "{id}: a line is past the end of the source"),
    "finding-quote-not-found": Msg("引文不在原文中", "发现 {id} 的引文 \"{quote}…\" 不在原文第 {lines} 行", "请照原文逐字改正 quote 或 lines",
                                   "{id}: quote {quote!r}… is not on source lines {lines}"),
    "relation-invalid": Msg("关系无法计算", "关系 {id} 的公式无法计算：{detail}", "请改正公式（只用指标编号、数字和 + - * / ( )）",
                            "relation {id}: {detail}"),
    "relation-rounding": Msg("取整规则不适用", "关系 {id} 用 published 取整，右边须只有一个指标", "请改为 exact，或右边只写一个指标",
                             "relation {id}: 'published' rounding needs a single figure on the right"),
    "relation-fails-unrecorded": Msg("数字之间不一致", "关系 {id} 不成立：{left} 算得 {computed}，{right} 为 {expected}",
                                     "请改正数据；若原文确实如此，请在 findings.csv 中记录，并在 finding 中填写其编号",
                                     "relation {id} fails: {left} gives {computed}, {right} is {expected}; "
                                     "fix the data, or record the contradiction in findings.csv and name it in 'finding'"),
    "stale-finding": Msg("过时的发现", "关系 {id} 已经成立，却仍指向发现 {finding}", "请删去这个过时的发现编号",
                         "relation {id} holds, but it names finding {finding}; remove the stale finding"),
    "stale-finding|table": Msg("过时的发现", "表格核对 {id} 已经成立，发现 {finding} 却记录它不成立", "请删去这个过时的发现",
                               "table check {id} holds, but finding {finding} records it as failing; remove the stale finding"),
    # ---- tables
    "total-mismatch": Msg("合计与各项之和不符", "{title}：各项相加为 {computed}，本单元格为 {expected}",
                          "请按原文核对各项与合计，改正写错的数字", "{title}: parts add up to {computed}, the cell says {expected}"),
    "table-row-missing|renamed": Msg("缺少标准行", "表中没有标准行 \"{label}\"（格式 {format} 的核对 {check} 需要它），本行写作 \"{written}\"",
                                     "若这就是那一行，请把 {name} 改回 \"{label}\"；否则请按格式补上这一行",
                                     "table check {check} of format {format}: no standard row {label!r}; this row reads {written!r}"),
    "table-row-missing": Msg("缺少标准行", "表中没有标准行 \"{label}\"（格式 {format} 的核对 {check} 需要它）", "请按格式补上这一行",
                             "table check {check} of format {format}: the package has no row {label!r}; the table lacks a standard row"),
    # ---- what the site needs
    "chart-needs-missing": Msg("图表所需数据缺失", "图表需要的指标或资源在数据包中没有", "请补上该指标或资源，或去掉这张图表的声明",
                               "a chart needs a figure or resource the package lacks"),
    "headline-needs-missing": Msg("首页指标不存在", "site.headline 中的指标 \"{fid}\" 不在 figures.csv 中", "请在 figures.csv 中登记它，或从 site.headline 中删去",
                                  "headline figure {fid!r} is not in figures.csv; add it to the register or remove it from site.headline"),
    "note-invalid": Msg("说明注释有误", "site.notes 中的说明注释写法有误，或引用了 figures.csv 中没有的指标",
                        "请按括号中的说明改正 site.notes", "a context note (descriptor site.notes) is malformed or names a figure "
                        "the register lacks"),
    "package-lacks|resource": Msg("数据包缺少所需内容", "resources 中没有资源 {name}（核对和网站页面都要读它）",
                                  "请登记这个资源和它的 CSV 文件（可参照已有的数据包）", "the package lacks a resource named {name!r}"),
    "package-lacks": Msg("数据包缺少所需内容", "数据包缺少所需内容：{what}", "请补上它，再运行 make validate 查看其余问题",
                         "the package lacks {what}"),
}

# What a stopped build says around its problem lines (site/build.py, hooks/reports.py).
LACKS_HEADING = "网站需要的内容数据包中没有，网站没有生成： [The site needs something the package lacks; nothing was built:]"
RUN_VALIDATE = "请运行 make validate 查看全部问题。 [Run `make validate` for every problem.]"


def problems_heading(count: int) -> str:
    """The number of problems → the first line a stopped build prints."""
    return f"数据包有 {count} 个问题，网站没有生成： [The data packages have {count} problem(s); nothing was built:]"


FIX_AND_VALIDATE = "请逐条改正，再运行 make validate 核对。 [Fix them and run `make validate`.]"

# A JSON syntax error (json.JSONDecodeError.msg, before " at …") → what it means.
JSON_ZH = {"Expecting ',' delimiter": "缺少逗号 ,", "Expecting ':' delimiter": "缺少冒号 :", "Expecting value": "缺少值",
           "Expecting property name enclosed in double quotes": "键名须用英文双引号括起（或多了一个逗号）",
           "Extra data": "JSON 结束后还有多余内容", "Unterminated string starting": "字符串缺少结束的双引号",
           "Invalid control character": "字符串中有控制字符", "Invalid \\escape": "无效的反斜杠转义",
           "Invalid \\uXXXX escape": "无效的 \\u 转义"}
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
LONG = 40
# Particulars that quote the package's text (a cell, a literal, a heading): shortened to LONG characters.
QUOTED = {"cell", "at", "literal", "quote", "heading", "written", "given", "label", "value", "fix"}


def one_line(text: str) -> str:
    """Text → the same on one line, each control character (line breaks too) written as \\xNN: a terminal shows it, never obeys it."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def shown(value) -> str:
    """A value from a package → as a message quotes it: one line, at most 40 characters."""
    text = one_line(str(value))
    return text if len(text) <= LONG else text[:LONG] + "…"


def entry(code: str, case: str | None = None) -> Msg:
    """A code (and case) → its row of the table; KeyError names a code without one."""
    return MESSAGES[f"{code}|{case}" if case else code]


def render(code: str, case: str | None, params: dict) -> tuple[str, str]:
    """A code, its case and particulars → (Chinese: what is wrong；what to do。, English)."""
    msg = entry(code, case)
    safe = {k: (shown(v) if k in QUOTED else one_line(v)) if isinstance(v, str) else v for k, v in params.items()}
    zh, todo = msg.zh.format(**safe), msg.todo.format(**safe)
    return f"{zh}；{todo}。", msg.en.format(**safe)


def general(code: str) -> str:
    """A code → its Chinese in general, for a problem made with English particulars only."""
    msg = MESSAGES.get(code) or next((m for key, m in MESSAGES.items() if key.startswith(f"{code}|")), None)
    if msg is None:
        from juesuan.data.frictionless_errors import general as theirs

        return theirs(code)
    todo = msg.todo if "{" not in msg.todo else "请按括号中的说明修改"
    return f"{msg.what}；{todo}。"
