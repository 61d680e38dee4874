"""The library entry point: one file in, one ``Disclosure`` out."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline.errors import NotADisclosureError
from pipeline.extract.indicators import extract_indicators, has_indicators
from pipeline.extract.metadata import extract_metadata
from pipeline.extract.narrative import extract_figures
from pipeline.extract.tables import extract_table
from pipeline.ingest import read_document
from pipeline.layout import layout_document
from pipeline.layout.blocks import Line
from pipeline.segment import classify_title, find_sections, find_tables
from pipeline.segment.sections import RawSection
from pipeline.verify import PageNumbers, Tolerance, page_texts_of, verify
from schemas.document import Disclosure, Section, TableReport
from schemas.indicators import PerformanceIndicator, Project
from schemas.provenance import Provenance
from schemas.tables import KIND_SPECS, Table, TableKind

# a unit budget or a tables-only file may legitimately lack the project table
REQUIRED = [k for k, s in KIND_SPECS.items() if s.required]


def extract_document(path: str | Path, *, check: bool = True,
                     tolerance: Tolerance | None = None) -> Disclosure:
    """Extract a disclosure deterministically (no model) and verify it (unless ``check`` is
    False). Raises ``InputError`` subclasses for bad input."""
    t0 = time.perf_counter()
    doc = read_document(path)
    pages = layout_document(doc)
    raw_tables = find_tables(pages)
    raw_sections = find_sections(pages)

    tables: list[Table] = []
    indicators: list[PerformanceIndicator] = []
    projects: list[Project] = []
    stated_units = [t.unit for t in raw_tables if t.unit]
    default_unit = max(set(stated_units), key=stated_units.count) if stated_units else "万元"
    for raw in raw_tables:
        if raw.kind is TableKind.performance_targets or has_indicators(raw):
            inds, projs = extract_indicators(raw, raw.unit or default_unit)
            indicators.extend(inds)
            projects.extend(projs)
        table = extract_table(raw, default_unit)
        tables.append(table)
        if table.kind is TableKind.project_expenditure:
            projects.extend(
                Project(unit_name=r.unit_name, name=r.project_name or r.name,
                        amount=r.values.get(next(iter(r.values))) if r.values else None,
                        provenance=r.provenance)
                for r in table.rows if not r.is_total and (r.project_name or r.name)
            )

    meta = extract_metadata(pages, tables, doc.title)
    found = {t.kind for t in tables if t.kind is not TableKind.other}
    if meta is None:
        evidence = ", ".join(sorted(k.value for k in found)) or "no standard table"
        raise NotADisclosureError(
            "not a budget or final-account disclosure: no title naming a year and 预算/决算 "
            f"was found in the first pages (tables seen: {evidence})",
            path=path, evidence=evidence,
        )
    if not found and not raw_sections:
        raise NotADisclosureError(
            "no standard budget table and no narrative section found", path=path)

    sections = [_section(s) for s in raw_sections]
    figures = extract_figures(raw_sections)
    report = TableReport(
        found=sorted(found, key=list(TableKind).index),
        missing=[k for k in REQUIRED if k not in found],
        empty=sorted({t.kind for t in tables if t.empty and t.kind is not TableKind.other},
                     key=list(TableKind).index),
    )
    mentioned = sorted({k for blocks in pages for b in blocks if isinstance(b, Line)
                        for k in [classify_title(b.text)] if k is not None
                        and k is not TableKind.other} | found, key=list(TableKind).index)
    d = Disclosure(
        source=Path(path).name, source_sha256=doc.sha256, source_format=doc.format,
        page_count=len(doc.pages), metadata=meta, sections=sections, tables=tables,
        table_report=report, projects=projects, indicators=indicators, figures=figures,
        extractor="rules", mentioned_tables=mentioned,
    )
    if check:
        numbers = PageNumbers(page_texts_of(doc), rejoin_split=doc.format == "text")
        d.flags, d.checks = verify(d, numbers, tolerance)
    d.seconds = round(time.perf_counter() - t0, 4)
    return d


def _section(s: RawSection) -> Section:
    h = s.heading_line
    assert h is not None
    return Section(
        heading=s.heading, level=s.level, pages=s.pages,
        text="".join(ln.text for ln in s.lines),
        provenance=Provenance(page=h.page, bbox=h.bbox, span=h.span, source=h.text),
    )
