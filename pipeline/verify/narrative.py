"""Narrative against tables (identity 5): stated amounts, totals, shares, changes and their
direction words; plus tables the text names but that are missing, and empty tables with
no explanation."""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.extract.narrative import is_comparison_base, sentence_position
from pipeline.numbers import without_spaces
from pipeline.verify.checks import Recorder, places
from pipeline.vocabulary import UNIT_IN_WAN
from schemas.document import Disclosure
from schemas.flags import CheckId, Flag, Severity
from schemas.narrative import FigureKind, NarrativeFigure
from schemas.provenance import Amount, Provenance
from schemas.tables import ColumnKey, Table, TableKind

K = ColumnKey


_norm = without_spaces


def _as_amount(f: NarrativeFigure) -> Amount:
    return Amount(value=f.value, raw=f.raw, unit=f.unit if f.unit != "%" else "万元",  # type: ignore[arg-type]
                  provenance=f.provenance)


def _in_unit(value: Decimal, unit: str, target: str) -> Decimal:
    return value * UNIT_IN_WAN.get(unit, Decimal(1)) / UNIT_IN_WAN.get(target, Decimal(1))


def _same_when_rounded(f: NarrativeFigure, table_value: Decimal, table_unit: str) -> bool:
    """The table's figure, in the text's unit and rounded as the text prints, equals it:
    '2,338.24万元' states 23,382,409.50 元."""
    in_text_unit = _in_unit(table_value, table_unit, f.unit)
    step = Decimal(1).scaleb(-places(f.raw))
    return in_text_unit.quantize(step) == f.value.quantize(step)


def _table(d: Disclosure, kind: TableKind) -> Table | None:
    return next((t for t in d.tables if t.kind is kind and t.part == 1 and t.rows), None)


# tables by function code whose rows a narrative '（类）（款）（项）' amount may describe: the
# 收支 overview describes 支出总表, the general-budget chapter 一般公共预算支出表
_ITEM_TABLES = (TableKind.general_budget_expenditure, TableKind.expenditure_summary)


def check_items(d: Disclosure, rec: Recorder) -> None:
    """'（1）X（类）Y（款）Z（项）677.21万元' against the row of the code it names (the
    extraction links the path to its code) in each table by function code: the text may
    describe any of them (all funds or the general budget), so it agrees when one of them
    prints the amount; it is reported against the first when none does."""
    tables = [t for t in d.tables if t.kind in _ITEM_TABLES and t.part == 1 and t.rows]
    tables.sort(key=lambda t: _ITEM_TABLES.index(t.kind))
    if not tables:
        return
    by_code = [(t, {r.code: r for r in t.rows if r.code}) for t in tables]
    for f in d.figures:
        if f.kind is not FigureKind.amount or f.code is None:
            continue
        candidates = [(t, rows, a) for t, rows in by_code if f.code in rows
                      and (a := rows[f.code].values.get(K.total)) is not None and a.value is not None]
        if not candidates:
            continue
        if any(_in_unit(f.value, f.unit, t.unit) == a.value or _same_when_rounded(f, a.value, t.unit)  # type: ignore[arg-type]
               for t, _, a in candidates):
            rec.ok(CheckId.narrative_amount)
            continue
        table, rows, a = candidates[0]
        row = rows[f.code]
        stated = _in_unit(f.value, f.unit, table.unit)
        hint = ""
        parent = rows.get(f.code[:-2]) if len(f.code) > 3 else None
        if parent and (pt := parent.values.get(K.total)) and pt.value == stated:
            hint = f"; {f.raw} is the {'款' if len(f.code) == 7 else '类'} total of {parent.name}"
        also = "".join(f", '{t.title}' {x.raw}" for t, _, x in candidates[1:])
        rec.compare(CheckId.narrative_amount, f"the text states {row.name} ({f.code}) as {f.raw}, the "
                    f"table '{table.title}' says {a.raw}{also}{hint}",
                    a.value, Amount(value=stated, raw=f.raw, unit=table.unit,  # type: ignore[arg-type]
                                    provenance=f.provenance), [a], table.unit, table.title)


_TOTALS: list[tuple[str, TableKind, str, str | None, ColumnKey | None]] = [
    # subject pattern, table, side, row label pattern (None: the 合计 row), column
    (r"财政拨款收入支出总计$|财政拨款收支总(预算|计)$", TableKind.fiscal_summary, "income",
     r"(收入)?总计", None),
    (r"(?<!财政拨款)(收入支出总计|收支总(预算|计))$", TableKind.income_expenditure_summary,
     "income", r"(收入)?总计", None),
    (r"[“\"]三公[”\"]经费(支出)?(预算数?|决算数?)?(为|合计)?$", TableKind.three_public, "", None,
     K.total),
]


