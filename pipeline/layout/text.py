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
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from pipeline.ingest.model import Page, TextLine
from pipeline.layout.blocks import Block, Cell, Grid, GridRow, Line
from pipeline.numbers import detect_unit
from pipeline.vocabulary import AMOUNT_TOKEN, COLUMN_RULES


@dataclass(frozen=True)
class TextLayoutSettings:
    """Tolerances of the text layout, in display columns and lines."""

    max_gap_lines: int = 2  # non-data, non-blank lines a table body may hold in a row
    max_blank_run: int = 3  # blank lines a table body may hold in a row
    max_header_lines: int = 10  # lines above the first data line that may be its header
    max_header_gap: int = 2  # blank lines between a header and the first data line
    max_header_blank_runs: int = 1  # blank-line runs inside a header (rows printed apart)
    max_repeated_block: int = 4  # labels of a block printed again under every heading
    max_fragment_tokens: int = 4  # a wrapped-name line in a body has at most this many tokens
    prose_length: int = 40  # display columns of CJK text with no gap: running text, not a table
    min_amounts: int = 2  # amounts on a line that make it a data line without a label
    edge_tolerance: int = 3  # display columns apart that shared edges of one column may lie
    min_stream_amount_lines: int = 2  # lines with figures for a flattened markdown page
    code_indent: int = 3  # display columns a 项 part is indented under its 款 part at least
    max_label_width: int = 16  # display columns of a header label whose 、 lists words, not prose
    default_column_pitch: int = 4  # display columns between amount columns when none is measured
    min_header_slack: float = 2.0  # display columns a heading may lie off its columns' middle
    min_drifted_label: int = 2  # characters of each of two labels over one column, one drifted
    max_wrap_lines: int = 3  # header lines below a label that its wrapped continuation may lie
    min_columns: int = 2  # columns of an aligned table's body at least
    min_data_rows: int = 2  # data lines that make a body of aligned lines a table
    min_first_row_amounts: int = 2  # amounts on a body's first line that make it a table
    min_coded_rows: int = 2  # coded rows (with a named figure) of a table cut at a page
    amountlike_slack: int = 1  # display columns an amount-like token may end past a column's edges
    empty_column_pitch: int = 8  # display columns between amount columns when none is measured
    min_empty_column_half: float = 3.0  # display columns of half a column only the header labels
    min_column_label: int = 2  # characters of a header label that may name a column of its own
    label_overhang: int = 1  # display columns a label may reach past half its column's width


SETTINGS = TextLayoutSettings()

_INTEGER_TOKEN = re.compile(r"^\d+$")
_DASH_TOKEN = re.compile(r"^[-—－–]{1,2}$")
# sentence punctuation, an enumeration comma that is not an ordinal's (一、), a unit word
# glued to the text around it: marks of running text that a table cell does not carry
_PROSE_MARK = re.compile(r"[。；，]|(?<![一二三四五六七八九十百\d（(])、|^万?元\S|\S万?元、")
# a classification code and its name printed as one token: a long row label, not prose
_CODED_NAME = re.compile(r"^[\[【(（]?\d{3,7}[\]】)）]?[-－]?\D")
_TITLE_LINE = re.compile(r"表\s*\d*\s*$|^\s*公开表|单位[:：]|部门[:：]|^[#*]")
_SEPARATOR_ROW = re.compile(r"^\s*(?:\|\s*)?:?-{3,}")  # no backtracking over blank runs


# ------------------------------------------------------------------ tokens


@dataclass(slots=True)
class Token:
    """A whitespace-delimited run of one line: display columns [x0, x1) and file offsets."""

    text: str
    x0: int
    x1: int
    start: int
    end: int
    spaced: bool = False  # characters printed apart joined into one label
    is_amount: bool = field(init=False, repr=False)  # a figure as a table cell prints it

    def __post_init__(self) -> None:
        self.is_amount = bool(AMOUNT_TOKEN.match(self.text))

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
    return [Token(text, x0, x1, line.start + a, line.start + b)
            for text, x0, x1, a, b in _runs(line.text, wide)]


@lru_cache(maxsize=16384)
def _runs(text: str, wide: int) -> tuple[tuple[str, int, int, int, int], ...]:
    """The whitespace-delimited runs of a line's text: (text, x0, x1, start, end) with
    display columns and offsets in the line (cached: every reader and width asks again)."""
    out: list[tuple[str, int, int, int, int]] = []
    col = 0
    cur: list[str] = []
    x0 = start = 0
    for i, ch in enumerate(text):
        if ch.isspace():
            if cur:
                out.append(("".join(cur), x0, col, start, i))
                cur = []
            col += 8 - col % 8 if ch == "\t" else 1
            continue
        if not cur:
            x0, start = col, i
        cur.append(ch)
        col += char_width(ch, wide)
    if cur:
        out.append(("".join(cur), x0, col, start, len(text)))
    return tuple(out)


# ------------------------------------------------------------------ line kinds


