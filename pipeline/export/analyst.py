"""Tidy, comparable rows for analysts, built from one extracted document.

- every amount also in 元 as an exact decimal (``value_yuan``), the printed unit and value
  kept beside it;
- ``amounts``: every figure of every table in one long table;
- ``three_public_summary``: the 三公 table of each document normalised to fixed columns
  (abroad, vehicle_purchase, vehicle_operation, vehicle_total, reception, meetings,
  training, total) per year column, whatever its printed layout (wide, a vertical list,
  years as rows, a 合计 row over unit rows);
- projects kept once when a project table and a performance table list the same project,
  with both sources named; total lines (合计/金额合计/总计) and the department itself are
  never projects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.numbers import normalise_text, parse_amount
from pipeline.vocabulary import UNIT_SCALE
from schemas.document import Disclosure
from schemas.indicators import Project
from schemas.provenance import Amount, Provenance
from schemas.tables import ColumnKey, Table, TableKind, TableRow

SUMMARY_KINDS = (TableKind.income_expenditure_summary, TableKind.fiscal_summary)
PROJECT_SOURCES = (TableKind.project_expenditure, TableKind.performance_targets, TableKind.other)


@dataclass(frozen=True)
class AnalystSettings:
    """Words and limits the tidy tables rely on (one place, no inline literals)."""

    # a project named like this is a total line, not a project
    total_name: re.Pattern[str] = re.compile(
        r"^(?:金额)?(?:合计|总计|小计)$|^(?:项目)?(?:支出)?(?:金额)?合计")
    # a label read as a name: '年度金额：', '市级财政资金', '其中：财政拨款'
    label_name: re.Pattern[str] = re.compile(
        r"[:：]$|^(?:其中[:：]?)?(?:市级|省级|中央|区级|县级|本级)?(?:财政)?(?:资金|拨款|金额)$"
        r"|^(?:通用|专用|一般|重点|其他)项目$")  # a group's subtotal line
    # a unit's own line in a project list: '广州市土地开发中心', '深圳市科技创新局（本级）'
    unit_line: re.Pattern[str] = re.compile(
        r"^(?!.*(?:项目|资金|经费|工程|补贴|补助|费$))\S{1,6}?[省市区县州旗]\S*?"
        r"(?:局|委员会|办公室|办公厅|厅|中心|院|所|站|队|馆|处)"
        r"(?:[（(](?:本级|[^（()）]*(?:局|委员会|办公室|中心))[)）])?$")
    # two project names are the same project when equal, or when the shorter (cut by the
    # converter or the layout) opens the longer and has at least this many characters
    min_prefix_chars: int = 6


SETTINGS = AnalystSettings()


def yuan(a: Amount | None) -> Decimal | None:
    """The amount in 元, exact (a Decimal, never a float)."""
    if a is None or a.value is None:
        return None
    return a.value * UNIT_SCALE[a.unit]


def decimal_text(x: Decimal | None) -> str | None:
    """A decimal as plain digits (no exponent), or None."""
    return None if x is None else format(x, "f")


def cells(t: Table, r: TableRow) -> Iterator[tuple[str, str | None, ColumnKey | None, Amount]]:
    """(column name, printed header, canonical key, amount) of each figure of a row: canonical
    columns by key, the others as ``other:<printed header>``."""
    header_of: dict[ColumnKey, str] = {}
    for h, k in zip(t.columns, t.column_keys, strict=False):
        if k is not None and k not in header_of:
            header_of[k] = h
    for k, a in r.values.items():
        yield k.value, header_of.get(k), k, a
    for label, a in r.other.items():
        yield f"other:{label}", label, None, a


def amount_rows(doc_id: str, source: str, d: Disclosure,
                kinds: tuple[TableKind, ...] | None = None) -> list[dict[str, Any]]:
    """One row per figure of every table (or of the tables of ``kinds``)."""
    out: list[dict[str, Any]] = []
    for t in d.tables:
        if kinds is not None and t.kind not in kinds:
            continue
        for r in t.rows:
            base = {"doc_id": doc_id, "source": source, "table_kind": t.kind.value,
                    "table_title": t.title, "table_part": t.part, "side": r.side,
                    "code": r.code, "level": r.level, "name": r.name, "unit_name": r.unit_name,
                    "is_total": r.is_total, "page": r.provenance.page}
            for column, _, _, a in cells(t, r):
                out.append({**base, "column": column, "value_yuan": yuan(a),
                            "value": decimal_text(a.value), "unit": a.unit, "raw": a.raw,
                            "value_page": a.provenance.page if a.provenance else None})
    return out


# ---- 三公 -------------------------------------------------------------------------------

THREE_PUBLIC_ITEMS = ("abroad", "vehicle_purchase", "vehicle_operation", "vehicle_total",
                      "reception", "meetings", "training", "total")
_ITEM_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("abroad", re.compile(r"出国")),
    ("reception", re.compile(r"接待")),
    ("meetings", re.compile(r"会议")),
    ("training", re.compile(r"培训")),
    ("vehicle_total", re.compile(r"购置(?:及|和|与)运行|购置及维护|用车(?:经费|费用?)?(?:小计|合计)?$")),
    ("vehicle_purchase", re.compile(r"购置")),
    ("vehicle_operation", re.compile(r"运行|维护")),
)
_GENERIC_TOTAL = re.compile(r"^(?:合计|小计|总计|总额)$|预算总额|经费合计|经费总计")
_THREE_PUBLIC = re.compile(r"三公")
_FUND_SPLIT = re.compile(r"^(?:一般公共预算|政府性基金预算?|国有资本经营预算)(?:拨款|资金)?$")
_YEAR_LABEL = re.compile(r"\d{4}\s*年|上年|本年|当年|预算|决算|执行")
_CHANGE_ROW = re.compile(r"增减|变化|增长|比上年|较上年")
_YEAR = re.compile(r"(\d{4})\s*年")
_BODY_NAME = re.compile(r"(?:局|中心|院|所|办公室|办公厅|委员会|厅|站|队|馆|部|处|会|校|学)$")


def _item_of_text(text: str) -> str | None:
    """The 三公 item a label names: a specific item, 'total', or None."""
    s = normalise_text(text)
    for item, pattern in _ITEM_WORDS:
        if pattern.search(s):
            return item
    if _THREE_PUBLIC.search(s) or _GENERIC_TOTAL.search(s):
        return "total"
    return None


def _item_of_header(header: str) -> tuple[str | None, bool]:
    """(item, strong) of a printed header such as '2026年预算数/公务用车购置及运行费/小计'.
    A bare 合计 is 'total' but weak: beside 会议费/培训费 it is the grand total of all."""
    parts = [normalise_text(p) for p in header.split("/") if p]
    for i in range(len(parts) - 1, -1, -1):
        for item, pattern in _ITEM_WORDS:
            if pattern.search(parts[i]):
                return item, True
        if _GENERIC_TOTAL.search(parts[i]) or _THREE_PUBLIC.search(parts[i]):
            for p in reversed(parts[:i]):  # 小计 under a group: the group's total
                for item, pattern in _ITEM_WORDS:
                    if pattern.search(p):
                        return ("vehicle_total" if item.startswith("vehicle") else item), True
            return "total", any(_THREE_PUBLIC.search(p) for p in parts[:i + 1])
    return None, False


def _label_of_header(header: str | None) -> str:
    """The year column a header names ('2025年预算数', '上年', '决算数'), or '': the parts
    that name a year or 预算/决算 and no 三公 item."""
    parts = [normalise_text(p) for p in (header or "").split("/") if p]
    return "/".join(p for p in parts if _YEAR_LABEL.search(p) and _item_of_text(p) is None
                    and not _FUND_SPLIT.search(p))


def _fund_part(header: str | None) -> bool:
    """A column that is one fund's share (一般公共预算 / 政府性基金 / 国有资本经营)."""
    return any(_FUND_SPLIT.search(normalise_text(p)) for p in (header or "").split("/"))


