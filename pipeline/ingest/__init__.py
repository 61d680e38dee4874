"""Stage 1: read a file into pages of words and ruling lines (PDF) or lines (text)."""

from pipeline.ingest.model import Page, Segment, SourceDocument, TextLine, Word
from pipeline.ingest.reader import read_document

__all__ = ["Page", "Segment", "SourceDocument", "TextLine", "Word", "read_document"]
