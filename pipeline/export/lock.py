"""One writer per output directory: a batch holds an exclusive lock on a file inside it
for its whole run, so that a second batch into the same directory waits or refuses
instead of deleting the first one's temporary files and mixing the results."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import OutputLockedError

LOCK_NAME = ".batch.lock"
_held: set[int] = set()  # lock descriptors this process holds


def _close_in_child() -> None:
    """A forked worker must not keep its parent's lock: the lock would outlive the parent
    (a killed batch's dying workers would still hold the directory)."""
    for fd in list(_held):
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_close_in_child)


@contextlib.contextmanager
def output_lock(out: Path, wait: bool = False) -> Iterator[None]:
    """Hold ``out``'s lock while the block runs; released when the process ends, however
    it ends. Busy: wait for it (``wait``) or raise ``OutputLockedError``."""
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    _held.add(fd)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if not wait:
                raise OutputLockedError(
                    f"another batch{holder} is writing into this directory; wait for it to "
                    "finish, pass --wait, or choose another -o", path=out) from None
            print(f"budget-extract: waiting for the batch{holder} writing into {out}",
                  file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        _held.discard(fd)
        os.close(fd)  # releases the lock


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode().strip())
        return f" (pid {pid})"
    return ""
