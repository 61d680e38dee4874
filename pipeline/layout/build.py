"""Rebuild table rows and cells from word boxes and ruling lines; lines of text elsewhere.

PDF text order cannot be trusted inside tables (one cell per line, numbers off their row's
baseline), so rows and columns come from the ruling lines and every word is placed by the
centre of its box. Text inputs: pipeline.layout.text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import pairwise

from pipeline.ingest.model import Page, Segment, SourceDocument, Word
from pipeline.layout.blocks import Block, Cell, Grid, GridRow, Line
from pipeline.vocabulary import AMOUNT_TOKEN

SNAP = 2.0  # points: ruling lines closer than this are one line
MIN_BAND = 4.0  # points: thinner bands are double rules, not rows
MIN_COLUMN = 7.0  # points: narrower columns are double rules (no character fits), not columns
OPEN_ROW_REACH = 1.2  # a row without its outer rule lies within this many median row heights
SLIVER = 12.0  # points: an empty column narrower than this is a stray rule, not a column


def layout_document(doc: SourceDocument) -> list[list[Block]]:
    """Blocks per page, in reading order."""
    if doc.format == "pdf":
        return [layout_pdf_page(p) for p in doc.pages]
    from pipeline.layout.text_stream import layout_text_pages  # text readers load for text only

    pages = layout_text_pages(doc.pages)
    for blocks in pages:
        for b in blocks:
            if isinstance(b, Grid):
                b.inferred = not _tab_separated(b, doc.text)
    return pages


def _tab_separated(grid: Grid, text: str) -> bool:
    """Every row of the grid is a line whose cells the converter separated by tabs."""
    spans = [r.span for r in grid.rows if r.span is not None]
    return bool(spans) and all("\t" in text[a:b] for a, b in spans)


# ---------------------------------------------------------------- PDF


def _cluster(values: list[float], tol: float = SNAP) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _merge(segs: list[Segment]) -> list[Segment]:
    """Merge collinear, touching segments of one orientation."""
    segs = sorted(segs, key=lambda s: (s.pos, s.start))
    groups: list[list[Segment]] = []
    for s in segs:
        if groups and abs(s.pos - groups[-1][0].pos) <= SNAP / 2:
            groups[-1].append(s)
        else:
            groups.append([s])
    out: list[Segment] = []
    for g in groups:
        g.sort(key=lambda s: s.start)
        pos = sum(s.pos for s in g) / len(g)
        cur = Segment(g[0].horizontal, pos, g[0].start, g[0].end)
        for s in g[1:]:
            if s.start <= cur.end + 3:
                cur.end = max(cur.end, s.end)
            else:
                out.append(cur)
                cur = Segment(s.horizontal, pos, s.start, s.end)
        out.append(cur)
    return out


def _components(hs: list[Segment], vs: list[Segment]) -> list[tuple[list[Segment], list[Segment]]]:
    """Groups of horizontal and vertical rules that touch each other: one group per table."""
    n = len(hs) + len(vs)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tol = 3.0
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if (h.start - tol <= v.pos <= h.end + tol) and (v.start - tol <= h.pos <= v.end + tol):
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    comps: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, h in enumerate(hs):
        comps.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        comps.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return [c for c in comps.values() if len(c[0]) >= 2 and len(c[1]) >= 2]


_CJK_ONLY = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]+")


def _split_at_rules(w: Word, xs: list[float], vs: list[Segment]) -> list[Word]:
    """A word the text layer ran across a column rule ('公务用车购置费公务用车运行维' over two
    header cells) is cut where the rule crosses it, by the average width of its characters."""
    n = len(w.text)
    if n < 2 or not _CJK_ONLY.fullmatch(w.text):
        return [w]  # only runs of full-width characters have widths to cut by
    step = (w.x1 - w.x0) / n
    cuts = [x for x in xs if w.x0 + step * 0.9 < x < w.x1 - step * 0.9
            and _spans(_near_rules(vs, x, SNAP), w.cy)]
    if not cuts:
        return [w]
    out: list[Word] = []
    start = 0
    for x in cuts:
        k = round((x - w.x0) / step)
        if start < k < n:
            out.append(Word(w.x0 + start * step, w.y0, w.x0 + k * step, w.y1, w.text[start:k]))
            start = k
    out.append(Word(w.x0 + start * step, w.y0, w.x1, w.y1, w.text[start:]))
    return out


def _near_rules(segs: list[Segment], pos: float, near: float) -> list[Segment]:
    return [s for s in segs if abs(s.pos - pos) <= near]


def _spans(rules: list[Segment], at: float) -> bool:
    """A rule of ``rules`` runs through ``at``."""
    return any(s.start - 1 <= at <= s.end + 1 for s in rules)


def join_words(words: list[Word]) -> str:
    """Join word texts of one cell or line: no space between CJK runs (wrapped lines),
    a space between two ASCII runs so that separate numbers stay separate."""
    out = ""
    prev: Word | None = None
    for w in words:
        if prev is not None and out and out[-1].isascii() and w.text[:1].isascii():
            out += " "
        out += w.text
        prev = w
    return out


def _order(words: list[Word]) -> list[Word]:
    """Words of one cell in reading order: by line (y overlap), then x."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.cy):
        if lines and abs(w.cy - sum(x.cy for x in lines[-1]) / len(lines[-1])) < 0.6 * (
            w.y1 - w.y0
        ):
            lines[-1].append(w)
        else:
            lines.append([w])
    return [w for ln in lines for w in sorted(ln, key=lambda w: w.x0)]


