"""The annotated PDF: every flagged figure boxed on its page in its severity's colour, the
figures it was compared with in dashed boxes, the flag's message as each box's note, and
one bookmark per flag under a "Review flags" bookmark."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.export.atomic import atomic_write
from pipeline.review.locate import Mark, grown
from pipeline.review.settings import ReviewSettings
from schemas.flags import Flag

ANNOT_SUBJECT = "budget-extract flag {n}"  # how a box names its flag (1-based, as the report)


def flag_note(flag: Flag) -> str:
    """The text of a flag's annotations: its message and the figures it compares."""
    parts = [f"{flag.severity.value.upper()} {flag.check}: {flag.message}"]
    figures = [f"{k} {v}" for k, v in (("expected", flag.expected), ("found", flag.found),
                                       ("difference", flag.difference)) if v is not None]
    if figures:
        parts.append(", ".join(figures))
    if flag.table:
        parts.append(f"table: {flag.table}")
    return "\n".join(parts)


def bookmark_title(n: int, flag: Flag, settings: ReviewSettings) -> str:
    title = f"{n}. {flag.severity.value.upper()} {flag.check}: {flag.message}"
    limit = settings.toc_title_chars
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _annotate_page_figure(page, mark: Mark, flag: Flag, n: int, settings: ReviewSettings) -> None:

    assert mark.box is not None
    rect = grown(mark.box, settings.box_pad_pt) * page.derotation_matrix
    rect.normalize()
    annot = page.add_rect_annot(rect)
    annot.set_colors(stroke=settings.colours.get(flag.severity.value, settings.colours["info"]))
    annot.set_border(width=settings.annot_border_width,
                     dashes=None if mark.primary else list(settings.compared_dashes))
    role = "" if mark.primary else f"compared figure {mark.source} of "
    annot.set_info(title=f"{flag.severity.value} {flag.check}", subject=ANNOT_SUBJECT.format(n=n),
                   content=(f"{role}{flag_note(flag)}"))
    annot.update()


def annotate(doc, flags: list[Flag], marks: list[list[Mark]], settings: ReviewSettings) -> int:
    """Add the boxes and bookmarks to the open document ``doc``; returns the boxes drawn."""
    import pymupdf

    drawn = 0
    toc = doc.get_toc(simple=False)
    entries = []
    for n, (flag, fmarks) in enumerate(zip(flags, marks, strict=True), start=1):
        if flag.severity.value not in settings.pdf_severities:
            continue
        for mark in fmarks:
            if mark.box is not None and 1 <= mark.page <= doc.page_count:
                _annotate_page_figure(doc[mark.page - 1], mark, flag, n, settings)
                drawn += 1
        target = next((m for m in fmarks if m.primary), fmarks[0] if fmarks else None)
        if target is None or not 1 <= target.page <= doc.page_count:
            continue
        dest = {"kind": pymupdf.LINK_GOTO, "page": target.page - 1}
        if target.box is not None:
            page = doc[target.page - 1]
            top = pymupdf.Point(target.box[0], max(target.box[1] - settings.crop_margin_pt, 0))
            dest["to"] = top * page.derotation_matrix
        entries.append([2, bookmark_title(n, flag, settings), target.page, dest])
    if entries:
        first = entries[0][2]
        toc += [[1, f"Review flags ({len(entries)})", first], *entries]
        doc.set_toc(toc)
    return drawn


def write_annotated_pdf(source: Path, out: Path, flags: list[Flag], marks: list[list[Mark]],
                        settings: ReviewSettings) -> int:
    """Copy ``source`` to ``out`` with the boxes and bookmarks added (saved incrementally
    when the file allows it, so the copy keeps the original bytes); atomic."""
    import pymupdf

    drawn = 0

    def write(tmp: str) -> None:
        nonlocal drawn
        shutil.copyfile(source, tmp)
        doc = pymupdf.open(tmp)
        try:
            drawn = annotate(doc, flags, marks, settings)
            if doc.can_save_incrementally():
                doc.saveIncr()
            else:  # e.g. a PDF MuPDF had to repair: written anew
                data = doc.tobytes(garbage=1, deflate=True)
                doc.close()
                Path(tmp).write_bytes(data)
        finally:
            if not doc.is_closed:
                doc.close()

    atomic_write(out, write)
    return drawn
