"""Scoring one extraction against its gold annotations.

Table cells are matched by table kind (and part), then row key (side, then the code, or
the normalised name when the row has no code, with an occurrence number for repeats),
then canonical column. Values are compared exactly after normalisation to 元, so
``1,401.44`` 万元 equals ``14014400`` 元. A gold value the extraction lacks or gets wrong
is a false negative; a value the extraction states where the gold cell is blank, or a
wrong value, is a false positive. Rows of a table marked ``complete`` that the gold does
not list are false positives too; key-figure gold scores only the rows it lists.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline.numbers import normalise_text, parse_amount
from pipeline.vocabulary import NARRATIVE_FIGURE, UNIT_SCALE
from schemas.document import Disclosure
from schemas.flags import Flag, Severity
from schemas.gold import GoldDocument, GoldTable
from schemas.indicators import PerformanceIndicator
from schemas.tables import ColumnKey, Table, TableKind, TableRow


@dataclass
class Counts:
    """True positives, false positives and false negatives, with P/R/F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        def rnd(x: float | None) -> float | None:
            return None if x is None else round(x, 4)
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": rnd(self.precision),
                "recall": rnd(self.recall), "f1": rnd(self.f1)}


@dataclass
class Miss:
    """One disagreement between the gold and the extraction, with where to look."""

    area: str  # cell, metadata, project, indicator, figure, anomaly, flag, table
    what: str
    expected: str | None
    found: str | None
    page: int | None = None

    def as_dict(self) -> dict:
        return {"area": self.area, "what": self.what, "expected": self.expected,
                "found": self.found, "page": self.page}


@dataclass
class DocScore:
    """Every score of one document."""

    document: str
    coverage: str
    cells: Counts = field(default_factory=Counts)
    cells_by_kind: dict[str, Counts] = field(default_factory=dict)
    metadata_correct: int = 0
    metadata_total: int = 0
    projects: Counts = field(default_factory=Counts)
    indicators: Counts = field(default_factory=Counts)
    indicator_fields_correct: int = 0
    indicator_fields_total: int = 0
    figures: Counts = field(default_factory=Counts)
    anomalies_flagged: int = 0
    anomalies_total: int = 0
    error_flags_matching: int = 0
    error_flags_total: int = 0
    misses: list[Miss] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    model: dict | None = None  # what the model path cost (calls, tokens, parts), if it ran

    @property
    def metadata_accuracy(self) -> float | None:
        return self.metadata_correct / self.metadata_total if self.metadata_total else None

    @property
    def flag_recall(self) -> float | None:
        return self.anomalies_flagged / self.anomalies_total if self.anomalies_total else None

    @property
    def flag_precision(self) -> float | None:
        return (self.error_flags_matching / self.error_flags_total
                if self.error_flags_total else None)


# --- normalisation ---------------------------------------------------------------------

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]"
                      r"(?!\d))")
_NOT_WORD = re.compile(r"[^\w%]+")


def norm_name(s: str | None) -> str:
    """A row or indicator label reduced to what identifies it: no spaces, punctuation,
    leading ordinal (一、 （一） 1.) or 其中 prefix."""
    if not s:
        return ""
    t = normalise_text(s)
    t = re.sub(r"^其中[:：]?", "", t)
    t = _ORDINAL.sub("", t)
    return _NOT_WORD.sub("", t).lower()


def to_yuan(raw: str | None, unit: str) -> Decimal | None:
    """A printed amount in 元, or None for a blank or a dash."""
    v = parse_amount(raw)
    return None if v is None else (v * UNIT_SCALE[unit]).normalize()


def _amount_yuan(a) -> Decimal | None:
    return None if a is None or a.value is None else (a.value * UNIT_SCALE[a.unit]).normalize()


def _show(v: Decimal | None, unit: str) -> str | None:
    if v is None:
        return None
    return f"{(v / UNIT_SCALE[unit]).normalize():f} {unit}"


# --- tables ----------------------------------------------------------------------------

def _keyed(keys: list[tuple]) -> list[tuple]:
    seen: dict[tuple, int] = defaultdict(int)
    out = []
    for k in keys:
        seen[k] += 1
        out.append((*k, seen[k]))
    return out