MIN_TABLE_WIDTH = 30.0  # points: a ruled frame narrower than this holds no table
MIN_TABLE_HEIGHT = 8.0  # points: a ruled frame lower than this holds no table

Buckets = dict[tuple[int, int], list[tuple[int, Word]]]  # (row, column) -> (word index, word)


def _grid_from_rules(page: Page, hs: list[Segment], vs: list[Segment], words: list[Word],
                     taken: set[int]) -> Grid | None:
    """The grid the ruling lines draw, in passes: the row and column edges, the words of
    each cell, the cells of each row (merged across a boundary without a rule)."""
    x0, x1 = min(v.pos for v in vs), max(v.pos for v in vs)
    y0, y1 = min(h.pos for h in hs), max(h.pos for h in hs)
    if x1 - x0 < MIN_TABLE_WIDTH or y1 - y0 < MIN_TABLE_HEIGHT:
        return None
    ys = _drop_thin(list(_cluster([h.pos for h in hs] + [y0, y1])))
    xs = _drop_thin(list(_cluster([v.pos for v in vs] + [x0, x1])), MIN_COLUMN)
    if len(ys) < 2 or len(xs) < 2:
        return None
    ys, open_rows = _open_edge_rows(ys, x0, x1, words, taken)
    y0, y1 = ys[0], ys[-1]
    buckets = _cell_words(words, taken, xs, ys, vs, (x0, y0, x1, y1))
    ncols = len(xs) - 1
    grid = Grid(page=page.number, top=y0, ncols=ncols, bbox=(x0, y0, x1, y1), ruled=True, xs=xs)
    # the rules near each boundary, found once (a double rule lies up to MIN_COLUMN / 2 away)
    col_rules = [_near_rules(vs, x, SNAP + MIN_COLUMN / 2) for x in xs]
    row_rules = [_near_rules(hs, y, SNAP) for y in ys]
    for r in range(len(ys) - 1):
        cells = _row_cells(r, xs, ys, buckets, col_rules, row_rules, merge=r not in open_rows)
        if any(cell.text for cell in cells):
            grid.rows.append(GridRow(cells, page.number, bbox=(x0, ys[r], x1, ys[r + 1])))
    if not grid.rows or (ncols < 2 and len(grid.rows) < 2):
        return None  # a frame around a title or a note, not a table: its words stay lines
    taken.update(i for ws in buckets.values() for i, _ in ws)
    return drop_empty_columns(grid)


def _cell_words(words: list[Word], taken: set[int], xs: list[float], ys: list[float],
                vs: list[Segment], frame: tuple[float, float, float, float]) -> Buckets:
    """The words inside the frame not taken by another grid, by (row, column); a word
    that a column rule crosses is split at the rule."""
    x0, y0, x1, y1 = frame
    buckets: Buckets = {}
    for idx, w in enumerate(words):
        if idx in taken or not (x0 - 1 <= w.cx <= x1 + 1 and y0 - 1 <= w.cy <= y1 + 1):
            continue
        r = _band(ys, w.cy)
        if r is None:
            continue
        for part in _split_at_rules(w, xs, vs):
            c = _band(xs, part.cx)
            if c is not None:
                buckets.setdefault((r, c), []).append((idx, part))
    return buckets


