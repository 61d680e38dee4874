"""Text from converters: spans exact in the original file, pages, aligned tables, wrapped
numbers. Small synthetic texts written here; the figures asserted are the ones printed in
them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipeline.ingest.reader import read_document, split_text_pages
from pipeline.layout.blocks import Grid
from pipeline.layout.text import char_width, layout_text_page, line_tokens
from pipeline.numbers import join_wrapped, numbers_across_breaks
from pipeline.run import extract_document
from schemas.flags import CheckId
from schemas.tables import ColumnKey
from tests.small_docs import SMALL_BUDGET

ALIGNED = """某某市测试局
2024年部门预算

一般公共预算支出表
                                                             单位：万元
  科目编码      科目名称                合计        基本支出      项目支出

              合计                    30.00          20.00         10.00
  201         一般公共服务支出        30.00          20.00         10.00
  20101       人大事务                30.00          20.00         10.00
  2010101     行政运行                20.00          20.00
  2010199     其他人大事务支出        10.00                        10.00
"""


def _spans_exact(path: Path, d) -> int:
    """Every table amount and narrative figure: its span, sliced from the file read with
    newline='' (CRLF kept), is the printed string. Returns how many were checked."""
    with open(path, encoding="utf-8", newline="") as fh:
        original = fh.read()
    n = 0
    for t in d.tables:
        for r in t.rows:
            for a in r.values.values():
                s, e = a.provenance.span
                assert original[s:e] == a.raw, (a.raw, original[s:e])
                n += 1
    for f in d.figures:
        s, e = f.provenance.span
        assert original[s:e].replace("\r\n", "\n").replace("\n", "") == f.raw.replace("\n", ""), (
            f.raw, original[s:e])
        n += 1
    return n


def test_crlf_file_spans_are_exact(tmp_path):
    p = tmp_path / "crlf.txt"
    p.write_bytes(SMALL_BUDGET.replace("\n", "\r\n").encode("utf-8"))
    d = extract_document(p)
    assert _spans_exact(p, d) >= 10
    [table] = [t for t in d.tables if t.rows]
    assert table.rows[-1].values["total"].raw == "10.00"


def test_bom_and_cr_only_line_ends(tmp_path):
    p = tmp_path / "cr.txt"
    p.write_bytes(b"\xef\xbb\xbf" + SMALL_BUDGET.replace("\n", "\r").encode("utf-8"))
    d = extract_document(p)
    assert d.metadata.year == 2024
    assert _spans_exact(p, d) >= 10


def test_display_columns_count_cjk_as_two_or_one():
    assert char_width("合") == 2 and char_width("1") == 1 and char_width("合", 1) == 1
    [page] = split_text_pages("合计  1.00\n")
    toks = line_tokens(page.lines[0])
    assert [(t.text, t.x0, t.x1) for t in toks] == [("合计", 0, 4), ("1.00", 6, 10)]


def test_aligned_table_becomes_a_grid_with_blank_cells_in_place(tmp_path):
    [page] = split_text_pages(ALIGNED)
    [grid] = [b for b in layout_text_page(page) if isinstance(b, Grid)]
    rows = [r.texts(grid.ncols) for r in grid.rows]
    assert rows[0] == ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    assert rows[4] == ["2010101", "行政运行", "20.00", "20.00", ""]
    assert rows[5] == ["2010199", "其他人大事务支出", "10.00", "", "10.00"]
    p = tmp_path / "aligned.txt"
    p.write_text(ALIGNED, encoding="utf-8")
    d = extract_document(p)
    [t] = [t for t in d.tables if t.kind.value == "general_budget_expenditure"]
    by_code = {r.code: r for r in t.rows}
    assert by_code["2010199"].values["project"].raw == "10.00"
    assert "basic" not in by_code["2010199"].values
    assert _spans_exact(p, d) >= 10


def test_wrapped_name_lines_join_their_row():
    text = ("  科目编码   科目名称              合计       基本支出\n"
            "  201        一般公共服务支出      30.00      30.00\n"
            "             其他一般公共服务支\n"
            "  20199                            30.00      30.00\n"
            "             出\n")
    [page] = split_text_pages(text)
    [grid] = [b for b in layout_text_page(page) if isinstance(b, Grid)]
    names = [r.texts(grid.ncols)[1] for r in grid.rows]
    assert names == ["科目名称", "一般公共服务支出", "其他一般公共服务支出"]


def test_page_markers_and_printed_page_numbers_split_pages():
    marked = "封面\n<!-- page 2 -->\n第二页\n<!-- page 3 -->\n第三页\n"
    assert len(split_text_pages(marked)) == 3
    numbered = "第一页正文\n- 1 -\n第二页正文\n—2—\n第三页正文\n第 3 页\n"
    pages = split_text_pages(numbered)
    assert [[ln.text for ln in p.lines] for p in pages] == [
        ["第一页正文", "- 1 -"], ["第二页正文", "—2—"], ["第三页正文", "第 3 页"]]
    # numbers that do not rise in order are figures, not page numbers
    assert len(split_text_pages("正文\n- 5 -\n正文\n- 2 -\n")) == 1


def test_wrapped_number_is_read_whole_by_extraction_and_grounding(tmp_path):
    assert join_wrapped(["支出192.2", "", "9 万元。"]) == "支出192.29 万元。"
    assert numbers_across_breaks(["支出192.2", "", "9 万元。"]) == ["192.29"]
    text = SMALL_BUDGET.replace(
        "2024年收入预算30.00万元，", "2024年收入预算30.00万元，其中基本支出192.2\n\n9 万元，")
    p = tmp_path / "wrapped.txt"
    p.write_text(text, encoding="utf-8")
    d = extract_document(p)
    assert any(f.value == Decimal("192.29") for f in d.figures)
    assert not [f for f in d.flags if f.check == CheckId.ungrounded]


def test_read_document_keeps_the_file_text(tmp_path):
    p = tmp_path / "x.txt"
    raw = "2024年部门预算\r\n合计\t1.00\r\n"
    p.write_bytes(raw.encode("utf-8"))
    doc = read_document(p)
    assert doc.text == raw
    ln = doc.pages[0].lines[1]
    assert raw[ln.start:ln.end] == "合计\t1.00"


def test_title_with_its_year_on_a_line_of_its_own(tmp_path):
    text = SMALL_BUDGET.replace("某某市测试局\n2024年部门预算", "某某市测试局\n年度部门决算\n2024")
    p = tmp_path / "year-below.txt"
    p.write_text(text, encoding="utf-8")
    m = extract_document(p).metadata
    assert (m.department, m.year, m.kind.value) == ("某某市测试局", 2024, "final_account")


def _grid_texts(text: str) -> list[list[str]]:
    [page] = split_text_pages(text)
    [grid] = [b for b in layout_text_page(page, state={}) if isinstance(b, Grid)]
    return [r.texts(grid.ncols) for r in grid.rows]


def test_markdown_code_parts_in_separate_cells_are_joined_by_their_column():
    # markitdown: 类 and 款 share the first column, 项 one column right, names wander
    text = ("| 科目编码 |    |          | 合计  |\n"
            "| 类 款    | 项 | 科目名称 |       |\n"
            "| ---      | --- | ---     | ---   |\n"
            "| 205      | 教育支出 |     | 16.00 |\n"
            "| 08       | 进修及培训 |   | 16.00 |\n"
            "|          | 03 | 培训支出   | 16.00 |\n")
    rows = _grid_texts(text)
    assert [r[:2] for r in rows[1:]] == [["205", "教育支出"], ["20508", "进修及培训"],
                                        ["2050803", "培训支出"]]
    assert rows[0][2] == "合计" and [r[2] for r in rows[1:]] == ["16.00"] * 3


def test_markdown_br_splits_merged_rows_and_code_from_name():
    # pymupdf4llm: '03<br>培训支出' is a code and a name; two rows merged with <br>
    text = ("|类<br>款|项|科目名称|合计|基本支出|\n"
            "|---|---|---|---|---|\n"
            "|205|||教育支出|16.00|\n"
            "|08|||进修及培训|16.00|\n"
            "||03<br>培训支出|||16.00|\n"
            "||04<br>05|培训<br>其他|1.00<br>2.00|1.00<br>2.00|\n")
    rows = _grid_texts(text)
    codes = [r[0] for r in rows[1:]]
    assert codes == ["205", "20508", "2050803", "2050804", "2050805"]
    assert [r[-1] for r in rows[-2:]] == ["1.00", "2.00"]


def test_markdown_br_rows_split_when_labels_say_so_though_a_cell_has_one_line():
    # pymupdf4llm: two rows merged with <br>; the 项目支出 cell of the second row is blank,
    # so that cell holds one line: it stays with the first row
    text = ("|支出功能分类科目|部门经济分类科目|合计|基本支出|项目支出|\n"
            "|---|---|---|---|---|\n"
            "|2050803-培训支出<br>2080501-行政单位离退休|30216-培训费<br>30299-其他|"
            "122.80<br>319.23|109.60<br>319.23|13.20|\n")
    rows = _grid_texts(text)
    assert [r[-3:] for r in rows[1:]] == [["122.80", "109.60", "13.20"], ["319.23", "319.23", ""]]
    assert rows[2][0].startswith("2080501")


def test_markdown_line_numbers_in_cells_of_their_own_are_never_joined_into_a_code():
    # markitdown: a piece of a two-sided table whose 行次 cells (13, 40) sit apart
    text = ("|   |   | 13 |   |   | 40 |   | 1531.04 | 1531.04 |   | 0.00 |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
    assert not any("1340" in c for r in _grid_texts(text) for c in r)


def test_markdown_header_fragments_join_and_heading_moves_onto_its_amounts():
    # a wrapped heading over two rows is one label; 预算数 printed over the empty column
    # left of its amounts moves onto them
    text = ("| 收入 |    |        |    |\n"
            "| --- | --- | --- | --- |\n"
            "| 项目 |    | 预算数 |    |\n"
            "| 一、财政拨款收入 |  |  | 5,274.99 |\n"
            "| 二、事业收入 |  |  | 329.34 |\n")
    rows = _grid_texts(text)
    assert rows[0] == ["收入项目", "预算数"]
    assert rows[1] == ["一、财政拨款收入", "5,274.99"]
    text = ("|科目编码|一般公共预|政府性基金|\n"
            "|---|---|---|\n"
            "||算收入|预算收入|\n"
            "|201|1.00|2.00|\n")
    assert _grid_texts(text)[0][-2:] == ["一般公共预算收入", "政府性基金预算收入"]

# ------------------------------------------------------------------ streamed text

RAW_ROWS = """某某市测试局
2024年部门预算

