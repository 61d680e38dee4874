"""JSON output, written atomically so that a crash never leaves half a file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from schemas.document import Disclosure


def write_json(disclosure: Disclosure, out: str | Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(disclosure.model_dump_json(indent=2))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual mode
    os.replace(tmp, out)
    return out


def json_schema() -> str:
    """The JSON Schema of the output, from the pydantic models."""
    return json.dumps(Disclosure.model_json_schema(), ensure_ascii=False, indent=2)