def _gold_key(t: GoldTable, row: list[str]) -> tuple:
    c = t.columns
    side = row[c.index("side")] if "side" in c else ""
    code = normalise_text(row[c.index("code")]) if "code" in c else ""
    unit = norm_name(row[c.index("unit_name")]) if "unit_name" in c else ""
    name = row[c.index("name")] if "name" in c else ""
    return (side, unit, code or norm_name(name))


_UNIT_CODE = re.compile(r"单位(编码|代码)")


def _row_key(t: GoldTable, r: TableRow, gold_keys: set[tuple] | None = None) -> tuple:
    """A row's key: side, unit, then its code or its name. A row printed with a 单位编码 is
    also known by that code when the gold names the row by it (and not by its name)."""
    side = (r.side or "") if "side" in t.columns else ""
    unit = norm_name(r.unit_name) if "unit_name" in t.columns else ""
    key = (side, unit, r.code or norm_name(r.name))
    unit_code = next((normalise_text(v) for k, v in r.texts.items() if _UNIT_CODE.search(k)), None)
    if gold_keys is not None and unit_code and key not in gold_keys \
            and (side, unit, unit_code) in gold_keys:
        return (side, unit, unit_code)
    return key


def _describe(kind: str, key: tuple, column: str) -> str:
    side, unit, ident, n = key
    parts = [kind, *(p for p in (side, unit) if p), ident or "(no label)"]
    return " / ".join(parts) + (f" #{n}" if n > 1 else "") + f" [{column}]"


def _pair(golds: list[GoldTable], found: list[Table]) -> list[tuple[GoldTable, Table | None]]:
    """Each gold table with the extracted table of its kind that shares the most pages
    (then the same part, then printed order); one extracted table per gold table."""
    free = list(range(len(found)))
    out: list[tuple[GoldTable, Table | None]] = []
    for gi, gt in enumerate(golds):
        def rank(j: int, gi: int = gi, gt: GoldTable = gt) -> tuple[int, int, int]:
            t = found[j]
            return (len(set(gt.pages) & set(t.pages)), int(t.part == gt.part), -abs(j - gi))
        best = max(free, key=rank) if free else None
        if best is not None:
            free.remove(best)
        out.append((gt, found[best] if best is not None else None))
    return out


def _value_cols(gt: GoldTable) -> list[tuple[int, str]]:
    return [(i, col) for i, col in enumerate(gt.columns)
            if col not in ("code", "name", "side", "unit_name", "-")]


def _score_pair(gt: GoldTable, t: Table | None, s: DocScore) -> Counts:
    """Cell counts of a gold table against the extracted table paired with it (None: not
    found); every miss is added to ``s``."""
    if t is None:
        return _table_not_found(gt, s)
    c = Counts()
    gkeys = _keyed([_gold_key(gt, row) for row in gt.rows])
    raw_gold = {k[:3] for k in gkeys}
    ekeys = _keyed([_row_key(gt, r, raw_gold) for r in t.rows])
    by_key = dict(zip(ekeys, t.rows, strict=True))
    matched: set[tuple] = set()
    for row, key in zip(gt.rows, gkeys, strict=True):
        er = by_key.get(key)
        page = er.provenance.page if er else (gt.pages[0] if gt.pages else None)
        _score_gold_row(gt, row, key, er, page, c, s)
        if er is not None:
            matched.add(key)
            _score_extra_columns(gt, key, er, page, c, s)
    if gt.complete:
        _score_rows_not_in_gold(gt, by_key, matched, c, s)
    return c


def _table_not_found(gt: GoldTable, s: DocScore) -> Counts:
    n = sum(1 for row in gt.rows for i, _ in _value_cols(gt) if to_yuan(row[i], gt.unit) is not None)
    if n or not gt.empty:
        s.misses.append(Miss("table", f"{gt.kind.value} '{gt.title}'", gt.title, "not found",
                             gt.pages[0] if gt.pages else None))
    return Counts(fn=n)