一般公共预算支出表
单位：万元
科目编码 科目名称 合计 基本支出 项目支出
小计 人员经费 公用经费
合 计 30.00 20.00 15.00 5.00 10.00
201 一般公共服务支出 30.00 20.00 15.00 5.00 10.00
01 人大事务 30.00 20.00 15.00 5.00 10.00
01 行政运行 20.00 20.00 15.00 5.00
99 其他人大事务支出 10.00 10.00
"""

CELL_PER_LINE = """某某市测试局
2024年部门预算

一般公共预算支出表
单位：万元
科目编码
科目名称
合计
基本支出
项目支出
小计
人员经费
公用经费
合计
30.00
20.00
15.00
5.00
10.00
2010101
行政运行
20.00
20.00
15.00
5.00
2010199
其他人大事务
支出
10.00
10.00
"""


def _stream_table(tmp_path: Path, text: str):
    p = tmp_path / "doc.txt"
    p.write_text(text, encoding="utf-8")
    d = extract_document(p)
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    return p, d, {r.code or r.name: r for r in t.rows}


def test_raw_rows_place_short_rows_by_identities(tmp_path: Path) -> None:
    """One row per line, blank cells vanished: 基本 = 人员 + 公用 and 合计 = 基本 + 项目 put
    a row's amounts in their columns; 款/项 parts printed alone get the full code."""
    p, d, rows = _stream_table(tmp_path, RAW_ROWS)
    run = rows["2010101"]
    assert {k.value: str(a.value) for k, a in run.values.items()} == {
        "total": "20.00", "basic": "20.00", "personnel": "15.00", "public": "5.00"}
    other = rows["2010199"]
    assert {k.value: str(a.value) for k, a in other.values.items()} == {
        "total": "10.00", "project": "10.00"}
    assert "20101" in rows and rows["合计"].values[next(iter(rows["合计"].values))].value == \
        Decimal("30.00")
    assert _spans_exact(p, d) > 0


def test_cell_per_line_rows_and_wrapped_names(tmp_path: Path) -> None:
    """One cell per line: a row is its code, its name (wrapped lines joined), its amounts."""
    _, _, rows = _stream_table(tmp_path, CELL_PER_LINE)
    assert rows["2010199"].name == "其他人大事务支出"
    assert {k.value: str(a.value) for k, a in rows["2010199"].values.items()} == {
        "total": "10.00", "project": "10.00"}
    assert str(rows["2010101"].values[next(k for k in rows["2010101"].values
                                           if k.value == "personnel")].value) == "15.00"


def test_a_final_account_without_a_title_page_is_a_final_account(tmp_path):
    """A text that starts in chapter one of a 决算 (no title line naming year and kind) is a
    final account when it speaks of 决算 more than of 预算."""
    from pipeline.run import extract_document

    text = ("一、部门基本情况\n本部门2023年度决算收支情况如下。\n"
            "二、收入支出决算总体情况说明\n2023年度收入总计1,234.56万元，与年初预算相比增加10.00万元。\n"
            "三、财政拨款支出决算情况说明\n2023年度财政拨款支出决算数为1,200.00万元。\n")
    p = tmp_path / "chapter.txt"
    p.write_text(text, encoding="utf-8")
    d = extract_document(p)
    assert d.metadata.kind.value == "final_account" and d.metadata.year == 2023

