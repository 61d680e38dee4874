"""One fixture test per real-world layout issue (as pdfplumber's test_issues.py): each names
the quirk, builds or reads the smallest input that shows it, and asserts what the page says.
The extraction rules stay generic; these tests say which rule a failure points at."""

from __future__ import annotations

from pipeline.ingest.model import Page, SourceDocument, Word
from pipeline.verify.coverage import printed_codes
from pipeline.verify.grounding import numbers_in, page_texts_of
from tests.conftest import CORPUS


def _pdf(words: list[Word]) -> SourceDocument:
    return SourceDocument(path="x.pdf", format="pdf", sha256="0", pages=[Page(1, 600, 800, words)])


def test_superscript_digits_do_not_crash_grounding():
    """str.isdigit() accepts '²' where the number pattern does not: a word starting with a
    superscript below a number ending a line crashed page_texts_of (3 real PDFs)."""
    words = [Word(100, 100, 130, 110, "1,234."), Word(100, 112, 120, 122, "²面积"),
             Word(100, 124, 130, 134, "56")]
    text = page_texts_of(_pdf(words))[1]
    assert "1,234." in text and "²面积" in text


def test_a_number_wrapped_inside_a_narrow_cell_is_grounded_joined():
    words = [Word(100, 100, 130, 110, "1,234."), Word(100, 112, 115, 122, "56")]
    assert numbers_in(page_texts_of(_pdf(words))[1]) >= {numbers_in("1,234.56").pop()}


def test_printed_function_codes_before_a_name():
    """Codes followed by their name count as printed rows; amounts and codes in prose do not."""
    text = ("2010101\n行政运行\n12,345.00\n20805 行政事业单位养老支出 705.90\n"
            "201 | 06 | 01 | 行政运行\n（项）2080505 \n21345 21345.00\n")
    assert printed_codes({3: text}) == {"2010101": 3, "20805": 3, "2010601": 3}


def test_codes_printed_outside_standard_tables_raise_a_warning(cli_output):
    """The template's 收入决算表 (p.6) prints 20502/2050205/20799 as an illustration without
    figures; no standard table holds them, and the document says so with a warning."""
    d = cli_output("pdf/shanghai-final-account-template.pdf")
    flag = next(f for f in d["flags"] if f["check"] == "codes_outside")
    assert flag["severity"] == "warning" and "20502" in flag["message"]
    assert {loc["page"] for loc in flag["locations"]} == {6}
    assert d["table_report"]["codes_printed"] == 3


def test_every_printed_code_of_a_clean_document_is_in_a_standard_table(cli_output):
    d = cli_output("text/jiaxing-hrss-2024-budget.txt")
    r = d["table_report"]
    assert r["codes_printed"] >= 20 and r["codes_in_standard_tables"] == r["codes_printed"]
    assert not [f for f in d["flags"] if f["check"] == "codes_outside"]


REALWORLD = CORPUS / "realworld"


def _extract(name: str):
    from pipeline.run import extract_document

    p = REALWORLD / name
    if not p.exists():
        raise FileNotFoundError(f"development PDF missing: {p}")
    return extract_document(p)


def test_number_label_above_the_title_is_not_the_title():
    """Jiangsu 2018 tables-only (公开01表 … 公开12表): the label is printed above the title,
    and the ruled frame holds the title and 部门/单位 lines in its first row. Every table is
    classified by its real title (p.5 财政拨款支出预算表, p.6 一般公共预算基本支出预算表)."""
    d = _extract("600311282f84.pdf")
    kinds = {t.pages[0]: t.kind.value for t in d.tables}
    assert kinds[1] == "income_expenditure_summary" and kinds[4] == "fiscal_summary"
    assert kinds[5] == "general_budget_expenditure" and kinds[6] == "basic_expenditure"
    t5 = next(t for t in d.tables if t.pages == [5])
    assert t5.title == "财政拨款支出预算表"
    row = next(r for r in t5.rows if r.code == "2010201")  # 行政运行 4,432.78 on p.5
    assert str(row.values[next(iter(row.values))].value) == "4432.78"


def test_tables_only_file_without_any_year_is_processed_not_refused():
    """Neither the pages nor the file name of 600311282f84.pdf print a year: the document
    is processed, the year is null and an info flag says what was inferred."""
    d = _extract("600311282f84.pdf")
    assert d.metadata.year is None and d.metadata.department == "江苏省政协办公厅"
    flag = next(f for f in d.flags if f.check == "metadata_inferred")
    assert flag.severity.value == "info" and "year from unknown" in flag.message


def test_a_performance_declaration_alone_is_processed():
    """广州 部门整体预算绩效目标申报表 (2 pages, no title page): a disclosure's performance
    table alone is still a disclosure."""
    d = _extract("a63d8f131056.pdf")
    assert d.metadata.department == "广州市政务服务和数据管理局"
    assert any(i.name for i in d.indicators)


def test_a_stray_rule_beside_the_frame_does_not_split_a_table_across_pages():
    """Beijing 2026 支出总表 (8ce2fb44eff7, p.3-6): page 3 has a sliver column left of the
    frame that later pages lack; the pages still form one table with the 3-code rows."""
    d = _extract("8ce2fb44eff7.pdf")
    t = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    assert t.pages[:4] == [3, 4, 5, 6]
    assert any(r.code == "2040202" for r in t.rows)  # 一般行政管理事务, first rows of p.4


def test_double_rules_are_one_column_boundary_and_a_cut_top_row_is_kept():
    """江苏省高级人民法院 2017 (324795c7efce): every column rule is drawn twice, 5 pt apart,
    and the continuation of 财政拨款支出预算表 on p.14 starts without its top rule. The
    code, name and amount stay in their cells, and the first row of p.14 (2210201 住房公积金
    1,029.15) is a row of the table, not a line of text."""
    d = _extract("324795c7efce.pdf")
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure" and 13 in t.pages)
    assert t.pages == [13, 14]
    rows = {r.code: r for r in t.rows if r.code}
    assert rows["204"].name == "公共安全支出"
    assert str(next(iter(rows["204"].values.values())).value) == "23513.11"
    assert str(next(iter(rows["2210201"].values.values())).value) == "1029.15"
    summary = next(t for t in d.tables if t.kind.value == "expenditure_summary")
    total = next(r for r in summary.rows if r.values)
    assert {k.value: str(a.value) for k, a in total.values.items()}.items() >= {
        "total": "28849.38", "basic": "17123.19", "project": "11543.27"}.items()


def test_number_tokens_are_read_as_the_page_shows_them():
    """Text layers print some figures oddly: a lost decimal point ('142 000000' where the
    page shows 142.000000, six decimals; '1,234 56'), a lost leading thousands comma
    ('19349,057' for 19,349,057). Extraction and grounding read the same value."""
    from decimal import Decimal

    from pipeline.numbers import parse_amount

    assert parse_amount("142 000000") == Decimal("142.000000")
    assert parse_amount("1,234 56") == Decimal("1234.56")
    assert parse_amount("19349,057") == Decimal("19349057")
    assert Decimal("19349057") in numbers_in("合计 19349,057 万元")
    assert parse_amount("500 0") == Decimal("5000")  # a converter's split inside one cell
