"""Projects listed by a table: a project-expenditure table, or an untitled list with a
项目名称 column (a goal list in the text). Indicator tables name their projects themselves
(pipeline.extract.indicators)."""

from __future__ import annotations

from schemas.indicators import Project
from schemas.tables import Table, TableKind


def lists_projects(table: Table) -> bool:
    return table.kind is TableKind.project_expenditure or (
        table.kind is TableKind.other and any(r.project_name for r in table.rows))


def listed_projects(table: Table) -> list[Project]:
    """One project per row with a name and figures (total rows excepted): its first figure
    is the amount, a column headed 目标 its goal."""
    return [
        Project(unit_name=r.unit_name, name=r.project_name or r.name,
                amount=r.values.get(next(iter(r.values))) if r.values else None,
                goal=next((v for k, v in r.texts.items() if "目标" in k), None),
                provenance=r.provenance)
        for r in table.rows if not r.is_total and (r.project_name or r.name) and r.values
    ]