def _grid_rows(text: str) -> list[list[str]]:
    [page] = split_text_pages(text)
    [grid] = [b for b in layout_text_page(page) if isinstance(b, Grid)]
    return [r.texts(grid.ncols) for r in grid.rows]


def test_amounts_whose_right_edges_drift_stay_in_their_column():
    # pdftotext -layout places each figure to a column or so: the right edges of the 合计
    # figures lie two columns apart (30, 32, 31 counting a CJK character as one)
    text = ("科目编码  科目名称            合计      基本支出    项目支出\n"
            "205       教育支出          452.18      344.18      108.00\n"
            "20502     普通教育          9,815.55    9,022.18    793.37\n"
            "2050202   小学教育         1,170.85    1,170.85\n")
    rows = _grid_rows(text)
    assert rows[0] == ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    assert rows[2] == ["20502", "普通教育", "9,815.55", "9,022.18", "793.37"]
    assert rows[3] == ["2050202", "小学教育", "1,170.85", "1,170.85", ""]


def test_label_rows_without_figures_stay_rows_and_keep_the_table_whole():
    text = ("项目                          预算数\n"
            "一、一般公共预算拨款收入        30.00\n"
            "二、政府性基金预算拨款收入\n"
            "三、国有资本经营预算拨款收入\n"
            "四、财政专户管理资金收入\n"
            "五、事业收入                    5.00\n"
            "本年收入合计                   35.00\n")
    rows = _grid_rows(text)
    assert [r[0] for r in rows] == ["项目", "一、一般公共预算拨款收入", "二、政府性基金预算拨款收入",
                                    "三、国有资本经营预算拨款收入", "四、财政专户管理资金收入",
                                    "五、事业收入", "本年收入合计"]
    assert rows[5] == ["五、事业收入", "5.00"]


def test_indented_names_are_one_column_and_code_parts_are_columns_of_their_own():
    indented = ("支出项目类别              总计       基本支出\n"
                "深圳市信访局             30.00      30.00\n"
                "   工资福利支出          20.00      20.00\n"
                "     基本工资            20.00      20.00\n"
                "   商品和服务支出        10.00      10.00\n")
    rows = _grid_rows(indented)
    assert [len(r) for r in rows] == [3] * 5
    assert rows[3] == ["基本工资", "20.00", "20.00"]
    parts = ("类   款   项   科目名称              合计\n"
             "205            教育支出              16.00\n"
             "     08        进修及培训            16.00\n"
             "          03   培训支出              10.00\n"
             "          04   其他培训支出           6.00\n"
             "     09        其他教育支出           0.00\n")
    rows = _grid_rows(parts)
    assert rows[2][:4] == ["", "08", "", "进修及培训"]
    assert rows[3][:4] == ["", "", "03", "培训支出"]


def test_a_group_heading_spans_the_columns_labelled_below_it():
    text = ("                            本年收入\n"
            "科目名称       合计      小计      事业收入\n"
            "教育支出      30.00     20.00      10.00\n"
            "培训支出      30.00     20.00      10.00\n")
    [page] = split_text_pages(text)
    [grid] = [b for b in layout_text_page(page) if isinstance(b, Grid)]
    [heading] = [c for c in grid.rows[0].cells if c.text == "本年收入"]
    assert (heading.col, heading.span) == (1, 3) or (heading.col, heading.span) == (2, 2)


def test_a_name_wrapped_around_its_figures_is_one_row():
    # the converter prints a two-line name centred on its figures: first part above them,
    # the rest below
    text = ("项目                          行次       合计     基本支出\n"
            "六、科学技术支出               33         0.00       0.00\n"
            "七、文化旅游体育与传媒支\n"
            "                               34         5.00       5.00\n"
            "出\n"
            "八、社会保障和就业支出         35        76.23      76.23\n")
    rows = _grid_rows(text)
    assert [r[0] for r in rows[1:]] == ["六、科学技术支出", "七、文化旅游体育与传媒支出",
                                        "八、社会保障和就业支出"]
    assert rows[2][-2:] == ["5.00", "5.00"] and rows[3][-1] == "76.23"


def test_a_heading_does_not_span_the_grand_total_column():
    text = ("                           财政拨款收入\n"
            "科目名称        合计        小计      一般公共预算\n"
            "教育支出       30.00       20.00        20.00\n"
            "培训支出       30.00       20.00        20.00\n")
    [page] = split_text_pages(text)
    [grid] = [b for b in layout_text_page(page) if isinstance(b, Grid)]
    [heading] = [c for c in grid.rows[0].cells if c.text == "财政拨款收入"]
    assert heading.col == 2  # over 小计 and 一般公共预算, not 合计
    p_rows = [r.texts(grid.ncols) for r in grid.rows]
    assert p_rows[-1] == ["培训支出", "30.00", "20.00", "20.00"]


def test_a_table_cut_at_a_page_break_goes_on_in_its_columns(tmp_path):
    text = ("一般公共预算基本支出表\n"
            "                                                单位：万元\n"
            "科目编码   科目名称               合计         人员经费       公用经费\n"
            "301        工资福利支出          50.00          50.00\n"
            "30101      基本工资              50.00          50.00\n"
            "310        资本性支出           260.00                        260.00\n"
            "31002      办公设备购置          60.00                         60.00\n"
            "31003      专用设备购置\n"
            "\f"
            "31009      土地补偿\n"
            "31010      安置补助\n"
            "31013      公务用车购置         200.00                        200.00\n")
    p = tmp_path / "cut.txt"
    p.write_text(text, encoding="utf-8")
    d = extract_document(p)
    [t] = [t for t in d.tables if t.kind.value == "basic_expenditure"]
    by_code = {r.code: r for r in t.rows}
    assert by_code["31013"].values["total"].raw == "200.00"
    assert by_code["31013"].values["public"].raw == "200.00"
    assert "personnel" not in by_code["31013"].values
    assert not [f for f in d.flags if f.severity == "error"]


def test_a_repeated_header_maps_the_next_page_onto_the_table_columns(tmp_path):
    # page 1 prints the unit in a column of its own; page 2 repeats the header but has no
    # unit line, so its text columns are one fewer: figures follow their labels
    head = ("一般公共预算支出表（按经济分类）\n"
            "                                                            单位：万元\n"
            "   预算单位     科目编码      科目名称         支出总计      基本支出      项目支出\n")
    text = (head +
            "深圳市信访局                                     40.00         30.00         10.00\n"
            "             301           工资福利支出           30.00         30.00          0.00\n"
            "\f" + head +
            "             302           商品和服务支出         10.00          0.00         10.00\n"
            "             30202         印刷费                 10.00          0.00         10.00\n")
    p = tmp_path / "pages.txt"
    p.write_text(text, encoding="utf-8")
    d = extract_document(p)
    [t] = [t for t in d.tables if t.rows]
    by_code = {r.code: r for r in t.rows if r.code}
    assert by_code["30202"].name == "印刷费"
    assert {k.value: v.raw for k, v in by_code["30202"].values.items()} == {
        "total": "10.00", "basic": "0.00", "project": "10.00"}


