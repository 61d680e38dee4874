"""What reaches the server and what happens when the endpoint cannot serve: a real local
HTTP server (tests/fault_server.py) on 127.0.0.1, or a port where nothing listens."""

from __future__ import annotations

import socket

import pytest

from pipeline.cli import main
from pipeline.errors import EndpointError
from pipeline.llm.config import LLMConfig, resolve
from pipeline.llm.models import LLMFigures, LLMTable
from pipeline.llm.prompts import not_applicable
from pipeline.run import extract_document
from tests.fault_server import NO_FIGURES, SMALL_BUDGET_TABLE, FaultServer
from tests.small_docs import SMALL_BUDGET

FIGS, GOOD = NO_FIGURES, SMALL_BUDGET_TABLE


@pytest.fixture()
def doc(tmp_path):
    p = tmp_path / "budget.txt"
    p.write_text(SMALL_BUDGET, encoding="utf-8")
    return p


def _cfg(url: str, cache=None, **kw) -> LLMConfig:
    return LLMConfig(model="fault", base_url=url, cache_dir=cache, concurrency=1,
                     http_retries=2, max_retries=1, timeout=5.0, **kw)


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_md_json_sends_the_compact_schema_in_the_user_message(doc):
    with FaultServer([GOOD], default=FIGS) as server:
        extract_document(doc, extractor="llm", llm=_cfg(server.url))
    assert len(server.bodies) == 2
    for body in server.bodies:
        # one user message (no system message a chat template could drop), with the schema
        assert [m["role"] for m in body["messages"]] == ["user"]
        assert "response_format" not in body and "tools" not in body
    table, narrative = (b["messages"][0]["content"] for b in server.bodies)
    tasks = (("table_general_budget_expenditure", LLMTable, table), ("narrative", LLMFigures, narrative))
    for task, model, text in tasks:
        schema = model.model_json_schema()
        names = set(schema["properties"])
        for sub in schema.get("$defs", {}).values():
            names |= set(sub.get("properties", {}))  # (an enum definition has none)
        names -= not_applicable(task)
        assert all(f'"{n}"' in text for n in names), (model.__name__, text[-300:])
        assert "description" not in text and "title" not in text  # compact
    assert {"rows", "code", "name", "values"} <= set(LLMTable.model_json_schema()["$defs"]["LLMRow"][
        "properties"]) | {"rows"}
    assert '"side"' not in table  # a one-sided table: the field is not offered
    assert '"kind":"amount|share|change_amount|change_percent"' in narrative


def test_two_sided_summaries_are_offered_the_side_field():
    from pipeline.llm.chunks import Chunk
    from pipeline.llm.prompts import user_prompt
    from schemas.tables import TableKind

    chunk = Chunk(id="t0.1", task="table_income_expenditure_summary", title="收支总表", unit="万元",
                  text="收入\t预算数\t支出\t预算数", pages=[1], kind=TableKind.income_expenditure_summary)
    text, _ = user_prompt(chunk, "md_json")
    assert '"side":"income|expenditure|null"' in text and '"values":{"<column>":"str"}' in text


def test_tools_mode_sends_the_schema_as_the_tool(doc):
    with FaultServer([], default=FIGS) as server:
        extract_document(doc, extractor="llm", llm=_cfg(server.url, mode="tools"))
    tool = server.bodies[0]["tools"][0]["function"]
    assert set(tool["parameters"]["properties"]) in ({"rows"}, {"figures"})


