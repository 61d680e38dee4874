"""The 三公 check of the model's answers: a 三公 table read one row per expense must add up
as the 三公 identities say (vehicle = purchase + operation; total = abroad + vehicle +
reception). The rows come from the corpus source text (Shangyu's and Jiangsu's 三公 tables)
and from Qwen2.5-Coder-1.5B's recorded answer to Shangyu's table."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from pydantic import ValidationError

from pipeline.llm.models import LLMRow, LLMTable, three_public_problems
from tests.conftest import ROOT, corpus_path

SHANGYU = "text/shaoxing-shangyu-hrss-2024-budget.txt"
JIANGSU = "converted/pdftotext-layout/jiangsu-npc-office-2019-budget-tables.txt"
# Qwen's answer to Shangyu's 三公 table as first recorded for tests/test_llm_qwen.py (when it
# passed every check; recorded again, Qwen answered differently)
CASSETTE = ROOT / "cassettes" / "test_llm_three_public_check" / "qwen_transposed_answer.yaml"


def _shangyu_rows() -> list[LLMRow]:
    """Shangyu's 三公 table as printed: one row per unit, the values under their headers."""
    text = corpus_path(SHANGYU).read_text(encoding="utf-8")
    start = text.index("## 2024 年部门一般公共预算“三公”经费支出表")
    lines = text[start:text.index("## 2024 年部门政府性基金预算支出表", start)].splitlines()
    header = next(ln.split("\t") for ln in lines if ln.startswith("单位名称"))
    rows = []
    for line in lines:
        cells = line.split("\t")
        if len(cells) == len(header) and re.fullmatch(r"\d+\.\d+", cells[1]):
            rows.append(LLMRow(name=cells[0], values={h: c for h, c in zip(header[1:], cells[1:],
                                                                             strict=True) if c}))
    return rows


def _jiangsu_figures() -> list[str]:
    """The one printed line of Jiangsu's 三公 table (合计, 三公 小计, abroad, vehicle 小计,
    purchase, operation, reception, 会议费, 培训费; the purchase cell is blank)."""
    text = corpus_path(JIANGSU).read_text(encoding="utf-8")
    start = text.index("“三公”经费、会议费、培训费支出预算表")
    table = text[start:text.index("财政拨款政府性基金支出预算表", start)]
    line = next(ln for ln in table.splitlines() if ln.strip().startswith("2,600.71"))
    return line.split()


def _validate(rows: list[LLMRow], kind: str = "three_public") -> LLMTable:
    return LLMTable.model_validate({"rows": [r.model_dump() for r in rows]},
                                   context={"check_arithmetic": True, "kind": kind})


def test_the_printed_per_unit_table_passes():
    rows = _shangyu_rows()
    assert [r.name for r in rows][:2] == ["合计", "绍兴市上虞区人力资源和社会保障局"] and len(rows) == 6
    assert three_public_problems(rows) == []
    _validate(rows)


def test_a_table_printed_one_row_per_expense_passes_and_a_wrong_figure_fails():
    total, subtotal, abroad, vehicle, operation, reception, meeting, training = _jiangsu_figures()
    rows = [LLMRow(name="合计", values={"金额": total}),
            LLMRow(name="“三公”经费/小计", values={"金额": subtotal}),
            LLMRow(name="因公出国（境）费", values={"金额": abroad}),
            LLMRow(name="公务用车购置及运行维护费/小计", values={"金额": vehicle}),
            LLMRow(name="公务用车购置及运行维护费/公务用车购置费", values={}),
            LLMRow(name="公务用车购置及运行维护费/公务用车运行维护费", values={"金额": operation}),
            LLMRow(name="公务接待费", values={"金额": reception}),
            LLMRow(name="会议费", values={"金额": meeting}),
            LLMRow(name="培训费", values={"金额": training})]
    # 合计 includes 会议费 and 培训费: only the 三公 小计 is checked against its parts
    assert three_public_problems(rows) == []
    rows[6].values["金额"] = "348.75"  # 384.75 with two digits swapped
    with pytest.raises(ValidationError, match=r"“三公”经费/小计 \[金额\] = 767.60"):
        _validate(rows)
    # the same rows in a table of another kind are not 三公 rows
    _validate(rows, kind="general_budget_expenditure")


def test_the_transposed_answer_qwen_gave_is_rejected():
    """Qwen answered Shangyu's per-unit 三公 table with the column headers as rows, each
    figure under 三公经费合计: every figure is printed in the table, the hierarchy checks
    pass, but the expenses do not add up."""
    first = yaml.safe_load(CASSETTE.read_text(encoding="utf-8"))["interactions"][0]
    content = json.loads(first["response"]["body"]["string"])["choices"][0]["message"]["content"]
    answer = json.loads(re.search(r"```(?:json)?\s*(.*?)```", content, re.S).group(1))
    rows = [LLMRow(**r) for r in answer["rows"]]
    assert {"因公出国(境)费用", "公务接待费"} <= {r.name for r in rows}  # the headers as rows
    printed = {c.name for c in _shangyu_rows()}
    assert not printed & {r.name for r in rows} - {"合计"}  # no unit named
    problems = three_public_problems(rows)
    assert any("purchase and operation" in p for p in problems)
    assert any(p.startswith("合计") and "abroad, vehicle and reception" in p for p in problems)
    with pytest.raises(ValidationError, match="do not add up"):
        _validate(rows)
