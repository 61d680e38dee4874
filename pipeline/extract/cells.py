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


_SEPARATE_NUMBERS = re.compile(r"\d\s+\d")


def make_amount(cell: Cell, row: GridRow, unit: str, joined_ok: bool = True) -> Amount | None:
    """An Amount for a numeric or placeholder cell; None when the cell holds text. With
    ``joined_ok`` False (columns inferred from converter text), numbers separated by spaces
    in one cell ('303 10': two codes run together) are not read as one figure."""
    raw = cell.text.strip()
    value = parse_amount(raw)
    if value is not None and not joined_ok and _SEPARATE_NUMBERS.search(raw) and (
            "." not in str(value) or -value.as_tuple().exponent > MAX_DECIMALS):  # type: ignore[operator]
        # two codes run together ('303 10'), or a figure and the next cell's number
        # ('104.199000 11': more decimals than any amount prints)
        return None
    if value is None and not is_blank(raw):
        return None
    return Amount(value=value, raw=raw, unit=unit, provenance=cell_provenance(cell, row))  # type: ignore[arg-type]


MAX_DECIMALS = 6  # decimal places an amount prints at most (Beijing's 万元 to the yuan)
_FILLER = re.compile(r"^(\*+|栏次|\d{1,2}|[a-zA-Z]|甲|乙|丙)$")


def header_labels(rows: list[GridRow], ncols: int, ruled: bool = False) -> list[str]:
    """One flattened label per column, e.g. '基本支出/人员经费', from the header rows.

    Merged cells (PDF) label every column they span. In text tables a blank cell of an
    upper header row takes the label on its left when the rows below split that group.
    """
    grid, joined, extent = _header_grid(rows, ncols)
    _fill_group_labels(grid, ncols, ruled)
    return [_column_label(grid, joined, extent, j) for j in range(ncols)]


def _header_grid(rows: list[GridRow], ncols: int) -> tuple[list[list[str]], list[list[bool]],
                                                           list[list[tuple[int, int]]]]:
    """Each header row's text per column (a merged cell in every column it spans), whether
    the cell continues the one above (PDF: no rule between), and the cell's (column, span)."""
    grid: list[list[str]] = []
    joined: list[list[bool]] = []
    extent: list[list[tuple[int, int]]] = []
    for row in rows:
        line = [""] * ncols
        cont = [False] * ncols
        ext = [(j, 1) for j in range(ncols)]
        for c in row.cells:
            text = normalise_text(c.text)
            if re.match(r"^(金额)?单位[:：]", text) or \
                    re.match(r"^(部门|单位|编制单位|预算单位)(名称)?[:：]", text):
                text = ""  # the unit or department line printed inside the header
            for k in range(c.col, min(c.col + c.span, ncols)):
                line[k] = "" if _FILLER.match(text) else text  # column numbers, **, 栏次
                cont[k] = c.open_top
                ext[k] = (c.col, c.span)
        grid.append(line)
        joined.append(cont)
        extent.append(ext)
    return grid, joined, extent


def _fill_group_labels(grid: list[list[str]], ncols: int, ruled: bool) -> None:
    """Text tables: a blank upper cell takes the label on its left when the rows below
    split that group (ruled grids have spans: only their last header row is filled)."""
    for r in range(len(grid) - 1 if ruled else 0, len(grid) - 1):
        for j in range(1, ncols):
            if grid[r][j] or not grid[r][j - 1]:
                continue
            below = any(grid[x][j] for x in range(r + 1, len(grid)))
            below_src = any(grid[x][j - 1] for x in range(r + 1, len(grid)))
            if below and below_src:
                grid[r][j] = grid[r][j - 1]


def _column_label(grid: list[list[str]], joined: list[list[bool]],
                  extent: list[list[tuple[int, int]]], j: int) -> str:
    parts: list[str] = []
    for r in range(len(grid)):
        t = grid[r][j]
        if not t:
            continue
        if parts and joined[r][j] and r > 0 and grid[r - 1][j] and extent[r - 1][j] == extent[r][j]:
            parts[-1] += t  # one cell wrapped over several ruled bands
        elif not parts or parts[-1] != t:
            parts.append(t)
    return "/".join(parts)
