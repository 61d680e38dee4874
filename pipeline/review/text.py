"""Text input: line numbers of character offsets, and excerpts around a flag's figures with
each figure marked."""

from __future__ import annotations

import re
from bisect import bisect_right
from html import escape

from pipeline.review.locate import Mark
from pipeline.review.settings import ReviewSettings

_BREAK = re.compile(r"\r\n|\r|\n")


class Lines:
    """The lines of a text as an editor numbers them (CRLF, CR and LF end a line)."""

    def __init__(self, text: str):
        self.text = text
        self.bounds: list[tuple[int, int]] = []
        pos = 0
        for m in _BREAK.finditer(text):
            self.bounds.append((pos, m.start()))
            pos = m.end()
        self.bounds.append((pos, len(text)))
        self.starts = [b[0] for b in self.bounds]

    def number(self, offset: int) -> int:
        """1-based number of the line holding ``offset``."""
        return max(bisect_right(self.starts, offset), 1)

    def line_html(self, n: int, marks: list[tuple[int, int, str]] | None = None) -> str:
        """Line ``n`` escaped, with ``marks`` ([start, end) offsets, css class) wrapped in
        <mark>; overlapping marks after the first are dropped."""
        start, end = self.bounds[n - 1]
        pieces, pos = [], start
        for s, e, cls in sorted(marks or []):
            s, e = max(s, start), min(e, end)
            if s < pos or e <= s:
                continue
            pieces.append(_show(self.text[pos:s]))
            pieces.append(f'<mark class="{cls}">{_show(self.text[s:e])}</mark>')
            pos = e
        pieces.append(_show(self.text[pos:end]))
        return "".join(pieces)


def _show(s: str) -> str:
    return escape(s.replace("\f", "").replace("\ufeff", ""))


def excerpt_windows(numbers: list[int], last: int, settings: ReviewSettings) -> list[range]:
    """Line ranges around the marked lines, overlapping ones merged, at most
    ``text_max_lines`` lines in all."""
    ctx = settings.text_context_lines
    windows: list[list[int]] = []
    for n in sorted(set(numbers)):
        lo, hi = max(n - ctx, 1), min(n + ctx, last)
        if windows and lo <= windows[-1][1] + 1:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    out, budget = [], settings.text_max_lines
    for lo, hi in windows:
        if budget <= 0:
            break
        hi = min(hi, lo + budget - 1)
        out.append(range(lo, hi + 1))
        budget -= hi - lo + 1
    return out


def flag_excerpt(lines: Lines, marks: list[Mark], severity: str, settings: ReviewSettings) -> str:
    """The lines around the flag's figures, numbered, each figure marked (the flagged one
    solid, the compared ones dashed)."""
    spans = [(m.span[0], m.span[1], f"sev-{severity} {'primary' if m.primary else 'compared'}")
             for m in marks if m.span is not None]
    if not spans:
        return ""
    numbers = [lines.number(s) for s, _, _ in spans] + [lines.number(max(e - 1, s)) for s, e, _ in spans]
    out = []
    for i, window in enumerate(excerpt_windows(numbers, len(lines.bounds), settings)):
        if i:
            out.append('<span class="ln">…</span>\n')
        for n in window:
            out.append(f'<span class="ln">{n}</span>{lines.line_html(n, spans)}\n')
    return '<pre class="lines">' + "".join(out) + "</pre>"


def source_listing(lines: Lines) -> str:
    """The whole text, each line numbered and addressable as #L<n>."""
    body = "".join(f'<span class="line" id="L{n}"><span class="ln">{n}</span>{lines.line_html(n)}</span>\n'
                   for n in range(1, len(lines.bounds) + 1))
    return f'<pre class="lines">{body}</pre>'
