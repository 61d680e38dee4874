"""Streamed converter text (pdftotext -raw rows, one cell per line): fixture tests of the
rules in pipeline/layout/text_stream.py. Each test asserts what its small text says."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.run import extract_document
from schemas.tables import ColumnKey


def _tables(tmp_path: Path, text: str):
    p = tmp_path / "doc.txt"
    p.write_text(text, encoding="utf-8")
    return extract_document(p)


def _vals(row) -> dict[str, str]:
    return {k.value: str(a.value) for k, a in row.values.items()}


def _errors(d) -> list[str]:
    return [f.message for f in d.flags if f.severity.value == "error"]


HEAD = "某某市测试局\n2024年部门决算\n\n"

CODES_AFTER_AMOUNTS = HEAD + """支出决算表
单位：万元
项目 本年支出合计 基本支出 项目支出
科目编码 科目名称
类 款 项
合计 30.00 20.00 10.00
201 一般公共服务支出 30.00 20.00 10.00
201 06 财政事务 30.00 20.00 10.00
201 06 01 行政运行 20.00 20.00
201 06 08 财政委托业务支出 10.00
10.00
"""


def test_code_parts_after_the_amounts_of_a_row_start_the_next_row(tmp_path: Path) -> None:
    """``201 06 01 行政运行`` after a row's amounts is a new row's code, not two amounts; an
    amount wrapped onto a line of its own stays with its row."""
    d = _tables(tmp_path, CODES_AFTER_AMOUNTS)
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    rows = {r.code or r.name: r for r in t.rows}
    assert set(rows) >= {"201", "20106", "2010601", "2010608"}
    assert _vals(rows["20106"]) == {"total": "30.00", "basic": "20.00", "project": "10.00"}
    assert _vals(rows["2010608"]) == {"total": "10.00", "project": "10.00"}
    assert not _errors(d)


SECOND_CLASS = HEAD.replace("决算", "预算") + """一般公共预算基本支出情况表
单位：万元
科目编码
部门预算支出经济分类科目名称
科目编码
政府预算支出经济分类科目名称
基本支出预算
类 款 类 款 小计 人员支出 日常公用支出
合计 50.00 40.00 10.00
301 工资福利支出 501 机关工资福利支出 40.00 40.00
301 01 基本工资 501 01 工资奖金津补贴 25.00 25.00
301 02 津贴补贴 501 01 工资奖金津补贴 15.00 15.00
302 商品和服务支出 502 机关商品和服务支出 10.00 10.00
302 01 办公费 502 01 办公经费 10.00 10.00
"""


def test_second_classification_and_columns_by_the_total_row(tmp_path: Path) -> None:
    """A row printing 部门 code and name, then 政府 code and name: the first pair is the row,
    the second kept apart. Rows printing two of three amounts (小计 = 人员 + 公用) are put
    in the column that makes the 合计 row the sum of the 类 rows: 301 人员, 302 公用; their
    款 rows in the columns of their 类."""
    d = _tables(tmp_path, SECOND_CLASS)
    t = next(t for t in d.tables if t.kind.value == "basic_expenditure")
    rows = {r.code or r.name: r for r in t.rows}
    assert rows["30101"].name == "基本工资"
    assert rows["30101"].texts.get("code_2") == "50101"
    assert _vals(rows["301"]) == {"total": "40.00", "personnel": "40.00"}
    assert _vals(rows["30102"]) == {"total": "15.00", "personnel": "15.00"}
    assert _vals(rows["302"]) == {"total": "10.00", "public": "10.00"}
    assert _vals(rows["30201"]) == {"total": "10.00", "public": "10.00"}
    assert not _errors(d)


OVER_PAGES = HEAD.replace("决算", "预算") + """公开表3
支出总体情况表
单位：万元
科目编码
科目名称 合计 基本支出 项目支出
类 款 项
合 计 60.00 40.00 20.00
208 社会保障和就业支出 60.00 40.00 20.00
02 民政管理事务 30.00 20.00 10.00
01 行政运行 20.00 20.00
99 其他民政管理事务支出 10.00 10.00
10 社会福利 10.00 10.00
01 儿童福利 10.00 10.00
20 临时救助 20.00 10.00 10.00
— 11—
\f公开表3
支出总体情况表
单位：万元
科目编码
科目名称 合计 基本支出 项目支出
类 款 项
02 流浪乞讨人员救助支出 20.00 10.00 10.00
"""


def test_a_table_over_pages_is_one_table_and_parts_take_their_level(tmp_path: Path) -> None:
    """The title and header printed again on the next page continue the table; a part after
    a 项 is a new 款 once the 项 rows add up to their 款 (10 社会福利 after 99 …), and the
    part at the top of the next page is a 项 of the 款 before the break."""
    d = _tables(tmp_path, OVER_PAGES)
    ts = [t for t in d.tables if t.kind.value == "expenditure_summary"]
    assert len(ts) == 1
    rows = {r.code or r.name: r for r in ts[0].rows}
    assert {"20810", "2081001", "20820", "2082002"} <= set(rows)
    assert rows["2082002"].name == "流浪乞讨人员救助支出"
    assert _vals(rows["2081001"]) == {"total": "10.00", "basic": "10.00"}
    assert _vals(rows["2080299"]) == {"total": "10.00", "project": "10.00"}
    assert not _errors(d)


COMMON_COLUMNS = HEAD + """支出决算表
单位：万元
项目 本年支出合计 基本支出 项目支出 上缴上级支出 经营支出 对附属单位补助支出
科目编码 科目名称
合计 30.00 20.00 10.00
201 一般公共服务支出 30.00 20.00 10.00
201 01 人大事务 30.00 20.00 10.00
201 01 01 行政运行 20.00 20.00
201 01 99 其他人大事务支出 10.00 10.00
"""


def test_open_columns_take_the_commonest_columns(tmp_path: Path) -> None:
    """合计 = the five parts leaves 20.00 and 10.00 open among them: they go to 基本 and 项目,
    not to the seldom filled 上缴上级 / 经营 / 附属 columns."""
    d = _tables(tmp_path, COMMON_COLUMNS)
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    rows = {r.code or r.name: r for r in t.rows}
    assert _vals(rows["201"]) == {"total": "30.00", "basic": "20.00", "project": "10.00"}
    assert _vals(rows["2010101"]) == {"total": "20.00", "basic": "20.00"}


SPACED_HEADER = HEAD.replace("决算", "预算") + """一般公共预算支出情况表
单位：万元
科目编码
科目名称 合 计
基本支出
项目支出
类 款 项 小 计 人员支出 日常公用支出
合 计 30.00 20.00 15.00 5.00 10.00
201 一般公共服务支出 30.00 20.00 15.00 5.00 10.00
01 人大事务 30.00 20.00 15.00 5.00 10.00
01 行政运行 20.00 20.00 15.00 5.00
99 其他人大事务支出 10.00 10.00
"""


def test_spaced_header_words_and_class_labels(tmp_path: Path) -> None:
    """``类 款 项 小 计`` is the labels 类, 款, 项 and 小计 (not 项小计); 合 计 is 合计."""
    d = _tables(tmp_path, SPACED_HEADER)
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    rows = {r.code or r.name: r for r in t.rows}
    assert _vals(rows["2010101"]) == {"total": "20.00", "basic": "20.00", "personnel": "15.00",
                                      "public": "5.00"}
    assert _vals(rows["2010199"]) == {"total": "10.00", "project": "10.00"}
    assert not _errors(d)


def _many_kids() -> str:
    kids = "\n".join(f"302 {k:02d} 费用{k} 10.00 10.00" for k in range(1, 17))
    return HEAD.replace("决算", "预算") + f"""一般公共预算基本支出情况表
