"""Every size, colour and limit of the review output, named in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

RGB = tuple[float, float, float]

SEVERITY_COLOURS: dict[str, RGB] = {
    "error": (0.86, 0.08, 0.08),
    "warning": (0.93, 0.55, 0.0),
    "info": (0.15, 0.45, 0.85),
}


@dataclass(frozen=True)
class ReviewSettings:
    """How the annotated PDF, the page images and the HTML report are drawn."""

    page_zoom: float = 0.6  # page images behind the table-cell links: 43 dpi, greyscale
    crop_zoom: float = 1.5  # images cropped around a flag's figures: 108 dpi, colour
    crop_max_width_px: int = 900  # a wider (landscape) page is rendered at a lower zoom
    crop_margin_pt: float = 30.0  # page shown above and below a flag's figures
    crop_max_height_pt: float = 420.0  # a taller span of figures is cut around the flagged one
    box_pad_pt: float = 1.5  # space between a figure and the box drawn around it
    search_slack_pt: float = 2.0  # a figure's string is looked for in its box grown by this
    # flags boxed in the annotated PDF; info flags (rounding-sized differences) are many
    # and would bury the others, the HTML report lists them apart
    pdf_severities: tuple[str, ...] = ("error", "warning")
    wrap_edge_pt: float = 12.0  # a hit ending this near its box's right edge may wrap on
    annot_border_width: float = 1.5
    compared_dashes: tuple[int, ...] = (3, 2)  # the figures a flag compared with: dashed boxes
    text_context_lines: int = 2  # text input: lines shown around a flag's figures
    text_max_lines: int = 40  # text input: lines shown per flag, at most
    toc_title_chars: int = 90  # bookmark titles are cut to this length
    colours: dict[str, RGB] = field(default_factory=lambda: dict(SEVERITY_COLOURS))

    def css_colour(self, severity: str) -> str:
        r, g, b = self.colours.get(severity, self.colours["info"])
        return f"rgb({round(r * 255)},{round(g * 255)},{round(b * 255)})"
