"""Section- and table-aware chunks within a token budget. A long table is split by rows
with its header repeated; every chunk keeps its pages and the location of each printed
string, so that figures in an answer can be traced back to the page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.columns import header_end
from pipeline.layout.blocks import GridRow
from pipeline.numbers import normalise_text
from pipeline.segment.sections import RawSection
from pipeline.segment.tables import RawTable
from pipeline.vocabulary import QUOTED_FIGURE
from schemas.provenance import Provenance
from schemas.tables import COLUMN_DESCRIPTIONS, KIND_SPECS, TableKind

TABLE_TASK = {k: f"table_{k.value}" for k in TableKind}
TABLE_TASK[TableKind.other] = "table_generic"
TABLE_TASK[TableKind.performance_targets] = "indicators"


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate: one token per CJK character, one per ~3.5 other chars."""
    cjk = len(re.findall(r"[\u3000-\u9fff\uff00-\uffef]", text))
    return cjk + (len(text) - cjk + 2) // 3


@dataclass
class Chunk:
    id: str
    task: str
    title: str
    unit: str
    text: str
    pages: list[int]
    kind: TableKind | None = None
    table_index: int | None = None  # index into the document's tables
    section: str | None = None
    locations: dict[str, list[Provenance]] = field(default_factory=dict)
    part: int = 1  # of a table split over several chunks
    parts: int = 1
    sections: list[str] = field(default_factory=list)  # narrative: the sections packed in
    section_texts: dict[str, str] = field(default_factory=dict)

    def section_of(self, number: str) -> str | None:
        """The packed section whose text prints ``number`` (the first one)."""
        return next((h for h, t in self.section_texts.items() if number in t), self.section)

    @property
    def more_follows(self) -> bool:
        """Rows of the same table go on in a later chunk."""
        return self.part < self.parts

    @property
    def whole_table(self) -> bool:
        return self.parts == 1

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.text)

    def locate(self, raw: str) -> Provenance | None:
        hits = self.locations.get(normalise_text(raw))
        return hits[0] if hits else None

    def columns_hint(self) -> str:
        if self.kind is None or self.kind is TableKind.other:
            return "(any)"
        return ", ".join(f"{k.value}={re.split(r'[ (（.]', COLUMN_DESCRIPTIONS[k])[0]}"
                         for k in KIND_SPECS[self.kind].columns)


def _line(row: GridRow, ncols: int) -> str:
    return "\t".join(t.replace("\t", " ").replace("\n", " ") for t in row.texts(ncols)).rstrip("\t")


def _locs(rows: list[GridRow]) -> dict[str, list[Provenance]]:
    out: dict[str, list[Provenance]] = {}
    for r in rows:
        for c in r.cells:
            if c.text.strip():
                out.setdefault(normalise_text(c.text), []).append(
                    Provenance(page=r.page, bbox=c.bbox, span=c.chars, source=c.text))
    return out


def table_chunks(raw: RawTable, index: int, unit: str, budget: int, overhead: int,
                 labels: list[str] | None = None) -> list[Chunk]:
    """Chunks of one table: the header repeated in each, rows split to fit ``budget``.

    ``labels``: the columns' flattened labels (``基本支出/人员经费``), one per column; when
    every figure column has one, they replace the printed header lines (a header printed
    over two or three lines is where a small model loses track of the columns)."""
    head_n = header_end(raw.rows, raw.ncols) if raw.kind is not TableKind.performance_targets else 0
    head = [_line(r, raw.ncols) for r in raw.rows[:head_n]]
    if head and labels and len(labels) == raw.ncols and all(labels[1:]):
        head = ["\t".join(label.replace("\t", " ") for label in labels)]
    body = raw.rows[head_n:]
    room = max(budget - overhead - estimate_tokens("\n".join(head)), 200)
    groups: list[list[GridRow]] = [[]]
    used = 0
    for r in body:
        t = estimate_tokens(_line(r, raw.ncols)) + 1
        if groups[-1] and used + t > room:
            groups.append([])
            used = 0
        groups[-1].append(r)
        used += t
    task = TABLE_TASK[raw.kind]
    out = []
    kept = [g for g in groups if g or not body]
    for i, rows in enumerate(kept):
        pages = sorted({r.page for r in rows} or set(raw.pages))
        out.append(Chunk(
            id=f"t{index}.{i + 1}", task=task, title=raw.title or "(untitled)", unit=unit,
            text="\n".join(head + [_line(r, raw.ncols) for r in rows]), pages=pages,
            kind=raw.kind, table_index=index, locations=_locs(raw.rows[:head_n] + rows),
            part=i + 1, parts=len(kept)))
    return out


def narrative_chunks(secs: list[RawSection], unit: str, budget: int, overhead: int) -> list[Chunk]:
    """Narrative chunks: sections packed together (each opens with its heading) and split at
    line ends, to fit ``budget``: one call for many short sections."""
    room = max(budget - overhead, 200)
    groups: list[list[tuple[RawSection, object]]] = [[]]
    used = 0
    for sec in secs:
        cost = estimate_tokens(sec.heading) + 1
        for ln in sec.lines:
            t = estimate_tokens(ln.text) + cost
            cost = 0
            if groups[-1] and used + t > room:
                groups.append([])
                used = 0
            groups[-1].append((sec, ln))
            used += t
    out = []
    for i, group in enumerate(g for g in groups if g):
        text, texts, locs, current = "", {}, {}, None
        for sec, ln in group:
            if sec is not current:
                text += ("\n" if text else "") + f"## {sec.heading}\n"
                current = sec
            text += ln.text  # type: ignore[attr-defined]
            texts[sec.heading] = texts.get(sec.heading, "") + ln.text  # type: ignore[attr-defined]
            for m in QUOTED_FIGURE.finditer(ln.text):  # type: ignore[attr-defined]
                locs.setdefault(normalise_text(m.group(0)), []).append(
                    Provenance(page=ln.page, bbox=ln.bbox, source=m.group(0)))  # type: ignore[attr-defined]
        first = group[0][0].heading
        out.append(Chunk(
            id=f"s{i + 1}", task="narrative", title=first, unit=unit, text=text,
            pages=sorted({ln.page for _, ln in group}), section=first,  # type: ignore[attr-defined]
            locations=locs, sections=list(texts), section_texts=texts))
    return out
