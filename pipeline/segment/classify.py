"""Which standard table a printed title names. Names vary by province and level, so the
rules match the distinctive words, most specific first."""

from __future__ import annotations

import re

from schemas.tables import TableKind

_RULES: list[tuple[re.Pattern[str], TableKind]] = [
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

# a table's number label, printed apart from its title: 公开01表, 预算01表, 表1, 附表3, 公开表一
NUMBER_LABEL = re.compile(
    r"(?:(?:部门|单位)?(?:预算|决算)?公开|部门|预算|决算|附)?表?[\d一二三四五六七八九十]+(?:[-—－]\d+)?表?"
    r"(?:[(（](?:续|续表)[)）])?")
_TOC_TAIL = re.compile(r"(\.{3,}|…{2,}|·{3,})\s*[(（]?\d+[)）]?\s*$|\s\d{1,3}$")
_NOT_TITLE = re.compile(r"(情况说明|说明$|^注|^备注|主要用于|万元|。|，|：$)")


def normalise_title(text: str) -> str:
    t = re.sub(r"[#*\s]+", "", text)
    return t.replace("“", '"').replace("”", '"').replace("（", "(").replace("）", ")")


def is_number_label(text: str) -> bool:
    """``公开01表``, ``表1``, ``预算03-1表``: the number of a table, not its title."""
    t = normalise_title(text)
    return "表" in t and NUMBER_LABEL.fullmatch(t) is not None


def classify_title(text: str) -> TableKind | None:
    """The table kind a line names, or None when the line is not a table title."""
    t = normalise_title(text)
    if not t or len(t) > 60 or "表" not in t or _TOC_TAIL.search(text.strip()):
        return None
    if _NOT_TITLE.search(t):
        return None
    if is_number_label(t):
        return None
    for pattern, kind in _RULES:
        if pattern.search(t):
            return kind
    if re.search(r"表$|表[(（]", t):
        return TableKind.other
    return None
