"""Combined tables for analysts: one row per figure, each with the document id and page,
as CSV and Parquet. Columns are documented in README ("Batch outputs")."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.errors import MissingExtraError
from pipeline.export.analyst import (
    SUMMARY_KINDS,
    THREE_PUBLIC_ITEMS,
    amount_rows,
    project_rows,
    three_public_rows,
    yuan,
)
from pipeline.export.atomic import atomic_write
from pipeline.export.quality import QUALITY_COLUMNS, quality_row
from schemas.document import Disclosure
from schemas.tables import TableKind

TABLES = ["documents", "function_expenditures", "economic_expenditures", "three_public",
          "projects", "indicators", "figures", "flags", "errors", "quality",
          "amounts", "three_public_summary", "income_expenditure_summary", "fiscal_summary"]
# every table whose figures are money; a performance table's numbers are indicator values and
# weights (its projects' amounts are in `projects`)
AMOUNT_KINDS = tuple(k for k in TableKind if k is not TableKind.performance_targets)
FUNCTION_KINDS = {TableKind.expenditure_summary, TableKind.general_budget_expenditure,
                  TableKind.government_fund, TableKind.state_capital, TableKind.income_summary}


def _num(a) -> str | None:
    return None if a is None or a.value is None else str(a.value)


def document_rows(doc_id: str, path: str, d: Disclosure) -> dict[str, list[dict[str, Any]]]:
    """The rows one document contributes to each combined table."""
    m = d.metadata
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    errors = sum(1 for f in d.flags if f.severity.value == "error")
    out["quality"].append(quality_row(doc_id, d))
    out["documents"].append({
        "doc_id": doc_id, "source": path, "department": m.department, "year": m.year,
        "kind": m.kind.value, "level": m.level, "currency_unit": m.currency_unit,
        "pages": d.page_count, "format": d.source_format, "extractor": d.extractor,
        "tables_found": len(d.table_report.found),
        "tables_missing": ";".join(k.value for k in d.table_report.missing),
        "checks_ran": d.checks.ran, "checks_failed": d.checks.failed, "error_flags": errors,
        "model_calls": d.llm.calls, "prompt_tokens": d.llm.prompt_tokens,
        "completion_tokens": d.llm.completion_tokens, "seconds": d.seconds,
        "source_sha256": d.source_sha256, "same_content_as": None})
    out["amounts"] = amount_rows(doc_id, path, d, kinds=AMOUNT_KINDS)
    for kind in SUMMARY_KINDS:
        out[kind.value] = amount_rows(doc_id, path, d, kinds=(kind,))
    out["three_public_summary"] = three_public_rows(doc_id, path, d)
    out["projects"] = project_rows(doc_id, d)
    for t in d.tables:
        target = ("function_expenditures" if t.kind in FUNCTION_KINDS else
                  "economic_expenditures" if t.kind is TableKind.basic_expenditure else
                  "three_public" if t.kind is TableKind.three_public else None)
        if target is None:
            continue
        for r in t.rows:
            base = {"doc_id": doc_id, "table_kind": t.kind.value, "table_title": t.title,
                    "table_part": t.part, "code": r.code, "level": r.level, "name": r.name,
                    "unit_name": r.unit_name, "is_total": r.is_total, "unit": t.unit,
                    "page": r.provenance.page}
            for k, a in r.values.items():
                out[target].append({**base, "column": k.value, "value": _num(a), "raw": a.raw,
                                    "value_yuan": yuan(a),
                                    "value_page": a.provenance.page if a.provenance else None})
            for label, a in r.other.items():
                out[target].append({**base, "column": f"other:{label}", "value": _num(a),
                                    "raw": a.raw, "value_yuan": yuan(a),
                                    "value_page": a.provenance.page if a.provenance else None})
    for i in d.indicators:
        out["indicators"].append({"doc_id": doc_id, "project": i.project, "unit_name": i.unit_name,
                                  "level1": i.level1, "level2": i.level2, "name": i.name,
                                  "operator": i.operator, "value": i.value,
                                  "value_number": None if i.value_number is None else str(i.value_number),
                                  "measure_unit": i.measure_unit,
                                  "weight": None if i.weight is None else str(i.weight),
                                  "page": i.provenance.page})
    for f in d.figures:
        out["figures"].append({"doc_id": doc_id, "kind": f.kind.value, "value": str(f.value),
                               "raw": f.raw, "unit": f.unit, "subject": f.subject,
                               "direction": f.direction, "section": f.section,
                               "page": f.provenance.page})
    for f in d.flags:
        out["flags"].append({"doc_id": doc_id, "check": f.check, "severity": f.severity.value,
                             "message": f.message, "table": f.table,
                             "expected": None if f.expected is None else str(f.expected),
                             "found": None if f.found is None else str(f.found),
                             "difference": None if f.difference is None else str(f.difference),
                             "pages": ";".join(str(p) for p in sorted({x.page for x in f.locations})),
                             "page": min((x.page for x in f.locations), default=None)})
    return out


def error_row(doc_id: str, path: str, error: str, reason: str) -> dict[str, Any]:
    return {"doc_id": doc_id, "source": path, "error": error, "reason": reason, "page": None,
            "same_content_as": None}


COLUMNS: dict[str, list[str]] = {
    "documents": ["doc_id", "source", "department", "year", "kind", "level", "currency_unit",
                  "pages", "format", "extractor", "tables_found", "tables_missing", "checks_ran",
                  "checks_failed", "error_flags", "model_calls", "prompt_tokens",
                  "completion_tokens", "seconds", "source_sha256", "same_content_as"],
    "function_expenditures": ["doc_id", "table_kind", "table_title", "table_part", "code",
                              "level", "name", "unit_name", "is_total", "column", "value_yuan",
                              "value", "unit", "raw", "page", "value_page"],
    "projects": ["doc_id", "unit_name", "name", "category", "value_yuan", "amount", "unit", "raw",
                 "sources", "listed", "page"],
    "amounts": ["doc_id", "source", "table_kind", "table_title", "table_part", "side", "code",
                "level", "name", "unit_name", "is_total", "column", "value_yuan", "value", "unit",
                "raw", "page", "value_page"],
    "three_public_summary": ["doc_id", "source", "department", "year", "kind", "table_title",
                             "year_column", "is_current", *THREE_PUBLIC_ITEMS, "total_computed",
                             "printed_unit", "page"],
    "indicators": ["doc_id", "project", "unit_name", "level1", "level2", "name", "operator",
                   "value", "value_number", "measure_unit", "weight", "page"],
    "figures": ["doc_id", "kind", "value", "raw", "unit", "subject", "direction", "section",
                "page"],
    "flags": ["doc_id", "check", "severity", "message", "table", "expected", "found",
              "difference", "pages", "page"],
    "errors": ["doc_id", "source", "error", "reason", "page", "same_content_as"],
    "quality": list(QUALITY_COLUMNS),
}
COLUMNS["economic_expenditures"] = COLUMNS["function_expenditures"]
COLUMNS["three_public"] = COLUMNS["function_expenditures"]
COLUMNS["income_expenditure_summary"] = COLUMNS["amounts"]
COLUMNS["fiscal_summary"] = COLUMNS["amounts"]
# exact decimals in 元: Parquet decimal columns, plain digits in CSV
DECIMAL_COLUMNS = {"value_yuan", *THREE_PUBLIC_ITEMS}
DECIMAL_PRECISION = 38  # Arrow's widest decimal128


def _csv_cell(v: Any) -> Any:
    return format(v, "f") if isinstance(v, Decimal) else v


def _arrow_column(name: str, values: list[Any]):
    """An Arrow array: exact decimals (scale: the most decimals present) for amounts in 元,
    booleans and integers as they are, everything else as strings."""
    import pyarrow as pa

    if name in DECIMAL_COLUMNS:
        decimals = [v if v is None or isinstance(v, Decimal) else Decimal(str(v)) for v in values]
        scale = max((max(0, -int(v.as_tuple().exponent)) for v in decimals if v is not None), default=2)
        return pa.array(decimals, pa.decimal128(DECIMAL_PRECISION, scale))
    if not values:
        return pa.array([], pa.string())
    return pa.array([None if v is None else v if isinstance(v, bool | int | float) else str(v)
                     for v in values])


def write_tables(rows: dict[str, Iterable[dict[str, Any]]], out_dir: Path) -> dict[str, int]:
    """Write each table as OUT/tables/NAME.csv and NAME.parquet (all text columns are
    strings; numeric ones are decimal strings, exact); returns row counts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = out_dir / "tables"
    target.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in TABLES:
        data = list(rows.get(name, []))
        cols = COLUMNS[name]
        counts[name] = len(data)

        def csv_writer(tmp: str, data=data, cols=cols) -> None:
            with open(tmp, "w", newline="", encoding="utf-8-sig") as f:
                w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
                w.writeheader()
                w.writerows({c: _csv_cell(r.get(c)) for c in cols} for r in data)

        def pq_writer(tmp: str, data=data, cols=cols) -> None:
            pq.write_table(pa.table({c: _arrow_column(c, [r.get(c) for r in data]) for c in cols}), tmp)

        atomic_write(target / f"{name}.csv", csv_writer)
        atomic_write(target / f"{name}.parquet", pq_writer)
    return counts


