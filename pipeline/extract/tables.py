"""Rule-based interpretation of a table: header, column meanings, codes, rows, amounts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.cells import cell_provenance, header_labels, make_amount
from pipeline.extract.columns import (
    AMOUNT_WORDS,
    CODE,
    SETTINGS,
    SUMMARY_KINDS,
    TOTAL_WORDS,
    column_key,
    header_end,
)
from pipeline.layout.blocks import GridRow
from pipeline.numbers import is_blank, normalise_text, parse_amount
from pipeline.segment.tables import RawTable
from pipeline.vocabulary import COLUMN_RULES, TOTAL_ROW_LABEL, code_level
from schemas.provenance import Amount
from schemas.tables import KIND_SPECS, ColumnKey, Table, TableKind, TableRow

_K = ColumnKey
_CODE_LABEL = re.compile(r"编码|代码|科目代码|^类$|/类$|^款$|/款$|^项$|/项$")
_NAME_LABEL = re.compile(r"名称|项目|科目|类别|用途")
_UNIT_CODE_LABEL = re.compile(r"单位(编码|代码)")
_UNIT_LABEL = re.compile(r"单位名称|预算单位|^单位$|部门名称|单位编码")
_PROJECT_LABEL = re.compile(r"项目名称")


_LEADING_CODE = re.compile(r"^[\[【]?(\d{3}(?:\d{2}){0,2})[\]】]?\s*[-－—:：]?\s*(\D.*)$")


def _classification_codes(texts: list[str], share: float = SETTINGS.code_share) -> bool:
    """Cells that are classification codes (301, 30101, 2080505), most of them, one of 5 or
    7 digits at least: unit codes (113, 113001) have 3 or 6."""
    codes = [t for t in texts if CODE.fullmatch(t)]
    return bool(texts) and len(codes) >= share * len(texts) and any(
        len(t) in (5, 7) for t in codes)


def _is_code_column(rows: list[GridRow], col: int, ncols: int, label: str) -> bool:
    texts = [t for t in (normalise_text(r.texts(ncols)[col]) for r in rows) if t]
    # a unit label over a column of classification codes (converter text shifted the
    # header, or merged 预算单位 with 科目编码): the codes' column when its cells say so
    unit_label = _UNIT_LABEL.search(label) is not None
    classified = unit_label and _classification_codes(texts)
    if unit_label and not classified:
        return False  # 单位编码 117001 is a unit, not a classification code
    if _CODE_LABEL.search(label) and not _NAME_LABEL.search(label.split("/")[-1]) and \
            not unit_label:
        return True
    leaf = label.split("/")[-1]
    if AMOUNT_WORDS.search(leaf) or TOTAL_WORDS.search(leaf) or any(
            key is not None and pattern.search(leaf) for pattern, key in COLUMN_RULES):
        return False  # 项目金额 889510000, 公务用车…/小计 237: whole figures are amounts
    codes = [t for t in texts if re.fullmatch(r"\d{2,7}", t)]
    return bool(texts) and col < SETTINGS.code_columns and len(codes) >= SETTINGS.code_share * len(
        texts) and any(CODE.match(t) for t in codes)


def _is_text_column(rows: list[GridRow], col: int, ncols: int) -> bool:
    texts = [normalise_text(r.texts(ncols)[col]) for r in rows]
    texts = [t for t in texts if not is_blank(t)]  # a dash printed for a blank cell is none
    if not texts:
        return False
    numeric = sum(1 for t in texts if parse_amount(t) is not None)
    return numeric < len(texts) / 2


def extract_table(raw: RawTable, default_unit: str) -> Table:
    """Interpret a raw table into the schema of its kind: header labels, code and text
    columns, the sides or repeated blocks, each column's role, then the rows."""
    unit = raw.unit or default_unit
    ncols = raw.ncols
    head_n = header_end(raw.rows, ncols)
    labels = header_labels(raw.rows[:head_n], ncols, raw.ruled or raw.spanned_header)
    body = [r for r in raw.rows[head_n:] if any(c.text.strip() for c in r.cells)]
    code_cols = _code_columns(body, labels, ncols)
    text_cols = [j for j in range(ncols)
                 if j in code_cols or _is_text_column(body, j, ncols)
                 or re.search(r"编码|代码", labels[j])]  # 单位编码 117001 is not an amount
    allowed = set(KIND_SPECS[raw.kind].columns) if raw.kind is not TableKind.other else None
    rows: list[TableRow] = []
    keys_by_col: dict[int, ColumnKey | None] = {}
    for lo, hi, side in _blocks(raw.kind, labels, text_cols, code_cols, ncols):
        roles = _roles(labels, text_cols, code_cols, lo, hi, raw.kind, allowed)
        keys_by_col.update({j: k for j, (role, k) in roles.items() if role == "amount"})
        rows.extend(_block_rows(body, roles, labels, ncols, unit, side, raw.inferred))
    return Table(
        kind=raw.kind, title=raw.title or "(untitled)", pages=raw.pages or [raw.title_page],
        unit=unit, unit_stated=raw.unit is not None, columns=labels,  # type: ignore[arg-type]
        column_keys=[keys_by_col.get(j) for j in range(ncols)], rows=rows,
        empty=_is_empty(raw, rows), empty_note=raw.empty_note, part=raw.part,
        layout_inferred=raw.inferred,
    )