def _row_cells(r: int, xs: list[float], ys: list[float], buckets: Buckets, col_rules: list,
               row_rules: list, merge: bool) -> list[Cell]:
    """The cells of row band ``r``: a cell extends across column boundaries that have no
    rule in this band (``merge`` False: an open row keeps every column apart)."""
    mid = (ys[r] + ys[r + 1]) / 2
    ncols = len(xs) - 1
    cells: list[Cell] = []
    c = 0
    while c < ncols:
        start = c
        while c + 1 < ncols and merge and not _spans(col_rules[c + 1], mid):
            c += 1
        open_top = r > 0 and not _spans(row_rules[r], (xs[start] + xs[c + 1]) / 2)
        ws = [w for cc in range(start, c + 1) for _, w in buckets.get((r, cc), [])]
        if ws:
            ws = _order(ws)
            bbox = (min(w.x0 for w in ws), min(w.y0 for w in ws),
                    max(w.x1 for w in ws), max(w.y1 for w in ws))
            cells.append(Cell(join_words(ws), start, c - start + 1, bbox=bbox, open_top=open_top))
        else:
            cells.append(Cell("", start, c - start + 1, open_top=open_top,
                              bbox=(xs[start], ys[r], xs[c + 1], ys[r + 1])))
        c += 1
    return cells


def drop_empty_columns(grid: Grid) -> Grid:
    """Remove narrow grid columns where no cell with text starts (a stray rule beside the
    frame, a sliver between two rules): the same table then has the same columns on every
    page. A wide empty column is a column of the table that is blank on this page: kept."""
    used = {c.col for row in grid.rows for c in row.cells if c.text}
    xs = grid.xs
    dropped = [c for c in range(grid.ncols) if c not in used
               and (xs is None or xs[c + 1] - xs[c] < SLIVER)]
    if not dropped or len(dropped) == grid.ncols:
        return grid
    keep = [c for c in range(grid.ncols) if c not in dropped]
    index = {c: i for i, c in enumerate(keep)}
    for row in grid.rows:
        cells: list[Cell] = []
        for cell in row.cells:
            covered = [c for c in range(cell.col, cell.col + cell.span) if c in index]
            if covered:
                cell.col, cell.span = index[covered[0]], len(covered)
                cells.append(cell)
        row.cells = cells
    grid.ncols = len(keep)
    if xs is not None:
        grid.xs = [*(xs[c] for c in keep), xs[keep[-1] + 1]]
    return grid


def _open_edge_rows(ys: list[float], x0: float, x1: float, words: list[Word],
                    taken: set[int]) -> tuple[list[float], set[int]]:
    """A table that runs across pages is often cut without its outer rule: the row printed
    just above the first rule (or below the last) belongs to the grid when it holds figures
    within the frame. Returns the row bounds with such rows added, and their indices (rows
    without column rules: every column boundary counts as drawn)."""
    bands = sorted(b - a for a, b in pairwise(ys))
    band = bands[len(bands) // 2] * OPEN_ROW_REACH
    free = [w for i, w in enumerate(words) if i not in taken and x0 - 1 <= w.cx <= x1 + 1]
    above = [w for w in free if ys[0] - band <= w.cy < ys[0] - 1]
    below = [w for w in free if ys[-1] + 1 < w.cy <= ys[-1] + band]
    out, rows = list(ys), set()
    if _is_figure_row(above):
        out.insert(0, min(w.y0 for w in above) - 1)
        rows.add(0)
    if _is_figure_row(below):
        out.append(max(w.y1 for w in below) + 1)
        rows.add(len(out) - 2)
    return out, rows


def _is_figure_row(words: list[Word]) -> bool:
    """One printed line of a table: figures and at least one other cell, on one baseline."""
    if len(words) < 2 or not any(AMOUNT_TOKEN.match(w.text) for w in words):
        return False
    return max(w.cy for w in words) - min(w.cy for w in words) < max(w.y1 - w.y0 for w in words)


def _drop_thin(vals: list[float], least: float = MIN_BAND) -> list[float]:
    out: list[float] = []
    for v in vals:
        if out and v - out[-1] < least:
            out[-1] = (out[-1] + v) / 2
            continue
        out.append(v)
    return out


def _band(bounds: list[float], v: float) -> int | None:
    """The first band [bounds[i] - 1, bounds[i + 1] + 1] holding ``v`` (sorted bounds)."""
    i = max(bisect_left(bounds, v - 1) - 1, 0)
    if i < len(bounds) - 1 and bounds[i] - 1 <= v <= bounds[i + 1] + 1:
        return i
    return None


def _lines(words: list[Word], page: int) -> list[Line]:
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.cy, w.x0)):
        h = w.y1 - w.y0
        if rows:
            last = rows[-1]
            ly = sum(x.cy for x in last) / len(last)
            if abs(w.cy - ly) < max(2.5, 0.45 * h):
                last.append(w)
                continue
        rows.append([w])
    out: list[Line] = []
    for r in rows:
        r.sort(key=lambda w: w.x0)
        bbox = (min(w.x0 for w in r), min(w.y0 for w in r),
                max(w.x1 for w in r), max(w.y1 for w in r))
        out.append(Line(join_words(r), page, bbox[1], bbox=bbox))
    return out


