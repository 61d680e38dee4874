"""Each check id fires on a constructed inconsistency and stays quiet on consistent input."""

from __future__ import annotations

from decimal import Decimal

from pipeline.extract.narrative import link_codes
from pipeline.verify.grounding import numbers_in
from schemas.flags import CheckId
from tests.verify_helpers import checks, disclosure, figure, row, run, table


def _function_table(total="30.00", basic="20.00", kid1="10.00", kid2="20.00"):
    return table("general_budget_expenditure", [
        row(None, "合计", is_total=True, total=total, basic=basic, project="10.00"),
        row("201", "一般公共服务支出", total=total, basic=basic, project="10.00"),
        row("20101", "人大事务", total=total, basic=basic, project="10.00"),
        row("2010101", "行政运行", total=kid1, basic=kid1),
        row("2010199", "其他人大事务支出", total=kid2, basic=str(Decimal(basic) - Decimal(kid1)),
            project="10.00"),
    ], title="一般公共预算支出表")


def test_consistent_table_raises_nothing():
    flags, summary = run(disclosure([_function_table()]))
    assert not [f for f in flags if f.severity.value != "info"], flags
    assert summary.by_check[CheckId.hierarchy].failed == 0 and summary.by_check[CheckId.hierarchy].ran > 0
    assert summary.by_check[CheckId.row_sum].ran > 0
    assert summary.ran == summary.passed + summary.failed


def test_hierarchy_fires_with_locations():
    t = _function_table(kid1="11.00")  # 11 + 20 != 30 for 20101
    flags, _ = run(disclosure([t]))
    [f] = [f for f in flags if f.check == CheckId.hierarchy and "20101" in f.message and "total" in f.message]
    assert f.severity.value == "error"
    assert (f.expected, f.found, f.difference) == (Decimal("31.00"), Decimal("30.00"), Decimal("-1.00"))
    assert {loc.source for loc in f.locations} >= {"30.00", "11.00", "20.00"}


def test_rounding_difference_is_info_not_hidden():
    t = _function_table(kid1="10.01")  # one cent over two terms: 尾数误差
    flags, summary = run(disclosure([t]))
    hier = [f for f in flags if f.check == CheckId.hierarchy]
    assert hier and all(f.severity.value == "info" for f in hier)
    assert summary.by_check[CheckId.hierarchy].failed == 0


def test_row_sum():
    ok = table("expenditure_summary", [row("201", "x", total="30.00", basic="20.00", project="10.00")])
    bad = table("expenditure_summary", [row("201", "x", total="30.00", basic="25.00", project="10.00")])
    assert CheckId.row_sum not in checks(run(disclosure([ok]))[0])
    assert CheckId.row_sum in checks(run(disclosure([bad]))[0], "error")
    three = table("three_public", [row(None, "合计", is_total=True, total="6.00", abroad="1.00",
                                       vehicle_total="3.00", vehicle_purchase="1.00",
                                       vehicle_operation="2.50", reception="2.00")])
    flags, _ = run(disclosure([three]))
    assert any(f.check == CheckId.row_sum and "vehicle_total" in f.message for f in flags)


def test_duplicate_code_and_unit_blocks():
    dup = table("expenditure_summary", [
        row("208", "社保", total="3.00"), row("20801", "管理事务", total="3.00"),
        row("2080101", "行政运行", total="1.00"), row("2080199", "其他", total="2.00"),
        row("2080199", "其他", total="2.00")])
    flags, _ = run(disclosure([dup]))
    assert CheckId.duplicate_code in checks(flags, "error")
    assert CheckId.hierarchy in checks(flags, "error")  # the repeat breaks 20801 = Σ项
    # the same codes again for a second unit: a new block, not a duplicate
    units = table("expenditure_summary", [
        row("2010101", "行政运行", total="1.00"), row("2080505", "养老", total="2.00"),
        row("2010101", "行政运行", total="3.00"), row("2080505", "养老", total="4.00")])
    assert CheckId.duplicate_code not in checks(run(disclosure([units]))[0])


