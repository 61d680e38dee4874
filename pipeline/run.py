"""The library entry point: one file in, one ``Disclosure`` out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import ConfigError, NotADisclosureError
from pipeline.extract.indicators import extract_indicators, has_indicators
from pipeline.extract.metadata import extract_metadata
from pipeline.extract.narrative import extract_figures, link_codes
from pipeline.extract.projects import listed_projects, lists_projects
from pipeline.extract.tables import extract_table
from pipeline.ingest import SourceDocument, read_document
from pipeline.ingest.reader import printable
from pipeline.layout import layout_document
from pipeline.layout.blocks import Line
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.llm.config import LLMConfig
from pipeline.llm.routing import document_chunks, tables_needing_model
from pipeline.segment import classify_title, find_sections, find_tables
from pipeline.segment.sections import RawSection
from pipeline.segment.tables import RawTable, document_unit
from pipeline.verify import PageNumbers, Tolerance, page_texts_of, verify
from schemas.document import Disclosure, Section, TableReport
from schemas.flags import CheckId, Flag, Severity
from schemas.indicators import PerformanceIndicator, Project
from schemas.provenance import Provenance
from schemas.tables import KIND_SPECS, Table, TableKind

if TYPE_CHECKING:  # the model client and its response models load only when a model is used
    from pipeline.llm.extractor import ChunkResult

# a unit budget or a tables-only file may legitimately lack the project table
REQUIRED = [k for k, s in KIND_SPECS.items() if s.required]


def extract_document(path: str | Path, *, check: bool = True,
                     tolerance: Tolerance | None = None, extractor: str = "rules",
                     llm: LLMConfig | None = None, client: Any = None, use_cache: bool = True,
                     on_progress: Callable[[ChunkResult], None] | None = None,
                     max_pages: int | None = None, limits: Limits | None = None) -> Disclosure:
    """Extract a disclosure and verify it (unless ``check`` is False).

    ``extractor``: ``rules`` (no model), ``llm`` (every table and section through the model
    in ``llm``), or ``auto`` (rules, then the model for the parts rules could not parse or
    whose checks failed; with no ``llm`` configured, those parts are listed in
    ``d.llm.would_send``). Raises ``InputError`` subclasses for bad input and
    ``ConfigError`` when ``llm`` is required but missing. ``limits`` bounds the input's
    size (file, text, pages, words per page, inflated streams); wall time and memory are
    bounded by the process running this (``pipeline.limits``)."""
    t0 = time.perf_counter()
    limits = limits or DEFAULT_LIMITS
    if max_pages is not None:
        limits = replace(limits, pages=max_pages)
    doc = read_document(path, limits)
    pages = layout_document(doc)
    raw_tables = find_tables(pages)
    raw_sections = find_sections(pages)
    default_unit = document_unit(raw_tables)
    tables, indicators, projects = _extract_tables(raw_tables, default_unit)
    meta = extract_metadata(pages, tables, doc.title, Path(path).name)
    found = {t.kind for t in tables if t.kind is not TableKind.other}
    _require_disclosure(path, meta is not None, found, bool(raw_sections))
    assert meta is not None
    figures = extract_figures(raw_sections)
    link_codes(figures, tables)
    d = Disclosure(
        source=printable(Path(path).name), source_sha256=doc.sha256, source_format=doc.format,
        page_count=len(doc.pages), metadata=meta, sections=[_section(s) for s in raw_sections],
        tables=tables, table_report=_table_report(tables, found), projects=projects,
        indicators=indicators, figures=figures, extractor="rules",
        mentioned_tables=_mentioned_tables(pages, found),
    )
    numbers = None
    checked = None  # the rules output's flags and summary, computed once
    if check or extractor == "auto":
        numbers = PageNumbers(page_texts_of(doc), rejoin_split=doc.format == "text")
        checked = verify(d, numbers, tolerance)
    model_ran = False
    if extractor != "rules":
        model_ran = _model_pass(d, path, raw_tables, raw_sections, default_unit, extractor, llm,
                                checked[0] if checked is not None else [],
                                client=client, use_cache=use_cache, on_progress=on_progress)
    if check:
        assert numbers is not None and checked is not None
        d.flags, d.checks = verify(d, numbers, tolerance) if model_ran else checked
        d.flags = _failure_flags(d) + d.flags
    d.flags = _ingest_flags(doc) + d.flags
    d.seconds = round(time.perf_counter() - t0, 4)
    return d


def _extract_tables(raw_tables: list[RawTable], default_unit: str
                    ) -> tuple[list[Table], list[PerformanceIndicator], list[Project]]:
    """Every table, and the indicators and projects the tables list."""
    tables: list[Table] = []
    indicators: list[PerformanceIndicator] = []
    projects: list[Project] = []
    for raw in raw_tables:
        indicator_table = raw.kind is TableKind.performance_targets or has_indicators(raw)
        if indicator_table:
            inds, projs = extract_indicators(raw, raw.unit or default_unit)
            indicators.extend(inds)
            projects.extend(projs)
        table = extract_table(raw, default_unit)
        tables.append(table)
        if lists_projects(table) and not indicator_table:
            projects.extend(listed_projects(table))
    return tables, indicators, projects


def _require_disclosure(path: str | Path, titled: bool, found: set[TableKind],
                        has_sections: bool) -> None:
    """Raise ``NotADisclosureError`` for a document with no title naming a year and
    预算/决算, or with neither a standard table nor a narrative section."""
    if not titled:
        evidence = ", ".join(sorted(k.value for k in found)) or "no standard table"
        raise NotADisclosureError(
            "not a budget or final-account disclosure: no title naming a year and 预算/决算 "
            f"was found in the first pages (tables seen: {evidence})",
            path=path, evidence=evidence,
        )
    if not found and not has_sections:
        raise NotADisclosureError(
            "no standard budget table and no narrative section found", path=path)


def _table_report(tables: list[Table], found: set[TableKind]) -> TableReport:
    return TableReport(
        found=sorted(found, key=list(TableKind).index),
        missing=[k for k in REQUIRED if k not in found],
        empty=sorted({t.kind for t in tables if t.empty and t.kind is not TableKind.other},
                     key=list(TableKind).index),
    )


def _mentioned_tables(pages: list, found: set[TableKind]) -> list[TableKind]:
    """The standard tables the document names anywhere (contents, titles) or prints."""
    return sorted({k for blocks in pages for b in blocks if isinstance(b, Line)
                   for k in [classify_title(b.text)] if k is not None
                   and k is not TableKind.other} | found, key=list(TableKind).index)


def _model_pass(d: Disclosure, path: str | Path, raw_tables: list[RawTable],
                raw_sections: list[RawSection], default_unit: str, extractor: str,
                llm: LLMConfig | None, rules_flags: list[Flag], *, client: Any, use_cache: bool,
                on_progress: Callable[[ChunkResult], None] | None) -> bool:
    """Send the parts the extractor routes to the model and merge its answers into ``d``;
    without an endpoint, list them in ``d.llm.would_send``. True when the model ran."""
    budget = llm.token_budget if llm is not None else LLMConfig.token_budget
    mode = llm.mode if llm is not None else "md_json"
    if extractor == "auto":
        chunks = document_chunks(raw_tables, [], d, default_unit, budget, mode,
                                 only=tables_needing_model(d, rules_flags))
    else:
        chunks = document_chunks(raw_tables, raw_sections if llm is None or llm.sections else [],
                                 d, default_unit, budget, mode)
    if llm is None:
        if extractor == "llm":
            raise ConfigError("--extractor llm needs a model endpoint: set OPENAI_API_KEY "
                              "or pass --base-url", path=path)
        d.llm.would_send = [f"{c.id} {c.title} (p.{','.join(map(str, c.pages))})" for c in chunks]
        return False
    if not chunks:
        return False
    from pipeline.llm.extractor import LLMExtractor
    from pipeline.llm.merge import merge

    x = LLMExtractor(llm, client=client, use_cache=use_cache, on_progress=on_progress)
    try:
        results = x.extract(chunks)
    finally:
        x.cache.close()
    parts = merge(d, results)
    d.llm = x.usage
    d.llm.model_parts = parts
    d.extractor = _extractor_label(extractor, parts, all(r.answer is not None for r in results))
    link_codes(d.figures, d.tables)
    return True


def _extractor_label(asked: str, parts: list[str], all_answered: bool) -> str:
    """``llm`` when every part came from the model, ``llm+rules`` when only some did (the
    rest, failed or never sent under ``auto``, are the rules'), ``rules`` when none did."""
    if not parts:
        return "rules"
    return "llm" if asked == "llm" and all_answered else "llm+rules"


def _ingest_flags(doc: SourceDocument) -> list[Flag]:
    """A PDF that MuPDF had to repair (damaged or truncated): what it read may be partial."""
    if not doc.repaired:
        return []
    said = "; ".join(doc.warnings[:3])
    return [Flag(check=CheckId.pdf_repaired, severity=Severity.warning,
                 message="the PDF is damaged or truncated and was repaired to be read: pages, "
                 "tables or figures may be missing" + (f" (MuPDF: {said})" if said else ""))]


def _failure_flags(d: Disclosure) -> list[Flag]:
    return [Flag(check=CheckId.model_failed, severity=Severity.warning,
                 message=f"the model could not extract {f.title} ({f.chunk}) after {f.attempts} "
                 f"call(s): {f.error}" + (" - its last answer was kept" if f.last_answer else ""),
                 locations=[Provenance(page=p, source=f.title) for p in f.pages])
            for f in d.llm.failures]


def _section(s: RawSection) -> Section:
    h = s.heading_line
    assert h is not None
    return Section(
        heading=s.heading, level=s.level, pages=s.pages,
        text="".join(ln.text for ln in s.lines),
        provenance=Provenance(page=h.page, bbox=h.bbox, span=h.span, source=h.text),
    )