单位：万元
经济分类科目编码 经济分类科目名称 合计 人员经费 公用经费
类 款
301 工资福利支出 50.00 50.00
301 01 基本工资 50.00 50.00
302 商品和服务支出 160.00 160.00
{kids}
合计 210.00 50.00 160.00
"""


def test_total_at_the_bottom_decides_classes_and_their_many_items(tmp_path: Path) -> None:
    """合计 printed last is the sum of the 类 rows in every column: 301 is 人员, 302 公用;
    the 16 款 rows under 302 (too many to try every placement together) follow their 类
    column by column."""
    d = _tables(tmp_path, _many_kids())
    t = next(t for t in d.tables if t.kind.value == "basic_expenditure")
    rows = {r.code or r.name: r for r in t.rows}
    assert _vals(rows["301"]) == {"total": "50.00", "personnel": "50.00"}
    assert _vals(rows["30101"]) == {"total": "50.00", "personnel": "50.00"}
    assert _vals(rows["302"]) == {"total": "160.00", "public": "160.00"}
    assert all(_vals(rows[f"302{k:02d}"]) == {"total": "10.00", "public": "10.00"}
               for k in range(1, 17))
    assert not _errors(d)


_ECON_HEAD = ("部门经济科目编码 部门经济科目名称 政府经济科目编码 政府经济科目名称 "
              "合计 人员经费支出 公用经费支出 专项业务经费支出 备注")
HEADER_AGAIN = HEAD.replace("决算", "预算") + f"""一般公共预算支出明细表（按支出经济分类科目）
单位：元
{_ECON_HEAD}

合计 300.00 100.00 150.00 50.00

301 工资福利支出 100.00 100.00

30101 基本工资 50101 工资奖金津补贴 100.00 100.00

302 商品和服务支出 200.00 150.00 50.00

30201 办公费 50201 办公经费 200.00 150.00 50.00

{_ECON_HEAD}

310 资本性支出 0.00 0.00

31002 办公设备购置 50306 设备购置 0.00 0.00
"""


def test_header_printed_again_inside_the_body_and_blank_lines(tmp_path: Path) -> None:
    """A title ending in （按…科目） is a title; a blank line after every line changes
    nothing; the header printed again where a page broke (no form feed) is skipped and the
    rows after it stay in the table."""
    d = _tables(tmp_path, HEADER_AGAIN)
    t = next(t for t in d.tables if any(r.code == "31002" for r in t.rows))
    rows = {r.code or r.name: r for r in t.rows}
    assert {"301", "30101", "302", "30201", "310", "31002"} <= set(rows)
    assert _vals(rows["30201"]) == {"total": "200.00", "public": "150.00", "project": "50.00"}
    assert not _errors(d)


TWO_SIDED = HEAD.replace("决算", "预算") + """财政拨款收支总体情况表
单位：万元
收入 支出
项目 预算 项目 预算
一、一般公共预算 30.00 一、一般公共服务支出 20.00
二、政府性基金预算 0.00 二、外交支出 0.00
三、国防支出 0.00
四、教育支出 10.00
本年收入合计 30.00 本年支出合计 30.00
"""


def test_two_sided_rows_go_to_the_side_their_position_or_numbering_says(tmp_path: Path) -> None:
    """The first of two items on a line is the 收入 side even with no income word in its
    name; an item alone on its line goes to the side whose numbering it continues."""
    d = _tables(tmp_path, TWO_SIDED)
    t = next(t for t in d.tables if t.kind.value == "fiscal_summary")
    sides = {r.name: r.side for r in t.rows}
    assert sides["一、一般公共预算"] == "income"
    assert sides["二、政府性基金预算"] == "income"
    assert sides["三、国防支出"] == "expenditure"
    assert sides["四、教育支出"] == "expenditure"
    assert not _errors(d)


CELLS_FIRST_ROW_CODE = HEAD.replace("决算", "预算") + """支出预算表
单位：万元
科目编码
科目名称
合计
基本支出
项目支出
205
教育支出
30.00
20.00
10.00
20502
普通教育
30.00
20.00
10.00
2050202
小学教育
30.00
20.00
10.00
208
社会保障和就业支出
5.00
5.00
20805
行政事业单位养老支出
5.00
5.00
2080501
行政单位离退休
5.00
5.00
合计
35.00
25.00
10.00
"""


def test_cell_per_line_first_row_keeps_its_code(tmp_path: Path) -> None:
    """One cell per line: the code above the first row's name belongs to that row, not to
    the header; 208's rows go where 合计 = Σ类 puts them (基本)."""
    d = _tables(tmp_path, CELLS_FIRST_ROW_CODE)
    t = next(t for t in d.tables if any(r.code == "205" for r in t.rows))
    rows = {r.code or r.name: r for r in t.rows}
    assert _vals(rows["205"]) == {"total": "30.00", "basic": "20.00", "project": "10.00"}
    assert _vals(rows["2080501"]) == {"total": "5.00", "basic": "5.00"}
    assert not _errors(d)


TITLE_OVER_LABEL = HEAD.replace("决算", "预算") + """收支总体情况表
公开表1
单位：万元
收 入 支 出
项目 预算数 项目 预算数
一、财政拨款收入 30.00 一、一般公共服务支出 20.00
二、事业收入 5.00 二、外交支出
三、教育支出 15.00
四、科学技术支出
本 年 收 入 合 计 35.00 本 年 支 出 合 计 35.00
""" + SPACED_HEADER.removeprefix(HEAD.replace("决算", "预算"))


