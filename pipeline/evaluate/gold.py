"""Loading gold files, refusing drafts, and finding the documents they annotate."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from pipeline.errors import GoldError
from schemas.gold import GoldDocument

GOLD_SUFFIX = ".gold.json"


def load_gold(path: Path) -> GoldDocument:
    """Parse and validate one gold file; errors name the file and the field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise GoldError(f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}",
                        path=path) from None
    try:
        return GoldDocument.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise GoldError(f"does not match the gold format ({e.error_count()} errors); first: "
                        f"{where}: {first['msg']}", path=path) from None


def load_gold_dir(gold_dir: Path, only: list[str] | None = None) -> list[tuple[Path, GoldDocument]]:
    """Every ``*.gold.json`` under ``gold_dir`` (or the ones whose name contains an ``only``
    entry). Refuses the whole set if any of them is an unreviewed draft."""
    if not gold_dir.is_dir():
        raise GoldError("gold directory not found (pass --gold DIR)", path=gold_dir)
    files = sorted(gold_dir.glob(f"*{GOLD_SUFFIX}"))
    if only:
        files = [f for f in files if any(o in f.name for o in only)]
    if not files:
        raise GoldError(f"no *{GOLD_SUFFIX} files here" + (f" matching {only}" if only else ""),
                        path=gold_dir)
    golds = [(f, load_gold(f)) for f in files]
    drafts = [f for f, g in golds if not g.reviewed]
    if drafts:
        names = ", ".join(f.name for f in drafts)
        raise GoldError(f"refusing to score against unreviewed draft gold: {names}. Check every "
                        "value against the document, fix what is wrong, then set "
                        '"reviewed": true', path=gold_dir)
    return golds


def find_document(gold: GoldDocument, gold_path: Path, doc_dirs: list[Path]) -> Path:
    """The document a gold file annotates: searched by file name in ``doc_dirs`` (recursively)
    and beside the gold file."""
    for d in [*doc_dirs, gold_path.parent]:
        if (d / gold.source).is_file():
            return d / gold.source
        if d.is_dir():
            hits = sorted(d.rglob(gold.source))
            if hits:
                return hits[0]
    searched = ", ".join(str(d) for d in doc_dirs) or "(none)"
    raise GoldError(f"names document '{gold.source}', which is not in {searched}; pass "
                    "--docs DIR where it is", path=gold_path)


def find_document_by_stem(gold: GoldDocument, doc_dirs: list[Path]) -> Path | None:
    """The document in ``doc_dirs`` (recursively) whose file stem is the gold source's stem:
    another rendering of the same document (a converter's ``x.txt`` or ``x.md`` for the gold
    of ``x.pdf``). None when there is none."""
    stem = Path(gold.source).stem
    for d in doc_dirs:
        if not d.is_dir():
            continue
        hits = sorted(p for p in d.rglob(f"{stem}.*") if p.is_file() and p.stem == stem
                      and not p.name.endswith(GOLD_SUFFIX))
        if hits:
            return hits[0]
    return None
