"""Batch runs over many disclosures: isolated, resumable, observable.

The unit of work, ``process_one(path, settings)``, is a pure function of the file and the
settings: it writes nothing and returns a JSON-ready record, so any engine (a process
pool here, Ray in ``examples/ray_batch.py``) can run it. ``run_batch`` writes each result
atomically under a key made of the file's content hash and the settings' hash; a rerun
skips every key already written, a changed file gets a new key and is redone.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.defaults import DEFAULT_EXTRACTOR
from pipeline.errors import BudgetExtractError, ConfigError, InputError, InternalError, NotFoundError
from pipeline.export.atomic import atomic_write_text
from pipeline.export.lock import output_lock
from pipeline.export.quality import markdown as quality_markdown
from pipeline.export.quality import summarise as summarise_quality
from pipeline.export.tables import TABLES, document_rows, error_row, write_excel, write_jsonl, write_tables
from pipeline.ingest.reader import file_sha256, file_size, printable
from pipeline.limits import Limits, death_error, memory_error, out_of_memory, time_limit
from pipeline.pool import SupervisedPool
from pipeline.records import (
    DocumentRecord,
    ErrorRecord,
    error_record,
    is_config_error,
    ok_record,
    worker_died,
)
from pipeline.redact import redact

EXTRA_FORMATS = ("xlsx", "jsonl")  # beside CSV and Parquet, on request

SUFFIXES = {".pdf", ".txt", ".md", ".markdown"}


@dataclass(frozen=True)
class Settings:
    """Everything that shapes a result; part of every output key."""

    extractor: str = DEFAULT_EXTRACTOR
    model: str | None = None
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    mode: str = "md_json"
    max_concurrent_calls: int = 4
    cache_dir: str | None = None
    rate_limit: float | None = None  # model calls started per second, at most
    limits: Limits = field(default_factory=Limits)  # per document: time, memory, size

    def key(self) -> str:
        relevant = {k: v for k, v in asdict(self).items()
                    if k not in ("max_concurrent_calls", "cache_dir", "api_key_env", "rate_limit")}
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:10]

    @property
    def wall_seconds(self) -> float:
        """The wall time of one document: a model's when one is called (``llm``, or ``auto``
        with an endpoint configured), else the rules'."""
        from pipeline.llm.config import configured

        uses_model = self.extractor == "llm" or (
            self.extractor == "auto" and configured(self.base_url, self.api_key_env))
        return self.limits.wall_seconds(uses_model)


def expand_inputs(inputs: Iterable[str]) -> list[Path]:
    """Files, directories (recursively) and list files (@list.txt, or *.list / *.lst)."""
    out: list[Path] = []
    for item in inputs:
        p = Path(item[1:] if item.startswith("@") else item)
        if item.startswith("@") or p.suffix in (".list", ".lst"):
            base = p.parent
            for line in p.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    q = Path(line)
                    out.extend(expand_inputs([str(q if q.is_absolute() else base / q)]))
        elif p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        else:
            out.append(p)
    seen: set[Path] = set()
    unique = []
    for f in out:
        try:
            r = f.resolve()
        except (OSError, RuntimeError):  # a symbolic link loop: its error record says so
            r = f.absolute()
        if r not in seen:
            seen.add(r)
            unique.append(f)
    return unique


def check_inputs_exist(inputs: Iterable[str]) -> None:
    """Raise ``NotFoundError`` for an INPUT given on the command line that is not there
    (paths inside list files get error records instead)."""
    for item in inputs:
        p = Path(item[1:] if item.startswith("@") else item)
        if not p.exists():
            what = "a symbolic link loop or a broken link" if p.is_symlink() else "no such file or directory"
            raise NotFoundError(f"{what}; check the path", path=p)


# Exit codes of a batch (README, "Exit codes"): 0 every document extracted; 1 some failed
# or were not processed; 2 no document at all.
EXIT_OK, EXIT_SOME_FAILED, EXIT_NOTHING = 0, 1, 2


def batch_exit_code(summary: dict[str, Any]) -> int:
    outcomes = summary["outcomes"]
    if not summary["documents"] or not any(k.startswith("ok") for k in outcomes):
        return EXIT_NOTHING
    if outcomes.get("failed") or outcomes.get("not processed"):
        return EXIT_SOME_FAILED
    return EXIT_OK


content_hash = file_sha256  # the file's sha256 (pipeline.ingest.reader)


def process_one(path: str, settings: Settings) -> DocumentRecord:
    """Extract and verify one file; never raises. Returns {"status": "ok", "disclosure": …}
    or {"status": "error", "error": kind, "reason": one line}."""
    t0 = time.perf_counter()
    p = Path(path)
    try:
        with time_limit(settings.wall_seconds):
            return _redacted(_process(p, settings, t0), settings)
    except InputError as e:
        return error_record(e, e.message, seconds=round(time.perf_counter() - t0, 4))
    except MemoryError:
        e = memory_error(settings.limits)
        return error_record(e, e.message, seconds=round(time.perf_counter() - t0, 4))


