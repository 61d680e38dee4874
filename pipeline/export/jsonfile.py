"""JSON output, written atomically so that a crash never leaves half a file."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.export.atomic import atomic_write_text
from schemas.document import Disclosure


def write_json(disclosure: Disclosure, out: str | Path) -> Path:
    return atomic_write_text(Path(out), disclosure.model_dump_json(indent=2))


def json_schema() -> str:
    """The JSON Schema of the output, from the pydantic models."""
    return json.dumps(Disclosure.model_json_schema(), ensure_ascii=False, indent=2)
