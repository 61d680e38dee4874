"""Nothing lost silently: function codes printed in the source that no standard table holds.

A 款 or 项 code of the expenditure classification (``2xxxx``, ``2xxxxxx``) printed right
before a name is a row of some table. If no standard table extracted a row with that
code, the table it belongs to was lost, truncated or left unclassified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.verify.checks import Recorder
from schemas.document import Disclosure
from schemas.flags import CheckId, Flag, Severity
from schemas.provenance import Provenance
from schemas.tables import TableKind

# a 款 (5 digits) or 项 (7 digits) code of the 2xx expenditure classes, followed by its name
# (or printed as 类|款|项 parts in cells of their own: 201 | 06 | 01 | 行政运行)
PRINTED_CODE = re.compile(
    r"(?<![\d.,])(2[0-3]\d(?:\d{2}(?:\d{2})?|[\s|]+\d{2}(?:[\s|]+\d{2})?))(?![\d.,%])"
    r"[\s|]*(?=[\u4e00-\u9fff])")
SHOWN_CODES = 8  # codes named in a flag's message


FUNCTION_CLASSES = range(201, 235)  # 201 一般公共服务支出 … 234 抗疫特别国债安排的支出


def is_function_code(code: str) -> bool:
    """A 款/项 code of an expenditure class: no part is 00 (20000 元 is an amount)."""
    parts = [code[i:i + 2] for i in range(3, len(code), 2)]
    return int(code[:3]) in FUNCTION_CLASSES and "00" not in parts


def printed_codes(page_texts: dict[int, str]) -> dict[str, int]:
    """Each function code printed before a name, with the first page it is printed on."""
    out: dict[str, int] = {}
    for page in sorted(page_texts):
        for m in PRINTED_CODE.finditer(page_texts[page]):
            code = re.sub(r"\D", "", m.group(1))
            if is_function_code(code):
                out.setdefault(code, page)
    return out


@dataclass
class Coverage:
    printed: dict[str, int]  # code -> first page
    in_standard: set[str] = field(default_factory=set)

    @property
    def outside(self) -> dict[str, int]:
        return {c: p for c, p in self.printed.items() if c not in self.in_standard}

    @property
    def share(self) -> float | None:
        if not self.printed:
            return None
        return round(1 - len(self.outside) / len(self.printed), 4)


def code_coverage(d: Disclosure, printed: dict[str, int]) -> Coverage:
    """Which printed codes sit in rows of standard tables."""
    held = {re.sub(r"\D", "", r.code) for t in d.tables if t.kind is not TableKind.other
            for r in t.rows if r.code}
    return Coverage(printed=printed, in_standard={c for c in printed if c in held})


def check_coverage(d: Disclosure, printed: dict[str, int], rec: Recorder) -> Coverage:
    cov = code_coverage(d, printed)
    outside = cov.outside
    if not outside:
        if cov.printed:
            rec.ok(CheckId.codes_outside)
        return cov
    pages = sorted(set(outside.values()))
    shown = ", ".join(sorted(outside)[:SHOWN_CODES]) + (" …" if len(outside) > SHOWN_CODES else "")
    rec.fail(Flag(
        check=CheckId.codes_outside, severity=Severity.warning,
        message=f"{len(outside)} of {len(cov.printed)} function codes printed in the document "
        f"are in no standard table ({shown}; p.{','.join(map(str, pages[:SHOWN_CODES]))}): a "
        "table was lost, truncated or not recognised",
        locations=[Provenance(page=p, source=c) for c, p in
                                       sorted(outside.items(), key=lambda x: x[1])[:SHOWN_CODES]]))
    return cov


def check_metadata(d: Disclosure, rec: Recorder) -> None:
    """Metadata not read from a title page is said so (info), with where it came from."""
    m = d.metadata
    if not m.inferred:
        rec.ok(CheckId.metadata_inferred)
        return
    parts = ", ".join(f"{k} from {v}" for k, v in m.inferred.items())
    rec.fail(Flag(check=CheckId.metadata_inferred, severity=Severity.info,
                  message=f"no title page names this document: {parts} "
                  f"({m.department}, {m.year or 'year unknown'}, {m.kind.value})",
                  locations=[m.provenance]))


IDENTITY_CHECKS = {CheckId.hierarchy, CheckId.row_sum, CheckId.balance, CheckId.duplicate_code,
                   CheckId.cross_table}


def cap_inferred_layouts(d: Disclosure, rec: Recorder) -> None:
    """Identities that fail in tables whose columns were inferred from converter text are
    warnings, not errors: the figure may sit in the wrong column by our reading. The flag
    stays, says so, and keeps every location."""
    inferred = {t.title for t in d.tables if t.layout_inferred}
    if not inferred:
        return
    for i, f in enumerate(rec.flags):
        if f.check in IDENTITY_CHECKS and f.severity is Severity.error and f.table in inferred:
            rec.flags[i] = f.model_copy(update={
                "severity": Severity.warning,
                "message": f.message + " (table rebuilt from converter text: its columns were "
                "inferred, so this may be a misread rather than the document's error)"})
