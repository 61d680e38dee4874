"""Faults of a real (local, scripted) server: retries happen, one failing chunk does not
sink the document, and what failed is reported with the model's last answer."""

from __future__ import annotations

import pytest

from pipeline.llm.config import LLMConfig
from pipeline.run import extract_document
from schemas.flags import CheckId
from tests.fault_server import NO_FIGURES, SMALL_BUDGET_TABLE, FaultServer
from tests.small_docs import SMALL_BUDGET

FIGS, GOOD = NO_FIGURES, SMALL_BUDGET_TABLE


@pytest.fixture()
def doc(tmp_path):
    p = tmp_path / "budget.txt"
    p.write_text(SMALL_BUDGET, encoding="utf-8")
    return p


def _run(doc, server: FaultServer, **kw):
    cfg = LLMConfig(model="fault", base_url=server.url, cache_dir=None, concurrency=1,
                    http_retries=2, max_retries=1, timeout=1.0, **kw)
    return extract_document(doc, extractor="llm", llm=cfg)


def test_429_and_500_are_retried(doc):
    with FaultServer(["429", "500", GOOD], default=FIGS) as server:
        d = _run(doc, server)
    assert server.seen[:3] == ["429", "500", GOOD]
    assert not d.llm.failures
    assert d.llm.calls == 4  # every HTTP request, the client's retries included
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    assert [r.name for r in t.rows] == ["合计", "一般公共服务支出"]
    assert d.llm.prompt_tokens == 22 and d.llm.completion_tokens == 14  # two answers


def test_persistent_500_fails_one_chunk_only(doc):
    with FaultServer(["500", "500", "500"], default=FIGS) as server:
        d = _run(doc, server)
    assert server.seen[:3] == ["500", "500", "500"]  # 1 call + 2 retries
    [f] = d.llm.failures
    assert f.title.endswith("一般公共预算支出表") and "500" in f.error
    assert any(x.check == CheckId.model_failed for x in d.flags)
    # the document is still there: metadata and the other parts
    assert d.metadata.department == "某某市测试局"


def test_timeout_is_retried_then_reported(doc):
    with FaultServer(["slow", "slow", "slow"], default=FIGS, slow_s=1.5) as server:
        d = _run(doc, server)
    [f] = d.llm.failures
    assert "Timeout" in f.error or "timed out" in f.error.lower()


@pytest.mark.parametrize("bad", ["truncated", "nonjson"])
def test_unparseable_answers_are_re_asked_then_reported(doc, bad):
    with FaultServer([bad, bad], default=FIGS) as server:
        d = _run(doc, server)
    assert server.seen[:2] == [bad, bad]  # the answer, then one re-ask
    [f] = d.llm.failures
    assert f.attempts == 2 and f.last_answer
    assert ("一般公共服务" in f.last_answer) if bad == "truncated" else ("无法" in f.last_answer)


def test_an_answer_cut_at_max_tokens_is_asked_again_with_more_room(doc):
    with FaultServer(["length", GOOD], default=FIGS) as server:
        d = _run(doc, server, max_tokens=4096)
    assert server.seen[:2] == ["length", GOOD] and not d.llm.failures
    first, again = server.bodies[:2]
    # the same question (no re-ask quoting the cut answer), with twice the room
    assert again["messages"] == first["messages"]
    assert again["max_tokens"] == 2 * first["max_tokens"]
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    assert [r.name for r in t.rows] == ["合计", "一般公共服务支出"]


def test_an_answer_cut_at_the_cap_is_re_asked_then_reported(doc):
    with FaultServer(["length", "length"], default=FIGS) as server:
        d = _run(doc, server, max_tokens=512)  # the chunk's answer already has the cap
    first, again = server.bodies[:2]
    assert first["max_tokens"] == again["max_tokens"] == 512
    assert len(again["messages"]) == 3  # the usual re-ask: the cut answer and the error
    [f] = d.llm.failures
    assert f.attempts == 2 and "一般公共服务" in f.last_answer


def test_re_ask_recovers(doc):
    with FaultServer(["nonjson", GOOD], default=FIGS) as server:
        d = _run(doc, server)
    assert not d.llm.failures
    assert d.llm.calls >= 2


def test_rate_limit_spaces_the_calls():
    import time

    from pipeline.llm.extractor import RateLimit

    r = RateLimit(20.0)
    t = time.monotonic()
    for _ in range(6):
        r.wait()
    assert time.monotonic() - t >= 0.24  # 6 starts at 20/s: the last one 0.25 s after the first


def test_tools_mode_failure_keeps_instructors_attempts_and_last_answer(doc):
    # instructor re-asks itself in tools mode and raises InstructorRetryException, which
    # carries the number of attempts and the last completion: both reach the failure record
    with FaultServer(["nonjson", "nonjson"], default=FIGS) as server:
        d = _run(doc, server, mode="tools")
    # the narrative chunk's scripted answer is no tool call either: it fails the same way
    [f] = [f for f in d.llm.failures if f.title.endswith("一般公共预算支出表")]
    assert f.attempts == 2 and f.last_answer and "无法" in f.last_answer
