"""Findings of the deterministic checks, each pointing at every location involved."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.provenance import Provenance


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


SEVERITY_ORDER = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


class Flag(BaseModel):
    """One failed check."""

    check: str = Field(description="Stable check id, e.g. 'hierarchy', 'ungrounded'.")
    severity: Severity = Field(
        description="error: the figures disagree beyond rounding or a figure is invented; "
        "warning: likely a problem, or a rounding-sized difference on a large sum; "
        "info: worth a look (e.g. a difference within the stated rounding allowance)."
    )
    message: str = Field(description="What disagrees with what, in plain words.")
    table: str | None = Field(default=None, description="Title of the table concerned.")
    expected: Decimal | None = Field(default=None, description="What the identity requires.")
    found: Decimal | None = Field(default=None, description="What the document states.")
    difference: Decimal | None = Field(default=None, description="found - expected.")
    locations: list[Provenance] = Field(
        default_factory=list, description="Every figure involved: page and source string."
    )


class CheckCount(BaseModel):
    ran: int = 0
    passed: int = 0
    failed: int = 0


class ChecksSummary(BaseModel):
    """How many checks ran, passed and failed, overall and by check id."""

    ran: int = 0
    passed: int = 0
    failed: int = 0
    by_check: dict[str, CheckCount] = Field(default_factory=dict)