def _redacted(result: DocumentRecord, settings: Settings) -> DocumentRecord:
    """An error's reason and traceback without the API key (an endpoint may echo it)."""
    if result["status"] == "error":
        key = os.environ.get(settings.api_key_env)
        result["reason"] = redact(result["reason"], [key])
        if "traceback" in result:
            result["traceback"] = redact(result["traceback"], [key])
    return result


def _process(p: Path, settings: Settings, t0: float) -> DocumentRecord:
    try:
        from pipeline.run import extract_document

        llm = None
        if settings.extractor != "rules":
            from pipeline.llm.config import DEFAULT_CACHE, configured, resolve

            if settings.extractor == "llm" or configured(settings.base_url, settings.api_key_env):
                llm = resolve(settings.model, settings.base_url, settings.api_key_env,
                              mode=settings.mode, concurrency=settings.max_concurrent_calls,  # type: ignore[arg-type]
                              cache_dir=Path(settings.cache_dir) if settings.cache_dir else DEFAULT_CACHE)
        if settings.rate_limit:
            from pipeline.llm.extractor import ensure_rate_limit

            ensure_rate_limit(settings.rate_limit)  # one limiter per process
        d = extract_document(p, extractor=settings.extractor, llm=llm, limits=settings.limits)
        return ok_record(json.loads(d.model_dump_json()), round(time.perf_counter() - t0, 4))
    except (InputError, MemoryError):
        raise
    except BudgetExtractError as e:
        return error_record(e, e.message, seconds=round(time.perf_counter() - t0, 4), retry=True)
    except Exception as e:  # a bug must not stop the batch: record it with its traceback
        if out_of_memory(e, settings.limits):
            raise MemoryError from None
        return error_record(InternalError, f"{type(e).__name__}: {e}", retry=True,
                            seconds=round(time.perf_counter() - t0, 4),
                            traceback=traceback.format_exc(limit=8))


def _note_same_content(row: dict[str, Any], path: Path) -> None:
    """Name another file with the same content on the row of the first one."""
    others = [x for x in (row.get("same_content_as") or "").split(";") if x]
    row["same_content_as"] = ";".join([*others, printable(path)])


def _missing_key(f: Path) -> str:
    return f"missing-{hashlib.sha256(str(f).encode(errors='surrogateescape')).hexdigest()[:16]}"


def _unreadable(f: Path) -> ErrorRecord:
    """The error record of a file that cannot be read, with ingest's precise reason."""
    try:
        file_size(f)
        return error_record(NotFoundError, "cannot be read")
    except InputError as e:
        return error_record(e, e.message)


def _write_atomic(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False))