def test_title_over_its_number_label_and_spaced_words(tmp_path: Path) -> None:
    """A number label printed under its title (收支总体情况表 / 公开表1) keeps the table
    open; 本 年 收 入 合 计 is one name; an ordinal line after a row with amounts starts a
    new row instead of ending that row's name."""
    d = _tables(tmp_path, TITLE_OVER_LABEL)
    t = next(t for t in d.tables if t.kind.value == "income_expenditure_summary")
    rows = {(r.side, r.name): r for r in t.rows}
    amount = {k: str(next(iter(r.values.values())).value) if r.values else None
              for k, r in rows.items()}
    assert amount[("expenditure", "三、教育支出")] == "15.00"
    assert ("expenditure", "四、科学技术支出") in rows
    assert amount[("income", "本年收入合计")] == "35.00"
    assert amount[("expenditure", "本年支出合计")] == "35.00"
    assert not _errors(d)


SIDE_BY_SIDE = HEAD + """一般公共预算财政拨款基本支出决算表
单位：万元
经济分类
科目名称 决算数
经济分类
科目名称 决算数
科目编码 科目编码
301 工资福利支出 30.00 302 商品和服务支出 20.00
301 01 基本工资 10.00 302 01 办公费 20.00
301 02 津贴补贴 20.00
""" + SPACED_HEADER.removeprefix(HEAD.replace("决算", "预算"))


def test_tables_side_by_side_are_left_as_text(tmp_path: Path) -> None:
    """Two tables printed side by side (科目名称 决算数 twice in the header) share their
    printed lines; rather than put the right table's figures in the left one's rows, the
    table is left unread."""
    d = _tables(tmp_path, SIDE_BY_SIDE)
    assert not [t for t in d.tables if t.kind.value == "basic_expenditure" and t.rows]
    assert not _errors(d)


NO_BASIC_SUBTOTAL = HEAD.replace("决算", "预算") + """支出预算总表
单位：万元
功能分类科目名称 总计 人员支出 日常公用支出 项目支出 事业单位经营支出 上缴上级支出 对附属单位补助支出
合计 100.00 60.00 10.00 30.00
一般公共服务支出 30.00 30.00
行政运行 70.00 60.00 10.00
""" + SPACED_HEADER.removeprefix(HEAD.replace("决算", "预算"))


def test_total_counts_personnel_and_public_when_no_basic_column(tmp_path: Path) -> None:
    """合计 = 人员 + 公用 + 项目 (+ the other uses) when 基本支出 has no 小计 column: the
    合计 row's 60 / 10 / 30 go to 人员 / 公用 / 项目, not to the 项目 / 经营 / 上缴 columns."""
    d = _tables(tmp_path, NO_BASIC_SUBTOTAL)
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    rows = {r.code or r.name: r for r in t.rows}
    assert _vals(rows["合计"]) == {"total": "100.00", "personnel": "60.00", "public": "10.00",
                                   "project": "30.00"}
    assert not _errors(d)


FIRST_ITEM_ABOVE = HEAD.replace("决算", "预算") + """收支总体情况表
单位：万元
收入
支出
项目
预算数
项目
预算数
一、财政拨款收入
30.00 一、一般公共服务支出
20.00
二、事业收入
5.00 二、教育支出
15.00
本年收入合计
35.00 本年支出合计
35.00
""" + SPACED_HEADER.removeprefix(HEAD.replace("决算", "预算"))


def test_first_item_above_its_amount_is_no_header(tmp_path: Path) -> None:
    """pymupdf prints the left item alone above a line holding its amount and the right
    item: ``一、财政拨款收入`` is the first row, not a header label, though its words name an
    income column."""
    d = _tables(tmp_path, FIRST_ITEM_ABOVE)
    t = next(t for t in d.tables if t.kind.value == "income_expenditure_summary")
    rows = {(r.side, r.name): r for r in t.rows}
    first = rows[("income", "一、财政拨款收入")]
    assert str(next(iter(first.values.values())).value) == "30.00"
    assert not _errors(d)


def test_code_opening_a_page_is_no_page_number(tmp_path: Path) -> None:
    """One cell per line: ``208`` as the first line of a page continuing a table, its 款 and
    项 parts on the next lines, is the row's code, not a printed page number."""
    rows = ["208", "社会保障和就业支出", "30.00", "30.00",
            "20805", "行政事业单位养老支出", "30.00", "30.00",
            "2080501", "行政单位离退休", "20.00", "20.00", "\f208", "05", "99",
            "其他行政事业单位养老支出", "10.00", "10.00",
            "合计", "30.00", "30.00"]
    text = HEAD + "支出决算表\n单位：万元\n科目编码\n科目名称\n合计\n基本支出\n项目支出\n" + \
        "\n".join(rows) + "\n"
    d = _tables(tmp_path, text)
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    codes = {r.code for r in t.rows}
    assert "2080599" in codes
    assert not _errors(d)


def test_bare_page_numbers_in_text_without_page_breaks(tmp_path: Path) -> None:
    """Text without form feeds: a bare number between rows followed by a row opening with
    a full code, or by a title, is a printed page number, not an amount of the row above."""
    text = HEAD + """支出决算表
单位：万元
科目编码 科目名称 合计 基本支出 项目支出
合计 30.00 20.00 10.00
201 一般公共服务支出 30.00 20.00 10.00
20101 人大事务 30.00 20.00 10.00
2010101 行政运行 20.00 20.00
15
2010199 其他人大事务支出 10.00 10.00
16
一般公共预算支出表
单位：万元
科目编码 科目名称 合计 基本支出 项目支出
合计 30.00 20.00 10.00
201 一般公共服务支出 30.00 20.00 10.00
"""
    d = _tables(tmp_path, text)
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    rows = {r.code or r.name: r for r in t.rows}
    assert _vals(rows["2010101"]) == {"total": "20.00", "basic": "20.00"}
    assert _vals(rows["2010199"]) == {"total": "10.00", "project": "10.00"}
    assert not _errors(d)


def _cells(*lines: str) -> str:
    """Lines as poppler's default output prints them: one cell a line, a blank line after."""
    return "".join(f"{ln}\n\n" for ln in lines)


HEADER_LAST_LABEL = HEAD.replace("决算", "预算") + _cells(
    "一般公共预算支出表（按功能分类）", "单位：万元", "预算单位", "科目编码", "科目名称",
    "某某市测试局", "支出总计", "基本支出", "项目支出",
    "30.00", "20.00", "10.00",
    "201", "一般公共服务支出", "30.00", "20.00", "10.00",
    "20106", "财政事务", "30.00", "20.00", "10.00",
    "2010601", "行政运行", "20.00", "20.00", "0.00",
    "2010608", "财政委托业务支出", "10.00", "0.00", "10.00")