def test_single_spaced_rows_of_one_figure_are_read_in_order():
    # a converter that flattened the table: each figure follows its label after one space,
    # so where it ends says nothing about its column
    text = ("部门预算支出经济科目 预算\n"
            "合计 3,204.78\n"
            "[301]工资福利支出 2,577.42\n"
            "[30101]基本工资 374.86\n"
            "[30108]机关事业单位基本养老保险缴费 199.06\n")
    rows = _grid_rows(text)
    assert rows[0] == ["部门预算支出经济科目", "预算"]
    assert [r[1] for r in rows[1:]] == ["3,204.78", "2,577.42", "374.86", "199.06"]


def test_identity_failures_in_inferred_text_tables_are_warnings(tmp_path):
    """A table whose columns were inferred from converter text (not tab-separated, not
    ruled) may misplace a figure: a failed identity there is a warning that says so, never
    an error claimed against the document."""
    from pipeline.run import extract_document

    text = ("2024年XX局部门预算\n一般公共预算支出表\n单位：万元\n"
            "科目编码   科目名称              合计      基本支出    项目支出\n"
            "           合计                100.00      60.00       40.00\n"
            "201        一般公共服务支出      90.00      60.00       30.00\n"
            "20101      人大事务              80.00      60.00       20.00\n")
    p = tmp_path / "aligned.txt"
    p.write_text(text, encoding="utf-8")
    d = extract_document(p)
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    assert t.layout_inferred
    failed = [f for f in d.flags if f.check == CheckId.hierarchy and f.table == t.title]
    assert failed and all(f.severity.value == "warning" and "inferred" in f.message for f in failed)

def test_a_figure_wrapped_in_its_cell_does_not_break_the_table_nor_land_in_a_cell():
    text = ("功能分类科目名称          合计          小计        项目支出\n"
            "                                                  21,118.5\n"
            "合计                 91,842.80       70,724.29\n"
            "                                                         1\n"
            "一般公共服务支出     12,868.19       12,868.19\n"
            "公共安全支出         69,081.15       60,830.83        8,250.32\n")
    rows = _grid_rows(text)
    assert [r[0] for r in rows] == ["功能分类科目名称", "合计", "一般公共服务支出", "公共安全支出"]
    # 21,118.51 is printed whole nowhere: neither part lands in a cell
    assert not [c for r in rows for c in r if c in ("21,118.5", "1")]
    assert [c for c in rows[1][1:] if c] == ["91,842.80", "70,724.29"]
    assert [c for c in rows[3][1:] if c] == ["69,081.15", "60,830.83", "8,250.32"]


def test_a_name_begun_above_its_figures_ends_on_the_line_below_them():
    text = ("支出项目类别          总计       小计\n"
            "   奖金              216.88     216.88\n"
            "   机关事业单位基本养老保险缴\n"
            "                     175.00     175.00\n"
            "费\n"
            "   职业年金缴费       87.16      87.16\n")
    rows = _grid_rows(text)
    assert [r[0] for r in rows[1:]] == ["奖金", "机关事业单位基本养老保险缴费", "职业年金缴费"]
    assert rows[2][1:] == ["175.00", "175.00"]


def test_figures_pushed_past_their_column_by_the_figure_before_them_stay_in_it():
    # pdfplumber prints a figure one space after the one before it when they crowd: the
    # project figure of the first two rows ends further right than the column's other ones
    text = ("  科目代码     科目名称                合计       基本支出    项目支出\n"
            "  205          教育支出            220,139.76 183,484.57 36,655.19\n"
            "  20502        普通教育            217,148.74 182,313.72 34,835.02\n"
            "  2050202      小学教育              8,479.96   7,930.96     549.00\n"
            "  2050204      高中教育             17,621.42  16,689.42     932.00\n")
    rows = _grid_rows(text)
    assert rows[0][-3:] == ["合计", "基本支出", "项目支出"]
    assert [r[-1] for r in rows[1:]] == ["36,655.19", "34,835.02", "549.00", "932.00"]


def test_markdown_rows_printed_without_pipes_inside_a_table_take_its_columns():
    # markitdown: rows of one table printed as plain text between its pipe rows; their
    # figures fill the amount columns when they print as many, else those of the nearest
    # pipe row printing as many
    text = ("| 科目编码 | 科目名称 | 合计  | 基本支出 | 项目支出 |\n"
            "| ---      | ---      | ---   | ---      | ---      |\n"
            "|          | 合计     | 30.00 | 20.00    | 10.00    |\n"
            "201 一般公共服务支出 30.00 20.00 10.00\n"
            "| 20101    | 人大事务 | 30.00 | 20.00    | 10.00    |\n"
            "2010101 行政运行 20.00 20.00\n"
            "| 2010199  | 其他事务 | 10.00 |          | 10.00    |\n")
    rows = _grid_texts(text)
    assert rows[2][-3:] == ["30.00", "20.00", "10.00"] and "201" in rows[2][0]
    # two figures of three: the nearest pipe row printing two places them (合计, 项目支出)
    assert rows[4][-3:] == ["20.00", "", "20.00"] and "2010101" in rows[4][0]


def test_markdown_plain_rows_of_a_two_sided_table_stay_lines():
    text = ("| 收入项目 | 预算数 | 支出项目 | 预算数 |\n"
            "| --- | --- | --- | --- |\n"
            "| 一、财政拨款 | 5.00 | 一、教育支出 | 5.00 |\n"
            "二、事业收入 三、科学技术支出 1.00 2.00\n"
            "| 合计 | 6.00 | 合计 | 7.00 |\n")
    assert not any("1.00" in c for r in _grid_texts(text) for c in r)


def test_markdown_headings_one_column_off_around_an_empty_column_move_onto_their_figures():
    # markitdown: 基本支出 printed over the blank column left of its figures, 项目支出 over
    # 基本支出's figures, nothing over 项目支出's
    text = ("| 科目编码 | 科目名称 | 合计  | 基本支出 | 项目支出 |       |\n"
            "| ---      | ---      | ---   | ---      | ---      | ---   |\n"
            "| 201      | 一般公共服务支出 | 30.00 |   | 20.00    | 10.00 |\n"
            "| 20101    | 人大事务 | 30.00 |          | 20.00    | 10.00 |\n")
    rows = _grid_texts(text)
    assert rows[0][-3:] == ["", "基本支出", "项目支出"]
    assert rows[1][-3:] == ["", "20.00", "10.00"]


def test_markdown_label_group_is_named_by_the_heading_over_its_filled_column():
    # a unit row of zeros under 预算单位 | 科目编码 | 科目名称: the label column is the unit's
    text = ("|预算单位|科目编码|科目名称|支出总计|基本支出|项目支出|\n"
            "|---|---|---|---|---|---|\n"
            "|深圳市测试局|||0.00|0.00|0.00|\n")
    rows = _grid_texts(text)
    assert rows[0] == ["预算单位", "支出总计", "基本支出", "项目支出"]
    assert rows[1][0] == "深圳市测试局"