@dataclass
class Progress:
    total: int
    done: int = 0
    skipped: int = 0
    same_content: int = 0  # files whose content another file of the batch already has
    failed: int = 0
    flagged: int = 0
    calls: int = 0
    tokens: int = 0
    started: float = field(default_factory=time.perf_counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def line(self) -> str:
        el = time.perf_counter() - self.started
        rate = (self.done - self.skipped - self.same_content) / el if el > 0 else 0
        return (f"{self.done}/{self.total} documents ({self.skipped} already done), "
                f"{self.failed} failed, {self.flagged} flagged, {self.calls} model calls, "
                f"{self.tokens} tokens, {rate:.1f} docs/s")


class Batch:
    """A batch run into ``out_dir``: docs/ (per-document JSON), errors/, tables/, summary."""

    def __init__(self, out_dir: str | Path, settings: Settings, workers: int | None = None,
                 executor: str = "process", quiet: bool = False, formats: Iterable[str] = (),
                 wait: bool = False):
        self.out = Path(out_dir)
        self.wait = wait  # for another batch writing into out_dir, instead of refusing
        self.config_error: str | None = None  # the endpoint refused us: the run stops
        self.settings = settings
        self.workers = workers or os.cpu_count() or 1
        self.executor = executor
        self.quiet = quiet
        self.formats = frozenset(formats)
        unknown = self.formats - set(EXTRA_FORMATS)
        if unknown:
            raise ValueError(f"unknown output format(s): {', '.join(sorted(unknown))}")
        self._hashes: dict[tuple[str, int, int], str] = {}

    def key(self, path: Path) -> str:
        """Content hash + settings hash; a file is read once per run, not once per use."""
        st = path.stat()
        ident = (str(path.resolve()), st.st_mtime_ns, st.st_size)
        if ident not in self._hashes:
            self._hashes[ident] = content_hash(path)
        return f"{self._hashes[ident]}-{self.settings.key()}"

    def doc_path(self, key: str) -> Path:
        return self.out / "docs" / key[:2] / f"{key}.json"

    def error_path(self, key: str) -> Path:
        return self.out / "errors" / f"{key}.json"

    def plan(self, files: list[Path]) -> Iterator[tuple[Path, str | None, bool]]:
        """(file, key, finished) for each file; key None when the file cannot be read."""
        for f in files:
            try:
                if not f.is_file():  # a device or a pipe would be read forever
                    raise OSError(f"not a regular file: {f}")
                key = self.key(f)
            except OSError:
                yield f, None, False  # missing or unreadable: an error record
                continue
            finished = self.doc_path(key).exists() or (
                self.error_path(key).exists()
                and not json.loads(self.error_path(key).read_text(encoding="utf-8")).get("retry"))
            yield f, key, finished

    def run(self, inputs: Iterable[str]) -> dict[str, Any]:
        files = expand_inputs(inputs)
        with output_lock(self.out, wait=self.wait):  # one batch at a time per directory
            return self._run(files)

    def _run(self, files: list[Path]) -> dict[str, Any]:
        for stale in self.out.rglob(".*.tmp"):  # left by a run killed mid-write
            stale.unlink(missing_ok=True)
        prog = Progress(total=len(files))
        t0 = time.perf_counter()
        pending: list[tuple[Path, str]] = []
        planned: set[str] = set()
        for f, key, finished in self.plan(files):
            if key is not None and key in planned:  # the same content under another name
                prog.done += 1
                prog.same_content += 1
                continue
            if key is not None:
                planned.add(key)
            if key is None:
                self._record_error(f, _missing_key(f), _unreadable(f), prog)
            elif finished:
                prog.done += 1
                prog.skipped += 1
            else:
                pending.append((f, key))
        if self.executor == "process":
            self._run_processes(pending, prog)
        else:
            self._run_threads(pending, prog)
        self._show(prog, final=True)
        summary = self.finish(files, time.perf_counter() - t0, prog)
        if self.config_error is not None:
            raise ConfigError(f"{self.config_error} (the batch stopped; rerun to resume)")
        return summary

    def _run_processes(self, pending: list[tuple[Path, str]], prog: Progress) -> None:
        """Each document in a worker process under the limits; a worker that dies or runs
        past the wall time costs only its own document an error record."""
        pool = SupervisedPool(self.workers, self.settings.limits, self.settings.wall_seconds)
        items = [((f, key), (str(f), self.settings)) for f, key in pending]
        for (f, key), result, died in pool.run(process_one, items,
                                               stop=lambda: self.config_error is not None):
            if died is not None:  # a killed worker may be no fault of the document's: retried
                result = error_record(death_error(died), died)
                result["retry"] = worker_died(result)
            self.store(f, key, result, prog)
            self._show(prog)

    def _run_threads(self, pending: list[tuple[Path, str]], prog: Progress) -> None:
        """Documents in threads of this process: the size limits apply, wall time and memory
        do not (a thread cannot be stopped), and a crash ends the run."""
        uses_model = self.settings.extractor != "rules"
        if uses_model:  # threads share one bound on the model calls in flight
            from pipeline.llm.extractor import set_global_limit

            set_global_limit(self.settings.max_concurrent_calls)
        try:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                futures = {pool.submit(process_one, str(f), self.settings): (f, key)
                           for f, key in pending}
                for fut in as_completed(futures):
                    if fut.cancelled():
                        continue
                    f, key = futures[fut]
                    self.store(f, key, fut.result(), prog)
                    self._show(prog)
                    if self.config_error is not None:
                        for other in futures:
                            other.cancel()
        finally:
            if uses_model:
                from pipeline.llm.extractor import set_global_limit

                set_global_limit(None)

    def store(self, f: Path, key: str, result: DocumentRecord, prog: Progress) -> None:
        """Write one ``process_one`` result atomically under its key."""
        if result["status"] == "error" and is_config_error(result):  # the endpoint or key is
            self.config_error = self.config_error or result["reason"]  # wrong: ask nothing more
        if result["status"] == "ok":
            d = result["disclosure"]
            _write_atomic(self.doc_path(key), {"doc_id": key, "source": printable(f), **d})
            if self.error_path(key).exists():
                self.error_path(key).unlink()
            prog.done += 1
            prog.calls += d["llm"]["calls"]
            prog.tokens += d["llm"]["prompt_tokens"] + d["llm"]["completion_tokens"]
            if any(x["severity"] == "error" for x in d["flags"]):
                prog.flagged += 1
        else:
            self._record_error(f, key, result, prog)

    def _record_error(self, f: Path, key: str, result: ErrorRecord, prog: Progress) -> None:
        _write_atomic(self.error_path(key), {"doc_id": key, "source": printable(f), **result})
        prog.done += 1
        prog.failed += 1

    def _show(self, prog: Progress, final: bool = False) -> None:
        if self.quiet:
            return
        end = "\n" if final or not sys.stderr.isatty() else ""
        print(("\r" if sys.stderr.isatty() else "") + "batch: " + prog.line(), end=end,
              file=sys.stderr, flush=True)

    def _documents(self, files: list[Path]) -> Iterator[dict[str, Any]]:
        """The stored JSON of each document of these files, once per content."""
        seen: set[str] = set()
        for f in files:
            try:
                key = self.key(f)
            except OSError:
                continue
            if key not in seen and self.doc_path(key).exists():
                seen.add(key)
                yield json.loads(self.doc_path(key).read_text(encoding="utf-8"))

    def finish(self, files: list[Path], seconds: float, prog: Progress) -> dict[str, Any]:
        """Combined tables and the run summary, from every result on disk for these files."""
        from schemas.document import Disclosure

        rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        outcomes: Counter[str] = Counter()
        flags: Counter[str] = Counter()
        errors: Counter[str] = Counter()
        pages = 0
        first_name: dict[str, dict[str, Any]] = {}  # key -> its documents row
        for f in files:
            try:
                key = self.key(f) if f.is_file() else _missing_key(f)
            except OSError:
                key = _missing_key(f)
            if key in first_name:  # processed once, under its first name
                _note_same_content(first_name[key], f)
                outcomes["same content as another file"] += 1
                continue
            doc, err = self.doc_path(key), self.error_path(key)
            if doc.exists():
                data = json.loads(doc.read_text(encoding="utf-8"))
                d = Disclosure.model_validate({k: v for k, v in data.items()
                                               if k not in ("doc_id",)} | {"source": data["source"]})
                for name, rs in document_rows(key, printable(f), d).items():
                    rows[name].extend(rs)
                first_name[key] = rows["documents"][-1]
                pages += d.page_count
                worst = "error" if any(x.severity.value == "error" for x in d.flags) else \
                    "warning" if any(x.severity.value == "warning" for x in d.flags) else "clean"
                outcomes[f"ok ({worst})"] += 1
                flags.update(x.check for x in d.flags if x.severity.value != "info")
            elif err.exists():
                e = json.loads(err.read_text(encoding="utf-8"))
                rows["errors"].append(error_row(key, printable(f), e["error"], e["reason"]))
                first_name[key] = rows["errors"][-1]
                outcomes["failed"] += 1
                errors[e["error"]] += 1
            else:
                outcomes["not processed"] += 1
        counts = write_tables(rows, self.out)
        if "xlsx" in self.formats:
            write_excel(rows, self.out / "tables" / "tables.xlsx")
        if "jsonl" in self.formats:
            write_jsonl(self._documents(files), self.out / "documents.jsonl")
        summary = {
            "documents": len(files), "outcomes": dict(outcomes), "errors": dict(errors),
            "flags_by_check": dict(flags.most_common()), "pages": pages,
            "skipped_already_done": prog.skipped, "same_content": prog.same_content,
            "processed_now": prog.done - prog.skipped - prog.same_content,
            "seconds": round(seconds, 2),
            "docs_per_second": round((prog.done - prog.skipped - prog.same_content) / seconds, 2)
            if seconds else 0,
            "model_calls": prog.calls, "model_tokens": prog.tokens,
            "settings": asdict(self.settings), "table_rows": counts,
            "quality": summarise_quality(rows["quality"]),
        }
        _write_atomic(self.out / "summary.json", summary)
        md = ["# Batch summary\n", f"{len(files)} documents, {pages} pages, "
              f"{summary['processed_now']} processed in this run ({prog.skipped} already done"
              + (f", {prog.same_content} the same content as another file" if prog.same_content else "")
              + "), "
              f"{seconds:.1f} s.\n", "| outcome | documents |", "|---|---:|"]
        md += [f"| {k} | {v} |" for k, v in sorted(outcomes.items())]
        if errors:
            md += ["", "| error | documents |", "|---|---:|"] + [f"| {k} | {v} |" for k, v in errors.items()]
        if flags:
            md += ["", "| flag (warnings and errors) | count |", "|---|---:|"]
            md += [f"| {k} | {v} |" for k, v in flags.most_common()]
        md += ["", "| table | rows |", "|---|---:|"] + [f"| {k} | {v} |" for k, v in counts.items()]
        md += quality_markdown(summary["quality"], rows["quality"])
        atomic_write_text(self.out / "summary.md", "\n".join(md) + "\n")
        return summary
