"""A label-free quality report over any set of extracted documents.

Without gold, four signals show what breaks: standard tables the document names or prints
that were not extracted, function codes printed outside every standard table, identities
that fail, and error flags by check. ``quality_row`` gives them for one document,
``summarise`` over a set (the batch summary reports both).
"""

from __future__ import annotations

from collections import Counter
from statistics import median
from typing import Any

from schemas.document import Disclosure
from schemas.flags import CheckId
from schemas.tables import TableKind

IDENTITY_CHECKS = (CheckId.hierarchy, CheckId.row_sum, CheckId.balance, CheckId.cross_table)
QUALITY_COLUMNS = ("doc_id", "source", "pages", "tables_named_or_found", "tables_found",
                   "named_not_found", "codes_printed", "codes_in_standard_tables", "code_coverage",
                   "coded_rows_in_other_tables", "identities_ran", "identities_failed",
                   "error_flags", "error_flags_by_check")
LOW_COVERAGE = 0.9  # a document below this share of printed codes in standard tables


def quality_row(doc_id: str, d: Disclosure) -> dict[str, Any]:
    r = d.table_report
    found = {t.kind for t in d.tables}
    named_missing = [k.value for k in d.mentioned_tables if k not in found and k is not TableKind.other]
    errors = Counter(f.check for f in d.flags if f.severity.value == "error")
    failing = sum(d.checks.by_check[c].failed for c in IDENTITY_CHECKS if c in d.checks.by_check)
    ran = sum(d.checks.by_check[c].ran for c in IDENTITY_CHECKS if c in d.checks.by_check)
    share = (None if not r.codes_printed or r.codes_in_standard_tables is None
             else round(r.codes_in_standard_tables / r.codes_printed, 4))
    return {
        "doc_id": doc_id, "source": d.source, "pages": d.page_count,
        "tables_named_or_found": len({*d.mentioned_tables, *r.found} - {TableKind.other}),
        "tables_found": len(r.found), "named_not_found": ";".join(named_missing),
        "codes_printed": r.codes_printed, "codes_in_standard_tables": r.codes_in_standard_tables,
        "code_coverage": share,
        "coded_rows_in_other_tables": sum(1 for t in d.tables if t.kind is TableKind.other
                                          for row in t.rows if row.code),
        "identities_ran": ran, "identities_failed": failing,
        "error_flags": sum(errors.values()),
        "error_flags_by_check": ";".join(f"{k}={v}" for k, v in errors.most_common()),
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Aggregates over the documents' quality rows."""
    shares = [r["code_coverage"] for r in rows if r["code_coverage"] is not None]
    by_check: Counter[str] = Counter()
    for r in rows:
        for part in filter(None, r["error_flags_by_check"].split(";")):
            k, v = part.split("=")
            by_check[k] += int(v)
    n = len(rows)
    return {
        "documents": n,
        "named_tables_not_found": sum(len(list(filter(None, r["named_not_found"].split(";"))))
                                      for r in rows),
        "documents_losing_a_named_table": sum(1 for r in rows if r["named_not_found"]),
        "code_coverage_median": round(median(shares), 4) if shares else None,
        "documents_below_coverage": sum(1 for s in shares if s < LOW_COVERAGE),
        "documents_with_codes": len(shares),
        "coded_rows_in_other_tables": sum(r["coded_rows_in_other_tables"] for r in rows),
        "identities_failed": sum(r["identities_failed"] for r in rows),
        "identities_ran": sum(r["identities_ran"] for r in rows),
        "error_flags": sum(r["error_flags"] for r in rows),
        "error_flags_per_document": round(sum(r["error_flags"] for r in rows) / n, 3) if n else None,
        "error_flags_by_check": dict(by_check.most_common()),
    }


def markdown(summary: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    s = summary
    md = ["", "## Quality (label-free)", "",
          "| measure | value |", "|---|---:|",
          f"| documents | {s['documents']} |",
          f"| standard tables named but not extracted | {s['named_tables_not_found']} "
          f"(in {s['documents_losing_a_named_table']} documents) |",
          f"| printed function codes in standard tables (median per document) | "
          f"{s['code_coverage_median']} |",
          f"| documents below {LOW_COVERAGE} of their printed codes | {s['documents_below_coverage']} "
          f"of {s['documents_with_codes']} |",
          f"| coded rows in unclassified tables | {s['coded_rows_in_other_tables']} |",
          f"| identity checks failed | {s['identities_failed']} of {s['identities_ran']} |",
          f"| error flags per document | {s['error_flags_per_document']} |"]
    if s["error_flags_by_check"]:
        md += ["", "| error flags by check | count |", "|---|---:|"]
        md += [f"| {k} | {v} |" for k, v in s["error_flags_by_check"].items()]
    worst = sorted(rows, key=lambda r: (r["code_coverage"] if r["code_coverage"] is not None else 1,
                                        -r["error_flags"]))
    md += ["", "| document | tables found | named, not found | code coverage | identities failed "
           "| error flags |", "|---|---:|---|---:|---:|---|"]
    md += [f"| {r['source']} | {r['tables_found']} | {r['named_not_found'] or '–'} | "
           f"{r['code_coverage'] if r['code_coverage'] is not None else '–'} | "
           f"{r['identities_failed']} | {r['error_flags_by_check'] or '–'} |" for r in worst]
    return md
