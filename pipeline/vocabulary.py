"""Vocabulary shared by the stages, as data in one place: what a table's printed header
words mean, which row labels mark a total, the currency units and their scales, the level
of a 类/款/项 code, and what a printed amount and a narrative figure look like. Every stage
and the model path read it from here (this module sits below every stage, as
pipeline.numbers does, and imports nothing from the pipeline). README: "How to add a
synonym / a total word / a unit"."""

from __future__ import annotations

import re
from decimal import Decimal

from schemas.tables import ColumnKey, TableKind

# --- currency units -----------------------------------------------------------------
# 元 per unit; every other scale is derived from this table
UNIT_SCALE: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
DEFAULT_UNIT = "万元"  # the unit of a document whose tables state none
# 万元 per unit (the checks' tolerances are written in 万元): 元 0.0001, 万元 1, 亿元 10000
UNIT_IN_WAN: dict[str, Decimal] = {u: s / UNIT_SCALE["万元"] for u, s in UNIT_SCALE.items()}
# the units a narrative figure may carry: the currency units, longest first, and percent
FIGURE_UNITS: tuple[str, ...] = ("万元", "亿元", "元", "%", "％")
_FIGURE_UNIT = "|".join(FIGURE_UNITS)

# --- narrative figures --------------------------------------------------------------
# a figure in running text: a number (thousands groups kept whole) and its unit, e.g.
# 2,961.68万元, 71.73%; the unit is required, so a year or a count is no figure
NARRATIVE_FIGURE = re.compile(
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>{_FIGURE_UNIT})"
)
# a figure as a model quotes it (its ``raw``), the unit optional: 2961.68万元, 2961.68
QUOTED_FIGURE = re.compile(rf"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>{_FIGURE_UNIT})?")
# a line that holds a figure worth a model's attention: a decimal, or a number with a unit
FIGURE_LIKE = re.compile(rf"\d+\.\d+|\d\s*(?:{_FIGURE_UNIT})")

# --- rows ---------------------------------------------------------------------------
# the label of a total row (normalised: no spaces, full-width folded)
TOTAL_ROW_LABEL = re.compile(r"^(合计|总计|本年(收入|支出)?合计|收入总计|支出总计|收支总计)$")
# the level of a function code by its number of digits (类|款|项 parts joined)
CODE_LEVELS: dict[int, str] = {3: "类", 5: "款", 7: "项"}


def code_level(code: str | None) -> str | None:
    """类, 款 or 项 for a 3-, 5- or 7-digit code; None for no code or another length."""
    return CODE_LEVELS.get(len(code)) if code else None


# --- header words -------------------------------------------------------------------

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

# (pattern on a table title, the standard table it names): names vary by province and
# level, so the rules match the distinctive words; the first match wins, most specific first
TITLE_RULES: list[tuple[re.Pattern[str], TableKind]] = [
    (re.compile(r"绩效"), TableKind.performance_targets),
    (re.compile(r"机关运行经费支出|政府采购|购买服务|会议费明细|培训费明细"), TableKind.other),
    (re.compile(r"三公"), TableKind.three_public),
    (re.compile(r"上年结转资金支出|结转(结余)?资金支出"), TableKind.other),
    (re.compile(r"专项(业务)?经费支出表"), TableKind.project_expenditure),
    (re.compile(r"政府性基金.*(支出|收支|收入支出)"), TableKind.government_fund),
    (re.compile(r"国有资本经营.*(支出|收支|收入支出)"), TableKind.state_capital),
    (re.compile(r"财政拨款(预算)?(收支|收入支出)"), TableKind.fiscal_summary),
    (re.compile(r"基本支出"), TableKind.basic_expenditure),
    (re.compile(r"一般公共预算.*按?经济分类"), TableKind.basic_expenditure),
    (re.compile(r"一般公共预算.*支出|财政拨款支出"), TableKind.general_budget_expenditure),
    (re.compile(r"项目支出"), TableKind.project_expenditure),
    (re.compile(r"(收支|收入支出)(预算|决算)?总(体情况)?表"), TableKind.income_expenditure_summary),
    (re.compile(r"收入(预算|决算)?(总|总体情况)?表"), TableKind.income_summary),
    (re.compile(r"支出(预算|决算)?(总|总体情况)?表"), TableKind.expenditure_summary),
]