def _year_says_current(text: str, year: int | None) -> bool | None:
    """True/False when the text names the document's year or another one; None if neither."""
    m = _YEAR.search(text)
    if m:
        return year is not None and int(m.group(1)) == year
    if "上年" in text:
        return False
    return None


@dataclass
class _Slot:
    strong: Decimal | None = None  # a header that names the item (or 三公 合计)
    unsplit: Decimal | None = None  # a bare 合计 header
    funds: Decimal | None = None  # the sum of one-fund columns

    def add(self, field_name: str, value: Decimal, accumulate: bool) -> None:
        old = getattr(self, field_name)
        if old is None or accumulate:  # else the first (leftmost) column printed stands
            setattr(self, field_name, value if old is None else old + value)

    def best(self) -> Decimal | None:
        return self.strong if self.strong is not None else (
            self.unsplit if self.unsplit is not None else self.funds)


def three_public_rows(doc_id: str, source: str, d: Disclosure) -> list[dict[str, Any]]:
    """The 三公 figures of each 三公 table, one row per year column, in 元."""
    out: list[dict[str, Any]] = []
    for t in d.tables:
        if t.kind is not TableKind.three_public:  # an 空表 of zeros still says 0
            continue
        out.extend(_three_public_of_table(doc_id, source, d, t))
    return out