def test_balance_and_cross_table():
    s = table("income_expenditure_summary", [
        row(None, "一、一般公共预算拨款收入", side="income", amount="30.00"),
        row(None, "二、其他收入", side="income", amount="5.00"),
        row(None, "本年收入合计", is_total=True, side="income", amount="35.00"),
        row(None, "收入总计", is_total=True, side="income", amount="35.00"),
        row(None, "一、一般公共服务支出", side="expenditure", amount="35.00"),
        row(None, "本年支出合计", is_total=True, side="expenditure", amount="35.00"),
        row(None, "支出总计", is_total=True, side="expenditure", amount="35.00"),
    ], title="收支总表")
    spend = table("expenditure_summary", [row(None, "合计", is_total=True, total="35.00")], title="支出总表")
    flags, summary = run(disclosure([s, spend]))
    assert not checks(flags, "error")
    assert summary.by_check[CheckId.balance].ran == 2 and summary.by_check[CheckId.cross_table].ran == 1
    s.rows[6].values["amount"].value = Decimal("36.00")
    s.rows[6].values["amount"].raw = "36.00"
    spend.rows[0].values["total"].value = Decimal("34.00")
    spend.rows[0].values["total"].raw = "34.00"
    flags, _ = run(disclosure([s, spend]))
    assert {CheckId.balance, CheckId.cross_table} <= checks(flags, "error")


def test_code_name():
    ok = table("expenditure_summary", [row("2010101", "行政运行", total="1.00")])
    bad = table("expenditure_summary", [row("2010101", "信息化建设", total="1.00")])
    assert CheckId.code_name not in checks(run(disclosure([ok]))[0])
    [f] = [f for f in run(disclosure([bad]))[0] if f.check == CheckId.code_name]
    assert "行政运行" in f.message and f.severity.value == "warning"


def test_grounding_compares_whole_numbers():
    assert numbers_in("合计 1130.00 元") == {Decimal("1130")}
    assert Decimal(30) not in numbers_in("1130.00")
    t = table("expenditure_summary", [row("201", "x", total="30.00")])
    flags, _ = run(disclosure([t]), pages={1: "201 x 1130.00"})
    assert CheckId.ungrounded in checks(flags, "error")
    flags, _ = run(disclosure([t]), pages={1: "201 x 30"})
    assert CheckId.ungrounded not in checks(flags)
    flags, _ = run(disclosure([t]), pages={1: "201 x 300000"})  # 30 万元 printed in 元
    assert CheckId.grounding_scale in checks(flags, "error")
    flags, _ = run(disclosure([t]), pages={1: "201 x", 2: "30.00"})
    assert CheckId.grounding_page in checks(flags, "warning")


ITEM = "（11）卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）"


def _medical(stated: str):
    t = table("general_budget_expenditure", [
        row("210", "卫生健康支出", total="211.30"), row("21011", "行政事业单位医疗", total="211.30"),
        row("2101101", "行政单位医疗", total="77.64"), row("2101102", "事业单位医疗", total="133.66")])
    f = figure("amount", f"{stated}万元", ITEM[4:], ITEM + f"{stated}万元")
    d = disclosure([t], [f])
    link_codes(d.figures, d.tables)  # as the extraction does
    assert f.code == "2101101"
    return d


def test_narrative_amount():
    assert CheckId.narrative_amount not in checks(run(_medical("77.64"))[0])
    [f] = [f for f in run(_medical("211.30"))[0] if f.check == CheckId.narrative_amount]
    assert f.severity.value == "error" and "款 total" in f.message


