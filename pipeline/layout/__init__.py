"""Stage 2: pages to blocks in reading order: text lines and table grids."""

from pipeline.layout.blocks import Block, Cell, Grid, GridRow, Line
from pipeline.layout.build import layout_document

__all__ = ["Block", "Cell", "Grid", "GridRow", "Line", "layout_document"]
