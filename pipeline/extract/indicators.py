"""Performance indicators (绩效目标) anchored on the operator cell, which survives the
column shifts converters introduce; levels are recognised by their vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline.extract.cells import cell_provenance, header_labels, make_amount
from pipeline.layout.blocks import GridRow
from pipeline.numbers import detect_unit, normalise_text, parse_amount
from pipeline.segment.tables import RawTable
from pipeline.vocabulary import TOTAL_ROW_LABEL
from schemas.indicators import PerformanceIndicator, Project
from schemas.provenance import Amount

_L1 = r"(?:产出|效益|满意度|成本|效果|影响)指标"
_L2 = (r"(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度|"
       r"经济成本|社会成本|生态环境成本|效益)(?:指标)?")
LEVEL1 = re.compile(f"^{_L1}$")
LEVEL2 = re.compile(f"^{_L2}$")
# 部门整体 tables print 一级+二级+三级 in one cell: 产出指标数量指标出具数据分析报告
_JOINED_LEVELS = re.compile(f"^({_L1})({_L2})(.+)$")
_OP_CELL = {"≥": "≥", "≧": "≥", ">=": "≥", "＞=": "≥", "大于等于": "≥", "≤": "≤", "≦": "≤",
            "<=": "≤", "小于等于": "≤", "=": "=", "＝": "=", "等于": "=", ">": ">", "＞": ">",
            "大于": ">", "<": "<", "＜": "<", "小于": "<", "定性": "定性"}
_OP_PREFIX = re.compile(r"^(≥|≧|>=|≤|≦|<=|=|＝|>|＞|<|＜)\s*(.+)$")
_VALUE_UNIT = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*(.*)$")
_WEIGHT = re.compile(r"^\d{1,3}(\.\d+)?$")


def _norm(t: str) -> str:
    return normalise_text(t).replace("＝", "=")


def _op(t: str) -> str | None:
    return _OP_CELL.get(_norm(t))


def _number(t: str) -> Decimal | None:
    try:
        return Decimal(t)
    except (InvalidOperation, ValueError):
        return None


INDICATOR_HEADER = re.compile(r"一级指标|二级指标|三级指标|指标值|绩效指标")


def has_indicators(raw: RawTable) -> bool:
    """True when the table's header names indicator columns (一级指标, 指标值 …)."""
    return any(INDICATOR_HEADER.search(c.text) for r in raw.rows[:SETTINGS.header_rows] for c in r.cells)


def _header_columns(raw: RawTable) -> tuple[int | None, int | None, int | None, bool]:
    """Columns of the project name, unit name and project amount, from the header, and
    whether the 'project' column is an 活动 (activity) rather than a project."""
    for i, row in enumerate(raw.rows[:SETTINGS.header_rows]):
        if any(INDICATOR_HEADER.search(c.text) for c in row.cells):
            labels = header_labels(raw.rows[: i + 1], raw.ncols, raw.ruled)
            proj = next((j for j in range(len(labels) - 1, -1, -1)
                         if re.search(r"项目名称", labels[j])), None)
            activity = proj is None
            if proj is None:  # 部门整体 tables: indicators grouped by 活动
                proj = next((j for j, lb in enumerate(labels) if re.search(r"(^|/)活动(名称)?$", lb)),
                            None)
            unit = next((j for j, lb in enumerate(labels) if re.search(r"单位名称|预算单位", lb)), None)
            amount = next((j for j, lb in enumerate(labels)
                           if re.search(r"预算数|金额|总额|预算资金", lb)), None)
            return proj, unit, amount, activity and proj is not None
    return None, None, None, False


def _unit_above_indicators(raw: RawTable) -> str | None:
    """The unit a label above the first indicator header states: 资金金额 (万元)."""
    for row in raw.rows:
        if any(INDICATOR_HEADER.search(c.text) for c in row.cells):
            return None
        stated = next((u for c in row.cells for u in [detect_unit(c.text)] if u), None)
        if stated:
            return stated
    return None


_BLOCK_HEAD = re.compile(r"^(项目名称|专项资金名称|项目)$")


def _is_block_head(texts: list[str]) -> bool:
    """'项目名称 | 民政业务工作经费': a project block's first line, not a column header."""
    low, high = SETTINGS.block_head_cells
    return low <= len(texts) <= high and bool(_BLOCK_HEAD.match(_norm(texts[0]))) and not re.search(
        r"指标|金额|总额|预算|目标|单位|类别|名称", _norm(texts[1]))


