"""Narrative sections: headings such as 第一部分, 一、, （一）, 1. and the text under them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.layout.blocks import Block, Line
from pipeline.numbers import normalise_text
from pipeline.segment.classify import classify_title
from pipeline.segment.tables import PAGE_NUMBER

CN_NUM = "一二三四五六七八九十"
_HEADINGS = [
    (re.compile(rf"^第[{CN_NUM}]+部分"), 1),
    (re.compile(rf"^[{CN_NUM}]+、"), 1),
    (re.compile(rf"^[（(][{CN_NUM}]+[)）]"), 2),
    (re.compile(r"^\d{1,2}[、.．](?!\d)"), 3),
]


@dataclass
class RawSection:
    heading: str
    level: int
    lines: list[Line] = field(default_factory=list)
    heading_line: Line | None = None

    @property
    def pages(self) -> list[int]:
        out: list[int] = []
        for ln in [self.heading_line, *self.lines]:
            if ln is not None and ln.page not in out:
                out.append(ln.page)
        return out


def clean_heading(text: str) -> str:
    return re.sub(r"^[#\s*]+|[*\s]+$", "", text).replace("**", "").strip()


def heading_level(text: str) -> int | None:
    t = clean_heading(text)
    if not t or len(normalise_text(t)) > 60 or re.search(r"(\.{3,}|…{2,})", t):
        return None
    for pattern, level in _HEADINGS:
        if pattern.match(t):
            if level == 3 and (len(normalise_text(t)) > 30 or "万元" in t or "，" in t):
                return None
            if level < 3 and ("。" in t or ("，" in t and len(t) > 40)):
                return None
            return level
    if text.lstrip().startswith("#") and len(normalise_text(t)) <= 40:
        return 2
    return None


def find_sections(pages: list[list[Block]]) -> list[RawSection]:
    """Sections in document order; text before the first heading is dropped from sections
    (it is the title page); table titles never open a section."""
    sections: list[RawSection] = []
    cur: RawSection | None = None
    for blocks in pages:
        for b in blocks:
            if not isinstance(b, Line) or PAGE_NUMBER.match(b.text):
                continue  # a page number would glue itself to a figure wrapped over the page
            level = heading_level(b.text)
            if level is not None and classify_title(b.text) is None:
                cur = RawSection(clean_heading(b.text), level, heading_line=b)
                sections.append(cur)
            elif cur is not None:
                cur.lines.append(b)
    # a heading printed in the table of contents and again in the body: keep the body one
    seen: dict[str, int] = {}
    for i, s in enumerate(sections):
        seen[normalise_text(s.heading)] = i
    return [s for i, s in enumerate(sections)
            if seen[normalise_text(s.heading)] == i or len(s.lines) > 2]
