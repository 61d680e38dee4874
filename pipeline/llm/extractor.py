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

from pipeline.errors import EndpointError
from pipeline.llm.cache import AnswerCache, cache_key
from pipeline.llm.chunks import Chunk
from pipeline.llm.config import LLMConfig, answer_tokens, grown_answer_tokens
from pipeline.llm.models import response_model
from pipeline.llm.prompts import user_prompt
from pipeline.redact import redact
from schemas.document import ChunkFailure, LLMUsage

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


def ensure_rate_limit(per_second: float) -> None:
    """One limiter per process, shared by every document it extracts: set it once."""
    if _RATE is None:
        set_rate_limit(per_second)


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
    skipped: bool = False  # not sent: the endpoint had already failed for good


class AnswerFailed(Exception):
    """The model answered every attempt, and no answer passed validation."""

    def __init__(self, error: Exception, n_attempts: int, last_text: str | None):
        super().__init__(str(error))
        self.n_attempts = n_attempts
        self.last_text = last_text


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
        # md_json on our own client: the compact schema in the user message, our own re-asks
        # (instructor's md_json puts a long schema in a system message, which some chat
        # templates drop)
        self.raw = self.client.client if own and cfg.mode == "md_json" else None
        self._abort = threading.Event()
        self._fatal: EndpointError | None = None
        self.cache = AnswerCache(cfg.cache_dir if use_cache else None)
        self.usage = LLMUsage(model=cfg.model, endpoint=redact(cfg.endpoint) or "", mode=cfg.mode)
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
        text, key = user_prompt(chunk, self.cfg.mode)
        return [{"role": "user", "content": text}], key

    def extract(self, chunks: list[Chunk]) -> list[ChunkResult]:
        """Results in chunk order; at most ``cfg.concurrency`` calls in flight."""
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=max(1, self.cfg.concurrency)) as pool:
            results = list(pool.map(self._one, chunks))
        self.usage.seconds += round(time.perf_counter() - t0, 3)
        self.usage.chunks_sent += sum(1 for r in results if r.answer is not None)
        self.usage.failures.extend(r.failure for r in results if r.failure is not None)
        if self._fatal is not None:
            raise self._fatal
        return results

    def _redact(self, text: str | None) -> str | None:
        return redact(text, [self.cfg.api_key])

    def _one(self, chunk: Chunk) -> ChunkResult:
        if self._abort.is_set():
            return ChunkResult(chunk, None, skipped=True)
        model = response_model(chunk.task)
        messages, prompt_key = self._messages(chunk)
        max_tokens = answer_tokens(chunk.tokens, self.cfg.max_tokens)
        params = {"temperature": self.cfg.temperature, "max_tokens": max_tokens,
                  "mode": self.cfg.mode, "max_retries": self.cfg.max_retries}
        key = cache_key(model=self.cfg.model, endpoint=self.cfg.endpoint, prompt_key=prompt_key,
                        schema=_schema(model), chunk=chunk.text, params=params)
        hit = self.cache.get(key)
        cached = _from_cache(chunk, model, hit) if hit is not None else None
        if cached is not None:  # only answers are cached; a failure is asked again
            with self._lock:
                self.usage.cache_hits += 1
            result = cached
            self._progress(result)
            return result
        limit = _GLOBAL_LIMIT
        if limit is not None:
            limit.acquire()
        if _RATE is not None:
            _RATE.wait()
        context = {"check_arithmetic": True, "more_follows": chunk.more_follows,
                   "whole_table": chunk.whole_table, "kind": chunk.kind.value if chunk.kind else None}
        try:
            if self.raw is not None:
                answer = self._ask_md_json(messages, model, max_tokens, context)
            else:
                answer, completion = self.client.chat.completions.create_with_completion(
                    model=self.cfg.model, messages=messages, response_model=model,
                    max_retries=self.cfg.max_retries, temperature=self.cfg.temperature,
                    max_tokens=max_tokens, context=context)
                if not self._hooked:
                    self._add_usage(getattr(completion, "usage", None))
            self.cache.set(key, {"answer": answer.model_dump(mode="json")})
            result = ChunkResult(chunk, answer)
        except Exception as e:  # one failing chunk never sinks the document
            fatal = endpoint_error(e, self.cfg)
            if fatal is not None:  # no other chunk can succeed: stop sending
                with self._lock:
                    self._fatal = self._fatal or EndpointError(self._redact(fatal.message) or "")
                self._abort.set()
                return ChunkResult(chunk, None, skipped=True)
            result = self._failed(chunk, model, e)
        finally:
            if limit is not None:
                limit.release()
        self._progress(result)
        return result

    def _ask_md_json(self, messages: list[dict], model: type[BaseModel], max_tokens: int,
                     context: dict[str, Any]) -> BaseModel:
        """Ask, validate, and re-ask with the validation error, up to ``max_retries`` times."""
        assert self.raw is not None
        messages = list(messages)
        error: Exception | None = None
        text: str | None = None
        attempts = 0
        for _ in range(self.cfg.max_retries + 1):
            attempts += 1
            completion = self.raw.chat.completions.create(
                model=self.cfg.model, messages=messages, temperature=self.cfg.temperature,
                max_tokens=max_tokens)
            self._add_usage(getattr(completion, "usage", None))
            text = _answer_text(completion) or ""
            if _cut_at_max_tokens(completion) and max_tokens < self.cfg.max_tokens:
                # re-asking with the same room only cuts the answer again: the same question
                # with more room (a server's prompt cache makes the prompt cheap again)
                error = ValueError(f"the answer was cut at max_tokens={max_tokens}")
                max_tokens = grown_answer_tokens(max_tokens, self.cfg.max_tokens)
                continue
            try:
                return model.model_validate(_json_in(text), context=context)
            except (ValidationError, ValueError) as e:
                error = e
                messages += [{"role": "assistant", "content": text},
                             {"role": "user", "content": "Correct your JSON ONLY RESPONSE, based on "
                              f"the following errors:\n{e}"}]
        assert error is not None
        raise AnswerFailed(error, attempts, text)

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
        attempts, last = _attempts_and_last_answer(e)
        last = self._redact(last)
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


