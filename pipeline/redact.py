"""Secrets never leave through a message: anything that came from an endpoint or an
exception is passed through ``redact`` before it is stored or printed."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

MARK = "[redacted]"
MIN_SECRET_LEN = 8  # shorter values (e.g. "1") would blank ordinary text
_SECRET_VAR = re.compile(r"(API_?KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)
_PATTERNS = [
    # Authorization: Bearer xyz / 'authorization': 'Basic xyz'
    re.compile(r"""(?i)(authorization['"]?\s*[:=]\s*['"]?)(?:(?:bearer|basic|token)\s+)?[^\s'",}]+"""),
    re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{6,}"),
    re.compile(r"""(?i)((?:api[_-]?key|x-api-key|access[_-]?token)['"]?\s*[:=]\s*['"]?)[^\s'",}]+"""),
    re.compile(r"(?i)(://)[^/@\s:]+:[^/@\s]+(@)"),  # user:password@ in a URL
]
_OPENAI_STYLE = re.compile(r"\bsk-[A-Za-z0-9_-]{8,}")


def known_secrets(extra: Iterable[str | None] = ()) -> list[str]:
    """Values of environment variables named like keys or tokens, and ``extra``."""
    found = [v for k, v in os.environ.items() if _SECRET_VAR.search(k)]
    found += [s for s in extra if s]
    return sorted({s for s in found if len(s) >= MIN_SECRET_LEN}, key=len, reverse=True)


def redact(text: str | None, secrets: Iterable[str | None] = ()) -> str | None:
    """``text`` without the given secrets, the environment's keys and tokens, and any
    Authorization / API-key value or credentials in a URL."""
    if not text:
        return text
    for s in known_secrets(secrets):
        text = text.replace(s, MARK)
    for p in _PATTERNS:
        text = p.sub(lambda m: m.group(1) + MARK + (m.group(2) if m.lastindex and m.lastindex > 1
                                                   else ""), text)
    return _OPENAI_STYLE.sub(MARK, text)