def test_cell_per_line_label_above_the_amounts_completes_the_header(tmp_path: Path) -> None:
    """``项目支出`` right above the first amounts is the header's third column (the header
    without it names two columns, the first row has three amounts), not a row's name; a
    unit name printed among the header words does not shift the columns."""
    d = _tables(tmp_path, HEADER_LAST_LABEL)
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    rows = {r.code: r for r in t.rows if r.code}
    assert _vals(rows["201"]) == {"total": "30.00", "basic": "20.00", "project": "10.00"}
    assert _vals(rows["2010608"]) == {"total": "10.00", "basic": "0.00", "project": "10.00"}
    assert not any(r.name == "项目支出" for r in t.rows)
    assert not _errors(d)


AMOUNTS_RUN_TOGETHER = HEAD.replace("决算", "预算") + _cells(
    "一般公共预算支出表（按功能分类）", "单位：万元", "科目编码", "科目名称",
    "合计", "基本支出", "项目支出",
    "合计", "30.00", "20.00", "10.00",
    "201", "一般公共服务支出", "30.00", "20.00", "10.00", "30.00", "20.00", "10.00",
    "20106", "财政事务",
    "2010601", "行政运行", "20.00", "20.00", "0.00",
    "2010608", "财政委托业务支出", "10.00", "0.00", "10.00")


def test_amounts_of_consecutive_rows_run_together_are_spread_back(tmp_path: Path) -> None:
    """A row holding twice the table's width, followed by a row with no amount of its own
    (the converter printed both rows' amounts after the first name), gives the second run
    to that row; the header keeps its three columns."""
    d = _tables(tmp_path, AMOUNTS_RUN_TOGETHER)
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    rows = {r.code: r for r in t.rows if r.code}
    assert _vals(rows["201"]) == {"total": "30.00", "basic": "20.00", "project": "10.00"}
    assert _vals(rows["20106"]) == {"total": "30.00", "basic": "20.00", "project": "10.00"}
    assert not _errors(d)


LONGER_THAN_HEADER = HEAD.replace("决算", "预算") + _cells(
    "一般公共预算支出表（按功能分类）", "单位：万元", "科目编码", "科目名称",
    "合计", "基本支出", "项目支出",
    "合计", "30.00", "20.00", "10.00",
    "201", "一般公共服务支出", "30.00", "20.00", "10.00", "5.00", "6.00", "7.00", "8.00",
    "20106", "财政事务", "30.00", "20.00", "10.00",
    "2010601", "行政运行", "20.00", "20.00", "0.00",
    "2010608", "财政委托业务支出", "10.00", "0.00", "10.00")


def test_a_row_longer_than_the_header_does_not_unname_every_column(tmp_path: Path) -> None:
    """One row with more amounts than the header has labels (and no empty row after it to
    take them) keeps its amounts unplaced; the other rows keep the header's columns."""
    d = _tables(tmp_path, LONGER_THAN_HEADER)
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    rows = {r.code: r for r in t.rows if r.code}
    assert _vals(rows["20106"]) == {"total": "30.00", "basic": "20.00", "project": "10.00"}
    assert _vals(rows["2010608"]) == {"total": "10.00", "basic": "0.00", "project": "10.00"}
    assert rows["201"].values == {} and len(rows["201"].other) == 7  # nothing lost


CODED_NAMES = HEAD.replace("决算", "预算") + _cells(
    "支出总表", "单位：万元", "支出功能分类科目", "部门支出经济分类科目",
    "合计", "基本支出", "项目支出",
    "2010601-行政运行", "30101-基本工资", "20.00", "20.00",
    "2010601-行政运行", "30102-津贴补贴", "5.00", "5.00",
    "2010608-财政委托业务", "30227-委托业务费", "10.00", "10.00")


def test_first_rows_code_joined_to_its_name_is_no_header(tmp_path: Path) -> None:
    """``2010601-行政运行`` lines above the first amounts are the first row's labels (a code
    joined to its name), not header words: every row keeps its own code."""
    d = _tables(tmp_path, CODED_NAMES)
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    rows = [r for r in t.rows if not r.is_total]
    assert [(r.code, r.values[ColumnKey.total].value) for r in rows] == \
        [("2010601", Decimal("20.00")), ("2010601", Decimal("5.00")), ("2010608", Decimal("10.00"))]
    assert "行政运行" not in "".join(t.columns)


JOINED_LABELS = HEAD.replace("决算", "预算") + "".join(f"{ln}\n" for ln in (
    "支出总体情况表", "单位：万元", "科目编码", "科目名称",
    "合计", "基本支出", "项目支出", "事业单位经营支出对附属单位补助支", "出",
    "合计", "30.00", "20.00", "10.00", "0.00", "0.00",
    "201", "一般公共服务支出", "30.00", "20.00", "10.00", "0.00", "0.00",
    "2010601", "行政运行", "20.00", "20.00", "0.00", "0.00", "0.00",
    "2010608", "财政委托业务支出", "10.00", "0.00", "10.00", "0.00", "0.00"))


def test_two_labels_printed_as_one_are_split_where_each_half_names_a_column(tmp_path: Path) -> None:
    """``事业单位经营支出对附属单位补助支出`` (two header cells on one line, no gap) is two
    columns: the header then names the rows' five amounts."""
    d = _tables(tmp_path, JOINED_LABELS)
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    rows = {r.code: r for r in t.rows if r.code}
    assert _vals(rows["201"]) == {"total": "30.00", "basic": "20.00", "project": "10.00",
                                  "operating_expense": "0.00", "subsidy_affiliated": "0.00"}


FUND_WRAPPED = HEAD.replace("决算", "预算") + "".join(f"{ln}\n" for ln in (
    "基本支出预算情况表", "单位：万元", "部门预算支出经济分类", "合计", "财政拨款", "小计",
    "一般公共预算", "政府性基金", "预算",
    "合计", "30.00", "30.00", "25.00", "5.00",
    "301", "工资福利支出", "20.00", "20.00", "15.00", "5.00",
    "30101", "基本工资", "20.00", "20.00", "15.00", "5.00",
    "302", "商品和服务支出", "10.00", "10.00", "10.00", "0.00"))


def test_a_fund_label_wrapped_before_its_last_word_is_one_label(tmp_path: Path) -> None:
    """``政府性基金`` / ``预算`` is one label (预算 alone would read as a total column), and
    ``部门预算支出经济分类`` names the row labels, not an amount column."""
    d = _tables(tmp_path, FUND_WRAPPED)
    t = next(t for t in d.tables if t.kind.value == "basic_expenditure")
    rows = {r.code: r for r in t.rows if r.code}
    assert _vals(rows["301"]) == {"total": "20.00", "fiscal": "20.00", "general_budget": "15.00",
                                  "government_fund": "5.00"}
    assert not _errors(d)