def _attempts_and_last_answer(e: Exception) -> tuple[int, str | None]:
    """How many calls a failed chunk took and the model's last answer: from our own
    re-asking loop (``AnswerFailed``) or from instructor's retries
    (``InstructorRetryException`` carries ``n_attempts`` and ``last_completion``); any other
    error (a timeout, an HTTP error) is one call with no answer."""
    from instructor.core import InstructorRetryException

    if isinstance(e, AnswerFailed):
        return e.n_attempts, e.last_text
    if isinstance(e, InstructorRetryException):
        return e.n_attempts or 1, _answer_text(e.last_completion)
    return 1, None


def _from_cache(chunk: Chunk, model: type[BaseModel], hit: dict) -> ChunkResult | None:
    """The cached answer, or None when the entry is no answer that fits the schema (a
    crafted or damaged entry, an old failure record): then the chunk is asked again."""
    try:
        return ChunkResult(chunk, model.model_validate(hit["answer"], context={
            "check_arithmetic": False}), cached=True)
    except (ValidationError, ValueError, TypeError, KeyError):
        return None


def _chain(e: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    seen: BaseException | None = e
    while seen is not None and seen not in out:
        out.append(seen)
        seen = seen.__cause__ or seen.__context__
    return out


def endpoint_error(e: Exception, cfg: LLMConfig) -> EndpointError | None:
    """An error that every further call would repeat (nothing listens at the URL, the key is
    refused, the URL or model is wrong), as one line naming the URL and the fix; None for
    errors that may pass (timeouts, 429, 5xx, truncated answers, bad answers)."""
    import httpx
    import openai

    url = cfg.endpoint
    for x in _chain(e):
        if isinstance(x, httpx.ConnectError):
            reason = re.sub(r"\s+", " ", str(x)).strip() or "connection refused"
            return EndpointError(
                f"cannot reach the model endpoint {url} ({reason}): start the server "
                "(e.g. budget-extract serve-local) or pass the right --base-url")
        if isinstance(x, openai.AuthenticationError | openai.PermissionDeniedError):
            return EndpointError(
                f"the model endpoint {url} refused the request (HTTP {x.status_code}): set "
                f"{cfg.api_key_env} to a valid API key for it (--api-key-env names another "
                "variable), pass the right --base-url, or use --extractor rules")
        if isinstance(x, openai.NotFoundError):
            return EndpointError(
                f"the model endpoint {url} answered HTTP 404 for model '{cfg.model}': check "
                "--base-url (it usually ends in /v1) and --model")
    return None


def _one_line(e: Exception) -> str:
    name = type(e).__name__
    text = re.sub(r"\s+", " ", str(e)).strip()
    return f"{name}: {text[:300]}"


def _cut_at_max_tokens(completion: Any) -> bool:
    """Whether the server stopped the answer at ``max_tokens`` (finish_reason "length")."""
    choices = getattr(completion, "choices", None) or []
    return bool(choices) and getattr(choices[0], "finish_reason", None) == "length"


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
    """The JSON of an answer: inside a ```json fence (closed or not), or the whole text."""
    m = re.search(r"```(?:json)?\s*(.*?)(?:```|$)", text, re.S)
    return json.loads(m.group(1) if m else text)
