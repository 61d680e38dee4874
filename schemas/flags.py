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


class CheckId(StrEnum):
    """The stable id of each check: the ``check`` of a flag, the keys of
    ``ChecksSummary.by_check``, the ``checks`` of a gold anomaly. String-valued, so the JSON
    holds the same text as before the enum existed."""

    balance = "balance"  # a summary table's income side equals its expenditure side
    code_name = "code_name"  # a function code printed with the name the standard gives it
    codes_outside = "codes_outside"  # the text names codes that no table holds
    cross_table = "cross_table"  # one figure printed alike in two tables
    duplicate_code = "duplicate_code"  # a code printed twice in one table
    empty_unexplained = "empty_unexplained"  # an empty table with no 空表说明
    grounding = "grounding"  # every figure found at its page (counts the passes)
    grounding_page = "grounding_page"  # a figure found on another page than recorded
    grounding_scale = "grounding_scale"  # a figure found only at another unit's scale
    hierarchy = "hierarchy"  # a 类/款 row is the sum of its children; a total of its rows
    metadata_inferred = "metadata_inferred"  # the unit or year was inferred, not printed
    model_failed = "model_failed"  # the model gave no valid answer for a chunk
    narrative_amount = "narrative_amount"  # an amount in the text agrees with its table row
    narrative_change = "narrative_change"  # a stated change agrees with its two amounts
    narrative_direction = "narrative_direction"  # 增加/减少 agrees with the sign of the change
    narrative_share = "narrative_share"  # a stated share agrees with its amounts
    narrative_total = "narrative_total"  # a total in the text agrees with its table
    pdf_repaired = "pdf_repaired"  # the PDF needed repair to open
    row_sum = "row_sum"  # a row's columns add up (基本 + 项目 = 合计, …)
    table_missing = "table_missing"  # a standard table the document names is not found
    ungrounded = "ungrounded"  # a figure not found in the source at all


class Flag(BaseModel):
    """One failed check."""

    check: CheckId = Field(description="Stable check id, e.g. 'hierarchy', 'ungrounded'.")
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
    by_check: dict[CheckId, CheckCount] = Field(default_factory=dict)
