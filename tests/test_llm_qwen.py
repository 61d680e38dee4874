"""Real extractions of real corpus tables by Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) served by
llama.cpp (`budget-extract serve-local`), recorded once and replayed offline.

Each document is a slice of a corpus source text (its title and one table), cut at test
time; the figures of every answer are checked against that source text, row by row.

Re-record (about 1-2 minutes a table on 2 cores):
    budget-extract serve-local &
    pytest tests/test_llm_qwen.py --record-mode=rewrite"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

import pytest

from pipeline.llm.config import LLMConfig
from pipeline.run import extract_document
from schemas.flags import CheckId
from tests.conftest import corpus_path

BASE_URL = os.environ.get("BUDGET_EXTRACT_RECORD_URL", "http://127.0.0.1:8080/v1")
MODEL = "qwen2.5-coder-1.5b"
SHANGYU = "text/shaoxing-shangyu-hrss-2024-budget.txt"
JIANGSU = "converted/pdftotext-layout/jiangsu-npc-office-2019-budget-tables.txt"
JIANGSU_TITLE = "江苏省人大常委会办公厅2019年部门预算"
JIAXING = "text/jiaxing-hrss-2024-budget.txt"
HAIDONG = "text/haidong-hrss-2024-budget.txt"
FIGURE = re.compile(r"\d[\d,]*\.\d+|\d+")


@dataclass(frozen=True)
class Case:
    source: str
    start: str  # the table's first line in the source
    end: str  # the first line after it
    kind: str
    token_budget: int = 1500
    title: str = ""  # a title line when the slice has none
    head: tuple[str, str] | None = None  # the table's title and header lines (first, after)
    check_columns: bool = False  # tab-separated source: each figure under its printed header


CASES = {
    "expenditure_split": Case(SHANGYU, "## 2024 年部门一般公共预算支出表",
                              "## 2024 年部门一般公共预算基本支出表", "general_budget_expenditure",
                              token_budget=700),
    "three_public": Case(SHANGYU, "## 2024 年部门一般公共预算“三公”经费支出表",
                         "## 2024 年部门政府性基金预算支出表", "three_public", check_columns=True),
    "two_sided_summary": Case(SHANGYU, "## 2024 年部门收支预算总表", "## 2024 年部门收入预算总表",
                              "income_expenditure_summary"),
    "space_separated": Case(JIANGSU, "“三公”经费、会议费、培训费支出预算表", "财政拨款政府性基金支出预算表",
                            "three_public", title=JIANGSU_TITLE),
    "income_summary": Case(JIANGSU, "收入预算总表", "支出预算总表", "income_summary",
                           title=JIANGSU_TITLE),
    "expenditure_summary": Case(SHANGYU, "# 2024 年部门支出预算总表", "# 2024 年部门财政拨款收支预算总表",
                                "expenditure_summary"),
    "fiscal_summary": Case(JIANGSU, "财政拨款收支预算总表\n", "财政拨款支出预算表（功能科目）",
                           "fiscal_summary", title=JIANGSU_TITLE),
    "basic_expenditure": Case(SHANGYU, "## 2024 年部门一般公共预算基本支出表",
                              "## 2024 年部门一般公共预算“三公”经费支出表", "basic_expenditure"),
    "government_fund": Case(JIAXING, "2024年市级部门政府性基金预算支出表\n\n单位",
                            "2024年市级部门国有资本经营预算支出表\n\n单位", "government_fund"),
}
# one project's block of a 绩效目标表 under the table's header (Haidong: names and levels
# wrapped inside cells, one 三级指标 cell broken over three lines)
INDICATOR_CASE = Case(HAIDONG, "\t\t\t\t63020 00002 4T000 00046 1-工",
                      "6302000024T000000465-信息系统运行维护费", "performance_targets",
                      head=("## 2024 年省级部门预算项目支出绩效目标表", "合计-"))
# two narrative sections with amounts, shares and changes
NARRATIVE_CASE = Case(SHANGYU, "## （二）关于绍兴市上虞区人力资源和社会保障局2024年收入预算情况说明",
                      "## （四）", "narrative")


def _slice(case: Case) -> tuple[str, str]:
    """The document sent (title + the table) and the table's own source text."""
    text = corpus_path(case.source).read_text(encoding="utf-8")
    start = text.index(case.start)
    table = text[start:text.index(case.end, start)]
    if case.head:  # a block of rows cut from a longer table, under the table's header
        head = text.index(case.head[0])
        table = text[head:text.index(case.head[1], head)] + table
    title = case.title or "\n".join(text.splitlines()[:4])
    return f"{title}\n\n{table}", table


def _answers(vcr) -> list[dict]:
    """The model's answers as recorded (every response, re-asks included)."""
    out = []
    for resp in vcr.responses:
        body = json.loads(resp["body"]["string"])
        out.append(body)
    return out