CODED_COLUMNS = HEAD.replace("决算", "预算") + "".join(f"{ln}\n" for ln in (
    "支出总表", "单位：万元", "支出功能分类科目", "政府支出经济分类科目", "部门支出经济分类科目",
    "合计", "基本支出", "项目支出",
    "合计", "35.00", "25.00", "10.00",
    "2010601-行政运行", "50101-工资奖金津补贴", "30101-基本工资", "20.00", "20.00", "0.00",
    "2010601-行政运行", "50101-工资奖金津补贴", "30102-津贴补贴", "5.00", "5.00", "0.00",
    "2010608-财政委托业务", "50205-委托业务费", "30227-委托业务", "费", "10.00", "0.00", "10.00"))


def test_rows_labelled_by_several_coded_classifications_keep_each_in_its_column(tmp_path: Path) -> None:
    """Rows printing three classifications as code-name labels (2010601-行政运行 |
    50101-工资奖金津补贴 | 30101-基本工资) give each its own label column, as the PDF does:
    the function code keys the row, and a name wrapped onto a line of its own (费) stays
    with its label."""
    d = _tables(tmp_path, CODED_COLUMNS)
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    rows = [r for r in t.rows if not r.is_total]
    assert [(r.code, r.name) for r in rows] == [("2010601", "行政运行"), ("2010601", "行政运行"),
                                                ("2010608", "财政委托业务")]
    assert _vals(rows[2])["project"] == "10.00"
    assert any("30227-委托业务费" in v for r in rows for v in r.texts.values())


def _title_last_page(title: str, labels: str) -> str:
    """A page as pdftotext -raw prints a PDF whose content stream draws the table body
    before its title and header: rows, the total row without its label, then the title."""
    return "\n".join([
        "208 社会保障和就业支出 30.00 30.00",
        "208 05 行政事业单位养老支出 30.00 30.00",
        "208 05 05 机关事业单位基本养老保险缴费支出 30.00 30.00",
        "213 农林水支出 70.00 20.00 50.00",
        "213 01 农业农村 70.00 20.00 50.00",
        "213 01 04 事业运行 70.00 20.00 50.00",
        "100.00 50.00 50.00",
        title, "项目 支出预算", "功能分类科目编码", "合计", labels, "编制单位：某某市测试局",
        "单位：万元", "类 款 项", ""])


TITLE_LAST = HEAD.replace("决算", "预算") + "\f".join([
    _title_last_page("2026年支出预算总表", "功能分类科目名称 合计 基本支出 项目支出"),
    _title_last_page("2026年一般公共预算支出功能分类预算表", "功能分类科目名称 合计 基本支出 项目支出"),
])


def test_pages_printing_their_body_before_the_title_are_read_title_first(tmp_path: Path) -> None:
    """Every page prints its rows before its title and header: the title and header belong
    to the rows above them; the line of amounts alone after the rows, the sum of the 类 rows,
    is the table's 合计 row and decides the columns of rows printing two amounts."""
    d = _tables(tmp_path, TITLE_LAST)
    for kind in ("expenditure_summary", "general_budget_expenditure"):
        t = next(t for t in d.tables if t.kind.value == kind)
        rows = {r.code or r.name: r for r in t.rows}
        assert _vals(rows["合计"]) == {"total": "100.00", "basic": "50.00", "project": "50.00"}
        assert _vals(rows["208"]) == {"total": "30.00", "basic": "30.00"}
        assert _vals(rows["2130104"]) == {"total": "70.00", "basic": "20.00", "project": "50.00"}
    assert not _errors(d)


SERIAL_ROWS = HEAD.replace("决算", "预算") + """一般公共预算基本支出情况表（按经济分类科目）
金额单位：元
序
号
部门经济科目编码 部门经济科目名称 合计 人员经费支出 公用经费支出
1 合计 300.50 200.50 100
2 301 工资福利支出 200.50 200.50 0
3 30101 基本工资 200.50 200.50 0
4 302 商品和服务支出 100.00 0 100.00
5 30201 办公费 100 0 100
6 30202 印刷费 0.00 0 0
"""


def _one_cell_per_line(text: str) -> str:
    """``text`` as get_text() prints it: one cell a line (titles and unit lines whole)."""
    return "\n".join(tok for ln in text.splitlines() for tok in (
        [ln] if "：" in ln or "表" in ln else ln.split()))


@pytest.mark.parametrize("shape", ["rows", "cells"])
def test_row_numbers_of_a_serial_column_are_no_amounts(tmp_path: Path, shape: str) -> None:
    """``2 301 工资福利支出 …``: the 2 numbers the row in the 序号 column; it is neither the
    previous row's last amount nor a part of the name. One cell a line, the 1 above the
    first row's label and each next number on its own line open rows the same way."""
    d = _tables(tmp_path, SERIAL_ROWS if shape == "rows" else _one_cell_per_line(SERIAL_ROWS))
    t = next(t for t in d.tables if t.kind.value == "basic_expenditure")
    rows = {r.code or r.name: r for r in t.rows}
    assert _vals(rows["合计"]) == {"total": "300.50", "personnel": "200.50", "public": "100"}
    assert _vals(rows["301"]) == {"total": "200.50", "personnel": "200.50", "public": "0"}
    assert _vals(rows["30201"]) == {"total": "100", "personnel": "0", "public": "100"}
    assert not _errors(d)


TITLE_WITH_ITS_CLASSIFICATION = HEAD.replace("决算", "预算") + """公开 05 表
财政拨款支出预算表（功能科目）
部门名称： 某某市测试局 单位：万元
功能科目代码 功能科目名称 金额
合 计 30.00
204 公共安全支出 30.00
20404 检察 30.00
2040401 行政运行 20.00
2040402 一般行政管理事务 10.00
"""


def test_a_title_ending_in_its_classification_in_brackets_is_a_title(tmp_path: Path) -> None:
    """``财政拨款支出预算表（功能科目）`` names a table: its rows are read as one."""
    d = _tables(tmp_path, TITLE_WITH_ITS_CLASSIFICATION)
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    rows = {r.code: r for r in t.rows if r.code}
    assert set(rows) == {"204", "20404", "2040401", "2040402"}
    assert str(rows["2040402"].values[ColumnKey.total].value) == "10.00"


def test_the_department_named_most_is_never_read_across_lines(tmp_path: Path) -> None:
    """A tables-only text with no 部门： label: the body most named is 某某省测试局, printed
    on lines of its own under a header word (科目名称), which is no part of the name."""
    page = "\n".join(["2019年支出预算总表", "单位：万元", "科目编码", "科目名称", "某某省测试局",
                      "合计", "30.00", "201", "一般公共服务支出", "30.00", "20101", "人大事务",
                      "30.00", "2010101", "行政运行", "30.00", "2010102", "一般行政管理事务", "0.00",
                      "注：本表无数据的科目不列示。", "科目名称", "某某省测试局"])
    d = _tables(tmp_path, "\f".join([page] * 3))
    assert d.metadata.department == "某某省测试局"


