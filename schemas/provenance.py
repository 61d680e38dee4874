"""Where a value came from, and amounts that keep their source string."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CurrencyUnit = Literal["元", "万元", "亿元"]


class Provenance(BaseModel):
    """The location of a value in the source document."""

    model_config = ConfigDict(frozen=True)

    page: int = Field(description="1-based page number in the source document.")
    bbox: tuple[float, float, float, float] | None = Field(
        default=None, description="PDF only: box (x0, y0, x1, y1) in points, origin top-left."
    )
    span: tuple[int, int] | None = Field(
        default=None,
        description="Text input only: [start, end) character offsets in the source file's text.",
    )
    source: str = Field(description="The exact source string the value was read from.")


class Amount(BaseModel):
    """A money figure exactly as printed, with its normalised value and unit."""

    value: Decimal | None = Field(
        description="Normalised value in `unit`; null when the cell is blank or a dash."
    )
    raw: str = Field(description="The cell text as printed, e.g. '1,401.44', '1130', '－'.")
    unit: CurrencyUnit = Field(description="Currency unit the value is stated in (元/万元/亿元).")
    provenance: Provenance | None = Field(
        default=None, description="Page and source location of the printed figure."
    )