def test_a_closed_port_is_one_line_naming_the_url_and_a_nonzero_exit(doc, tmp_path, capsys):
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    with pytest.raises(EndpointError, match=r"cannot reach the model endpoint " + url):
        extract_document(doc, extractor="llm", llm=_cfg(url))
    rc = main([str(doc), "--extractor", "llm", "--base-url", url, "--cache-dir",
               str(tmp_path / "c"), "-o", str(tmp_path / "out.json")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 3 and len(err) == 1
    assert url in err[0] and "serve-local" in err[0] and "--base-url" in err[0]
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("status", ["401", "403"])
def test_a_refused_key_stops_at_the_first_call(doc, tmp_path, capsys, status, monkeypatch):
    monkeypatch.setenv("MY_KEY", "sk-wrong")
    with FaultServer([status] * 10) as server:
        rc = main([str(doc), "--extractor", "llm", "--base-url", server.url, "--api-key-env",
                   "MY_KEY", "--cache-dir", str(tmp_path / "c"), "-o", str(tmp_path / "o.json")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 3 and len(err) == 1
    assert server.url in err[0] and f"HTTP {status}" in err[0] and "MY_KEY" in err[0]
    assert len(server.seen) == 1  # no retry, no other chunk


def test_a_cut_http_body_is_not_cached_and_is_retried_on_the_next_run(doc, tmp_path):
    cache = tmp_path / "cache"
    port = _closed_port()  # the same endpoint each run: it is part of the cache key
    with FaultServer(["cut", "cut", "cut"], default=FIGS, port=port) as server:
        first = extract_document(doc, extractor="llm", llm=_cfg(str(server.url), cache))
    assert server.seen[:3] == ["cut", "cut", "cut"]  # the client's own retries
    [failed] = first.llm.failures
    assert "一般公共预算支出表" in failed.title and failed.last_answer is None
    assert first.extractor == "llm+rules"  # the table's figures are the rules'
    with FaultServer([GOOD], default=FIGS, port=port) as server:
        second = extract_document(doc, extractor="llm", llm=_cfg(server.url, cache))
    assert server.seen == [GOOD]  # the failed chunk asked again; the narrative from the cache
    assert not second.llm.failures and second.llm.cache_hits == 1
    assert second.extractor == "llm"
    with FaultServer([], default=FIGS, port=port) as server:
        third = extract_document(doc, extractor="llm", llm=_cfg(server.url, cache))
    assert server.seen == [] and third.llm.calls == 0 and third.llm.cache_hits == 2


def test_a_bad_answer_is_not_cached_either(doc, tmp_path):
    cache = tmp_path / "cache"
    port = _closed_port()
    with FaultServer(["nonjson", "nonjson"], default=FIGS, port=port) as server:
        extract_document(doc, extractor="llm", llm=_cfg(server.url, cache))
    with FaultServer([GOOD], default=FIGS, port=port) as server:
        d = extract_document(doc, extractor="llm", llm=_cfg(server.url, cache))
    assert server.seen == [GOOD] and not d.llm.failures and d.llm.cache_hits == 1


def test_a_local_url_gets_one_slot_and_a_timeout_from_its_speed():
    from pipeline.llm.config import LOCAL_SLOT

    cfg = resolve(base_url="http://127.0.0.1:8080/v1", concurrency=4)
    assert cfg.concurrency == 1 and cfg.max_retries == LOCAL_SLOT.max_retries
    # the slowest chunk: a full prompt and a full answer at the measured speed, with a margin
    assert cfg.timeout >= 1500 / 25 + 4096 / 8 and cfg.max_tokens == 4096
    remote = resolve(base_url="https://api.example.com/v1", concurrency=4)
    assert remote.concurrency == 4


def test_the_instructions_print_no_figure_an_answer_could_copy():
    import re

    from pipeline.llm.prompts import PROMPTS

    for p in PROMPTS.glob("*.v*.md"):
        numbers = set(re.findall(r"(?<![A-Za-z])\d+(?:[.,]\d+)*", p.read_text(encoding="utf-8")))
        assert numbers <= {"3", "5", "7"}, (p.name, numbers)  # the lengths of codes only


def test_an_answer_figure_found_only_in_the_instructions_is_dropped(doc):
    narrative = ('{"figures": [{"kind": "amount", "raw": "7万元", "subject": "人员"},'
                 ' {"kind": "change_amount", "raw": "5.00万元", "subject": "收入预算",'
                 ' "direction": "decrease"}]}')
    with FaultServer([GOOD], default=narrative) as server:
        d = extract_document(doc, extractor="llm", llm=_cfg(server.url))
    assert [f.raw for f in d.figures] == ["5.00万元"]  # printed in the text; "7" only in the rules


def test_narrative_sections_are_packed_and_figures_keep_their_section():
    from pipeline.llm.models import LLMFigure
    from tests.conftest import corpus_path
    from tests.fake_model import ScriptedFakeModel

    shangyu = corpus_path("text/shaoxing-shangyu-hrss-2024-budget.txt")
    fake = ScriptedFakeModel({})
    cfg = LLMConfig(model="fake", base_url="http://fake", cache_dir=None)
    rules = extract_document(shangyu, check=False)
    extract_document(shangyu, extractor="llm", llm=cfg, client=fake, check=False)
    narrative = [r for r in fake.requests if "\nSection: " in r["messages"][0]["content"]]
    with_figures = {f.section for f in rules.figures}
    assert 1 <= len(narrative) < len(with_figures)  # several sections a call
    # a figure the model gives is put in the section whose text prints it
    from pipeline.ingest import read_document
    from pipeline.layout import layout_document
    from pipeline.llm.chunks import narrative_chunks
    from pipeline.segment import find_sections

    secs = find_sections(layout_document(read_document(shangyu)))
    chunks = narrative_chunks(secs, "万元", 1500, 200)
    import re

    packed, last, number = next(
        (c, h, m) for c in chunks if len(c.sections) >= 2 for h in c.sections[1:]
        for m in re.findall(r"\d+\.\d+", c.section_texts[h])
        if all(m not in t for k, t in c.section_texts.items() if k != h))
    from pipeline.llm.merge import figures
    from pipeline.llm.models import LLMFigures

    [fig] = figures(packed, LLMFigures(figures=[LLMFigure(kind="amount", raw=f"{number}万元", subject="x")]))
    assert fig.section == last
