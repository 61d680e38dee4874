"""Checks that are fair to chunks: a parent whose children run into the next chunk of a
split table passes the chunk's validation; the merged table is checked whole. The rows are
read from the corpus source text (Shangyu's 一般公共预算支出表)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pipeline.llm.models import LLMRow, LLMTable
from tests.conftest import corpus_path

SHANGYU = "text/shaoxing-shangyu-hrss-2024-budget.txt"


def _printed_rows() -> list[LLMRow]:
    """The table's rows as printed: code, name, 合计 (the first figure)."""
    text = corpus_path(SHANGYU).read_text(encoding="utf-8")
    start = text.index("## 2024 年部门一般公共预算支出表")
    end = text.index("## 2024 年部门一般公共预算基本支出表")
    rows = []
    for line in text[start:end].splitlines():
        cells = line.split("\t")
        if len(cells) > 2 and (cells[0].isdigit() or not cells[0]) and cells[1] and "." in cells[2]:
            rows.append(LLMRow(code=cells[0] or None, name=cells[1], values={"合计": cells[2]}))
    return rows


def _check(rows: list[LLMRow], **ctx) -> LLMTable:
    return LLMTable.model_validate({"rows": [r.model_dump() for r in rows]},
                                   context={"check_arithmetic": True, **ctx})


def test_a_parent_whose_children_run_into_the_next_chunk_passes():
    rows = _printed_rows()
    assert [r.code for r in rows[:3]] == [None, "206", "20608"] and len(rows) == 29
    # split after 2080106: 208 and 20801 have children on both sides of the boundary
    cut = next(i for i, r in enumerate(rows) if r.code == "2080106") + 1
    first, second = rows[:cut], rows[cut:]
    _check(first, more_follows=True, whole_table=False)
    _check(second, more_follows=False, whole_table=False)
    # the same first part checked as if it were complete: the parents do not add up
    with pytest.raises(ValidationError, match=r"20801 人力资源和社会保障管理事务 \[合计\] = 5239.11"):
        _check(first, more_follows=False, whole_table=False)
    with pytest.raises(ValidationError, match=r"合计 \[合计\] = 42583.08"):
        _check(first, more_follows=True, whole_table=True)
    # merged, the whole table is checked and holds
    _check(first + second, more_follows=False, whole_table=True)


def test_a_wrong_figure_inside_a_chunk_still_fails():
    rows = _printed_rows()
    cut = next(i for i, r in enumerate(rows) if r.code == "2080506")  # 20801 complete before it
    first = [r.model_copy(deep=True) for r in rows[:cut]]
    wrong = next(r for r in first if r.code == "2080101")
    wrong.values["合计"] = "728.30"  # 782.30 with two digits swapped
    with pytest.raises(ValidationError, match=r"20801 .* sum to"):
        _check(first, more_follows=True, whole_table=False)
