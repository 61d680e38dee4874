"""Drafting a gold file from an extraction, for a person to correct.

A draft is marked ``reviewed: false``; the harness refuses to score against it until a
person has checked every value against the document and set ``reviewed`` to true.
"""

from __future__ import annotations

from schemas.document import Disclosure
from schemas.gold import (
    GoldDocument,
    GoldFigure,
    GoldIndicator,
    GoldMetadata,
    GoldProject,
    GoldTable,
)
from schemas.tables import ColumnKey, Table, TableKind

DRAFT_METHOD = ("DRAFT from the rules extractor's output - not gold yet. Check every table row, "
                "column, indicator and figure against the document; add what is missing, delete "
                "what is not printed, record ambiguous readings under `decisions`, list the "
                "document's real inconsistencies under `anomalies`, describe how you checked it "
                "here, then set `reviewed` to true.")
DRAFT_PROVENANCE = ("Drafted by `budget-extract eval draft` from this project's rules extraction: "
                    "replace with how the figures were read from the document once checked.")


def _table(t: Table) -> GoldTable:
    keys = []
    for k in t.column_keys:
        if k is not None and k.value not in keys:
            keys.append(k.value)
    for r in t.rows:
        keys.extend(k.value for k in r.values if k.value not in keys)
    has_code = any(r.code for r in t.rows)
    has_side = any(r.side for r in t.rows)
    columns = (["side"] if has_side else []) + (["code"] if has_code else []) + ["name", *keys]
    rows = []
    for r in t.rows:
        row = ([r.side or ""] if has_side else []) + ([r.code or ""] if has_code else []) + [r.name]
        row += [r.values[k].raw if k in r.values else "" for k in map(ColumnKey, keys)]
        rows.append(row)
    return GoldTable(kind=t.kind, part=t.part, title=t.title, pages=t.pages, unit=t.unit,
                     complete=True, empty=t.empty, columns=columns, rows=rows,
                     notes=[f"columns as printed: {' | '.join(t.columns)}"])


def draft_gold(d: Disclosure) -> GoldDocument:
    """A draft gold file for ``d``'s document, marked unreviewed."""
    m = d.metadata
    return GoldDocument(
        source=d.source, source_sha256=d.source_sha256, coverage="full", reviewed=False,
        method=DRAFT_METHOD, provenance=DRAFT_PROVENANCE,
        metadata=GoldMetadata(department=m.department, year=m.year, kind=m.kind, level=m.level,
                              currency_unit=m.currency_unit, page=m.provenance.page),
        tables=[_table(t) for t in d.tables if t.kind is not TableKind.other],
        absent_tables=list(d.table_report.missing),
        projects=[GoldProject(name=p.name, amount=p.amount.raw if p.amount else None,
                              unit=p.amount.unit if p.amount else "万元", unit_name=p.unit_name,
                              page=p.provenance.page) for p in d.projects],
        projects_complete=True,
        indicators=[GoldIndicator(project=i.project, level1=i.level1, level2=i.level2, name=i.name,
                                  operator=i.operator, value=i.value, measure_unit=i.measure_unit,
                                  page=i.provenance.page) for i in d.indicators],
        indicators_complete=True,
        figures=[GoldFigure(kind=f.kind, raw=f.raw, direction=f.direction, page=f.provenance.page,
                            subject=f.subject) for f in d.figures],
        figures_complete=True,
    )
