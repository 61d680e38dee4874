"""Send chunks to the model through instructor, concurrently with a bound; cache answers;
count calls and tokens; keep failures (with the last answer) instead of raising."""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from pipeline.errors import ConfigError
from pipeline.llm.cache import AnswerCache, cache_key
from pipeline.llm.chunks import Chunk
from pipeline.llm.config import LLMConfig
from pipeline.llm.models import LLMFigures, LLMIndicators, LLMTable
from pipeline.llm.prompts import load
from pipeline.redact import redact
from schemas.document import ChunkFailure, LLMUsage

RESPONSE_MODELS: dict[str, type[BaseModel]] = {"indicators": LLMIndicators, "narrative": LLMFigures}

# A process-wide bound on model calls in flight, shared by every document of a batch run
# (``set_global_limit``); per-document concurrency still applies inside it.
_GLOBAL_LIMIT: threading.BoundedSemaphore | None = None


def set_global_limit(n: int | None) -> None:
    global _GLOBAL_LIMIT
    _GLOBAL_LIMIT = threading.BoundedSemaphore(n) if n else None


class RateLimit:
    """At most ``per_second`` calls started per second, across threads (for endpoints that
    meter requests)."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second
        self.next = time.monotonic()
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next)
            self.next = start + self.interval
        if start > now:
            time.sleep(start - now)


_RATE: RateLimit | None = None


def set_rate_limit(per_second: float | None) -> None:
    global _RATE
    _RATE = RateLimit(per_second) if per_second else None


def response_model(task: str) -> type[BaseModel]:
    return RESPONSE_MODELS.get(task, LLMTable)


@functools.cache
def _schema(model: type[BaseModel]) -> dict:
    return model.model_json_schema()


@dataclass
class ChunkResult:
    chunk: Chunk
    answer: BaseModel | None
    failure: ChunkFailure | None = None
    cached: bool = False
    unvalidated: str | None = None  # the answer kept although it failed validation


CLIENT_LOGGERS = ("instructor", "openai", "httpx", "httpcore")


class _RedactingFilter(logging.Filter):
    def __init__(self, secret: str):
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), [self.secret])
        record.args = None
        return True


def _quiet_client_logs(cfg: LLMConfig) -> None:
    """The client libraries log every failed attempt, with the endpoint's answer (which may
    echo the key), several lines each: their news reaches the user as our one-line
    failures. With BUDGET_EXTRACT_DEBUG set they are shown, redacted."""
    debug = bool(os.environ.get("BUDGET_EXTRACT_DEBUG"))
    for name in CLIENT_LOGGERS:
        log = logging.getLogger(name)
        log.propagate = False
        for h in list(log.handlers):
            if getattr(h, "_budget_extract", False):
                log.removeHandler(h)
        h = logging.StreamHandler(sys.stderr)
        h._budget_extract = True  # type: ignore[attr-defined]
        h.setLevel(logging.DEBUG if debug else logging.CRITICAL + 1)
        h.addFilter(_RedactingFilter(cfg.api_key))
        log.addHandler(h)


def make_client(cfg: LLMConfig, on_request: Callable[[Any], None] | None = None) -> Any:
    """The openai client for ``cfg``'s endpoint, wrapped by instructor in ``cfg.mode``;
    ``on_request`` sees every HTTP request, retries included."""
    _quiet_client_logs(cfg)
    import httpx
    import instructor
    from openai import OpenAI

    http = httpx.Client(timeout=cfg.timeout,
                        event_hooks={"request": [on_request]} if on_request else None)
    raw = OpenAI(api_key=cfg.api_key or "sk-no-key-needed", base_url=cfg.base_url,
                 max_retries=cfg.http_retries, timeout=cfg.timeout, http_client=http)
    mode = instructor.Mode.TOOLS if cfg.mode == "tools" else instructor.Mode.MD_JSON
    return instructor.from_openai(raw, mode=mode)


class LLMExtractor:
    """Extract chunks with a model. ``client`` is an instructor client (``make_client``);
    tests may pass a scripted fake with the same ``create_with_completion`` method."""

    def __init__(self, cfg: LLMConfig, client: Any | None = None, use_cache: bool = True,
                 on_progress: Callable[[ChunkResult], None] | None = None):
        self.cfg = cfg
        own = client is None
        self.client = make_client(cfg, self._on_http) if own else client
        self.cache = AnswerCache(cfg.cache_dir if use_cache else None)
        self.usage = LLMUsage(model=cfg.model, endpoint=redact(cfg.endpoint) or "", mode=cfg.mode)
        self.refused: str | None = None  # set by a 401/403: the one-line reason
        self._lock = threading.Lock()
        self.on_progress = on_progress
        hook = getattr(self.client, "on", None)
        self._hooked = callable(hook)
        self._count_answers = not own  # our own client counts HTTP requests instead
        if callable(hook):
            hook("completion:response", self._on_response)

    def _on_http(self, request: Any) -> None:
        """Every HTTP request to the model, the client's own retries included."""
        with self._lock:
            self.usage.calls += 1

    def _on_response(self, response: Any = None, *args: Any, **kwargs: Any) -> None:
        """Every answer, re-asks and failed ones included: its tokens (and, for an injected
        client, the call)."""
        if self._count_answers:
            with self._lock:
                self.usage.calls += 1
        self._add_usage(getattr(response, "usage", None))

    def _messages(self, chunk: Chunk) -> tuple[list[dict], str]:
        prompt = load(chunk.task)
        text = prompt.render(title=chunk.title, unit=chunk.unit, chunk=chunk.text,
                             kind=chunk.kind.value if chunk.kind else "", columns=chunk.columns_hint())
        return [{"role": "user", "content": text}], prompt.key

    def extract(self, chunks: list[Chunk]) -> list[ChunkResult]:
        """Results in chunk order; at most ``cfg.concurrency`` calls in flight."""
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=max(1, self.cfg.concurrency)) as pool:
            results = list(pool.map(self._one, chunks))
        self.usage.seconds += round(time.perf_counter() - t0, 3)
        self.usage.chunks_sent += sum(1 for r in results if r.answer is not None)
        self.usage.failures.extend(r.failure for r in results if r.failure is not None)
        if self.refused is not None:  # a configuration error, not a failed chunk
            raise ConfigError(self.refused)
        return results

    def _redact(self, text: str | None) -> str | None:
        return redact(text, [self.cfg.api_key])

    def _one(self, chunk: Chunk) -> ChunkResult:
        model = response_model(chunk.task)
        messages, prompt_key = self._messages(chunk)
        params = {"temperature": self.cfg.temperature, "max_tokens": self.cfg.max_tokens,
                  "mode": self.cfg.mode, "max_retries": self.cfg.max_retries}
        key = cache_key(model=self.cfg.model, endpoint=self.cfg.endpoint, prompt_key=prompt_key,
                        schema=_schema(model), chunk=chunk.text, params=params)
        hit = self.cache.get(key)
        cached = _from_cache(chunk, model, hit) if hit is not None else None
        if cached is not None:
            with self._lock:
                self.usage.cache_hits += 1
            self._progress(cached)
            return cached
        if self.refused is not None:  # the endpoint refused the key: ask it nothing more
            result = ChunkResult(chunk, None, failure=ChunkFailure(
                chunk=chunk.id, title=chunk.title, pages=chunk.pages, error=self.refused,
                attempts=0))
            self._progress(result)
            return result
        limit = _GLOBAL_LIMIT
        if limit is not None:
            limit.acquire()
        if _RATE is not None:
            _RATE.wait()
        try:
            answer, completion = self.client.chat.completions.create_with_completion(
                model=self.cfg.model, messages=messages, response_model=model,
                max_retries=self.cfg.max_retries, temperature=self.cfg.temperature,
                max_tokens=self.cfg.max_tokens, context={"check_arithmetic": True})
            if not self._hooked:
                self._add_usage(getattr(completion, "usage", None))
            self.cache.set(key, {"answer": answer.model_dump(mode="json")})
            result = ChunkResult(chunk, answer)
        except Exception as e:  # one failing chunk never sinks the document
            status = _refused_status(e)
            if status is not None:
                with self._lock:
                    self.refused = self.refused or (
                        f"the endpoint {redact(self.cfg.endpoint)} refused the request with HTTP "
                        f"{status} ({self._redact(_one_line(e))}); check the API key "
                        "(--api-key-env) and the model's access, or use --extractor rules")
            result = self._failed(chunk, model, e)
            if _answer_failed(e) and result.failure is not None:
                # a bad answer at temperature 0 repeats: remember it, so a rerun makes no call
                self.cache.set(key, {"failure": result.failure.model_dump(mode="json"),
                                     "kept": result.answer.model_dump(mode="json")
                                     if result.answer is not None else None})
        finally:
            if limit is not None:
                limit.release()
        self._progress(result)
        return result

    def _progress(self, result: ChunkResult) -> None:
        if self.on_progress is not None:
            self.on_progress(result)

    def _add_usage(self, usage: Any) -> None:
        if usage is None:
            return
        with self._lock:
            self.usage.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
            self.usage.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)

    def _failed(self, chunk: Chunk, model: type[BaseModel], e: Exception) -> ChunkResult:
        attempts = int(getattr(e, "n_attempts", 0) or 0) or 1
        last = self._redact(_answer_text(getattr(e, "last_completion", None)))
        error = self._redact(_one_line(e)) or ""
        kept = None
        if last is not None:
            # keep what the model said; the checks will flag what does not hold
            try:
                kept = model.model_validate(_json_in(last), context={"check_arithmetic": False})
            except (ValidationError, ValueError):
                kept = None
        failure = ChunkFailure(chunk=chunk.id, title=chunk.title, pages=chunk.pages,
                               error=error, attempts=attempts, last_answer=last)
        return ChunkResult(chunk, kept, failure=failure, unvalidated=last if kept else None)


