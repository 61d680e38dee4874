"""Visual review of the flags: an annotated PDF, an offline HTML report per document and an
index over a batch (`budget-extract review`).

``review_path`` takes an extraction JSON (or a PDF/text, extracted first) and writes its
review folder; ``review_batch`` does so for every document of a batch output folder and
writes ``index.html`` over them.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import BudgetExtractError
from pipeline.review.index import INDEX_NAME, IndexEntry, IndexFlag, write_index
from pipeline.review.report import REPORT_NAME, ReportFiles, write_report
from pipeline.review.settings import ReviewSettings
from pipeline.review.source import load_disclosure, resolve_source
from schemas.document import Disclosure

__all__ = ["BatchReview", "ReportFiles", "ReviewSettings", "review_batch", "review_path",
           "write_report"]


def default_out_dir(path: Path) -> Path:
    return Path(f"{path.stem}-review")


def review_path(path: str | Path, out_dir: str | Path | None = None, source: str | Path | None = None,
                settings: ReviewSettings | None = None) -> ReportFiles:
    """Review one document: ``path`` is an extraction JSON (its source found beside it, at
    the path it records, or given as ``source``) or a PDF/text file, extracted first."""
    p = Path(path)
    out = Path(out_dir) if out_dir is not None else default_out_dir(p)
    if p.suffix.lower() == ".json":
        d, data = load_disclosure(p)
        src = resolve_source(d, p, data.get("source"), Path(source) if source else None)
        return write_report(d, src, out, settings, json_path=p)
    from pipeline.export.jsonfile import write_json
    from pipeline.run import extract_document

    d = extract_document(p)
    out.mkdir(parents=True, exist_ok=True)
    json_path = write_json(d, out / f"{p.stem}.json")
    return write_report(d, p, out, settings, json_path=json_path)


@dataclass(frozen=True)
class BatchReview:
    index: Path
    documents: int
    reports: int
    without_report: int
    flags: int
    seconds: float


def batch_documents(batch_dir: Path) -> tuple[list[Path], list[Path]]:
    """The extraction JSONs (docs/) and error records (errors/) of a batch output folder."""
    docs = sorted((batch_dir / "docs").rglob("*.json"))
    errors = sorted((batch_dir / "errors").glob("*.json"))
    if not docs and not errors:
        from pipeline.errors import NotFoundError

        raise NotFoundError("no docs/*.json or errors/*.json here: give the folder a "
                            "`budget-extract batch … -o DIR` wrote", path=batch_dir)
    return docs, errors


def _entry(d: Disclosure, name: str) -> IndexEntry:
    kind = "final account" if d.metadata.kind.value == "final_account" else "budget"
    flags = [IndexFlag(n, f.severity.value, f.check,
                       ",".join(map(str, sorted({loc.page for loc in f.locations}))), f.message)
             for n, f in enumerate(d.flags, start=1)]
    return IndexEntry(name=name, department=d.metadata.department, year=str(d.metadata.year or ""),
                      kind=f"{kind}, {d.metadata.level}", pages=d.page_count,
                      checks_failed=d.checks.failed, flags=flags)


def review_one_of_batch(json_path: Path, out_dir: Path, sources: list[Path],
                        settings: ReviewSettings) -> IndexEntry:
    """Review one batch document into ``out_dir/<name>-<id>/``; never raises for a document
    whose source is missing (its entry says why)."""
    d, data = load_disclosure(json_path)
    name = Path(d.source).name
    entry = _entry(d, name)
    folder = f"{Path(name).stem}-{str(data.get('doc_id') or d.source_sha256)[:8]}"
    try:
        src = resolve_source(d, json_path, data.get("source"), None, sources)
        write_report(d, src, out_dir / folder, settings, json_path=json_path)
        entry.report = f"{folder}/{REPORT_NAME}"
    except BudgetExtractError as e:
        entry.problem = f"no report: {e.message}"
    return entry


def _error_entry(path: Path) -> IndexEntry:
    e = json.loads(path.read_text(encoding="utf-8"))
    return IndexEntry(name=Path(e.get("source", path.stem)).name,
                      problem=f"not extracted: {e.get('error')}: {e.get('reason')}")


def review_batch(batch_dir: str | Path, out_dir: str | Path | None = None,
                 sources: list[Path] | None = None, settings: ReviewSettings | None = None,
                 workers: int | None = None) -> BatchReview:
    """Review every document of a batch output folder into ``out_dir`` (default
    ``batch_dir/review``) and write ``index.html`` there."""
    t0 = time.perf_counter()
    batch = Path(batch_dir)
    out = Path(out_dir) if out_dir is not None else batch / "review"
    settings = settings or ReviewSettings()
    docs, errors = batch_documents(batch)
    out.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers or os.cpu_count() or 1, len(docs)))
    args = [(p, out, sources or [], settings) for p in docs]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            entries = list(pool.map(review_one_of_batch, *zip(*args, strict=True)))
    else:
        entries = [review_one_of_batch(*a) for a in args]
    entries += [_error_entry(p) for p in errors]
    index = write_index(entries, out / INDEX_NAME, settings, title=f"Review of {batch.resolve().name}")
    return BatchReview(index=index, documents=len(entries),
                       reports=sum(1 for e in entries if e.report),
                       without_report=sum(1 for e in entries if not e.report),
                       flags=sum(len(e.flags) for e in entries),
                       seconds=round(time.perf_counter() - t0, 2))