UNIT_ROWS = HEAD.replace("决算", "预算") + """收入总表
单位：万元
单位编码
单位名称
合计
一般公共
预算
政府性基
金预算
其他
收入
合计 30.00 20.00 6.00 4.00
113 某某市测试局 30.00 20.00 6.00 4.00
113001 某某市测试局（本级） 25.00 15.00 6.00 4.00
113002 某某市测试中心 5.00 5.00 0.00 0.00
113003 某某市测试站 0.00 0.00 0.00 0.00
"""


def test_unit_codes_open_rows_and_a_wrapped_label_starts_where_the_next_column_does(
        tmp_path: Path) -> None:
    """``113001 某某市测试局（本级）`` opens a row (a unit's code, not the row above's last
    amount); ``政府性基`` after ``一般公共`` / ``预算`` begins the next label (政府性基金预算),
    it does not continue the label before."""
    d = _tables(tmp_path, UNIT_ROWS)
    t = next(t for t in d.tables if t.kind.value == "income_summary")
    assert [lb for lb in t.columns if lb][-4:] == ["合计", "一般公共预算", "政府性基金预算", "其他收入"]
    rows = [r for r in t.rows if not r.is_total]
    assert [len(r.values) for r in rows] == [4, 4, 4, 4]
    assert _vals(rows[1]) == {"total": "25.00", "general_budget": "15.00",
                              "government_fund": "6.00", "other_income": "4.00"}
    assert not _errors(d)


def test_an_item_label_with_its_classification_in_brackets_names_a_side(tmp_path: Path) -> None:
    """``项目(按功能分类)`` is the 支出 side's item label: the table is read two-sided."""
    text = TWO_SIDED.replace("项目 预算 项目 预算", "项目 预算 项目(按功能分类) 预算")
    d = _tables(tmp_path, text)
    t = next(t for t in d.tables if t.kind.value == "fiscal_summary")
    sides = {r.name: (r.side, str(next(iter(r.values.values())).value)) for r in t.rows}
    assert sides["一、一般公共预算"] == ("income", "30.00")
    assert sides["一、一般公共服务支出"] == ("expenditure", "20.00")
    assert sides["四、教育支出"] == ("expenditure", "10.00")
    assert not _errors(d)


LINE_NUMBERED = HEAD + """财政拨款收入支出决算总表
单位：万元
收入 支出
项 目 行次 金额 项 目 行次 合计
一般公共预算财
政拨款
政府性基金预算
财政拨款
栏 次 1 栏 次 2 3 4
一、一般公共预算财政拨款 1 30.00 一、一般公共服务支出 28 20.00 20.00 0.00
二、政府性基金预算财政拨款 2 0.00 二、外交支出 29 0.00 0.00 0.00
3 三、国防支出 30 0.00 0.00 0.00
4 四、教育支出 31 10.00 10.00 0.00
本年收入合计 5 30.00 本年支出合计 32 30.00 30.00 0.00
"""


def test_line_numbers_of_blank_items_and_a_fund_label_over_two_lines(tmp_path: Path) -> None:
    """``3 三、国防支出 30 …``: 3 numbers a blank 收入 item (not an amount of the row above);
    ``政府性基金预算`` / ``财政拨款`` is one column, so every 支出 row has three."""
    d = _tables(tmp_path, LINE_NUMBERED)
    t = next(t for t in d.tables if t.kind.value == "fiscal_summary")
    rows = {r.name: r for r in t.rows}
    assert _vals(rows["三、国防支出"]) == {"total": "0.00", "general_budget": "0.00",
                                      "government_fund": "0.00"}
    assert _vals(rows["四、教育支出"]) == {"total": "10.00", "general_budget": "10.00",
                                      "government_fund": "0.00"}
    assert rows["四、教育支出"].side == "expenditure" and not rows["四、教育支出"].other
    assert _vals(rows["二、政府性基金预算财政拨款"]) == {"amount": "0.00"}
    assert not _errors(d)


def test_a_running_footer_neither_splits_a_table_nor_joins_a_name(tmp_path: Path) -> None:
    """Every page ends with the same footer line and its page number: the footer is kept
    where it first appears and dropped after, so the table going on over the pages reads
    as one and no row takes the footer as (part of) its name."""
    footer = "某某市测试局 2026 年度部门预算公开"
    rows = [f"2010{k:03d} 事务{k} 1.00 1.00 0.00" for k in range(1, 13)]
    pages = [HEAD.replace("决算", "预算") + "说明\n" + footer + "\n- 1 -"]
    head = "一般公共预算支出表\n单位：万元\n科目编码 科目名称 合计 基本支出 项目支出\n合计 12.00 12.00 0.00\n"
    body = [head + "\n".join(rows[:6]), "\n".join(rows[6:])]
    pages += [b + f"\n{footer}\n- {n + 2} -" for n, b in enumerate(body)]
    pages.append(f"附件说明\n{footer}\n- 4 -")
    d = _tables(tmp_path, "\f".join(pages))
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    names = [r.name for r in t.rows if r.code]
    assert names == [f"事务{k}" for k in range(1, 13)]
    assert not any("公开" in (r.name or "") for r in t.rows)


def _figures(line: str) -> list[str]:
    """A row's figures, one cell a line."""
    return line.split(" ")


THREE_PUBLIC_BY_FUND = HEAD.replace("决算", "预算") + "".join(f"{ln}\n" for ln in (
    "财政拨款“三公”经费支出表", "单位：万元",
    "公务用车购置及运行维护费", "总计", "因公出国(境)费", "公务接待费", "小计", "公务用车购置费",
    "公务用车运行维护费", "预算单位", "年度",
    *(["一般公共预", "算", "政府性基金", "预算", "国有资本经", "营预算"] * 6), "某某市测试局",
    "2025 年", *_figures("5.00 0 0 1.00 0 0 2.00 0 0 2.00 0 0 0.50 0 0 1.50 0 0"),
    "2026 年", *_figures("4.00 0 0 1.00 0 0 1.00 0 0 2.00 0 0 0.00 0 0 2.00 0 0"),
    "增减变化金额", *_figures("-1.00 0 0 0.00 0 0 -1.00 0 0 0.00 0 0 -0.50 0 0 0.50 0 0")))


