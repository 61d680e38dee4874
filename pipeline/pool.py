"""A process pool that survives its workers: a worker that dies (a signal, the kernel's
out-of-memory killer, a crash inside a C library) or runs past the wall time is replaced,
and only the document it was running gets an error; the others are run again.

Workers die with the parent (``limits.die_with_parent``), whatever kills it; SIGTERM and
SIGHUP to the parent stop the workers before it exits.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from pipeline.limits import (
    Limits,
    death_reason,
    init_worker,
    memory_error,
    over_memory,
    resident,
    run_isolated,
)

WATCH_INTERVAL_S = 0.2  # how often running documents are checked against time and memory


class Terminated(SystemExit):
    """SIGTERM or SIGHUP reached the batch: its workers are stopped, then it exits."""


class SupervisedPool:
    """Run ``fn(*args)`` for many items in ``workers`` processes, each under ``limits``
    and ``seconds`` of wall time. ``run`` yields (tag, result, None) or, when the process
    running the item died or was killed, (tag, None, reason)."""

    def __init__(self, workers: int, limits: Limits, seconds: float):
        self.workers = max(1, workers)
        self.limits = limits
        self.seconds = seconds
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        self._baseline = resident(os.getpid())  # workers start as copies of this process
        return ProcessPoolExecutor(max_workers=self.workers,
                                   mp_context=multiprocessing.get_context("fork"),
                                   initializer=init_worker, initargs=(self.limits,))

    def _kill_memory_hogs(self) -> None:
        """A worker over the memory limit is killed; its document is found among the
        pool's suspects and gets the memory reason when run alone (``run_isolated``)."""
        for proc in list((getattr(self._pool, "_processes", None) or {}).values()):
            if proc.pid is not None and over_memory(proc.pid, self._baseline, self.limits):
                with contextlib.suppress(Exception):
                    proc.kill()

    def stop(self) -> None:
        """Kill the workers now (running documents are lost; they are rerun later)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                proc.kill()
        # a worker killed while sending its answer leaves half a message in the result
        # pipe: with this process's own write end closed, the executor's manager thread
        # reads the end of the pipe instead of waiting for the rest forever (and the
        # interpreter, which joins that thread on exit, does not hang)
        writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()
        pool.shutdown(wait=False, cancel_futures=True)

    def run(self, fn: Callable[..., Any], items: Iterable[tuple[Any, tuple]],
            stop: Callable[[], bool] = lambda: False) -> Iterator[tuple[Any, Any, str | None]]:
        """Yield results as they finish; ``stop()`` true: submit nothing more."""
        queue = deque(items)
        running: dict[Future, tuple[Any, tuple, float]] = {}
        deadline = self.seconds + self.limits.kill_grace_seconds
        with _stopping_on_signals(self):
            self._pool = self._new_pool()
            try:
                while running or (queue and not stop()):
                    submit_broken = False
                    while queue and not stop() and len(running) < self.workers:
                        tag, args = queue.popleft()
                        try:
                            fut = self._pool.submit(fn, *args)
                        except BrokenProcessPool:  # a worker died since the last look
                            queue.appendleft((tag, args))
                            submit_broken = True
                            break
                        running[fut] = (tag, args, time.monotonic())
                    done, _ = wait(running, timeout=WATCH_INTERVAL_S, return_when=FIRST_COMPLETED)
                    broken = submit_broken
                    for fut in done:
                        tag, args, _ = running.pop(fut)
                        try:
                            result = fut.result()
                        except BrokenProcessPool:
                            broken = True
                            running[fut] = (tag, args, 0.0)  # a suspect, sorted out below
                            continue
                        except MemoryError:  # its handling ran out of memory too
                            yield tag, None, memory_error(self.limits).message
                            continue
                        except Exception as e:  # the answer could not come back
                            yield tag, None, f"the worker failed: {type(e).__name__}: {e}"
                            continue
                        yield tag, result, None
                    self._kill_memory_hogs()
                    now = time.monotonic()
                    overdue = [f for f, (_, _, t) in running.items() if t and now - t > deadline]
                    if not (broken or overdue):
                        continue
                    for f in overdue:
                        tag, _, _ = running.pop(f)
                        yield tag, None, death_reason(None, self.limits, timed_out=True)
                    others = [(tag, args) for tag, args, _ in running.values()]
                    running.clear()
                    self.stop()
                    self._pool = self._new_pool()
                    if broken:  # which one killed its worker? each alone, in its own process
                        for tag, args in others:
                            result, reason = run_isolated(fn, args, self.limits, self.seconds)
                            yield tag, result, reason
                    else:  # killed with the overdue one: run again
                        queue.extendleft(reversed(others))
            finally:
                self.stop()


@contextlib.contextmanager
def _stopping_on_signals(pool: SupervisedPool) -> Iterator[None]:
    """SIGTERM / SIGHUP: stop the workers, then exit 128 + the signal (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        pool.stop()
        raise Terminated(128 + signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
