"""Atomic file writes: a temporary file in the target's folder, flushed, then renamed over
the target, so that a crash at any moment leaves either the old file or the new one."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import OutputError

FULL = {errno.EFBIG, errno.ENOSPC, errno.EDQUOT}


def atomic_write(path: Path, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp_path)``, then move the finished file to ``path``. Any failure is
    an ``OutputError`` naming ``path`` (never the temporary file) and the cause."""
    try:
        return _atomic_write(path, write)
    except OSError as e:
        hint = " (the disk is full or a quota is reached)" if e.errno in FULL else ""
        raise OutputError(f"cannot write here: {e.strerror or e}{hint}", path=path) from None


def _atomic_write(path: Path, write: Callable[[str], None]) -> Path:
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a directory; give a file name")
    existing = next((d for d in path.parents if d.exists()), None)
    if existing is not None and not existing.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"Not a directory: {existing} is a file")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual mode
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)

    return atomic_write(path, write)
