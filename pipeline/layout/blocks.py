"""Blocks the layout stage produces: lines of text and grids of cells, with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]


@dataclass(slots=True)
class Line:
    """A line of running text (PDF: words on one baseline; text input: one line)."""

    text: str
    page: int
    top: float  # y for PDFs, line index for text: orders blocks on a page
    bbox: BBox | None = None
    span: tuple[int, int] | None = None


@dataclass(slots=True)
class Cell:
    text: str
    col: int  # first grid column covered
    span: int = 1  # number of grid columns covered (merged cells)
    bbox: BBox | None = None
    chars: tuple[int, int] | None = None  # text input: [start, end) offsets
    open_top: bool = False  # PDF: no rule above, the cell continues the one above it


@dataclass
class GridRow:
    cells: list[Cell]
    page: int
    bbox: BBox | None = None
    span: tuple[int, int] | None = None

    def texts(self, ncols: int) -> list[str]:
        """Cell texts per grid column; a merged cell's text sits in its first column."""
        out = [""] * ncols
        for c in self.cells:
            if c.col < ncols:
                out[c.col] = c.text
        return out

    def cell_at(self, col: int) -> Cell | None:
        for c in self.cells:
            if c.col <= col < c.col + c.span:
                return c
        return None


@dataclass
class Grid:
    """A table region: rows of cells over ``ncols`` grid columns."""

    page: int
    top: float
    ncols: int
    rows: list[GridRow] = field(default_factory=list)
    bbox: BBox | None = None
    ruled: bool = True  # False: columns came from tab/pipe separators or word alignment
    xs: list[float] | None = None  # ruled grids: the x of each column boundary (ncols + 1)
    # text input: columns inferred by alignment, repair or the table's sums (not separated
    # by the converter with tabs, nor ruled): a misplaced figure is then as likely as a
    # document error
    inferred: bool = False
    # header cells carry their spans (a heading over its columns), as ruled grids' do: no
    # column takes a blank header cell's label from its left
    spanned_header: bool = False
    header_rows: int = 0  # text grids: how many of its first rows are its header


Block = Line | Grid
