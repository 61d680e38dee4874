"""Every number the extraction outputs must occur in the source text of the page it claims.

Numbers are compared as canonical values, whole tokens only: 30 is not found inside
1130.00, and 1130 matches 1130.00. A value found only ×/÷ 10000 (元 vs 万元) is reported
as a scale problem; one found only on another page as a page problem; one found nowhere is
``ungrounded`` (invented).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from decimal import Decimal

from pipeline.numbers import numbers_across_breaks
from pipeline.verify.checks import Recorder
from pipeline.verify.coverage import printed_codes
from schemas.document import Disclosure
from schemas.flags import CheckId, Flag, Severity
from schemas.provenance import Amount, Provenance

_NUM = re.compile(r"(?<![\d.])\d+(?:,\d{3})+(?:\.\d+)?(?![\d])|(?<![\d.,])\d+(?:\.\d+)?(?![\d])")
# ASCII digits only: str.isdigit() and \d also accept superscripts and other scripts' digits
_LEADING_DIGITS = re.compile(r"[0-9][0-9.,]*")
_TRAILING_DIGITS = re.compile(r"[0-9.,]+$")
SCALES = (Decimal(10000), Decimal("0.0001"), Decimal(100000000), Decimal("0.00000001"))


def numbers_in(text: str, rejoin_split: bool = False) -> set[Decimal]:
    """Canonical values of the whole number tokens in ``text``."""
    t = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    # a full-width comma is a thousands separator only between digits ('1，234'); after
    # '万元' it is punctuation and the number after it stands alone ('万元，102374.45')
    t = re.sub(r"(?<=\d)，(?=\d{3}(?!\d))", ",", t)
    out: set[Decimal] = set()
    for m in _NUM.finditer(t):
        out.add(Decimal(m.group(0).replace(",", "")).normalize())
    if rejoin_split:  # text input: a converter split a number inside one cell ('500 0')
        for m in re.finditer(r"(?<![\d.])\d+(?: \d+)+(?![\d.])", t):
            out.add(Decimal(m.group(0).replace(" ", "")).normalize())
    return out


class PageNumbers:
    def __init__(self, page_texts: dict[int, str], rejoin_split: bool = False):
        self.by_page = {p: numbers_in(t, rejoin_split) for p, t in page_texts.items()}
        self.anywhere: set[Decimal] = set().union(*self.by_page.values()) if self.by_page else set()
        self.codes = printed_codes(page_texts)  # function codes printed before a name

    def on(self, page: int, v: Decimal) -> bool:
        return v.normalize() in self.by_page.get(page, set())


def _amounts(d: Disclosure) -> Iterable[tuple[str, Amount]]:
    for t in d.tables:
        for r in t.rows:
            for k, a in r.values.items():
                yield f"'{t.title}' {r.code or r.name} [{k.value}]", a
            for k, a in r.other.items():
                yield f"'{t.title}' {r.code or r.name} [{k}]", a
    for p in d.projects:
        if p.amount is not None:
            yield f"project {p.name}", p.amount


def check_grounding(d: Disclosure, pages: PageNumbers, rec: Recorder) -> None:
    for label, a in _amounts(d):
        if a.value is None or a.provenance is None:
            continue
        _ground(label, a.value, a.raw, a.provenance, pages, rec)
    for f in d.figures:
        _ground(f"narrative {f.subject[:30]}", f.value, f.raw, f.provenance, pages, rec)
    for i in d.indicators:
        if i.value_number is not None:
            _ground(f"indicator {i.name[:30]}", i.value_number, i.value or "", i.provenance, pages, rec)


def _ground(label: str, value: Decimal, raw: str, prov: Provenance, pages: PageNumbers,
            rec: Recorder) -> None:
    v = value.copy_abs().normalize()
    if pages.on(prov.page, v):
        rec.ok(CheckId.grounding)
        return
    scaled = [v * s for s in SCALES if pages.on(prov.page, (v * s).normalize())]
    if scaled:
        rec.fail(Flag(check=CheckId.grounding_scale, severity=Severity.error,
                      message=f"{label}: {raw} does not occur on page {prov.page}, but "
                      f"{scaled[0].normalize():f} does: a unit (元/万元) mix-up",
                      expected=scaled[0].normalize(), found=value, locations=[prov]))
        return
    other = [p for p, nums in pages.by_page.items() if v in nums and p != prov.page]
    if other:
        rec.fail(Flag(check=CheckId.grounding_page, severity=Severity.warning,
                      message=f"{label}: {raw} does not occur on page {prov.page}, it does on "
                      f"page {other[0]}", found=value, locations=[prov]))
        return
    rec.fail(Flag(check=CheckId.ungrounded, severity=Severity.error,
                  message=f"{label}: {raw} occurs nowhere in the source text (invented?)",
                  found=value, locations=[prov]))


def page_texts_of(source) -> dict[int, str]:
    """Text per page of an ingested ``SourceDocument``, for grounding.

    PDF words are listed in reading order, one per line of the result; a number that the PDF
    split into two runs (at a line wrap in prose, or inside a cell) is added joined as well.
    """
    out: dict[int, str] = {}
    for p in source.pages:
        if not p.words:
            texts = [ln.text for ln in p.lines]
            out[p.number] = "\n".join([*texts, *numbers_across_breaks(texts)])
            continue
        parts = [w.text for w in p.words]
        tails = sorted((w for w in p.words if _LEADING_DIGITS.match(w.text)), key=lambda w: w.cy)
        ys = [w.cy for w in tails]
        for a in p.words:
            head = _TRAILING_DIGITS.search(a.text)
            if head is None:
                continue
            h = a.y1 - a.y0
            lo, hi = bisect_left(ys, a.cy - 0.5 * h), bisect_right(ys, a.cy + 2.5 * h)
            for b in tails[lo:hi]:
                same_line = abs(a.cy - b.cy) < 0.5 * h and 0 <= b.x0 - a.x1 < 1.5
                below = 0 < b.cy - a.cy < 2.5 * h and (
                    (a.x0 - 2 <= b.x0 and b.x1 <= a.x1 + 2)  # wrapped inside a narrow cell
                    or b.x0 < a.x0 - 50)  # prose wrapped to the start of the next line
                if same_line or below:
                    parts.append(head.group(0) + _LEADING_DIGITS.match(b.text).group(0))  # type: ignore[union-attr]
        out[p.number] = "\n".join(parts)
    return out