def _rows_to_use(t: Table) -> list[TableRow]:
    """A 合计 row over unit rows stands for the table; otherwise every row counts (items of
    a vertical list, years as rows, or unit rows to be summed); change rows never."""
    wide = any(_item_of_header(h)[0] not in (None, "total") for h in t.columns)
    totals = [r for r in t.rows if r.is_total and (r.values or r.other)]
    if wide and totals:
        return totals[:1]
    return [r for r in t.rows if not _CHANGE_ROW.search(r.name or "") and (r.values or r.other)]


def _row_item(r: TableRow) -> str | None:
    """The item a row's label names; a unit's name (…局, …中心) names none, a 合计 the total."""
    name = r.name or ""
    if _BODY_NAME.search(normalise_text(name)):
        return None
    return "total" if r.is_total and not _item_of_text(name) else _item_of_text(name)


def _three_public_of_table(doc_id: str, source: str, d: Disclosure, t: Table) -> list[dict[str, Any]]:
    year = d.metadata.year
    rows = _rows_to_use(t)
    # unit rows without a 合计 row: their figures add up
    accumulate = len(rows) > 1 and not any(
        r.is_total or _row_item(r) or _YEAR.search(r.name or "") or "上年" in (r.name or "") for r in rows)
    # a vertical list: rows name the items (因公出国 / 公务接待 …), its 合计 row the total
    vertical = any(_row_item(r) not in (None, "total") for r in rows)
    groups: dict[str, dict[str, _Slot]] = {}
    canonical: dict[str, bool] = {}
    said: dict[str, bool | None] = {}
    pages: dict[str, int] = {}
    units: set[str] = set()
    for r in rows:
        name = r.name or ""
        row_item = _row_item(r)
        row_year = name if _year_says_current(name, year) is not None else ""
        for _, header, key, a in cells(t, r):
            value = yuan(a)
            if value is None or _CHANGE_ROW.search(header or ""):
                continue
            h_item, strong = _item_of_header(header or "")
            item = h_item if h_item not in (None, "total") else (
                row_item if vertical or row_item != "total" else h_item)
            if item is None:
                continue
            from_row = item == row_item and h_item != item
            label = row_year or _label_of_header(header)
            slot = groups.setdefault(label, {}).setdefault(item, _Slot())
            if _fund_part(header):
                slot.add("funds", value, True)  # one fund's share: the shares add up
            else:
                slot.add("strong" if strong or from_row else "unsplit", value, accumulate)
            canonical[label] = canonical.get(label, False) or (
                key is not None and key is not ColumnKey.budget_amount)
            said[label] = _year_says_current(label, year)
            units.add(a.unit)
            pages.setdefault(label, a.provenance.page if a.provenance else r.provenance.page)
    out = []
    for label, items in groups.items():
        figures = {k: s.best() for k, s in items.items()}
        total, computed = figures.get("total"), False
        if total is None:
            vehicle = figures.get("vehicle_total")
            if vehicle is None:
                vehicle = _sum(figures.get("vehicle_purchase"), figures.get("vehicle_operation"))
            total = _sum(figures.get("abroad"), figures.get("reception"), vehicle)
            computed = total is not None
        current = said[label] if said[label] is not None else canonical[label]
        out.append({"doc_id": doc_id, "source": source, "department": d.metadata.department,
                    "year": year, "kind": d.metadata.kind.value, "table_title": t.title,
                    "year_column": label, "is_current": current,
                    **{k: figures.get(k) for k in THREE_PUBLIC_ITEMS if k != "total"},
                    "total": total, "total_computed": computed,
                    "printed_unit": "/".join(sorted(units)), "page": pages[label]})
    return out


def _sum(*xs: Decimal | None) -> Decimal | None:
    vals = [x for x in xs if x is not None]
    return sum(vals, Decimal(0)) if vals else None


# ---- projects ----------------------------------------------------------------------------

