"""Projects and their performance indicators (绩效目标)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from schemas.provenance import Amount, Provenance

Operator = Literal["≥", "≤", "=", ">", "<", "定性"]


class Project(BaseModel):
    """A project (项目) as listed in a project or performance table."""

    unit_name: str | None = Field(default=None, description="单位名称 / 预算单位.")
    name: str = Field(description="项目名称 as printed (codes prefixed to it are kept).")
    category: str | None = Field(default=None, description="项目类别, e.g. '3-特定目标类'.")
    amount: Amount | None = Field(default=None, description="预算数 / 金额 of the project.")
    goal: str | None = Field(default=None, description="绩效目标 text.")
    provenance: Provenance


class PerformanceIndicator(BaseModel):
    """One row of a performance-target table."""

    project: str | None = Field(default=None, description="Name of the project it belongs to.")
    unit_name: str | None = Field(default=None, description="Unit the project belongs to.")
    level1: str | None = Field(
        default=None, description="一级指标: 产出指标, 效益指标, 满意度指标, 成本指标."
    )
    level2: str | None = Field(
        default=None, description="二级指标: 数量指标, 质量指标, 时效指标, 社会效益 …"
    )
    name: str = Field(description="三级指标 (free text).")
    operator: Operator | None = Field(
        default=None, description="计算符号/指标性质: ≥ ≤ = > < or 定性 (qualitative)."
    )
    value: str | None = Field(default=None, description="指标值 as printed: a number or words.")
    value_number: Decimal | None = Field(
        default=None, description="指标值 as a number when it is one."
    )
    measure_unit: str | None = Field(default=None, description="计量单位: %, 人, 个, 万元 …")
    weight: Decimal | None = Field(default=None, description="分值/权重 when printed.")
    provenance: Provenance
