"""Small images of the source pages, rendered once: whole pages (greyscale, low resolution)
behind the table-cell links, and colour crops around each flag's figures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.review.locate import Box, Mark
from pipeline.review.settings import ReviewSettings


@dataclass(frozen=True)
class Image:
    """An image written beside the report: its file name, size in pixels, the part of the
    page it shows (points, page as shown) and the zoom from points to pixels."""

    name: str
    width: int
    height: int
    clip: Box
    zoom: float


def page_image(page, number: int, folder: Path, settings: ReviewSettings) -> Image:
    """The whole page, greyscale, at ``settings.page_zoom``."""
    import pymupdf

    z = settings.page_zoom
    pix = page.get_pixmap(matrix=pymupdf.Matrix(z, z), colorspace=pymupdf.csGRAY, alpha=False)
    name = f"page-{number:04d}.png"
    pix.save(folder / name)
    r = page.rect
    return Image(name, pix.width, pix.height, (0.0, 0.0, r.width, r.height), z)


def crop_box(page, marks: list[Mark], settings: ReviewSettings) -> Box:
    """The page's full width, from a margin above the flag's figures on it to a margin
    below; a span taller than ``crop_max_height_pt`` is centred on the flagged figure."""
    boxes = [m.box for m in marks if m.box is not None]
    assert boxes
    top = min(b[1] for b in boxes)
    bottom = max(b[3] for b in boxes)
    if bottom - top > settings.crop_max_height_pt:
        focus = next((m.box for m in marks if m.primary and m.box is not None), boxes[0])
        mid = (focus[1] + focus[3]) / 2
        top, bottom = mid - settings.crop_max_height_pt / 2, mid + settings.crop_max_height_pt / 2
    r = page.rect
    m = settings.crop_margin_pt
    return (0.0, max(top - m, 0.0), r.width, min(bottom + m, r.height))


def crop_image(page, clip: Box, name: str, folder: Path, settings: ReviewSettings) -> Image:
    """``clip`` of the page (as shown) in colour, at ``crop_zoom`` or less for wide pages."""
    import pymupdf

    z = min(settings.crop_zoom, settings.crop_max_width_px / max(clip[2] - clip[0], 1.0))
    # get_pixmap's clip is on the page as shown, like the boxes (rotated pages measured)
    pix = page.get_pixmap(matrix=pymupdf.Matrix(z, z), clip=pymupdf.Rect(clip), alpha=False)
    pix.save(folder / name)
    return Image(name, pix.width, pix.height, clip, z)