def test_markdown_header_pieces_around_a_heading_printed_apart_are_one_header():
    # markitdown: the header's pipe rows broken by a heading printed outside them (事业收入);
    # the pieces above and below are one header, the heading stays a line
    text = ("| 科目编码 |          |       | 财政拨款收入 |\n"
            "| ---      | ---      | ---   | ---          |\n"
            "事业收入\n"
            "|          |          |       |              |\n"
            "| ---      | ---      | ---   | ---          |\n"
            "|          | 科目名称 | 合计  | 小计         |\n"
            "| 205      | 教育支出 | 16.00 | 16.00        |\n")
    [page] = split_text_pages(text)
    blocks = layout_text_page(page, state={})
    [grid] = [b for b in blocks if isinstance(b, Grid)]
    rows = [r.texts(grid.ncols) for r in grid.rows]
    assert rows == [["科目编码", "科目名称", "合计", "财政拨款收入小计"],
                    ["205", "教育支出", "16.00", "16.00"]]
    assert "事业收入" in [getattr(b, "text", "") for b in blocks]
    # a total's label printed above its figures is not a heading: the header ends there
    text = ("| 科目编码 | 科目名称 | 合计 |\n"
            "| --- | --- | --- |\n"
            "合计\n"
            "| | | 16.00 |\n"
            "| --- | --- | --- |\n")
    [page] = split_text_pages(text)
    grids = [b for b in layout_text_page(page, state={}) if isinstance(b, Grid)]
    assert len(grids) == 2


def test_aligned_header_label_listing_words_with_a_comma_is_not_prose():
    # pdftotext -layout / pdfplumber: 小型、微型企业 wrapped in a header cell; the header
    # goes on above it (its 、 lists two words, it does not end a sentence)
    text = ("  科目编码  科目名称        合计      预留给小\n"
            "                                      型、微型企业\n"
            "  201       一般公共服务支出   30.00     10.00\n"
            "  20101     人大事务           30.00     10.00\n")
    [page] = split_text_pages(text)
    [grid] = [b for b in layout_text_page(page) if isinstance(b, Grid)]
    rows = [r.texts(grid.ncols) for r in grid.rows]
    assert rows[0][:3] == ["科目编码", "科目名称", "合计"]
    assert rows[0][3].startswith("预留给小")


def test_markdown_unit_line_inside_a_header_cell_leaves_the_cell_its_label():
    # pymupdf4llm: the unit printed above a heading in one cell; the row stays the header
    text = ("|科目编码|科目名称|合计|预算数<br>人员经费|金额单位：万元<br>公用经费|\n"
            "|---|---|---|---|---|\n"
            "|30101|基本工资|3.00|3.00||\n"
            "|30201|办公费|1.00||1.00|\n")
    [page] = split_text_pages(text)
    blocks = layout_text_page(page, state={})
    [grid] = [b for b in blocks if isinstance(b, Grid)]
    rows = [r.texts(grid.ncols) for r in grid.rows]
    assert rows[0][-2:] == ["预算数人员经费", "公用经费"] and rows[2][-1] == "1.00"
    assert "金额单位：万元" in [getattr(b, "text", "") for b in blocks]


def test_markdown_rows_of_figures_with_sentences_in_their_last_cell_are_a_table():
    # pymupdf4llm: a project table whose last column holds each project's goal in sentences
    text = ("|项目名称|总计|一般公共预算|绩效目标|\n"
            "|---|---|---|---|\n"
            "|物业管理费|99.00|99.00|做好物业管理服务工作，确保提供优质服务。|\n"
            "|社工服务项目|45.00|45.00|引入专业人员参与工作，加强沟通联系。|\n")
    rows = _grid_texts(text)
    assert [r[:3] for r in rows[1:]] == [["物业管理费", "99.00", "99.00"],
                                        ["社工服务项目", "45.00", "45.00"]]
    # sentences in a middle cell: a paragraph laid out as a table, read as lines
    prose = ("|说明|一般公共服务支出2.00万元，主要用于办公。|1.00|1.00|\n"
             "|---|---|---|---|\n")
    [page] = split_text_pages(prose)
    assert not [b for b in layout_text_page(page, state={}) if isinstance(b, Grid)]


def test_aligned_table_on_the_next_page_under_another_header_takes_its_own_columns():
    # a table ends a page; the next page opens another table, whose figures happen to fall
    # on the first table's amount columns: its own header names its own columns
    first = ("  科目编码  科目名称            合计        基本支出\n"
             "  201       一般公共服务支出    30.00       20.00\n"
             "  20101     人大事务            30.00       20.00\n")
    second = ("  项目                          本年        上年\n"
              "  一、财政拨款                  20.00       18.00\n"
              "  二、事业收入                  10.00       12.00\n")
    pages = split_text_pages(first + "\f" + second)
    state: dict = {}
    grids = [[b for b in layout_text_page(p, state=state) if isinstance(b, Grid)]
             for p in pages]
    [g2] = grids[1]
    assert [r.texts(g2.ncols) for r in g2.rows] == [
        ["项目", "本年", "上年"], ["一、财政拨款", "20.00", "18.00"],
        ["二、事业收入", "10.00", "12.00"]]


def test_aligned_code_parts_indented_by_level_are_columns_of_their_own():
    # pdfplumber: 类, 款 and 项 parts three columns apart, the 2-digit parts of one level
    # sharing an indent
    text = ("一般公共预算支出表\n"
            "                                      单位：万元\n"
            "  类  款  项   科目名称          合计     基本支出\n"
            "  205          教育支出          16.00    16.00\n"
            "     08        进修及培训        16.00    16.00\n"
            "        03     培训支出          16.00    16.00\n"
            "  208          社会保障和就业支出 8.00     8.00\n"
            "     05        行政事业单位养老支出 8.00   8.00\n"
            "        01     行政单位离退休    8.00     8.00\n")
    [page] = split_text_pages(text)
    [grid] = [b for b in layout_text_page(page) if isinstance(b, Grid)]
    rows = [r.texts(grid.ncols) for r in grid.rows]
    assert [r[:3] for r in rows[-6:]] == [["205", "", ""], ["", "08", ""], ["", "", "03"],
                                         ["208", "", ""], ["", "05", ""], ["", "", "01"]]


def test_markdown_table_whose_header_is_printed_again_on_the_next_page_keeps_its_codes():
    # pymupdf4llm: the next page repeats the header; its first row is a 项 of the 款 above
    page1 = ("|科目编码|||科目名称|合计|基本支出|\n"
             "|---|---|---|---|---|---|\n"
             "|类|款|项||||\n"
             "|208|||社会保障和就业支出|9.00|9.00|\n"
             "||20||临时救助|9.00|9.00|\n"
             "|||01|临时救助支出|4.00|4.00|\n")
    page2 = ("|科目编码<br>类<br>款<br>项|科目名称|合计|基本支出|\n"
             "|---|---|---|---|\n"
             "|02|流浪乞讨人员救助支出|9.00|9.00|\n"
             "|210|卫生健康支出|5.00|5.00|\n")
    state: dict = {}
    grids = [[b for b in layout_text_page(p, state=state) if isinstance(b, Grid)]
             for p in split_text_pages(page1 + "\f" + page2)]
    [g2] = grids[1]
    assert [r.texts(g2.ncols)[0] for r in g2.rows[1:]] == ["2082002", "210"]