def _score_gold_row(gt: GoldTable, row: list[str], key: tuple, er: TableRow | None,
                    page: int | None, c: Counts, s: DocScore) -> None:
    """Each figure column of a gold row against the extracted row matched to it."""
    for i, col in _value_cols(gt):
        g = to_yuan(row[i], gt.unit)
        e = _amount_yuan(er.values.get(ColumnKey(col))) if er is not None else None
        if g is not None and e == g:
            c.tp += 1
            continue
        if g is not None:
            c.fn += 1
        if e is not None:
            c.fp += 1
        if g is not None or e is not None:
            s.misses.append(Miss("cell", _describe(gt.kind.value, key, col), _show(g, gt.unit),
                                 _show(e, gt.unit) if er is not None else "row not found", page))


def _score_extra_columns(gt: GoldTable, key: tuple, er: TableRow, page: int | None, c: Counts,
                         s: DocScore) -> None:
    """Figures of a matched row in columns the gold table does not have."""
    for col, a in er.values.items():
        if col.value not in gt.columns and (e := _amount_yuan(a)) is not None:
            c.fp += 1
            s.misses.append(Miss("cell", _describe(gt.kind.value, key, col.value), None,
                                 _show(e, gt.unit), page))


def _score_rows_not_in_gold(gt: GoldTable, by_key: dict[tuple, TableRow], matched: set[tuple],
                            c: Counts, s: DocScore) -> None:
    """Extracted rows a complete gold table does not list: every figure a false positive."""
    for key, er in by_key.items():
        if key in matched:
            continue
        for col, a in er.values.items():
            if (e := _amount_yuan(a)) is not None:
                c.fp += 1
                s.misses.append(Miss("cell", _describe(gt.kind.value, key, col.value)
                                     + " (row not in gold)", None, _show(e, gt.unit),
                                     er.provenance.page))


def score_tables(gold: GoldDocument, d: Disclosure, s: DocScore) -> None:
    """Cell P/R/F1 by kind, into ``s``."""
    used: set[int] = set()
    for kind in dict.fromkeys(gt.kind for gt in gold.tables):
        golds = [gt for gt in gold.tables if gt.kind is kind]
        found = [t for t in d.tables if t.kind is kind]
        counts = s.cells_by_kind.setdefault(kind.value, Counts())
        for gt, t in _pair(golds, found):
            if t is not None:
                used.add(id(t))
            c = _score_pair(gt, t, s)
            counts.add(c)
            s.cells.add(c)
    if gold.coverage == "full":  # standard tables the gold does not have
        for t in d.tables:
            if t.kind in (TableKind.other, TableKind.performance_targets) or id(t) in used:
                continue
            extra = [e for r in t.rows for a in r.values.values()
                     if (e := _amount_yuan(a)) is not None]
            c = s.cells_by_kind.setdefault(t.kind.value, Counts())
            c.fp += len(extra)
            s.cells.fp += len(extra)
            if extra:
                s.misses.append(Miss("table", f"{t.kind.value} '{t.title}' (not in gold)", None,
                                     f"{len(extra)} figures", t.pages[0] if t.pages else None))


# --- metadata, projects, indicators, figures -------------------------------------------

def score_metadata(gold: GoldDocument, d: Disclosure, s: DocScore) -> None:
    g, m = gold.metadata, d.metadata
    pairs = {
        "department": (norm_name(g.department), norm_name(m.department), g.department, m.department),
        "year": (g.year, m.year, g.year, m.year),
        "kind": (g.kind, m.kind, g.kind.value, m.kind.value),
        "level": (g.level, m.level, g.level, m.level),
        "currency_unit": (g.currency_unit, m.currency_unit, g.currency_unit, m.currency_unit),
    }
    for name, (a, b, show_a, show_b) in pairs.items():
        s.metadata_total += 1
        if a == b:
            s.metadata_correct += 1
        else:
            s.misses.append(Miss("metadata", name, str(show_a), str(show_b), g.page))


def _match(gold_keys: list, found_keys: list) -> list[int | None]:
    """Greedy one-to-one matching of equal keys, in order."""
    free: dict = defaultdict(list)
    for j, k in enumerate(found_keys):
        free[k].append(j)
    return [free[k].pop(0) if free.get(k) else None for k in gold_keys]


