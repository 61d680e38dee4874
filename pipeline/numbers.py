"""Parsing of amounts as printed in disclosures, shared by extraction and verification.

Every parse keeps the original string; values are ``Decimal``, never float.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９，．－（）％＋",
    "0123456789,.-()%+",
)
# blanks that mean "nothing here" rather than a number
BLANK_MARKS = {"", "-", "—", "--", "——", "－", "/", "\\", "*", "**", "…"}

# thousands groups are accepted however many digits lead them: text layers drop a comma
# ('19349,057' where the page prints 19,349,057)
_AMOUNT = re.compile(
    r"^(?P<neg_paren>\()?(?P<sign>[-+])?(?P<body>\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\)?$"
)
# a decimal point the text layer lost: '142 000000' where the page prints 142.000000 (six
# decimals), '1,234 56' where it prints 1,234.56
_LOST_POINT = re.compile(r"^(?P<int>[-(]?\d+(?:,\d{3})*)\s+(?P<frac>\d{6})(?P<close>\)?)$"
                         r"|^(?P<int2>[-(]?\d{1,3}(?:,\d{3})+)\s+(?P<frac2>\d{2})(?P<close2>\)?)$")
_PERCENT = re.compile(r"^(?P<sign>[-+])?(?P<body>\d+(?:\.\d+)?)%$")

@lru_cache(maxsize=1 << 16)
def normalise_text(raw: str) -> str:
    """Full-width digits and punctuation to ASCII, whitespace removed (cached: the same
    cell text is normalised by several passes)."""
    return re.sub(r"\s+", "", raw.translate(_FULLWIDTH))


def without_spaces(text: str) -> str:
    """The text with every space removed (ideographic ones too), nothing else changed: how
    labels and names printed with letter spacing (合  计) are compared."""
    return re.sub(r"\s+", "", text)


def without_markup(text: str) -> str:
    """The text without spaces and markdown emphasis or heading marks (# *): how titles and
    cover lines are compared whatever the converter made of them."""
    return re.sub(r"[#*\s]+", "", text)


def is_blank(raw: str | None) -> bool:
    """True for an empty cell or a placeholder dash."""
    return raw is None or normalise_text(raw) in BLANK_MARKS


def parse_amount(raw: str | None) -> Decimal | None:
    """Parse ``1,401.44``, ``1130``, ``(12.5)``, ``-3``, full-width digits; ``None`` if not a number."""
    if raw is None:
        return None
    lost = _LOST_POINT.match(raw.strip().translate(_FULLWIDTH))
    s = normalise_text(raw) if lost is None else (
        f"{lost.group('int') or lost.group('int2')}.{lost.group('frac') or lost.group('frac2')}"
        f"{lost.group('close') or lost.group('close2') or ''}")
    if s in BLANK_MARKS:
        return None
    m = _AMOUNT.match(s)
    if not m:
        return None
    if m.group("neg_paren") and not s.endswith(")"):
        return None
    try:
        value = Decimal(m.group("body").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - regex guarantees digits
        return None
    if m.group("neg_paren") or m.group("sign") == "-":
        value = -value
    return value


def parse_percent(raw: str) -> Decimal | None:
    """Parse ``40.81%`` (full-width too) into ``Decimal('40.81')``."""
    m = _PERCENT.match(normalise_text(raw))
    if not m:
        return None
    value = Decimal(m.group("body"))
    return -value if m.group("sign") == "-" else value


def detect_unit(text: str) -> str | None:
    """The currency unit named in a unit line such as ``单位：万元`` or ``金额单位：元``."""
    s = normalise_text(text)
    m = re.search(r"(?:金额)?单位[:：]?(亿元|万元|元)", s)
    if m:
        return m.group(1)
    m = re.search(r"[（(](亿元|万元|元)[)）]", s)
    return m.group(1) if m else None


_NUMBER_TAIL = re.compile(r"(?<![\d.,])[\d０-９][\d０-９,，.．]*$")
_NUMBER_HEAD = re.compile(r"^[\d０-９.．][\d０-９,，.．]*")


def break_separator(before: str, after: str) -> str:
    """What a line break between two lines of running text reads as: nothing (a number a
    converter wrapped, '192.2' / '9 万元', reads whole: 192.29), or a space where the
    digits closing one line and opening the next would read as one malformed number (a
    figure a converter moved beside a share: '15,485.07' / '3.18%' is not 15,485.073.18)."""
    tail, head = _NUMBER_TAIL.search(before.rstrip()), _NUMBER_HEAD.match(after.lstrip())
    if not tail or not head:
        return ""
    joined = normalise_text(tail.group(0) + head.group(0))
    return " " if joined.count(".") > 1 or _COMMA_AFTER_POINT.search(joined) else ""


_COMMA_AFTER_POINT = re.compile(r"\.\d*,")


def join_wrapped(lines: list[str]) -> str:
    """Lines of running text as one string: a line break is no break in the text, so a
    number a converter wrapped ('192.2' / '9 万元') reads whole (192.29), unless
    ``break_separator`` says the two are apart. Blank lines are dropped. Extraction and
    grounding both read wrapped text this way."""
    body = [ln.strip() for ln in lines if ln.strip()]
    out = body[:1]
    for a, b in itertools.pairwise(body):
        out.append(break_separator(a, b) + b)
    return "".join(out)


def numbers_across_breaks(lines: list[str]) -> list[str]:
    """The numbers a line break cuts in two, joined as ``join_wrapped`` reads them: the
    digits closing each non-blank line with the digits opening the next one."""
    body = [ln.strip() for ln in lines if ln.strip()]
    out: list[str] = []
    for a, b in itertools.pairwise(body):
        tail, head = _NUMBER_TAIL.search(a), _NUMBER_HEAD.match(b)
        if tail and head and not break_separator(a, b):
            out.append(tail.group(0) + head.group(0))
    return out
