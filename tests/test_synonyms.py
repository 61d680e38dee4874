"""Adding a header synonym is a one-line data edit in pipeline/vocabulary.py (README: "How
to add a synonym / a total word / a unit"). The fixture prints 工资福利经费 where other
documents print 人员经费: unknown to the vocabulary, its figures are kept under `other` by
their printed header; with one rule added, the same figures are the `personnel` column and
the row-sum check (基本支出 = 人员经费 + 公用经费) runs over them."""

from __future__ import annotations

import re

import pytest

from pipeline.run import extract_document
from pipeline.vocabulary import COLUMN_RULES
from schemas.flags import CheckCount, CheckId
from schemas.tables import ColumnKey, TableKind

DOC = """某某市测试局
2024年部门预算

一般公共预算支出表
单位：万元
科目编码\t科目名称\t合计\t基本支出\t工资福利经费\t公用经费\t项目支出
\t合计\t30.00\t20.00\t15.00\t5.00\t10.00
201\t一般公共服务支出\t30.00\t20.00\t15.00\t5.00\t10.00
20101\t人大事务\t30.00\t20.00\t15.00\t5.00\t10.00
2010101\t行政运行\t20.00\t20.00\t15.00\t5.00\t
2010199\t其他人大事务支出\t10.00\t\t\t\t10.00
"""

# the one line a contributor adds to COLUMN_RULES (any place before a rule that would also
# match: the first match wins)
NEW_RULE = (re.compile(r"工资福利经费"), ColumnKey.personnel)


@pytest.fixture()
def doc(tmp_path):
    p = tmp_path / "budget.txt"
    p.write_text(DOC, encoding="utf-8")
    return p


def _table(path):
    d = extract_document(path)
    [t] = [t for t in d.tables if t.kind is TableKind.general_budget_expenditure]
    return d, t


def test_an_unknown_header_is_kept_under_its_printed_name(doc):
    _, t = _table(doc)
    row = next(r for r in t.rows if r.code == "2010101")
    assert ColumnKey.personnel not in row.values
    assert row.other["工资福利经费"].raw == "15.00"


def test_one_rule_makes_it_a_canonical_column(doc):
    before = extract_document(doc).checks.by_check.get(CheckId.row_sum, CheckCount())
    COLUMN_RULES.insert(1, NEW_RULE)  # after the row-number rule, before 人员经费
    try:
        d, t = _table(doc)
    finally:
        COLUMN_RULES.remove(NEW_RULE)
    assert t.column_keys[t.columns.index("工资福利经费")] is ColumnKey.personnel
    row = next(r for r in t.rows if r.code == "2010101")
    assert row.values[ColumnKey.personnel].raw == "15.00" and not row.other
    # 基本支出 = 人员经费 + 公用经费 is now checked on every row that prints both
    after = d.checks.by_check[CheckId.row_sum]
    assert after.ran > before.ran and after.failed == 0
