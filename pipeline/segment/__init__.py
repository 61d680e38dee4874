"""Stage 3: find the narrative sections and the tables, classified by kind."""

from pipeline.segment.classify import classify_title
from pipeline.segment.sections import RawSection, find_sections
from pipeline.segment.tables import RawTable, find_tables

__all__ = ["RawSection", "RawTable", "classify_title", "find_sections", "find_tables"]
