"""Balance of the two-sided summary tables and equalities across tables (identities 3-4)."""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.numbers import without_spaces
from pipeline.verify.checks import Recorder
from schemas.flags import CheckId
from schemas.provenance import Amount
from schemas.tables import ColumnKey, Table, TableKind, TableRow

K = ColumnKey
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")


_norm = without_spaces


def _main(row: TableRow) -> Amount | None:
    for k in (K.amount, K.total):
        a = row.values.get(k)
        if a is not None and a.value is not None:
            return a
    return None


def _find(rows: list[TableRow], pattern: str) -> TableRow | None:
    for r in rows:
        if re.fullmatch(pattern, _norm(r.name)) and _main(r) is not None:
            return r
    return None


def check_balance(table: Table, rec: Recorder) -> None:
    """收入总计 = 支出总计; 本年收入合计 = Σ numbered income lines, likewise for expenditure."""
    if table.kind not in (TableKind.income_expenditure_summary, TableKind.fiscal_summary):
        return
    inc = [r for r in table.rows if r.side == "income"]
    exp = [r for r in table.rows if r.side == "expenditure"]
    ti = _find(inc, r"(收入)?总计|收入合计")
    te = _find(exp, r"(支出)?总计|支出合计")
    if ti and te:
        a, b = _main(ti), _main(te)
        assert a is not None and b is not None
        rec.compare(CheckId.balance, f"'{table.title}' 支出总计 differs from 收入总计",
                    a.value, b, [a], table.unit, table.title)  # type: ignore[arg-type]
    for side_rows, label in ((inc, "收入"), (exp, "支出")):
        subtotal = _find(side_rows, rf"本年{label}合计|{label}合计|当年{label}小计")
        if subtotal is None:
            continue
        idx = side_rows.index(subtotal)
        items = [r for r in side_rows[:idx] if _NUMBERED.match(_norm(r.name))]
        # 功能分类 and 支出用途 printed side by side each number from 一、: the lines of the
        # list that ends at the subtotal are those since the last 一、
        firsts = [i for i, r in enumerate(items) if _norm(r.name).startswith("一、")]
        items = items[firsts[-1]:] if firsts else items
        terms = [a for a in (_main(r) for r in items) if a is not None]
        if len(items) < 2 or not terms:
            continue
        found = _main(subtotal)
        assert found is not None
        rec.compare(CheckId.balance, f"'{table.title}' {subtotal.name} is not the sum of the "
                    f"{len(items)} numbered {label} lines above it",
                    sum((a.value for a in terms), Decimal(0)), found, terms,  # type: ignore[misc]
                    table.unit, table.title)


def _total_row(t: Table) -> TableRow | None:
    return next((r for r in t.rows if r.is_total and r.code is None), None)


def _first(tables: list[Table], kind: TableKind) -> Table | None:
    return next((t for t in tables if t.kind is kind and t.part == 1), None)


def check_cross_tables(tables: list[Table], rec: Recorder) -> None:
    """Totals that several tables state must agree; two printings of one figure involve no
    summing, so any difference is at least a warning."""
    summary = _first(tables, TableKind.income_expenditure_summary)
    spend = _first(tables, TableKind.expenditure_summary)
    income = _first(tables, TableKind.income_summary)
    general = _first(tables, TableKind.general_budget_expenditure)
    basic = next((t for t in tables if t.kind is TableKind.basic_expenditure and t.part == 1
                  and "基本支出" in t.title), None)
    project = _first(tables, TableKind.project_expenditure)
    pairs: list[tuple[str, Table, Amount | None, Table, Amount | None]] = []

    def total(t: Table | None, key: ColumnKey) -> Amount | None:
        if t is None:
            return None
        r = _total_row(t)
        a = r.values.get(key) if r is not None else None
        return a if a is not None and a.value is not None else None

    if summary is not None:
        # 收入总表 counts the carry-over when it has a column for it
        with_carry = income is not None and any(re.search(r"上年|结转|结余", c) and "非财政" not in c
                                                for c in income.columns)
        inc_total = _find([r for r in summary.rows if r.side == "income"],
                          r"(收入)?总计" if with_carry else r"本年收入合计|收入合计|当年收入小计")
        exp_now = _find([r for r in summary.rows if r.side == "expenditure"],
                        r"本年支出合计|支出合计")
        if income is not None:
            pairs.append(("收入总表 合计 = 收支总表 收入总计", summary,
                          _main(inc_total) if inc_total else None, income, total(income, K.total)))
        if spend is not None:
            pairs.append(("支出总表 合计 = 收支总表 本年支出合计", summary,
                          _main(exp_now) if exp_now else None, spend, total(spend, K.total)))
    if general is not None and basic is not None and basic.unit == general.unit:
        pairs.append(("基本支出表 合计 = 一般公共预算支出表 基本支出", general, total(general, K.basic),
                      basic, total(basic, K.total)))
    if project is not None and spend is not None:
        # 项目支出表 合计 may count the carry-over (上年结转) that 支出总表 项目支出 leaves out
        p_total, carry, s_project = total(project, K.total), total(project, K.carryover), \
            total(spend, K.project)
        if p_total is not None and carry is not None and s_project is not None and \
                p_total.value - carry.value == s_project.value:  # type: ignore[operator]
            rec.ok(CheckId.cross_table)
        else:
            pairs.append(("项目支出表 合计 = 支出总表 项目支出", spend, s_project, project, p_total))
    for label, ta, a, tb, b in pairs:
        if a is None or b is None or ta.unit != tb.unit:
            continue
        rec.compare(CheckId.cross_table, f"{label} ('{tb.title}' vs '{ta.title}')", a.value, b, [a],  # type: ignore[arg-type]
                    tb.unit, tb.title, summed=False)
    _class_lines(tables, summary, spend, rec)