def _code_columns(body: list[GridRow], labels: list[str], ncols: int) -> set[int]:
    """Columns of classification codes, with the 款 and 项 parts printed as two digits in
    the columns right of the 类."""
    code_cols = {j for j in range(ncols) if _is_code_column(body, j, ncols, labels[j])}
    for j in sorted(code_cols):
        k = j + 1
        while k < ncols and k not in code_cols and _is_code_part_column(body, k, ncols):
            code_cols.add(k)
            k += 1
    return code_cols


def _is_code_part_column(body: list[GridRow], k: int, ncols: int) -> bool:
    texts = [normalise_text(r.texts(ncols)[k]) for r in body]
    return all(re.fullmatch(r"\d{2}", t) for t in texts if t and t not in "类款项") and any(texts)


Block = tuple[int, int, str | None]  # columns lo..hi, and the side they print (or None)


def _blocks(kind: TableKind, labels: list[str], text_cols: list[int], code_cols: set[int],
            ncols: int) -> list[Block]:
    """The column blocks read as rows of their own: the income and expenditure sides of a
    summary table, the same columns printed twice side by side, or the whole table."""
    if kind in SUMMARY_KINDS:
        # two-sided summary tables: income left, expenditure from the second label column,
        # one block per label column after it (功能分类 | 支出用途 printed side by side)
        label_cols = [j for j in text_cols if j not in code_cols]
        if len(label_cols) >= 2:
            starts = label_cols[1:]
            return [(0, starts[0], "income")] + [
                (lo, hi, "expenditure") for lo, hi in zip(starts, [*starts[1:], ncols], strict=True)]
    elif labels and labels[0] and 0 in text_cols:
        # the same columns printed twice side by side (e.g. 301… left, 302… right)
        leaf = [lb.split("/")[-1] for lb in labels]
        rep = next((p for p in range(1, ncols) if leaf[p] == leaf[0]), None)
        if rep is not None and rep > 1 and ncols % rep == 0:
            groups: list[Block] = [(lo, lo + rep, None) for lo in range(0, ncols, rep)]
            if all(any(j not in text_cols for j in range(lo, hi)) for lo, hi, _ in groups):
                return groups
    return [(0, ncols, None)]


