"""The model path around the model: chunking, routing, merging, cache and accounting,
with ScriptedFakeModel (a named fake; real traffic is in the cassette tests)."""

from __future__ import annotations

import pytest

from pipeline.errors import ConfigError
from pipeline.llm.chunks import estimate_tokens
from pipeline.llm.config import LLMConfig, resolve
from pipeline.llm.models import LLMRow
from pipeline.run import extract_document
from schemas.flags import CheckId
from tests.conftest import corpus_path
from tests.fake_model import ScriptedFakeModel

SHANGYU = "text/shaoxing-shangyu-hrss-2024-budget.txt"


def _script_from_rules(rel: str, kind: str) -> dict[str, list[LLMRow]]:
    """Answers that repeat what the document prints, keyed by code, for the fake."""
    d = extract_document(corpus_path(rel), check=False)
    t = next(t for t in d.tables if t.kind.value == kind)
    script: dict[str, list[LLMRow]] = {}
    for r in t.rows:
        if r.code:
            script[f"\n{r.code}\t"] = [LLMRow(code=r.code, name=r.name, values={
                label: r.values[k].raw for label, k in zip(t.columns, t.column_keys, strict=True)
                if k is not None and k in r.values})]
    return script


def test_long_table_split_by_rows_and_merged_back(tmp_path):
    script = _script_from_rules(SHANGYU, "general_budget_expenditure")
    fake = ScriptedFakeModel(script)
    cfg = LLMConfig(model="fake", base_url="http://fake", token_budget=800, cache_dir=None)
    d = extract_document(corpus_path(SHANGYU), extractor="llm", llm=cfg, client=fake)
    t = next(t for t in d.tables if t.kind.value == "general_budget_expenditure")
    # the table went out in several chunks, each with the header repeated
    table_requests = [r for r in fake.requests
                      if "Table: 2024 年部门一般公共预算支出表 " in r["messages"][0]["content"]]
    assert len(table_requests) >= 2
    assert all("科目编码\t科目名称" in r["messages"][0]["content"] for r in table_requests)
    assert all(estimate_tokens(r["messages"][0]["content"]) <= 800 for r in table_requests)
    # every coded row came back once, in order, with its figure traced to the source text
    codes = [r.code for r in t.rows]
    assert codes == [r.code for r in t.rows if r.code] and len(codes) == len(set(codes)) == len(script)
    row = next(r for r in t.rows if r.code == "2101101")
    assert row.values["total"].raw == "77.64"
    text = corpus_path(SHANGYU).read_text(encoding="utf-8")
    s, e = row.values["total"].provenance.span
    assert text[s:e] == "77.64"
    assert d.extractor == "llm" and d.llm.calls == len(fake.requests)
    assert d.llm.prompt_tokens == sum(len(r["messages"][0]["content"]) for r in fake.requests)
    # the merged rows pass through the same checks: the table adds up, nothing is invented
    assert not [f for f in d.flags if f.table == t.title and f.severity.value == "error"]
    assert d.checks.by_check[CheckId.grounding].failed == 0


def test_second_run_is_served_from_the_cache(tmp_path):
    script = _script_from_rules(SHANGYU, "general_budget_expenditure")
    cfg = LLMConfig(model="fake", base_url="http://fake", cache_dir=tmp_path / "cache")
    first = ScriptedFakeModel(script)
    a = extract_document(corpus_path(SHANGYU), extractor="llm", llm=cfg, client=first)
    second = ScriptedFakeModel(script)
    b = extract_document(corpus_path(SHANGYU), extractor="llm", llm=cfg, client=second)
    assert a.llm.calls > 0 and a.llm.cache_hits == 0
    assert second.requests == [] and b.llm.calls == 0
    assert b.llm.cache_hits == a.llm.chunks_sent
    assert [t.model_dump() for t in a.tables] == [t.model_dump() for t in b.tables]
    # another model name is another key
    other = ScriptedFakeModel(script)
    extract_document(corpus_path(SHANGYU), extractor="llm", client=other,
                     llm=LLMConfig(model="fake-2", base_url="http://fake", cache_dir=tmp_path / "cache"))
    assert other.requests


def test_auto_sends_only_what_rules_could_not_do():
    # Haidong's 支出总表 fails its checks (2080199 twice): only that table goes to the model
    fake = ScriptedFakeModel({})
    cfg = LLMConfig(model="fake", base_url="http://fake", cache_dir=None)
    extract_document(corpus_path("text/haidong-hrss-2024-budget.txt"), extractor="auto",
                         llm=cfg, client=fake)
    assert len(fake.requests) == 1 and "支出总表" in fake.requests[0]["messages"][0]["content"]
    # a consistent document sends nothing
    fake = ScriptedFakeModel({})
    extract_document(corpus_path("pdf/guangzhou-petitions-2026-budget.pdf"), extractor="auto",
                     llm=cfg, client=fake)
    assert fake.requests == []


def test_auto_without_endpoint_says_what_would_go_to_a_model():
    d = extract_document(corpus_path("text/haidong-hrss-2024-budget.txt"), extractor="auto")
    assert d.llm.calls == 0 and d.llm.would_send == ["t3.1 支出总表 (p.1)"]


def test_missing_endpoint_is_an_error_that_says_how_to_fix_it(monkeypatch):
    with pytest.raises(ConfigError, match=r"set OPENAI_API_KEY .* or pass --base-url"):
        resolve()
    monkeypatch.setenv("MY_KEY", "sk-test")
    cfg = resolve(api_key_env="MY_KEY")
    assert cfg.base_url is None and cfg.api_key == "sk-test"
    cfg = resolve(base_url="http://127.0.0.1:8080/v1")
    assert cfg.api_key  # local servers need no key; a placeholder is sent


def test_validators_name_the_numbers_that_disagree():
    from pydantic import ValidationError

    from pipeline.llm.models import LLMTable

    rows = [{"code": None, "name": "合计", "values": {"合计": "31.00"}},
            {"code": "201", "name": "一般公共服务支出", "values": {"合计": "30.00"}},
            {"code": "20101", "name": "人大事务", "values": {"合计": "30.00"}},
            {"code": "2010101", "name": "行政运行", "values": {"合计": "20.00"}},
            {"code": "2010199", "name": "其他", "values": {"合计": "9.00"}}]
    with pytest.raises(ValidationError) as e:
        LLMTable.model_validate({"rows": rows}, context={"check_arithmetic": True})
    text = str(e.value)
    assert "20101 人大事务 [合计] = 30.00 but its 2 sub-rows sum to 29.00" in text
    assert "合计 [合计] = 31.00 but the 1 类 rows sum to 30.00" in text
    with pytest.raises(ValidationError, match="must be 3, 5 or 7 digits"):
        LLMTable.model_validate({"rows": [{"code": "2080", "name": "x"}]})
    # with the arithmetic check off (the last answer, kept), the rows are accepted as given
    assert len(LLMTable.model_validate({"rows": rows}, context={"check_arithmetic": False}).rows) == 5
