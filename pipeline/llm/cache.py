"""A disk cache of model answers (diskcache), keyed by everything that shapes an answer.

Values are stored as JSON, never pickled, and read back only as JSON: a cache directory
may be shared, and diskcache's pickle mode would run whatever a crafted entry holds. A
corrupt cache (a damaged database, an unreadable entry, an entry in another format) costs
one warning line: the entry is dropped, or the cache rebuilt empty, and the run goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import sys
import threading
import zlib
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_BINARY, MODE_RAW

DB_FILES = ("cache.db", "cache.db-wal", "cache.db-shm")


class UnsafeEntry(Exception):
    """An entry that is not JSON written by this cache (pickled, or damaged)."""


class JSONOnlyDisk(diskcache.JSONDisk):
    """diskcache's JSONDisk without its pickle fallbacks: a pickled key or value (mode
    pickle, or a non-raw key) is refused, never loaded."""

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise UnsafeEntry("a pickled key")
        return super().get(key, raw)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode not in (MODE_RAW, MODE_BINARY) or read:
            raise UnsafeEntry("a pickled or non-JSON value")
        return super().fetch(mode, filename, value, read)


def cache_key(*, model: str, endpoint: str, prompt_key: str, schema: dict, chunk: str,
              params: dict[str, Any]) -> str:
    """Stable across processes and runs: a hash of a canonical JSON of the inputs."""
    blob = json.dumps({"model": model, "endpoint": endpoint, "prompt": prompt_key,
                       "schema": schema, "chunk": chunk, "params": params},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


_ENTRY_ERRORS = (UnsafeEntry, zlib.error, json.JSONDecodeError, UnicodeDecodeError, ValueError,
                 TypeError)
_DB_ERRORS = (sqlite3.DatabaseError, OSError)
_warned: set[str] = set()


def warn_once(directory: Path, what: str) -> None:
    """One warning line per cache directory and process."""
    if str(directory) in _warned:
        return
    _warned.add(str(directory))
    print(f"budget-extract: warning: the answer cache {directory} {what}", file=sys.stderr,
          flush=True)


class AnswerCache:
    """Answers by key, as JSON objects. Never raises for a corrupt cache: it warns once,
    repairs what it can and runs on (uncached, at worst)."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        self._lock = threading.Lock()
        self._cache: diskcache.Cache | None = None
        if directory is not None:
            self._cache = self._open()

    def _open(self) -> diskcache.Cache | None:
        assert self.directory is not None
        try:
            return diskcache.Cache(str(self.directory), disk=JSONOnlyDisk)
        except _DB_ERRORS as e:
            return self._rebuild(f"cannot be opened ({type(e).__name__}: {e})")

    def _rebuild(self, why: str) -> diskcache.Cache | None:
        """Remove the database (answers are only ever a saving) and start an empty one."""
        assert self.directory is not None
        if self._cache is not None:
            with contextlib.suppress(Exception):
                self._cache.close()
        self._cache = None
        for name in DB_FILES:
            with contextlib.suppress(OSError):
                (self.directory / name).unlink()
        try:
            self._cache = diskcache.Cache(str(self.directory), disk=JSONOnlyDisk)
            warn_once(self.directory, f"was corrupt ({why}); it was rebuilt empty")
        except _DB_ERRORS as e:
            warn_once(self.directory, f"was corrupt ({why}) and cannot be rebuilt "
                      f"({type(e).__name__}: {e}); running without it")
        return self._cache

    def get(self, key: str) -> dict | None:
        with self._lock:
            if self._cache is None:
                return None
            try:
                value = self._cache.get(key)
            except _ENTRY_ERRORS as e:
                self._drop(key, f"held an unreadable entry ({type(e).__name__}: {e})")
                return None
            except _DB_ERRORS as e:
                self._rebuild(f"{type(e).__name__}: {e}")
                return None
            if value is None:
                return None
            if not isinstance(value, dict) or not ({"answer", "failure"} & value.keys()):
                self._drop(key, "held an entry that is not an answer")
                return None
            return value

    def _drop(self, key: str, why: str) -> None:
        assert self._cache is not None and self.directory is not None
        try:
            self._cache.delete(key)
            warn_once(self.directory, f"{why}; it was removed")
        except _DB_ERRORS as e:
            self._rebuild(f"{why}; {type(e).__name__}: {e}")

    def set(self, key: str, value: dict) -> None:
        with self._lock:
            if self._cache is None:
                return
            try:
                self._cache.set(key, value)
            except _DB_ERRORS as e:
                if self._rebuild(f"{type(e).__name__}: {e}") is not None:
                    with contextlib.suppress(*_DB_ERRORS):
                        self._cache.set(key, value)  # type: ignore[union-attr]

    def close(self) -> None:
        if self._cache is not None:
            with contextlib.suppress(Exception):
                self._cache.close()
