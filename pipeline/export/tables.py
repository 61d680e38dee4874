"""Combined tables for analysts: one row per figure, each with the document id and page,
as CSV and Parquet. Columns are documented in README ("Batch outputs")."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.export.atomic import atomic_write
from pipeline.export.quality import QUALITY_COLUMNS, quality_row
from schemas.document import Disclosure
from schemas.tables import TableKind

TABLES = ["documents", "function_expenditures", "economic_expenditures", "three_public",
          "projects", "indicators", "figures", "flags", "errors", "quality"]
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
        "completion_tokens": d.llm.completion_tokens, "seconds": d.seconds})
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
                                    "value_page": a.provenance.page if a.provenance else None})
            for label, a in r.other.items():
                out[target].append({**base, "column": f"other:{label}", "value": _num(a),
                                    "raw": a.raw,
                                    "value_page": a.provenance.page if a.provenance else None})
    for p in d.projects:
        out["projects"].append({"doc_id": doc_id, "unit_name": p.unit_name, "name": p.name,
                                "category": p.category, "amount": _num(p.amount),
                                "raw": p.amount.raw if p.amount else None,
                                "unit": p.amount.unit if p.amount else None,
                                "page": p.provenance.page})
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
    return {"doc_id": doc_id, "source": path, "error": error, "reason": reason, "page": None}


COLUMNS: dict[str, list[str]] = {
    "documents": ["doc_id", "source", "department", "year", "kind", "level", "currency_unit",
                  "pages", "format", "extractor", "tables_found", "tables_missing", "checks_ran",
                  "checks_failed", "error_flags", "model_calls", "prompt_tokens",
                  "completion_tokens", "seconds"],
    "function_expenditures": ["doc_id", "table_kind", "table_title", "table_part", "code",
                              "level", "name", "unit_name", "is_total", "column", "value",
                              "raw", "unit", "page", "value_page"],
    "projects": ["doc_id", "unit_name", "name", "category", "amount", "raw", "unit", "page"],
    "indicators": ["doc_id", "project", "unit_name", "level1", "level2", "name", "operator",
                   "value", "value_number", "measure_unit", "weight", "page"],
    "figures": ["doc_id", "kind", "value", "raw", "unit", "subject", "direction", "section",
                "page"],
    "flags": ["doc_id", "check", "severity", "message", "table", "expected", "found",
              "difference", "pages", "page"],
    "errors": ["doc_id", "source", "error", "reason", "page"],
    "quality": list(QUALITY_COLUMNS),
}
COLUMNS["economic_expenditures"] = COLUMNS["function_expenditures"]
COLUMNS["three_public"] = COLUMNS["function_expenditures"]


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
                w.writerows(data)

        def pq_writer(tmp: str, data=data, cols=cols) -> None:
            table = pa.table({c: pa.array([None if r.get(c) is None else
                                           (r[c] if isinstance(r[c], bool | int | float) else str(r[c]))
                                           for r in data]) if data else pa.array([], pa.string())
                              for c in cols})
            pq.write_table(table, tmp)

        atomic_write(target / f"{name}.csv", csv_writer)
        atomic_write(target / f"{name}.parquet", pq_writer)
    return counts
