"""Identities inside one table: hierarchy (类 = Σ款, 款 = Σ项, 合计 = Σ类) in every column,
row arithmetic (合计 = 基本 + 项目 …, 基本 = 人员 + 公用, 三公 sums, funding sources),
duplicate codes, and codes whose printed name disagrees with the classification."""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.verify.checks import Recorder
from pipeline.verify.codes import expected_name
from schemas.flags import CheckId, Flag, Severity
from schemas.provenance import Amount
from schemas.tables import ColumnKey, Table, TableKind, TableRow

K = ColumnKey


def _val(a: Amount | None) -> Decimal:
    return a.value if a is not None and a.value is not None else Decimal(0)


def _key(row: TableRow) -> tuple:
    # rows that repeat a code legitimately differ by unit or by a second classification
    return (row.code, re.sub(r"\s", "", row.name), row.unit_name, row.project_name,
            tuple(sorted(row.texts.items())))


def blocks(table: Table) -> list[list[TableRow]]:
    """Coded rows split where a unit's listing starts: tables that list the same codes once
    per unit print one block per unit, headed by the unit's row (no code), or else seen
    where the 类 order restarts or a 类 comes again after other rows (项 inside a 款 need not
    be in order; a 类 printed twice in a row is a duplicate, not a new block)."""
    out: list[list[TableRow]] = []
    prev = ""
    unit_header = False
    for row in table.rows:
        if row.code is None:
            unit_header = unit_header or (not row.is_total and row.unit_name is not None)
            continue
        if not out or unit_header or row.code[:3] < prev or (
                len(row.code) == 3 and out[-1][-1].code != row.code
                and any(r.code == row.code for r in out[-1])):
            out.append([])
        out[-1].append(row)
        prev = row.code[:3]
        unit_header = False
    return out


def check_duplicates(table: Table, rec: Recorder) -> set[int]:
    """Flag a code printed twice in one block with the same qualifiers, where the block
    prints the code's parent: a list of 项 alone (no 类/款 rows) prints one row per project
    or unit, and the same 项 on many of them is no duplicate."""
    repeats: set[int] = set()
    any_coded = False
    for block in blocks(table):
        printed = {r.code for r in block}
        seen: dict[tuple, TableRow] = {}
        for row in block:
            any_coded = True
            if len(row.code) > 3 and row.code[:-2] not in printed:  # type: ignore[arg-type]
                continue
            _dup(table, row, seen, repeats, rec)
    if any_coded and not repeats:
        rec.ok(CheckId.duplicate_code)
    return repeats


def _dup(table: Table, row: TableRow, seen: dict[tuple, TableRow], repeats: set[int],
         rec: Recorder) -> None:
        k = _key(row)
        if k in seen:
            first = seen[k]
            repeats.add(id(row))
            rec.fail(Flag(
                check=CheckId.duplicate_code, severity=Severity.error, table=table.title,
                message=f"code {row.code} ({row.name}) appears twice in '{table.title}'"
                f" (pages {first.provenance.page} and {row.provenance.page})",
                locations=[first.provenance, row.provenance],
            ))
        else:
            seen[k] = row


def check_hierarchy(table: Table, rec: Recorder) -> None:
    if any("code_2" in r.texts for r in table.rows):
        return  # rows keyed by two classifications at once: their subtotals nest differently
    for block in blocks(table):
        _hierarchy(table, block, rec)
    _grand_total(table, rec)


def _hierarchy(table: Table, coded: list[TableRow], rec: Recorder) -> None:
    columns = {k for r in coded for k in r.values}
    # children of each code, counted as printed (a duplicated row counts twice): a code
    # whose parent is not printed (3010201 under 301 with no 30102) counts under its
    # nearest printed ancestor
    printed = {r.code for r in coded}
    by_parent: dict[str, list[TableRow]] = {}
    for r in coded:
        code: str = r.code  # type: ignore[assignment]
        ancestor = next((code[:n] for n in range(len(code) - 2, 2, -2) if code[:n] in printed),
                        None)
        if ancestor is not None:
            by_parent.setdefault(ancestor, []).append(r)
    parents = {}
    for r in coded:
        parents.setdefault(r.code, r)
    for code, parent in parents.items():
        kids = by_parent.get(code)  # type: ignore[arg-type]
        if not kids:
            continue
        for col in sorted(columns, key=list(K).index):
            amounts = [k.values.get(col) for k in kids]
            found = parent.values.get(col)
            if found is None and not any(a is not None and a.value for a in amounts):
                continue
            if found is None or found.value is None:
                found = Amount(value=Decimal(0), raw="", unit=table.unit,
                               provenance=parent.provenance)
            terms = [a for a in amounts if a is not None]
            rec.compare(CheckId.hierarchy, f"'{table.title}' {code} {parent.name} [{col.value}] is not "
                        f"the sum of its {len(kids)} sub-items",
                        sum((_val(a) for a in amounts), Decimal(0)), found, terms, table.unit,
                        table.title)


def _top_rows(coded: list[TableRow]) -> list[TableRow]:
    """The rows a 合计 sums: the 类 rows; in a list that prints no 类 (a flat list of 款
    and 项 codes, or of 功能 x 经济 pairs), every row no printed code contains (3021101
    差旅费 counts when 30211 is not printed)."""
    classes = [r for r in coded if len(r.code or "") == 3]
    if classes:
        return classes  # (a dropped 类 is then missed, not replaced by its 款)
    if any("code_2" in r.texts for r in coded) and len({len(r.code or "") for r in coded}) > 1:
        return []  # two classifications whose subtotals nest differently
    printed = {r.code for r in coded}
    return [r for r in coded if not any(
        (r.code or "")[:n] in printed for n in range(3, len(r.code or ""), 2))]


