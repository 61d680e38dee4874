"""Where each flag's figures are: the flagged figure and those it was compared with.

A location's box is the box the extractor recorded: a table cell's, or for a narrative
figure the box of its sentence's lines. On the PDF page the figure's own string is looked
for inside that box so that the drawn box is the figure's, not the sentence's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline.review.settings import ReviewSettings
from schemas.flags import Flag
from schemas.provenance import Provenance

Box = tuple[float, float, float, float]
_NUMBER = re.compile(r"[-−－]?\d[\d,，]*(?:[.．]\d+)?")


@dataclass(frozen=True)
class Mark:
    """One figure of one flag: its page, its box on the page as shown (points), its string,
    and whether it is the flagged figure (True) or one it was compared with (False)."""

    page: int
    box: Box | None
    span: tuple[int, int] | None
    source: str
    primary: bool


def stated_number(source: str) -> Decimal | None:
    """The first number of a source string ('7,927.40' -> 7927.40, '71.73%' -> 71.73)."""
    m = _NUMBER.search(source)
    if not m:
        return None
    text = m.group(0).translate(str.maketrans({"−": "-", "－": "-", "，": "", ",": "", "．": "."}))
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def primary_locations(flag: Flag) -> set[int]:
    """Indexes of the locations holding the flagged figure: those stating the value the flag
    says was found; the first location when none does."""
    if flag.found is not None:
        hits = {i for i, loc in enumerate(flag.locations) if stated_number(loc.source) == flag.found}
        if hits:
            return hits
    return {0} if flag.locations else set()


def flag_marks(flag: Flag, pdf=None, settings: ReviewSettings | None = None,
               textpages: dict | None = None) -> list[Mark]:
    """The marks of one flag; with ``pdf`` (an open pymupdf document) boxes are narrowed to
    the figure's own string where it is found inside the recorded box. ``textpages`` keeps
    each page's text, read once, across the flags of a document."""
    settings = settings or ReviewSettings()
    textpages = {} if textpages is None else textpages
    primary = primary_locations(flag)
    marks = []
    for i, loc in enumerate(flag.locations):
        box = loc.bbox
        if box is not None and pdf is not None and 1 <= loc.page <= pdf.page_count:
            if loc.page not in textpages:  # the page object too: its text page refers to it
                import pymupdf

                page = pdf[loc.page - 1]
                textpages[loc.page] = (page, page.get_textpage(flags=pymupdf.TEXTFLAGS_SEARCH))
            page, textpage = textpages[loc.page]
            box = figure_box(page, loc, settings, textpage)
        marks.append(Mark(page=loc.page, box=box, span=loc.span, source=loc.source,
                          primary=i in primary))
    return marks


def grown(box: Box, d: float):
    """``box`` as a pymupdf Rect, ``d`` points larger on every side."""
    import pymupdf

    return pymupdf.Rect(box[0] - d, box[1] - d, box[2] + d, box[3] + d)


def figure_box(page, loc: Provenance, settings: ReviewSettings, textpage=None) -> Box:
    """The box of ``loc.source`` on ``page`` inside the recorded box (page as shown);
    the recorded box when the string is not found there."""
    import pymupdf

    assert loc.bbox is not None
    s = settings.search_slack_pt
    clip = grown(loc.bbox, s) * page.derotation_matrix
    needle = loc.source.strip()
    # a search on a text page already read ignores ``clip``: the hits are kept here
    hits = [h for h in (page.search_for(needle, textpage=textpage) if needle else [])
            if (h.tl + h.br) / 2 in clip]
    if not hits:
        return tuple(loc.bbox)  # type: ignore[return-value]
    hit = pymupdf.Rect(hits[0])
    # one match comes back as several rects where its characters change font or baseline
    # (digits, then 万元) or wrap onto the next line: the rects that continue the first
    for more in hits[1:]:
        nxt = pymupdf.Rect(more)
        beside = abs(nxt.x0 - hit.x1) <= s and nxt.y0 < hit.y1 and nxt.y1 > hit.y0
        wrapped = nxt.y0 >= hit.y1 - s and hit.x1 >= clip.x1 - settings.wrap_edge_pt and nxt.x0 < hit.x0
        if not (beside or wrapped):
            break
        hit |= nxt
    out = hit * page.rotation_matrix
    out.normalize()
    return (out.x0, out.y0, out.x1, out.y1)
