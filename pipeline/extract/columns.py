"""What a table's header labels and rows mean, shared by the rules extractor and the
model path: the canonical key of a flattened header label, and where a grid's header ends."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.layout.blocks import GridRow
from pipeline.numbers import normalise_text, parse_amount
from pipeline.vocabulary import COLUMN_RULES, TOTAL_ROW_LABEL
from schemas.tables import ColumnKey, TableKind

SUMMARY_KINDS = {TableKind.income_expenditure_summary, TableKind.fiscal_summary}

_K = ColumnKey
FUND_KEYS = {_K.general_budget, _K.government_fund, _K.state_capital}
SOURCE_KEYS = {_K.fiscal, *FUND_KEYS, _K.fiscal_special, _K.unit_funds}
INCOME_KEYS = {*SOURCE_KEYS, _K.business_income, _K.operating_income, _K.superior_subsidy,
               _K.affiliated_remit, _K.other_income}
TOTAL_WORDS = re.compile(r"合计|总计|小计|金额|预算数|决算数|本年|支出数|收入数|^(预算|决算)$")
AMOUNT_WORDS = re.compile(r"预算数|决算数|金额|^(预算|决算)$")
CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


@dataclass(frozen=True)
class TableSettings:
    """The limits the table interpreter works with."""

    header_rows: int = 12  # the header ends within this many rows
    code_row_cells: int = 4  # a data row prints its code within its first cells
    code_columns: int = 4  # a column of codes is one of the first columns
    code_share: float = 0.8  # a code column: this share of its filled cells are digits
    wrapped_tail: int = 3  # characters: the end of a wrapped label carried onto the figures' line


SETTINGS = TableSettings()
class _Step:
    """What one header part says while ``column_key`` reads a label from its last part."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


_SUBTOTAL = _Step("subtotal")  # 小计 or a source's 合计: the key is its group's
_NEXT = _Step("next")  # this part says nothing: read the part before it
_UNDECIDED = _Step("undecided")


def column_key(label: str, kind: TableKind,
               allowed: set[ColumnKey] | None = None) -> ColumnKey | bool | None:
    """Canonical key for a header label such as '基本支出/人员经费'; None for columns to
    skip (行次); False when no key fits. The most specific (last) part decides; 小计 defers
    to its group, or means the total when the group has no key of this table kind."""
    parts = [p for p in label.split("/") if p]
    period = _period_key(parts, kind, allowed)
    if period is not _UNDECIDED:
        return period  # type: ignore[return-value]
    subtotal = False
    for i in range(len(parts) - 1, -1, -1):
        step = _part_key(parts, i, kind, allowed, subtotal)
        if step is _SUBTOTAL:
            subtotal = True
        elif step is not _NEXT:
            return step  # type: ignore[return-value]
    return _K.total if subtotal else False


def _period_key(parts: list[str], kind: TableKind,
                allowed: set[ColumnKey] | None) -> ColumnKey | bool | _Step:
    """预算数 / 决算数 under a heading, and last year's figures beside this year's."""
    if len(parts) > 1 and kind not in SUMMARY_KINDS and re.fullmatch(
            r"(年初|全年|调整后)?(预算数|决算数)", parts[-1]):
        parent = column_key("/".join(parts[:-1]), kind, allowed)
        if isinstance(parent, ColumnKey):
            # a final account prints 预算数 and 决算数 under each heading: 决算数 is the value
            return parent if "决算" in parts[-1] else False
    if any(re.fullmatch(r"上年(度)?(预算|决算|执行)?数?|\d{4}年(预算|决算|执行)?数?", p) for p in parts):
        year_cols = [p for p in parts if re.fullmatch(r"\d{4}年.*|上年.*|本年.*", p)]
        if year_cols and year_cols[0].startswith("上年"):
            return False  # last year's figures printed beside this year's: kept under `other`
    return _UNDECIDED


def _part_key(parts: list[str], i: int, kind: TableKind, allowed: set[ColumnKey] | None,
              subtotal: bool) -> ColumnKey | bool | _Step | None:
    """What header part ``i`` says: a key, False, None, or a step for the loop."""
    part = parts[i]
    if part == "小计":
        return _SUBTOTAL  # defers to its group heading
    if part == "金额" and i > 0 and kind not in SUMMARY_KINDS:
        parent = column_key("/".join(parts[:i]), kind, allowed)
        if parent in INCOME_KEYS:
            return parent  # 事业收入/金额 beside 事业收入/其中：教育收费
    if re.fullmatch(r"合计|总计", part):
        if i > 0 and SOURCE_KEYS & {column_key(parts[i - 1], kind, allowed)}:
            return _SUBTOTAL  # 财政拨款/合计: the total of a source of funds
        return _K.total
    if "非财政拨款" in part:
        return False  # 使用非财政拨款结余: not 财政拨款
    for pattern, key in COLUMN_RULES:
        if pattern.search(part):
            return _rule_key(key, i, kind, allowed, subtotal)
    if part.startswith("其中"):
        return False  # 事业收入/其中：教育收费 is a part, not the parent
    if TOTAL_WORDS.search(part):
        return _K.amount if kind in SUMMARY_KINDS and AMOUNT_WORDS.search(part) else _K.total
    return _NEXT


def _rule_key(key: ColumnKey | None, i: int, kind: TableKind, allowed: set[ColumnKey] | None,
              subtotal: bool) -> ColumnKey | bool | _Step | None:
    """The key a vocabulary rule gives a header part, checked against the table kind."""
    if key is None or allowed is None or key in allowed:
        if subtotal and key is _K.basic and kind is TableKind.basic_expenditure:
            return _K.total  # 基本支出/小计 of a basic-expenditure table
        return key
    if subtotal:
        return _K.total  # the subtotal of a group this kind has no key for
    if key in FUND_KEYS and i > 0:
        return _NEXT  # 总计/一般公共预算: the fund split of the parent column, which decides
    return False  # a heading this table kind has no key for: keep it under `other`


def _is_data_row(texts: list[str]) -> bool:
    norm = [normalise_text(t) for t in texts]
    if any(parse_amount(t) is not None and ("." in t or "," in t) for t in norm):
        return True
    filled = [t for t in norm if t]
    if any(CODE.match(t) for t in norm[:SETTINGS.code_row_cells]) and len(filled) >= 2:
        return True
    # a total line of an empty table: 合计 and nothing but blanks or zeros
    return any(TOTAL_ROW_LABEL.match(t) for t in norm) and all(
        TOTAL_ROW_LABEL.match(t) or parse_amount(t) is not None for t in filled)


def header_end(rows: list[GridRow], ncols: int) -> int:
    """Number of header rows: the rows before the first one with a figure, a code or 合计."""
    for i, row in enumerate(rows[:SETTINGS.header_rows]):
        if _is_data_row(row.texts(ncols)):
            return i
    return 0
