"""One fixture test per real-world layout issue (as pdfplumber's test_issues.py): each names
the quirk, builds or reads the smallest input that shows it, and asserts what the page says.
The extraction rules stay generic; these tests say which rule a failure points at."""

from __future__ import annotations

from decimal import Decimal

from pipeline.ingest.model import Page, SourceDocument, Word
from pipeline.verify.coverage import printed_codes
from pipeline.verify.grounding import numbers_in, page_texts_of
from schemas.flags import CheckId
from schemas.tables import ColumnKey
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
    flag = next(f for f in d.flags if f.check == CheckId.metadata_inferred)
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

def _sentence_figures(sentence: str, kinds: list[tuple[str, str, str | None]]):
    from tests.verify_helpers import disclosure, figure
    return disclosure(figures=[figure(k, raw, "收入预算", sentence, direction=d) for k, raw, d in kinds])


def test_the_figure_after_bi_is_last_years_base():
    """'比2025年年初预算数X减少C，下降P%': X is last year's figure, P = C / X (66 of 87
    narrative_change errors on the development set read X as this year's figure)."""
    from tests.verify_helpers import checks, run
    s = "2026年度收入预算9626.78万元，比2025年年初预算数9819.98万元减少193.20万元，下降{}。"
    for pct, fires in (("1.97%", False), ("1.93%", True)):
        d = _sentence_figures(s.format(pct), [("amount", "9626.78万元", None),
                                              ("amount", "9819.98万元", None),
                                              ("change_amount", "193.20万元", "decrease"),
                                              ("change_percent", pct, "decrease")])
        assert (CheckId.narrative_change in checks(run(d)[0], "error")) is fires, pct


def test_a_base_in_parentheses_and_a_change_that_does_not_fit_the_two_years():
    """'比上年预算（上年290万元）增加42.14万元，增长14.53%' (42.14 / 290); and
    '29956.27万元，比…28479.84万元增加1476.73万元': the difference is 1476.43."""
    from tests.verify_helpers import checks, run
    s = "委托业务费预算为332.14万元，比上年预算（上年290万元）增加42.14万元，增长14.53%。"
    d = _sentence_figures(s, [("amount", "332.14万元", None), ("amount", "290万元", None),
                              ("change_amount", "42.14万元", "increase"),
                              ("change_percent", "14.53%", "increase")])
    assert not checks(run(d)[0]) & {CheckId.narrative_change}
    s = "2026年支出预算29956.27万元，比2025年年初预算数28479.84万元增加1476.73万元，增长5.18%。"
    d = _sentence_figures(s, [("amount", "29956.27万元", None), ("amount", "28479.84万元", None),
                              ("change_amount", "1476.73万元", "increase"),
                              ("change_percent", "5.18%", "increase")])
    [f] = [f for f in run(d)[0] if f.check == CheckId.narrative_change and f.severity.value != "info"]
    assert f.severity.value == "warning" and f.expected == Decimal("1476.43")


def test_a_change_amount_printed_like_the_figure_before_it_is_not_a_base():
    """'公务接待费1.00万元，较上年减少1.00万元，下降50.00%': the second 1.00 is the change
    (base 2.00); '费5万元，比上年减少15万元': 5万元 is not found inside 15万元."""
    from tests.verify_helpers import checks, run
    s = "公务接待费1.00万元，较上年减少1.00万元，下降50.00%，主要原因是压减。"
    d = _sentence_figures(s, [("amount", "1.00万元", None), ("change_amount", "1.00万元", "decrease"),
                              ("change_percent", "50.00%", "decrease")])
    assert CheckId.narrative_change not in checks(run(d)[0])
    s = "因公出国（境）费5万元，比上年减少15万元，下降75%。"
    d = _sentence_figures(s, [("amount", "5万元", None), ("change_amount", "15万元", "decrease"),
                              ("change_percent", "75%", "decrease")])
    assert CheckId.narrative_change not in checks(run(d)[0])


def test_a_list_of_xiang_codes_one_row_per_project_has_no_duplicates():
    """309f72dffb43.pdf p.8: the 一般公共预算支出表 prints 2200509 气象服务 once per project
    (23 rows, no 类/款 rows): the same 项 on several projects is no duplicate. A code printed
    twice under its printed parent still is (5f8f9471c2e0.pdf p.14: 219 | 21999 | 21999)."""
    from tests.verify_helpers import checks, disclosure, row, run, table
    listed = table("general_budget_expenditure", [
        row("2200509", "气象服务", total="53.00", project="53.00"),
        row("2200504", "气象事业机构", total="20.00", basic="20.00"),
        row("2200509", "气象服务", total="53.00", project="53.00")])
    assert CheckId.duplicate_code not in checks(run(disclosure([listed]))[0])
    nested = table("expenditure_summary", [
        row("219", "援助其他地区支出", total="502.00", project="502.00"),
        row("21999", "其他支出", total="502.00", project="502.00"),
        row("21999", "其他支出", total="502.00", project="502.00")])
    assert CheckId.duplicate_code in checks(run(disclosure([nested]))[0], "error")


