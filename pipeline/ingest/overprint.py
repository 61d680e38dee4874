"""Text drawn several times at one place (a fake bold: each glyph repeated with a small
offset) is read once. MuPDF already drops exact repeats; a glyph repeated at an offset of
half a point or more comes out as ``收收收入入入`` or ``111222.55``, and a whole run drawn
twice as a second copy of the word. Both are recognised by geometry, never by text alone:
``1100`` stays ``1100`` because its box is as wide as four digits."""

from __future__ import annotations

import re
import unicodedata

from pipeline.ingest.model import Word

# a glyph's advance as a share of the word box height (pymupdf boxes are ~1.4 em high)
WIDE_GLYPH = 0.72  # CJK and full-width characters: 1 em
NARROW_GLYPH = 0.40  # digits and Latin letters: ~0.55 em
THIN_GLYPH = 0.20  # . , : ; and spaces
REPEATED_IF_NARROWER = 0.6  # the box is this share (or less) of the width its characters need
SAME_BOX = 0.8  # two copies of a word overlapping this much (share of the box) are one word
_CELL = 4.0  # points: copies of a word are looked for among words this close in height
_THIN = set(".,:;'|!il ")


def _advance(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in "WF":
        return WIDE_GLYPH
    return THIN_GLYPH if ch in _THIN else NARROW_GLYPH


_DOUBLED = re.compile(r"(.)\1", re.S)


def _repeat_factor(text: str) -> int:
    """k when every character of ``text`` stands in a run of exactly k (k >= 2), else 1."""
    if len(text) < 2 or not _DOUBLED.match(text):
        return 1
    runs = [len(m.group(0)) for m in re.finditer(r"(.)\1*", text, flags=re.S)]
    k = runs[0] if runs else 1
    return k if k >= 2 and all(r == k for r in runs) else 1


def collapse_overprint(text: str, width: float, height: float) -> str:
    """``text`` with each run of a repeated glyph read once, when the box is too narrow for
    every character to have been printed side by side."""
    k = _repeat_factor(text)
    if k == 1 or height <= 0:
        return text
    needed = sum(_advance(ch) for ch in text) * height
    return text[::k] if width <= REPEATED_IF_NARROWER * needed else text


def _same_place(a: Word, b: Word) -> bool:
    width, height = max(a.x1 - a.x0, 1e-6), max(a.y1 - a.y0, 1e-6)
    overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
    overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap_x >= SAME_BOX * width and overlap_y >= SAME_BOX * height


def read_overprinted(words: list[Word]) -> list[Word]:
    """Words with repeated glyphs collapsed and second copies of a word at its box dropped."""
    out: list[Word] = []
    seen: dict[tuple[str, int], list[Word]] = {}  # by text and a coarse line position
    for w in words:
        text = collapse_overprint(w.text, w.x1 - w.x0, w.y1 - w.y0)
        gy = int(w.y0 // _CELL)
        if any(_same_place(c, w) for dy in (-1, 0, 1) for c in seen.get((text, gy + dy), ())):
            continue
        w = Word(w.x0, w.y0, w.x1, w.y1, text)
        seen.setdefault((text, gy), []).append(w)
        out.append(w)
    return out