def _merged_cells(raw: RawTable) -> dict[tuple[int, int], tuple[str, int]]:
    """Every vertically merged cell, for every row of its span: its whole text and the row
    that holds its first fragment. A PDF prints a merged label in the middle of its span and
    wraps a long one over several grid rows, so without this the rows above inherit the
    label of the block before and a project name arrives in pieces. Keyed by (row, column);
    only spans of two rows or more."""
    out: dict[tuple[int, int], tuple[str, int]] = {}
    for j in range(raw.ncols):
        start = 0
        for r in range(len(raw.rows) + 1):
            cell = raw.rows[r].cell_at(j) if r < len(raw.rows) else None
            if r < len(raw.rows) and cell is not None and cell.col == j and cell.open_top \
                    and r > start:
                continue
            parts = [(i, c.text.strip()) for i in range(start, r)
                     for c in [raw.rows[i].cell_at(j)]
                     if c is not None and c.col == j and c.text.strip()]
            if r - start > 1 and parts:
                joined = "".join(t for _, t in parts)
                for i in range(start, r):
                    out[(i, j)] = (joined, parts[0][0])
            start = r
    return out


@dataclass(frozen=True)
class IndicatorSettings:
    """The limits the indicator reader works with."""

    header_rows: int = 8  # rows searched for the indicator header
    block_head_cells: tuple[int, int] = (2, 3)  # '项目名称 | name [| …]': a project block's head
    plain_value_chars: int = 12  # a value without operator longer than this is prose, no value
    min_name_chars: int = 2  # a 三级指标 name is at least this long (a lone character is no name)


SETTINGS = IndicatorSettings()
_CATEGORY = re.compile(r"^\d{1,2}-.*类$")  # 项目类别: 1-专项类
_LONG_CODE = re.compile(r"^\d{5,}")  # a project code, no indicator name
_NO_PROJECT = re.compile(r"[-—－]+")  # a dash where a project name would be


def _is_total_label(n: str) -> bool:
    """合计, 总计 (and 合计- as merged cells print it): a total line, no project."""
    return bool(TOTAL_ROW_LABEL.match(n[:-1] if n.endswith("-") else n))


@dataclass
class _Columns:
    """Where the header puts the project name, unit name and project amount; ``activity``:
    the project column is an 活动 (it groups indicators but is no project)."""

    project: int | None
    unit: int | None
    amount: int | None
    activity: bool


@dataclass
class _Context:
    """What the rows read so far say about the rows that follow."""

    level1: str | None = None
    level2: str | None = None
    project: str | None = None
    unit_name: str | None = None
    last_name: str | None = None
    in_region: bool = False  # past the header row that starts the indicator columns

    def new_project(self, name: str | None) -> None:
        self.project = name
        self.level1 = self.level2 = None


@dataclass
class _Row:
    """One grid row as the reader sees it: its non-empty cells and their texts."""

    index: int
    row: GridRow
    cells: list
    texts: list[str]
    norm: list[str]


