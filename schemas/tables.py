"""The standard tables of 部门预算 and 部门决算, and a generic fallback.

All kinds share one row model. A row's amounts are keyed by a canonical column key
(``ColumnKey``); which keys a kind may carry is declared in ``KIND_SPECS`` and enforced
by the ``Table`` validator. Columns the extractor could not map are kept under their
printed header in ``TableRow.other``: nothing is dropped.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from schemas.provenance import Amount, CurrencyUnit, Provenance


class TableKind(StrEnum):
    income_expenditure_summary = "income_expenditure_summary"
    income_summary = "income_summary"
    expenditure_summary = "expenditure_summary"
    fiscal_summary = "fiscal_summary"
    general_budget_expenditure = "general_budget_expenditure"
    basic_expenditure = "basic_expenditure"
    three_public = "three_public"
    government_fund = "government_fund"
    state_capital = "state_capital"
    project_expenditure = "project_expenditure"
    performance_targets = "performance_targets"
    other = "other"


class ColumnKey(StrEnum):
    amount = "amount"
    budget_amount = "budget_amount"
    total = "total"
    carryover = "carryover"
    fiscal = "fiscal"
    general_budget = "general_budget"
    government_fund = "government_fund"
    state_capital = "state_capital"
    fiscal_special = "fiscal_special"
    business_income = "business_income"
    operating_income = "operating_income"
    superior_subsidy = "superior_subsidy"
    affiliated_remit = "affiliated_remit"
    other_income = "other_income"
    unit_funds = "unit_funds"
    basic = "basic"
    personnel = "personnel"
    public = "public"
    project = "project"
    operating_expense = "operating_expense"
    remit_upper = "remit_upper"
    subsidy_affiliated = "subsidy_affiliated"
    abroad = "abroad"
    vehicle_total = "vehicle_total"
    vehicle_purchase = "vehicle_purchase"
    vehicle_operation = "vehicle_operation"
    reception = "reception"


COLUMN_DESCRIPTIONS: dict[ColumnKey, str] = {
    ColumnKey.amount: "The figure of a 收支总表 line: 预算数 (budget) or 决算数 (final account).",
    ColumnKey.budget_amount: "年初预算数 / 上年预算数 shown beside the main figure.",
    ColumnKey.total: "合计 / 总计 / 小计 of the row.",
    ColumnKey.carryover: "上年结转(结余) / 年初结转和结余.",
    ColumnKey.fiscal: "财政拨款 (收入) in all: 一般公共预算 + 政府性基金 + 国有资本经营预算.",
    ColumnKey.general_budget: "一般公共预算 (拨款).",
    ColumnKey.government_fund: "政府性基金预算 (拨款).",
    ColumnKey.state_capital: "国有资本经营预算 (拨款).",
    ColumnKey.fiscal_special: "财政专户管理资金 (收入).",
    ColumnKey.business_income: "事业收入.",
    ColumnKey.operating_income: "(事业单位) 经营收入.",
    ColumnKey.superior_subsidy: "上级补助收入.",
    ColumnKey.affiliated_remit: "附属单位上缴收入.",
    ColumnKey.other_income: "其他收入.",
    ColumnKey.unit_funds: "单位资金 (non-fiscal funds of the unit).",
    ColumnKey.basic: "基本支出 (小计).",
    ColumnKey.personnel: "人员经费 (part of 基本支出).",
    ColumnKey.public: "公用经费 / 日常公用 (part of 基本支出).",
    ColumnKey.project: "项目支出.",
    ColumnKey.operating_expense: "(事业单位) 经营支出.",
    ColumnKey.remit_upper: "上缴上级支出.",
    ColumnKey.subsidy_affiliated: "对附属单位补助支出.",
    ColumnKey.abroad: "因公出国(境)费.",
    ColumnKey.vehicle_total: "公务用车购置及运行(维护)费 小计.",
    ColumnKey.vehicle_purchase: "公务用车购置费.",
    ColumnKey.vehicle_operation: "公务用车运行(维护)费.",
    ColumnKey.reception: "公务接待费.",
}


class KindSpec(BaseModel):
    """What a table kind may carry (its canonical columns) and whether every disclosure
    publishes it. The words that name a kind in a title are pipeline.vocabulary.TITLE_RULES."""

    kind: TableKind
    columns: list[ColumnKey] = Field(description="Canonical columns this kind may carry.")
    required: bool = Field(description="Part of the standard set every disclosure publishes.")


_SOURCES = [
    ColumnKey.total, ColumnKey.carryover, ColumnKey.fiscal, ColumnKey.general_budget,
    ColumnKey.government_fund, ColumnKey.state_capital, ColumnKey.fiscal_special, ColumnKey.business_income,
    ColumnKey.operating_income, ColumnKey.superior_subsidy, ColumnKey.affiliated_remit,
    ColumnKey.other_income, ColumnKey.unit_funds,
]
_SPEND = [
    ColumnKey.total, ColumnKey.basic, ColumnKey.personnel, ColumnKey.public, ColumnKey.project,
    ColumnKey.operating_expense, ColumnKey.remit_upper, ColumnKey.subsidy_affiliated,
]
_SUMMARY = [ColumnKey.amount, ColumnKey.budget_amount, ColumnKey.total,
            ColumnKey.general_budget, ColumnKey.government_fund, ColumnKey.state_capital]

KIND_SPECS: dict[TableKind, KindSpec] = {
    s.kind: s
    for s in [
        KindSpec(kind=TableKind.income_expenditure_summary, columns=_SUMMARY, required=True),
        KindSpec(kind=TableKind.income_summary, columns=_SOURCES, required=True),
        KindSpec(kind=TableKind.expenditure_summary, columns=[*_SPEND, *_SOURCES[1:]], required=True),
        KindSpec(kind=TableKind.fiscal_summary, columns=_SUMMARY, required=True),
        KindSpec(kind=TableKind.general_budget_expenditure, columns=_SPEND, required=True),
        KindSpec(kind=TableKind.basic_expenditure, columns=[*_SPEND, *_SOURCES[1:]], required=True),
        KindSpec(kind=TableKind.three_public, columns=[
            ColumnKey.total, ColumnKey.abroad, ColumnKey.vehicle_total, ColumnKey.vehicle_purchase,
            ColumnKey.vehicle_operation, ColumnKey.reception, ColumnKey.budget_amount], required=True),
        KindSpec(kind=TableKind.government_fund, columns=[*_SPEND, ColumnKey.carryover, ColumnKey.amount],
                 required=True),
        KindSpec(kind=TableKind.state_capital, columns=[*_SPEND, ColumnKey.carryover, ColumnKey.amount],
                 required=True),
        KindSpec(kind=TableKind.project_expenditure, columns=_SOURCES, required=False),
        KindSpec(kind=TableKind.performance_targets, columns=[ColumnKey.total], required=False),
        KindSpec(kind=TableKind.other, columns=[], required=False),
    ]
}


class TableRow(BaseModel):
    """One data row of a table, with every figure and where it was printed."""

    code: str | None = Field(
        default=None,
        description="Function (3/5/7 digits) or economic (3/5 digits) classification code, "
        "joined when printed as 类|款|项 parts; null when the row has none.",
    )
    level: Literal["类", "款", "项"] | None = Field(
        default=None, description="Level of `code`: 类 = 3 digits, 款 = 5, 项 = 7."
    )
    name: str = Field(description="Row label as printed: subject name, unit name or item.")
    side: Literal["income", "expenditure"] | None = Field(
        default=None, description="For two-sided summary tables: which half the line is in."
    )
    unit_name: str | None = Field(
        default=None, description="Budget unit (预算单位/单位名称) the row belongs to, if printed."
    )
    project_name: str | None = Field(default=None, description="项目名称, for project rows.")
    is_total: bool = Field(
        default=False, description="True for 合计/总计/本年收入合计 and similar total lines."
    )
    values: dict[ColumnKey, Amount] = Field(
        default_factory=dict, description="Figures by canonical column."
    )
    other: dict[str, Amount] = Field(
        default_factory=dict,
        description="Figures of columns with no canonical key, by printed header.",
    )
    texts: dict[str, str] = Field(
        default_factory=dict, description="Non-numeric cells by printed header (e.g. 绩效目标)."
    )
    provenance: Provenance = Field(description="Page and location of the row label.")


class Table(BaseModel):
    """A standard table (or a generic one) with its rows, joined across pages."""

    kind: TableKind = Field(description="Which standard table this is; `other` if none fits.")
    title: str = Field(description="Title as printed.")
    pages: list[int] = Field(description="Pages the table spans, in order.")
    unit: CurrencyUnit = Field(description="Currency unit of the table's amounts.")
    unit_stated: bool = Field(description="False if no unit line was found and 万元 was assumed.")
    columns: list[str] = Field(description="Flattened headers as printed, left to right.")
    column_keys: list[ColumnKey | None] = Field(
        description="Canonical key of each column (null: kept under `other` or `texts`)."
    )
    rows: list[TableRow] = Field(default_factory=list)
    empty: bool = Field(default=False, description="The table has no figures (空表).")
    empty_note: str | None = Field(
        default=None, description="The statement explaining the empty table, e.g. '本表无数据'."
    )
    part: int = Field(default=1, description="1, 2… when one title is printed as several tables.")
    layout_inferred: bool = Field(
        default=False,
        description="Text input whose columns were inferred (aligned text, one cell per line, "
        "repaired markdown) rather than ruled or tab-separated: its failed identities are "
        "reported as warnings, since a misplaced figure is as likely as a document error.")

    @model_validator(mode="after")
    def _columns_fit_kind(self) -> Table:
        allowed = set(KIND_SPECS[self.kind].columns)
        if self.kind is TableKind.other:
            return self
        for row in self.rows:
            bad = [k for k in row.values if k not in allowed]
            if bad:
                raise ValueError(
                    f"{self.kind.value} table '{self.title}' row '{row.name}' carries columns "
                    f"{[k.value for k in bad]} that this kind does not have; allowed: "
                    f"{[k.value for k in allowed]}"
                )
        return self
