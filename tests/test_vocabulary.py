"""The vocabulary exists once (pipeline.vocabulary) and every stage reads the same words:
a total row is a total row for the rules and for the model path alike, the unit scales
agree, and a function code's level is read from its length everywhere."""

from __future__ import annotations

import pytest

from pipeline.llm.chunks import Chunk
from pipeline.llm.merge import table_rows
from pipeline.llm.models import LLMRow, LLMTable
from pipeline.segment.tables import majority_unit
from pipeline.vocabulary import (
    NARRATIVE_FIGURE,
    TOTAL_ROW_LABEL,
    UNIT_IN_WAN,
    UNIT_SCALE,
    code_level,
)
from schemas.tables import TableKind

TOTAL_WORDS = ["合计", "总计", "本年合计", "本年收入合计", "本年支出合计", "收入总计", "支出总计",
               "收支总计"]


@pytest.mark.parametrize("word", TOTAL_WORDS)
def test_every_total_word_marks_a_total_row(word):
    assert TOTAL_ROW_LABEL.match(word)


@pytest.mark.parametrize("label", ["一般公共服务支出", "合计数", "小计"])
def test_other_labels_are_no_total_row(label):
    assert not TOTAL_ROW_LABEL.match(label)


def _chunk(text: str) -> Chunk:
    return Chunk(id="t1", task="table_income_expenditure_summary", title="收支总表", unit="万元",
                 text=text, pages=[1], kind=TableKind.income_expenditure_summary)


def test_the_model_path_marks_the_same_total_rows_as_the_rules():
    # 收支总计 was known to the rules but not to the model's merge: one pattern now
    answer = LLMTable(rows=[LLMRow(name="收支总计", values={"金额": "30.00"}),
                            LLMRow(name="一般公共服务支出", code="201", values={"金额": "30.00"})])
    rows = table_rows(_chunk("收支总计 30.00 201 一般公共服务支出 30.00"), answer, "万元")
    assert [r.is_total for r in rows] == [True, False]
    assert [r.level for r in rows] == [None, "类"]


def test_unit_scales_are_one_table():
    for unit, yuan in UNIT_SCALE.items():
        assert UNIT_IN_WAN[unit] * UNIT_SCALE["万元"] == yuan
    # written as before (a check's message prints amounts scaled by these)
    assert {u: str(v) for u, v in UNIT_IN_WAN.items()} == {"元": "0.0001", "万元": "1", "亿元": "10000"}


@pytest.mark.parametrize(("code", "level"), [("201", "类"), ("20101", "款"), ("2010101", "项"),
                                             ("30101", "款"), (None, None), ("2010", None)])
def test_code_level(code, level):
    assert code_level(code) == level


def test_a_narrative_figure_needs_its_unit():
    found = [(m["num"], m["unit"]) for m in NARRATIVE_FIGURE.finditer(
        "2024年财政拨款收入支出总计2,961.68万元，占71.73%，增长3.4％")]
    assert found == [("2,961.68", "万元"), ("71.73", "%"), ("3.4", "％")]



@pytest.mark.parametrize(("units", "unit"), [(["元", "万元", "万元"], "万元"),
                                             (["元", "万元"], "元"),  # a tie: the first stated
                                             ([], "万元")])
def test_one_unit_vote_for_the_document_and_its_metadata(units, unit):
    # run (the unit of tables that state none) and metadata (currency_unit) vote alike
    assert majority_unit(units) == unit
