"""Layout of text input: a line index and a display column are coordinates.

Converters write tables three ways, and each is rebuilt into the same ``Grid`` a PDF gives:

- separated cells: tab- or pipe-separated rows (converter markdown), one row per line;
- aligned columns (``pdftotext -layout``, pdfplumber): each line is cut into tokens at
  whitespace, a token's display columns (a CJK or full-width character is two columns wide)
  are its x extent, and the columns of a table are the x ranges that no token of its data
  lines crosses; amounts are placed by their right edge (they are right-aligned), header
  fragments by overlap with those columns, and name fragments wrapped onto lines of their
  own are joined to the row they belong to;
- flattened rows (``pdftotext -raw``, space-separated tables): a label then N amounts on
  one line, cells separated by single spaces, with no alignment to go by.

Every cell keeps its [start, end) character offsets in the file's text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipeline.ingest.model import Page, TextLine
from pipeline.layout.blocks import Block, Cell, Grid, GridRow, Line
from pipeline.numbers import detect_unit


@dataclass(frozen=True)
class TextLayoutSettings:
    """Tolerances of the text layout, in display columns and lines."""

    max_gap_lines: int = 2  # non-data, non-blank lines a table body may hold in a row
    max_blank_run: int = 3  # blank lines a table body may hold in a row
    max_header_lines: int = 10  # lines above the first data line that may be its header
    max_header_gap: int = 2  # blank lines between a header and the first data line
    max_fragment_tokens: int = 4  # a wrapped-name line in a body has at most this many tokens
    prose_length: int = 40  # display columns of CJK text with no gap: running text, not a table
    min_amounts: int = 2  # amounts on a line that make it a data line without a label
    right_edge_slack: int = 0  # display columns a right-aligned amount may stray each way


SETTINGS = TextLayoutSettings()

# an amount as printed in a table cell: 1,234.56  1234.56  -3.00  (12.5)  0  －
_AMOUNT_TOKEN = re.compile(
    r"^[-(（]?\d{1,3}(,\d{3})+(\.\d+)?[)）]?$|^[-(（]?\d+\.\d+[)）]?$")
_INTEGER_TOKEN = re.compile(r"^\d+$")
_DASH_TOKEN = re.compile(r"^[-—－–]{1,2}$")
# sentence punctuation, an enumeration comma that is not an ordinal's (一、), a unit word
# glued to the text around it: marks of running text that a table cell does not carry
_PROSE_MARK = re.compile(r"[。；，]|(?<![一二三四五六七八九十百\d（(])、|^万?元\S|\S万?元、")
_TITLE_LINE = re.compile(r"表\s*\d*\s*$|^\s*公开表|单位[:：]|部门[:：]|^[#*]")
_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{3,}")


# ------------------------------------------------------------------ tokens


@dataclass(slots=True)
class Token:
    """A whitespace-delimited run of one line: display columns [x0, x1) and file offsets."""

    text: str
    x0: int
    x1: int
    start: int
    end: int

    @property
    def is_amount(self) -> bool:
        return bool(_AMOUNT_TOKEN.match(self.text))

    @property
    def is_numberlike(self) -> bool:
        return self.is_amount or bool(_INTEGER_TOKEN.match(self.text) or
                                      _DASH_TOKEN.match(self.text))

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


def char_width(ch: str, wide: int = 2) -> int:
    """Display columns of a character: ``wide`` (2 in an editor) for wide and full-width (CJK)
    characters. Converters that place characters by their PDF position (pdftotext -layout,
    pdfplumber) give every character one column, so tables are tried with ``wide`` = 1 too."""
    return wide if unicodedata.east_asian_width(ch) in ("W", "F") else 1


CJK_WIDTHS = (2, 1)  # display widths of a CJK character tried for a table, editor's first


def line_tokens(line: TextLine, wide: int = 2) -> list[Token]:
    """The tokens of a line, with display columns and offsets in the file's text."""
    out: list[Token] = []
    col = 0
    cur: list[str] = []
    x0 = start = 0
    for i, ch in enumerate(line.text):
        if ch.isspace():
            if cur:
                out.append(Token("".join(cur), x0, col, line.start + start, line.start + i))
                cur = []
            col += 8 - col % 8 if ch == "\t" else 1
            continue
        if not cur:
            x0, start = col, i
        cur.append(ch)
        col += char_width(ch, wide)
    if cur:
        out.append(Token("".join(cur), x0, col, line.start + start, line.start + len(line.text)))
    return out


