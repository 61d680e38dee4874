"""Mutation testing of the checks: corrupt a correct extraction the ways models and typists
do, run the checks, and count how many corruptions they catch.

Value corruptions change one figure (a digit, two transposed digits, a shifted decimal
point, a 元/万元 scale, an invented number); structural ones drop or duplicate a row, swap
two columns of a row, or attach a value to the wrong code. A corruption counts as
detected when a flag (warning or error) appears that the clean extraction did not raise.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from pipeline.verify import PageNumbers, verify
from schemas.document import Disclosure
from schemas.provenance import Amount
from schemas.tables import TableKind, TableRow

VALUE_KINDS = ["digit", "transpose", "decimal_shift", "scale_10000", "invented"]
ROW_KINDS = ["drop_row", "duplicate_row", "swap_columns", "wrong_code"]


@dataclass
class Outcome:
    kind: str
    detected: bool
    must_detect: bool  # a single figure that no longer occurs on its page


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    clean_checks: int = 0  # checks run on the extractions of consistent documents
    clean_false_flags: int = 0  # error flags raised on them

    def rate(self, kind: str | None = None, must: bool | None = None) -> float:
        sel = [o for o in self.outcomes if (kind is None or o.kind == kind)
               and (must is None or o.must_detect == must)]
        return sum(o.detected for o in sel) / len(sel) if sel else 1.0

    def table(self) -> str:
        lines = ["| corruption | tried | detected |", "|---|---:|---:|"]
        for k in VALUE_KINDS + ROW_KINDS:
            n = sum(1 for o in self.outcomes if o.kind == k)
            if n:
                lines.append(f"| {k} | {n} | {self.rate(k):.1%} |")
        must = [o for o in self.outcomes if o.must_detect]
        lines.append(f"| all | {len(self.outcomes)} | {self.rate():.1%} |")
        lines.append(f"| single figures absent from their page | {len(must)} | "
                     f"{self.rate(must=True):.1%} |")
        fp = self.clean_false_flags / self.clean_checks if self.clean_checks else 0
        lines.append(f"| false flags on clean extractions | {self.clean_false_flags} of "
                     f"{self.clean_checks} checks | {fp:.2%} |")
        return "\n".join(lines)


def _signature(d: Disclosure, pages: PageNumbers) -> tuple[set[tuple[str, str]], int]:
    flags, summary = verify(d, pages)
    return {(f.check, f.message) for f in flags if f.severity.value != "info"}, summary.ran


def _amounts(d: Disclosure) -> list[tuple[TableRow, str, Amount]]:
    out = []
    for t in d.tables:
        if t.kind in (TableKind.other, TableKind.performance_targets):
            continue
        for r in t.rows:
            for k, a in r.values.items():
                if a.value is not None and a.value != 0:
                    out.append((r, k, a))
    return out


def _fmt(v: Decimal, like: str) -> str:
    places = len(like.split(".")[1]) if "." in like else 0
    q = v.quantize(Decimal(1).scaleb(-places)) if places else v
    return f"{q:,}" if "," in like else f"{q}"


def _digits(rng: random.Random, a: Amount, kind: str) -> Decimal | None:
    s = str(a.value)
    pos = [i for i, c in enumerate(s) if c.isdigit()]
    if kind == "digit":
        i = rng.choice(pos)
        new = str((int(s[i]) + rng.randint(1, 9)) % 10)
        s2 = s[:i] + new + s[i + 1:]
    elif kind == "transpose":
        pairs = [i for i in pos if i + 1 in pos and s[i] != s[i + 1]]
        if not pairs:
            return None
        i = rng.choice(pairs)
        s2 = s[:i] + s[i + 1] + s[i] + s[i + 2:]
    elif kind == "decimal_shift":
        return a.value * (Decimal(10) if rng.random() < 0.5 else Decimal("0.1"))
    elif kind == "scale_10000":
        return a.value * 10000
    else:  # invented: a plausible figure of the same size
        return (a.value * Decimal(rng.uniform(0.3, 1.7))).quantize(Decimal("0.01"))
    v = Decimal(s2)
    return None if v == a.value else v


def corruptions(d: Disclosure, rng: random.Random, per_kind: int
                ) -> Iterator[tuple[str, Callable[[Disclosure], bool | None]]]:
    """(kind, mutator) pairs; a mutator edits a copy in place and says if its figure is
    absent from its page (None for structural corruptions)."""
    n_amounts = len(_amounts(d))
    if not n_amounts:
        return
    for kind in VALUE_KINDS:
        for _ in range(per_kind):
            idx = rng.randrange(n_amounts)
            yield kind, partial(_mutate_value, idx=idx, kind=kind, seed=rng.random())
    tables = [i for i, t in enumerate(d.tables) if any(r.code for r in t.rows)
              and t.kind not in (TableKind.other, TableKind.performance_targets)]
    for kind in ROW_KINDS:
        for _ in range(per_kind if tables else 0):
            ti = rng.choice(tables)
            yield kind, partial(_mutate_rows, ti=ti, kind=kind, seed=rng.random())


def _mutate_value(c: Disclosure, idx: int, kind: str, seed: float) -> bool | None:
    a = _amounts(c)[idx][2]
    v = _digits(random.Random(seed), a, kind)
    if v is None:
        return None
    a.value, a.raw = v, _fmt(v, a.raw)
    return True  # refined by the caller against the page


def _mutate_rows(c: Disclosure, ti: int, kind: str, seed: float) -> bool | None:
    r = random.Random(seed)
    t = c.tables[ti]
    coded = [i for i, x in enumerate(t.rows) if x.code and x.values]
    if not coded:
        return None
    i = r.choice(coded)
    if kind == "drop_row":
        del t.rows[i]
        return False
    if kind == "duplicate_row":
        t.rows.insert(i + 1, t.rows[i].model_copy(deep=True))
        return False
    if kind == "swap_columns":
        return _swap_columns(t.rows, r)
    return _wrong_code(t.rows, coded, i, r)


def _pairs_of(x: TableRow) -> list[tuple]:
    ks = [k for k, a in x.values.items() if a.value]
    return [(p, q) for p in ks for q in ks if p < q and x.values[p].value != x.values[q].value]


def _swap_columns(rows: list[TableRow], r: random.Random) -> bool | None:
    candidates = [x for x in rows if x.code and _pairs_of(x)]
    if not candidates:
        return None
    vals = r.choice(candidates)
    x, y = r.choice(_pairs_of(vals))
    vals.values[x], vals.values[y] = vals.values[y], vals.values[x]
    return False


def _wrong_code(rows: list[TableRow], coded: list[int], i: int, r: random.Random) -> bool | None:
    """Two rows' figures of one column trade places."""
    j = r.choice(coded)
    cols = set(rows[i].values) & set(rows[j].values)
    cols = {k for k in cols if rows[i].values[k].value != rows[j].values[k].value}
    if i == j or not cols:
        return None
    k = r.choice(sorted(cols))
    rows[i].values[k], rows[j].values[k] = rows[j].values[k], rows[i].values[k]
    return False


def mutation_report(docs: list[tuple[Disclosure, PageNumbers, bool]], per_kind: int = 10,
                    seed: int = 7) -> Report:
    """``docs``: (clean extraction, its page numbers, whether the document is known to be
    free of real inconsistencies, so that every error flag on it is a false one)."""
    rng = random.Random(seed)
    report = Report()
    for d, pages, consistent in docs:
        base, ran = _signature(d, pages)
        if consistent:
            report.clean_checks += ran
            report.clean_false_flags += sum(
                1 for f in verify(d, pages)[0] if f.severity.value == "error")
        for kind, mutate in corruptions(d, rng, per_kind):
            c = d.model_copy(deep=True)
            single = mutate(c)
            if single is None:  # nothing to corrupt there
                continue
            must = False
            if single:
                changed = [a for (_, _, a), (_, _, b) in zip(_amounts(c), _amounts(d), strict=True)
                           if a.value != b.value]
                must = bool(changed) and not pages.on(changed[0].provenance.page,  # type: ignore[union-attr]
                                                      changed[0].value.copy_abs())  # type: ignore[union-attr]
            sig, _ = _signature(c, pages)
            report.outcomes.append(Outcome(kind, bool(sig - base), must))
    return report