def test_markdown_page_of_flattened_rows_is_read_as_streamed_text():
    # markitdown: a document of pipe tables, one page of which prints a table as a label
    # then its figures, single-spaced, its header one line of labels
    page1 = ("表1 收入总表\n"
             "|项目|金额|\n"
             "|---|---|\n"
             "|一般公共预算拨款|30.00|\n")
    page2 = ("表4\n"
             "基本支出表\n"
             "单位：万元\n"
             "支出项目类别 总计 一般公共预算拨款 政府性基金预算拨款\n"
             "工资福利支出 30.00 30.00 0.00\n"
             "基本工资 20.00 20.00 0.00\n"
             "津贴补贴 10.00 10.00 0.00\n")
    state: dict = {}
    grids = [[b for b in layout_text_page(p, state=state) if isinstance(b, Grid)]
             for p in split_text_pages(page1 + "\f" + page2)]
    [g2] = grids[1]
    rows = [[c for c in r.texts(g2.ncols) if c] for r in g2.rows]
    assert rows == [["支出项目类别", "总计", "一般公共预算拨款", "政府性基金预算拨款"],
                    ["工资福利支出", "30.00", "30.00", "0.00"],
                    ["基本工资", "20.00", "20.00", "0.00"],
                    ["津贴补贴", "10.00", "10.00", "0.00"]]
    assert [len(r.texts(g2.ncols)) for r in g2.rows] == [g2.ncols] * 4
    # every row's figures sit under the header's labels
    head = g2.rows[0].texts(g2.ncols)
    assert [head[j] for j, c in enumerate(g2.rows[1].texts(g2.ncols)) if c == "0.00"] == [
        "政府性基金预算拨款"]


def test_aligned_header_above_a_line_of_column_numbers_set_apart_is_the_header():
    # pdftotext -layout: the labels, a blank line, then the column numbers (** 1 2 3)
    text = ("表2：收入预算总表\n"
            "                                                   单位：万元\n"
            "    单位名称        总计        一般公共预算     其他收入\n"
            "\n"
            "     **             1            2                3\n"
            "\n"
            "合计                99.00       90.00            9.00\n"
            "杭州市测试局        99.00       90.00            9.00\n")
    [page] = split_text_pages(text)
    [grid] = [b for b in layout_text_page(page) if isinstance(b, Grid)]
    labels = " ".join(c for r in grid.rows[:grid.header_rows] for c in r.texts(grid.ncols))
    assert "总计" in labels and "一般公共预算" in labels and "其他收入" in labels


def test_markdown_header_characters_interleaved_across_rows_read_as_their_word():
    # pymupdf4llm: 财政拨款收入 printed in two lines of a cell, read across as 财政款收 / 拨入
    text = ("|科目编码|功能名称|合|财政款收|他收|\n"
            "|---|---|---|---|---|\n"
            "|类款项|分类科目|计|拨入|其入|\n"
            "|208|社会保障和就业支出|3,196,880|3,196,880||\n"
            "|220|自然资源海洋气象等支出|173,746,137|173,398,137|348,000|\n")
    rows = _grid_texts(text)
    assert rows[0][-3:] == ["合计", "财政拨款收入", "其他收入"]
    assert rows[2][-3:] == ["173,746,137", "173,398,137", "348,000"]


def test_markdown_column_numbers_do_not_keep_headings_off_their_figures():
    # markitdown: headings over the blank column left of their figures, the column numbers
    # (栏次 1 2) printed over the figures themselves
    text = ("| 科目编码 | 科目名称 | 财政拨款收入 |     | 其他收入 |     |\n"
            "| ---      | ---      | ---          | --- | ---      | --- |\n"
            "|          | 栏次     |              | 1   |          | 2   |\n"
            "| 221      | 住房保障支出 |          | 60.87 |        | 0.01 |\n")
    rows = _grid_texts(text)
    head = rows[0]
    assert [head[j].rstrip("0123456789") for j, c in enumerate(rows[-1])
            if c in ("60.87", "0.01")] == ["财政拨款收入", "其他收入"]


def test_a_unit_label_merged_with_a_code_label_still_names_the_unit(tmp_path):
    # an empty table of one unit's row: the aligned header puts 预算单位 and 科目编码 over
    # the one text column; the row is labelled by its unit, which is kept as its name
    text = ("某某市测试局\n2026年部门预算\n\n"
            "                  国有资本经营预算支出表\n"
            "单位：万元\n\n"
            "      预算单位     科目编码    科目名称         支出总计          基本支出          项目支出\n\n"
            "某某市测试局（本级）                            0.00          0.00          0.00\n"
            "   注：本表本年无发生额。\n")
    d = _extract(tmp_path, text)
    t = next(t for t in d.tables if t.kind.value == "state_capital")
    [row] = t.rows
    assert row.name == "某某市测试局（本级）"
    assert len(row.values) + len(row.other) == 3  # and its three figures


def _extract(tmp_path: Path, text: str):
    """The extraction of ``text`` written to a file."""
    p = tmp_path / "doc.txt"
    p.write_text(text, encoding="utf-8")
    return extract_document(p)


def _laid_out(*lines: list[tuple[int, str]]) -> str:
    """Text as pdftotext -layout prints it: each piece at its display column (a CJK
    character two columns wide)."""
    out = []
    for pieces in lines:
        row = ""
        for col, text in pieces:
            row += " " * max(1 if row else 0, col - sum(char_width(c) for c in row)) + text
        out.append(row)
    return "\n".join(out) + "\n"


FUNDS = ["一般公共预算", "政府性基金预算", "国有资本经营预算"]
ITEMS = ["总计", "因公出国(境)费", "公务接待费", "小计", "公务用车购置费", "公务用车运行维护费"]
PITCH, FIRST = 18, 44  # display columns per figure column, and the first figure's right edge


def _centre(j: int) -> int:
    return FIRST + PITCH * j - 3  # a figure column's middle


def _centred(middle: int, text: str) -> tuple[int, str]:
    return middle - sum(char_width(c) for c in text) // 2, text


def _three_public_by_fund() -> str:
    rows = [("测试市统计局", "2025 年", ["59.62", "43.87", "11.56", "4.20", "0.00", "4.20"]),
            ("", "2026 年", ["32.56", "16.80", "11.56", "4.20", "0.00", "4.20"]),
            ("", "增减变化金额", ["-27.07", "-27.07", "0.00", "0.00", "0.00", "0.00"])]
    head = [
        [_centred(_centre(13), "公务用车购置及运行维护费")],
        [_centred(_centre(3 * b + 1), ITEMS[b]) for b in range(3)],
        [(2, "预算单位"), (26, "年度")] +
        [_centred(_centre(3 * b + 1), ITEMS[b]) for b in range(3, 6)],
        [],
        [_centred(_centre(j), FUNDS[j % 3]) for j in range(18)],
    ]
    body = []
    for unit, year, figures in rows:
        values = [v if j == 0 else "0.00" for v in figures for j in range(3)]
        body.append([(0, unit)] * bool(unit) + [(26, year)] +
                    [(FIRST + PITCH * j - len(v), v) for j, v in enumerate(values)])
        body.append([])
    return "某某市测试局\n2026年部门预算\n\n财政拨款“三公”经费支出表\n部门名称：测试市统计局\n" \
        "单位：万元\n\n" + _laid_out(*head, *body)