def test_codes_listed_once_per_unit_under_unit_rows():
    """33d95084cb1c.pdf pp.184-186: the 政府性基金预算支出表 lists 212 / 21214 / 2121401 under
    each unit's row; each unit's block is checked alone (no duplicate, 212 = its own 21214)."""
    from tests.verify_helpers import checks, disclosure, row, run, table

    def unit(name: str, total: str):
        r = row(None, name, total=total, project=total)
        return r.model_copy(update={"unit_name": name})
    t = table("government_fund", [
        unit("深圳市水务局（本级）", "35,927.64"),
        row("212", "城乡社区支出", total="35,927.64", project="35,927.64"),
        row("21214", "污水处理费安排的支出", total="35,927.64", project="35,927.64"),
        row("2121401", "污水处理设施建设和运营", total="35,927.64", project="35,927.64"),
        unit("深圳市茅洲河流域管理中心", "20,537.80"),
        row("212", "城乡社区支出", total="20,537.80", project="20,537.80"),
        row("21214", "污水处理费安排的支出", total="20,537.80", project="20,537.80"),
        row("2121401", "污水处理设施建设和运营", total="20,537.80", project="20,537.80")])
    assert not checks(run(disclosure([t]))[0], "error")


def test_economic_codes_whose_parent_is_not_printed_sum_under_the_nearest_printed_one():
    """225b0d00e2b8.pdf p.35: 301 工资福利支出 7804.52 lists 30101 … and 3010201 / 3010202
    (津贴补贴, 改革性补贴) with no 30102 row: they count under 301."""
    from tests.verify_helpers import checks, disclosure, row, run, table
    t = table("basic_expenditure", [
        row("301", "工资福利支出", total="30.00", personnel="30.00"),
        row("30101", "基本工资", total="10.00", personnel="10.00"),
        row("3010201", "津贴补贴", total="15.00", personnel="15.00"),
        row("3010202", "改革性补贴", total="5.00", personnel="5.00")])
    assert CheckId.hierarchy not in checks(run(disclosure([t]))[0])
    t.rows[3].values["total"].value = Decimal("6.00")
    t.rows[3].values["total"].raw = "6.00"
    assert CheckId.hierarchy in checks(run(disclosure([t]))[0], "error")


def test_a_number_right_after_a_chinese_comma_is_grounded():
    """225b0d00e2b8.pdf p.21 prints '（509）100151.38 万元，102374.45 万元' with the second
    number glued to the full-width comma in one word; '1，234' is still one thousand."""
    assert Decimal("102374.45") in numbers_in("万元，102374.45")
    assert Decimal("1234") in numbers_in("1，234 万元")


def test_a_class_amount_of_the_overview_is_the_expenditure_summarys():
    """6df438a03d29.pdf: the 收支预算总体情况说明 states '教育支出（类）支出86,499.23万元', the
    支出总表 figure (all funds); the 一般公共预算支出表 prints 60,964.23 for 205."""
    from pipeline.extract.narrative import link_codes
    from tests.verify_helpers import checks, disclosure, figure, row, run, table
    spend = table("expenditure_summary", [row("205", "教育支出", total="86,499.23")], title="支出总表")
    general = table("general_budget_expenditure", [row("205", "教育支出", total="60,964.23")],
                    title="一般公共预算支出表")
    for raw, fires in (("86,499.23万元", False), ("60,964.23万元", False), ("70,000.00万元", True)):
        s = f"（1）教育支出（类）支出{raw}，主要用于教育活动支出。"
        d = disclosure([general, spend], [figure("amount", raw, "教育支出（类）支出", s)])
        link_codes(d.figures, d.tables)
        assert (CheckId.narrative_amount in checks(run(d)[0], "error")) is fires, raw