# ------------------------------------------------------------------ line kinds


def is_prose(tokens: list[Token], s: TextLayoutSettings = SETTINGS) -> bool:
    """Running text: a sentence mark, or a long token of text."""
    return any(_PROSE_MARK.search(t.text) or (t.x1 - t.x0 >= s.prose_length and not t.is_amount)
               for t in tokens)


def is_data_line(tokens: list[Token], s: TextLayoutSettings = SETTINGS) -> bool:
    """A table row: amounts, and either a label or at least ``min_amounts`` of them."""
    if not tokens or is_prose(tokens, s):
        return False
    amounts = sum(1 for t in tokens if t.is_amount)
    if amounts >= s.min_amounts:
        return True
    labels = [t for t in tokens if not t.is_numberlike]
    return amounts == 1 and bool(labels) and tokens[-1].is_amount


def is_fragment_line(tokens: list[Token], s: TextLayoutSettings = SETTINGS) -> bool:
    """A short line of text inside a table body: a name (or a code) wrapped onto its own line."""
    return (0 < len(tokens) <= s.max_fragment_tokens and not is_prose(tokens, s)
            and not any(t.is_amount for t in tokens))


# ------------------------------------------------------------------ columns


def column_extents(rows: list[list[Token]], s: TextLayoutSettings = SETTINGS
                   ) -> list[tuple[int, int]]:
    """Column ranges [x0, x1) of a table body: amounts occupy their right edge, give or take
    ``right_edge_slack`` (they are right-aligned, converters place them to a column or so),
    text its whole width; ranges that overlap are one column."""
    e = s.right_edge_slack
    spans = sorted((t.x1 - 1 - e, t.x1 + e) if t.is_amount else (t.x0, t.x1)
                   for ts in rows for t in ts)
    cols: list[list[int]] = []
    for x0, x1 in spans:
        if cols and x0 < cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    return [(a, b) for a, b in cols]


def column_of(token: Token, cols: list[tuple[int, int]]) -> int:
    """The column a token belongs to: by its right edge for an amount, else by overlap, else
    the nearest column."""
    if token.is_amount:
        for j, (a, b) in enumerate(cols):
            if a <= token.x1 - 1 < b:
                return j
        return min(range(len(cols)), key=lambda j: abs(cols[j][1] - token.x1))
    best, best_overlap = -1, 0
    for j, (a, b) in enumerate(cols):
        ov = min(b, token.x1) - max(a, token.x0)
        if ov > best_overlap:
            best, best_overlap = j, ov
    if best >= 0:
        return best
    return min(range(len(cols)), key=lambda j: abs((cols[j][0] + cols[j][1]) / 2 - token.cx))


def header_column_of(token: Token, full: list[tuple[int, int]], text_cols: set[int]) -> int:
    """The column of a header fragment: a text column it overlaps, else the column whose
    centre is nearest (headers are centred over their amounts)."""
    for j in sorted(text_cols):
        a, b = full[j]
        if min(b, token.x1) - max(a, token.x0) > 0:
            return j
    return min(range(len(full)), key=lambda j: abs((full[j][0] + full[j][1]) / 2 - token.cx))