def _answer_rows(answer: dict, key: str = "rows") -> list[dict]:
    """The items under ``key`` of one answer's JSON (rows, indicators or figures)."""
    text = answer["choices"][0]["message"]["content"]
    m = re.search(r"```(?:json)?\s*(.*?)(?:```|$)", text, re.S)
    try:
        items = json.loads(m.group(1) if m else text).get(key, [])
    except (ValueError, AttributeError):
        return []
    return [i for i in items if isinstance(i, dict)]


def _config(tmp_path, case: Case, sections: bool = False) -> LLMConfig:
    return LLMConfig(model=MODEL, base_url=BASE_URL, concurrency=1, timeout=1800, max_tokens=4096,
                     max_retries=1, http_retries=0, token_budget=case.token_budget,
                     cache_dir=tmp_path / "cache", sections=sections)


def _extract_slice(case: Case, name: str, tmp_path, vcr, sections: bool = False):
    """Extract the slice through the model; check what reached the server and what it
    counted. Returns the document, the slice's source text and the recorded answers."""
    doc, source_text = _slice(case)
    path = tmp_path / f"{name}.txt"
    path.write_text(doc, encoding="utf-8")
    d = extract_document(path, extractor="llm", llm=_config(tmp_path, case, sections))
    bodies = [json.loads(r.body) for r in vcr.requests]
    assert bodies and all(b["model"] == MODEL for b in bodies)
    answers = _answers(vcr)
    assert d.llm.calls == len(bodies) == len(answers)
    assert d.llm.prompt_tokens == sum(a["usage"]["prompt_tokens"] for a in answers)
    assert d.llm.completion_tokens == sum(a["usage"]["completion_tokens"] for a in answers)
    return d, source_text, bodies, answers


def _figures_of_line(line: str) -> set[str]:
    """The figures printed on ``line``, by value (\"2,600.71\" and \"2600.71\" are one)."""
    return {f.replace(",", "") for f in FIGURE.findall(line)}


KNOWN_GAPS = {
    # Qwen answered Shangyu's per-unit 三公 table with each unit's figures under the wrong
    # headers (the unit totals, printed under “三公”经费合计 and 公务接待费, as 因公出国 and
    # 公务用车 小计); no check of a per-unit 三公 table catches it. (Its earlier answer, the
    # table transposed, is now rejected: tests/test_llm_three_public_check.py)
    "three_public": "figures under the wrong 三公 headers pass every check",
}


def _norm_label(label: str) -> str:
    return re.sub(r"[\s“”\"'（）()]", "", label)


def _under_its_header(name: str, key: str, value: str, lines: list[str]) -> bool:
    """Whether ``value``, answered under ``key`` for row ``name``, is printed under a header
    that ``key`` names, in a tab-separated table (the first tab line is the header; a cell
    left empty there belongs to the header on its left, as a merged cell)."""
    header_line = next(ln for ln in lines if "\t" in ln)
    header, last = [], ""
    for cell in header_line.split("\t"):
        last = cell.strip() or last
        header.append(last)
    want = _norm_label(key.split("/")[0])
    for ln in lines:
        cells = ln.split("\t")
        if not cells or _norm_label(name) != _norm_label(cells[0]):
            continue
        for i, cell in enumerate(cells):
            if cell.replace(",", "") == value and i < len(header):
                got = _norm_label(header[i])
                if want and (want in got or got in want):
                    return True
    return False


@pytest.mark.vcr
@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[n]))
                                  if n in KNOWN_GAPS else n for n in CASES])
