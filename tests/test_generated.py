"""A layout the corpus lacks, rendered by the project's own code: codes in 类|款|项 columns,
amounts in 元 with thousands separators, the table running over several pages."""

from __future__ import annotations

from decimal import Decimal

from pipeline.run import extract_document
from tests.synth import FunctionRow, SynthBudget, render_budget_pdf

D = Decimal
ROWS = [
    FunctionRow("201", "一般公共服务支出", D("5234567.89"), D("4000000.00"), D("1234567.89")),
    FunctionRow("20101", "人大事务", D("5234567.89"), D("4000000.00"), D("1234567.89")),
    FunctionRow("2010101", "行政运行", D("4000000.00"), D("4000000.00"), D(0)),
    FunctionRow("2010199", "其他人大事务支出", D("1234567.89"), D(0), D("1234567.89")),
    FunctionRow("208", "社会保障和就业支出", D("812345.10"), D("812345.10"), D(0)),
    FunctionRow("20805", "行政事业单位养老支出", D("812345.10"), D("812345.10"), D(0)),
    FunctionRow("2080505", "机关事业单位基本养老保险缴费支出", D("541563.40"), D("541563.40"), D(0)),
    FunctionRow("2080506", "机关事业单位职业年金缴费支出", D("270781.70"), D("270781.70"), D(0)),
] + [
    FunctionRow(f"2130{i:03d}"[:7], f"测试科目{i}", D(f"{1000 + i}.50"), D(f"{1000 + i}.50"), D(0))
    for i in range(101, 121)
]


def test_split_code_columns_and_yuan(tmp_path):
    spec = SynthBudget(department="某某市测试局", year=2027, rows=ROWS, unit="元")
    pdf = render_budget_pdf(spec, tmp_path / "synth.pdf")
    d = extract_document(pdf)
    assert d.metadata.department == "某某市测试局"
    assert d.metadata.year == 2027
    assert d.metadata.currency_unit == "元"
    [t] = [t for t in d.tables if t.kind.value == "general_budget_expenditure"]
    assert t.unit == "元" and len(t.pages) == 2  # joined across the page break
    by_code = {r.code: r for r in t.rows if r.code}
    for r in ROWS:
        got = by_code[r.code]
        assert got.name == r.name
        assert got.values["total"].value == r.total
        if r.basic:
            assert got.values["basic"].value == r.basic
        if r.project:
            assert got.values["project"].value == r.project
    assert by_code["2010101"].values["total"].raw == "4,000,000.00"
    total = next(r for r in t.rows if r.is_total)
    assert total.values["total"].value == sum(r.total for r in ROWS if len(r.code) == 3)
    assert len([r for r in t.rows if not r.is_total]) == len(ROWS)


def test_single_code_column_without_separators(tmp_path):
    spec = SynthBudget(department="某某县测试中心", year=2025, rows=ROWS[:8], unit="万元",
                       split_codes=False, thousands=False)
    d = extract_document(render_budget_pdf(spec, tmp_path / "b.pdf"))
    [t] = [t for t in d.tables if t.kind.value == "general_budget_expenditure"]
    assert t.unit == "万元"
    assert {r.code for r in t.rows if r.code} == {r.code for r in ROWS[:8]}
    row = next(r for r in t.rows if r.code == "2080506")
    assert row.values["total"].raw == "270781.70"


def test_table_without_ruling_lines(tmp_path):
    spec = SynthBudget(department="某某区测试办公室", year=2026, rows=ROWS[:8], unit="万元",
                       split_codes=False, thousands=True, ruled=False)
    d = extract_document(render_budget_pdf(spec, tmp_path / "plain.pdf"))
    [t] = [t for t in d.tables if t.kind.value == "general_budget_expenditure"]
    by_code = {r.code: r for r in t.rows if r.code}
    assert set(by_code) == {r.code for r in ROWS[:8]}
    for r in ROWS[:8]:
        assert by_code[r.code].values["total"].value == r.total
        if r.project:
            assert by_code[r.code].values["project"].value == r.project
    assert by_code["2010101"].name == "行政运行"
