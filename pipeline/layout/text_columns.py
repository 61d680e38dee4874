"""Tables that a converter printed column by column (pdftotext's default order for tables
without rules): every code, then every name, then each amount column top to bottom, its
blank cells left out. A small pass that puts such a block back in row order, one cell a
line, so the streamed reader reads it like any cell-per-line table.

Which row each figure of a part column belongs to is not printed; it is solved from the
table's own identity, row by row: the first column (合计 / 小计) holds every row's total,
the part columns after it (基本支出, 项目支出 …) add up to it. A block is reordered only
when exactly one placement satisfies every row (zeros aside); otherwise it stays as
printed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations, pairwise

from pipeline.ingest.model import Page, TextLine
from pipeline.numbers import parse_amount
from pipeline.vocabulary import AMOUNT_TOKEN, COLUMN_RULES, TOTAL_ROW_LABEL


@dataclass(frozen=True)
class ColumnOrderSettings:
    """When a run of lines is taken for a table printed column by column."""

    min_codes: int = 3  # codes on consecutive lines that open such a block
    max_total_rows: int = 2  # rows named by a total word (合计) and printed without a code
    max_part_columns: int = 3  # columns after the total column that add up to it
    max_solutions: int = 64  # placements tried before a block is called ambiguous
    max_label_chars: int = 10  # a column label printed among the figures (项目支出)
    tolerance: Decimal = Decimal("0.01")  # a row's parts may miss its total by rounding


SETTINGS = ColumnOrderSettings()

_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_DASH = re.compile(r"^[-—－–]{1,2}$")
_PAGE_NUMBER = re.compile(r"^[-—－–\s]*\d{1,3}[-—－–\s]*$")


def _kind(text: str, s: ColumnOrderSettings) -> str:
    """C a code, A an amount (or a dash), P a page number, L a column label, N a name."""
    if _CODE.match(text):
        return "C"
    if AMOUNT_TOKEN.match(text) or _DASH.match(text):
        return "A"
    if _PAGE_NUMBER.match(text):
        return "P"
    if len(text) <= s.max_label_chars and any(
            key is not None and rule.search(text) for rule, key in COLUMN_RULES):
        return "L"
    return "N"


@dataclass
class _Block:
    """A run of lines printed column by column, by line index in the page."""

    codes: list[int]
    names: list[int]
    figures: list[int]  # every amount line, column after column
    labels: list[int]  # column labels printed among the figures
    others: list[int]  # page numbers printed inside the run
    first: int
    last: int


def _block_at(lines: list[TextLine], idx: list[int], kinds: list[str], p: int,
              s: ColumnOrderSettings) -> tuple[_Block | None, int]:
    """The block opening with the run of codes at ``idx[p]``, and where scanning goes on."""
    q = p
    while q < len(idx) and kinds[q] == "C":
        q += 1
    codes = idx[p:q]
    if len(codes) < s.min_codes:
        return None, q
    names: list[int] = []
    others: list[int] = []
    r = q
    while r < len(idx) and kinds[r] in "NLP":
        (others if kinds[r] == "P" else names).append(idx[r])
        r += 1
    figures: list[int] = []
    labels: list[int] = []
    while r < len(idx) and kinds[r] in "ALP":
        {"A": figures, "L": labels, "P": others}[kinds[r]].append(idx[r])
        r += 1
    totals = [k for k in names if TOTAL_ROW_LABEL.match(re.sub(r"\s+", "", lines[k].text))]
    if len(names) - len(totals) != len(codes) or len(totals) > s.max_total_rows or \
            names[:len(totals)] != totals or len(figures) < len(names):
        return None, q
    return _Block(codes, names, figures, labels, others, idx[p], idx[r - 1]), r


def _value(line: TextLine) -> Decimal:
    return parse_amount(line.text.strip()) or Decimal(0)


def _placements(totals: list[Decimal], parts: list[list[Decimal]], s: ColumnOrderSettings,
                out: list[list[list[int]]]) -> None:
    """Every way (up to the cap) to give each part column's figures, in order, to rows so
    that each row's parts add up to its total: per column, the row of each figure."""
    rows = len(totals)
    where: list[list[int]] = [[] for _ in parts]

    def walk(r: int, ptr: list[int]) -> None:
        if len(out) >= s.max_solutions:
            return
        if r == rows:
            if all(ptr[k] == len(parts[k]) for k in range(len(parts))):
                out.append([list(w) for w in where])
            return
        left = rows - r
        if any(len(parts[k]) - ptr[k] > left for k in range(len(parts))):
            return  # more figures left in a column than rows to give them to
        open_cols = [k for k in range(len(parts)) if ptr[k] < len(parts[k])]
        for n in range(len(open_cols), -1, -1):
            for chosen in combinations(open_cols, n):
                got = sum((parts[k][ptr[k]] for k in chosen), Decimal(0))
                if abs(got - totals[r]) > s.tolerance or (not chosen and totals[r] != 0):
                    continue
                for k in chosen:
                    where[k].append(r)
                    ptr[k] += 1
                walk(r + 1, ptr)
                for k in chosen:
                    where[k].pop()
                    ptr[k] -= 1

    walk(0, [0] * len(parts))


