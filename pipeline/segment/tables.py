"""Assemble grids into tables: attach titles and unit lines, join a table that runs across
pages (dropping its repeated header), separate a table printed twice under one title, and
recognise the statements that say a table has no data (空表说明)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.layout.blocks import Block, Grid, GridRow, Line
from pipeline.numbers import detect_unit, normalise_text, parse_amount
from pipeline.segment.classify import classify_title, is_number_label, normalise_title
from pipeline.vocabulary import DEFAULT_UNIT, TOTAL_ROW_LABEL
from schemas.tables import TableKind

EMPTY_NOTE = re.compile(
    r"本表无数据|本表为空|此表为空|空表|故本表无|本表本年无发生额|无发生额|本表无|"
    r"没有.{0,40}(收入|支出|安排|拨款|经费)|不涉及|未安排|无此项"
)
PAGE_NUMBER = re.compile(r"^\s*[-—－]?\s*(第\s*)?\d{1,3}\s*(页)?\s*[-—－]?\s*$")
SUBTITLE = re.compile(r"^[(（][^()（）]{2,40}[)）]$")  # （按支出功能分类科目-不含上年结转）
CONTINUED = re.compile(r"[(（]?续(表)?[)）]?$")


@dataclass
class RawTable:
    """A table as found on the pages: title, unit, rows of cells, before interpretation."""

    title: str
    kind: TableKind
    title_page: int
    rows: list[GridRow] = field(default_factory=list)
    ncols: int = 0
    pages: list[int] = field(default_factory=list)
    unit: str | None = None
    empty_note: str | None = None
    empty_note_page: int | None = None
    part: int = 1
    ruled: bool = True
    header_len: int = 0  # rows of the first grid that look like header (set on continuation)
    xs: list[float] | None = None  # column boundaries of the last ruled grid added
    label: str | None = None  # its number label (表5), normalised, when one was printed
    inferred: bool = False  # some of its columns were inferred from converter text
    spanned_header: bool = False  # its header cells carry their spans (Grid.spanned_header)
    text_header: int = 0  # rows of its first grid that are that grid's header (text grids)


def _is_prose(text: str) -> bool:
    t = normalise_text(text)
    return len(t) > 34 or "。" in t


def _opens_with_total(grid: Grid) -> bool:
    """The first row with a figure is a 合计/总计 line (a table, not a continuation)."""
    for row in grid.rows[:10]:
        texts = [normalise_text(t) for t in row.texts(grid.ncols)]
        if any(parse_amount(t) is not None and "." in t for t in texts):
            return any(TOTAL_ROW_LABEL.match(t) for t in texts)
    return False


def _row_key(row: GridRow, ncols: int) -> tuple[str, ...]:
    return tuple(normalise_text(t) for t in row.texts(ncols))


@dataclass(frozen=True)
class SegmentSettings:
    """The distances and lengths the table finder works with (lines are counted since the
    last grid)."""

    unit_line_chars: int = 40  # a unit line (单位：万元) is shorter than this
    empty_note_chars: int = 120  # an empty-table note (本表无数据) is shorter than this
    empty_note_lines: int = 3  # a note within this many lines after a grid is that table's
    continuation_lines: int = 4  # a grid with the same columns this close continues the table


SETTINGS = SegmentSettings()
_FAR = 10**6  # lines since the last grid after prose or a new number label: no grid is near


def majority_unit(units: list[str]) -> str:
    """The unit most tables state (the first stated among equals); 万元 when none does."""
    return Counter(units).most_common(1)[0][0] if units else DEFAULT_UNIT


def document_unit(raw_tables: list[RawTable]) -> str:
    """The unit of a table that states none: the one most tables of the document state."""
    return majority_unit([t.unit for t in raw_tables if t.unit])


def find_tables(pages: list[list[Block]], settings: SegmentSettings = SETTINGS) -> list[RawTable]:
    """Tables in document order, continuation pages joined."""
    finder = _TableFinder(settings)
    for blocks in pages:
        for b in blocks:
            if isinstance(b, Line):
                finder.line(b)
            else:
                finder.grid(b)
    return finder.tables


class _TableFinder:
    """Reads lines and grids in document order: titles, number labels, unit lines and
    empty-table notes wait for the next grid, which opens a table or continues one."""

    def __init__(self, settings: SegmentSettings):
        self.settings = settings
        self.tables: list[RawTable] = []
        self.pending: tuple[Line, TableKind] | None = None  # a title waiting for its grid
        self.pending_unit: str | None = None
        self.open_t: RawTable | None = None
        self.label: Line | None = None  # a number label (公开05表) seen since the last grid
        self.before: Line | None = None  # the line printed just before this one
        self.lines_since_grid = _FAR

    def line(self, b: Line) -> None:
        if PAGE_NUMBER.match(b.text):
            return
        prev_line, self.before = self.before, b
        if is_number_label(b.text):  # 公开05表: a new table starts; its title may follow
            if not CONTINUED.search(b.text):
                self.label, self.lines_since_grid = b, _FAR  # (a title printed above it stays)
            return
        if self.pending is not None and SUBTITLE.match(normalise_text(b.text)):
            self._subtitle(b)
            return
        kind = classify_title(b.text)
        if kind is not None:
            b, kind = _wrapped_title(prev_line, b, kind)
            self.pending = (b, kind)
            # a unit line printed before the title since the last grid is its unit
            # (converter text may print 单位：元 above the number label and title)
            self.pending_unit = detect_unit(b.text) or self.pending_unit
            return
        chars = len(normalise_text(b.text))
        unit = detect_unit(b.text)
        if unit and chars < self.settings.unit_line_chars:
            self.pending_unit = unit
            return
        if EMPTY_NOTE.search(b.text) and chars < self.settings.empty_note_chars and self._empty_note(b):
            return
        if _is_prose(b.text):
            self.pending = None
            self.lines_since_grid = _FAR
            self.open_t = None
        else:
            self.lines_since_grid += 1

    def _subtitle(self, b: Line) -> None:
        """（按支出经济分类科目）under the title: part of it, and may decide the kind."""
        assert self.pending is not None
        title = self.pending[0]
        joined = Line(title.text + b.text.strip(), b.page, title.top, bbox=title.bbox, span=title.span)
        self.pending = (joined, classify_title(joined.text) or self.pending[1])

    def _empty_note(self, b: Line) -> bool:
        """本表无数据 under a title opens that (empty) table; just after a grid it is the
        note of that table. False when it belongs to neither."""
        if self.pending is not None:
            t = _new_table(self.tables, self.pending, self.pending_unit, None)
            t.empty_note, t.empty_note_page = b.text.strip(), b.page
            self.pending, self.open_t = None, t
            self.lines_since_grid = 0
            return True
        t = self.open_t
        if t is not None and self.lines_since_grid <= self.settings.empty_note_lines and t.empty_note is None:
            t.empty_note, t.empty_note_page = b.text.strip(), b.page
            return True
        return False

    def grid(self, grid: Grid) -> None:
        if self.pending is None or self.pending[1] is TableKind.other:
            self.pending = _title_inside(grid) or self.pending
        if self.pending is None and self.label is not None:
            self.pending = (self.label, TableKind.other)
        label, self.label = self.label, None
        new_label = label is not None and self.open_t is not None and self.open_t.label is not None \
            and normalise_title(label.text) != self.open_t.label
        if self.pending is not None:
            self._titled_grid(grid, self.pending, new_label,
                              normalise_title(label.text) if label is not None else None)
            self.pending = None
        elif self.open_t is not None and self.lines_since_grid <= self.settings.continuation_lines and (
                _same_columns(self.open_t, grid) or self.open_t.kind is TableKind.performance_targets):
            _continue(self.open_t, grid, self.pending_unit)
        else:
            self.open_t = _untitled(self.tables, grid, self.pending_unit)
        self.pending_unit = None
        self.lines_since_grid = 0

    def _titled_grid(self, grid: Grid, pending: tuple[Line, TableKind], new_label: bool,
                     label_text: str | None) -> None:
        """A grid under a title: the same title again on a new page repeats the header of a
        table that runs on; on the same page it opens a second table under one title."""
        t = self.open_t
        same = (t is not None and not new_label  # 表6 under 表5's title is a new table
                and normalise_title(pending[0].text) == normalise_title(t.title))
        if same and t is not None and (grid.page != t.pages[-1] or not _opens_with_total(grid)):
            _continue(t, grid, self.pending_unit)
        else:
            self.open_t = _new_table(self.tables, pending, self.pending_unit, grid)
            self.open_t.label = label_text


_TITLE_SPLIT = re.compile(r"(?:部门|单位|金额单位|编制单位|预算单位)[:：]|公开表[一二三四五六七八九十\d]+|"
                          r"预算\d+表|[(（]?表\s*\d+[)）]?")


def _title_inside(grid: Grid) -> tuple[Line, TableKind] | None:
    """Some PDFs print the title inside the table's first row: take it out of the grid."""
    for i, row in enumerate(grid.rows[:2]):
        for c in row.cells:
            for part in _TITLE_SPLIT.split(c.text):
                kind = classify_title(part)
                if kind is not None:
                    texts = [x.text for x in row.cells if x.text]
                    if all(detect_unit(t) or t is c.text or len(normalise_text(t)) < 12
                           for t in texts) and not any(
                               re.search(r"\d+\.\d", t) for t in texts):
                        del grid.rows[i]
                    return Line(part.strip(), grid.page, grid.top, bbox=c.bbox, span=c.chars), kind
    return None


