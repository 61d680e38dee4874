"""Stage 5: deterministic checks on any extraction, rules- or model-made. Never imports a
model client. Flags say what disagrees with what, and where; nothing is corrected."""

from __future__ import annotations

from pipeline.verify.arithmetic import check_code_names, check_duplicates, check_hierarchy, check_rows
from pipeline.verify.balance import check_balance, check_cross_tables
from pipeline.verify.checks import Recorder, Tolerance
from pipeline.verify.coverage import cap_inferred_layouts, check_coverage, check_metadata
from pipeline.verify.grounding import PageNumbers, check_grounding, page_texts_of
from pipeline.verify.narrative import (
    check_items,
    check_shares,
    check_shares_and_changes,
    check_structure,
    check_totals,
)
from schemas.document import Disclosure
from schemas.flags import ChecksSummary, Flag
from schemas.tables import TableKind

__all__ = ["PageNumbers", "Tolerance", "page_texts_of", "verify"]


def verify(d: Disclosure, pages: PageNumbers, tolerance: Tolerance | None = None
           ) -> tuple[list[Flag], ChecksSummary]:
    """Run every check on ``d``; ``pages`` holds the numbers of each source page."""
    rec = Recorder(tolerance or Tolerance())
    check_grounding(d, pages, rec)
    standard = [t for t in d.tables if t.kind not in (TableKind.other, TableKind.performance_targets)]
    for t in standard:
        check_duplicates(t, rec)
        check_hierarchy(t, rec)
        check_rows(t, rec)
        check_balance(t, rec)
    check_cross_tables(standard, rec)
    check_code_names(standard, rec)
    check_items(d, rec)
    check_totals(d, rec)
    check_shares_and_changes(d, rec)
    check_shares(d, rec)
    check_structure(d, rec)
    check_metadata(d, rec)
    cap_inferred_layouts(d, rec)
    cov = check_coverage(d, pages.codes, rec)
    d.table_report.codes_printed = len(cov.printed)
    d.table_report.codes_in_standard_tables = len(cov.in_standard)
    return rec.sorted_flags(), rec.summary()