def _grand_total(table: Table, rec: Recorder) -> None:
    coded = [r for r in table.rows if r.code is not None]
    totals = [r for r in table.rows if r.is_total and r.code is None]
    if len(blocks(table)) > 1:
        return  # one block per unit: the 合计 sums the units' rows, not one list of 类
    top = _top_rows(coded)
    if len(totals) >= 1 and len(top) >= 2 - any(len(r.code or "") == 3 for r in top):
        total = totals[0]
        level = "类" if all(len(r.code or "") == 3 for r in top) else "top-level"
        for col in sorted(total.values, key=list(K).index):
            found = total.values[col]
            if found.value is None:
                continue
            amounts = [c.values.get(col) for c in top]
            rec.compare(CheckId.hierarchy, f"'{table.title}' {total.name} [{col.value}] is not the sum "
                        f"of its {len(top)} {level} rows",
                        sum((_val(a) for a in amounts), Decimal(0)), found,
                        [a for a in amounts if a is not None], table.unit, table.title)


# lhs = sum(rhs) identities, by the kinds they apply to
_SPEND_PARTS = [K.basic, K.project, K.operating_expense, K.remit_upper, K.subsidy_affiliated]
_SOURCE_PARTS = [K.fiscal_special, K.business_income, K.operating_income, K.superior_subsidy,
                 K.affiliated_remit, K.other_income, K.unit_funds, K.carryover]
_FISCAL_PARTS = [K.general_budget, K.government_fund, K.state_capital]


def _of_which(table: Table) -> set[ColumnKey]:
    """Columns printed under 其中 ('of which'): parts of another column, not addends of the
    row total (Beijing prints 事业单位经营支出 under 其中 beside 基本支出 and 项目支出)."""
    return {k for label, k in zip(table.columns, table.column_keys, strict=False)
            if k is not None and label.startswith("其中")}


def _identities(table: Table) -> list[tuple[ColumnKey, list[ColumnKey]]]:
    cols = {k for r in table.rows for k in r.values}
    out: list[tuple[ColumnKey, list[ColumnKey]]] = []
    kind = table.kind
    if kind in (TableKind.expenditure_summary, TableKind.general_budget_expenditure,
                TableKind.government_fund, TableKind.state_capital, TableKind.basic_expenditure):
        if K.basic in cols and {K.personnel, K.public} <= cols:
            out.append((K.basic, [K.personnel, K.public]))
        parts = [k for k in _SPEND_PARTS if k in cols and k not in _of_which(table)]
        if K.basic not in cols and {K.personnel, K.public} & cols and kind is not TableKind.government_fund:
            parts = [k for k in (K.personnel, K.public) if k in cols] + parts
        if K.total in cols and len(parts) >= 2:
            out.append((K.total, parts))
    if kind is TableKind.three_public:
        if {K.vehicle_purchase, K.vehicle_operation, K.vehicle_total} <= cols:
            out.append((K.vehicle_total, [K.vehicle_purchase, K.vehicle_operation]))
        parts = [k for k in (K.abroad, K.vehicle_total, K.reception) if k in cols]
        if K.vehicle_total not in cols:
            parts += [k for k in (K.vehicle_purchase, K.vehicle_operation) if k in cols]
        if K.total in cols and len(parts) >= 2:
            out.append((K.total, parts))
    if kind in (TableKind.income_summary, TableKind.project_expenditure) or (
            kind in (TableKind.expenditure_summary, TableKind.basic_expenditure)
            and not (cols & {*_SPEND_PARTS, K.personnel, K.public})):
        fiscal = [k for k in _FISCAL_PARTS if k in cols]
        if K.fiscal in cols and fiscal:
            out.append((K.fiscal, fiscal))
        parts = ([K.fiscal] if K.fiscal in cols else fiscal) + [k for k in _SOURCE_PARTS if k in cols]
        if K.total in cols and len(parts) >= 2:
            out.append((K.total, parts))
    return out


def check_rows(table: Table, rec: Recorder) -> None:
    # a total over columns we could not name (会议费, 单位预留机动经费 …) cannot be checked
    unnamed = any(r.other for r in table.rows)
    for lhs, rhs in _identities(table):
        if unnamed and lhs is K.total:
            continue
        for row in table.rows:
            found = row.values.get(lhs)
            if found is None or found.value is None:
                continue
            terms = [row.values[k] for k in rhs if k in row.values]
            if not terms:
                continue
            label = row.code or row.name or "(row)"
            rec.compare(CheckId.row_sum, f"'{table.title}' {label} {lhs.value} is not "
                        + " + ".join(k.value for k in rhs),
                        sum((_val(a) for a in terms), Decimal(0)), found, terms, table.unit,
                        table.title)


def check_code_names(tables: list[Table], rec: Recorder) -> None:
    for table in tables:
        economic = table.kind is TableKind.basic_expenditure
        for row in table.rows:
            if row.code is None or not row.name:
                continue
            want = expected_name(row.code, economic)
            if want is None:
                continue
            got = re.sub(r"[\s（）()的]", "", row.name)
            if (w := want.replace("的", "")) in got or got in w:
                rec.ok(CheckId.code_name)
                continue
            rec.fail(Flag(
                check=CheckId.code_name, severity=Severity.warning, table=table.title,
                message=f"code {row.code} is printed as '{row.name}', but the national "
                f"classification names it '{want}'",
                locations=[row.provenance],
            ))