class _IndicatorReader:
    """Reads a table with indicator columns row by row, in small passes: a project named in
    its column, a block's money line, a block's head, the header row, a plain indicator, a
    row of level words or a project line, and an indicator anchored on its operator."""

    def __init__(self, raw: RawTable, unit: str, settings: IndicatorSettings = SETTINGS):
        self.raw = raw
        self.settings = settings
        self.indicators: list[PerformanceIndicator] = []
        self.projects: list[Project] = []
        self.ctx = _Context()
        self.cols = _Columns(*_header_columns(raw))
        # no unit line: a money label above the indicators may state it
        self.unit = (_unit_above_indicators(raw) or unit) if raw.unit is None else unit
        self.blocks = any(_is_block_head([c.text.strip() for c in r.cells if c.text.strip()])
                          for r in raw.rows)
        if self.blocks:  # one block per project: 项目名称 | name
            self.cols = _Columns(None, None, None, self.cols.activity)
        self.spans = _merged_cells(raw) if raw.ruled else {}
        self.merged = {k: text for k, (text, _) in self.spans.items()}
        self.spread = {k: v for k, v in self.merged.items()
                       if LEVEL1.match(_norm(v)) or LEVEL2.match(_norm(v))}

    def read(self) -> tuple[list[PerformanceIndicator], list[Project]]:
        for ri, row in enumerate(self.raw.rows):
            self._row(ri, row)
        return self.indicators, self.projects

    def _row(self, ri: int, row: GridRow) -> None:
        by_col = row.texts(self.raw.ncols)
        if self.cols.project is not None and self.cols.project < len(by_col):
            self._project_in_column(ri, row, by_col)
        self._unit_in_column(by_col)
        cells = [c for c in row.cells if c.text.strip() or (ri, c.col) in self.spread]
        texts = [self.spread.get((ri, c.col), c.text.strip()) for c in cells]
        if not texts:
            return
        r = _Row(ri, row, cells, texts, [_norm(t) for t in texts])
        if self._block_money(r) or self._block_head(r):
            return
        op_idx = next((i for i, t in enumerate(texts) if _op(t)), None)
        value_idx = _operator_in_value(r.norm) if op_idx is None else None
        if _starts_indicator_columns(r.norm):
            self.ctx.in_region = True
            return
        if op_idx is None and value_idx is None:
            if not (self.raw.ruled and self.ctx.in_region and self._plain(r)):
                self._levels_or_project(r)
            return
        self._indicator(r, op_idx, value_idx)

    # --- the project of the rows that follow --------------------------------------
    def _project_in_column(self, ri: int, row: GridRow, by_col: list[str]) -> None:
        col = self.cols.project
        assert col is not None
        p = self.merged.get((ri, col), by_col[col]).strip()
        shifted = col > 0 and (parse_amount(_norm(p)) is not None or bool(_CATEGORY.match(_norm(p))))
        if shifted:
            # printed one column to the left (a continuation page, a converter's shift):
            # the amount or the 项目类别 sits where the name should be
            p = self.merged.get((ri, col - 1), by_col[col - 1]).strip()
        if not _is_project_name(p) or p == self.ctx.project:
            return
        self.ctx.new_project(p)
        if self.cols.unit is not None and by_col[self.cols.unit].strip():
            self.ctx.unit_name = by_col[self.cols.unit].strip()
        if not self.cols.activity:  # an 活动 groups indicators but is not a project
            self.projects.append(Project(name=p, unit_name=self.ctx.unit_name,
                                         amount=self._project_amount(ri, row, shifted),
                                         provenance=cell_provenance(row.cell_at(col), row)))

    def _project_amount(self, ri: int, row: GridRow, shifted: bool) -> Amount | None:
        if self.cols.amount is None:
            return None
        col = self.cols.amount - 1 if shifted else self.cols.amount
        at = self.raw.rows[self.spans[(ri, col)][1]] if (ri, col) in self.spans else row
        cell = at.cell_at(col)
        return make_amount(cell, at, self.unit) if cell is not None and cell.text else None

    def _unit_in_column(self, by_col: list[str]) -> None:
        col = self.cols.unit
        if col is not None and col < len(by_col) and by_col[col].strip() and \
                "单位" not in _norm(by_col[col])[:4]:
            self.ctx.unit_name = by_col[col].strip()

    def _block_money(self, r: _Row) -> bool:
        """A block's money line: 年度预算资金总额： | 176.00 or 年度预算资金（万元） | 2149.09."""
        if not (self.blocks and self.projects and self.projects[-1].amount is None
                and not self.ctx.in_region
                and any(re.search(r"(预算)?资金总额|年度预算资金", n) for n in r.norm)):
            return False
        money = next((c for c in r.cells if parse_amount(_norm(c.text)) is not None
                      and "." in c.text), None)
        if money is None:
            return False
        self.projects[-1].amount = make_amount(money, r.row, self.unit)
        return True

    def _block_head(self, r: _Row) -> bool:
        """A project header: 项目名称 | name (tables with one block per project)."""
        if not _is_block_head(r.texts):
            return False
        self.ctx.new_project(r.texts[1])
        self.projects.append(Project(name=r.texts[1], unit_name=self.ctx.unit_name,
                                     provenance=cell_provenance(r.cells[1], r.row)))
        self.ctx.in_region = False
        return True

    def _levels_or_project(self, r: _Row) -> None:
        """A row without operator: a project line (tables without a project column), and
        the level words it prints."""
        before = len(self.projects)
        if self.cols.project is None and not self.blocks:  # in blocks, 其中：财政拨款 | 174.00 is money
            _maybe_project(r.row, r.cells, r.norm, self.unit, self.projects)
        if len(self.projects) > before:
            self.ctx.new_project(self.projects[-1].name)
            self.ctx.unit_name = self.projects[-1].unit_name or self.ctx.unit_name
        for t in r.norm:
            if LEVEL1.match(t):
                self.ctx.level1, self.ctx.level2 = t, None
            elif LEVEL2.match(t):
                self.ctx.level2 = t

    # --- indicators ---------------------------------------------------------------
    def _plain(self, r: _Row) -> bool:
        """'level… | 三级指标 | value [| weight]' with no operator (7次, 有效减轻)."""
        plain = _plain_indicator(r.texts, r.norm, self.ctx.level1, self.ctx.level2, self.settings)
        if plain is None:
            return False
        self.ctx.level1, self.ctx.level2, name, value, weight = plain
        vm = _VALUE_UNIT.match(_norm(value))
        if vm and re.search(r"\d", vm.group(2)):
            vm = None  # a date, 2025年12月31日: the value as printed
        self.indicators.append(PerformanceIndicator(
            project=self.ctx.project, unit_name=self.ctx.unit_name, level1=self.ctx.level1,
            level2=self.ctx.level2, name=name, operator=None,
            value=vm.group(1) if vm and vm.group(2) else value,
            value_number=_number(vm.group(1)) if vm else None,
            measure_unit=(vm.group(2) or None) if vm else None, weight=weight,
            provenance=cell_provenance(r.cells[-1], r.row, " ".join(r.texts))))
        self.ctx.last_name = name
        return True

    def _indicator(self, r: _Row, op_idx: int | None, value_idx: int | None) -> None:
        """An indicator anchored on its operator cell, or on a value printed with its
        operator ('≥15个')."""
        anchor = op_idx if op_idx is not None else value_idx
        assert anchor is not None
        name = self._levels_and_name(r, anchor) or self.ctx.level2 or self.ctx.last_name or ""
        self.ctx.last_name = name
        if op_idx is not None:
            operator, value, measure, weight_src = _after_operator_cell(r.texts, op_idx)
        else:
            operator, value, measure, weight_src = _operator_in_cell(r.texts, r.norm, value_idx)  # type: ignore[arg-type]
        value_number, measure = _value_number(operator, value, measure)
        weight = None
        if weight_src is not None and _WEIGHT.match(_norm(weight_src)):
            weight = _number(_norm(weight_src))
        self.indicators.append(PerformanceIndicator(
            project=self.ctx.project, unit_name=self.ctx.unit_name, level1=self.ctx.level1,
            level2=self.ctx.level2, name=name, operator=operator, value=value,  # type: ignore[arg-type]
            value_number=value_number, measure_unit=measure, weight=weight,
            provenance=cell_provenance(r.cells[anchor], r.row, " ".join(r.texts)),
        ))

    def _levels_and_name(self, r: _Row, anchor: int) -> str | None:
        """The level words and the 三级指标 name printed before the anchor; the levels
        update the context, the name is returned (None when the row prints none)."""
        ctx = self.ctx
        name = None
        row_l1 = row_l2 = False
        for t, n in zip(r.texts[:anchor], r.norm[:anchor], strict=False):
            joined = _JOINED_LEVELS.match(n)
            if joined and not row_l1:
                ctx.level1, ctx.level2, name = joined.group(1), joined.group(2), joined.group(3)
                row_l1 = row_l2 = True
                continue
            if LEVEL1.match(n) and not row_l1 and not row_l2:
                ctx.level1, ctx.level2 = n, None
                row_l1 = True
            elif (LEVEL2.match(n) or (row_l1 and LEVEL1.match(n))) and not row_l2:
                ctx.level2 = n  # 产出指标 | 成本指标: the second level word is the 二级
                row_l2 = True
            elif parse_amount(n) is None and not _LONG_CODE.match(n) \
                    and len(n) >= self.settings.min_name_chars:
                name = t
        return name