def _from_cache(chunk: Chunk, model: type[BaseModel], hit: dict) -> ChunkResult | None:
    """The cached result, or None when the entry does not fit the answer's schema (then it
    is asked again)."""
    try:
        if "failure" in hit:  # the model's own answer failed: the same input fails again
            failure = ChunkFailure.model_validate(hit["failure"])
            kept = hit.get("kept")
            return ChunkResult(chunk, model.model_validate(kept, context={
                "check_arithmetic": False}) if kept else None, failure=failure, cached=True)
        return ChunkResult(chunk, model.model_validate(hit["answer"], context={
            "check_arithmetic": False}), cached=True)
    except (ValidationError, ValueError, TypeError, KeyError):
        return None


AUTH_STATUSES = (401, 403)


def _refused_status(e: BaseException) -> int | None:
    """401 or 403 anywhere in ``e``'s chain (openai's AuthenticationError and
    PermissionDeniedError, wrapped or not by instructor), else None."""
    seen: BaseException | None = e
    while seen is not None:
        status = getattr(seen, "status_code", None)
        if status in AUTH_STATUSES:
            return int(status)
        if type(seen).__name__ in ("AuthenticationError", "PermissionDeniedError"):
            return 401 if type(seen).__name__ == "AuthenticationError" else 403
        seen = seen.__cause__ or seen.__context__
    return None


def _answer_failed(e: Exception) -> bool:
    """The model answered, badly (not a transport error: those may pass on a retry later)."""
    transport = {"APIConnectionError", "APITimeoutError", "RateLimitError", "InternalServerError",
                 "APIStatusError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
                 "BadRequestError", "ConnectError", "ReadTimeout"}
    seen: BaseException | None = e
    while seen is not None:
        if type(seen).__name__ in transport:
            return False
        seen = seen.__cause__ or seen.__context__
    return True


def _one_line(e: Exception) -> str:
    name = type(e).__name__
    text = re.sub(r"\s+", " ", str(e)).strip()
    return f"{name}: {text[:300]}"


def _answer_text(completion: Any) -> str | None:
    if completion is None:
        return None
    try:
        msg = completion.choices[0].message
        if getattr(msg, "tool_calls", None):
            return msg.tool_calls[0].function.arguments
        return msg.content
    except (AttributeError, IndexError):
        return str(completion)[:2000]


def _json_in(text: str) -> Any:
    m = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    return json.loads(m.group(1) if m else text)