def test_three_public_by_fund_in_aligned_text(tmp_path: Path) -> None:
    """A 三公 table split by fund (Shenzhen's template, pdftotext -layout): the item
    headings printed a blank line above the fund labels still head them, each heading spans
    the block of three fund columns it is centred over (公务用车购置及运行维护费 the three
    blocks under it), and ``2025 年`` in the 年度 column is the row's label, not a figure."""
    d = _extract(tmp_path, _three_public_by_fund())
    t = next(t for t in d.tables if t.kind.value == "three_public")
    got = {r.name: {k.value: str(a.value) for k, a in r.values.items()} for r in t.rows}
    keys = ["total", "abroad", "reception", "vehicle_total", "vehicle_purchase",
            "vehicle_operation"]
    assert got == {
        "2025年": dict(zip(keys, ["59.62", "43.87", "11.56", "4.20", "0.00", "4.20"], strict=True)),
        "2026年": dict(zip(keys, ["32.56", "16.80", "11.56", "4.20", "0.00", "4.20"], strict=True)),
        "增减变化金额": dict(zip(keys, ["-27.07", "-27.07", "0.00", "0.00", "0.00", "0.00"],
                              strict=True)),
    }


def test_a_figure_moved_beside_a_share_is_not_joined_into_one_number(tmp_path):
    """A converter moved '15,485.07' onto a line of its own before '3.18%' (markitdown's
    text of a paragraph laid out as a table): extraction and grounding read two numbers,
    never 15,485.073.18 (an 'ungrounded' 073.18%), while a number wrapped across lines
    (192.2 / 9) still reads whole."""
    lines = ["社会保障和就业支出万元，占", "15,485.07", "3.18%；住房保障支出", "16,233.19万元。"]
    assert join_wrapped(lines) == "社会保障和就业支出万元，占15,485.07 3.18%；住房保障支出16,233.19万元。"
    assert numbers_across_breaks(lines) == []
    assert join_wrapped(["支出192.2", "9 万元。"]) == "支出192.29 万元。"
    text = SMALL_BUDGET.replace(
        "2024年收入预算30.00万元，", "2024年收入预算30.00万元，其中人大事务万元，占\n15,485.07\n"
        "3.18%；其他支出20.00万元，")
    d = _extract(tmp_path, text)
    assert {f.raw for f in d.figures if f.kind.value == "share"} == {"3.18%"}
    assert not [f for f in d.flags if f.check == CheckId.ungrounded]


def test_a_share_after_a_unit_without_its_figure_is_not_of_the_figure_before(tmp_path):
    """'收入预算445,059.97万元，其中：财政拨款收入 万元，占 54.98%': the converter moved the
    财政拨款 figure elsewhere, so 54.98% is that missing figure's share, not 445,059.97's
    (which would make a false narrative_share error against a base of 100%)."""
    text = SMALL_BUDGET.replace(
        "2024年收入预算30.00万元，比上年减少5.00万元，下降14.29%。",
        "2024年本年收入预算445,059.97万元，其中：财政拨款收入 万元，占54.98%；事业收入\n"
        "244,675.66 141,934.81\n万元，占31.89%；其他收入58,449.50万元，占13.13%。")
    d = _extract(tmp_path, text)
    share = next(f for f in d.figures if f.raw == "54.98%")
    assert "445,059.97" not in share.subject and "本年收入" not in share.subject
    assert not [f for f in d.flags if f.check == "narrative_share" and
                f.severity.value == "error"]


def test_a_class_path_whose_next_level_name_is_cut_off_names_no_row(tmp_path):
    """'社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老' then the figure:
    pdftotext -layout moved the rest of the 项 name ('保险缴费支出（项）') below it, so the
    figure is not the 款's (no false narrative_amount error against 20805)."""
    text = """某某区测试局
2024年部门决算

一般公共预算财政拨款支出决算表
单位：万元
科目编码\t科目名称\t合计
\t合计\t326.72
208\t社会保障和就业支出\t326.72
20805\t行政事业单位养老支出\t326.72
2080501\t行政单位离退休\t165.10
2080505\t机关事业单位基本养老保险缴费支出\t161.62

二、财政拨款支出决算具体情况
1、社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老
161.62万元，支出决算为161.62万元。
2、社会保障和就业支出（类）行政事业单位养老支出（款）326.72万元。
"""
    d = _extract(tmp_path, text)
    codes = {f.raw: f.code for f in d.figures if f.kind.value == "amount"}
    assert codes["326.72万元"] == "20805"
    assert codes["161.62万元"] is None
    assert not [f for f in d.flags if f.check == "narrative_amount" and
                f.severity.value == "error"]


def _plumbed_summary() -> str:
    """A two-sided 收入支出决算总表 as pdfplumber lays it out: each figure on the line below
    its row's name, the first row right under the header, a row's lone figure on a line
    of its own."""
    rows = [
        [(6, "一、一般公共预算财政拨款收入"), (46, "一、一般公共服务支出")],
        [(35, "2,940.05"), (73, "2,106.66")],
        [(6, "二、其他收入"), (46, "二、社会保障和就业支出")],
        [(39, "6.20"), (75, "326.71")],
        [(46, "三、卫生健康支出")],
        [(76, "60.99")],
        [(46, "四、节能环保支出")],
        [(46, "五、住房保障支出")],
        [(75, "452.88")],
        [(15, "本年收入合计"), (52, "本年支出合计")],
        [(35, "2,946.25"), (73, "2,946.25")],
    ]
    head = [[(23, "收入"), (60, "支出")], [(17, "项目"), (34, "决算数"), (54, "项目"), (72, "决算数")],
            []]
    return "某某区测试局\n2024年部门决算\n\n收入支出决算总表\n单位：万元\n\n" + \
        _laid_out(*head, *rows)


def test_figures_printed_below_their_names_in_a_two_sided_summary(tmp_path: Path) -> None:
    """pdfplumber's layout text: the first row's name right under the header is a row,
    not the header's last line, and a figure alone on the line below a row's name is
    that row's (九、卫生健康支出 60.99), not the next row's."""
    d = _extract(tmp_path, _plumbed_summary())
    t = next(t for t in d.tables if t.kind.value == "income_expenditure_summary")
    got = {(str(r.side), r.name): str(a.value) for r in t.rows
           for a in r.values.values()}
    assert got == {
        ("income", "一、一般公共预算财政拨款收入"): "2940.05", ("income", "二、其他收入"): "6.20",
        ("income", "本年收入合计"): "2946.25",
        ("expenditure", "一、一般公共服务支出"): "2106.66",
        ("expenditure", "二、社会保障和就业支出"): "326.71",
        ("expenditure", "三、卫生健康支出"): "60.99", ("expenditure", "五、住房保障支出"): "452.88",
        ("expenditure", "本年支出合计"): "2946.25"}