def _holds(t: Table, where: Provenance) -> bool:
    """Whether a location lies inside a table: between its first and last row (character
    spans in text input, the rows' vertical extent on that page in a PDF)."""
    if where.page not in t.pages:
        return False
    spans = [r.provenance.span for r in t.rows if r.provenance.span is not None]
    if where.span is not None and spans:
        return min(s[0] for s in spans) <= where.span[0] <= max(s[1] for s in spans)
    boxes = [r.provenance.bbox for r in t.rows
             if r.provenance.bbox is not None and r.provenance.page == where.page]
    if where.bbox is not None and boxes:
        middle = (where.bbox[1] + where.bbox[3]) / 2
        return min(b[1] for b in boxes) <= middle <= max(b[3] for b in boxes)
    return True


def _project_source(d: Disclosure, p: Project) -> tuple[int, TableKind]:
    """The table a project was read from: the one holding a row at the project's location,
    else a project or performance table around it, else one on its page (-1: none)."""
    listed = [(i, t) for i, t in enumerate(d.tables) if t.kind in PROJECT_SOURCES]
    around = [(i, t) for i, t in listed if _holds(t, p.provenance)]
    for i, t in around:
        if any(r.provenance == p.provenance for r in t.rows):
            return i, t.kind
    on_page = [(i, t) for i, t in listed if p.provenance.page in t.pages]
    for group in (around, on_page):
        for i, t in group:
            if t.kind is not TableKind.other:
                return i, t.kind
    return (around or on_page)[0][0] if around or on_page else -1, (
        (around or on_page)[0][1].kind if around or on_page else TableKind.other)


def _same_name(a: str, b: str, settings: AnalystSettings) -> bool:
    a, b = normalise_text(a), normalise_text(b)
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= settings.min_prefix_chars and long_.startswith(short)


def _same_project(a: Project, b: Project, settings: AnalystSettings) -> bool:
    if a.unit_name and b.unit_name and normalise_text(a.unit_name) != normalise_text(b.unit_name):
        return False
    ya, yb = yuan(a.amount), yuan(b.amount)
    if ya is not None and yb is not None and ya != yb:
        return False
    return _same_name(a.name, b.name, settings)


def is_total_line(p: Project, department: str | None, settings: AnalystSettings = SETTINGS) -> bool:
    """Not a project: a 合计/金额合计/总计 line (in the name or the unit column, as a shifted
    row reads), a bare amount or a label read as a name, or a unit's own subtotal line (the
    department's name, a body's name, '…局（本级）')."""
    name = normalise_text(p.name)
    return bool(settings.total_name.search(name)
                or settings.total_name.search(normalise_text(p.unit_name or ""))
                or parse_amount(name) is not None
                or settings.label_name.search(name)
                or settings.unit_line.search(name)
                or (department is not None and name == normalise_text(department)))


def project_rows(doc_id: str, d: Disclosure, settings: AnalystSettings = SETTINGS
                 ) -> list[dict[str, Any]]:
    """Projects kept once: a project listed in two tables (the project table and a
    performance table) is one row naming both; repeats inside one table are kept (real
    lists repeat names). Total lines are left out. The listing of the project table gives
    the row (its page, amount and name), the others fill what it lacks."""
    groups: list[list[tuple[Project, int, TableKind]]] = []
    for p in d.projects:
        if is_total_line(p, d.metadata.department, settings):
            continue
        ti, kind = _project_source(d, p)
        match = next((g for g in groups if ti not in {x[1] for x in g}
                      and _same_project(g[0][0], p, settings)), None)
        if match is None:
            groups.append([(p, ti, kind)])
        else:
            match.append((p, ti, kind))
    return [_project_row(doc_id, g) for g in groups]


def _project_row(doc_id: str, listings: list[tuple[Project, int, TableKind]]) -> dict[str, Any]:
    ranked = sorted(listings, key=lambda x: PROJECT_SOURCES.index(x[2]))
    main = ranked[0][0]

    def first(field: str) -> Any:
        return next((getattr(p, field) for p, _, _ in ranked if getattr(p, field) is not None), None)

    amount = first("amount")
    return {"doc_id": doc_id, "unit_name": first("unit_name"),
            "name": max((p.name for p, _, _ in ranked), key=len), "category": first("category"),
            "value_yuan": yuan(amount), "amount": decimal_text(amount.value) if amount else None,
            "raw": amount.raw if amount else None, "unit": amount.unit if amount else None,
            "sources": ";".join(f"{k.value} p.{p.provenance.page}" for p, _, k in listings),
            "listed": len(listings), "page": main.provenance.page}
