"""Helpers shared by the rule extractors: amounts with provenance, header flattening."""

from __future__ import annotations

import re

from pipeline.layout.blocks import Cell, GridRow
from pipeline.numbers import is_blank, normalise_text, parse_amount
from schemas.provenance import Amount, Provenance


def cell_provenance(cell: Cell | None, row: GridRow, text: str | None = None) -> Provenance:
    if cell is None:
        return Provenance(page=row.page, bbox=row.bbox, span=row.span, source=text or "")
    return Provenance(page=row.page, bbox=cell.bbox, span=cell.chars,
                      source=cell.text if text is None else text)


def make_amount(cell: Cell, row: GridRow, unit: str) -> Amount | None:
    """An Amount for a numeric or placeholder cell; None when the cell holds text."""
    raw = cell.text.strip()
    value = parse_amount(raw)
    if value is None and not is_blank(raw):
        return None
    return Amount(value=value, raw=raw, unit=unit, provenance=cell_provenance(cell, row))  # type: ignore[arg-type]


_FILLER = re.compile(r"^(\*+|栏次|\d{1,2}|[a-zA-Z]|甲|乙|丙)$")


def header_labels(rows: list[GridRow], ncols: int) -> list[str]:
    """One flattened label per column, e.g. '基本支出/人员经费', from the header rows.

    Merged cells (PDF) label every column they span. In text tables a blank cell of an
    upper header row takes the label on its left when the rows below split that group.
    """
    grid: list[list[str]] = []
    joined: list[list[bool]] = []  # PDF: the cell continues the one above (no rule between)
    for row in rows:
        line = [""] * ncols
        cont = [False] * ncols
        for c in row.cells:
            for k in range(c.col, min(c.col + c.span, ncols)):
                line[k] = normalise_text(c.text)
                cont[k] = c.open_top
        grid.append(line)
        joined.append(cont)
    for r in range(len(grid) - 1):
        for j in range(1, ncols):
            if grid[r][j] or not grid[r][j - 1]:
                continue
            below = any(grid[x][j] for x in range(r + 1, len(grid)))
            below_src = any(grid[x][j - 1] for x in range(r + 1, len(grid)))
            if below and below_src:
                grid[r][j] = grid[r][j - 1]
    labels: list[str] = []
    for j in range(ncols):
        parts: list[str] = []
        for r in range(len(grid)):
            t = grid[r][j]
            if not t or (_FILLER.match(t) and not joined[r][j]):
                continue
            if parts and joined[r][j] and r > 0 and grid[r - 1][j]:
                parts[-1] += t  # one cell wrapped over several ruled bands
            elif not parts or parts[-1] != t:
                parts.append(t)
        labels.append("/".join(parts))
    return labels