def score_projects(gold: GoldDocument, d: Disclosure, s: DocScore) -> None:
    if not gold.projects:
        return
    gkeys = [norm_name(p.name) for p in gold.projects]
    ekeys = [norm_name(p.name) for p in d.projects]
    hits = _match(gkeys, ekeys)
    for gp, j in zip(gold.projects, hits, strict=True):
        ep = d.projects[j] if j is not None else None
        g = to_yuan(gp.amount, gp.unit)
        e = _amount_yuan(ep.amount) if ep else None
        if ep is not None and (gp.amount is None or g == e):
            s.projects.tp += 1
            continue
        s.projects.fn += 1
        if ep is not None and gold.projects_complete:
            s.projects.fp += 1
        s.misses.append(Miss("project", gp.name, _show(g, gp.unit) if g is not None else gp.name,
                             ("not found" if ep is None else _show(e, gp.unit)), gp.page))
    if gold.projects_complete:
        used = {j for j in hits if j is not None}
        for j, ep in enumerate(d.projects):
            if j not in used:
                s.projects.fp += 1
                amount = _amount_yuan(ep.amount)
                s.misses.append(Miss("project", ep.name + " (not in gold)", None,
                                     _show(amount, ep.amount.unit) if ep.amount and amount
                                     is not None else "listed, no amount", ep.provenance.page))


_IND_FIELDS = ("project", "level1", "level2", "name", "operator", "value", "measure_unit")


def _field_equal(name: str, g: str | None, e: str | None) -> bool:
    if name == "project":  # printed names carry codes or wrap; containment is enough
        a, b = norm_name(g), norm_name(e)
        return a == b or (bool(a) and bool(b) and (a in b or b in a))
    if name == "value":
        a, b = parse_amount((g or "").rstrip("%")), parse_amount((e or "").rstrip("%"))
        if a is not None and b is not None:
            return a == b
    return norm_name(g) == norm_name(e)


def score_indicators(gold: GoldDocument, d: Disclosure, s: DocScore) -> None:
    if not gold.indicators:
        return
    pool: dict[str, list[int]] = defaultdict(list)
    for j, ind in enumerate(d.indicators):
        pool[norm_name(ind.name)].append(j)
    used: set[int] = set()
    for gi in gold.indicators:
        cands = [j for j in pool.get(norm_name(gi.name), []) if j not in used]

        def agree(j: int, gi=gi) -> tuple[int, int]:
            e: PerformanceIndicator = d.indicators[j]
            same = sum(_field_equal(f, getattr(gi, f), getattr(e, f)) for f in _IND_FIELDS)
            near = -abs((gi.page or e.provenance.page) - e.provenance.page)
            return same, near

        j = max(cands, key=agree) if cands else None
        s.indicator_fields_total += len(_IND_FIELDS)
        if j is None:
            s.indicators.fn += 1
            s.misses.append(Miss("indicator", f"{gi.project or ''} / {gi.name}",
                                 f"{gi.operator or ''}{gi.value or ''}{gi.measure_unit or ''}",
                                 "not found", gi.page))
            continue
        used.add(j)
        e = d.indicators[j]
        wrong = [f for f in _IND_FIELDS if not _field_equal(f, getattr(gi, f), getattr(e, f))]
        s.indicator_fields_correct += len(_IND_FIELDS) - len(wrong)
        if not wrong:
            s.indicators.tp += 1
            continue
        s.indicators.fn += 1
        if gold.indicators_complete:
            s.indicators.fp += 1
        s.misses.append(Miss("indicator", f"{gi.name} fields {', '.join(wrong)}",
                             "; ".join(f"{f}={getattr(gi, f)}" for f in wrong),
                             "; ".join(f"{f}={getattr(e, f)}" for f in wrong),
                             e.provenance.page))
    if gold.indicators_complete:
        for j, e in enumerate(d.indicators):
            if j not in used:
                s.indicators.fp += 1
                s.misses.append(Miss("indicator", f"{e.name} (not in gold)", None,
                                     f"{e.operator or ''}{e.value or ''}{e.measure_unit or ''}",
                                     e.provenance.page))


def _figure_key(kind: str, value: Decimal, unit: str, direction: str | None) -> tuple:
    value = value if unit == "%" else value * UNIT_SCALE[unit]
    return (kind, value.normalize(), "%" if unit == "%" else "元", direction)