def _solve(totals: list[Decimal], rest: list[Decimal], s: ColumnOrderSettings
           ) -> tuple[list[int], list[list[int]]] | None:
    """The split of ``rest`` into part columns and the row of each of their figures: the
    fewest columns that place every figure, and one placement only (zeros may sit on any
    row that leaves its sum unchanged: the first such is taken)."""
    if not rest:
        return [], []
    for ncols in range(1, s.max_part_columns + 1):
        found: list[tuple[list[int], list[list[int]]]] = []
        for cuts in combinations(range(1, len(rest)), ncols - 1):
            bounds = [0, *cuts, len(rest)]
            parts = [rest[a:b] for a, b in pairwise(bounds)]
            sols: list[list[list[int]]] = []
            _placements(totals, parts, s, sols)
            found.extend((list(cuts), sol) for sol in sols)
            if len(found) >= s.max_solutions:
                return None
        if not found:
            continue
        first_cuts, first = found[0]

        def nonzero(cuts: list[int], sol: list[list[int]]) -> set[tuple[int, int]]:
            bounds = [0, *cuts, len(rest)]
            return {(k, row) for k, rows in enumerate(sol) for j, row in enumerate(rows)
                    if rest[bounds[k] + j] != 0}

        if all(nonzero(c, x) == nonzero(first_cuts, first) for c, x in found):
            return first_cuts, first
        return None
    return None


def _reordered(lines: list[TextLine], b: _Block, s: ColumnOrderSettings) -> list[TextLine] | None:
    """The block's lines in row order: the column labels printed among the figures first
    (they end the header), then per row its code, name, total and parts (a blank part as
    a dash of no width), then the page numbers it held."""
    nrows = len(b.names)
    values = [_value(lines[k]) for k in b.figures]
    solved = _solve(values[:nrows], values[nrows:], s)
    if solved is None:
        return None
    cuts, rows_of = solved
    bounds = [nrows + c for c in [0, *cuts]] + [len(b.figures)]
    cells: list[list[int | None]] = [[None] * len(rows_of) for _ in range(nrows)]
    for k, rows in enumerate(rows_of):
        for j, row in enumerate(rows):
            cells[row][k] = b.figures[bounds[k] + j]
    ntotal = nrows - len(b.codes)
    out = [lines[k] for k in b.labels]
    for r in range(nrows):
        if r >= ntotal:
            out.append(lines[b.codes[r - ntotal]])
        out.append(lines[b.names[r]])
        total = lines[b.figures[r]]
        out.append(total)
        out.extend(lines[k] if k is not None else TextLine("-", total.end, total.end)
                   for k in cells[r])
    out.extend(lines[k] for k in b.others)
    return out


def _has_code_run(lines: list[TextLine], idx: list[int], n: int) -> bool:
    """Whether ``n`` codes stand on consecutive non-blank lines (cheap: most pages have
    none, and only such a run opens a block)."""
    run = 0
    for i in idx:
        run = run + 1 if _CODE.match(lines[i].text.strip()) else 0
        if run >= n:
            return True
    return False


def rows_from_columns(page: Page, s: ColumnOrderSettings = SETTINGS) -> Page:
    """The page with each block printed column by column put back in row order."""
    lines = page.lines
    idx = [i for i, ln in enumerate(lines) if ln.text.strip()]
    if not _has_code_run(lines, idx, s.min_codes):
        return page
    kinds = [_kind(lines[i].text.strip(), s) for i in idx]
    out: list[TextLine] = []
    done = 0  # lines before this one are in ``out``
    p = 0
    while p < len(idx):
        if kinds[p] != "C":
            p += 1
            continue
        block, nxt = _block_at(lines, idx, kinds, p, s)
        rows = _reordered(lines, block, s) if block is not None else None
        if block is not None and rows is not None:
            out.extend(lines[done:block.first])
            out.extend(rows)
            done = block.last + 1
        p = nxt
    if not out:
        return page
    out.extend(lines[done:])
    return Page(page.number, page.width, page.height, page.words, page.segments, out)