def test_narrative_total():
    fiscal = table("fiscal_summary", [row(None, "总计", is_total=True, side="income", amount="2,961.68")])
    sent = "2024年度财政拨款收入支出总计0.3万元。"
    bad = figure("amount", "0.3万元", "2024年度财政拨款收入支出总计", sent)
    good = figure("amount", "2961.68万元", "2024年度财政拨款收入支出总计", sent)
    assert CheckId.narrative_total in checks(run(disclosure([fiscal], [bad]))[0], "error")
    assert CheckId.narrative_total not in checks(run(disclosure([fiscal], [good]))[0])


def _shares(third: str):
    s = "A 100.00万元，占50.00%；B 60.00万元，占30.00%；C 40.00万元，占" + third
    return disclosure(figures=[
        figure("amount", "200.00万元", "支出", s), figure("amount", "100.00万元", "A", s),
        figure("share", "50.00%", "A", s), figure("amount", "60.00万元", "B", s),
        figure("share", "30.00%", "B", s), figure("amount", "40.00万元", "C", s),
        figure("share", third, "C", s)])


def test_narrative_share():
    assert CheckId.narrative_share not in checks(run(_shares("20.00%"))[0])
    [f] = [f for f in run(_shares("21.00%"))[0] if f.check == CheckId.narrative_share]
    assert f.severity.value == "error" and f.expected == Decimal("20.00")


def _change(pct: str, direction2: str = "decrease"):
    s = "收入预算40293.45万元，比上年执行数减少27776.75万元，下降" + pct
    return disclosure(figures=[
        figure("amount", "40293.45万元", "收入预算", s),
        figure("change_amount", "27776.75万元", "收入预算", s, direction="decrease"),
        figure("change_percent", pct, "收入预算", s, direction=direction2)])


def test_narrative_change_and_direction():
    assert not checks(run(_change("40.81%"))[0]) & {CheckId.narrative_change, CheckId.narrative_direction}
    assert CheckId.narrative_change in checks(run(_change("38.00%"))[0], "error")
    assert CheckId.narrative_direction in checks(run(_change("40.81%", "increase"))[0], "error")


def test_table_missing_and_empty_unexplained():
    empty = table("government_fund", [], empty=True)
    explained = table("state_capital", [], empty=True, note="本表无数据")
    flags, summary = run(disclosure([empty, explained], mentioned=["government_fund", "three_public"]))
    assert CheckId.empty_unexplained in checks(flags, "warning")
    assert [f.table for f in flags if f.check == CheckId.empty_unexplained] == ["表"]
    assert any(f.check == CheckId.table_missing and "three_public" in f.message for f in flags)
    assert summary.by_check[CheckId.table_missing].passed == 1  # government_fund was found


def test_narrative_amount_in_another_unit_is_compared_as_printed():
    # Xi'an: the text says 行政运行（2010801）2,338.24万元, the table (in 元) 23,382,409.50
    t = table("general_budget_expenditure", [
        row("201", "一般公共服务支出", total="23,382,409.50"),
        row("20108", "审计事务", total="23,382,409.50"),
        row("2010801", "行政运行", total="23,382,409.50")], unit="元")
    subject = "一般公共服务支出（类）审计事务（款）行政运行（项）"
    ok = figure("amount", "2,338.24万元", subject, subject + "2,338.24万元")
    bad = figure("amount", "2,338.34万元", subject, subject + "2,338.34万元")
    for f, fires in ((ok, False), (bad, True)):
        d = disclosure([t], [f])
        link_codes(d.figures, d.tables)
        flags, summary = run(d, pages={1: "23,382,409.50 " + f.raw})
        assert (CheckId.narrative_amount in checks(flags)) is fires
        assert summary.by_check[CheckId.narrative_amount].ran == 1


def test_numbers_of_neighbouring_cells_are_not_glued():
    # text input: a number split inside one cell is rejoined, separate cells never are
    assert numbers_in("12.00\n34.00", rejoin_split=True) == {Decimal("12"), Decimal("34")}
    assert numbers_in("12.00\t34.00", rejoin_split=True) == {Decimal("12"), Decimal("34")}
    assert Decimal(5000) in numbers_in("≥ | 500 0 | 元", rejoin_split=True)