def _new_table(tables: list[RawTable], pending: tuple[Line, TableKind], unit: str | None,
               grid: Grid | None) -> RawTable:
    line, kind = pending
    title = re.sub(r"^[#*\s]+|[#*\s]+$", "", line.text)
    same = [t for t in tables if normalise_title(t.title) == normalise_title(title)]
    t = RawTable(title=title, kind=kind, title_page=line.page, unit=unit, part=len(same) + 1)
    if grid is not None:
        _add_grid(t, grid)
    else:
        t.pages.append(line.page)
    tables.append(t)
    return t


# points: column rules this close on two pages are the same column (a double rule collapsed
# into one boundary moves it by up to half its gap)
COLUMN_TOLERANCE = 6.0
UNRULED_COLUMN_SLACK = 2  # columns found by alignment may differ by this many on a page


TITLE_WRAP_GAP = 2.0  # a title's first line ends at most this many line heights above its second


def _wrapped_title(prev: Line | None, line: Line, kind: TableKind) -> tuple[Line, TableKind]:
    """A title wrapped over two lines ('2021年部门综合预算“三公”经费、' / '会议费、培训费支出
    预算表'): the second line alone names another kind than the two together."""
    if prev is None or prev.page != line.page or _is_prose(prev.text) or classify_title(prev.text):
        return line, kind
    if prev.bbox is not None and line.bbox is not None:
        height = line.bbox[3] - line.bbox[1]
        if not 0 <= line.bbox[1] - prev.bbox[3] <= TITLE_WRAP_GAP * height:
            return line, kind
    elif abs(line.top - prev.top) > 1:  # text input: the line right before
        return line, kind
    joined = Line(prev.text.strip() + line.text.strip(), line.page, prev.top,
                  bbox=prev.bbox, span=prev.span)
    both = classify_title(joined.text)
    return (joined, both) if both not in (None, kind, TableKind.other) else (line, kind)


