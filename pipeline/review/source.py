"""An extraction JSON and the file it was extracted from."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from pipeline.errors import SourceNotFoundError, UnsupportedFormatError
from pipeline.ingest.reader import file_sha256
from schemas.document import Disclosure


def load_disclosure(path: Path) -> tuple[Disclosure, dict]:
    """The extraction in ``path`` (a `budget-extract` or batch `docs/` JSON) and its raw
    object (a batch JSON also holds ``doc_id`` and the source's path as given)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Disclosure.model_validate(data), data
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise UnsupportedFormatError(f"not JSON ({e})", path=path) from None
    except ValidationError as e:
        raise UnsupportedFormatError(
            f"not a budget-extract extraction ({e.error_count()} fields do not fit the schema); give "
            "a JSON written by `budget-extract FILE` or a batch's docs/*.json", path=path) from None


sha256_of = file_sha256  # the file's sha256 (pipeline.ingest.reader)


def resolve_source(d: Disclosure, json_path: Path, recorded: str | None = None,
                   explicit: Path | None = None, search: list[Path] | None = None) -> Path:
    """The source file of ``d``: ``explicit``, else the path the JSON records, else a file
    of the same name beside the JSON or under a folder of ``search``; it must have the extracted content
    (sha256). Raises SourceNotFoundError saying how to point at it."""
    name = Path(recorded or d.source).name
    candidates = [explicit] if explicit is not None else [
        Path(recorded or d.source), json_path.parent / name,
        *(f for s in search or [] for f in sorted(s.rglob(name)))]
    changed = []
    for c in candidates:
        if c is not None and c.is_file():
            if sha256_of(c) == d.source_sha256:
                return c
            changed.append(str(c))
    if changed:
        raise SourceNotFoundError(
            f"{', '.join(changed)} differs from the file that was extracted (sha256); pass the "
            "original with --source FILE, or extract the file again", path=json_path)
    tried = ", ".join(str(c) for c in candidates if c is not None)
    raise SourceNotFoundError(f"its source file was not found (tried {tried}); pass it with "
                              "--source FILE (or --sources DIR for a batch)", path=json_path)