def figure_key(kind: str, raw: str, direction: str | None) -> tuple | None:
    """The matching key of a gold figure written as printed ('2961.68万元', '3.4%')."""
    m = NARRATIVE_FIGURE.search(normalise_text(raw))  # read as the extractor reads the text
    value = parse_amount(m.group("num")) if m else None
    return None if m is None or value is None else _figure_key(kind, value, m.group("unit"), direction)


def _match_figures(gold: GoldDocument, d: Disclosure) -> list[int | None]:
    """For each gold figure, the index of the extracted figure matched to it (or None):
    same kind, value and direction, each extracted figure used once, the figure on the
    same page preferred (page-qualified matches are made first)."""
    gkeys = [figure_key(f.kind.value, f.raw, f.direction) for f in gold.figures]
    ekeys = [_figure_key(f.kind.value, f.value, f.unit, f.direction) for f in d.figures]
    hits: list[int | None] = [None] * len(gkeys)
    used: set[int] = set()
    for with_page in (True, False):
        for i, (gf, gk) in enumerate(zip(gold.figures, gkeys, strict=True)):
            if hits[i] is not None or gk is None:
                continue
            j = next((j for j, ek in enumerate(ekeys) if j not in used and ek == gk and not (
                with_page and gf.page is not None and d.figures[j].provenance.page != gf.page)), None)
            if j is not None:
                hits[i] = j
                used.add(j)
    return hits


def score_figures(gold: GoldDocument, d: Disclosure, s: DocScore) -> None:
    if not gold.figures:
        return
    hits = _match_figures(gold, d)
    used = {j for j in hits if j is not None}
    for gf, j in zip(gold.figures, hits, strict=True):
        if j is not None:
            s.figures.tp += 1
        else:
            s.figures.fn += 1
            s.misses.append(Miss("figure", f"{gf.kind.value} {gf.direction or ''} "
                                 f"{gf.subject or ''}".strip(), gf.raw, "not found", gf.page))
    if gold.figures_complete:
        for j, e in enumerate(d.figures):
            if j not in used:
                s.figures.fp += 1
                s.misses.append(Miss("figure", f"{e.kind.value} {e.direction or ''} {e.subject}"
                                     " (not in gold)", None, e.raw, e.provenance.page))


# --- flags -----------------------------------------------------------------------------

def _flag_matches(f: Flag, a) -> bool:
    if f.check not in a.checks:
        return False
    pages = {loc.page for loc in f.locations}
    if a.pages and not pages & set(a.pages):
        return False
    if a.values:
        said = [normalise_text(loc.source) for loc in f.locations]
        said += [f"{v:f}" for v in (f.found, f.expected) if v is not None]
        wanted = [normalise_text(v).replace(",", "") for v in a.values]
        if not any(w in x.replace(",", "") for w in wanted for x in said):
            return False
    return True


def score_flags(gold: GoldDocument, d: Disclosure, s: DocScore) -> None:
    """Recall: annotated anomalies with an error or warning flag; precision: error flags
    that point at an annotated anomaly."""
    raised = [f for f in d.flags if f.severity in (Severity.error, Severity.warning)]
    for a in gold.anomalies:
        s.anomalies_total += 1
        if any(_flag_matches(f, a) for f in raised):
            s.anomalies_flagged += 1
        else:
            s.misses.append(Miss("anomaly", a.description, f"flag {'/'.join(a.checks)}",
                                 "not flagged", a.pages[0] if a.pages else None))
    for f in d.flags:
        if f.severity is not Severity.error:
            continue
        s.error_flags_total += 1
        if any(_flag_matches(f, a) for a in gold.anomalies):
            s.error_flags_matching += 1
        else:
            pages = sorted({loc.page for loc in f.locations})
            s.misses.append(Miss("flag", f"{f.check}: {f.message}", "no anomaly annotated",
                                 "error flag", pages[0] if pages else None))


def score_document(gold: GoldDocument, d: Disclosure) -> DocScore:
    """Every score of one extraction against its gold."""
    s = DocScore(document=gold.source, coverage=gold.coverage, seconds=d.seconds)
    score_metadata(gold, d, s)
    score_tables(gold, d, s)
    score_projects(gold, d, s)
    score_indicators(gold, d, s)
    score_figures(gold, d, s)
    score_flags(gold, d, s)
    return s