EXCEL_MAX_ROWS = 1_048_575  # a sheet's rows below its header; more go on continuation sheets
EXCEL_MAX_NAME = 31  # characters of a sheet name


def write_excel(rows: dict[str, Iterable[dict[str, Any]]], path: Path) -> Path:
    """All combined tables in one workbook, one sheet per table (amounts as numbers, every
    other column as in the CSV). Needs the ``excel`` extra (openpyxl)."""
    try:
        from openpyxl import Workbook
    except ImportError as e:
        raise MissingExtraError("Excel output needs openpyxl: pip install 'budget-extract[excel]'"
                                ) from e

    def write(tmp: str) -> None:
        wb = Workbook(write_only=True)
        for name in TABLES:
            data = list(rows.get(name, []))
            cols = COLUMNS[name]
            for part, start in enumerate(range(0, max(len(data), 1), EXCEL_MAX_ROWS)):
                title = name if part == 0 else f"{name} ({part + 1})"
                ws = wb.create_sheet(title[:EXCEL_MAX_NAME])
                ws.append(cols)
                for r in data[start:start + EXCEL_MAX_ROWS]:
                    ws.append([r.get(c) for c in cols])
        wb.save(tmp)

    return atomic_write(path, write)


def write_jsonl(documents: Iterable[dict[str, Any]], path: Path) -> Path:
    """One extracted document (its JSON, with doc_id and source) per line."""
    import json

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            for d in documents:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")

    return atomic_write(path, write)
