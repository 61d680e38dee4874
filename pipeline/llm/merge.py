"""Turn the model's answers into the same schemas the rules extractor fills, with the
provenance of each figure located in its chunk (or, if absent, only its chunk's page: the
grounding check then says whether the figure exists there)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pipeline.extract.columns import column_key
from pipeline.llm.chunks import Chunk
from pipeline.llm.extractor import ChunkResult
from pipeline.llm.models import LLMFigures, LLMIndicators, LLMTable
from pipeline.llm.prompts import example_numbers
from pipeline.numbers import normalise_text, parse_amount
from pipeline.vocabulary import QUOTED_FIGURE, TOTAL_ROW_LABEL, code_level
from schemas.document import Disclosure
from schemas.indicators import PerformanceIndicator
from schemas.narrative import FigureKind, NarrativeFigure
from schemas.provenance import Amount, Provenance
from schemas.tables import KIND_SPECS, ColumnKey, TableKind, TableRow


def leaked(chunk: Chunk, raw: str) -> bool:
    """A figure copied from the prompt's instructions: a number they print that the chunk
    does not (such an answer is dropped; the verifier would flag it as ungrounded)."""
    examples = example_numbers(chunk.task)
    return any(n in examples and n not in chunk.text
               for n in re.findall(r"\d[\d,]*(?:\.\d+)?", normalise_text(raw)))


def _prov(chunk: Chunk, raw: str) -> Provenance:
    return chunk.locate(raw) or Provenance(page=chunk.pages[0] if chunk.pages else 1, source=raw)


def table_rows(chunk: Chunk, answer: LLMTable, unit: str) -> list[TableRow]:
    kind = chunk.kind or TableKind.other
    allowed = set(KIND_SPECS[kind].columns) if kind is not TableKind.other else None
    rows = []
    for r in answer.rows:
        values: dict[ColumnKey, Amount] = {}
        other: dict[str, Amount] = {}
        for label, raw in r.values.items():
            if leaked(chunk, raw):
                continue
            a = Amount(value=parse_amount(raw), raw=raw, unit=unit, provenance=_prov(chunk, raw))  # type: ignore[arg-type]
            key = column_key(normalise_text(label), kind, allowed)
            if isinstance(key, ColumnKey) and key not in values:
                values[key] = a
            else:
                other[label] = a
        name = r.name.strip()
        rows.append(TableRow(
            code=r.code, level=code_level(r.code),  # type: ignore[arg-type]
            name=name, side=r.side, unit_name=r.unit_name, values=values, other=other,
            is_total=bool(TOTAL_ROW_LABEL.match(normalise_text(name))) and r.code is None,
            provenance=_prov(chunk, name)))
    return rows


def indicators(chunk: Chunk, answer: LLMIndicators) -> list[PerformanceIndicator]:
    out = []
    for i in answer.indicators:
        number = None
        if i.value and re.fullmatch(r"[-+]?\d+(\.\d+)?", normalise_text(i.value)):
            number = Decimal(normalise_text(i.value))
        weight = None
        if i.weight:
            try:
                weight = Decimal(normalise_text(i.weight))
            except InvalidOperation:
                weight = None
        out.append(PerformanceIndicator(
            project=i.project, level1=i.level1, level2=i.level2, name=i.name, operator=i.operator,
            value=i.value, value_number=number, measure_unit=i.measure_unit, weight=weight,
            provenance=_prov(chunk, i.value or i.name)))
    return out


def figures(chunk: Chunk, answer: LLMFigures) -> list[NarrativeFigure]:
    out = []
    for f in answer.figures:
        m = QUOTED_FIGURE.search(normalise_text(f.raw))
        if not m or leaked(chunk, f.raw):
            continue
        unit = {"％": "%", None: "万元"}.get(m.group(2), m.group(2))
        if f.kind in ("share", "change_percent"):
            unit = "%"
        out.append(NarrativeFigure(
            kind=FigureKind(f.kind), value=Decimal(m.group(1).replace(",", "")), raw=f.raw,
            unit=unit, subject=f.subject, direction=f.direction,  # type: ignore[arg-type]
            section=chunk.section_of(m.group(1)),
            sentence="", provenance=_prov(chunk, f.raw)))
    return out


def merge(d: Disclosure, results: list[ChunkResult]) -> list[str]:
    """Replace the rules' output of each part the model answered with the model's (a split
    table only when every chunk of it was answered); the parts replaced."""
    by_table: dict[int, list[ChunkResult]] = {}
    narrative: list[ChunkResult] = []
    unanswered = {(r.chunk.table_index, r.chunk.section) for r in results if r.answer is None}
    open_sections = {s for r in results if r.answer is None for s in r.chunk.sections}
    for r in results:
        if r.chunk.sections and r.answer is not None:
            narrative.append(r)
            continue
        if r.answer is None or (r.chunk.table_index, r.chunk.section) in unanswered:
            continue
        if r.chunk.table_index is not None:
            by_table.setdefault(r.chunk.table_index, []).append(r)
    for index, rs in by_table.items():
        table = d.tables[index]
        if table.kind is TableKind.performance_targets:
            new = [i for r in rs if isinstance(r.answer, LLMIndicators)
                   for i in indicators(r.chunk, r.answer)]
            pages = set(table.pages)
            d.indicators = [i for i in d.indicators if i.provenance.page not in pages] + new
            continue
        rows = [row for r in rs if isinstance(r.answer, LLMTable)
                for row in table_rows(r.chunk, r.answer, table.unit)]
        table.rows = rows
        table.empty = table.empty_note is not None or not any(
            a.value for row in rows for a in row.values.values())
    # narrative: the sections every chunk of which was answered (packed chunks share sections)
    done = [s for r in narrative for s in r.chunk.sections if s not in open_sections]
    new_figs = [f for r in narrative if isinstance(r.answer, LLMFigures)
                for f in figures(r.chunk, r.answer) if f.section in done]
    d.figures = [f for f in d.figures if f.section not in done] + new_figs
    return ([f"table {i} {d.tables[i].title}" for i in sorted(by_table)]
            + [f"section {s}" for s in dict.fromkeys(done)])
