"""The recorder every check reports to, and the tolerance rules shared by all checks.

A difference of zero passes. A difference within the rounding allowance (one unit of the
last printed decimal per summed term, the 尾数误差 documents warn of) passes the identity
but is reported as ``info``; beyond it, up to ``large_abs`` (0.5 万元 by default) it is a
``warning``; beyond that an ``error``. Nothing is ever corrected.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline.vocabulary import UNIT_IN_WAN
from schemas.flags import SEVERITY_ORDER, CheckCount, CheckId, ChecksSummary, Flag, Severity
from schemas.provenance import Amount, Provenance


@dataclass(frozen=True)
class Tolerance:
    """Configurable allowances. ``per_term`` is in units of the last printed decimal place."""

    per_term: Decimal = Decimal(1)
    large_abs_wan: Decimal = Decimal("0.5")  # in 万元, scaled to the table's unit
    share_points: Decimal = Decimal("0.05")  # percentage points beyond the printed precision


def places(raw: str) -> int:
    """Decimal places of the number printed in ``raw`` ('40.81%' -> 2, '1,130' -> 0)."""
    m = re.search(r"\d[\d,]*(?:[.．](\d+))?", raw)
    return len(m.group(1)) if m and m.group(1) else 0


@dataclass
class Recorder:
    tolerance: Tolerance = field(default_factory=Tolerance)
    flags: list[Flag] = field(default_factory=list)
    counts: dict[CheckId, CheckCount] = field(default_factory=lambda: defaultdict(CheckCount))

    def ok(self, check: CheckId) -> None:
        c = self.counts[check]
        c.ran += 1
        c.passed += 1

    def fail(self, flag: Flag) -> None:
        c = self.counts[flag.check]
        c.ran += 1
        if flag.severity is Severity.info:
            c.passed += 1  # within the rounding allowance: the identity holds
        else:
            c.failed += 1
        self.flags.append(flag)

    def compare(self, check: CheckId, message: str, expected: Decimal, found: Amount,
                terms: list[Amount], unit: str, table: str | None = None,
                extra: list[Provenance] | None = None, summed: bool = True) -> bool:
        """Check ``found`` against ``expected`` (a sum of ``terms``); record the outcome.
        ``summed=False``: ``expected`` is another printing of the same figure, which no
        rounding can excuse, so any difference is at least a warning."""
        assert found.value is not None
        diff = found.value - expected
        if diff == 0:
            self.ok(check)
            return True
        step = Decimal(1).scaleb(-max([places(found.raw), *(places(t.raw) for t in terms)]))
        allowance = self.tolerance.per_term * step * max(len(terms), 1) if summed else Decimal(0)
        large = self.tolerance.large_abs_wan / UNIT_IN_WAN.get(unit, Decimal(1))
        severity = Severity.info if abs(diff) <= allowance else (
            Severity.warning if abs(diff) <= large else Severity.error)
        locs = [a.provenance for a in [found, *terms] if a.provenance is not None]
        self.fail(Flag(
            check=check, severity=severity, table=table, expected=expected, found=found.value,
            difference=diff, message=f"{message}: stated {found.raw}, expected {expected} "
            f"(difference {diff:+}{' ' + unit if unit else ''})",
            locations=[*locs, *(extra or [])],
        ))
        return False

    def summary(self) -> ChecksSummary:
        by = {k: v for k, v in sorted(self.counts.items())}
        return ChecksSummary(
            ran=sum(c.ran for c in by.values()), passed=sum(c.passed for c in by.values()),
            failed=sum(c.failed for c in by.values()), by_check=by,
        )

    def sorted_flags(self) -> list[Flag]:
        return sorted(self.flags, key=lambda f: (SEVERITY_ORDER[f.severity], f.check))