def extract_indicators(raw: RawTable, unit: str, settings: IndicatorSettings = SETTINGS
                       ) -> tuple[list[PerformanceIndicator], list[Project]]:
    """Indicators and the projects they belong to, from a table with indicator columns."""
    return _IndicatorReader(raw, unit, settings).read()


def _is_project_name(p: str) -> bool:
    """A cell of the project column that names a project: not a header, level word,
    operator, 项目类别, dash or total."""
    n = _norm(p)
    return bool(p) and not INDICATOR_HEADER.search(p) and not LEVEL1.match(n) \
        and not LEVEL2.match(n) and "项目名称" not in n and not _op(p) \
        and not _CATEGORY.match(n) and not _NO_PROJECT.fullmatch(n) and not _is_total_label(n)


def _operator_in_value(norm: list[str]) -> int | None:
    """The cell of an operator printed with its value: '≥15个', '=100%' (never the first)."""
    return next((i for i, t in enumerate(norm)
                 if i > 0 and _OP_PREFIX.match(t) and not LEVEL2.match(t)), None)


def _starts_indicator_columns(norm: list[str]) -> bool:
    joined = " ".join(norm)
    return bool(INDICATOR_HEADER.search(joined) and re.search(r"三级指标|指标值", joined))


def _after_operator_cell(texts: list[str], op_idx: int) -> tuple[str | None, str | None, str | None,
                                                                 str | None]:
    """Operator, value, measure unit and weight cell of 'op | value [| unit] [| weight]'."""
    operator = _op(texts[op_idx])
    rest = texts[op_idx + 1:]
    value = rest[0] if rest else None
    measure = rest[1] if len(rest) > 1 and not _WEIGHT.match(_norm(rest[1])) else None
    weight_src = rest[2] if measure is not None and len(rest) > 2 else (
        rest[1] if len(rest) > 1 and measure is None else None)
    return operator, value, measure, weight_src


