"""A disk cache of model answers (diskcache), keyed by everything that shapes an answer."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import diskcache


def cache_key(*, model: str, endpoint: str, prompt_key: str, schema: dict, chunk: str,
              params: dict[str, Any]) -> str:
    """Stable across processes and runs: a hash of a canonical JSON of the inputs."""
    blob = json.dumps({"model": model, "endpoint": endpoint, "prompt": prompt_key,
                       "schema": schema, "chunk": chunk, "params": params},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


class AnswerCache:
    def __init__(self, directory: Path | None):
        self._cache = diskcache.Cache(str(directory)) if directory is not None else None

    def get(self, key: str) -> dict | None:
        return None if self._cache is None else self._cache.get(key)

    def set(self, key: str, value: dict) -> None:
        if self._cache is not None:
            self._cache.set(key, value)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
