"""The library entry point: one file in, one ``Disclosure`` out."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import ConfigError, NotADisclosureError
from pipeline.extract.indicators import extract_indicators, has_indicators
from pipeline.extract.metadata import extract_metadata
from pipeline.extract.narrative import extract_figures, link_codes
from pipeline.extract.tables import extract_table
from pipeline.ingest import SourceDocument, read_document
from pipeline.ingest.reader import printable
from pipeline.layout import layout_document
from pipeline.layout.blocks import Line
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.llm.chunks import TABLE_TASK, Chunk, estimate_tokens
from pipeline.llm.config import LLMConfig
from pipeline.segment import classify_title, find_sections, find_tables
from pipeline.segment.sections import RawSection
from pipeline.verify import PageNumbers, Tolerance, page_texts_of, verify
from pipeline.vocabulary import FIGURE_LIKE
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

    tables: list[Table] = []
    indicators: list[PerformanceIndicator] = []
    projects: list[Project] = []
    stated_units = [t.unit for t in raw_tables if t.unit]
    default_unit = max(set(stated_units), key=stated_units.count) if stated_units else "万元"
    for raw in raw_tables:
        indicator_table = raw.kind is TableKind.performance_targets or has_indicators(raw)
        if indicator_table:
            inds, projs = extract_indicators(raw, raw.unit or default_unit)
            indicators.extend(inds)
            projects.extend(projs)
        table = extract_table(raw, default_unit)
        tables.append(table)
        # a project table, or an untitled list with a 项目名称 column (a goal list in the text)
        listed = table.kind is TableKind.project_expenditure or (
            table.kind is TableKind.other and any(r.project_name for r in table.rows))
        if listed and not indicator_table:
            projects.extend(
                Project(unit_name=r.unit_name, name=r.project_name or r.name,
                        amount=r.values.get(next(iter(r.values))) if r.values else None,
                        goal=next((v for k, v in r.texts.items() if "目标" in k), None),
                        provenance=r.provenance)
                for r in table.rows if not r.is_total and (r.project_name or r.name) and r.values
            )

    meta = extract_metadata(pages, tables, doc.title, Path(path).name)
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
    link_codes(figures, tables)
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
        source=printable(Path(path).name), source_sha256=doc.sha256, source_format=doc.format,
        page_count=len(doc.pages), metadata=meta, sections=sections, tables=tables,
        table_report=report, projects=projects, indicators=indicators, figures=figures,
        extractor="rules", mentioned_tables=mentioned,
    )
    numbers = None
    checked = None  # the rules output's flags and summary, computed once
    if check or extractor == "auto":
        numbers = PageNumbers(page_texts_of(doc), rejoin_split=doc.format == "text")
        checked = verify(d, numbers, tolerance)
    model_ran = False
    if extractor != "rules":
        budget = llm.token_budget if llm is not None else 1500
        mode = llm.mode if llm is not None else "md_json"
        if extractor == "auto":
            assert checked is not None
            chunks = _chunks(raw_tables, [], d, default_unit, budget, mode,
                             only=_tables_needing_model(d, checked[0]))
        else:
            chunks = _chunks(raw_tables, raw_sections if llm is None or llm.sections else [],
                             d, default_unit, budget, mode)
        if llm is None:
            if extractor == "llm":
                raise ConfigError("--extractor llm needs a model endpoint: set OPENAI_API_KEY "
                                  "or pass --base-url", path=path)
            d.llm.would_send = [f"{c.id} {c.title} (p.{','.join(map(str, c.pages))})" for c in chunks]
        if llm is not None and chunks:
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
            d.extractor = _extractor_label(extractor, parts,
                                           all(r.answer is not None for r in results))
            link_codes(d.figures, d.tables)
            model_ran = True
    if check:
        assert numbers is not None and checked is not None
        d.flags, d.checks = verify(d, numbers, tolerance) if model_ran else checked
        d.flags = _failure_flags(d) + d.flags
    d.flags = _ingest_flags(doc) + d.flags
    d.seconds = round(time.perf_counter() - t0, 4)
    return d


def _extractor_label(asked: str, parts: list[str], all_answered: bool) -> str:
    """``llm`` when every part came from the model, ``llm+rules`` when only some did (the
    rest, failed or never sent under ``auto``, are the rules'), ``rules`` when none did."""
    if not parts:
        return "rules"
    return "llm" if asked == "llm" and all_answered else "llm+rules"


def _chunks(raw_tables: list, raw_sections: list[RawSection], d: Disclosure,
            unit: str, budget: int, mode: str = "md_json",
            only: set[int] | None = None) -> list[Chunk]:
    """Chunks of the tables (those in ``only``, if given) and of the sections; the budget
    holds the whole user message (instructions and, in md_json mode, the schema)."""
    from pipeline.llm.chunks import narrative_chunks, table_chunks
    from pipeline.llm.prompts import user_prompt

    out: list[Chunk] = []
    for i, raw in enumerate(raw_tables):
        if only is not None and i not in only:
            continue
        if d.tables[i].empty and d.tables[i].kind is not TableKind.performance_targets:
            continue  # nothing to extract
        if raw.kind is TableKind.other and not any(
                DECIMAL.search(c.text) for r in raw.rows for c in r.cells):
            continue  # a contents page or a list without amounts
        probe = Chunk(id="", task=TABLE_TASK[raw.kind], title=raw.title, unit=d.tables[i].unit,
                      text="", pages=[], kind=raw.kind, parts=9)
        overhead = estimate_tokens(user_prompt(probe, mode)[0])
        out.extend(table_chunks(raw, i, d.tables[i].unit, budget, overhead, d.tables[i].columns))
    overhead = estimate_tokens(user_prompt(Chunk(id="", task="narrative", title="", unit=unit,
                                                 text="", pages=[]), mode)[0])
    # prose without amounts (functions, glossary, numbered lists) is not sent
    with_figures = [sec for sec in raw_sections if any(FIGURE_LIKE.search(ln.text) for ln in sec.lines)]
    out.extend(narrative_chunks(with_figures, unit, budget, overhead))
    return out


DECIMAL = re.compile(r"\d\.\d\d")
_TABLE_CHECKS = {CheckId.hierarchy, CheckId.row_sum, CheckId.duplicate_code, CheckId.balance}


def _tables_needing_model(d: Disclosure, flags: list[Flag]) -> set[int]:
    """Tables the rules could not parse (titled but without rows or without mapped columns,
    an indicator table without indicators) or whose checks failed."""
    failing = {f.table for f in flags if f.check in _TABLE_CHECKS and f.severity.value == "error"}
    out: set[int] = set()
    for i, t in enumerate(d.tables):
        if t.kind is TableKind.performance_targets:
            pages = set(t.pages)
            if not any(ind.provenance.page in pages for ind in d.indicators):
                out.add(i)
        elif t.kind is not TableKind.other and (
                t.title in failing or not t.rows or not any(r.values for r in t.rows)):
            out.add(i)
    return out


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
