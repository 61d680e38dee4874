"""A whole disclosure: metadata, sections, tables, projects, indicators, narrative figures."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from schemas.flags import ChecksSummary, Flag
from schemas.indicators import PerformanceIndicator, Project
from schemas.narrative import NarrativeFigure
from schemas.provenance import CurrencyUnit, Provenance
from schemas.tables import Table, TableKind


class DocumentKind(StrEnum):
    budget = "budget"
    final_account = "final_account"


class Metadata(BaseModel):
    """What the document is."""

    department: str = Field(description="Publishing department or unit, as on the title page.")
    year: int | None = Field(description="Budget or account year (not the publication date); "
                             "null when neither the document nor its file name states one.")
    kind: DocumentKind = Field(description="budget (部门/单位预算) or final_account (决算).")
    level: Literal["department", "unit"] = Field(
        default="department", description="部门 (department) or 单位 (unit) disclosure."
    )
    currency_unit: CurrencyUnit = Field(description="Unit most tables state (usually 万元).")
    title: str = Field(description="Title as printed, e.g. '2024年度部门决算'.")
    provenance: Provenance = Field(description="Where the title was read.")
    inferred: dict[str, str] = Field(
        default_factory=dict,
        description="Fields not read from a title, and where they came from instead (body "
        "lines, table titles, the file name) or 'unknown' (flag metadata_inferred).")


class Section(BaseModel):
    """A narrative chapter or sub-chapter."""

    heading: str
    level: int = Field(description="1 for 第一部分/一、, 2 for (一), 3 for 1.")
    pages: list[int]
    text: str = Field(description="Body text, wrapped lines joined.")
    provenance: Provenance


class TableReport(BaseModel):
    """Which standard tables were found and which were not."""

    found: list[TableKind]
    missing: list[TableKind] = Field(
        description="Standard tables of this document kind that were not found."
    )
    empty: list[TableKind] = Field(description="Found, but with no data (空表).")
    codes_printed: int | None = Field(
        default=None, description="Distinct 款/项 function codes printed before a name anywhere "
        "in the source (null when the document was not checked).")
    codes_in_standard_tables: int | None = Field(
        default=None, description="How many of those sit in rows of standard tables; the rest "
        "were lost, truncated or left in unclassified tables (flag codes_outside).")


class ChunkFailure(BaseModel):
    """A chunk the model could not extract; the document goes on without it."""

    chunk: str = Field(description="Chunk id (t3.1: table 3, part 1; s2.1: section 2).")
    title: str
    pages: list[int]
    error: str = Field(description="What failed, in one line.")
    attempts: int = Field(default=0, description="Model calls made for this chunk.")
    last_answer: str | None = Field(default=None, description="The model's last answer, kept.")


class LLMUsage(BaseModel):
    """What the model path cost for this document."""

    model: str | None = None
    endpoint: str | None = None
    mode: str | None = None
    chunks_sent: int = Field(default=0, description="Chunks answered by the model or its cache.")
    calls: int = Field(default=0, description="HTTP calls made to the model (re-asks included).")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    failures: list[ChunkFailure] = Field(default_factory=list)
    model_parts: list[str] = Field(
        default_factory=list,
        description="The tables and sections whose figures came from the model.")
    would_send: list[str] = Field(
        default_factory=list,
        description="With no endpoint configured under `auto`: the parts a model would get.")


class Disclosure(BaseModel):
    """Everything extracted from one document."""

    schema_version: Literal["1"] = "1"
    source: str = Field(description="File name of the source document.")
    source_sha256: str
    source_format: Literal["pdf", "text"]
    page_count: int
    metadata: Metadata
    sections: list[Section] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    table_report: TableReport
    projects: list[Project] = Field(default_factory=list)
    indicators: list[PerformanceIndicator] = Field(default_factory=list)
    figures: list[NarrativeFigure] = Field(default_factory=list)
    mentioned_tables: list[TableKind] = Field(
        default_factory=list,
        description="Standard tables the document names (contents, titles), found or not.",
    )
    flags: list[Flag] = Field(default_factory=list, description="Failed checks, most severe first.")
    checks: ChecksSummary = Field(default_factory=ChecksSummary)
    extractor: str = Field(default="rules", description="Where the figures came from: rules "
                           "(no model), llm (every part from the model), or llm+rules (the "
                           "parts in llm.model_parts from the model, the rest from the rules).")
    llm: LLMUsage = Field(default_factory=LLMUsage, description="Model usage and failures.")
    seconds: float = Field(default=0.0, description="Wall time from file to this object.")
