"""Small, self-made inputs for the number parser, text paging and text tables."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.ingest.reader import split_text_pages
from pipeline.layout.blocks import Grid
from pipeline.layout.text import layout_text_page
from pipeline.numbers import detect_unit, is_blank, parse_amount, parse_percent


@pytest.mark.parametrize(("raw", "value"), [
    ("1,401.44", "1401.44"), ("1130", "1130"), ("1130.00", "1130.00"), ("0", "0"),
    ("１，４０１．４４", "1401.44"), ("(12.50)", "-12.50"), ("-3", "-3"), (" 32,365.090089 ", "32365.090089"),
    ("180,366,183", "180366183"), (".5", ".5"),
])
def test_parse_amount(raw, value):
    assert parse_amount(raw) == Decimal(value)


@pytest.mark.parametrize("raw", ["", "-", "—", "－", "**", None])
def test_blank_cells(raw):
    assert parse_amount(raw) is None and is_blank(raw)


@pytest.mark.parametrize("raw", ["1,40,1.44", "12.3.4", "合计", "2024年", "(12", "1,2"])
def test_not_amounts(raw):
    assert parse_amount(raw) is None


def test_digits_split_inside_one_cell_are_rejoined():
    # converters break a number inside its cell ('500 0' in Haidong); cells stay separate
    assert parse_amount("500 0") == Decimal("5000")


def test_percent_and_units():
    assert parse_percent("40.81%") == Decimal("40.81")
    assert parse_percent("４０．８１％") == Decimal("40.81")
    assert detect_unit("单位：万元") == "万元"
    assert detect_unit("金额单位：元") == "元"
    assert detect_unit("单位: 亿元") == "亿元"
    assert detect_unit("预算数（万元）") == "万元"
    assert detect_unit("部门名称：某局") is None


def test_form_feed_pages_keep_offsets():
    text = "第一页\n正文\f第二页\n合计\t1.00\n"
    pages = split_text_pages(text)
    assert [p.number for p in pages] == [1, 2]
    line = pages[1].lines[1]
    assert text[line.start:line.end] == "合计\t1.00"


def test_leading_space_marks_a_page_in_hard_wrapped_text():
    body = [f"第{i}行文字，这是硬换行的正文内容" for i in range(30)]
    body[10] = " " + body[10]
    body[20] = " " + body[20]
    pages = split_text_pages("\n".join(body))
    assert len(pages) == 3


def test_pipe_and_tab_tables_with_blank_lines():
    text = ("| 科目编码 | 科目名称 | 合计 |\n|---|---|---|\n| 201 | 一般公共服务支出 | 1,234.50 |\n\n"
            "| 20101 | 人大事务 | 1,234.50 |\n")
    [page] = split_text_pages(text)
    [grid] = [b for b in layout_text_page(page) if isinstance(b, Grid)]
    assert [r.texts(3) for r in grid.rows] == [
        ["科目编码", "科目名称", "合计"], ["201", "一般公共服务支出", "1,234.50"],
        ["20101", "人大事务", "1,234.50"]]
    cell = grid.rows[2].cells[2]
    assert text[cell.chars[0]:cell.chars[1]] == "1,234.50"
