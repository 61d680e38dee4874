"""Versioned prompt templates from ``prompts/`` (``TASK.vN.md``)."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ConfigError

if TYPE_CHECKING:
    from pipeline.llm.chunks import Chunk

PROMPTS = Path(os.environ.get("BUDGET_EXTRACT_PROMPTS", Path(__file__).resolve().parents[2] / "prompts"))


@dataclass(frozen=True)
class Prompt:
    task: str
    version: int
    text: str

    @property
    def key(self) -> str:
        """Task, version and a hash of the text: part of every cache key."""
        return f"{self.task}.v{self.version}.{hashlib.sha256(self.text.encode()).hexdigest()[:12]}"

    def render(self, **values: str) -> str:
        out = self.text
        for k, v in values.items():
            out = out.replace("{" + k + "}", v)
        return out


@cache
def load(task: str) -> Prompt:
    """The newest version of ``task``'s template, with the shared rules filled in."""
    found = sorted((int(m.group(1)), p) for p in PROMPTS.glob(f"{task}.v*.md")
                    if (m := re.fullmatch(rf"{re.escape(task)}\.v(\d+)\.md", p.name)))
    if not found:
        raise ConfigError(f"no prompt template for '{task}' in {PROMPTS} "
                          "(set BUDGET_EXTRACT_PROMPTS to the prompts/ folder)")
    version, path = found[-1]
    common = sorted(PROMPTS.glob("_common.v*.md"))
    text = path.read_text(encoding="utf-8")
    if common:
        text = text.replace("{common}", common[-1].read_text(encoding="utf-8").strip())
    return Prompt(task, version, text)


def user_prompt(chunk: Chunk, mode: str) -> tuple[str, str]:
    """The user message for ``chunk`` and the prompt's cache key. In ``md_json`` mode the
    compact answer schema ends the message (``tools`` mode sends it as the tool's
    parameters)."""
    from pipeline.llm.compact import schema_instruction
    from pipeline.llm.models import response_model

    prompt = load(chunk.task)
    title = chunk.title + (f" (part {chunk.part} of {chunk.parts})" if chunk.parts > 1 else "")
    text = prompt.render(title=title, unit=chunk.unit, chunk=chunk.text,
                         kind=chunk.kind.value if chunk.kind else "", columns=chunk.columns_hint())
    if mode == "md_json":
        text = text.rstrip("\n") + "\n\n" + schema_instruction(response_model(chunk.task),
                                                                 not_applicable(chunk.task))
    return text, prompt.key


TWO_SIDED = {"table_income_expenditure_summary", "table_fiscal_summary"}
PER_UNIT = {"table_income_summary", "table_project_expenditure", "table_three_public",
            "table_generic", "table_expenditure_summary", "table_basic_expenditure"}


def not_applicable(task: str) -> frozenset[str]:
    """Optional answer fields a task never fills (left out of its schema: a small model
    fills every field it is shown)."""
    out = set()
    if task not in TWO_SIDED:
        out.add("side")
    if task not in PER_UNIT:
        out.add("unit_name")
    return frozenset(out)


@cache
def example_numbers(task: str) -> frozenset[str]:
    """The numbers printed in the task's instructions: an answer figure equal to one of them
    that the chunk does not print was copied from the prompt, not from the document."""
    return frozenset(re.findall(r"\d[\d,]*(?:\.\d+)?", load(task).text.replace("{chunk}", "")))