def test_class_lines_printed_in_several_tables_are_compared_without_rounding():
    """A 类 line of 收支总表 against 支出总表, and the 一般公共预算 column of 财政拨款收支总表
    and of 支出总表 against 一般公共预算支出表: two printings of one figure (held-out
    documents print 3845.25 vs 3845.24) differ by no rounding, so 0.01 is a warning."""
    from tests.verify_helpers import disclosure, row, run, table

    def docs(summary_line: str, fiscal_line: str):
        summary = table("income_expenditure_summary", [
            row(None, "一、一般公共服务支出", side="expenditure", amount=summary_line),
            row(None, "二、教育支出", side="expenditure", amount="33.04")], title="收支总表")
        fiscal = table("fiscal_summary", [
            row(None, "一、一般公共服务支出", side="expenditure", total=fiscal_line,
                general_budget=fiscal_line)], title="财政拨款收支总表")
        spend = table("expenditure_summary", [
            row("201", "一般公共服务支出", total="3845.25", basic="3845.25"),
            row("205", "教育支出", total="33.04", basic="33.04")], title="支出总表")
        general = table("general_budget_expenditure", [
            row("201", "一般公共服务支出", total="3845.25", basic="3845.25")],
            title="一般公共预算支出表")
        return disclosure([summary, fiscal, spend, general])

    def cross(d):
        return [f for f in run(d)[0] if f.check == CheckId.cross_table]
    assert not cross(docs("3845.25", "3845.25"))
    [f] = cross(docs("3845.24", "3845.25"))
    assert f.severity.value == "warning" and "201" in f.message and "收支总表" in f.message
    [f] = cross(docs("3845.25", "3845.23"))
    assert f.severity.value == "warning" and "财政拨款收支总表" in f.message
    _, summary = run(docs("3845.25", "3845.25"))
    assert summary.by_check[CheckId.cross_table].ran == 3  # 201 and 205 in 收支总表, 201 in 财政拨款


def test_a_project_table_total_that_counts_the_carry_over():
    """b5a0bb5c8b18.pdf p.28: 项目支出预算情况表 合计 9,798.66 includes 上年结转 54.24; the
    支出总表 (p.13) prints 项目支出 9,744.42 without it."""
    from tests.verify_helpers import checks, disclosure, row, run, table
    spend = table("expenditure_summary", [row(None, "合计", is_total=True, total="9744.42",
                                              project="9744.42")], title="支出总表")
    for carry, fires in (("54.24", False), ("50.00", True)):
        project = table("project_expenditure", [
            row(None, "合计", is_total=True, total="9,798.66", carryover=carry)], title="项目支出表")
        assert (CheckId.cross_table in checks(run(disclosure([spend, project]))[0], "error")) is fires


def test_a_new_number_label_under_the_same_title_starts_a_new_table():
    """西安市民政局 2021 (688bbf25c986): 表5 and 表6 print the same title, told apart by a
    subtitle line (按支出功能分类科目 / 按支出经济分类科目). 表6 on p.48 is a table of its own,
    classified by its subtitle, not a continuation of 表5 whose columns it does not share."""
    d = _extract("688bbf25c986.pdf")
    t5 = next(t for t in d.tables if 46 in t.pages)
    t6 = next(t for t in d.tables if 48 in t.pages)
    assert t5 is not t6 and t5.pages == [46, 47]
    assert "按支出经济分类科目" in t6.title and t6.kind.value == "basic_expenditure"
    total = next(r for r in t6.rows if r.is_total)
    assert str(total.values[next(iter(total.values))].value) == "535987052.43"  # 合计, p.48


def test_a_continuation_whose_code_cell_spans_the_header_code_columns_joins_the_table():
    """西南大学 2023 决算 表4 (86287b24a939): the header rules the code into 类|款|项 columns;
    page 15 prints each code in one merged cell, so it has fewer column rules. It is the
    same frame, so page 15 continues 表4, its amounts in the header's columns."""
    d = _extract("86287b24a939.pdf")
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    assert t.pages == [14, 15]
    rows = {r.code: r for r in t.rows if r.code}
    assert str(rows["208"].values[ColumnKey.total].value) == "13345.79"  # p.15
    assert str(rows["208"].values[ColumnKey.basic].value) == "13345.79"
    assert str(rows["2060204"].values[ColumnKey.project].value) == "1707.93"


def test_a_continuation_printed_with_another_margin_joins_the_table():
    """西安市人社局 2020 表8 (225b0d00e2b8): page 40 prints the same columns 9 pt further
    left than page 39. It continues 表8: 302 商品和服务支出 621.37 is the sum of its 款 rows
    on both pages, so no hierarchy error is raised."""
    d = _extract("225b0d00e2b8.pdf")
    t = next(t for t in d.tables if 39 in t.pages)
    assert t.pages == [39, 40]
    assert not [f for f in d.flags if f.check == CheckId.hierarchy and f.severity.value == "error"]