def _near(x: float, xs: list[float]) -> bool:
    return any(abs(x - y) <= COLUMN_TOLERANCE for y in xs)


def _same_columns(t: RawTable, grid: Grid) -> bool:
    """A grid continues the open table when its columns are the table's columns: the same
    rules (all but one boundary within COLUMN_TOLERANCE), or the same frame with the rules
    of one a subset of the other's (a header ruled into 类|款|项 whose body prints the code
    in one merged cell); pages printed with another margin shift every rule alike. Without
    rules: about as many columns."""
    if grid.xs is None or t.xs is None:
        return abs(grid.ncols - t.ncols) <= (0 if grid.ruled else UNRULED_COLUMN_SLACK)
    old = t.xs
    for shift in {0.0, grid.xs[0] - old[0], grid.xs[-1] - old[-1]}:
        new = [x - shift for x in grid.xs]
        new_in_old = sum(1 for x in new if _near(x, old))
        old_in_new = sum(1 for x in old if _near(x, new))
        if new_in_old >= max(len(new), len(old)) - 1:
            return True
        frame = abs(new[0] - old[0]) <= COLUMN_TOLERANCE and abs(new[-1] - old[-1]) <= COLUMN_TOLERANCE
        if frame and (new_in_old == len(new) or old_in_new == len(old)):
            return True
    return False


def _to_table_columns(grid: Grid, xs: list[float]) -> None:
    """Renumber a continuation grid's cells by the table's column rules (nearest boundary)."""
    assert grid.xs is not None
    gx = [x - (grid.xs[0] - xs[0]) for x in grid.xs]  # a page with another margin

    def index(x: float) -> int:
        return min(range(len(xs)), key=lambda i: abs(xs[i] - x))

    for row in grid.rows:
        for cell in row.cells:
            lo, hi = index(gx[cell.col]), index(gx[min(cell.col + cell.span, len(gx) - 1)])
            cell.col, cell.span = min(lo, len(xs) - 2), max(1, hi - lo)
    grid.ncols = len(xs) - 1
    grid.xs = list(xs)