def full_extents(rows: list[list[Token]], cols: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each column's range including the whole width of its amounts."""
    lo = [c[0] for c in cols]
    hi = [c[1] for c in cols]
    for ts in rows:
        for t in ts:
            j = column_of(t, cols)
            lo[j], hi[j] = min(lo[j], t.x0), max(hi[j], t.x1)
    return list(zip(lo, hi, strict=True))


# ------------------------------------------------------------------ aligned tables


@dataclass
class _Row:
    index: int  # line index on the page
    line: TextLine
    texts: dict[int, list[Token]]


def _cells(row: _Row, ncols: int, open_top: set[int] | None = None) -> list[Cell]:
    cells: list[Cell] = []
    for j in range(ncols):
        ts = row.texts.get(j, [])
        if ts:
            text = _join_tokens(ts)
            cells.append(Cell(text, j, 1, chars=(ts[0].start, ts[-1].end),
                              open_top=bool(open_top and j in open_top)))
        else:
            cells.append(Cell("", j, 1))
    return cells


def _join_tokens(ts: list[Token]) -> str:
    """Tokens of one cell: CJK runs joined directly (a wrapped name), ASCII runs by a space."""
    out = ""
    for t in ts:
        if out and out[-1].isascii() and t.text[:1].isascii():
            out += " "
        out += t.text
    return out


def _place(tokens: list[Token], cols: list[tuple[int, int]]) -> dict[int, list[Token]]:
    out: dict[int, list[Token]] = {}
    for t in tokens:
        out.setdefault(column_of(t, cols), []).append(t)
    return out


def _header_rows(lines: list[TextLine], toks: list[list[Token]], first: int,
                 s: TextLayoutSettings) -> list[int]:
    """Line indexes of the header above the data line ``first``: contiguous short lines of
    text (after at most ``max_header_gap`` blank lines), up to a title, unit or prose line."""
    i = first - 1
    gap = 0
    while i >= 0 and not toks[i] and gap < s.max_header_gap:
        i -= 1
        gap += 1
    out: list[int] = []
    while i >= 0 and toks[i] and len(out) < s.max_header_lines:
        ts = toks[i]
        text = lines[i].text
        if is_prose(ts, s) or is_data_line(ts, s) or _TITLE_LINE.search(text) or \
                detect_unit(text) or (len(ts) == 1 and ts[0].x0 > 20 and len(out) == 0
                                      and False):
            break
        out.append(i)
        i -= 1
    return sorted(out)


def aligned_table(page: Page, lines: list[TextLine], head: list[int], body: list[int],
                  s: TextLayoutSettings = SETTINGS) -> Grid | None:
    """A grid from a header and a body of aligned lines (fragment lines included), measured
    with the CJK width that aligns its columns best (fewest columns)."""
    best: tuple[int, list[list[Token]], list[tuple[int, int]]] | None = None
    for wide in CJK_WIDTHS:
        toks = [line_tokens(ln, wide) if k in head or k in body else [] for k, ln in
                enumerate(lines)]
        data = [i for i in body if is_data_line(toks[i], s)]
        cols = column_extents([toks[i] for i in data], s)
        if best is None or len(cols) < len(best[2]):
            best = (wide, toks, cols)
    assert best is not None
    _, toks, cols = best
    data = [i for i in body if is_data_line(toks[i], s)]
    if len(cols) < 2:
        return None
    full = full_extents([toks[i] for i in data], cols)
    ncols = len(cols)
    text_cols = {column_of(t, cols) for i in data for t in toks[i] if not t.is_numberlike}
    grid = Grid(page=page.number, top=float(head[0] if head else body[0]), ncols=ncols,
                ruled=False)
    # header: fragments in one column on adjacent lines are one wrapped label
    prev_line: dict[int, int] = {}
    for i in head:
        placed: dict[int, list[Token]] = {}
        for t in toks[i]:
            placed.setdefault(header_column_of(t, full, text_cols), []).append(t)
        wrapped = {j for j in placed if prev_line.get(j) == i - 1}
        for j in placed:
            prev_line[j] = i
        row = _Row(i, lines[i], placed)
        grid.rows.append(GridRow(_cells(row, ncols, wrapped), page.number,
                                 span=(lines[i].start, lines[i].end)))
    rows: list[_Row] = []
    pending: list[_Row] = []  # fragment lines waiting for the data row below them
    last_data = -99
    for i in body:
        placed = _place(toks[i], cols)
        if is_data_line(toks[i], s):
            row = _Row(i, lines[i], placed)
            for frag in pending:
                _merge_fragment(row, frag, before=True)
            pending = []
            rows.append(row)
            last_data = i
        elif rows and i == last_data + 1 and not _next_is_data(body, toks, i, s):
            _merge_fragment(rows[-1], _Row(i, lines[i], placed), before=False)
        else:
            pending.append(_Row(i, lines[i], placed))
    if pending and rows:
        for frag in pending:
            _merge_fragment(rows[-1], frag, before=False)
    for row in rows:
        grid.rows.append(GridRow(_cells(row, ncols), page.number,
                                 span=(row.line.start, row.line.end)))
    return grid


def _next_is_data(body: list[int], toks: list[list[Token]], i: int,
                  s: TextLayoutSettings) -> bool:
    """The line right below ``i`` is a data line (a fragment between two rows goes down)."""
    nxt = i + 1
    return nxt in body and is_data_line(toks[nxt], s)


def _merge_fragment(row: _Row, frag: _Row, before: bool) -> None:
    for j, ts in frag.texts.items():
        target = j
        if any(t.is_amount for t in row.texts.get(j, [])):
            continue  # never glue text onto an amount
        cur = row.texts.get(target, [])
        row.texts[target] = [*ts, *cur] if before else [*cur, *ts]


def find_aligned_tables(page: Page, s: TextLayoutSettings = SETTINGS) -> tuple[list[Block], set[int]]:
    """Grids of the aligned tables on a page and the line indexes they took."""
    lines = page.lines
    toks = [line_tokens(ln) for ln in lines]
    data = [is_data_line(ts, s) for ts in toks]
    out: list[Block] = []
    used: set[int] = set()
    i = 0
    n = len(lines)
    while i < n:
        if not data[i]:
            i += 1
            continue
        body = [i]
        j = i + 1
        gap = blank = 0
        while j < n:
            if data[j]:
                body.append(j)
                gap = blank = 0
            elif not toks[j]:
                blank += 1
                if blank > s.max_blank_run:
                    break
            elif is_fragment_line(toks[j], s) and gap < s.max_gap_lines:
                body.append(j)
                gap += 1
            else:
                break
            j += 1
        while body and not data[body[-1]]:
            body.pop()  # trailing fragments belong to what follows, unless merged below
        # a fragment right after the last data row (the end of its wrapped name)
        last = body[-1]
        if last + 1 < n and is_fragment_line(toks[last + 1], s) and \
                len(toks[last + 1]) == 1 and not _TITLE_LINE.search(lines[last + 1].text) and \
                (last + 2 >= n or not toks[last + 2] or not is_fragment_line(toks[last + 2], s)):
            body.append(last + 1)
        n_data = sum(1 for k in body if data[k])
        multi = sum(1 for k in body if data[k] and sum(t.is_amount for t in toks[k]) >= 1)
        if n_data >= 2 or (multi >= 1 and sum(t.is_amount for t in toks[body[0]]) >= 2):
            head = _header_rows(lines, toks, body[0], s)
            grid = aligned_table(page, lines, head, body, s)
            if grid is not None:
                out.append(grid)
                used.update(head)
                used.update(range(body[0], body[-1] + 1))
        i = max(j, body[-1] + 1)
    return out, used


# ------------------------------------------------------------------ separated cells


def _split_cells(text: str, start: int) -> list[Cell] | None:
    if "\t" in text:
        parts = text.split("\t")
        offset = 0
    elif text.lstrip().startswith("|") and text.count("|") >= 3:
        inner = text.strip()
        offset = text.index("|") + 1
        parts = inner[1:-1].split("|") if inner.endswith("|") else inner[1:].split("|")
    else:
        return None
    cells: list[Cell] = []
    pos = start + offset
    for i, p in enumerate(parts):
        stripped = p.strip()
        lead_ws = len(p) - len(p.lstrip())
        s = pos + lead_ws
        cells.append(Cell(stripped, i, 1, chars=(s, s + len(stripped))))
        pos += len(p) + 1
    return cells


def _separated_tables(page: Page) -> tuple[list[Block], set[int]]:
    blocks: list[Block] = []
    used: set[int] = set()
    grid: Grid | None = None
    for idx, ln in enumerate(page.lines):
        if _SEPARATOR_ROW.match(ln.text) and grid is not None:
            used.add(idx)
            continue
        cells = _split_cells(ln.text, ln.start)
        if cells is not None:
            if grid is None:
                grid = Grid(page=page.number, top=idx, ncols=0, ruled=False)
                blocks.append(grid)
            grid.ncols = max(grid.ncols, len(cells))
            grid.rows.append(GridRow(cells, page.number, span=(ln.start, ln.end)))
            used.add(idx)
            continue
        if not ln.text.strip():
            continue  # blank lines do not end a table: converters scatter them
        grid = None
    return blocks, used


# ------------------------------------------------------------------ page


def layout_text_page(page: Page, s: TextLayoutSettings = SETTINGS) -> list[Block]:
    """Blocks of a text page in line order: grids of its tables, then its other lines."""
    blocks, used = _separated_tables(page)
    if not blocks:
        blocks, used = find_aligned_tables(page, s)
    for idx, ln in enumerate(page.lines):
        if idx in used or not ln.text.strip():
            continue
        stripped = ln.text.strip()
        lead = len(ln.text) - len(ln.text.lstrip())
        blocks.append(Line(stripped, page.number, idx,
                           span=(ln.start + lead, ln.start + lead + len(stripped))))
    blocks.sort(key=lambda b: b.top)
    return blocks