def layout_pdf_page(page: Page) -> list[Block]:
    hs = _merge([s for s in page.segments if s.horizontal])
    vs = _merge([s for s in page.segments if not s.horizontal])
    blocks: list[Block] = []
    taken: set[int] = set()
    for chs, cvs in _components(hs, vs):
        g = _grid_from_rules(page, chs, cvs, page.words, taken)
        if g is not None:
            blocks.append(g)
    rest = [w for i, w in enumerate(page.words) if i not in taken]
    lines = _lines(rest, page.number)
    blocks.extend(_unruled_tables(lines, rest, page.number))
    blocks.sort(key=lambda b: b.top)
    return blocks




def _unruled_tables(lines: list[Line], words: list[Word], page: int) -> list[Block]:
    """Tables printed without ruling lines: a run of at least three lines that each hold two
    or more separate figures becomes a grid whose columns are the vertical gaps shared by
    all its lines; short lines just above it are its header. Other lines stay lines."""
    by_line: list[list[Word]] = []
    for ln in lines:
        assert ln.bbox is not None
        y0, y1 = ln.bbox[1], ln.bbox[3]
        by_line.append(sorted((w for w in words if y0 - 0.5 <= w.cy <= y1 + 0.5), key=lambda w: w.x0))
    numeric = [sum(1 for w in ws if AMOUNT_TOKEN.match(w.text)) >= 2 for ws in by_line]
    out: list[Block] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        if not numeric[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and (numeric[j + 1] or (
                j + 2 < len(lines) and numeric[j + 2] and len(by_line[j + 1]) <= 3)):
            j += 1
        if j - i + 1 >= 3:
            start = i
            while start > 0 and i - start < 3 and not numeric[start - 1] and \
                    len(lines[start - 1].text) <= 60 and "。" not in lines[start - 1].text and \
                    lines[start].top - lines[start - 1].top < 40:
                start -= 1
            grid = _grid_from_alignment(by_line[start:j + 1], page, header=i - start)
            if grid is not None:
                out.append(grid)
                used.update(range(start, j + 1))
        i = j + 1
    out.extend(ln for k, ln in enumerate(lines) if k not in used)
    return out


def _grid_from_alignment(rows: list[list[Word]], page: int, header: int) -> Grid | None:
    body = rows[header:]
    # column boundaries: x positions that no word of the body crosses
    spans = sorted((w.x0, w.x1) for ws in body for w in ws)
    bounds: list[float] = []
    end = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 > end + 3:
            bounds.append((end + x0) / 2)
        end = max(end, x1)
    if len(bounds) < 2:
        return None
    edges = [-1e9, *bounds, 1e9]
    ncols = len(edges) - 1
    grid = Grid(page=page, top=min(w.y0 for ws in rows for w in ws), ncols=ncols, ruled=False,
                bbox=(spans[0][0], min(w.y0 for ws in rows for w in ws), end,
                      max(w.y1 for ws in rows for w in ws)))
    for ws in rows:
        cells: list[Cell] = []
        for c in range(ncols):
            inside = [w for w in ws if edges[c] <= w.cx < edges[c + 1]]
            if inside:
                cells.append(Cell(join_words(_order(inside)), c, 1, bbox=(
                    min(w.x0 for w in inside), min(w.y0 for w in inside),
                    max(w.x1 for w in inside), max(w.y1 for w in inside))))
            else:
                cells.append(Cell("", c, 1))
        grid.rows.append(GridRow(cells, page, bbox=(
            min(w.x0 for w in ws), min(w.y0 for w in ws), max(w.x1 for w in ws), max(w.y1 for w in ws))))
    return grid