def _block_rows(body: list[GridRow], roles: dict[int, Role], labels: list[str], ncols: int,
                unit: str, side: str | None, inferred: bool) -> list[TableRow]:
    carry: dict[int, str] = {}  # 类/款 printed only on their own row, carried down
    block: list[TableRow] = []
    for row in body:
        tr = _row(row, roles, labels, ncols, unit, side, carry, inferred=inferred)
        if tr is None:
            continue
        if block and _ends_wrapped_label(block[-1], tr):
            _join_wrapped(block[-1], tr)
            continue
        block.append(tr)
    return block


def _is_empty(raw: RawTable, rows: list[TableRow]) -> bool:
    if raw.kind is TableKind.performance_targets:
        return raw.empty_note is not None or not raw.rows  # indicators are read separately
    return raw.empty_note is not None or not any(
        a.value not in (None, 0) for r in rows for a in [*r.values.values(), *r.other.values()])


def _ends_wrapped_label(prev: TableRow, row: TableRow) -> bool:
    """``row`` holds the figures of a label wrapped onto two grid rows ('三、单位预留机动经'
    / '费 3,990.40'): figures without a code under a label line without figures."""
    return (not prev.values and not prev.other and prev.code is None and bool(prev.name)
            and not row.code and bool(row.values or row.other)
            and (not row.name or (len(row.name) <= SETTINGS.wrapped_tail and not row.is_total
                                  and not TOTAL_ROW_LABEL.match(normalise_text(row.name))
                                  and "计" not in row.name))
            and not prev.is_total)


_GLUED_FIGURE = re.compile(r"^(.*[\u4e00-\u9fff）)])(\d{1,3}(?:,\d{3})+\.\d{2,6}|\d+\.\d{2,6})$")


def _join_wrapped(prev: TableRow, row: TableRow) -> None:
    prev.name += row.name
    prev.values, prev.other = row.values, row.other
    prev.texts.update(row.texts)
    prev.is_total = bool(TOTAL_ROW_LABEL.match(normalise_text(prev.name)))


Role = tuple[str, ColumnKey | None]


_PERIOD_PART = re.compile(r"(上年|当年|本年|\d{4}\s*年)(度)?(预算|决算|执行)?数?|(年初)?(预算|决算)数?")


def _periods(labels: list[str]) -> dict[int, str]:
    """Columns of an earlier period printed beside this one ('previous': 上年…, the older of
    two years, 预算数 beside 决算数) or of the change between them ('change')."""
    years = {int(y) for lb in labels for y in re.findall(r"(\d{4})\s*年", lb.split("/")[0])}
    final = any(re.fullmatch(r"决算数?", p) for lb in labels for p in lb.split("/"))
    out: dict[int, str] = {}
    for j, lb in enumerate(labels):
        parts = lb.split("/")
        year = re.match(r"(\d{4})\s*年", parts[0])
        older = bool(year) and len(years) > 1 and int(year.group(1)) < max(years)
        budget_beside_final = final and any(re.fullmatch(r"(年初)?预算数?", p) for p in parts)
        if re.search(r"增减|变化", parts[0]):
            out[j] = "change"
        elif parts[0].startswith("上年") or older or budget_beside_final:
            out[j] = "previous"
    return out


def _roles(labels: list[str], text_cols: list[int], code_cols: set[int], lo: int, hi: int,
           kind: TableKind, allowed: set[ColumnKey] | None) -> dict[int, Role]:
    """The role of each column of the block lo..hi: code, name, unit, project, text, an
    amount with its key, other, or skip."""
    roles: dict[int, Role] = {}
    used: set[ColumnKey] = set()
    periods = _periods(labels) if kind is TableKind.three_public else {}
    # 合计 beside 会议费 and 培训费 adds them to the 三公 经费: the 三公 小计 is the total
    extra_fees = kind is TableKind.three_public and any(
        re.search(r"会议费|培训费", lb) for lb in labels)
    order, beside_dept = _column_order(labels, text_cols, lo, hi)
    for j in order:
        if j in beside_dept:
            roles[j] = ("text", None)  # the government economic class beside the department's
        elif j in periods:
            roles[j] = _period_role(labels[j], periods[j], kind, allowed, used, extra_fees)
        elif j in text_cols:
            roles[j] = _text_role(j, labels[j], code_cols, kind,
                                  any(r == "name" for r, _ in roles.values()))
        else:
            roles[j] = _amount_role(labels[j], kind, allowed, used, extra_fees)
    _settle_names(roles, labels)
    return dict(sorted(roles.items()))


