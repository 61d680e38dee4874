"""Bounds on one document's cost, and the process machinery that enforces them.

``Limits`` names every bound with its default (sized for a 2-core, 24 GB machine running
two documents at once). The structural ones (file size, text size, pages, words per page,
decompressed stream size) are checked by ingest before the expensive stages; wall time and
memory are enforced on the process that extracts the document: a pool worker in a batch,
a child process in single-file mode (``run_isolated``), so that a document that hangs,
eats memory or crashes MuPDF costs one error record, never the run.

This module sits below every stage: it imports nothing from the pipeline but its errors.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import importlib
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pipeline import errors
from pipeline.errors import MemoryLimitError, TimeLimitError, TooLargeError, WorkerDiedError

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Per-document bounds. Over one: a one-line reason and an error record."""

    seconds: float = 120.0  # wall time of one document, rules only
    seconds_with_model: float = 1800.0  # wall time when a model endpoint is called
    memory_mb: int = 4096  # address space of the process extracting it (RLIMIT_AS)
    pages: int = 400
    words_per_page: int = 20_000  # a real dense table page holds about 2,000
    file_mb: float = 100.0
    text_mb: float = 20.0  # text input: its layout costs about 65x its size in memory
    decompressed_mb: float = 256.0  # PDF streams other than images, inflated, in all
    kill_grace_seconds: float = 5.0  # after the wall time, before the process is killed

    def wall_seconds(self, uses_model: bool) -> float:
        return self.seconds_with_model if uses_model else self.seconds


DEFAULT_LIMITS = Limits()

# --- the process that extracts a document ----------------------------------------------

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies (Linux), so
    that no worker outlives a killed batch; elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _statm(pid: int | str, field: int) -> int:
    """A size of a process from /proc (0: virtual, 1: resident), in bytes; 0 if unknown."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[field]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _address_space() -> int:
    return _statm("self", 0)


def resident(pid: int) -> int:
    """Resident anonymous memory of process ``pid`` in bytes (0 if gone or unknown): what a
    document's data takes; a forked child starts with its parent's, while file-backed pages
    (code, mapped files) are left out on both sides."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def over_memory(pid: int, baseline: int, limits: Limits) -> bool:
    """Whether process ``pid`` holds more than ``memory_mb`` beyond ``baseline`` bytes."""
    return resident(pid) > baseline + limits.memory_mb * MB


_CEILING: int | None = None  # the address-space bound this process set on itself
# The resident memory of the process is watched from outside against memory_mb (a clean
# kill, a clear reason); the address space is bounded a few times higher as a backstop
# against a spike between two looks (allocations failing inside C or Rust code can crash
# or hang a process, which the watch and the wall time then end).
ADDRESS_SPACE_FACTOR = 4
WATCH_INTERVAL_S = 0.1
MEMORY_HEADROOM = 0.1  # an error this close to the bound (share of memory_mb) is its doing
MEMORY_HEADROOM_MIN_MB = 32


def limit_memory(limits: Limits) -> None:
    """Bound this process's address space to what it holds now plus a few times
    ``memory_mb``; allocations beyond it fail (MemoryError in Python, an error in MuPDF)."""
    global _CEILING
    want = _address_space() + int(limits.memory_mb * MB * ADDRESS_SPACE_FACTOR)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    if soft == resource.RLIM_INFINITY or want < soft:
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
        _CEILING = want


def out_of_memory(e: BaseException, limits: Limits) -> bool:
    """Whether ``e`` (being handled: its frames still hold their data) came from the memory
    bound: a MemoryError, or any error raised with the address space at the bound (an
    allocation failing inside a C library surfaces as many kinds of error)."""
    if isinstance(e, MemoryError):
        return True
    if _CEILING is None:
        return False
    headroom = max(limits.memory_mb * MEMORY_HEADROOM, MEMORY_HEADROOM_MIN_MB) * MB
    try:
        return _address_space() > _CEILING - headroom
    except MemoryError:
        return True


# loaded before the memory bound is set: their code is mapped once, not charged to a document
PRELOAD = ("pymupdf",)