_NUMBERING = re.compile(r"^[（(]?[一二三四五六七八九十]+[、)）.．]|[（(]类[)）]")


def _class_name(name: str) -> str:
    return _NUMBERING.sub("", _norm(name))


def _coded_classes(t: Table | None, key: ColumnKey) -> dict[str, Amount]:
    """类 rows of a table by function code, in column ``key``; none when the table lists
    its codes once per unit (several blocks) or has no such column."""
    from pipeline.verify.arithmetic import blocks

    if t is None or len(blocks(t)) != 1:
        return {}
    out: dict[str, Amount] = {}
    for r in t.rows:
        a = r.values.get(key)
        if r.code and len(r.code) == 3 and r.code[0] == "2" and a is not None and a.value is not None:
            out.setdefault(r.code, a)
    return out


def _summary_classes(t: Table | None, names: dict[str, str], key: ColumnKey | None
                     ) -> dict[str, Amount]:
    """Expenditure lines of a two-sided summary named as a 类 ('一、一般公共服务支出'),
    by the code the coded tables give that name; ``key`` None: the line's main amount."""
    if t is None:
        return {}
    out: dict[str, Amount] = {}
    for r in t.rows:
        code = names.get(_class_name(r.name)) if r.side == "expenditure" else None
        a = _main(r) if key is None else r.values.get(key)
        if code is not None and a is not None and a.value is not None:
            out.setdefault(code, a)
    return out


def _class_lines(tables: list[Table], summary: Table | None, spend: Table | None,
                 rec: Recorder) -> None:
    """Each 类 line printed in several standard tables, compared like with like: 收支总表
    (all funds) with 支出总表 合计; the 一般公共预算 column of 财政拨款收支总表 and of 支出总表
    with 一般公共预算支出表 合计. A table that is missing or whose column is not mapped is
    skipped."""
    fiscal = _first(tables, TableKind.fiscal_summary)
    general = next((t for t in tables if t.kind is TableKind.general_budget_expenditure
                    and t.part == 1 and "一般公共预算" in t.title), None)
    names = {_class_name(r.name): r.code for t in (spend, general) if t is not None
             for r in t.rows if r.code and len(r.code) == 3 and r.code[0] == "2"}
    spend_all = _coded_classes(spend, K.total)
    general_all = _coded_classes(general, K.total)
    comparisons = [
        (summary, _summary_classes(summary, names, None), spend, spend_all),
        (fiscal, _summary_classes(fiscal, names, K.general_budget), general, general_all),
        (spend, _coded_classes(spend, K.general_budget), general, general_all),
    ]
    for ta, xs, tb, ys in comparisons:
        if ta is None or tb is None or ta.unit != tb.unit:
            continue
        for code in sorted(xs.keys() & ys.keys()):
            a, b = xs[code], ys[code]
            rec.compare(CheckId.cross_table, f"类 {code} is printed as {a.raw} in '{ta.title}' and as "
                        f"{b.raw} in '{tb.title}'", a.value, b, [a], tb.unit, tb.title,  # type: ignore[arg-type]
                        summed=False)