def _column_order(labels: list[str], text_cols: list[int], lo: int, hi: int) -> tuple[list[int], set[int]]:
    """The order columns are given roles in, and the government economic class columns
    printed beside the department's (the department's is the row's code; those are text)."""
    dept_econ = [j for j in range(lo, hi) if j in text_cols and re.search(r"部门.*经济", labels[j])]
    gov_econ = [j for j in range(lo, hi) if j in text_cols and re.search(r"政府.*经济", labels[j])]
    prefer_dept = bool(dept_econ and gov_econ) and not any(
        "功能" in labels[j] for j in range(lo, hi) if j in text_cols)
    order = sorted(range(lo, hi), key=lambda j: (j not in dept_econ) if prefer_dept else 0)
    return order, set(gov_econ) if prefer_dept else set()


def _period_role(label: str, period: str, kind: TableKind, allowed: set[ColumnKey] | None,
                 used: set[ColumnKey], extra_fees: bool) -> Role:
    """A 三公 column of an earlier period (its budget) or of the change: budget_amount
    once, else other."""
    bare = "/".join(p for p in label.split("/") if not _PERIOD_PART.fullmatch(p))
    key = column_key(bare, kind, allowed) if bare else _K.total
    if (period == "previous" and key is _K.total and _K.budget_amount not in used
            and (allowed is None or _K.budget_amount in allowed)
            and not (extra_fees and "三公" not in label)):
        used.add(_K.budget_amount)
        return ("amount", _K.budget_amount)
    return ("other", None)


def _text_role(j: int, label: str, code_cols: set[int], kind: TableKind, name_set: bool) -> Role:
    if j in code_cols:
        return ("code", None)
    if _PROJECT_LABEL.search(label) and kind not in SUMMARY_KINDS:
        return ("project", None)  # (项目名称 of a 收支总表 names its lines)
    if _UNIT_LABEL.search(label):
        # 单位编码 holds codes; a unit label merged with another column's (预算单位 + 科目编码
        # over one text column) still names the unit
        return ("text", None) if re.search(r"单位(编码|代码)|^(编码|代码)$", label) else ("unit", None)
    return ("text", None) if name_set else ("name", None)


def _amount_role(label: str, kind: TableKind, allowed: set[ColumnKey] | None,
                 used: set[ColumnKey], extra_fees: bool) -> Role:
    key = column_key(label, kind, allowed)
    if extra_fees and key is _K.total and "三公" not in label:
        key = False  # 合计 including 会议费 and 培训费
    if key is None:
        return ("skip", None)
    if key is False or (allowed is not None and key not in allowed) or key in used:
        return ("other", None)
    assert isinstance(key, ColumnKey)
    used.add(key)
    return ("amount", key)


def _settle_names(roles: dict[int, Role], labels: list[str]) -> None:
    """One name column: a text column named like a category beside 项目名称 is text; a
    block without a name or project column is named by its unit column."""
    projects = [j for j, (role, _) in roles.items() if role == "project"]
    names = [j for j, (role, _) in roles.items() if role == "name"]
    if projects and names and (not _NAME_LABEL.search(labels[names[0]])
                               or re.search(r"类别|类型|性质", labels[names[0]])):
        roles[names[0]] = ("text", None)  # e.g. 绩效目标 text beside 项目名称
    elif not names and not projects:
        units = sorted((j for j, (role, _) in roles.items() if role == "unit"),
                       key=lambda j: "名称" not in labels[j])
        if units:
            roles[units[0]] = ("name", None)


