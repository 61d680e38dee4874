"""Figures stated in the narrative: amounts, shares (占 x%), and changes with their direction
words, each tied to the phrase it refers to and to its place in the source."""

from __future__ import annotations

import bisect
import re
from decimal import Decimal

from pipeline.layout.blocks import Line
from pipeline.numbers import break_separator, normalise_text
from pipeline.segment.sections import RawSection
from pipeline.vocabulary import NARRATIVE_FIGURE
from schemas.narrative import FigureKind, NarrativeFigure
from schemas.provenance import Provenance

_INC = re.compile(r"(增加|增长|上升|提高|增|(比|较)[^，。；]{0,14}多)\s*$")
_DEC = re.compile(r"(减少|下降|降低|减|(比|较)[^，。；]{0,14}少)\s*$")
_SHARE = re.compile(r"(占[^，。；]{0,12}?(比重|比例)?(为)?|完成[^，。；]{0,8}的)\s*$")
# the text before an amount that makes it the base of a comparison: '比2025年年初预算数
# 9819.98万元减少…', '比上年预算（上年290万元）增加…', '与2016年度相比（2016年度…为8,648.07万元）'
COMPARISON_BASE = re.compile(r"(比|较|相比|对比)[^，。；！？,;%％增减降升多少持]{0,24}$")
_CLAUSE = re.compile(r"[，。；：,;:！？、\n]|其中")
_ENUM = re.compile(r"^([（(]\d{1,2}[)）]|\d{1,2}[.．、]|[一二三四五六七八九十]+、)\s*")