def test_a_cell_of_a_figure_and_the_next_cells_number_is_no_amount():
    """Converter text put '104.199000' and a neighbour's '11' in one cell: joined they
    would print 8 decimals, more than any amount, so the cell is no figure (it raised an
    'ungrounded' error); a figure wrapped in its cell (192.2 / 9) still reads whole."""
    from pipeline.extract.cells import make_amount
    from pipeline.layout.blocks import Cell, GridRow

    def amount(text: str):
        cell = Cell(text, 0)
        return make_amount(cell, GridRow([cell], 1), "万元", joined_ok=False)

    assert amount("104.199000 11") is None
    assert amount("192.2 9").value == Decimal("192.29")
    assert amount("303 10") is None


def _subtotal_under_of_which() -> str:
    """pdftotext -layout's text of such a table (one column a character)."""
    return "某某市测试局\n2026年部门预算\n\n一般公共预算拨款支出预算表\n单位：万元\n\n" + "\n".join([
        "                                             其中：",
        "科目编码           科目名称          小计",
        "                                       基本支出       项目支出",
        "               合计            1607.05     913.77    693.28",
        "  208         社会保障和就业支出      1607.05     913.77    693.28",
        " 20802          民政管理事务       1607.05     913.77    693.28",
        "2080201          行政运行         993.77     913.77     80.00",
        "2080299      其他民政管理事务支出       613.28               613.28",
    ]) + "\n"


def test_of_which_heads_the_parts_not_their_subtotal(tmp_path: Path) -> None:
    """'其中：' printed over 小计 | 基本支出 | 项目支出 (pdftotext -layout) heads the parts only:
    小计 stays the total column (it was '其中：/小计', no total, and the narrative check then
    compared a figure against another table)."""
    d = _extract(tmp_path, _subtotal_under_of_which())
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    assert t.columns[2:] == ["小计", "其中：/基本支出", "其中：/项目支出"]
    row = next(r for r in t.rows if r.code == "2080299")
    assert {k.value: str(a.value) for k, a in row.values.items()} == {
        "total": "613.28", "project": "613.28"}


THREE_PUBLIC_BY_YEAR = """某某市测试局
2020年部门预算

一、部门预算情况说明
2020年“三公”经费预算合计29.30万元，其中：公务接待费3.30万元。

一般公共预算拨款“三公”经费支出预算表
单位：万元
项目\t合计\t因公出国（境）费\t公务接待费\t公务用车购置及运行维护费
合计\t178.34\t0.00\t3.30\t175.04
"""


def test_a_three_public_total_is_not_judged_against_a_column_of_unknown_year(tmp_path):
    """'2020 年“三公”经费预算 29.30万元' against a 三公 table whose columns repeat under
    2019年 | 2020年 (pdftotext -raw loses which block a 合计 column sits in; -layout may
    lose the years and print 合计 once per block): no error on the first 合计 (2019's
    178.34); with the columns of one year the check still judges."""
    from pipeline.verify.checks import Recorder
    from pipeline.verify.narrative import check_totals

    d = _extract(tmp_path, THREE_PUBLIC_BY_YEAR)
    t = next(t for t in d.tables if t.kind.value == "three_public")
    one_year = Recorder()
    check_totals(d, one_year)
    assert [f.check for f in one_year.flags] == ["narrative_total"]  # 29.30 is not 178.34
    t.columns = ["项目", "2019年2020年增减变化情况/合计", *t.columns[2:]]
    by_year = Recorder()
    check_totals(d, by_year)
    assert not by_year.flags
    t.columns = ["项目", "合计", *t.columns[2:4], "合计"]  # the years lost, 合计 printed twice
    repeated = Recorder()
    check_totals(d, repeated)
    assert not repeated.flags


def test_a_figure_column_mostly_printed_as_dashes_is_still_figures(tmp_path):
    """A 项目支出 column with two figures and a dash in every other row: dashes are blank
    cells, not text, so the column keeps its key and its figures."""
    text = SMALL_BUDGET.replace(
        "\t合计\t30.00\t20.00\t10.00\n201\t一般公共服务支出\t30.00\t20.00\t10.00\n"
        "20101\t人大事务\t30.00\t20.00\t10.00\n2010101\t行政运行\t20.00\t20.00\t\n"
        "2010199\t其他人大事务支出\t10.00\t\t10.00\n",
        "\t合计\t30.00\t20.00\t10.00\n201\t一般公共服务支出\t30.00\t20.00\t10.00\n"
        "20101\t人大事务\t20.00\t20.00\t-\n2010101\t行政运行\t5.00\t5.00\t-\n"
        "2010102\t一般行政管理事务\t5.00\t5.00\t-\n2010103\t机关服务\t5.00\t5.00\t-\n"
        "2010104\t人大会议\t5.00\t5.00\t-\n20106\t财政事务\t10.00\t-\t10.00\n"
        "2010699\t其他财政事务支出\t10.00\t-\t10.00\n")
    d = _extract(tmp_path, text)
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    assert t.column_keys[-1] is not None and t.column_keys[-1].value == "project"
    assert str(next(r for r in t.rows if r.code == "20106").values[ColumnKey.project].value) \
        == "10.00"


UNITS_THEN_CODES = "\n".join([
    "某某市测试署",
    "2026年部门预算",
    "",
    "                                        一般公共预算支出表（按经济分类）",
    "部门名称：某某市测试署                                                               单位：万元",
    "",
    "            预算单位            科目编码             科目名称          支出总计               基本支出"
    "               项目支出",
    "",
    "某某市测试署                                                          2,100.00          2,000.00"
    "            100.00",
    "",
    "     某某市测试署（本级）                                                 2,100.00           2,000.00"
    "            100.00",
    "",
    "                    301            工资福利支出                          2,000.00           2,000.00"
    "               0.00",
    "",
    "                    30101          基本工资                              1,300.00           1,300.00"
    "               0.00",
    "",
    "                    30102          津贴补贴                                700.00             700.00"
    "               0.00",
    "",
    "                    302            商品和服务支出                          100.00               0.00"
    "             100.00",
    "",
    "                    30201          办公费                                  100.00               0.00"
    "             100.00",
]) + "\n"


def test_classification_codes_under_a_shifted_unit_label_are_codes(tmp_path):
    """pdftotext -layout prints 预算单位 | 科目编码 | 科目名称 over columns it does not line
    up with: the column of 301 / 30101 falls under 预算单位. Cells of classification codes
    (5-digit ones among them; a unit code has 3 or 6) make it the code column all the same."""
    d = _extract(tmp_path, UNITS_THEN_CODES)
    t = next(t for t in d.tables if "按经济分类" in (t.title or ""))
    assert [(r.code, r.name) for r in t.rows][-5:] == [
        ("301", "工资福利支出"), ("30101", "基本工资"), ("30102", "津贴补贴"),
        ("302", "商品和服务支出"), ("30201", "办公费")]