def _untitled(tables: list[RawTable], grid: Grid, unit: str | None) -> RawTable:
    t = RawTable(title="", kind=TableKind.other, title_page=grid.page, unit=unit)
    _add_grid(t, grid)
    tables.append(t)
    return t


def _add_grid(t: RawTable, grid: Grid) -> None:
    t.inferred = t.inferred or grid.inferred
    if not t.rows and grid.header_rows:
        t.text_header = grid.header_rows
    t.rows.extend(grid.rows)
    t.xs = grid.xs
    t.ncols = max(t.ncols, grid.ncols)
    t.ruled = grid.ruled
    t.spanned_header = t.spanned_header or grid.spanned_header
    if grid.page not in t.pages:
        t.pages.append(grid.page)
    if t.unit is None:
        for row in grid.rows[:3]:
            for c in row.cells:
                u = detect_unit(c.text)
                if u:
                    t.unit = u
                    break


def _flat_labels(rows: list[GridRow], ncols: int) -> list[str]:
    out = [""] * ncols
    for row in rows:
        for c in row.cells:
            for k in range(c.col, min(c.col + c.span, ncols)):
                out[k] += re.sub(r"\s+", "", c.text)
    return out


def _numeric_columns(rows: list[GridRow], ncols: int) -> list[int]:
    out = []
    for j in range(ncols):
        texts = [normalise_text(r.texts(ncols)[j]) for r in rows]
        texts = [x for x in texts if x]
        if texts and sum(1 for x in texts if re.fullmatch(r"-?[\d,]+\.\d+", x)) * 2 > len(texts):
            out.append(j)
    return out


def _to_header_columns(t: RawTable, grid: Grid) -> None:
    """A text table cut at a page break whose next page repeats the header but lays out
    other columns (a column blank on one page is missing on the other): renumber the page's
    cells by the header, figure columns by their label, the columns of text left of them
    from the right. Left as it is when a column of figures finds no label of the table."""
    mine = _flat_labels(grid.rows[:grid.header_rows], grid.ncols)
    theirs = _flat_labels(t.rows[:t.text_header], t.ncols)
    if mine == theirs and grid.ncols == t.ncols:
        return
    g_num = _numeric_columns(grid.rows[grid.header_rows:], grid.ncols)
    t_num = _numeric_columns(t.rows[t.text_header:], t.ncols)
    if not g_num or not t_num:
        return
    index: dict[int, int] = {}
    for j in range(g_num[0], grid.ncols):
        hits = [k for k in range(t_num[0], t.ncols) if theirs[k] and theirs[k] == mine[j]]
        if len(hits) == 1:
            index[j] = hits[0]
        elif j in g_num:
            return
    g_text, t_text = list(range(g_num[0])), list(range(t_num[0]))
    if len(g_text) > len(t_text):
        return
    for a, b in zip(reversed(g_text), reversed(t_text), strict=False):
        index[a] = b
    if len(set(index.values())) != len(index):
        return
    for row in grid.rows:
        row.cells = [c for c in row.cells if c.col in index or not c.text]
        for c in row.cells:
            c.col, c.span = index.get(c.col, c.col), 1
        row.cells = [c for c in row.cells if c.col < t.ncols]
    grid.ncols = t.ncols


def _continue(t: RawTable, grid: Grid, unit: str | None) -> None:
    """Append a continuation grid, dropping header rows it repeats."""
    t.inferred = t.inferred or grid.inferred
    if t.xs is not None and grid.xs is not None and len(grid.xs) != len(t.xs):
        _to_table_columns(grid, t.xs)
    head = {_row_key(r, t.ncols) for r in t.rows[:10]}
    rows = list(grid.rows)
    if grid.header_rows and t.rows:
        if t.text_header:
            _to_header_columns(t, grid)
        rows = rows[grid.header_rows:]  # the header repeated on the page, laid out anew
    while rows and _row_key(rows[0], t.ncols) in head:
        rows.pop(0)  # repeated header rows, and a 合计 row some templates repeat per page
    t.rows.extend(rows)
    t.ncols = max(t.ncols, grid.ncols)
    t.xs = t.xs or grid.xs  # the first grid's rules (its header) stay the table's columns
    if grid.page not in t.pages:
        t.pages.append(grid.page)
    if t.unit is None and unit:
        t.unit = unit
