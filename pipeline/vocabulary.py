"""Vocabulary shared by the stages: what a table's printed header words mean, and what a
printed amount looks like. Data in one place; the layout and extract stages both read it
(this module sits below every stage, as pipeline.numbers does)."""

from __future__ import annotations

import re

from schemas.tables import ColumnKey

_K = ColumnKey
# (pattern on a header label, key); the first match wins, so specific words come first
COLUMN_RULES: list[tuple[re.Pattern[str], ColumnKey | None]] = [
    (re.compile(r"行次|栏次|序号|^编号$"), None),  # row numbers, not amounts
    (re.compile(r"人员经费|人员支出"), _K.personnel),
    (re.compile(r"公用经费|日常公用|公用支出"), _K.public),
    (re.compile(r"基本支出"), _K.basic),
    (re.compile(r"项目支出|专项业务经费|专项支出"), _K.project),
    (re.compile(r"经营支出"), _K.operating_expense),
    (re.compile(r"上缴上级"), _K.remit_upper),
    (re.compile(r"对附属单位补助|附属单位补助支出"), _K.subsidy_affiliated),
    (re.compile(r"因公出国"), _K.abroad),
    (re.compile(r"购置及运行|购置和运行|车辆购置及"), _K.vehicle_total),
    (re.compile(r"(用车|车辆)购置"), _K.vehicle_purchase),
    (re.compile(r"运行维护|运行费"), _K.vehicle_operation),
    (re.compile(r"公务用车"), _K.vehicle_total),
    (re.compile(r"公务接待"), _K.reception),
    (re.compile(r"年初预算|上年预算|全年预算"), _K.budget_amount),
    (re.compile(r"上年结转|年初结转|结转结余|结转和结余|上年结余|上年.{0,6}结[转余]"), _K.carryover),
    (re.compile(r"财政专户"), _K.fiscal_special),
    (re.compile(r"政府性基金"), _K.government_fund),
    (re.compile(r"国有资本"), _K.state_capital),
    (re.compile(r"三公"), _K.total),
    (re.compile(r"一般公共预算|公共财政|^公共预算拨款"), _K.general_budget),
    (re.compile(r"财政拨款"), _K.fiscal),
    (re.compile(r"事业收入"), _K.business_income),
    (re.compile(r"经营收入"), _K.operating_income),
    (re.compile(r"上级补助"), _K.superior_subsidy),
    (re.compile(r"附属单位上缴"), _K.affiliated_remit),
    (re.compile(r"其他收入"), _K.other_income),
    (re.compile(r"单位资金|其他资金"), _K.unit_funds),
]

# an amount as printed in a table cell: 1,234.56  1234.56  -3.00  (12.5)  （12.5）
AMOUNT_TOKEN = re.compile(r"^[-(（]?\d{1,3}(,\d{3})+(\.\d+)?[)）]?$|^[-(（]?\d+\.\d+[)）]?$")
