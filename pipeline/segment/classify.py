"""Which standard table a printed title names. Names vary by province and level, so the
rules match the distinctive words, most specific first."""

from __future__ import annotations

import re

from pipeline.numbers import without_markup
from pipeline.vocabulary import TITLE_RULES
from schemas.tables import TableKind

# a table's number label, printed apart from its title: 公开01表, 预算01表, 表1, 附表3, 公开表一
NUMBER_LABEL = re.compile(
    r"(?:(?:部门|单位)?(?:预算|决算)?公开|部门|预算|决算|附)?表?[\d一二三四五六七八九十]+(?:[-—－]\d+)?表?"
    r"(?:[(（](?:续|续表)[)）])?")
_TOC_TAIL = re.compile(r"(\.{3,}|…{2,}|·{3,})\s*[(（]?\d+[)）]?\s*$|\s\d{1,3}$")
_NOT_TITLE = re.compile(r"(情况说明|说明$|^注|^备注|主要用于|万元|。|，|：$)")


def normalise_title(text: str) -> str:
    t = without_markup(text)
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
    for pattern, kind in TITLE_RULES:
        if pattern.search(t):
            return kind
    if re.search(r"表$|表[(（]", t):
        return TableKind.other
    return None
