"""Endpoint, model and generation settings, from flags and the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pipeline.errors import ConfigError

Mode = Literal["md_json", "tools"]
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "budget-extract"


@dataclass(frozen=True)
class LLMConfig:
    """Where to send chunks and how. ``mode``: ``md_json`` asks for JSON in the answer text
    and works on any chat endpoint; ``tools`` uses tool calling (OpenAI, llama.cpp …)."""

    model: str
    base_url: str | None = None
    api_key: str = field(default="", repr=False)
    mode: Mode = "md_json"
    temperature: float = 0.0
    max_tokens: int = 2048
    max_retries: int = 2  # re-asks after a failed validation
    http_retries: int = 2  # retries of 429, 5xx, timeouts (openai client, with backoff)
    timeout: float = 120.0
    concurrency: int = 4
    token_budget: int = 1500  # per chunk, prompt text included
    cache_dir: Path | None = DEFAULT_CACHE

    @property
    def endpoint(self) -> str:
        return self.base_url or "https://api.openai.com/v1"


def resolve(model: str | None = None, base_url: str | None = None,
            api_key_env: str = "OPENAI_API_KEY", **kw) -> LLMConfig:
    """Settings from flags, falling back to OPENAI_BASE_URL / the key variable.

    A local server needs no key; the public OpenAI endpoint does."""
    base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
    key = os.environ.get(api_key_env, "")
    if not base_url and not key:
        raise ConfigError(
            f"no model endpoint configured: set {api_key_env} (for api.openai.com) or pass "
            "--base-url (e.g. http://127.0.0.1:8080/v1 for a local llama.cpp server), or use "
            "--extractor rules"
        )
    if not model:
        model = os.environ.get("BUDGET_EXTRACT_MODEL") or ("gpt-4o-mini" if not base_url else "local")
    return LLMConfig(model=model, base_url=base_url, api_key=key or "sk-no-key-needed", **kw)


def configured(base_url: str | None = None, api_key_env: str = "OPENAI_API_KEY") -> bool:
    """Whether an endpoint is configured at all (``auto`` then uses the model)."""
    return bool(base_url or os.environ.get("OPENAI_BASE_URL") or os.environ.get(api_key_env))