def is_prose(tokens: list[Token], s: TextLayoutSettings = SETTINGS) -> bool:
    """Running text: a sentence mark, or a long token of text."""
    return any(_PROSE_MARK.search(t.text) or (
        t.x1 - t.x0 >= s.prose_length and not t.is_amount and not _CODED_NAME.match(t.text))
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


# ------------------------------------------------------------------ aligned tables


@dataclass
class _Row:
    index: int  # line index on the page
    line: TextLine
    texts: dict[int, list[Token]]
    wrapped: bool = False  # its name began on the line above: its end may follow below


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


def _header_prose(tokens: list[Token], s: TextLayoutSettings) -> bool:
    """Running text above a table; a header label wrapped after its enumeration comma
    (上年结余、 / 结转), or a short label placed over its column (not at the margin, where
    running text starts) listing two words with one (小型、微型企业), is not."""
    return is_prose([Token(t.text.rstrip("、"), t.x0, t.x1, t.start, t.end)
                     if t.x0 == 0 or t.x1 - t.x0 > s.max_label_width else
                     Token(_LISTING_COMMA.sub("", t.text), t.x0, t.x1, t.start, t.end)
                     for t in tokens], s)


_LISTING_COMMA = re.compile(r"、")


def _header_rows(lines: list[TextLine], toks: list[list[Token]], first: int,
                 s: TextLayoutSettings) -> list[int]:
    """Line indexes of the header above the data line ``first``: contiguous short lines of
    text (after at most ``max_header_gap`` blank lines), up to a title, unit or prose line."""
    i = first - 1
    gap = 0
    while i >= 0 and (not toks[i] or _stray_figures(toks[i])) and gap < s.max_header_gap:
        i -= 1  # blank lines, and the first part of a figure wrapped in its cell
        gap += 1
    out: list[int] = []
    crossed = 0
    while i >= 0 and len(out) < s.max_header_lines:
        if not toks[i]:
            # a line of column numbers (** 1 2 3 …) set apart from the labels above it
            k = i
            while k >= 0 and not toks[k] and i - k < s.max_header_gap:
                k -= 1
            if k < 0 or not toks[k]:
                break
            if not out or not all(_column_numbers(toks[j]) for j in out):
                if crossed >= s.max_header_blank_runs or not _upper_header_line(lines[k], toks[k], s):
                    break
                crossed += 1  # an upper header row printed apart from the rows below it
            i = k
        ts = toks[i]
        text = lines[i].text
        if _header_prose(ts, s) or is_data_line(ts, s) or _TITLE_LINE.search(text) or \
                detect_unit(text):
            break
        out.append(i)
        i -= 1
    return sorted(out)


def _upper_header_line(line: TextLine, ts: list[Token], s: TextLayoutSettings) -> bool:
    """A line above a blank line that still belongs to the header below it: several
    labels set apart (预算单位  年度  小计  公务用车购置费), none of them running text, a
    figure, a title, a unit or a metadata cell (部门名称：…)."""
    return len(ts) >= 2 and not _header_prose(ts, s) and not is_data_line(ts, s) and \
        not any(t.is_numberlike for t in ts) and not _TITLE_LINE.search(line.text) and \
        not detect_unit(line.text) and not _META_CELL.search(line.text)


_COLUMN_MARK = re.compile(r"^(\*+|栏次|行次|\d{1,2})$")


def _column_numbers(ts: list[Token]) -> bool:
    """A header line numbering the columns (栏次 / ** 1 2 3 …)."""
    return len(ts) >= 3 and all(_COLUMN_MARK.match(t.text) for t in ts)


def _merge_fragment(row: _Row, frag: _Row, before: bool) -> None:
    for j, ts in frag.texts.items():
        target = j
        if any(t.is_amount for t in row.texts.get(j, [])):
            continue  # never glue text onto an amount
        cur = row.texts.get(target, [])
        row.texts[target] = [*ts, *cur] if before else [*cur, *ts]


# ------------------------------------------------------------------ columns from alignment


@dataclass
class Column:
    """A column of an aligned table body: ``amount`` columns are found by the right edges of
    their figures (right-aligned), text columns by the left edges of their cells."""

    amount: bool
    anchor: int  # the right edge (amount) or the left edge (text) its cells share
    lo: int  # leftmost display column its cells reach
    hi: int  # rightmost (exclusive)
    edges: list[int]  # the anchors of its members (spread of the converter's placement)
    code: bool = False  # a text column of classification codes (digits)

    @property
    def cx(self) -> float:
        return (self.lo + self.hi) / 2


def _cluster_edges(values: list[int], tol: int) -> list[list[int]]:
    """Sorted values grouped where neighbours lie within ``tol`` and a group spans at most
    ``2 * tol`` (no chaining across a table)."""
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol and v - out[-1][0] <= 2 * tol:
            out[-1].append(v)
        else:
            out.append([v])
    return out


def _amountlike(t: Token) -> bool:
    return t.is_amount or bool(_INTEGER_TOKEN.match(t.text) or _DASH_TOKEN.match(t.text))


def body_columns(rows: list[list[Token]], s: TextLayoutSettings = SETTINGS,
                 names: list[list[Token]] | None = None) -> list[Column]:
    """Columns of a table body from its data lines (and ``names``: its lines of text alone,
    names printed above their figures). Amount columns: right edges of the amounts, within
    ``edge_tolerance`` of each other (a converter places a figure to a column or so). Text
    columns: left edges shared by text cells of at least two lines; cells of text that
    share no edge stay with the text column whose edge is nearest with no amount column
    between. Integers and dashes take the amount column their right edge meets, else they
    are text (codes)."""
    tol, groups = _amount_groups(rows, s)
    cols: list[Column] = [Column(True, max(set(g), key=g.count), 10 ** 9, -1, g) for g in groups]

    def amount_col(t: Token, slack: int = 0) -> Column | None:
        for c in cols:
            if c.amount and min(c.edges) - slack <= t.x1 <= max(c.edges) + slack:
                return c
        return None

    texts = [t for ts in [*rows, *(names or [])] for t in ts
             if not t.is_amount and not (_amountlike(t) and amount_col(t, 1))]
    support = 1 if len(rows) <= 2 else 2
    # codes (类, 款, 项 printed apart) and names are columns apart even where their left
    # edges nearly meet ('208   05   02 事业单位离退休'); a left edge shared by two lines,
    # or a code's (one 类 in a table)
    for code in (True, False):
        edges = [t.x0 for t in texts if bool(_INTEGER_TOKEN.match(t.text)) == code]
        for g in _cluster_edges(edges, tol):
            if code:
                cols.extend(Column(False, min(p), 10 ** 9, -1, p, True)
                            for p in _code_levels_apart(g, texts, tol, s))
            elif len(g) >= support:
                cols.append(Column(False, min(g), 10 ** 9, -1, g, code))
    # a name on a line of figures left of every other column: the leftmost column (预算单位
    # 深圳市信访局 above the codes of its spending)
    first = min((c.anchor for c in cols), default=0)
    lone = [t for ts in rows for t in ts if not _amountlike(t) and t.x0 < first - tol]
    if len(lone) == 1 and any(t.is_amount for ts in rows for t in ts if lone[0] in ts):
        cols.append(Column(False, lone[0].x0, 10 ** 9, -1, [lone[0].x0]))
    cols.sort(key=lambda c: (c.anchor if not c.amount else c.anchor - 0.5))
    cols = _in_line_order(cols, rows)
    return _merge_exclusive(cols, rows)


def _code_levels_apart(edges: list[int], texts: list[Token], tol: int,
                       s: TextLayoutSettings) -> list[list[int]]:
    """A column of code parts whose 类 (3 digits) and 2-digit 款 and 项 parts are indented
    by a few columns each (pdfplumber: '205' / '   08' / '      03') is a column per level:
    the 类 apart, the 2-digit parts by their indent. A column holding one-digit numbers is
    one of line numbers (行次), left whole."""
    at = set(edges)
    parts = [t for t in texts if t.x0 in at and _INTEGER_TOKEN.match(t.text)]
    lengths = {len(t.text) for t in parts}
    if not {2, 3} <= lengths or lengths - {2, 3}:
        return [edges]
    out: list[list[int]] = []
    for n in (3, 2):
        own = sorted(t.x0 for t in parts if len(t.text) == n)
        out.extend(_cluster_edges(own, min(tol, s.code_indent - 1)))
    return out


def _in_line_order(cols: list[Column], rows: list[list[Token]]) -> list[Column]:
    """Cells follow each other on a line as the columns do: a column of names printed
    after the figures of another column on some line comes after that column, though the
    converter drew its other names further left (pdftotext pulls a name left where the
    cells before it are empty: the right half of a two-sided summary table)."""
    for _ in range(3):
        moved = False
        for ts in rows:
            for a, b in pairwise(ts):
                ja, jb = place_token(a, cols), place_token(b, cols)
                if cols[ja].amount and not cols[jb].amount and jb < ja:
                    c = cols.pop(jb)
                    cols.insert(ja, c)  # right after the amount column (now at ja - 1)
                    moved = True
                    break
            if moved:
                break
        if not moved:
            return cols
    return cols


def _merge_exclusive(cols: list[Column], rows: list[list[Token]]) -> list[Column]:
    """Neighbouring text columns that no line fills both of are one column whose names
    are indented by level (深圳: 工资福利支出 / 基本工资), not two columns."""
    while True:
        done = True
        for j in range(len(cols) - 1):
            a, b = cols[j], cols[j + 1]
            if a.amount or b.amount or a.code != b.code or _code_column(j, cols, rows) or \
                    _code_column(j + 1, cols, rows):
                continue  # codes and names, or 类 and 款 parts, are columns apart
            both = False
            for ts in rows:
                hit = {place_token(t, cols) for t in ts if not t.is_amount}
                if j in hit and j + 1 in hit:
                    both = True
                    break
            if not both:
                cols[j] = Column(False, a.anchor, 10 ** 9, -1, sorted(a.edges + b.edges),
                                 a.code and b.code)
                del cols[j + 1]
                done = False
                break
        if done:
            return cols


def place_token(t: Token, cols: list[Column]) -> int:
    """The index of the body column a token of a body line belongs to."""
    if t.is_amount or _amountlike(t):
        j = _amount_column(t, cols)
        if j is not None:
            return j
    code = bool(_INTEGER_TOKEN.match(t.text))
    j = _column_at_edge(t, cols, code)
    if j is not None:
        return j
    best = _nearest_text_column(t, cols, code)
    if best >= 0:
        return best
    texts = [j for j, c in enumerate(cols) if not c.amount and c.code == code]
    if texts:  # beyond a column of figures: the nearest column of its kind
        return min(texts, key=lambda j: abs(cols[j].anchor - t.x0))
    return min(range(len(cols)), key=lambda j: abs(cols[j].cx - t.cx))


def _amount_column(t: Token, cols: list[Column], s: TextLayoutSettings = SETTINGS
                   ) -> int | None:
    """The amount column whose edges hold the token's right edge (an amount-like token's
    within ``amountlike_slack``); for an amount, else the amount column nearest it."""
    slack = 0 if t.is_amount else s.amountlike_slack
    for j, c in enumerate(cols):
        if c.amount and min(c.edges) - slack <= t.x1 <= max(c.edges) + slack:
            return j
    if t.is_amount:
        return min((j for j, c in enumerate(cols) if c.amount),
                   key=lambda j: abs(cols[j].anchor - t.x1), default=0)
    return None


def _column_at_edge(t: Token, cols: list[Column], code: bool) -> int | None:
    """The text column with an edge where the token starts, one of its kind (codes or
    names) first."""
    for j, c in enumerate(cols):
        if not c.amount and c.code == code and t.x0 in c.edges:
            return j
    for j, c in enumerate(cols):
        if not c.amount and t.x0 in c.edges:
            return j
    return None


def _nearest_text_column(t: Token, cols: list[Column], code: bool) -> int:
    """Text sharing no edge: the nearest text column with no amount column between, of
    names for a name, of codes for a code where there is one; -1 when none."""
    best, dist = -1, (2, 10 ** 9)
    for j, c in enumerate(cols):
        if c.amount:
            continue
        lo, hi = sorted((c.anchor, t.x0))
        if any(o.amount and lo < o.anchor <= hi for o in cols):
            continue
        d = (0 if c.code == code else 1, abs(c.anchor - t.x0))
        if d < dist:
            best, dist = j, d
    return best


def _code_column(j: int, cols: list[Column], rows: list[list[Token]]) -> bool:
    """A column of classification codes (类, 款 or 项 printed apart): digits only."""
    ts = [t for r in rows for t in r if not t.is_amount and place_token(t, cols) == j]
    return bool(ts) and all(_INTEGER_TOKEN.match(t.text) for t in ts) and any(
        len(t.text) <= 2 for t in ts)


def printed_end(t: Token, wide: int) -> int:
    """Where a token ends as printed: a converter that gives a CJK character one column
    (``wide`` 1) places its start by the PDF, but the character is printed two wide."""
    return t.x1 if wide == 2 else t.x0 + sum(char_width(ch) for ch in t.text)


def measure_columns(rows: list[list[Token]], cols: list[Column], wide: int = 2) -> None:
    """Set each column's typical extent [lo, hi) as printed: the median edges of the tokens
    placed in it (one long name does not stretch a column over its neighbour)."""
    x0s: dict[int, list[int]] = {}
    x1s: dict[int, list[int]] = {}
    for ts in rows:
        for t in ts:
            j = place_token(t, cols)
            x0s.setdefault(j, []).append(t.x0)
            x1s.setdefault(j, []).append(printed_end(t, wide))
    for j, c in enumerate(cols):
        if j in x0s:
            a, b = sorted(x0s[j]), sorted(x1s[j])
            c.lo, c.hi = a[len(a) // 2], b[len(b) // 2]
        else:
            c.lo, c.hi = c.anchor, c.anchor + 1


def column_regions(cols: list[Column]) -> list[tuple[float, float]]:
    """The stretch of a line each column's cells own: a right-aligned amount's cell ends just
    after its right edge; elsewhere the boundary lies halfway between neighbours."""
    bounds: list[float] = []
    for a, b in pairwise(cols):
        if a.amount and b.amount:
            bounds.append(a.anchor + 1)
        else:
            bounds.append((a.hi + b.lo) / 2)
    edges = [-1e9, *bounds, 1e9]
    return list(pairwise(edges))


def _printed_centre(ts: list[Token], wide: int) -> float:
    """The middle of a run of header fragments as printed (``printed_end``)."""
    return (ts[0].x0 + printed_end(ts[-1], wide)) / 2


_YEAR_START = re.compile(r"^(19|20)\d{2}\s*年")  # 2026 年度…: a year, not a code
_CODE_START = re.compile(r"^[\[【]?\d{3,7}")
_ROW_START = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|"
                        r"\d{3,}\b|\d{3,}[-－]|其中|合计|总计|小计)")


def is_label_row(tokens: list[Token], s: TextLayoutSettings = SETTINGS) -> bool:
    """A table row printed without figures: a label that opens with an ordinal (一、, （一）),
    a classification code or a total word."""
    return bool(tokens) and not is_prose(tokens, s) and not any(
        t.is_amount for t in tokens) and bool(_ROW_START.match(tokens[0].text)) and not (
        _YEAR_START.match(" ".join(t.text for t in tokens[:2])) or
        _TITLE_LINE.search(tokens[-1].text))


def _clashes(rows: list[list[Token]], groups: list[list[int]]) -> int:
    """Lines holding two amounts in one right-edge group."""
    where = {v: k for k, g in enumerate(groups) for v in g}
    clash = 0
    for ts in rows:
        seen = [where[t.x1] for t in ts if t.is_amount]
        clash += len(seen) - len(set(seen))
    return clash


def _amount_groups(rows: list[list[Token]], s: TextLayoutSettings
                   ) -> tuple[int, list[list[int]]]:
    """Right edges of a body's amounts grouped into columns: with the widest tolerance (up to
    ``edge_tolerance``) under which no line holds two amounts in one group."""
    edges = [t.x1 for ts in rows for t in ts if t.is_amount]
    for tol in range(s.edge_tolerance, 0, -1):
        groups = _cluster_edges(edges, tol)
        if not _clashes(rows, groups):
            return tol, groups
    return 0, _cluster_edges(edges, 0)


def _width_score(rows: list[list[Token]], s: TextLayoutSettings) -> tuple[int, int, int]:
    """How badly a CJK width aligns a body: lines holding two amounts in one right-edge
    group, then the number of groups, then how far the edges of a group stray."""
    _, groups = _amount_groups(rows, s)
    return _clashes(rows, groups), len(groups), sum(max(g) - min(g) for g in groups)


_TOTAL_HEAD = re.compile(r"^(合\s*计|总\s*计)$")
_SUBTOTAL_HEAD = re.compile(r"^小\s*计$")


def _header_cells(head: list[int], toks: list[list[Token]], cols: list[Column], wide: int = 2
                  ) -> dict[int, list[Cell]]:
    """Header cells per line: each fragment in the column whose region holds its centre. A
    heading not centred over that column (or 其中), over columns that all carry labels below
    it, spans the widest run of them, up to halfway to the next heading on its line, whose
    middle lies within half a column of its own. A label centred over its column and
    continued within two lines below in that column is one wrapped label."""
    g = _HeaderGeometry.of(cols, wide)
    placed = {i: g.place_line(toks[i]) for i in head}
    return _HeaderLabels(g, head, placed, _repeated_blocks(head, placed)).cells()


@dataclass
class _HeaderGeometry:
    """Where a header's fragments fall: the columns, the stretch of a line each owns, and
    how far off its column's middle a label may lie and still be over it alone."""

    cols: list[Column]
    wide: int
    regions: list[tuple[float, float]]
    slack: float

    @classmethod
    def of(cls, cols: list[Column], wide: int,
           s: TextLayoutSettings = SETTINGS) -> _HeaderGeometry:
        pitch = sorted(b.anchor - a.anchor for a, b in pairwise(cols)
                       if a.amount and b.amount) or [s.default_column_pitch]
        slack = max(s.min_header_slack, pitch[len(pitch) // 2] / 2)
        return cls(cols, wide, column_regions(cols), slack)

    def region_of(self, x: float) -> int:
        for j, (a, b) in enumerate(self.regions):
            if a <= x < b:
                return j
        return len(self.cols) - 1

    def middle(self, a: int, b: int) -> float:
        n = len(self.cols)
        left = self.regions[a][0] if a > 0 else self.cols[0].lo
        right = self.regions[b][1] if b < n - 1 else self.cols[-1].hi
        return (left + right) / 2

    def region_of_token(self, t: Token) -> int:
        return self.region_of(_printed_centre([t], self.wide))

    def place_line(self, line: list[Token]) -> dict[int, list[Token]]:
        """A header line's fragments by column."""
        per = self._one_label_per_text_column(line)
        for t in line:
            if any(t is x for ts in per.values() for x in ts):
                continue
            per.setdefault(self.region_of_token(t), []).append(t)
        self._move_drifted_labels(per)
        return per

    def _one_label_per_text_column(self, line: list[Token]) -> dict[int, list[Token]]:
        """As many labels as text columns left of the figures: one each, in order (a header
        centred over wide name columns drifts into its neighbour's region)."""
        n = len(self.cols)
        text_cols = [j for j, c in enumerate(self.cols) if not c.amount and (
            j + 1 == n or not any(d.amount for d in self.cols[:j]))]  # left of the first amount
        left = [t for t in line if text_cols and self.region_of_token(t) <= text_cols[-1]]
        if len(left) == len(text_cols) >= 2 and len(text_cols) == text_cols[-1] + 1:
            return {j: [t] for j, t in zip(text_cols, left, strict=True)}
        return {}

    def _move_drifted_labels(self, per: dict[int, list[Token]],
                             s: TextLayoutSettings = SETTINGS) -> None:
        """Two labels of a line over one column and none over the next: the right one heads
        the next (a wide cell's label drifts from its figures)."""
        for k in sorted(per, reverse=True):
            ts = per[k]
            if len(ts) >= 2 and k + 1 < len(self.cols) and k + 1 not in per and \
                    len(ts[-1].text) >= s.min_drifted_label and \
                    len(ts[-2].text) >= s.min_drifted_label:
                per[k + 1] = [ts.pop()]

    def run_bounds(self, k: int, below: set[int], stop: set[int], left: float,
                   right: float) -> tuple[int, int]:
        """The columns around k labelled below, up to a stop column or halfway to the
        neighbouring headings (``left``, ``right``)."""
        cols = self.cols
        lo = k
        while lo - 1 >= 0 and lo - 1 in below and lo - 1 not in stop and cols[lo - 1].cx > left:
            lo -= 1
        hi = k
        while hi + 1 < len(cols) and hi + 1 in below and hi + 1 not in stop and \
                cols[hi + 1].cx < right:
            hi += 1
        return lo, hi

    def widest_centred(self, k: int, lo: int, hi: int, cx: float) -> tuple[int, int]:
        """The widest run of columns within [lo, hi] holding k whose middle lies within
        ``slack`` of ``cx`` (the nearer of equal widths); (k, k) when none."""
        a = b = k
        best = (0, 0.0)
        for x in range(lo, k + 1):
            for y in range(k, hi + 1):
                d = abs(self.middle(x, y) - cx)
                if d <= self.slack and (y - x, -d) > best:
                    best = (y - x, -d)
                    a, b = x, y
        return a, b


@dataclass(frozen=True)
class _LabelsBelow:
    """Columns labelled on the header lines below one line: all of them; those labelled
    合计/总计 (the grand total: no heading's part); those also labelled 小计 (其中, of
    which, heads the parts, never their 小计)."""

    cols: set[int]
    totals: set[int]
    subtotals: set[int]

    @classmethod
    def of(cls, lines: list[int], placed: dict[int, dict[int, list[Token]]]) -> _LabelsBelow:
        cols = {j for r in lines for j in placed[r]}
        totals = {j for r in lines for j, ts in placed[r].items()
                  if _TOTAL_HEAD.match(_join_tokens(ts))}
        subtotals = totals | {j for r in lines for j, ts in placed[r].items()
                              if _SUBTOTAL_HEAD.match(_join_tokens(ts))}
        return cls(cols, totals, subtotals)


@dataclass
class _HeaderLabels:
    """The header's label cells, line by line from the top, with what the lines above
    left in each column."""

    g: _HeaderGeometry
    head: list[int]
    placed: dict[int, dict[int, list[Token]]]
    blocks: dict[int, tuple[int, int, list[int]]]
    prev_line: dict[int, int] = field(default_factory=dict)  # latest header line per column
    spanned: set[int] = field(default_factory=set)  # latest label a heading over several
    last: dict[int, Cell] = field(default_factory=dict)  # the latest label cell per column
    ext: dict[int, tuple[int, int]] = field(default_factory=dict)  # its latest line's extent

    def cells(self) -> dict[int, list[Cell]]:
        out = {i: self._line_cells(pos, i) for pos, i in enumerate(self.head)}
        return {i: cells for i, cells in out.items() if cells}

    def _line_cells(self, pos: int, i: int) -> list[Cell]:
        below = _LabelsBelow.of(self.head[pos + 1:], self.placed)
        keys = sorted(self.placed[i])
        cells: list[Cell] = []
        for m in range(len(keys)):
            cell = self._label_cell(pos, i, m, keys, below)
            if cell is not None:
                cells.append(cell)
        return cells

    def _label_cell(self, pos: int, i: int, m: int, keys: list[int],
                    below: _LabelsBelow) -> Cell | None:
        """The cell of the label over column keys[m]; None when it continues the label
        above it (a wrapped label is one cell)."""
        k = keys[m]
        ts = self.placed[i][k]
        x0, x1 = ts[0].x0, printed_end(ts[-1], self.g.wide)
        up = self.ext.get(k)
        heading = _join_tokens(ts).startswith("其中")  # 其中 heads the parts below it
        continues = self._continues(pos, k, up, x0, x1) and not heading
        a, b = self._span(i, m, keys, heading, continues, below)
        wrapped = continues and a == b
        self.prev_line[k] = pos
        self.ext[k] = (min(x0, up[0]), max(x1, up[1])) if wrapped and up else (x0, x1)
        if a != b:
            self.spanned.update(range(a, b + 1))
        else:
            self.spanned.discard(k)
        if wrapped and k in self.last:
            _append_label(self.last[k], ts)
            return None
        cell = Cell(_join_tokens(ts), a, b - a + 1, chars=(ts[0].start, ts[-1].end))
        self.last[k] = cell
        return cell

    def _continues(self, pos: int, k: int, up: tuple[int, int] | None, x0: int, x1: int,
                   s: TextLayoutSettings = SETTINGS) -> bool:
        """A label wrapped over lines of its column, one line apart or two (a line of the
        neighbours' labels printed between, vertically centred): the lower line lies under
        the upper one."""
        return up is not None and pos - self.prev_line.get(k, -9) <= s.max_wrap_lines and \
            k not in self.spanned and min(up[1], x1) > max(up[0], x0)

    def _span(self, i: int, m: int, keys: list[int], heading: bool, continues: bool,
              below: _LabelsBelow) -> tuple[int, int]:
        """The first and last column the label over keys[m] heads."""
        k = keys[m]
        line = self.placed[i]
        cx = _printed_centre(line[k], self.g.wide)
        if k in self.blocks and i not in self.blocks[k][2] and not continues:
            # over a block of labels repeated under every heading: it heads whole blocks
            return _heading_blocks(k, m, keys, line, self.blocks, below.cols, below.totals,
                                   cx, self.g.middle)
        if not continues and k in below.cols and (
                heading or abs(self.g.middle(k, k) - cx) > self.g.slack / 2):
            # the run it may span: labelled below, halfway to its neighbours on the line
            left = (cx + (line[keys[m - 1]][-1].x1 if m else -1e9)) / 2
            right = (cx + (line[keys[m + 1]][0].x0 if m + 1 < len(keys) else 1e9)) / 2
            stop = below.subtotals if heading else below.totals
            lo, hi = self.g.run_bounds(k, below.cols, stop, left, right)
            return self.g.widest_centred(k, lo, hi, cx)
        return k, k


def _append_label(cell: Cell, ts: list[Token]) -> None:
    """The next line of a wrapped label, joined to its cell."""
    cell.text = _join_tokens([Token(cell.text, 0, 0, 0, 0), *ts])
    assert cell.chars is not None
    cell.chars = (cell.chars[0], ts[-1].end)


def _leaf_lines(head: list[int]) -> list[int]:
    """The header lines right above the body with no blank line between them."""
    group = [head[-1]]
    for i in reversed(head[:-1]):
        if i != group[-1] - 1:
            break
        group.append(i)
    return group[::-1]


def _repeated_blocks(head: list[int], placed: dict[int, dict[int, list[Token]]],
                     s: TextLayoutSettings = SETTINGS
                     ) -> dict[int, tuple[int, int, list[int]]]:
    """Columns under a block of labels printed again under every heading above (三公
    items each split 一般公共预算 | 政府性基金预算 | 国有资本经营预算), when the headings are
    printed apart from that block (a blank line between): each column's block as (first
    column, last column, the block's lines); empty when there is none."""
    if not head:
        return {}
    group = _leaf_lines(head)
    if len(group) == len(head):
        return {}
    leaves: dict[int, str] = {}
    for i in group:
        for k, ts in placed[i].items():
            leaves[k] = leaves.get(k, "") + "".join(t.text for t in ts)
    ks = sorted(leaves)
    for m in range(s.max_repeated_block, 1, -1):
        runs = [tuple(leaves[k] for k in ks[p:p + m]) for p in range(len(ks) - m + 1)]
        starts = [p for p in range(len(runs)) if ks[p + m - 1] - ks[p] == m - 1
                  and len(set(runs[p])) == m]
        for p in starts:
            same = [q for q in starts if runs[q] == runs[p]]
            chosen: list[int] = []
            for q in same:
                if not chosen or q >= chosen[-1] + m:
                    chosen.append(q)
            if len(chosen) >= 2:
                return {k: (ks[q], ks[q + m - 1], group) for q in chosen
                        for k in range(ks[q], ks[q + m - 1] + 1)}
    return {}


def _heading_blocks(k: int, m: int, keys: list[int], line: dict[int, list[Token]],
                    blocks: dict[int, tuple[int, int, list[int]]], below: set[int],
                    totals: set[int], cx: float, middle) -> tuple[int, int]:
    """The columns a heading over repeated blocks spans: its own block, widened to the
    neighbouring blocks labelled below it (halfway to the next heading on its line, no
    total column) while it stays centred over them."""
    spans = sorted({(a, b) for a, b, _ in blocks.values()})
    own = spans.index(blocks[k][:2])
    left = (cx + (line[keys[m - 1]][-1].x1 if m else -1e9)) / 2
    right = (cx + (line[keys[m + 1]][0].x0 if m + 1 < len(keys) else 1e9)) / 2

    def open_block(j: int) -> bool:
        a, b = spans[j]
        return any(c in below for c in range(a, b + 1)) and \
            not any(c in totals for c in range(a, b + 1)) and left < middle(a, b) < right

    lo = own
    while lo - 1 >= 0 and open_block(lo - 1):
        lo -= 1
    hi = own
    while hi + 1 < len(spans) and open_block(hi + 1):
        hi += 1
    # centred within a quarter of its block's width (widening by one block moves the
    # middle by half a block)
    a, b = spans[own]
    tol = max(1.0, (middle(b, b) - middle(a, a)) / 4)
    best = (own, own)
    for x in range(lo, own + 1):
        for y in range(own, hi + 1):
            if abs(middle(spans[x][0], spans[y][1]) - cx) <= tol and y - x > best[1] - best[0]:
                best = (x, y)
    return spans[best[0]][0], spans[best[1]][1]


def _empty_columns(head: list[int], toks: list[list[Token]], cols: list[Column], wide: int,
                   s: TextLayoutSettings = SETTINGS) -> list[Column]:
    """Columns the header labels but no figure of the body fills (财政专户管理资金 of a
    department that has none): header fragments right of the first amount column whose
    middle lies further than half a column from every column. Fragments of such a column
    on several lines (a wrapped label) are one column."""
    amount_cols = [c for c in cols if c.amount]
    if not amount_cols:
        return []
    pitch = sorted(b.anchor - a.anchor for a, b in pairwise(cols)
                   if a.amount and b.amount) or [s.empty_column_pitch]
    half = max(s.min_empty_column_half, pitch[len(pitch) // 2] / 2)
    start = amount_cols[0].lo
    found: list[list[float]] = []  # [x0, x1) of each such column's fragments
    g = _HeaderGeometry(cols, wide, column_regions(cols), half)
    for i in head:
        beaten = _beaten_labels(toks[i], g, start, s)
        for t in toks[i]:
            if len(t.text) < s.min_column_label or t.x0 < start:
                continue
            if _spans_labelled_columns(t, i, head, toks, g) or \
                    _over_own_column(t, g, beaten, s):
                continue
            _widen_or_add(found, t.x0, printed_end(t, wide))
    out: list[Column] = []
    for x0, x1 in found:
        cx = (x0 + x1) / 2
        right = int(cx + half)
        out.append(Column(True, right, int(cx - half) + 1, right, [right]))
    return out


def _beaten_labels(line: list[Token], g: _HeaderGeometry, start: float,
                   s: TextLayoutSettings) -> list[Token]:
    """Two labels of a line over one amount column: the one nearer its figures has it;
    the others."""
    over: dict[int, list[Token]] = {}
    for t in line:
        if len(t.text) >= s.min_column_label and t.x0 >= start:
            over.setdefault(g.region_of_token(t), []).append(t)
    beaten: list[Token] = []
    for j, ts in over.items():
        if g.cols[j].amount and len(ts) >= 2:
            mid = (g.cols[j].lo + g.cols[j].hi) / 2
            keep = min(ts, key=lambda t: abs(_printed_centre([t], g.wide) - mid))
            beaten.extend(t for t in ts if t is not keep)
    return beaten


def _spans_labelled_columns(t: Token, i: int, head: list[int], toks: list[list[Token]],
                            g: _HeaderGeometry) -> bool:
    """A heading over labelled columns (labels below it, within ``slack`` of its extent,
    in two columns or more), not a column of its own."""
    half = g.slack
    x0, x1 = t.x0, printed_end(t, g.wide)
    under = {g.region_of_token(u) for r in head if r > i for u in toks[r]
             if x0 - half <= _printed_centre([u], g.wide) <= x1 + half}
    return len(under) >= 2


def _over_own_column(t: Token, g: _HeaderGeometry, beaten: list[Token],
                     s: TextLayoutSettings) -> bool:
    """A label over its own column (a column of figures after names is as wide as its
    header: two-sided summary tables)."""
    cx = _printed_centre([t], g.wide)
    j = g.region_of(cx)
    c = g.cols[j]
    return not any(t is b for b in beaten) and (
        not c.amount or abs((c.lo + c.hi) / 2 - cx) <= max(
            g.slack, (c.hi - c.lo) / 2 + s.label_overhang) or (
            j > 0 and not g.cols[j - 1].amount))


def _widen_or_add(found: list[list[float]], x0: float, x1: float) -> None:
    """Fragments of one column on several lines (a wrapped label) are one column."""
    for f in found:
        if min(f[1], x1) > max(f[0], x0):
            f[0], f[1] = min(f[0], x0), max(f[1], x1)
            return
    found.append([x0, x1])


def _lone_figure(ts: list[Token]) -> bool:
    """A line that prints one amount and nothing else."""
    return len(ts) == 1 and ts[0].is_amount


def _stray_figures(ts: list[Token]) -> bool:
    """A line of a figure cut after its first decimal, or of one or two digits, and nothing
    else: the parts of a figure its cell wrapped (Hangzhou prints 21,118.5 above the row and
    1 below it)."""
    return len(ts) == 1 and bool(re.fullmatch(r"[\d,]+\.\d|\d{1,2}", ts[0].text))


def _unaligned(rows: list[list[Token]]) -> bool:
    """Rows whose figures follow their labels after a single space on most lines
    (converter text that flattened the table): positions say nothing about columns."""
    gapped = sum(1 for ts in rows if all(
        b.x0 - a.x1 >= 2 for a, b in pairwise(ts) if b.is_amount))
    return gapped * 2 < len(rows)


def _flattened_table(page: Page, lines: list[TextLine], head: list[int], body: list[int],
                     toks: list[list[Token]], s: TextLayoutSettings) -> Grid | None:
    """A table whose rows are a label then its figures, single-spaced: the figures of a
    row printing as many as the widest row fill the columns in order; a row with fewer is
    ambiguous (which columns are blank?) and keeps only its first figure, the total."""
    counts = [sum(t.is_amount for t in toks[i]) for i in body]
    n = max(counts, default=0)
    if n == 0 or any(a.is_amount and not b.is_amount for i in body
                     for a, b in pairwise(toks[i])):
        return None  # names after figures (a two-sided table): not one label per row
    # names: one column, or as many as every row prints (code-name pairs of several
    # classifications side by side)
    widths = {sum(not t.is_amount for t in toks[i]) for i, k in zip(body, counts, strict=True)
              if k}
    m = widths.pop() if len(widths) == 1 else 1
    m = max(m, 1)
    ncols = m + n
    grid = Grid(page=page.number, top=float(head[0] if head else body[0]), ncols=ncols,
                ruled=False)
    for i in head:
        ts = toks[i]
        if len(ts) == ncols:  # one label per column
            cells = [Cell(t.text, j, 1, chars=(t.start, t.end)) for j, t in enumerate(ts)]
        else:
            cells = [Cell(_join_tokens(ts), 0, 1, chars=(ts[0].start, ts[-1].end))]
        grid.rows.append(GridRow(cells, page.number, span=(lines[i].start, lines[i].end)))
    for i, k in zip(body, counts, strict=True):
        ts = toks[i]
        names = [t for t in ts if not t.is_amount]
        amounts = [t for t in ts if t.is_amount]
        texts: dict[int, list[Token]] = {}
        if len(names) == m:
            texts.update({j: [t] for j, t in enumerate(names)})
        elif names:
            texts[0] = names
        if k == n:
            for j, t in enumerate(amounts):
                texts[m + j] = [t]
        elif amounts:
            texts[m] = [amounts[0]]  # the total comes first and is printed whenever a part is
        if not texts:
            continue
        grid.rows.append(GridRow(_cells(_Row(i, lines[i], texts), ncols), page.number,
                                 span=(lines[i].start, lines[i].end)))
    return grid


def _spaced_labels(ts: list[Token]) -> list[Token]:
    """Header characters printed apart ('合       计', '项   目') are one label."""
    out: list[Token] = []
    for t in ts:
        prev = out[-1] if out else None
        if prev is not None and len(t.text) == 1 and _CJK_CHAR.match(t.text) and \
                _CJK_CHAR.match(prev.text[-1]) and (len(prev.text) == 1 or prev.spaced) and \
                t.x0 - prev.x1 <= 10:
            out[-1] = Token(prev.text + t.text, prev.x0, t.x1, prev.start, t.end, spaced=True)
            continue
        out.append(t)
    return [Token(t.text, t.x0, t.x1, t.start, t.end) if t.spaced and len(t.text) < 2 else t
            for t in out]


def _year_labels(ts: list[Token]) -> list[Token]:
    """A year printed a space apart from its 年 (``2025 年`` in a 年度 column) is one
    label, not a figure beside a word."""
    out: list[Token] = []
    for t in ts:
        prev = out[-1] if out else None
        if prev is not None and _YEAR.match(prev.text) and t.text.startswith("年") and \
                t.x0 - prev.x1 <= 1:
            out[-1] = Token(prev.text + t.text, prev.x0, t.x1, prev.start, t.end)
            continue
        out.append(t)
    return out


_YEAR = re.compile(r"^(19|20)\d{2}$")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
_ORDINAL_NAME = re.compile(r"^[一二三四五六七八九十]+、")


def _fits(rows: list[list[Token]], cols: list[Column], tol: int) -> bool:
    """Every amount of a body falls on an amount column of ``cols`` (a table's columns
    from the page before) and none of them would hold two amounts of a line."""
    for ts in rows:
        seen: list[int] = []
        for t in ts:
            if not t.is_amount:
                continue
            hit = [j for j, c in enumerate(cols) if c.amount and
                   min(c.edges) - tol <= t.x1 <= max(c.edges) + tol]
            if len(hit) != 1:
                return False
            seen.append(hit[0])
        if len(seen) != len(set(seen)):
            return False
    return any(t.is_amount for ts in rows for t in ts)


def aligned_table(page: Page, lines: list[TextLine], head: list[int], body: list[int],
                  s: TextLayoutSettings = SETTINGS, state: dict | None = None) -> Grid | None:
    """A grid from a header and a body of aligned lines (fragment lines included), measured
    with the CJK width that aligns its amounts best (no line with two amounts on one right
    edge, then the fewest right edges)."""
    toks, wide = _best_width_tokens(lines, head, body, s)
    for i in head:
        toks[i] = _spaced_labels(toks[i])
    for i in body:
        toks[i] = _year_labels(toks[i])
    data = [i for i in body if is_data_line(toks[i], s)]
    state = {} if state is None else state
    header_text = _header_text(lines, head, toks)
    if _goes_on_from_page_before(page, state, wide, toks, data, head, header_text, s):
        # a table cut at a page break: its rows go on in the columns of the page before
        # (the header it may repeat names them again)
        cols = _carried_columns(state["columns"][1], s)
    elif _flattened_rows([toks[i] for i in data]):
        # flattened rows: one figure each, read in order; two-sided rows (names after
        # figures) cannot be told apart without alignment and stay lines
        return _flattened_table(page, lines, head, body, toks, s)
    else:
        measured = _measured_columns(toks, head, body, data, wide, s)
        if measured is None:
            return None
        cols = measured
    state["columns"] = (wide, cols)
    state["page"] = page.number
    state["header"] = header_text  # a header printed again goes on in these columns
    grid = Grid(page=page.number, top=float(head[0] if head else body[0]), ncols=len(cols),
                ruled=False, spanned_header=True)
    for i, cells in _header_cells(head, toks, cols, wide).items():
        grid.rows.append(GridRow(cells, page.number, span=(lines[i].start, lines[i].end)))
    grid.header_rows = len(grid.rows)
    for row in _body_rows(lines, body, toks, cols, s):
        grid.rows.append(GridRow(_cells(row, len(cols)), page.number,
                                 span=(row.line.start, row.line.end)))
    if grid.header_rows:
        _fold_unlabelled(grid, [c.amount for c in cols])
    return grid


def _best_width_tokens(lines: list[TextLine], head: list[int], body: list[int],
                       s: TextLayoutSettings) -> tuple[list[list[Token]], int]:
    """The tokens of the table's lines with the CJK width that aligns its amounts best."""
    best: tuple[tuple[int, int, int], list[list[Token]], int] | None = None
    wanted = set(head) | set(body)
    for wide in CJK_WIDTHS:
        toks = [line_tokens(ln, wide) if k in wanted else [] for k, ln in enumerate(lines)]
        score = _width_score([toks[i] for i in body if is_data_line(toks[i], s)], s)
        if best is None or score < best[0]:
            best = (score, toks, wide)
    assert best is not None
    return best[1], best[2]


def _header_text(lines: list[TextLine], head: list[int], toks: list[list[Token]]) -> str:
    """The header's words (none when most of its lines are numbered row names, 十四、…):
    a header other than the one of the table on the page before starts another table."""
    named = sum(1 for i in head if toks[i] and _ORDINAL_NAME.match(toks[i][0].text))
    return "" if named * 2 >= len(head) else "".join(
        re.sub(r"\s+", "", lines[i].text) for i in head)


def _goes_on_from_page_before(page: Page, state: dict, wide: int, toks: list[list[Token]],
                              data: list[int], head: list[int], header_text: str,
                              s: TextLayoutSettings) -> bool:
    """The table of the page before, cut at the page break: measured with the same width,
    its rows fit that table's columns, and its header (if any) is that table's again."""
    prev = state.get("columns")
    if prev is None or prev[0] != wide or state.get("page") == page.number:
        return False
    if not _fits([toks[i] for i in data], prev[1], s.edge_tolerance):
        return False
    if header_text and header_text != state.get("header") and state.get("header"):
        return False
    return not head or _fits([toks[i] for i in data if len(
        [t for t in toks[i] if t.is_amount]) >= 2], prev[1], 0)


def _carried_columns(prev: list[Column], s: TextLayoutSettings) -> list[Column]:
    """The columns of the page before, an amount column's edges widened by the tolerance."""
    return [Column(c.amount, c.anchor, c.lo, c.hi,
                   [*c.edges, c.anchor - s.edge_tolerance, c.anchor + s.edge_tolerance]
                   if c.amount else list(c.edges), c.code) for c in prev]


def _flattened_rows(rows: list[list[Token]]) -> bool:
    """Data rows with no alignment that print one figure each, or names after figures."""
    return _unaligned(rows) and (max(sum(t.is_amount for t in ts) for ts in rows) == 1 or any(
        a.is_amount and not b.is_amount for ts in rows for a, b in pairwise(ts)))


def _measured_columns(toks: list[list[Token]], head: list[int], body: list[int],
                      data: list[int], wide: int, s: TextLayoutSettings) -> list[Column] | None:
    """The body's columns with their printed extents, and the columns only the header
    labels; None when the body has fewer than ``min_columns``."""
    cols = body_columns([toks[i] for i in data], s, [toks[i] for i in body if i not in data])
    if len(cols) < s.min_columns:
        return None
    measure_columns([toks[i] for i in data], cols, wide)
    extra = _empty_columns(head, toks, cols, wide)
    if extra:
        cols = sorted(cols + extra, key=lambda c: c.anchor - 0.5 if c.amount else c.anchor)
    return cols


def _body_rows(lines: list[TextLine], body: list[int], toks: list[list[Token]],
               cols: list[Column], s: TextLayoutSettings) -> list[_Row]:
    """The body's rows: data and label rows, with the fragment lines of their names (and a
    figure printed below) joined to them."""
    rows: list[_Row] = []
    pending: list[_Row] = []  # fragment lines waiting for the data row below them
    last_data = -99
    for i in body:
        if _stray_figures(toks[i]) and not is_data_line(toks[i], s):
            continue  # part of a figure wrapped in its cell: no cell can hold it whole
        placed: dict[int, list[Token]] = {}
        for t in toks[i]:
            placed.setdefault(place_token(t, cols), []).append(t)
        if is_data_line(toks[i], s) or is_label_row(toks[i], s):
            rows.append(_table_row(i, lines[i], toks, placed, rows, pending, s))
            pending = []
            last_data = i
        elif rows and i == last_data + 1 and _ends_row_above(rows[-1], body, toks, i, s):
            # the end of the row above: its name's last line, or its figure printed below
            _merge_fragment(rows[-1], _Row(i, lines[i], placed), before=False)
        else:
            pending.append(_Row(i, lines[i], placed))
    if pending and rows:
        for frag in pending:
            _merge_fragment(rows[-1], frag, before=False)
    return rows


def _table_row(i: int, line: TextLine, toks: list[list[Token]], placed: dict[int, list[Token]],
               rows: list[_Row], pending: list[_Row], s: TextLayoutSettings) -> _Row:
    """Row ``i`` with the fragment lines above it; a label row right above it whose name
    sits in none of its columns is taken off ``rows`` into it."""
    row = _Row(i, line, placed)
    above = rows[-1] if rows else None
    if is_data_line(toks[i], s) and not pending and above is not None and \
            above.index == i - 1 and is_label_row(toks[above.index], s) and \
            not any(j in placed for j in above.texts):
        # a name printed on the line above its figures (a wrapped name centred on
        # them): the label row and this line are one row
        rows.pop()
        _merge_fragment(row, above, before=True)
        row.wrapped = True
    if pending and all(t.is_amount for t in toks[i]):
        row.wrapped = True  # its name began above its figures: it may end below
    for frag in pending:
        _merge_fragment(row, frag, before=True)
    return row


def _ends_row_above(above: _Row, body: list[int], toks: list[list[Token]], i: int,
                    s: TextLayoutSettings) -> bool:
    return above.wrapped or not _next_is_row(body, toks, i, s) or (
        _lone_figure(toks[i]) and is_label_row(toks[i - 1], s))


def _fold_unlabelled(grid: Grid, amount: list[bool]) -> None:
    """A column of figures the header labels nowhere, beside a labelled column that holds
    figures but none in a row with it, is that column: its figures were pushed a few
    columns along by the figure before them (pdfplumber prints '183,484.57 36,655.19')."""
    while True:
        move = _unlabelled_beside_labelled(grid, amount)
        if move is None:
            return
        j, nb = move
        for r in grid.rows:
            _move_cells(r, j, nb)
        del amount[j]
        grid.ncols -= 1


def _unlabelled_beside_labelled(grid: Grid, amount: list[bool]) -> tuple[int, int] | None:
    """The first unlabelled column of figures and the labelled neighbour it belongs to."""
    head, body = grid.rows[:grid.header_rows], grid.rows[grid.header_rows:]
    labelled = {k for r in head for c in r.cells if c.text
                for k in range(c.col, c.col + c.span)}
    filled = [{c.col for c in r.cells if c.text} for r in body]
    for j in range(grid.ncols):
        if not amount[j] or j in labelled or not any(j in f for f in filled):
            continue
        for nb in (j - 1, j + 1):
            if 0 <= nb < grid.ncols and amount[nb] and nb in labelled and \
                    any(nb in f for f in filled) and \
                    not any(j in f and nb in f for f in filled):
                return j, nb
    return None


def _move_cells(r: GridRow, j: int, nb: int) -> None:
    """Column j's filled cells into column nb (whose blank cell in that row goes), and the
    columns after j one to the left."""
    cells = []
    for c in r.cells:
        if c.col == j:
            if not c.text:
                continue
            c.col = nb
        cells.append(c)
    r.cells = [c for c in cells if c.text or c.col != nb or not any(
        x.col == nb and x.text for x in cells)]
    for c in r.cells:
        if c.col > j:
            c.col -= 1
    r.cells.sort(key=lambda c: c.col)


def _next_is_row(body: list[int], toks: list[list[Token]], i: int,
                 s: TextLayoutSettings) -> bool:
    """The line right below ``i`` is a row (a fragment between two rows goes down)."""
    nxt = i + 1
    return nxt in body and (is_data_line(toks[nxt], s) or is_label_row(toks[nxt], s))


def find_aligned_tables(page: Page, s: TextLayoutSettings = SETTINGS, state: dict | None = None
                        ) -> tuple[list[Block], set[int]]:
    """Grids of the aligned tables on a page and the line indexes they took."""
    lines = page.lines
    toks = [line_tokens(ln) for ln in lines]
    data = [is_data_line(ts, s) for ts in toks]
    out: list[Block] = []
    used: set[int] = set()
    i = 0
    n = len(lines)
    coded = [is_label_row(ts, s) and bool(_CODE_START.match(ts[0].text)) for ts in toks]
    while i < n:
        if not data[i] and not coded[i]:
            i += 1
            continue
        body, lone, j = _body_from(i, toks, data, s)
        while body and not data[body[-1]] and not coded[body[-1]] and body[-1] not in lone:
            body.pop()  # trailing fragments belong to what follows, unless merged below
        if not any(data[k] for k in body):  # coded rows without a figure below them: not a table here
            i += 1
            continue
        _take_closing_fragment(body, lines, toks, s)
        if _is_table_body(body, toks, data, coded, s):
            head = _header_rows(lines, toks, body[0], s)
            _first_row_from_header(head, body, toks, s)
            grid = aligned_table(page, lines, head, body, s, state)
            if grid is not None:
                out.append(grid)
                used.update(head)
                used.update(range(body[0], body[-1] + 1))
        i = max(j, body[-1] + 1)
    return out, used


def _body_from(i: int, toks: list[list[Token]], data: list[bool], s: TextLayoutSettings
               ) -> tuple[list[int], set[int], int]:
    """The body lines from data or coded line ``i`` on: data and label rows, lone figures of
    the row above, stray figures and a few fragment lines, up to a run of blank lines or
    another line; the lone figures among them; the line it stopped at."""
    n = len(toks)
    body = [i]
    lone: set[int] = set()
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
        elif is_label_row(toks[j], s):
            body.append(j)  # a row printed without figures (二、外交支出)
            gap = blank = 0
        elif j - 1 in body and _lone_figure(toks[j]) and is_label_row(toks[j - 1], s):
            body.append(j)  # the figure of the row above, printed on a line of its own
            lone.add(j)
            gap = blank = 0
        elif _stray_figures(toks[j]):
            body.append(j)  # a figure wrapped in its cell (21,118.5 / 1): read past it
        elif is_fragment_line(toks[j], s) and gap < s.max_gap_lines:
            body.append(j)
            gap += 1
        else:
            break
        j += 1
    return body, lone, j


def _take_closing_fragment(body: list[int], lines: list[TextLine], toks: list[list[Token]],
                           s: TextLayoutSettings) -> None:
    """A fragment right after the last data row (the end of its wrapped name) joins the
    body."""
    n = len(lines)
    last = body[-1]
    if last + 1 < n and is_fragment_line(toks[last + 1], s) and \
            len(toks[last + 1]) == 1 and not _TITLE_LINE.search(lines[last + 1].text) and \
            (last + 2 >= n or not toks[last + 2] or not is_fragment_line(toks[last + 2], s)):
        body.append(last + 1)


def _is_table_body(body: list[int], toks: list[list[Token]], data: list[bool],
                   coded: list[bool], s: TextLayoutSettings) -> bool:
    """Enough data rows; or a first row of several figures; or the coded rows of a table
    cut at a page with a line that prints a name and its figure together."""
    n_data = sum(1 for k in body if data[k])
    multi = sum(1 for k in body if data[k] and sum(t.is_amount for t in toks[k]) >= 1)
    n_coded = sum(1 for k in body if coded[k])
    # lines that print a name and its figure together
    named = sum(1 for k in body if data[k] and any(
        not t.is_numberlike for t in toks[k]))
    return n_data >= s.min_data_rows or (
        multi >= 1 and sum(t.is_amount for t in toks[body[0]]) >= s.min_first_row_amounts) or (
        named >= 1 and n_coded >= s.min_coded_rows)  # the coded rows of a table cut at a page


def _first_row_from_header(head: list[int], body: list[int], toks: list[list[Token]],
                           s: TextLayoutSettings) -> None:
    """The first row's name printed on the line above its figures (pdfplumber): a row of
    the body, not the header's last line."""
    if head and head[-1] == body[0] - 1 and is_label_row(toks[head[-1]], s) and \
            _ORDINAL_NAME.match(toks[head[-1]][0].text) and \
            not any(not t.is_numberlike for t in toks[body[0]]):
        body.insert(0, head.pop())


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


def _has_amount(row: GridRow) -> bool:
    return any(_is_amount_text(p.text) for c in row.cells for ps in _cell_parts(c) for p in ps)


def _separated_tables(page: Page, state: dict | None = None) -> tuple[list[Block], set[int]]:
    reader = _SeparatedTables(page)
    for idx, ln in enumerate(page.lines):
        reader.read(idx, ln)
    return reader.blocks_out(state)


@dataclass
class _SeparatedTables:
    """Tab- or pipe-separated rows of a page read line by line into grids."""

    page: Page
    blocks: list[Block] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    grid: Grid | None = None  # the grid the rows go into
    piped: set[int] = field(default_factory=set)  # ids of grids read from markdown pipe rows
    # rows printed without pipes: line, by row id
    flat: dict[int, tuple[int, TextLine]] = field(default_factory=dict)
    pending: list[tuple[int, TextLine]] = field(default_factory=list)
    held: bool = False  # the header above was held open across a heading printed apart

    def read(self, idx: int, ln: TextLine) -> None:
        if _SEPARATOR_ROW.match(ln.text) and self.grid is not None:
            self._separator(idx, self.grid)
            return
        cells = _split_cells(ln.text, ln.start)
        if cells is not None:
            self._cells_row(idx, ln, cells)
            return
        if not ln.text.strip():
            return  # blank lines do not end a table: converters scatter them
        self._plain_line(idx, ln)

    def _separator(self, idx: int, grid: Grid) -> None:
        self.used.add(idx)
        if id(grid) in self.piped and len(grid.rows) > 1 and not _has_amount(grid.rows[-1]) \
                and any(_has_amount(r) for r in grid.rows[:-1]):
            # a header row over a separator opens a new markdown table: the pieces of
            # a document without page breaks are read apart, as the PDF's pages are
            head = grid.rows.pop()
            self.grid = Grid(page=self.page.number, top=idx - 1, ncols=len(head.cells),
                             ruled=False, rows=[head])
            self.blocks.append(self.grid)
            self.piped.add(id(self.grid))

    def _cells_row(self, idx: int, ln: TextLine, cells: list[Cell]) -> None:
        if self.held and self.grid is not None and len(cells) != self.grid.ncols:
            self.grid = None  # a header piece of another width: another table
        self.held = False
        grid = self.grid if self.grid is not None else self._open(idx, ln)
        grid.ncols = max(grid.ncols, len(cells))
        for k, fl in self.pending:  # flattened rows between two pipe rows of the table
            row = GridRow([], self.page.number, span=(fl.start, fl.end))
            self.flat[id(row)] = (k, fl)
            grid.rows.append(row)
            self.used.add(k)
        self.pending = []
        grid.rows.append(GridRow(cells, self.page.number, span=(ln.start, ln.end)))
        self.used.add(idx)

    def _open(self, idx: int, ln: TextLine) -> Grid:
        grid = Grid(page=self.page.number, top=idx, ncols=0, ruled=False)
        self.grid = grid
        self.blocks.append(grid)
        if "\t" not in ln.text:
            self.piped.add(id(grid))
        return grid

    def _plain_line(self, idx: int, ln: TextLine) -> None:
        grid = self.grid
        if grid is not None and id(grid) in self.piped and _flattened_row(ln):
            self.pending.append((idx, ln))  # a row the converter printed without its pipes
            return
        if grid is not None and id(grid) in self.piped and not self.pending and \
                _header_fragment(ln) and not any(_has_amount(r) for r in grid.rows):
            self.held = True  # a heading printed apart from the header pieces around it
            return
        self.grid = None
        self.held = False
        self.pending = []

    def blocks_out(self, state: dict | None) -> tuple[list[Block], set[int]]:
        """The blocks read, pipe grids repaired (flattened rows placed first), and the
        line indexes they took."""
        for b in self.blocks:
            if isinstance(b, Grid) and id(b) in self.piped:
                self.used -= _place_flattened_rows(b, self.flat)
        out: list[Block] = []
        for b in self.blocks:
            if isinstance(b, Grid) and id(b) in self.piped:
                lines, repaired = repair_pipe_grid(b, state)
                out.extend(lines)
                if repaired is not None:
                    out.append(repaired)
            else:
                out.append(b)
        return out, self.used


def _flattened_row(ln: TextLine) -> bool:
    """A table row a markdown converter printed as plain text inside a pipe table: a label
    then its figures, single-spaced, no figure before a name."""
    ts = line_tokens(ln)
    if not is_data_line(ts) or not ts[-1].is_amount:
        return False
    first = next(k for k, t in enumerate(ts) if t.is_amount)
    return all(t.is_amount for t in ts[first:])


_TOTAL_LABEL = re.compile(r"[合总]\s*计")  # a total row's label printed above its figures


def _header_fragment(ln: TextLine) -> bool:
    """A short heading without figures, not a title, unit or page line: part of a table
    header that a markdown converter printed outside the pipe rows."""
    ts = line_tokens(ln)
    return is_fragment_line(ts) and not _TITLE_LINE.search(ln.text) and \
        not _META_CELL.search(ln.text) and not any(t.is_numberlike for t in ts) and \
        not _TOTAL_LABEL.search(ln.text)


def _amount_columns(row: GridRow) -> list[int]:
    return [c.col for c in row.cells if c.text and all(
        _is_amount_text(p.text) for ps in _cell_parts(c) for p in ps)]


def _place_flattened_rows(grid: Grid, flat: dict[int, tuple[int, TextLine]]) -> set[int]:
    """Cells of the rows of a pipe table printed without pipes: their figures fill the
    table's amount columns in order when they print as many, else the columns of the
    nearest pipe row printing as many; the label goes where that row's label is. A row
    that fits no column set, or of a two-sided table (names right of figures), is dropped
    from the grid; returns the line indexes dropped."""
    if not flat:
        return set()
    rows = grid.rows
    piped = [r for r in rows if id(r) not in flat]
    amount_cols = {id(r): _amount_columns(r) for r in piped}  # computed once a row
    all_amount = sorted({j for r in piped for j in amount_cols[id(r)]})
    dropped: set[int] = set()
    two_sided = bool(all_amount) and any(
        c.text and c.col > all_amount[0] and c.col not in amount_cols[id(r)]
        for r in piped if amount_cols[id(r)] for c in r.cells)
    keep: list[GridRow] = []
    for k, row in enumerate(rows):
        if id(row) not in flat:
            keep.append(row)
            continue
        idx, ln = flat[id(row)]
        ts = line_tokens(ln)
        amounts = [t for t in ts if t.is_amount]
        labels = [t for t in ts if not t.is_amount]
        near = [r for r in rows[k + 1:] + rows[:k][::-1] if id(r) not in flat and
                len(amount_cols[id(r)]) == len(amounts)]
        if two_sided:  # names right of figures: one label per line cannot be told apart
            dropped.add(idx)
            continue
        if len(all_amount) == len(amounts):
            cols = all_amount
        elif near:
            cols = amount_cols[id(near[0])]
        else:
            dropped.add(idx)
            continue
        model = near[0] if near else piped[0]
        text_cols = [c.col for c in model.cells if c.text and c.col < cols[0]
                     and c.col not in cols]
        cells = [Cell(t.text, j, 1, chars=(t.start, t.end))
                 for j, t in zip(cols, amounts, strict=True)]
        if labels and (text_cols or cols[0] > 0):
            a, b = labels[0].start - ln.start, labels[-1].end - ln.start
            cells.insert(0, Cell(ln.text[a:b], text_cols[0] if text_cols else 0, 1,
                                 chars=(labels[0].start, labels[-1].end)))
        row.cells = cells
        keep.append(row)
    grid.rows = keep
    return dropped


# ------------------------------------------------------------------ markdown repair

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PIECE = re.compile(r"[^\s]+")
_CODE_PART = re.compile(r"^\d{1,7}$")
_PERIOD_WORD = re.compile(r"^(年初|全年|调整后)?(预算|决算|执行)数?$")
_META_CELL = re.compile(r"单位[)）]?[:：]|^[)）][:：]|^(部门|编制单位|预算单位|单位名称)[^:：]{0,4}[:：]")
_INLINE_TAG = re.compile(r"</?(?:sup|sub|b|i|em|strong|span|u)\b[^>]*>", re.IGNORECASE)
_CODE_WORDS = re.compile(r"科目编码|编码|代码|类|款|项(?!目)")
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


@dataclass(slots=True)
class _Piece:
    """A whitespace- or ``<br>``-delimited run of one markdown cell, with file offsets."""

    text: str
    start: int
    end: int


def _cell_parts(cell: Cell) -> list[list[_Piece]]:
    """The pieces of a cell, one list per ``<br>``-separated line (empty lines dropped)."""
    if cell.chars is None or not cell.text:
        return []
    return [list(ps) for ps in _text_parts(cell.text, cell.chars[0])]


@lru_cache(maxsize=65536)
def _text_parts(text: str, base: int) -> tuple[tuple[_Piece, ...], ...]:
    """``_cell_parts`` of a cell's text starting at file offset ``base`` (a cell is split
    once, however often the repairs look at it)."""
    out: list[tuple[_Piece, ...]] = []
    pos = 0
    for part in _BR.split(text):
        bare = _INLINE_TAG.sub(lambda m: " " * len(m.group(0)), part)  # <sup>: not text
        ps = tuple(_Piece(m.group(0), base + pos + m.start(), base + pos + m.end())
                   for m in _PIECE.finditer(bare))
        if ps:
            out.append(ps)
        pos += len(part)
        br = _BR.match(text, pos)
        if br:
            pos = br.end()
    return tuple(out)


def _split_rows(parts: list[list[list[_Piece]]]) -> list[list[list[_Piece]]]:
    """A row whose amount cells each hold N lines (``<br>``) is N rows the converter merged:
    every cell with N lines gives one to each; other cells stay with the first."""
    amount_cells = [len(cp) for cp in parts if cp and any(
        _is_amount_text(p.text) for line in cp for p in line)]
    if not amount_cells:
        return [[[p for line in cp for p in line] for cp in parts]]
    n = max(amount_cells)
    label_cells = [len(cp) for cp in parts if cp and not any(
        _is_amount_text(p.text) for line in cp for p in line)]
    if len(set(amount_cells)) > 1 and not (amount_cells.count(n) >= 2 and n in label_cells):
        # cells of unequal line counts: split only when labels say as many rows (a cell with
        # fewer lines, its blank cells vanished, stays with the first row)
        return [[[p for line in cp for p in line] for cp in parts]]
    if n < 2 or any(len(line) != 1 or not (_is_amount_text(line[0].text) or line[0].text.isdigit())
                    for cp in parts if len(cp) == n and any(
                        _is_amount_text(p.text) for line in cp for p in line) for line in cp):
        return [[[p for line in cp for p in line] for cp in parts]]
    rows: list[list[list[_Piece]]] = [[[] for _ in parts] for _ in range(n)]
    for j, cp in enumerate(parts):
        if len(cp) == n:
            for k in range(n):
                rows[k][j] = cp[k]
        else:
            rows[0][j] = [p for line in cp for p in line]
    return rows


def _is_amount_text(text: str) -> bool:
    return bool(AMOUNT_TOKEN.match(text) or _DASH_TOKEN.match(text))


def _join_pieces(ps: list[_Piece]) -> str:
    out = ""
    for p in ps:
        if out and out[-1].isascii() and p.text[:1].isascii():
            out += " "
        out += p.text
    return out


def _piece_cell(ps: list[_Piece], col: int, text: str | None = None) -> Cell:
    if not ps:
        return Cell("", col, 1)
    return Cell(_join_pieces(ps) if text is None else text, col, 1,
                chars=(ps[0].start, ps[-1].end))


def _prose_grid(grid: Grid) -> bool:
    """A paragraph a converter laid out as a table: most rows carry sentence marks. A row
    whose figures fill cells of their own and whose sentences all lie in its last cell is
    a table row with a text column at its end (绩效目标 after a project's amounts)."""
    marks = sum(1 for r in grid.rows if any(_PROSE_MARK.search(c.text) for c in r.cells)
                and not _text_column_row(r))
    return marks * 3 >= len(grid.rows) and marks > 0


def _text_column_row(row: GridRow) -> bool:
    filled = [c for c in row.cells if c.text]
    return _figure_cells(row) >= 2 and not any(_PROSE_MARK.search(c.text) for c in filled[:-1])


def _figure_cells(row: GridRow) -> int:
    """Cells of a row holding a money figure alone (decimals or thousands separators: a
    score or count of 100 in a targets table is no such figure)."""
    return sum(1 for c in row.cells if _MONEY_CELL.match(c.text.strip()))


_MONEY_CELL = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{1,6}$|^-?\d{1,3}(,\d{3})+$")


def repair_pipe_grid(grid: Grid, state: dict | None = None) -> tuple[list[Line], Grid | None]:
    """A markdown table as the PDF prints it: ``<br>`` is a line break inside a cell; the
    columns left of, between and right of the amount columns that hold only text (a label
    spread over several cells, codes in cells of their own) are one column; 类/款/项 parts
    printed apart are joined into the full code (a 款 or 项 printed alone takes its parents
    from the rows above: a part in the leftmost code column is a 款, further right a 项);
    a header is one row whose labels join the fragments stacked over a column; a heading one
    column left of its amount column (converters misplace them around empty columns) moves
    onto it. Lines outside the table (a department or unit line inside it) come back as lines."""
    cells, sources, lines = _pipe_rows(grid)
    if _prose_grid(grid):
        lines.extend(_prose_lines(grid, cells, sources))
        return lines, None
    is_data = [any(_is_amount_text(p.text) for cs in rc for p in cs) for rc in cells]
    if not any(is_data):
        return [], grid
    t = _pipe_table(cells, is_data.index(True), grid.ncols)
    groups = _column_groups(t)
    text_group = [not t.has_amount[g[0]] and any(t.has_text[j] for j in g) for g in groups]
    frags = _header_fragments(t, groups, text_group, sources, grid.top, lines)
    labels, label_ps = _group_labels(frags, text_group)
    _subtotal_labels(labels, frags, text_group)
    code_group = _code_group(t, groups, text_group)
    width = len(groups) + (1 if code_group is not None else 0)
    out = Grid(page=grid.page, top=grid.top, ncols=width, ruled=False)
    headed = bool(t.head_rows) and any(labels)
    if headed:
        out.rows.append(_pipe_header_row(labels, label_ps, code_group, grid.rows[0]))
    state = {} if state is None else state
    levels = _pipe_code_levels(t, groups[0], state) if code_group is not None else {}
    carry = _code_carry(t, labels, text_group, state)
    for r in t.body_rows:
        out.rows.append(_pipe_body_row(t.cells[r], groups, text_group, code_group, carry,
                                       levels, sources[r]))
    if headed:
        _labels_onto_figures(out)
    return lines, out


_PipeCells = list[list[list[_Piece]]]  # rows, then columns, then the pieces of a cell


@dataclass
class _PipeTable:
    """The rows of a pipe table (header rows, then body rows from the first data row) and
    what the body holds in each column."""

    cells: _PipeCells
    head_rows: list[int]
    body_rows: list[int]
    has_amount: list[bool]
    has_text: list[bool]

    def words(self, r: int, j: int) -> bool:
        """Cell (r, j) holds a word: neither a code part nor an amount."""
        return any(not _CODE_PART.match(p.text) and not _is_amount_text(p.text)
                   for p in self.cells[r][j])

    def digits(self, r: int, j: int) -> bool:
        """Cell (r, j) holds code parts only."""
        return bool(self.cells[r][j]) and all(_CODE_PART.match(p.text) for p in self.cells[r][j])


def _pipe_rows(grid: Grid) -> tuple[_PipeCells, list[GridRow], list[Line]]:
    """The pieces of every cell, a printed row split into the rows merged into it; the
    printed row each comes from; unit lines printed inside a header cell."""
    cells: _PipeCells = []
    sources: list[GridRow] = []
    apart: list[Line] = []
    for row in grid.rows:
        parts = _row_parts(row, grid.ncols)
        for ps in _meta_lines_apart(parts):
            apart.append(Line(_join_pieces(ps), row.page, grid.top - 0.5,
                              span=(ps[0].start, ps[-1].end)))
        for split_row in _split_rows(parts):
            cells.append(split_row)
            sources.append(row)
    return cells, sources, apart


def _row_parts(row: GridRow, ncols: int) -> list[list[list[_Piece]]]:
    parts: list[list[list[_Piece]]] = [[] for _ in range(ncols)]
    for c in row.cells:
        if c.col < ncols:
            parts[c.col] = _cell_parts(c)
    return parts


def _prose_lines(grid: Grid, cells: _PipeCells, sources: list[GridRow]) -> list[Line]:
    """The rows of a paragraph laid out as a table, one line each."""
    out: list[Line] = []
    for r, row in enumerate(sources):
        ps = [p for cs in cells[r] for p in cs]
        if ps:
            out.append(Line(_join_pieces(ps), row.page, grid.top + r / 1000,
                            span=(ps[0].start, ps[-1].end)))
    return out


def _pipe_table(cells: _PipeCells, first: int, ncols: int) -> _PipeTable:
    body = list(range(first, len(cells)))
    has_amount = [any(_is_amount_text(p.text) for r in body for p in cells[r][j])
                  for j in range(ncols)]
    has_text = [any(not _is_amount_text(p.text) for r in body for p in cells[r][j])
                for j in range(ncols)]
    return _PipeTable(cells, list(range(first)), body, has_amount, has_text)


def _column_groups(t: _PipeTable) -> list[list[int]]:
    """Columns without amounts next to each other are one group (one column) unless they
    print words side by side or codes after words; blank ones stay columns of their own."""
    groups: list[list[int]] = []
    for j in range(len(t.has_amount)):
        if not t.has_amount[j] and groups and not t.has_amount[groups[-1][0]] and \
                not _text_columns_apart(t, groups[-1], j):
            groups[-1].append(j)
            continue
        groups.append([j])
    split: list[list[int]] = []
    for g in groups:
        if not t.has_amount[g[0]] and not any(t.has_text[j] for j in g):
            split.extend([j] for j in g)  # blank columns stay columns of their own
        else:
            split.append(g)
    return split


def _text_columns_apart(t: _PipeTable, g: list[int], j: int) -> bool:
    """Two columns of words side by side in one row are two columns; a column of codes
    after words starts the next classification (codes precede their names)."""
    body = t.body_rows
    return any(any(t.words(r, i) for i in g) and t.words(r, j) for r in body) or (
        all(t.digits(r, j) or not t.cells[r][j] for r in body) and any(
            any(t.words(r, i) for i in g) and t.digits(r, j) for r in body))


def _only_labelled_columns(t: _PipeTable, groups: list[list[int]],
                           text_group: list[bool]) -> dict[int, int]:
    """A text group whose body fills one of its columns, a column the header labels, is
    named by that label alone (预算单位 | 科目编码 | 科目名称 over a unit row of zeros)."""
    return {k: filled_cols[0] for k, g in enumerate(groups) if text_group[k] and len(
        filled_cols := [j for j in g if t.has_text[j]]) == 1 and len(g) > 1 and any(
        t.cells[r][filled_cols[0]] for r in t.head_rows)}


def _header_fragments(t: _PipeTable, groups: list[list[int]], text_group: list[bool],
                      sources: list[GridRow], top: float,
                      lines: list[Line]) -> list[list[list[_Piece]]]:
    """The header: fragments per group, row by row. A header row holding a unit or
    department line goes to ``lines`` instead."""
    only = _only_labelled_columns(t, groups, text_group)
    frags: list[list[list[_Piece]]] = []
    for r in t.head_rows:
        ps = [p for cs in t.cells[r] for p in cs]
        if any(_META_CELL.search(p.text) for p in ps):
            lines.append(Line(_join_pieces(ps), sources[r].page, top - 0.5 + r / 1000,
                              span=(ps[0].start, ps[-1].end)))
            continue
        frags.append(_row_fragments(t, r, groups, text_group, only))
    return frags


def _row_fragments(t: _PipeTable, r: int, groups: list[list[int]], text_group: list[bool],
                   only: dict[int, int]) -> list[list[_Piece]]:
    per: list[list[_Piece]] = [[] for _ in groups]
    for k, g in enumerate(groups):
        filled = [j for j in g if t.cells[r][j]]
        if _heading_one_left(t, r, k, groups, text_group, filled):
            per[k + 1].extend(t.cells[r][filled[-1]])
            filled = filled[:-1]
        for j in filled:
            if only.get(k, j) == j:
                per[k].extend(t.cells[r][j])
    return per


def _heading_one_left(t: _PipeTable, r: int, k: int, groups: list[list[int]],
                      text_group: list[bool], filled: list[int]) -> bool:
    """The last filled cell of text group k in header row r, over a column with no text in
    the body, heads the amount group to its right, which is blank in that row."""
    return text_group[k] and len(filled) >= 2 and k + 1 < len(groups) and \
        not t.has_text[filled[-1]] and \
        not any(t.cells[r][j] for j in groups[k + 1]) and not text_group[k + 1]


def _group_labels(frags: list[list[list[_Piece]]],
                  text_group: list[bool]) -> tuple[list[str], list[list[_Piece]]]:
    """Each group's label, its fragments joined top to bottom, and their pieces."""
    labels: list[str] = []
    label_ps: list[list[_Piece]] = []
    for k in range(len(text_group)):
        text, ps = _stacked_label(frags, k)
        labels.append(text if text_group[k] else _unscrambled(text))
        label_ps.append(ps)
    return labels, label_ps


def _stacked_label(frags: list[list[list[_Piece]]], k: int) -> tuple[str, list[_Piece]]:
    text = ""
    ps: list[_Piece] = []
    for per in frags:
        if not per[k]:
            continue
        t = _CJK_GAP.sub("", _join_pieces(per[k]))
        if text and _PERIOD_WORD.match(t):
            text += "/"
        text += t
        ps.extend(per[k])
    return text, ps


def _subtotal_labels(labels: list[str], frags: list[list[list[_Piece]]],
                     text_group: list[bool]) -> None:
    """A bare 小计 under a group heading printed beside it takes that heading."""
    for k in range(len(labels)):
        if labels[k] != "小计" or text_group[k]:
            continue
        group = _subtotal_heading(frags, k, text_group)
        if group is not None and not group.startswith("其中"):  # 其中 heads the parts
            labels[k] = group + "/" + labels[k]


def _subtotal_heading(frags: list[list[list[_Piece]]], k: int,
                      text_group: list[bool]) -> str | None:
    """The nearest heading above group k's 小计 over amount groups around it that have
    fragments below that heading."""
    ng = len(text_group)
    low = max(r for r, per in enumerate(frags) if per[k])
    for r in range(low - 1, -1, -1):
        near = [m for m in range(max(0, k - 1), min(ng, k + 3)) if frags[r][m]
                and not text_group[m] and any(frags[x][m] for x in range(r + 1, len(frags)))]
        if near:
            return "".join(_CJK_GAP.sub("", _join_pieces(frags[r][m])) for m in near)
    return None


def _code_group(t: _PipeTable, groups: list[list[int]], text_group: list[bool]) -> int | None:
    """0 when the first group is text whose body cells open with code parts, else None."""
    if text_group and text_group[0] and any(
            t.cells[r][j] and _CODE_PART.match(t.cells[r][j][0].text)
            for r in t.body_rows for j in groups[0]):
        return 0
    return None


def _group_col(k: int, code_group: int | None) -> int:
    """The output column of group k: the code group takes two (code, name)."""
    return k + (1 if code_group is not None and k > 0 else 0)


def _pipe_header_row(labels: list[str], label_ps: list[list[_Piece]], code_group: int | None,
                     first: GridRow) -> GridRow:
    hcells: list[Cell] = []
    for k, label in enumerate(labels):
        if k == code_group:
            hcells.append(Cell("科目编码", 0, 1))
            hcells.append(Cell(_CODE_WORDS.sub("", label) or "名称", 1, 1))
            continue
        hcells.append(_piece_cell(label_ps[k], _group_col(k, code_group), label))
    return GridRow(hcells, first.page, span=first.span)


def _pipe_code_levels(t: _PipeTable, first: list[int], state: dict) -> dict[int, str]:
    """The code level (类/款/项) of each column of the code group: from the header, else
    from the table above when this piece of it was cut at a page, else from the codes."""
    width0 = len(first)
    levels = _header_levels([[t.cells[r][j] for j in first] for r in t.head_rows])
    if not levels and state.get("width") == width0 and not t.head_rows:
        levels = state.get("levels", {})  # a piece of the table above, cut at a page
    if not levels:
        levels = _code_levels([[t.cells[r][j] for j in first] for r in t.body_rows])
    state["width"], state["levels"] = width0, levels
    return levels


def _code_carry(t: _PipeTable, labels: list[str], text_group: list[bool],
                state: dict) -> dict[str, str]:
    """Codes continue from the piece above when this one opens without a header, or under
    the same header printed again (the table goes on on its next page)."""
    heads = [lb for k, lb in enumerate(labels) if not text_group[k]]  # of the amounts
    again = bool(t.head_rows) and heads == state.get("labels")
    carry: dict[str, str] = state.setdefault("carry", {}) if not t.head_rows or again else {}
    if t.head_rows:
        state["carry"] = carry
        state["labels"] = heads
    return carry


def _pipe_body_row(row: list[list[_Piece]], groups: list[list[int]], text_group: list[bool],
                   code_group: int | None, carry: dict[str, str], levels: dict[int, str],
                   source: GridRow) -> GridRow:
    new: list[Cell] = []
    for k, g in enumerate(groups):
        if k == code_group:
            new.extend(_code_cells(row, g, carry, levels))
            continue
        ps = [p for j in g for p in row[j]]
        text = _CJK_GAP.sub("", _join_pieces(ps)) if text_group[k] and ps else None
        new.append(_piece_cell(ps, _group_col(k, code_group), text))
    return GridRow(new, source.page, span=source.span)


def _labels_onto_figures(grid: Grid) -> None:
    """Headings printed one column off around an empty column (markitdown: 基本支出 over the
    blank column left of its figures, 项目支出 over 基本支出's figures, nothing over 项目支出's):
    a run of labelled columns that begins at a column with no figure and ends beside a
    column of figures with no label moves one column right, onto those figures."""
    head, body = grid.rows[0], grid.rows[1:]
    # a column number (栏次 1 2 3) names no column
    label = {c.col: c for c in head.cells if c.text and c.span == 1 and
             not _COLUMN_MARK.match(c.text)}
    filled = [any(c.col == j and c.text for r in body for c in r.cells) for j in range(grid.ncols)]
    amount = [filled[j] and all(_is_amount_text(c.text) for r in body for c in r.cells
                                if c.col == j and c.text) for j in range(grid.ncols)]
    j = 0
    while j < grid.ncols:
        if j in label and not filled[j]:
            run = j
            while run + 1 < grid.ncols and run + 1 in label and amount[run + 1]:
                run += 1
            nxt = run + 1
            if nxt < grid.ncols and amount[nxt] and nxt not in label:
                for k in range(run, j - 1, -1):  # right to left: each moves onto a free one
                    label[k].col = k + 1
                    label[k + 1] = label.pop(k)
                taken = set(range(j + 1, nxt + 1))  # their blank or numbered cells go
                head.cells = sorted([c for c in head.cells if c.col not in taken or (
                    c.text and not _COLUMN_MARK.match(c.text))], key=lambda c: c.col)
                j = nxt
                continue
        j += 1


# header labels of amount columns as printed whole; a label whose characters a converter
# interleaved across the rows of its cell (财政款收 / 拨入) is one of them in another order
_HEADER_WORDS = (
    "合计", "总计", "小计", "财政拨款收入", "财政拨款", "一般公共预算", "一般公共预算拨款",
    "政府性基金预算", "政府性基金拨款", "国有资本经营预算", "财政专户管理资金", "事业收入",
    "事业单位经营收入", "其他收入", "上级补助收入", "附属单位上缴收入", "上年结转",
    "基本支出", "项目支出", "人员经费", "公用经费", "人员支出", "日常公用支出",
    "上缴上级支出", "对附属单位补助支出", "事业单位经营支出", "其他资金")
_WORD_BY_CHARS = {"".join(sorted(w)): w for w in _HEADER_WORDS}


def _unscrambled(label: str) -> str:
    """The header word a label holds with its characters out of order, when no column
    word can be read in it as printed."""
    if not label or any(p.search(label) for p, _ in COLUMN_RULES) or label in _HEADER_WORDS:
        return label
    return _WORD_BY_CHARS.get("".join(sorted(label)), label)


def _meta_lines_apart(parts: list[list[list[_Piece]]]) -> list[list[_Piece]]:
    """A unit or department line that a header cell holds above or below its label
    (pymupdf4llm: '金额单位：万元<br>公用经费') is taken out of the cell, which keeps its label;
    returns the lines taken out. A row holding figures is left as it is."""
    if any(_is_amount_text(p.text) for cp in parts for line in cp for p in line):
        return []
    out: list[list[_Piece]] = []
    for j, cp in enumerate(parts):
        if len(cp) < 2:
            continue
        keep = [line for line in cp if not any(_META_CELL.search(p.text) for p in line)]
        if keep and len(keep) < len(cp):
            out.extend(line for line in cp if not any(line is k for k in keep))
            parts[j] = keep
    return out


def _header_levels(rows: list[list[list[_Piece]]]) -> dict[int, str]:
    """Levels of two-digit code parts from a header that names its code columns (类|款|项;
    '类 款' over one column: that column prints 类 and 款)."""
    named: dict[int, str] = {}
    for row in rows:
        for pos, ps in enumerate(row):
            words = {p.text for p in ps}
            if words & {"款", "项"}:
                named[pos] = "项" if "项" in words else "款"
    if not any(v in ("款", "项") for v in named.values()):
        return {}
    return {p: v for p, v in named.items() if v != "类"}


def _code_levels(rows: list[list[list[_Piece]]]) -> dict[int, str]:
    """The level (款 or 项) of a two-digit code part by the column it is printed in: in the
    column of the 类 codes it is a 款 (one column for 类 and 款), else the first column
    right of the 类 (or the first holding two-digit parts) holds 款 and those further right 项."""
    lengths: dict[int, set[int]] = {}
    for row in rows:
        for pos, ps in enumerate(row):
            if ps and _CODE_PART.match(ps[0].text):
                lengths.setdefault(pos, set()).add(len(ps[0].text))
    cls = min((p for p, ls in lengths.items() if 3 in ls), default=None)
    two = sorted(p for p, ls in lengths.items() if ls & {1, 2} and (cls is None or p >= cls))
    if cls is not None and cls in two:
        return {p: "款" if p == cls else "项" for p in two}
    return {p: "款" if i == 0 else "项" for i, p in enumerate(two)}


def _code_cells(row: list[list[_Piece]], g: list[int], carry: dict[str, str],
                levels: dict[int, str], k: int = 0) -> list[Cell]:
    """The code and name cells of a label group: code parts before the first text piece,
    joined into a full code (a 款 or 项 printed alone takes its parents from ``carry``)."""
    parts: list[tuple[int, _Piece]] = []
    rest: list[_Piece] = []
    for pos, j in enumerate(g):
        for p in row[j]:
            if not rest and _CODE_PART.match(p.text):
                if parts and len(parts[-1][1].text) == 1 and len(p.text) == 1:
                    q = parts[-1][1]
                    parts[-1] = (parts[-1][0], _Piece(q.text + p.text, q.start, p.end))
                else:
                    parts.append((pos, p))
            else:
                rest.append(p)
    name = _piece_cell(rest, k + 1, _CJK_GAP.sub("", _join_pieces(rest)) if rest else "")
    if not parts:
        return [Cell("", k, 1), name]
    digits = "".join(p.text for _, p in parts)
    pos0 = parts[0][0]
    code = ""
    if len(digits) in (3, 5, 7) and len(parts[0][1].text) >= 3:
        code = digits
    elif len(digits) == 2 and levels.get(pos0) == "款" and "类" in carry:
        code = carry["类"] + digits
    elif len(digits) == 2 and levels.get(pos0) == "项" and "款" in carry:
        code = carry["款"] + digits
    if code:
        carry["类"] = code[:3]
        if len(code) >= 5:
            carry["款"] = code[:5]
        else:
            carry.pop("款", None)
    else:  # no code these parts make (行次 numbers 13 | 40): kept apart, as printed
        code = " ".join(p.text for _, p in parts)
    first, last = parts[0][1], parts[-1][1]
    return [Cell(code, k, 1, chars=(first.start, last.end)), name]


# ------------------------------------------------------------------ page


def _flattened_page(page: Page, s: TextLayoutSettings) -> bool:
    """A page of a markdown document without pipe rows whose figures follow their labels
    after single spaces (markitdown flattens some tables so): streamed text."""
    from pipeline.layout import text_stream  # imports this module: loaded when used

    return text_stream.looks_streamed(
        [page], text_stream.StreamSettings(min_amount_lines=s.min_stream_amount_lines))


def _stream_page(page: Page, state: dict) -> list[Block]:
    """The page read by the streamed-text reader, one per document (a table it reads may
    go on on the next flattened page)."""
    from pipeline.layout import text_stream

    reader = state.setdefault("stream_reader", text_stream._StreamReader())
    blocks = reader.page(page)
    if reader.open is not None:
        reader._finish(reader.open)  # its rows so far: the document may end here
    return blocks


def layout_text_page(page: Page, s: TextLayoutSettings = SETTINGS,
                     state: dict | None = None) -> list[Block]:
    """Blocks of a text page in line order: grids of its tables, then its other lines.
    ``state`` (one dict per document, pages in order) lets a markdown table cut at a page
    break keep its code columns and the 类/款 its rows continue."""
    blocks, used = _separated_tables(page, state)
    if blocks and state is not None:
        state["markdown"] = True
    elif state is not None and state.get("markdown") and _flattened_page(page, s):
        return _stream_page(page, state)
    if not blocks:
        blocks, used = find_aligned_tables(page, s, state)
    blocks.extend(unused_lines(page.lines, used, page.number))
    blocks.sort(key=lambda b: b.top)
    return blocks


def unused_lines(lines: list[TextLine], used: set[int], page: int) -> list[Line]:
    """The page's lines no table took, as text lines (stripped, spans exact in the file)."""
    out: list[Line] = []
    for idx, ln in enumerate(lines):
        stripped = ln.text.strip()
        if idx in used or not stripped:
            continue
        lead = len(ln.text) - len(ln.text.lstrip())
        out.append(Line(stripped, page, idx, span=(ln.start + lead, ln.start + lead + len(stripped))))
    return out