def test_qwen_reads_the_corpus_table(name, tmp_path, vcr):
    case = CASES[name]
    d, table_text, bodies, answers = _extract_slice(case, name, tmp_path, vcr)
    # the schema reached the model, in the user message
    assert all(b["messages"][0]["role"] == "user" and '"rows":[{' in b["messages"][0]["content"]
               for b in bodies)
    table = next(t for t in d.tables if t.kind.value == case.kind)
    if case.token_budget < 1500:  # the table went out in parts, each marked
        assert sum(f"{table.title} (part " in json.dumps(b, ensure_ascii=False) for b in bodies) >= 2
    # every figure of every answer (re-asks included) is printed in the source table (the
    # model invented nothing), or the table is flagged
    lines = table_text.splitlines()
    printed = _figures_of_line(table_text)
    answered = [(r["name"], v) for a in answers for r in _answer_rows(a) for v in r.get("values", {}).values()
                if v and v.strip("-—－ ")]
    assert len(answered) >= 3
    answered = [(n, v.replace(",", "")) for n, v in answered]
    unprinted = [x for x in answered if x[1] not in printed]
    # the table as output (the model's rows, or the rules' where a chunk failed): a figure
    # not on the source line of its row is misplaced, and a misplaced figure never passes
    # silently: the document flags the table (a failed chunk or a failed check)
    given = [(row.name, a.raw.replace(",", "")) for row in table.rows for a in row.values.values()]
    misplaced = [(name, raw) for name, raw in given
                 if not any(name.replace(" ", "") in ln.replace(" ", "") and raw in _figures_of_line(ln)
                            for ln in lines)]
    if case.check_columns:  # the answer's figures under the headers they are printed under
        misplaced += [(r["name"], k, v) for a in answers for r in _answer_rows(a)
                      for k, v in r.get("values", {}).items() if v and v.strip("-—－ ")
                      and not _under_its_header(r["name"], k, v.replace(",", ""), lines)]
    flagged = [f for f in d.flags if (f.severity.value == "error" and f.table == table.title)
               or (f.check == CheckId.model_failed and table.title in f.message)]
    placed = [x for x in answered if any(x[0].replace(" ", "") in ln.replace(" ", "")
                                         and x[1] in _figures_of_line(ln) for ln in lines)]
    print(f"{name}: answers {len(placed)} of {len(answered)} figures on their row's line, "
          f"{len(unprinted)} not printed; output {d.extractor}, {len(flagged)} error flags, "
          f"{d.llm.calls} calls, {d.llm.prompt_tokens} + {d.llm.completion_tokens} tokens")
    assert not unprinted or flagged, unprinted
    assert not misplaced or flagged, misplaced


def _printed_numbers(text: str) -> set[str]:
    """Every number printed in ``text``, by value (thousands separators dropped)."""
    return {f.replace(",", "") for f in FIGURE.findall(text)}


@pytest.mark.vcr
def test_qwen_reads_an_indicator_table(tmp_path, vcr):
    """A 绩效目标表 (one project of Haidong's) goes to the indicator prompt; every figure of
    every indicator answered is printed in the source table."""
    d, table_text, bodies, answers = _extract_slice(INDICATOR_CASE, "indicators", tmp_path, vcr)
    assert all('"indicators":[{' in b["messages"][0]["content"] for b in bodies)
    answered = [i for a in answers for i in _answer_rows(a, "indicators")]
    assert len(answered) >= 3
    printed = _printed_numbers(table_text)
    numbers = [(i.get("name"), n) for i in answered for field in ("value", "weight")
               for n in _printed_numbers(str(i.get(field) or ""))]
    assert numbers
    assert all(n in printed for _, n in numbers), [x for x in numbers if x[1] not in printed]
    # what the output keeps came from the answers: every indicator's figure is printed
    assert d.indicators
    kept = [n for i in d.indicators for n in _printed_numbers(i.value or "")]
    assert all(n in printed for n in kept), kept
    named = [i for i in answered if str(i.get("name") or "").replace(" ", "") in
             re.sub(r"\s", "", table_text)]
    print(f"indicators: {len(answered)} answered, {len(named)} named as printed, {len(d.indicators)} "
          f"kept; {d.llm.calls} calls, {d.llm.prompt_tokens} + {d.llm.completion_tokens} tokens")


@pytest.mark.vcr
def test_qwen_reads_narrative_figures(tmp_path, vcr):
    """Two narrative sections (Shangyu: amounts, a share, changes with their direction):
    every figure answered is printed in the source text, and every change answered with a
    direction has the direction the text states."""
    d, text, bodies, answers = _extract_slice(NARRATIVE_CASE, "narrative", tmp_path, vcr, sections=True)
    assert all('"figures":[{' in b["messages"][0]["content"] for b in bodies)
    answered = [f for a in answers for f in _answer_rows(a, "figures")]
    assert answered
    printed = _printed_numbers(text)
    numbers = [(f.get("subject"), n) for f in answered for n in _printed_numbers(str(f.get("raw") or ""))]
    assert numbers and all(n in printed for _, n in numbers), [x for x in numbers if x[1] not in printed]
    # a change the text states as 减少/下降 is never answered as an increase
    decreases = {n for ln in text.splitlines() for n in _printed_numbers(ln)
                 if re.search(r"减少|下降", ln) and not re.search(r"增加|增长|上升", ln)}
    wrong_way = [f for f in answered if f.get("direction") == "increase"
                 and _printed_numbers(str(f.get("raw") or "")) & decreases]
    assert not wrong_way, wrong_way
    # the output's figures of these sections are printed in them
    assert d.figures and all(_printed_numbers(f.raw) <= printed for f in d.figures)
    print(f"narrative: {len(answered)} figures answered, {len(d.figures)} kept; {d.llm.calls} calls, "
          f"{d.llm.prompt_tokens} + {d.llm.completion_tokens} tokens")