class _Text:
    """Lines joined into one string, with a map from string offsets back to lines."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.starts: list[int] = []
        parts: list[str] = []
        pos = 0
        for ln in lines:
            sep = break_separator(parts[-1], ln.text) if parts else ""
            parts.append(sep)
            pos += len(sep)
            self.starts.append(pos)
            parts.append(ln.text)
            pos += len(ln.text)
        self.text = "".join(parts)

    def _offset(self, pos: int) -> tuple[Line, int | None]:
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        ln = self.lines[i]
        if ln.span is None:
            return ln, None
        return ln, ln.span[0] + (pos - self.starts[i])

    def locate(self, start: int, end: int, raw: str) -> Provenance:
        """Where [start, end) of the joined text lies in the source; a figure wrapped over
        two lines gets a span over both, and `source` is the source text as it stands."""
        ln, s = self._offset(start)
        _, e = self._offset(end - 1)
        if s is None or e is None:
            return Provenance(page=ln.page, bbox=ln.bbox, source=raw)
        return Provenance(page=ln.page, span=(s, e + 1), source=raw)


# a unit printed without its figure ('财政拨款收入 万元，占 54.98%': a converter moved the
# figure elsewhere): a share after it is of that missing figure, not of the one before
_FIGURE_MISSING = re.compile(r"(?:^|[^\d.,\s０-９])\s*[万亿]元")


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1
    b = text.find("。", end)
    return text[a: (b + 1 if b != -1 else len(text))].strip()[:300]


def extract_figures(sections: list[RawSection]) -> list[NarrativeFigure]:
    figures: list[NarrativeFigure] = []
    for sec in sections:
        lines = list(sec.lines)
        head = sec.heading_line
        if head is not None and NARRATIVE_FIGURE.search(head.text):
            lines.insert(0, head)  # '（一）在职人员经费2,422.61 万元，…' is a heading with figures
        if not lines:
            continue
        joined = _Text(lines)
        text = joined.text
        prev_end = -1000
        for m in NARRATIVE_FIGURE.finditer(text):
            before = text[max(0, m.start() - 40): m.start()]
            unit = "%" if m.group("unit") in ("%", "％") else m.group("unit")
            value = Decimal(normalise_text(m.group("num")).replace(",", ""))
            tail = before[-8:]
            direction = None
            if _INC.search(tail) or (_INC.search(before[-18:]) and "多" in tail):
                direction = "increase"
            elif _DEC.search(tail) or (_DEC.search(before[-18:]) and "少" in tail):
                direction = "decrease"
            if unit == "%":
                if direction is not None:
                    kind = FigureKind.change_percent
                elif _SHARE.search(before[-16:]):
                    kind = FigureKind.share
                else:
                    continue
            else:
                kind = FigureKind.change_amount if direction else FigureKind.amount
            clause_start = max((x.end() for x in _CLAUSE.finditer(text, max(0, m.start() - 80),
                                                                   m.start())), default=0)
            clause_start = max(clause_start, m.start() - 80)
            subject = _ENUM.sub("", text[clause_start: m.start()].strip())
            subject = re.sub(r"(比上年.*|较.*|同比.*|为|是|共计|合计|安排|预算数?为?)$", "",
                             subject).strip() or subject
            prev = figures[-1] if figures and figures[-1].section == sec.heading else None
            if kind is not FigureKind.amount and prev is not None and m.start() - prev_end < 40 \
                    and not _FIGURE_MISSING.search(text, prev_end, m.start()) and (
                    re.fullmatch(r"(占.{0,8}|比上年.{0,12}|较上年.{0,12}|同比.{0,6}|"
                                 r"(增加|减少|增长|下降|上升|降低|减|增)\s*)", subject) or not subject):
                subject = prev.subject  # '…收入 40293.45 万元，占 100%': the share is of that
            prev_end = m.end()
            code_m = re.search(r"\d{7}|\d{5}", subject)
            figures.append(NarrativeFigure(
                kind=kind, value=value, raw=m.group(0), unit=unit,  # type: ignore[arg-type]
                subject=subject, direction=direction, code=code_m.group(0) if code_m else None,
                section=sec.heading, sentence=_sentence(text, m.start(), m.end()),
                provenance=joined.locate(m.start(), m.end(), m.group(0)),
            ))
    return figures


def sentence_position(f: NarrativeFigure, nth: int = 0) -> int | None:
    """Where the ``nth`` printing of ``f`` starts in its sentence ('5万元' is not found
    inside '15万元'); None when the sentence does not hold it."""
    hits = [m.start() for m in re.finditer(r"(?<![\d.,])" + re.escape(f.raw), f.sentence)]
    return hits[min(nth, len(hits) - 1)] if hits else None


def is_comparison_base(f: NarrativeFigure, nth: int = 0) -> bool:
    """``f`` is the figure compared against ('比上年X增加C' -> X, last year's figure), not
    the figure stated for this year."""
    start = sentence_position(f, nth)
    return start is not None and bool(COMPARISON_BASE.search(f.sentence[max(0, start - 30):start]))


_PATH = re.compile(r"(?P<lei>[^（(，。；、]*?)[（(]类[)）](?:(?P<kuan>[^（(]*?)[（(]款[)）])?"
                   r"(?:(?P<xiang>[^（(]*?)[（(]项[)）])?")


# words after a 类（款） path that name its next level, cut off where a converter moved the
# rest of the line ('…（款）机关事业单位基本养老' 161.62万元 '保险缴费支出（项）'): no
# verb or amount word (为, 预算, 决算, 支出 …), at least four characters
_DEEPER_NAME = re.compile(r"(?!.*(为|是|数|计|达|共|预算|决算|支出|安排|用于|其中))"
                          r"[\u4e00-\u9fff]{4,}")


def _plain(s: str) -> str:
    return re.sub(r"[\s　]+", "", s)


def link_codes(figures: list[NarrativeFigure], tables: list) -> None:
    """Set ``code`` on figures whose subject names a 类（款（项）path, from the function
    codes of the document's general-budget (else expenditure) table: '社会保障和就业支出
    （类）人力资源和社会保障管理事务（款）行政运行（项）' -> 2080101."""
    from schemas.tables import TableKind

    table = next((t for t in tables if t.kind is TableKind.general_budget_expenditure and t.rows),
                 None) or next((t for t in tables if t.kind is TableKind.expenditure_summary
                                and t.rows), None)
    if table is None:
        return
    rows = [r for r in table.rows if r.code]
    names = {r.code: _plain(r.name) for r in rows}
    for f in figures:
        if f.code is not None:
            continue
        m = _PATH.search(f.subject)
        if not m or _DEEPER_NAME.fullmatch(_plain(f.subject[m.end():])):
            continue  # no path, or one whose next level's name is cut off before the figure
        lei = _plain(m.group("lei")).rstrip("支出")
        kuan = _plain(m.group("kuan") or "")
        xiang = _plain(m.group("xiang") or "")
        if not lei:
            continue
        classes = [c for c, n in names.items() if len(c) == 3 and n.startswith(lei)]
        if len(classes) != 1:
            continue
        code = classes[0]
        if kuan:
            kuans = [c for c, n in names.items() if len(c) == 5 and c.startswith(code) and n == kuan]
            if len(kuans) != 1:
                continue
            code = kuans[0]
            if xiang:
                xiangs = [c for c, n in names.items()
                          if len(c) == 7 and c.startswith(code) and n == xiang]
                if len(xiangs) != 1:
                    continue
                code = xiangs[0]
        f.code = code
