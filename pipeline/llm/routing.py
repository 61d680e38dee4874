"""Which parts of a document go to the model, cut into chunks that fit its token budget:
every table and section (``--extractor llm``), or under ``auto`` only the tables the rules
could not parse or whose checks failed. The prompt's own size (instructions and, in
md_json mode, the schema) is estimated here, where the prompts are."""

from __future__ import annotations

import re

from pipeline.llm.chunks import TABLE_TASK, Chunk, estimate_tokens, narrative_chunks, table_chunks
from pipeline.llm.prompts import user_prompt
from pipeline.segment.sections import RawSection
from pipeline.segment.tables import RawTable
from pipeline.vocabulary import FIGURE_LIKE
from schemas.document import Disclosure
from schemas.flags import CheckId, Flag, Severity
from schemas.tables import TableKind

SPLIT_PARTS = 9  # a table's overhead is estimated as for a part of a split table (one digit)
DECIMAL = re.compile(r"\d\.\d\d")  # a table without one holds no amounts (a contents page)
# the checks whose errors mean the rules misread a table
TABLE_CHECKS = {CheckId.hierarchy, CheckId.row_sum, CheckId.duplicate_code, CheckId.balance}


def tables_needing_model(d: Disclosure, flags: list[Flag]) -> set[int]:
    """Tables the rules could not parse (titled but without rows or without mapped columns,
    an indicator table without indicators) or whose checks failed."""
    failing = {f.table for f in flags if f.check in TABLE_CHECKS and f.severity is Severity.error}
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


def prompt_overhead(task: str, mode: str, *, kind: TableKind | None = None, title: str = "",
                    unit: str = "", parts: int = 1) -> int:
    """Tokens of the user message around a chunk's text (rendered with an empty chunk;
    ``parts`` > 1 counts the line that says which part of a split table a chunk is)."""
    probe = Chunk(id="", task=task, title=title, unit=unit, text="", pages=[], kind=kind,
                  parts=parts)
    return estimate_tokens(user_prompt(probe, mode)[0])


def document_chunks(raw_tables: list[RawTable], raw_sections: list[RawSection], d: Disclosure,
                    unit: str, budget: int, mode: str = "md_json",
                    only: set[int] | None = None) -> list[Chunk]:
    """Chunks of the tables (those in ``only``, if given) and of the sections; the budget
    holds the whole user message (instructions and, in md_json mode, the schema)."""
    out: list[Chunk] = []
    for i, raw in enumerate(raw_tables):
        if only is not None and i not in only:
            continue
        if d.tables[i].empty and d.tables[i].kind is not TableKind.performance_targets:
            continue  # nothing to extract
        if raw.kind is TableKind.other and not any(
                DECIMAL.search(c.text) for r in raw.rows for c in r.cells):
            continue  # a contents page or a list without amounts
        overhead = prompt_overhead(TABLE_TASK[raw.kind], mode, kind=raw.kind, title=raw.title,
                                   unit=d.tables[i].unit, parts=SPLIT_PARTS)
        out.extend(table_chunks(raw, i, d.tables[i].unit, budget, overhead, d.tables[i].columns))
    overhead = prompt_overhead("narrative", mode, unit=unit)
    # prose without amounts (functions, glossary, numbered lists) is not sent
    with_figures = [sec for sec in raw_sections if any(FIGURE_LIKE.search(ln.text) for ln in sec.lines)]
    out.extend(narrative_chunks(with_figures, unit, budget, overhead))
    return out