def test_a_header_repeating_one_block_under_every_column_is_crossed(tmp_path: Path) -> None:
    """三公 items each split 一般公共预算 | 政府性基金预算 | 国有资本经营预算: the items are
    crossed with the block (总计/一般公共预算 …), the rows are the years (2025 年 is a label,
    not an amount), the unit printed once goes to its own column."""
    d = _tables(tmp_path, THREE_PUBLIC_BY_FUND)
    t = next(t for t in d.tables if t.kind.value == "three_public")
    rows = {r.name: r for r in t.rows}
    assert set(rows) >= {"2025年", "2026年", "增减变化金额"}
    assert _vals(rows["2025年"]) == {"total": "5.00", "abroad": "1.00", "reception": "2.00",
                                    "vehicle_total": "2.00", "vehicle_purchase": "0.50",
                                    "vehicle_operation": "1.50"}
    assert _vals(rows["增减变化金额"])["total"] == "-1.00"


def test_a_label_less_total_row_printed_last_is_found_one_cell_per_line(tmp_path: Path) -> None:
    """The same pages as pymupdf's get_text() prints them, one cell a line: the total row's
    first figure, the sum of the 类 rows (and greater than each), opens the total row instead
    of running on as more amounts of the row above."""
    cells = "\f".join(_one_cell_per_line(page) for page in TITLE_LAST.split("\f"))
    d = _tables(tmp_path, cells)
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    rows = {r.code or r.name: r for r in t.rows}
    assert _vals(rows["合计"]) == {"total": "100.00", "basic": "50.00", "project": "50.00"}
    assert _vals(rows["2130104"]) == {"total": "70.00", "basic": "20.00", "project": "50.00"}
    assert not _errors(d)



def _cells(*lines: str) -> str:
    """Cell-per-line text as pdftotext prints it by default: a blank line after each cell."""
    return "\n\n".join(lines) + "\n"


def _column_page(title: str, label: str, rows: list[tuple[str, str, str]], total: str) -> str:
    """A one-amount table read column by column: the 部门：key alone with its value on the
    next line, the total's label among the header's words, 金额 right above its amount."""
    body = [x for row in rows for x in row]
    return f"{title}\n公开表五\n部门：\n\n江苏省测试办公厅\n\n{label}编码\n\n{label}名称\n合计\n\n" \
        f"单位：万元\n\n金额\n{total}\n\n" + _cells(*body)


FUNCTION_ROWS = [("201", "一般公共服务支出", "1,307.78"), ("20101", "人大事务", "1,307.78"),
                 ("2010101", "行政运行", "1,048.20"), ("2010102", "一般行政管理事务", "259.58")]
ECONOMIC_ROWS = [("301", "工资福利支出", "1,481.41"), ("30101", "基本工资", "1,258.23"),
                 ("30102", "津贴补贴", "223.18")]
COLUMN_READ = HEAD.replace("决算", "预算") + "\f".join([
    _column_page("财政拨款支出预算表（功能科目）", "功能科目", FUNCTION_ROWS, "1,307.78"),
    _column_page("一般公共预算支出预算表（功能科目）", "功能科目", FUNCTION_ROWS, "1,307.78"),
    _column_page("一般公共预算基本支出预算表（经济科目）", "科目", ECONOMIC_ROWS, "1,481.41"),
])


def test_cell_per_line_table_read_column_by_column(tmp_path: Path) -> None:
    """pdftotext's default order: the department after a bare 部门：is no column, the
    合计 printed among the header's words labels the total row, and amounts alone on a
    line that end every page (259.58, 223.18: the same shape) are cells, not a running
    footer dropped after the first page."""
    d = _tables(tmp_path, COLUMN_READ)
    tables = [t for t in d.tables if t.kind.value in ("general_budget_expenditure",
                                                     "basic_expenditure")]
    assert [t.kind.value for t in tables] == ["general_budget_expenditure"] * 2 + \
        ["basic_expenditure"]
    for t, rows, total in zip(tables, [FUNCTION_ROWS, FUNCTION_ROWS, ECONOMIC_ROWS],
                              ["1307.78", "1307.78", "1481.41"], strict=True):
        assert not any("江苏省测试办公厅" in c for c in t.columns)
        assert t.rows[0].is_total and t.rows[0].name == "合计"
        assert _vals(t.rows[0]) == {"total": total}
        got = {r.code: _vals(r) for r in t.rows[1:]}
        assert got == {c: {"total": a.replace(",", "")} for c, _, a in rows}
    assert not _errors(d)


NO_ROW_LABEL = HEAD.replace("决算", "预算") + """三、2017 年度测试局部门支出预算总表
单位：万元
合计 基本支出 项目支出
28,849.38 17,306.11 11,543.27
四、2017 年度测试局部门财政拨款支出预算表
单位：万元
功能科目代码 功能科目名称 金额
合计 28,849.38
204 公共安全支出 28,849.38
20405 法院 28,849.38
2040501 行政运行 17,306.11
2040502 一般行政管理事务 11,543.27
"""


def test_header_line_of_column_words_over_a_row_without_label(tmp_path: Path) -> None:
    """A one-row 支出预算总表 prints its header as one line of column words and its
    figures with no row label (pdftotext -raw): that line heads the columns, it is no
    row's name."""
    d = _tables(tmp_path, NO_ROW_LABEL)
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    assert [_vals(r) for r in t.rows] == [
        {"total": "28849.38", "basic": "17306.11", "project": "11543.27"}]
    assert not any("基本支出" in (r.name or "") for r in t.rows)


SERIALS_APART = HEAD.replace("决算", "预算") + """２０２１年部门综合预算一般公共预算支出明细表
（按支出功能分类科目－不含上年结转）
预算单位：测试市民政局 单位：元
序号
功能科目
编码
功能科目名称 合计 人员经费支出 公用经费支出
专项业务经费支
出
备注
1 合计 7,758,929.64 6,758,929.64 700,000.00 300,000.00
2 208 社会保障和就业支出 7,758,929.64 6,758,929.64 700,000.00 300,000.00
3 20805 行政事业单位养老支出 7,058,929.64 6,758,929.64 0.00 300,000.00
4
2080505 机关事业单位基本养老保险缴费支
出
4,705,953.35 4,505,953.35 0.00 200,000.00
5
2080506
机关事业单位职业年金缴费支出
2,352,976.29 2,252,976.29 0.00 100,000.00
6 20808 抚恤 700,000.00 0.00 700,000.00 0.00
7 2080899 其他优抚支出 700,000.00 0.00 700,000.00 0.00
"""