def _preload() -> None:
    faulthandler.disable()  # a host's (pytest's) handler must not hold a dying child
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def init_worker(limits: Limits) -> None:
    """Initializer of a batch's pool workers: die with the parent, bounded memory, and
    leave Ctrl-C to the parent (which stops the pool)."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _preload()
    limit_memory(limits)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``TimeLimitError`` in the main thread after ``seconds`` of wall time. Python
    code is interrupted where it runs; a long call into C finishes first, which is what the
    parent's kill after ``kill_grace_seconds`` is for. No-op outside the main thread."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise TimeLimitError(f"over the {seconds:g} s time limit (--timeout)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def memory_error(limits: Limits) -> MemoryLimitError:
    return MemoryLimitError(f"over the {limits.memory_mb} MB memory limit (--max-memory-mb)")


def death_reason(exitcode: int | None, limits: Limits, timed_out: bool = False) -> str:
    """One line on why the process extracting a document ended without an answer."""
    if timed_out:
        return f"over the {limits.seconds:g} s time limit (--timeout); the process was killed"
    if exitcode == CHILD_OUT_OF_MEMORY:
        return memory_error(limits).message
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (out of memory?)" if -exitcode in (signal.SIGKILL, signal.SIGABRT) else ""
        return f"the process extracting it was killed by {name}{hint}"
    return f"the process extracting it exited with status {exitcode} before answering"


def run_isolated(fn: Callable[..., Any], args: tuple, limits: Limits,
                 seconds: float) -> tuple[Any, str | None]:
    """``fn(*args)`` in a child process under ``limits``; returns (result, None), or
    (None, reason) when the child died or ran past ``seconds`` + the grace (then killed).
    Exceptions inside ``fn`` are ``fn``'s to turn into results."""
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, fn, args, limits, seconds), daemon=True)
    baseline = resident(os.getpid())  # the child starts as a copy of this process
    child.start()
    send.close()
    deadline = time.monotonic() + seconds + limits.kill_grace_seconds
    try:
        while not recv.poll(WATCH_INTERVAL_S):
            if time.monotonic() > deadline:
                child.kill()
                return None, death_reason(None, limits, timed_out=True)
            if child.pid is not None and over_memory(child.pid, baseline, limits):
                child.kill()
                return None, memory_error(limits).message
        try:
            return recv.recv(), None
        except (EOFError, OSError):
            pass  # died before answering
        child.join()
        return None, death_reason(child.exitcode, limits)
    finally:
        recv.close()
        if child.is_alive():
            child.kill()
        child.join()


def _child(send: Any, fn: Callable[..., Any], args: tuple, limits: Limits, seconds: float) -> None:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _preload()
    limit_memory(limits)
    try:
        with time_limit(seconds):
            result = fn(*args)
        send.send(result)
        send.close()
    except MemoryError:  # even the handling of it ran out of memory
        os._exit(CHILD_OUT_OF_MEMORY)
    except BaseException:  # a failure outside ``fn``'s own handling: the parent says why
        os._exit(CHILD_FAILED)
    os._exit(0)  # no atexit handlers of the parent's (pytest's) in the child


CHILD_FAILED = 70
CHILD_OUT_OF_MEMORY = 71


def death_error(reason: str) -> type[TooLargeError | WorkerDiedError]:
    """The error class a death reason of ``death_reason`` stands for."""
    if "time limit" in reason:
        return TimeLimitError
    if "memory limit" in reason:
        return MemoryLimitError
    return WorkerDiedError


def call_isolated(fn: Callable[[], Any], limits: Limits, seconds: float) -> Any:
    """``fn()`` in a child process under ``limits`` and ``seconds`` of wall time, for
    single-file runs. Returns its result; re-raises its ``BudgetExtractError`` (same class
    and message); raises ``TimeLimitError`` / ``WorkerDiedError`` when it ran too long or
    died, and ``RuntimeError`` (one line) for a bug."""
    outcome, reason = run_isolated(_outcome_of, (fn, limits), limits, seconds)
    if reason is not None:
        raise death_error(reason)(reason)
    kind, payload = outcome
    if kind == "ok":
        return payload
    if kind == "error":
        name, message, path, page = payload
        cls = errors.error_class(name) or errors.BudgetExtractError
        err = cls.__new__(cls)
        errors.BudgetExtractError.__init__(err, message, path=path, page=page)
        raise err
    raise RuntimeError(payload)


def _outcome_of(fn: Callable[[], Any], limits: Limits) -> tuple[str, Any]:
    try:
        return "ok", fn()
    except errors.BudgetExtractError as e:
        return "error", (type(e).__name__, e.message, e.path, e.page)
    except Exception as e:
        if out_of_memory(e, limits):
            m = memory_error(limits)
            return "error", (type(m).__name__, m.message, None, None)
        return "bug", f"{type(e).__name__}: {e}"


# Command-line options for the limits (flag, Limits field, help); the CLI adds them.
LIMIT_OPTIONS: list[tuple[str, str, str]] = [
    ("--timeout", "seconds", "wall time of one document in seconds, rules only"),
    ("--timeout-with-model", "seconds_with_model", "wall time of one document that calls a model"),
    ("--max-memory-mb", "memory_mb", "memory one document may take, in MB"),
    ("--max-pages", "pages", "refuse longer files"),
    ("--max-words-per-page", "words_per_page", "refuse pages with more words"),
    ("--max-mb", "file_mb", "refuse larger files, in MB"),
    ("--max-text-mb", "text_mb", "refuse larger text inputs, in MB"),
    ("--max-decompressed-mb", "decompressed_mb", "refuse PDFs whose streams inflate beyond this, in MB"),
]


def limits_from(values: dict[str, Any]) -> Limits:
    """``Limits`` from option values keyed by field name; None keeps the default."""
    return Limits(**{k: v for k, v in values.items() if v is not None})
