"""Endpoint, model and generation settings, from flags and the environment."""

from __future__ import annotations

import os
import re
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
    api_key_env: str = "OPENAI_API_KEY"  # named in the error when the key is refused
    sections: bool = True  # narrative sections through the model too (False: tables only)

    @property
    def endpoint(self) -> str:
        return self.base_url or "https://api.openai.com/v1"


@dataclass(frozen=True)
class AnswerBudget:
    """``max_tokens`` of one call, sized to the answer a chunk needs: the JSON answer copies
    the chunk's labels and figures and adds its keys; a small model also indents it (Qwen2.5-
    Coder-1.5B: about 55 completion tokens per table row of about 20 estimated tokens)."""

    per_chunk_token: float = 3.0
    base: int = 256
    floor: int = 512
    # an answer cut at max_tokens is asked again with this many times the room (wide tables
    # repeat every column label in every row of the answer: Shanghai marine monitoring's
    # tables were cut at 3 tokens per chunk token in 4 of 7 chunks)
    growth: float = 2.0


ANSWER_BUDGET = AnswerBudget()


def answer_tokens(chunk_tokens: int, cap: int, budget: AnswerBudget = ANSWER_BUDGET) -> int:
    return min(cap, max(budget.floor, budget.base + int(budget.per_chunk_token * chunk_tokens)))


def grown_answer_tokens(max_tokens: int, cap: int, budget: AnswerBudget = ANSWER_BUDGET) -> int:
    """``max_tokens`` for asking again after an answer was cut at ``max_tokens``."""
    return min(cap, int(max_tokens * budget.growth))


@dataclass(frozen=True)
class LocalSlot:
    """Settings for a local server that answers one request at a time (llama.cpp on a CPU):
    one call in flight (a second only waits in its queue and times out), and a timeout from
    the measured speed of Qwen2.5-Coder-1.5B Q4_K_M on 2 shared cores, with a margin."""

    concurrency: int = 1
    prompt_tokens_per_s: float = 25.0  # measured 26-118 (2 shared cores, loaded or not)
    completion_tokens_per_s: float = 8.0  # measured 2.7-17
    max_tokens: int = 4096  # a 1500-token table chunk's answer (about 1,650 for 29 rows)
    prompt_tokens: int = 1500  # the chunk budget
    margin: float = 1.5
    max_retries: int = 1  # a re-ask resends the long answer; a small model rarely mends it

    @property
    def timeout(self) -> float:
        return round(self.margin * (self.prompt_tokens / self.prompt_tokens_per_s
                                    + self.max_tokens / self.completion_tokens_per_s))


LOCAL_SLOT = LocalSlot()
LOOPBACK = re.compile(r"^https?://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$)")


def is_local(base_url: str | None) -> bool:
    return bool(base_url and LOOPBACK.match(base_url))


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
    if is_local(base_url):  # one slot: a second call in flight only times out
        kw["concurrency"] = min(kw.get("concurrency", LOCAL_SLOT.concurrency), LOCAL_SLOT.concurrency)
        kw.setdefault("timeout", LOCAL_SLOT.timeout)
        kw.setdefault("max_tokens", LOCAL_SLOT.max_tokens)
        kw.setdefault("max_retries", LOCAL_SLOT.max_retries)
    return LLMConfig(model=model, base_url=base_url, api_key=key or "sk-no-key-needed",
                     api_key_env=api_key_env, **kw)


def configured(base_url: str | None = None, api_key_env: str = "OPENAI_API_KEY") -> bool:
    """Whether an endpoint is configured at all (``auto`` then uses the model)."""
    return bool(base_url or os.environ.get("OPENAI_BASE_URL") or os.environ.get(api_key_env))
