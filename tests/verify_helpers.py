"""Builders for small, hand-made extractions the check tests run on."""

from __future__ import annotations

from decimal import Decimal

from pipeline.verify import PageNumbers, verify
from schemas.document import Disclosure, DocumentKind, Metadata, TableReport
from schemas.narrative import FigureKind, NarrativeFigure
from schemas.provenance import Amount, Provenance
from schemas.tables import ColumnKey, Table, TableKind, TableRow


def prov(page: int = 1, source: str = "") -> Provenance:
    return Provenance(page=page, source=source)


def amt(raw: str, page: int = 1, unit: str = "万元") -> Amount:
    v = raw.replace(",", "")
    return Amount(value=Decimal(v) if v else None, raw=raw, unit=unit, provenance=prov(page, raw))


def row(code: str | None, name: str, page: int = 1, is_total: bool = False, side=None,
        **values: str) -> TableRow:
    level = {3: "类", 5: "款", 7: "项"}.get(len(code)) if code else None
    return TableRow(code=code, level=level, name=name, side=side, is_total=is_total,
                    values={ColumnKey(k): amt(v, page) for k, v in values.items()},
                    provenance=prov(page, name))


def table(kind: str, rows: list[TableRow], title: str = "表", unit: str = "万元",
          empty: bool = False, note: str | None = None, page: int = 1) -> Table:
    return Table(kind=TableKind(kind), title=title, pages=[page], unit=unit, unit_stated=True,
                 columns=[], column_keys=[], rows=rows, empty=empty, empty_note=note)


def figure(kind: str, raw: str, subject: str, sentence: str, page: int = 1, direction=None,
           section: str = "s") -> NarrativeFigure:
    unit = "%" if raw.endswith("%") else "万元"
    value = Decimal(raw.rstrip("%").replace("万元", "").replace(",", ""))
    return NarrativeFigure(kind=FigureKind(kind), value=value, raw=raw, unit=unit,
                           subject=subject, direction=direction, section=section,
                           sentence=sentence, provenance=prov(page, raw))


def disclosure(tables=(), figures=(), mentioned=()) -> Disclosure:
    return Disclosure(
        source="t.pdf", source_sha256="0", source_format="pdf", page_count=1,
        metadata=Metadata(department="某局", year=2024, kind=DocumentKind.budget,
                          currency_unit="万元", title="2024年某局部门预算", provenance=prov()),
        tables=list(tables), table_report=TableReport(found=[], missing=[], empty=[]),
        figures=list(figures), mentioned_tables=[TableKind(m) for m in mentioned],
    )


def run(d: Disclosure, pages: dict[int, str] | None = None):
    """Flags of every check; the page text defaults to all the figures the extraction has."""
    if pages is None:
        nums = [a.raw for t in d.tables for r in t.rows for a in r.values.values()]
        nums += [f.raw for f in d.figures]
        pages = {1: " ".join(nums)}
    return verify(d, PageNumbers(pages))


def checks(flags, severity: str | None = None) -> set[str]:
    return {f.check for f in flags if severity is None or f.severity.value == severity}
