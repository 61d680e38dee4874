"""Pydantic v2 schemas: the single source of truth for JSON output, JSON Schema and gold files."""

from schemas.document import Disclosure, DocumentKind, Metadata, Section, TableReport
from schemas.flags import CheckId, ChecksSummary, Flag, Severity
from schemas.indicators import PerformanceIndicator, Project
from schemas.narrative import FigureKind, NarrativeFigure
from schemas.provenance import Amount, Provenance
from schemas.tables import COLUMN_DESCRIPTIONS, KIND_SPECS, ColumnKey, Table, TableKind, TableRow

__all__ = [
    "COLUMN_DESCRIPTIONS",
    "KIND_SPECS",
    "Amount",
    "CheckId",
    "ChecksSummary",
    "ColumnKey",
    "Disclosure",
    "DocumentKind",
    "FigureKind",
    "Flag",
    "Metadata",
    "NarrativeFigure",
    "PerformanceIndicator",
    "Project",
    "Provenance",
    "Section",
    "Severity",
    "Table",
    "TableKind",
    "TableReport",
    "TableRow",
]
