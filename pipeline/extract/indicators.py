"""Performance indicators (绩效目标) anchored on the operator cell, which survives the
column shifts converters introduce; levels are recognised by their vocabulary."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pipeline.extract.cells import cell_provenance, header_labels, make_amount
from pipeline.numbers import detect_unit, normalise_text, parse_amount
from pipeline.segment.tables import RawTable
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
    return any(INDICATOR_HEADER.search(c.text) for r in raw.rows[:8] for c in r.cells)


def _header_columns(raw: RawTable) -> tuple[int | None, int | None, int | None, bool]:
    """Columns of the project name, unit name and project amount, from the header, and
    whether the 'project' column is an 活动 (activity) rather than a project."""
    for i, row in enumerate(raw.rows[:8]):
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
    return 2 <= len(texts) <= 3 and bool(_BLOCK_HEAD.match(_norm(texts[0]))) and not re.search(
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


def extract_indicators(raw: RawTable, unit: str) -> tuple[list[PerformanceIndicator], list[Project]]:
    """Indicators and the projects they belong to, from a table with indicator columns."""
    indicators: list[PerformanceIndicator] = []
    projects: list[Project] = []
    level1 = level2 = None
    project: str | None = None
    unit_name: str | None = None
    last_name: str | None = None
    proj_col, unit_col, amount_col, activity = _header_columns(raw)
    if raw.unit is None:  # no unit line: a money label above the indicators may state it
        unit = _unit_above_indicators(raw) or unit
    blocks = any(_is_block_head([c.text.strip() for c in r.cells if c.text.strip()])
                 for r in raw.rows)
    if blocks:
        proj_col = unit_col = amount_col = None  # one block per project: 项目名称 | name
    spans = _merged_cells(raw) if raw.ruled else {}
    merged = {k: text for k, (text, _) in spans.items()}
    spread = {k: v for k, v in merged.items()
              if LEVEL1.match(_norm(v)) or LEVEL2.match(_norm(v))}
    in_region = False
    for ri, row in enumerate(raw.rows):
        by_col = row.texts(raw.ncols)
        if proj_col is not None and proj_col < len(by_col):
            p = merged.get((ri, proj_col), by_col[proj_col]).strip()
            shifted = proj_col > 0 and (parse_amount(_norm(p)) is not None
                                        or bool(re.match(r"^\d{1,2}-.*类$", _norm(p))))
            if shifted:
                # printed one column to the left (a continuation page, a converter's shift):
                # the amount or the 项目类别 sits where the name should be
                p = merged.get((ri, proj_col - 1), by_col[proj_col - 1]).strip()
            n = _norm(p)
            is_name = p and not INDICATOR_HEADER.search(p) and not LEVEL1.match(n) \
                and not LEVEL2.match(n) and "项目名称" not in n and not _op(p) \
                and not re.match(r"^\d{1,2}-.*类$", n) and not re.fullmatch(r"[-—－]+|合计-?|总计", n)
            if is_name and p != project:
                project = p
                level1 = level2 = None
                if unit_col is not None and by_col[unit_col].strip():
                    unit_name = by_col[unit_col].strip()
                amount = None
                if amount_col is not None:
                    col = amount_col - 1 if shifted else amount_col
                    at = raw.rows[spans[(ri, col)][1]] if (ri, col) in spans else row
                    cell = at.cell_at(col)
                    amount = make_amount(cell, at, unit) if cell is not None and cell.text else None
                if not activity:  # an 活动 groups indicators but is not a project
                    projects.append(Project(name=p, unit_name=unit_name, amount=amount,
                                            provenance=cell_provenance(row.cell_at(proj_col), row)))
        if unit_col is not None and unit_col < len(by_col) and by_col[unit_col].strip() and \
                "单位" not in _norm(by_col[unit_col])[:4]:
            unit_name = by_col[unit_col].strip()
        cells = [c for c in row.cells if c.text.strip() or (ri, c.col) in spread]
        texts = [spread.get((ri, c.col), c.text.strip()) for c in cells]
        norm = [_norm(t) for t in texts]
        if not texts:
            continue
        # a block's money line: 年度预算资金总额： | 176.00 or 年度预算资金（万元） | 2149.09
        if blocks and projects and projects[-1].amount is None and not in_region and any(
                re.search(r"(预算)?资金总额|年度预算资金", n) for n in norm):
            money = next((c for c in cells if parse_amount(_norm(c.text)) is not None
                          and "." in c.text), None)
            if money is not None:
                projects[-1].amount = make_amount(money, row, unit)
                continue
        # a project header: 项目名称 | name  (tables with one block per project)
        if _is_block_head(texts):
            project = texts[1]
            projects.append(Project(name=project, unit_name=unit_name,
                                    provenance=cell_provenance(cells[1], row)))
            level1 = level2 = None
            in_region = False
            continue
        op_idx = next((i for i, t in enumerate(texts) if _op(t)), None)
        value_idx = None
        if op_idx is None:
            # operator printed with its value: '≥15个', '=100%'
            for i, t in enumerate(norm):
                if i > 0 and _OP_PREFIX.match(t) and not LEVEL2.match(t):
                    value_idx = i
                    break
        if INDICATOR_HEADER.search(" ".join(norm)) and re.search(r"三级指标|指标值", " ".join(norm)):
            in_region = True  # the indicator columns start here
            continue
        if op_idx is None and value_idx is None and raw.ruled and in_region:
            plain = _plain_indicator(texts, norm, level1, level2)
            if plain is not None:
                level1, level2, name, value, weight = plain
                vm = _VALUE_UNIT.match(_norm(value))
                if vm and re.search(r"\d", vm.group(2)):
                    vm = None  # a date, 2025年12月31日: the value as printed
                indicators.append(PerformanceIndicator(
                    project=project, unit_name=unit_name, level1=level1, level2=level2,
                    name=name, operator=None, value=vm.group(1) if vm and vm.group(2) else value,
                    value_number=_number(vm.group(1)) if vm else None,
                    measure_unit=(vm.group(2) or None) if vm else None, weight=weight,
                    provenance=cell_provenance(cells[-1], row, " ".join(texts))))
                last_name = name
                continue
        if op_idx is None and value_idx is None:
            before = len(projects)
            if proj_col is None and not blocks:  # in blocks, 其中：财政拨款 | 174.00 is money
                _maybe_project(row, cells, norm, unit, projects)
            if len(projects) > before:
                project = projects[-1].name
                unit_name = projects[-1].unit_name or unit_name
                level1 = level2 = None
            for t in norm:
                if LEVEL1.match(t):
                    level1, level2 = t, None
                elif LEVEL2.match(t):
                    level2 = t
            continue
        anchor = op_idx if op_idx is not None else value_idx
        assert anchor is not None
        name = None
        row_l1 = row_l2 = False
        for t, n in zip(texts[:anchor], norm[:anchor], strict=False):
            joined = _JOINED_LEVELS.match(n)
            if joined and not row_l1:
                level1, level2, name = joined.group(1), joined.group(2), joined.group(3)
                row_l1 = row_l2 = True
                continue
            if LEVEL1.match(n) and not row_l1 and not row_l2:
                level1, level2 = n, None
                row_l1 = True
            elif (LEVEL2.match(n) or (row_l1 and LEVEL1.match(n))) and not row_l2:
                level2 = n  # 产出指标 | 成本指标: the second level word is the 二级
                row_l2 = True
            elif parse_amount(n) is None and not re.match(r"^\d{5,}", n) and len(n) > 1:
                name = t
        if name is None:
            name = level2 or last_name or ""
        last_name = name
        if op_idx is not None:
            operator = _op(texts[op_idx])
            rest = texts[op_idx + 1:]
            value = rest[0] if rest else None
            measure = rest[1] if len(rest) > 1 and not _WEIGHT.match(_norm(rest[1])) else None
            weight_src = rest[2] if measure is not None and len(rest) > 2 else (
                rest[1] if len(rest) > 1 and measure is None else None)
        else:
            m = _OP_PREFIX.match(norm[value_idx])  # type: ignore[index]
            assert m is not None
            operator = _OP_CELL[m.group(1)]
            vm = _VALUE_UNIT.match(m.group(2))
            value = vm.group(1) if vm else m.group(2)
            measure = (vm.group(2) or None) if vm else None
            tail = texts[value_idx + 1:]  # type: ignore[operator]
            weight_src = tail[-1] if tail else None
        if operator == "定性" or value is None:
            value_number = None
        else:
            vm = _VALUE_UNIT.match(_norm(value))
            value_number = _number(vm.group(1)) if vm and not vm.group(2) else None
            if vm and vm.group(2) and measure is None:
                value_number, measure = _number(vm.group(1)), vm.group(2)
        weight = None
        if weight_src is not None and _WEIGHT.match(_norm(weight_src)):
            weight = _number(_norm(weight_src))
        indicators.append(PerformanceIndicator(
            project=project, unit_name=unit_name, level1=level1, level2=level2, name=name,
            operator=operator, value=value, value_number=value_number,  # type: ignore[arg-type]
            measure_unit=measure, weight=weight,
            provenance=cell_provenance(cells[anchor], row, " ".join(texts)),
        ))
    return indicators, projects


def _plain_indicator(texts: list[str], norm: list[str], level1: str | None,
                     level2: str | None) -> tuple | None:
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
    if parse_amount(_norm(name)) is not None or len(_norm(value)) > 12:
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
    if amount is None or not names or re.fullmatch(r"合计-?|总计", norm[0]):
        return
    name_cands = [x for x in names if _PROJECT_CODE.match(_norm(x)) or "-" in x]
    name = name_cands[0] if name_cands else names[min(1, len(names) - 1)]
    unit_name = names[0] if len(names) > 1 and names[0] != name else None
    goal = names[-1] if len(names) > 2 and names[-1] != name else None
    projects.append(Project(unit_name=unit_name, name=name, category=category, amount=amount,
                            goal=goal, provenance=cell_provenance(cells[0], row)))