def _carry_parts(parts: dict[int, str], primary: list[int], carry: dict[int, str]) -> list[str]:
    """类|款|项 parts of a row, the leading ones taken from the rows above when the row
    prints only its own level (a 款 row shows 08, a 项 row shows 03)."""
    filled = [j for j in primary if parts.get(j)]
    if not filled:
        return []
    if filled[0] != primary[0] and all(carry.get(j) for j in primary if j < filled[0]):
        parts = {**{j: carry[j] for j in primary if j < filled[0]}, **parts}
    last = max(j for j in primary if parts.get(j))
    for j in primary:
        if parts.get(j) and j <= last:
            carry[j] = parts[j]
        elif j > last:
            carry.pop(j, None)
    return [parts[j] for j in primary if parts.get(j)]


@dataclass
class _RowCells:
    """What the cells of one grid row hold, read by the role of their column."""

    name: str | None = None
    name_col: int | None = None
    unit_name: str | None = None
    project_name: str | None = None
    total_label: str | None = None
    code_parts: list[str] = field(default_factory=list)
    part_at: dict[int, str] = field(default_factory=dict)  # 类|款|项 parts by column
    values: dict[ColumnKey, Amount] = field(default_factory=dict)
    other: dict[str, Amount] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def has_figures(self) -> bool:
        return bool(self.values or self.other)


def _row(row: GridRow, roles: dict[int, Role], labels: list[str], ncols: int, unit: str,
         side: str | None, carry: dict[int, str] | None = None, inferred: bool = False
         ) -> TableRow | None:
    """One table row from a grid row, or None for a row that holds no row of data."""
    primary = _primary_code_columns(roles)
    rc = _read_cells(row, roles, labels, ncols, unit, side, inferred, primary)
    _unglue_figure(rc, row, roles, unit)
    code, label = _code_and_label(rc, primary, carry)
    if not label and not rc.has_figures:
        return None
    if side is not None and rc.name_col is not None and not rc.has_figures and (
            (cell := row.cell_at(rc.name_col)) is not None and cell.col + cell.span > max(roles) + 1):
        return None  # its label runs into the next block, whose figures it names
    if not label:  # a row known only by its unit (单位编码 015001) is named by it
        label = rc.total_label or rc.project_name or rc.unit_name or next(
            (v for k, v in rc.extra.items() if _UNIT_CODE_LABEL.search(k)), "")
    label_norm = normalise_text(label)
    if re.fullmatch(r"(项目|栏次|\*+)?", label_norm) and not rc.has_figures:
        return None
    cell = row.cell_at(rc.name_col) if rc.name_col is not None else None
    return TableRow(
        code=code, level=code_level(code), name=label, side=side,  # type: ignore[arg-type]
        unit_name=rc.unit_name, project_name=rc.project_name,
        is_total=bool(TOTAL_ROW_LABEL.match(label_norm)) and code is None,
        values=rc.values, other=rc.other, texts=rc.extra,
        provenance=cell_provenance(cell, row, label),
    )


def _primary_code_columns(roles: dict[int, Role]) -> set[int]:
    """The adjacent code columns from the first: 类|款|项 parts (a second classification
    further right is kept apart)."""
    code_cols = sorted(j for j, (role, _) in roles.items() if role == "code")
    primary = {code_cols[0]} if code_cols else set()
    for j in code_cols[1:]:
        if j - 1 in primary:
            primary.add(j)
    return primary