def _columns_by_year(table) -> bool:
    """A table whose columns repeat under several years (2019年 | 2020年 | 增减变化, or a
    合计 column printed again per block): which year's block a total column belongs to is
    not known from converter text."""
    years = {y for c in table.columns for y in re.findall(r"(?:19|20)\d{2}(?=年)", c)}
    totals = [c for c in table.columns if re.fullmatch(r"[合总]计", c.split("/")[-1])]
    return len(years) >= 2 or len(totals) >= 2


def check_totals(d: Disclosure, rec: Recorder) -> None:
    """Document totals stated in prose (收支总计, “三公”经费) against the tables."""
    for pattern, kind, side, label, col in _TOTALS:
        table = _table(d, kind)
        if table is None:
            continue
        if label is not None:
            row = next((r for r in table.rows if (r.side or "") == side
                        and re.fullmatch(label, _norm(r.name))), None)
            a = None if row is None else (row.values.get(K.amount) or row.values.get(K.total))
        else:
            row = next((r for r in table.rows if r.is_total), None)
            a = None if row is None else row.values.get(col)  # type: ignore[arg-type]
        if a is None or a.value is None or _columns_by_year(table):
            continue  # nothing to compare, or a column whose year the header leaves open
        for f in d.figures:
            if f.kind is not FigureKind.amount or not re.search(pattern, _norm(f.subject)):
                continue
            stated = _in_unit(f.value, f.unit, table.unit)
            if _same_when_rounded(f, a.value, table.unit):  # type: ignore[arg-type]
                rec.ok(CheckId.narrative_total)
                continue
            rec.compare(CheckId.narrative_total, f"the text states {f.subject[-16:]} as {f.raw}; "
                        f"'{table.title}' says {a.raw}", a.value,  # type: ignore[arg-type]
                        Amount(value=stated, raw=f.raw, unit=table.unit, provenance=f.provenance),
                        [a], table.unit, table.title)


def check_shares_and_changes(d: Disclosure, rec: Recorder) -> None:
    by_sentence: dict[tuple[int, str], list[NarrativeFigure]] = {}
    for f in d.figures:
        by_sentence.setdefault((f.provenance.page, f.sentence), []).append(f)
    for figs in by_sentence.values():
        for i, f in enumerate(figs):
            if f.kind is FigureKind.change_amount and i > 0:
                _change(figs, i, rec)
            if f.kind is FigureKind.change_percent:
                prev = next((g for g in reversed(figs[:i]) if g.kind is FigureKind.change_amount),
                            None)
                if prev is not None and prev.direction and f.direction and prev.direction != f.direction:
                    rec.fail(Flag(
                        check=CheckId.narrative_direction, severity=Severity.error,
                        message=f"'{prev.raw}' is stated as {prev.direction} but '{f.raw}' as "
                        f"{f.direction} in one sentence", locations=[prev.provenance, f.provenance]))
                elif prev is not None:
                    rec.ok(CheckId.narrative_direction)


def _change(figs: list[NarrativeFigure], i: int, rec: Recorder) -> None:
    """'收入预算 A 万元，比上年减少 C 万元，下降 P%': P = C / (A ± C). When the sentence prints
    last year's figure ('比2025年年初预算数 X 减少 C，下降 P%'), X is the base: P = C / X,
    and A − X must be ±C when A is printed right before the comparison."""
    change = figs[i]
    pct = next((g for g in figs[i + 1:i + 2] if g.kind is FigureKind.change_percent), None)
    before = [j for j in range(i) if figs[j].kind is FigureKind.amount
              and figs[j].unit == change.unit]
    if not before or change.direction is None:
        return
    signed = change.value if change.direction == "increase" else -change.value
    last = figs[before[-1]]
    if is_comparison_base(last, _nth(figs, before[-1])):
        base = last.value
        if before[-1] > 0 and before[-1] - 1 == (before[-2] if len(before) > 1 else -1):
            _difference(figs, before[-2], before[-1], change, signed, rec)
        how = f"{last.raw}, the figure it is compared with"
    else:
        base = last.value - signed
        how = f"{last.raw} {'+' if change.direction == 'decrease' else '-'} {change.raw}"
    if pct is None or base <= 0:
        return
    expected = change.value / base * 100
    step = Decimal(1).scaleb(-places(pct.raw))
    diff = pct.value - expected
    if abs(diff) <= step / 2 + Decimal("0.0001"):
        rec.ok(CheckId.narrative_change)
        return
    severity = Severity.info if abs(diff) <= step else Severity.error
    rec.fail(Flag(
        check=CheckId.narrative_change, severity=severity, expected=expected.quantize(step),
        found=pct.value, difference=(pct.value - expected).quantize(Decimal("0.01")),
        message=f"{change.raw} on a base of {base} (= {how}) is "
        f"{expected.quantize(step)}%, the text says {pct.raw}",
        locations=[last.provenance, change.provenance, pct.provenance]))


def _nth(figs: list[NarrativeFigure], j: int) -> int:
    """How many figures of the sentence before ``figs[j]`` print the same text."""
    return sum(g.raw == figs[j].raw for g in figs[:j])


