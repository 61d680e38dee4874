"""Response models the model fills. They mirror ``schemas`` with the figures as printed
strings; validators check arithmetic and say exactly which numbers disagree, so that
instructor can feed the error back to the model."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from pipeline.numbers import parse_amount
from schemas.indicators import Operator
from schemas.narrative import FigureKind


class LLMRow(BaseModel):
    code: str | None = Field(default=None, description="Classification code, 类|款|项 parts "
                             "joined (3, 5 or 7 digits); null when the row has none.")
    name: str = Field(description="Row label as printed (subject, unit, project or line).")
    side: Literal["income", "expenditure"] | None = Field(
        default=None, description="Summary tables: income (收入) or expenditure (支出) side.")
    unit_name: str | None = Field(default=None, description="单位名称, when printed.")
    values: dict[str, str] = Field(
        default_factory=dict,
        description="Column header as printed → figure as printed, e.g. {\"合计\": \"1,401.44\"}.")

    @field_validator("code")
    @classmethod
    def _code(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        digits = re.sub(r"\D", "", v)
        if len(digits) not in (3, 5, 7):
            raise ValueError(f"code '{v}' must be 3, 5 or 7 digits (类, 款, 项), parts joined")
        return digits

    @field_validator("values")
    @classmethod
    def _numbers(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [f"{k}: '{x}'" for k, x in v.items() if parse_amount(x) is None and x.strip()
               not in ("", "-", "—", "－")]
        if bad:
            raise ValueError("values must be figures copied as printed; not figures: " + ", ".join(bad))
        return v


class LLMTable(BaseModel):
    """The rows of one table chunk."""

    rows: list[LLMRow] = Field(description="Every printed row with a figure, in order.")

    @model_validator(mode="after")
    def _hierarchy(self, info: ValidationInfo) -> LLMTable:
        if not (info.context or {}).get("check_arithmetic", True):
            return self
        ctx = info.context or {}
        problems = hierarchy_problems(self.rows, more_follows=ctx.get("more_follows", False),
                                      whole_table=ctx.get("whole_table", True))
        if ctx.get("kind") == "three_public" and ctx.get("whole_table", True):
            problems += three_public_problems(self.rows)
        if problems:
            raise ValueError("the rows do not add up as the printed table does; re-read these "
                             "rows and copy the figures exactly: " + "; ".join(problems[:5]))
        return self


def _sum_problems(parent: LLMRow, parts: list[LLMRow], label: str, what: str) -> list[str]:
    """'LABEL [col] = 30.00 but its WHAT sum to 29.00' for each column of ``parent`` that the
    parts miss by more than one cent per part."""
    out = []
    for col, raw in parent.values.items():
        pv = parse_amount(raw)
        vals = [parse_amount(k.values.get(col, "")) for k in parts]
        if pv is None or all(v is None for v in vals):
            continue
        total = sum((v for v in vals if v is not None), Decimal(0))
        if abs(total - pv) > Decimal("0.01") * len(parts):
            out.append(f"{label} [{col}] = {raw} but {what} sum to {total}")
    return out


def _runs_to_the_end(code: str, rows: list[LLMRow]) -> bool:
    """Whether the last coded row of ``rows`` is ``code`` or one of its descendants: its
    children may go on in the next chunk."""
    coded = [r.code for r in rows if r.code]
    return bool(coded) and coded[-1].startswith(code)


def hierarchy_problems(rows: list[LLMRow], *, more_follows: bool = False,
                       whole_table: bool = True) -> list[str]:
    """Each parent whose children (all present in ``rows``) do not add up, and a 合计 row
    that is not the sum of the 类 rows, with the numbers.

    For one chunk of a split table: a parent whose children may run into the next chunk
    (``more_follows``) and the 合计 (unless ``whole_table``) are left to the checks of the
    merged table."""
    out = []
    for code, parent in {r.code: r for r in rows if r.code}.items():
        if more_follows and _runs_to_the_end(code, rows):
            continue
        kids = [r for r in rows if r.code and len(r.code) == len(code) + 2 and r.code.startswith(code)]
        if kids:
            out += _sum_problems(parent, kids, f"{code} {parent.name}", f"its {len(kids)} sub-rows")
    totals = [r for r in rows if r.code is None and re.fullmatch(r"合\s*计|总\s*计", r.name.strip())]
    classes = [r for r in rows if r.code and len(r.code) == 3]
    if totals and classes and whole_table:
        out += _sum_problems(totals[0], classes, totals[0].name, f"the {len(classes)} 类 rows")
    return out


# the parts of a 三公 table, told by the last segment of a row's label ("公务用车购置及运行费/
# 公务用车购置费" is the purchase row); the first pattern that matches wins
_THREE_PUBLIC_PARTS: list[tuple[str, str]] = [
    ("meeting", r"会议费|培训费"),
    ("abroad", r"出国|出境"),
    ("reception", r"接待"),
    ("vehicle", r"公务用车购置及运行"),
    ("purchase", r"购置"),
    ("operation", r"运行"),
    ("three_public_total", r"三公"),
    ("total", r"^(合\s*计|总\s*计)$"),
]


def _three_public_part(row: LLMRow) -> str | None:
    """Which part of a 三公 table ``row`` is when the table is printed (or answered) one
    row per expense: abroad, vehicle (小计), purchase, operation, reception, total …"""
    segments = [s.strip() for s in row.name.split("/") if s.strip()]
    if not segments:
        return None
    last = segments[-1]
    if last.replace(" ", "") == "小计" and len(segments) > 1:
        last = segments[-2]  # "公务用车购置及运行费/小计" is the vehicle subtotal
    return next((part for part, pattern in _THREE_PUBLIC_PARTS if re.search(pattern, last)), None)


def three_public_problems(rows: list[LLMRow]) -> list[str]:
    """A 三公 table read one row per expense (as some documents print it, or as a model
    answers when it transposes a per-unit table): the vehicle row must be purchase +
    operation, and the 三公 total abroad + vehicle + reception. Rows per unit name none of
    these parts and are not checked here."""
    parts: dict[str, LLMRow] = {}
    for row in rows:
        part = _three_public_part(row)
        if part is not None:
            parts.setdefault(part, row)
    out = []
    if {"vehicle", "purchase", "operation"} <= parts.keys():
        out += _sum_problems(parts["vehicle"], [parts["purchase"], parts["operation"]],
                             parts["vehicle"].name, "purchase and operation")
    # the total of the 三公 expenses alone: a plain 合计 only when no 会议费/培训费 row is in it
    total = parts.get("three_public_total") or (parts.get("total") if "meeting" not in parts else None)
    addends = [parts[k] for k in ("abroad", "vehicle", "reception") if k in parts]
    if total is not None and len(addends) >= 2:
        out += _sum_problems(total, addends, total.name, "abroad, vehicle and reception rows")
    return out


class LLMIndicator(BaseModel):
    project: str | None = Field(default=None, description="项目名称.")
    level1: str | None = Field(default=None, description="一级指标.")
    level2: str | None = Field(default=None, description="二级指标.")
    name: str = Field(description="三级指标 text.")
    operator: Operator | None = Field(
        default=None, description="计算符号 / 指标性质.")
    value: str | None = Field(default=None, description="指标值 as printed.")
    measure_unit: str | None = Field(default=None, description="计量单位.")
    weight: str | None = Field(default=None, description="分值/权重 as printed.")


class LLMIndicators(BaseModel):
    indicators: list[LLMIndicator] = Field(description="Every indicator row, in order.")


class LLMFigure(BaseModel):
    kind: FigureKind
    raw: str = Field(description="The number and its unit as printed: '27776.75万元', '40.81%'.")
    subject: str = Field(description="What the figure refers to.")
    direction: Literal["increase", "decrease", "flat"] | None = None

    @field_validator("raw")
    @classmethod
    def _raw(cls, v: str) -> str:
        if not re.search(r"\d", v):
            raise ValueError(f"raw '{v}' holds no number; copy the figure as printed")
        return v


class LLMFigures(BaseModel):
    figures: list[LLMFigure] = Field(description="Every figure stated in the text, in order.")


RESPONSE_MODELS: dict[str, type[BaseModel]] = {"indicators": LLMIndicators, "narrative": LLMFigures}


def response_model(task: str) -> type[BaseModel]:
    return RESPONSE_MODELS.get(task, LLMTable)