def _read_cells(row: GridRow, roles: dict[int, Role], labels: list[str], ncols: int, unit: str,
                side: str | None, inferred: bool, primary: set[int]) -> _RowCells:
    texts = row.texts(ncols)
    rc = _RowCells()
    for j, (role, key) in sorted(roles.items()):
        t = normalise_text(texts[j]) if role in ("code", "amount", "other", "skip") else \
            texts[j].strip()
        if role == "code":
            _code_cell(rc, j, t, primary)
        elif role == "name":
            _name_cell(rc, row, roles, j, t, side)
        elif role == "unit":
            rc.unit_name = t or None
        elif role == "project":
            rc.project_name = t or rc.project_name  # a second 项目名称 column refines the first
        elif role in ("amount", "other"):
            _amount_cell(rc, row, j, key if role == "amount" else None, labels, unit, inferred)
        elif role == "text" and t:
            rc.extra[labels[j] or f"col{j + 1}"] = t
            if TOTAL_ROW_LABEL.match(normalise_text(t)):
                rc.total_label = t  # 合计 printed in a unit-code or second-class column
    return rc


def _code_cell(rc: _RowCells, j: int, t: str, primary: set[int]) -> None:
    if re.fullmatch(r"\d+", t) and j not in primary:
        rc.extra["code_2"] = rc.extra.get("code_2", "") + t  # a second classification
    elif re.fullmatch(r"\d+", t):
        rc.code_parts.append(t)
        rc.part_at[j] = t
    elif TOTAL_ROW_LABEL.match(t):
        rc.total_label = t
    elif t and not re.fullmatch(r"[类款项]|\*+", t):
        rc.name = rc.name or t


def _name_cell(rc: _RowCells, row: GridRow, roles: dict[int, Role], j: int, t: str,
               side: str | None) -> None:
    rc.name_col = j
    if t:
        rc.name = t
    elif side is not None and (cell := row.cell_at(j)) is not None and cell.col < min(roles) \
            and cell.text.strip():
        rc.name = cell.text.strip()  # a label merged across from the block on the left
        rc.name_col = cell.col


def _amount_cell(rc: _RowCells, row: GridRow, j: int, key: ColumnKey | None, labels: list[str],
                 unit: str, inferred: bool) -> None:
    """A figure: under its key (an amount column), else under its printed header."""
    cell = row.cell_at(j)
    if cell is None or not cell.text.strip():
        return
    amt = make_amount(cell, row, unit, joined_ok=not inferred)
    if amt is None:
        rc.extra[labels[j] or f"col{j + 1}"] = cell.text.strip()
    elif key is not None:
        rc.values[key] = amt
    else:
        rc.other[labels[j] or f"col{j + 1}"] = amt


def _unglue_figure(rc: _RowCells, row: GridRow, roles: dict[int, Role], unit: str) -> None:
    """'19、自然资源海洋气象等支出18803323.32': the text layer ran the label into its
    figure; the figure goes to the block's first amount column when that is empty."""
    if not rc.name or rc.has_figures or not (glued := _GLUED_FIGURE.match(rc.name)):
        return
    first = next((k for _, (role, k) in sorted(roles.items()) if role == "amount" and k), None)
    cell = row.cell_at(rc.name_col) if rc.name_col is not None else None
    if first is not None and cell is not None:
        rc.name = glued.group(1)
        rc.values[first] = Amount(value=parse_amount(glued.group(2)), raw=glued.group(2),
                                  unit=unit, provenance=cell_provenance(cell, row))  # type: ignore[arg-type]


def _code_and_label(rc: _RowCells, primary: set[int], carry: dict[int, str] | None
                    ) -> tuple[str | None, str]:
    """The row's code (its 类|款|项 parts, carried down from the rows above when the row
    prints only its own level, or read from the front of its label) and its label."""
    code_parts = rc.code_parts
    if len(primary) > 1 and carry is not None:
        code_parts = _carry_parts(rc.part_at, sorted(primary), carry)
    code = "".join(code_parts) or None
    label = rc.name or ""
    if code is None and label:
        m = _LEADING_CODE.match(normalise_text(label))
        if m:
            code, label = m.group(1), m.group(2)
    if code is not None and not CODE.match(code):
        rc.extra["code_printed"] = code
        code = None
    return code, label
