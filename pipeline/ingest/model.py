"""Plain data produced by ingest: cheap dataclasses, no validation on the hot path."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(slots=True)
class Word:
    """A run of characters pymupdf placed together, with its box (points, top-left origin)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(slots=True)
class Segment:
    """A ruling line: horizontal (pos = y, from x start to end) or vertical (pos = x)."""

    horizontal: bool
    pos: float
    start: float
    end: float


@dataclass(slots=True)
class TextLine:
    """A line of a text input, with its [start, end) offsets in the file's text."""

    text: str
    start: int
    end: int


@dataclass
class Page:
    number: int  # 1-based
    width: float = 0.0
    height: float = 0.0
    words: list[Word] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)


@dataclass
class SourceDocument:
    path: str
    format: Literal["pdf", "text"]
    sha256: str
    pages: list[Page]
    text: str = ""  # full text for text inputs (spans index into it)
    title: str = ""  # PDF metadata title, decoded
    repaired: bool = False  # MuPDF rebuilt a damaged or truncated PDF to read it
    warnings: list[str] = field(default_factory=list)  # MuPDF's own messages, one per line
    encoding: str = ""  # of a text input, as detected