# between this year's figure and the comparison: '9626.78万元，比2025年年初预算数 9819.98万元'
_ADJACENT = re.compile(r"[，,]?\s*(与)?(比|较|相比|对比)[^，。；！？,;]*")


def _difference(figs: list[NarrativeFigure], a: int, x: int, change: NarrativeFigure,
                signed: Decimal, rec: Recorder) -> None:
    """'A，比上年 X 增加 C': A − X = C, each printed to its precision (two rounded terms),
    when the comparison follows A directly."""
    current, base = figs[a], figs[x]
    sa, sx = sentence_position(current, _nth(figs, a)), sentence_position(base, _nth(figs, x))
    if sa is None or sx is None or not _ADJACENT.fullmatch(
            current.sentence[sa + len(current.raw):sx]):
        return
    stated = Amount(value=signed, raw=change.raw, unit=change.unit, provenance=change.provenance)  # type: ignore[arg-type]
    rec.compare(CheckId.narrative_change, f"{current.raw} compared with {base.raw} is a change of "
                f"{current.value - base.value}, the text says {change.raw}",
                current.value - base.value, stated, [_as_amount(current), _as_amount(base)],
                change.unit)


def _share_pairs(figs: list[NarrativeFigure]) -> list[tuple[NarrativeFigure, NarrativeFigure]]:
    """(share, part) pairs: the part is the amount stated just before '占 x%', skipping a
    parenthetical amount such as '（上年结转 0.00 万元）'."""
    out = []
    for i, f in enumerate(figs):
        if f.kind is not FigureKind.share or f.value <= 0:
            continue
        for g in reversed(figs[max(0, i - 3):i]):
            if g.kind is not FigureKind.amount:
                break
            if g.subject.count("（") > g.subject.count("）"):
                continue  # inside an open parenthesis
            if g.subject == f.subject:
                out.append((f, g))
            break
    return out


def check_shares(d: Disclosure, rec: Recorder) -> None:
    """'X 40148.74 万元，占 99.64%'. The base of a paragraph's shares is rarely named next to
    them, so it is inferred: the stated amount that most of the paragraph's shares agree
    with. A share is judged only against a base that at least one other share confirms."""
    by_section: dict[str | None, list[NarrativeFigure]] = {}
    for f in d.figures:
        by_section.setdefault(f.section, []).append(f)
    bases = {f.value for f in d.figures if f.kind is FigureKind.amount and f.value > 0}
    for figs in by_section.values():
        pairs = _share_pairs(figs)
        if len(pairs) < 2:
            continue

        def fits(share: NarrativeFigure, part: NarrativeFigure, base: Decimal) -> bool:
            step = Decimal(1).scaleb(-places(share.raw))
            return abs(part.value / base * 100 - share.value) <= step / 2 + Decimal("0.0001")

        top = max(p.value for _, p in pairs)
        scored = [(sum(fits(s, p, b) for s, p in pairs), -b, b) for b in bases if b >= top]
        if not scored:
            continue
        n, _, base = max(scored)
        if n < 2:
            continue  # no base confirmed by two shares: nothing to judge against
        for share, part in pairs:
            if fits(share, part, base):
                rec.ok(CheckId.narrative_share)
                continue
            step = Decimal(1).scaleb(-places(share.raw))
            expected = part.value / base * 100
            diff = share.value - expected
            rec.fail(Flag(
                check=CheckId.narrative_share, severity=Severity.info if abs(diff) <= step
                else Severity.error, expected=expected.quantize(step), found=share.value,
                difference=diff.quantize(step),
                message=f"{part.subject} {part.raw} is {expected.quantize(step)}% of {base}, "
                f"the base {n} other shares of this paragraph use; the text says {share.raw}",
                locations=[part.provenance, share.provenance]))


def check_structure(d: Disclosure, rec: Recorder) -> None:
    found = {t.kind for t in d.tables}
    named = [k for k in d.mentioned_tables if k is not TableKind.other]
    if len(named) > 1 and not found - {TableKind.other}:
        # a narrative-only file whose contents list the tables of another file: one warning
        rec.fail(Flag(check=CheckId.table_missing, severity=Severity.warning,
                      message=f"the document names {len(named)} standard tables "
                      f"({', '.join(k.value for k in named)}) but contains none of them: they "
                      "may be published in a separate file", locations=[]))
        named = []
    for kind in named:
        if kind in found:
            rec.ok(CheckId.table_missing)
            continue
        rec.fail(Flag(check=CheckId.table_missing, severity=Severity.warning,
                      message=f"the document names a {kind.value} table, but none was found",
                      locations=[]))
    for t in d.tables:
        if t.kind is TableKind.other or not t.empty:
            continue
        if t.empty_note:
            rec.ok(CheckId.empty_unexplained)
            continue
        rec.fail(Flag(check=CheckId.empty_unexplained, severity=Severity.warning, table=t.title,
                      message=f"'{t.title}' has no figures and no statement saying why (空表说明)",
                      locations=[r.provenance for r in t.rows[:1]]
                      or [Provenance(page=t.pages[0], source=t.title)]))