def test_serial_numbers_on_lines_of_their_own_and_a_bracketed_subtitle(tmp_path: Path) -> None:
    """pdftotext -raw: a 序号 printed alone on its line (4, 5: shaped like a page number)
    numbers the coded row below it, and the title's bracketed last line is no column label,
    so every row keeps its four figures under 合计 | 人员经费 | 公用经费 | 专项业务经费."""
    d = _tables(tmp_path, SERIALS_APART)
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    assert not any("按支出功能分类科目" in c for c in t.columns)
    rows = {r.code: _vals(r) for r in t.rows if r.code}
    assert rows["2080505"] == {"total": "4705953.35", "personnel": "4505953.35",
                               "public": "0.00", "project": "200000.00"}
    assert rows["2080506"] == {"total": "2352976.29", "personnel": "2252976.29",
                               "public": "0.00", "project": "100000.00"}
    assert rows["20808"]["total"] == "700000.00"
    assert not _errors(d)


def test_serial_label_run_into_the_next_label(tmp_path: Path) -> None:
    """pymupdf prints 序号 and 功能科目 as one line (序号功能科目): the table still numbers its
    rows, so the row numbers (2, 3 …, one a line) are no fifth figure of the row above."""
    rows = [("1", "", "合计", "7,758,929.64", "6,758,929.64", "700,000.00", "300,000.00"),
            ("2", "208", "社会保障和就业支出", "7,758,929.64", "6,758,929.64", "700,000.00",
             "300,000.00"),
            ("3", "20805", "行政事业单位养老支出", "7,058,929.64", "6,758,929.64", "0.00",
             "300,000.00"),
            ("4", "2080505", "机关事业单位基本养老保险缴费支出", "4,705,953.35", "4,505,953.35",
             "0.00", "200,000.00"),
            ("5", "2080506", "机关事业单位职业年金缴费支出", "2,352,976.29", "2,252,976.29",
             "0.00", "100,000.00"),
            ("6", "20808", "抚恤", "700,000.00", "0.00", "700,000.00", "0.00")]
    text = HEAD.replace("决算", "预算") + "2021年部门综合预算一般公共预算支出明细表\n" + "\n".join(
        ["（按支出功能分类科目-不含上年结转）", "预算单位：测试市民政局", "单位：元", "序号功能科目",
         "编码", "功能科目名称", "合计", "人员经费支出", "公用经费支出", "专项业务经费支",
         "出", "备注"] + [x for r in rows for x in r if x]) + "\n"
    d = _tables(tmp_path, text)
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    got = {r.code: _vals(r) for r in t.rows if r.code}
    assert got["2080506"] == {"total": "2352976.29", "personnel": "2252976.29",
                              "public": "0.00", "project": "100000.00"}
    assert got["20808"] == {"total": "700000.00", "personnel": "0.00", "public": "700000.00",
                            "project": "0.00"}


def _column_major(extra_basic: list[str] | None = None) -> str:
    """A 一般公共预算支出表 as pdftotext prints it by default when the table has no rules:
    every code, then every name (合计 first), the page number, then the 小计 column, the
    基本支出 column and, after its label, the 项目支出 column; blank cells left out."""
    codes = ["208", "20802", "2080201", "2080299", "20805", "2080501"]
    names = ["合计", "社会保障和就业支出", "民政管理事务", "行政运行", "其他民政管理事务支出",
             "行政事业单位养老支出", "行政单位离退休"]
    totals = ["1,608.49", "1,608.49", "1,383.68", "770.40", "613.28", "224.81", "224.81"]
    basic = extra_basic or ["995.21", "995.21", "770.40", "770.40", "224.81", "224.81"]
    project = ["613.28", "613.28", "613.28", "613.28"]
    return HEAD.replace("决算", "预算") + "2026 年度一般公共预算拨款支出预算表\n" + _cells(
        "单位：万元", "其中：", "科目编码", "科目名称", "小计", "基本支出", *codes, *names, "14",
        *totals, *basic, "项目支出", *project)


def test_a_table_printed_column_by_column_is_read_in_rows(tmp_path: Path) -> None:
    """pdftotext's default order for a table without rules (Fujian's template): codes,
    names and each column apart. The 小计 column holds every row; which rows the 基本支出
    and 项目支出 figures belong to follows from 小计 = 基本支出 + 项目支出, row by row."""
    d = _tables(tmp_path, _column_major())
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    got = {r.code or r.name: {k: v for k, v in _vals(r).items() if v != "None"}  # blanks
           for r in t.rows}
    assert got == {
        "合计": {"total": "1608.49", "basic": "995.21", "project": "613.28"},
        "208": {"total": "1608.49", "basic": "995.21", "project": "613.28"},
        "20802": {"total": "1383.68", "basic": "770.40", "project": "613.28"},
        "2080201": {"total": "770.40", "basic": "770.40"},
        "2080299": {"total": "613.28", "project": "613.28"},
        "20805": {"total": "224.81", "basic": "224.81"},
        "2080501": {"total": "224.81", "basic": "224.81"}}
    assert not _errors(d)


def test_a_column_printed_block_whose_rows_do_not_add_up_stays_as_printed():
    """When no placement of the part columns makes every row add up to its 小计, the block
    is left in the order printed (nothing is guessed)."""
    from pipeline.ingest.reader import split_text_pages
    from pipeline.layout.text_columns import rows_from_columns

    text = _column_major(["995.21", "995.21", "770.40", "770.40", "224.81", "200.00"])
    page = split_text_pages(text)[0]
    assert [ln.text for ln in rows_from_columns(page).lines] == [ln.text for ln in page.lines]
    solvable = split_text_pages(_column_major())[0]
    assert [ln.text for ln in rows_from_columns(solvable).lines] != \
        [ln.text for ln in solvable.lines]


def test_two_labels_printed_as_one_line_are_two_columns(tmp_path: Path) -> None:
    """pymupdf prints two header cells on one line (上缴上级支出对附属单位补 / 助支出): the
    joined label is cut after its first closing word into the two columns it names, though
    no row prints a figure in every column (rows of 合计 and one part)."""
    rows = [("2050101-行政运行", "1,357.10", "1,357.10"),
            ("2050102-一般行政管理事务", "741.60", "741.60"),
            ("2080505-机关事业单位基本养老保险缴费支出", "756.80", "756.80"),
            ("2210201-住房公积金", "300.00", "300.00"),
            ("2210203-购房补贴", "120.00", "120.00")]
    text = HEAD.replace("决算", "预算") + "预算03表 支出总表\n" + "\n".join(
        ["金额单位：万元", "支出功能分类科目", "合计", "基本支出", "项目支出", "其中", "事业单位经营",
         "支出", "上缴上级支出对附属单位补", "助支出"] + [x for r in rows for x in r]) + "\n"
    d = _tables(tmp_path, text)
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    assert "上缴上级支出" in t.columns and "对附属单位补助支出" in t.columns