def test_a_title_wrapped_over_two_lines_is_read_whole():
    """西安市民政局 2021 (688bbf25c986, p.77): '2021年部门综合预算“三公”经费、' / '会议费、培训费
    支出预算表（不含上年结转）'. The second line alone reads as a 支出表; the title is the
    三公 table. Its 序号 column holds row numbers, not amounts."""
    d = _extract("688bbf25c986.pdf")
    t = next(t for t in d.tables if 77 in t.pages)
    assert t.kind.value == "three_public" and "三公" in t.title
    assert not [r for r in t.rows if "序号" in r.other]


def test_whole_yuan_amounts_under_an_amount_header_are_amounts_not_codes():
    """西安市科学技术局 2022 专项业务经费支出表 (d8b69a4ecb5c, p.57): 项目金额 prints whole 元
    without separators (合计 889510000); a column headed by an amount word is never a code
    column. And 财政拨款结转资金支出表 (p.59) is not the 支出总表."""
    from pipeline.segment.classify import classify_title

    d = _extract("d8b69a4ecb5c.pdf")
    t = next(t for t in d.tables if t.kind.value == "project_expenditure")
    total = next(r for r in t.rows if r.name == "合计")
    assert str(next(iter(total.values.values())).value) == "889510000"
    assert classify_title("2022部门综合预算财政拨款结转资金支出表").value == "other"


def test_round_amounts_before_a_unit_are_not_printed_codes():
    """'20000元' and '23880人次' in indicator tables are figures, not 款 codes (a 款 or 项
    part is never 00; class 238 does not exist): they raise no codes_outside warning."""
    assert printed_codes({40: "20000\n元\n23880\n人次\n2010101\n行政运行"}) == {"2010101": 40}


def test_a_summary_table_printing_function_and_purpose_blocks_reads_both():
    """江苏省人民检察院 2019 收支预算总表 (68beaee94eda, p.14): under 支出 it prints a 功能分类
    block and a 支出用途 block side by side, each numbered from 一、, and 三、单位预留机动经费
    wraps onto a second grid row with its figure. Every 支出用途 line keeps its own figure,
    and the balance check sums the block that ends at 当年支出小计."""
    d = _extract("68beaee94eda.pdf")
    t = next(t for t in d.tables if t.kind.value == "income_expenditure_summary")
    spend = {r.name: str(r.values[ColumnKey.amount].value) for r in t.rows
             if r.side == "expenditure" and ColumnKey.amount in r.values}
    assert spend["一、基本支出"] == "15844.04" and spend["二、项目支出"] == "4335.30"
    reserve = next(v for k, v in spend.items() if k.startswith("三、单位预留机动经"))
    assert reserve == "3990.40" and spend["当年支出小计"] == "24169.74"
    assert not [f for f in d.flags if f.check == CheckId.balance and f.severity.value == "error"]


def test_whole_figures_under_a_three_public_header_are_not_codes():
    """Same document, p.20: 公务用车购置及运行维护费/小计 prints 237 (万元); a column named by
    an amount vocabulary word is never a code column."""
    d = _extract("68beaee94eda.pdf")
    t = next(t for t in d.tables if t.kind.value == "three_public")
    row = next(r for r in t.rows if r.values)
    assert row.code is None and str(row.values[ColumnKey.vehicle_total].value) == "237"
    assert str(row.values[ColumnKey.abroad].value) == "80"


def test_a_header_word_run_across_a_column_rule_is_cut_at_the_rule():
    """无锡市信访局 三公 (e89865852e80, p.21): the text layer runs 公务用车购置费 and 公务用车
    运行维(护费) together as one word over two header cells; cut at the rule, each column
    gets its own label and 运行维护费 its key."""
    d = _extract("e89865852e80.pdf")
    t = next(t for t in d.tables if t.kind.value == "three_public")
    assert "公务用车购置及运行维护费/公务用车运行维护费" in t.columns
    assert ColumnKey.vehicle_operation in t.column_keys and ColumnKey.vehicle_purchase in t.column_keys


def test_department_of_a_cover_whose_title_has_no_text_layer():
    """北京市气象局 2026 (bcf00dbe0b7c): the cover's title glyphs carry no text, and the
    narrative's '8 个直属单位：北京市气象台、…' is a list, not a 单位： line. The body names
    北京市气象局 most often: that is the department."""
    d = _extract("bcf00dbe0b7c.pdf")
    assert d.metadata.department == "北京市气象局" and d.metadata.year == 2026


def test_a_narrative_only_file_says_once_that_its_tables_are_elsewhere():
    """北京市信访办公室 2026 (0712b170dd43): the contents list the nine standard tables of
    the 报表 file published separately; one warning says so, not one per table."""
    d = _extract("0712b170dd43.pdf")
    missing = [f for f in d.flags if f.check == CheckId.table_missing]
    assert len(missing) == 1 and "separate file" in missing[0].message
    assert missing[0].severity.value == "warning"
