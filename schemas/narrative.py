"""Figures stated in the narrative chapters, tied to what they refer to."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from schemas.provenance import Provenance


class FigureKind(StrEnum):
    amount = "amount"
    share = "share"
    change_amount = "change_amount"
    change_percent = "change_percent"


class NarrativeFigure(BaseModel):
    """A number stated in prose, e.g. '人员经费 3217.27 万元' or '下降40.81%'."""

    kind: FigureKind = Field(
        description="amount (money), share (占 x%), change_amount or change_percent."
    )
    value: Decimal = Field(description="The number as stated, normalised.")
    raw: str = Field(description="The figure as printed, e.g. '27776.75万元' or '40.81%'.")
    unit: Literal["元", "万元", "亿元", "%"] = Field(description="Unit of `value`.")
    subject: str = Field(
        description="What the figure refers to: the phrase before it in its clause, e.g. "
        "'社会保障和就业（类）支出' or '人员经费'."
    )
    direction: Literal["increase", "decrease", "flat"] | None = Field(
        default=None, description="For changes: 增加/增长 (increase), 减少/下降 (decrease), 持平."
    )
    code: str | None = Field(
        default=None, description="Function code named in the subject's (类)(款)(项) path, if any."
    )
    section: str | None = Field(default=None, description="Heading of the section it is in.")
    sentence: str = Field(description="The sentence that states it.")
    provenance: Provenance