def _operator_in_cell(texts: list[str], norm: list[str], value_idx: int) -> tuple[
        str, str, str | None, str | None]:
    """Operator, value, measure unit and weight cell of '≥15个 [| …] [| weight]'."""
    m = _OP_PREFIX.match(norm[value_idx])
    assert m is not None
    vm = _VALUE_UNIT.match(m.group(2))
    tail = texts[value_idx + 1:]
    return (_OP_CELL[m.group(1)], vm.group(1) if vm else m.group(2),
            (vm.group(2) or None) if vm else None, tail[-1] if tail else None)


def _value_number(operator: str | None, value: str | None,
                  measure: str | None) -> tuple[Decimal | None, str | None]:
    """The value as a number (None for 定性 and text values) and the measure unit, taken
    from the value when it prints one ('15个') and no unit column does."""
    if operator == "定性" or value is None:
        return None, measure
    vm = _VALUE_UNIT.match(_norm(value))
    value_number = _number(vm.group(1)) if vm and not vm.group(2) else None
    if vm and vm.group(2) and measure is None:
        return _number(vm.group(1)), vm.group(2)
    return value_number, measure


def _plain_indicator(texts: list[str], norm: list[str], level1: str | None,
                     level2: str | None, settings: IndicatorSettings = SETTINGS) -> tuple | None:
    """A row 'level… | 三级指标 | value [| weight]' whose value has no operator (7次,
    有效减轻): (level1, level2, name, value, weight), or None if it is not one."""
    i = 0
    seen = 0  # level words read in this row: the first LEVEL1 word is the 一级
    while i < len(norm) and (LEVEL1.match(norm[i]) or LEVEL2.match(norm[i])
                             or norm[i] in ("绩效指标", "年度绩效指标", "")):
        if LEVEL1.match(norm[i]) and not seen:
            level1, level2 = norm[i], None
            seen += 1
        elif LEVEL1.match(norm[i]) or LEVEL2.match(norm[i]):
            level2 = norm[i]
            seen += 1
        i += 1
    rest = texts[i:]
    if level1 is None or len(rest) < 2 or len(rest) > 3:
        return None
    name, value = rest[0], rest[1]
    if parse_amount(_norm(name)) is not None or len(_norm(value)) > settings.plain_value_chars:
        return None
    weight = _number(_norm(rest[2])) if len(rest) == 3 and _WEIGHT.match(_norm(rest[2])) else None
    if len(rest) == 3 and weight is None:
        return None
    return level1, level2, name, value, weight


_PROJECT_CODE = re.compile(r"^\d{5,}")


def _maybe_project(row, cells, norm: list[str], unit: str, projects: list[Project]) -> None:
    """A row naming a project with its amount (e.g. Haidong's '6302000002…-劳动维权工作经费')."""
    amount: Amount | None = None
    names: list[str] = []
    category = None
    for c, n in zip(cells, norm, strict=False):
        if parse_amount(n) is not None and ("." in n) and amount is None:
            amount = make_amount(c, row, unit)
        elif re.match(r"^\d{1,2}-", n) and ("类" in n):
            category = c.text.strip()
        elif not LEVEL1.match(n) and not LEVEL2.match(n):
            names.append(c.text.strip())
    if amount is None or not names or _is_total_label(norm[0]):
        return
    name_cands = [x for x in names if _PROJECT_CODE.match(_norm(x)) or "-" in x]
    name = name_cands[0] if name_cands else names[min(1, len(names) - 1)]
    unit_name = names[0] if len(names) > 1 and names[0] != name else None
    goal = names[-1] if len(names) > 2 and names[-1] != name else None
    projects.append(Project(unit_name=unit_name, name=name, category=category, amount=amount,
                            goal=goal, provenance=cell_provenance(cells[0], row)))
