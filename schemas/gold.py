"""Gold annotations: what a person read in a document, to score an extraction against.

One JSON file per document (``eval/gold/<document>.gold.json``). Values are written as
the document prints them (``"1,401.44"``, ``"－"``, ``""`` for a blank cell); the scorer
normalises both sides. Tables are compact: ``columns`` names what each position of a
row holds, using the canonical ``ColumnKey`` values of ``schemas.tables`` plus a few
row fields (``code``, ``name``, ``side``, ``unit_name``), so a gold table reads like the
printed one. The model validates against the same enums as the extraction output, so a
gold file cannot name a table kind, column, indicator operator or figure kind that the
pipeline does not know.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from schemas.document import DocumentKind
from schemas.flags import CheckId
from schemas.indicators import Operator
from schemas.narrative import FigureKind
from schemas.provenance import CurrencyUnit
from schemas.tables import KIND_SPECS, ColumnKey, TableKind

GOLD_FORMAT = "budget-extract-gold/1"
ROW_FIELDS = ("code", "name", "side", "unit_name")


class GoldMetadata(BaseModel):
    """What the title page and the tables say the document is."""

    department: str = Field(description="Publishing department or unit as on the title page.")
    year: int = Field(description="Budget or account year.")
    kind: DocumentKind
    level: Literal["department", "unit"] = "department"
    currency_unit: CurrencyUnit = Field(description="Unit most tables state.")
    page: int | None = Field(default=None, description="Page the title was read on.")


class GoldTable(BaseModel):
    """One standard table as printed, row by row."""

    kind: TableKind
    part: int = Field(default=1, description="1, 2… when one title is printed as several tables.")
    title: str = Field(description="Title as printed.")
    pages: list[int] = Field(default_factory=list, description="Pages (PDF or text pages).")
    unit: CurrencyUnit = Field(description="Currency unit the table states.")
    complete: bool = Field(
        default=True,
        description="True: every data row is listed (extra extracted rows are false positives). "
        "False (key-figure gold): only the listed rows are scored.",
    )
    empty: bool = Field(default=False, description="The table is printed empty (空表).")
    columns: list[str] = Field(
        description="What each position of a row holds: code, name, side, unit_name, a "
        "ColumnKey value, or '-' for a printed column that is not scored (e.g. a text column)."
    )
    rows: list[list[str]] = Field(
        default_factory=list,
        description="Data rows in printed order; values as printed, '' for a blank cell.",
    )
    notes: list[str] = Field(default_factory=list, description="Decisions made reading it.")

    @model_validator(mode="after")
    def _rows_fit_columns(self) -> GoldTable:
        if "name" not in self.columns and "code" not in self.columns:
            raise ValueError(f"gold table '{self.title}': columns need 'code' or 'name'")
        allowed = {k.value for k in KIND_SPECS[self.kind].columns}
        for c in self.columns:
            if c in ROW_FIELDS or c == "-":
                continue
            if c not in {k.value for k in ColumnKey}:
                raise ValueError(f"gold table '{self.title}': unknown column '{c}'; use one of "
                                 f"{list(ROW_FIELDS)}, '-' or a ColumnKey value")
            if self.kind is not TableKind.other and c not in allowed:
                raise ValueError(f"gold table '{self.title}': a {self.kind.value} table has no "
                                 f"column '{c}'; allowed: {sorted(allowed)}")
        for i, row in enumerate(self.rows, 1):
            if len(row) != len(self.columns):
                raise ValueError(f"gold table '{self.title}' row {i} has {len(row)} values for "
                                 f"{len(self.columns)} columns: {row}")
            side = row[self.columns.index("side")] if "side" in self.columns else ""
            if side not in ("", "income", "expenditure"):
                raise ValueError(f"gold table '{self.title}' row {i}: side must be income or "
                                 f"expenditure, not '{side}'")
        return self


class GoldProject(BaseModel):
    """A project (项目) and its amount as listed in the project table."""

    name: str
    amount: str | None = Field(default=None, description="Amount as printed.")
    unit: CurrencyUnit = "万元"
    unit_name: str | None = None
    page: int | None = None


class GoldIndicator(BaseModel):
    """One performance-indicator row (绩效指标)."""

    project: str | None = None
    level1: str | None = None
    level2: str | None = None
    name: str = Field(description="三级指标 as printed.")
    operator: Operator | None = None
    value: str | None = Field(default=None, description="指标值 as printed.")
    measure_unit: str | None = None
    page: int | None = None


class GoldFigure(BaseModel):
    """A figure stated in the narrative chapters."""

    kind: FigureKind
    raw: str = Field(description="As printed, e.g. '2961.68万元', '3.4%'.")
    direction: Literal["increase", "decrease", "flat"] | None = None
    page: int | None = None
    subject: str | None = Field(default=None, description="What it refers to (for the reader).")


class GoldAnomaly(BaseModel):
    """A real inconsistency in the document that the checks must flag."""

    description: str = Field(description="What disagrees with what, read in the document.")
    checks: list[CheckId] = Field(description="Check ids that report it, e.g. ['narrative_amount'].")
    pages: list[int] = Field(default_factory=list, description="Pages involved (PDF).")
    values: list[str] = Field(
        default_factory=list,
        description="Printed figures involved; a flag matches when it names one of them.",
    )


class GoldDocument(BaseModel):
    """Gold annotations for one document."""

    format: Literal["budget-extract-gold/1"] = GOLD_FORMAT
    source: str = Field(description="File name of the document.")
    source_sha256: str | None = Field(default=None, description="Of the file annotated.")
    coverage: Literal["full", "key_figures"] = Field(
        description="full: every table row, indicator and narrative figure; key_figures: "
        "metadata, totals, every 类 row, some rows per table, some indicators."
    )
    reviewed: bool = Field(
        description="False for a draft: the harness refuses to score against it."
    )
    annotator: str | None = None
    method: str = Field(description="How the annotations were made and checked.")
    provenance: str | None = Field(
        default=None, description="Where the figures came from: read by a person from the "
        "document (with which typing aid, and where its record is) or drafted from an extraction."
    )
    decisions: list[str] = Field(
        default_factory=list, description="Where the document is ambiguous: what was decided."
    )
    metadata: GoldMetadata
    tables: list[GoldTable] = Field(default_factory=list)
    absent_tables: list[TableKind] = Field(
        default_factory=list, description="Standard tables the document does not print."
    )
    projects: list[GoldProject] = Field(default_factory=list)
    projects_complete: bool = False
    indicators: list[GoldIndicator] = Field(default_factory=list)
    indicators_complete: bool = False
    figures: list[GoldFigure] = Field(default_factory=list)
    figures_complete: bool = False
    anomalies: list[GoldAnomaly] = Field(default_factory=list)
