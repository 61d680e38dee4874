"""Analyst-ready batch tables, checked against what the documents print (read here with
pymupdf, never from the pipeline's own output): amounts in 元, the 三公 totals the narrative
states, project lists summing to the 合计 their table prints, one document per content."""

from __future__ import annotations

import csv
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pymupdf
import pytest

from pipeline.batch import Batch, Settings
from pipeline.numbers import parse_amount
from pipeline.vocabulary import UNIT_SCALE
from tests.conftest import ROOT, corpus_path

# a few documents of different layouts, kept small for CI time
PDFS = ["hangzhou-justice-2026-budget.pdf",      # 三公 by unit with a 合计 row; projects twice
        "guangzhou-petitions-2026-budget.pdf",   # 三公 as a vertical list
        "shenzhen-petitions-2026-budget.pdf",    # 三公 with years as rows, split by fund
        "xian-audit-2026-budget.pdf",            # amounts in 元; 三公 with 会议费/培训费
        "yantai-civil-affairs-2026-budget.pdf"]  # projects in a project and a performance table
TEXT = "text/shaoxing-shangyu-hrss-2024-budget.txt"
COPY = "same-content-as-guangzhou.pdf"


def pdf_text(name: str) -> list[str]:
    with pymupdf.open(corpus_path(f"pdf/{name}")) as doc:
        return [page.get_text() for page in doc]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tidy")
    copy = tmp / COPY  # the same bytes under another name, outside the repository
    shutil.copyfile(corpus_path(f"pdf/{PDFS[1]}"), copy)
    inputs = [str(corpus_path(f"pdf/{n}")) for n in PDFS] + [str(corpus_path(TEXT)), str(copy)]
    out = tmp / "out"
    summary = Batch(out, Settings(), workers=2, quiet=True, formats=("xlsx", "jsonl")).run(inputs)
    return out, summary


def rows(out: Path, name: str) -> list[dict]:
    with open(out / "tables" / f"{name}.csv", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def doc_ids(out: Path) -> dict[str, str]:
    return {Path(d["source"]).name: d["doc_id"] for d in rows(out, "documents")}


def stated_unit(pages: list[str], page: int) -> str:
    """The unit line (单位：万元 / 单位：元) on the page or the closest page before it."""
    for p in range(page, 0, -1):
        m = re.search(r"单位[:：]\s*(亿元|万元|元)|[（(](亿元|万元|元)[)）]", pages[p - 1])
        if m:
            return m.group(1) or m.group(2)
    raise AssertionError(f"no unit line on or before page {page}")


def test_same_content_under_two_names_is_processed_once(batch):
    out, summary = batch
    assert summary["documents"] == 7 and summary["same_content"] == 1
    docs = rows(out, "documents")
    assert len(docs) == 6 and len({d["doc_id"] for d in docs}) == 6
    guangzhou = next(d for d in docs if d["source"].endswith(PDFS[1]))
    assert guangzhou["same_content_as"].endswith(COPY)


def test_every_pdf_amount_in_yuan_matches_its_page(batch):
    """value_yuan = the printed figure × the unit the page states; the figure is on the page
    (the standard tables; lists in the narrative state their unit in the prose)."""
    out, _ = batch
    ids = doc_ids(out)
    amounts = rows(out, "amounts")
    checked = 0
    for name in PDFS:
        pages = pdf_text(name)
        mine = [a for a in amounts if a["doc_id"] == ids[name] and a["value_yuan"]
                and a["table_kind"] != "other"]
        assert mine, name
        for a in mine:
            page = int(a["value_page"])
            assert flat(a["raw"]) in flat(pages[page - 1]), (name, a)
            expected = parse_amount(a["raw"]) * UNIT_SCALE[stated_unit(pages, page)]
            assert Decimal(a["value_yuan"]) == expected, (name, a)
            checked += 1
    assert checked > 1000
    # both units occur, so the column really converts: Xi'an prints 元, the others 万元
    units = {a["unit"] for a in amounts if a["doc_id"] in {ids[PDFS[3]], ids[PDFS[0]]}}
    assert units == {"元", "万元"}


def test_summary_tables_have_their_own_files(batch):
    out, _ = batch
    ids = doc_ids(out)
    for kind, words in (("income_expenditure_summary", "本年收入合计"),
                        ("fiscal_summary", "一般公共预算")):
        data = rows(out, kind)
        assert {r["table_kind"] for r in data} == {kind}
        assert {r["doc_id"] for r in data} >= {ids[n] for n in PDFS}, kind
        assert pq.read_table(out / "tables" / f"{kind}.parquet").num_rows == len(data)
        assert any(words in r["name"] for r in data), kind
    # the Parquet amounts are exact decimals, not strings or floats
    field = pq.read_schema(out / "tables" / "amounts.parquet").field("value_yuan")
    assert str(field.type).startswith("decimal128")


# '“三公”经费预算数为413.68万元', '…安排“三公”经费4.8万元', '“三公”经费预算共24.62万元'
NARRATIVE_TOTAL = re.compile(r"“三公”经费(?:预算)?(?:数|支出)?(?:为|共)?(\d[\d,]*(?:\.\d+)?)万元")


def test_three_public_total_is_the_one_the_narrative_states(batch):
    out, _ = batch
    ids = doc_ids(out)
    summary = [r for r in rows(out, "three_public_summary") if r["is_current"] == "True"]
    for name in PDFS:
        text = flat("".join(pdf_text(name)))
        stated = parse_amount(NARRATIVE_TOTAL.search(text).group(1)) * UNIT_SCALE["万元"]
        mine = [r for r in summary if r["doc_id"] == ids[name]]
        assert len(mine) == 1, (name, mine)
        assert Decimal(mine[0]["total"]) == stated, name
        parts = [Decimal(mine[0][k] or 0) for k in ("abroad", "vehicle_total", "reception")]
        assert sum(parts) == stated, name  # the fixed columns add up to it


def test_three_public_keeps_the_year_columns_and_meetings(batch):
    out, _ = batch
    ids = doc_ids(out)
    xian = [r for r in rows(out, "three_public_summary") if r["doc_id"] == ids[PDFS[3]]]
    pages = pdf_text(PDFS[3])
    page = flat(pages[int(xian[0]["page"]) - 1])
    assert "会议费" in page and "培训费" in page
    current = next(r for r in xian if r["is_current"] == "True")
    # the printed 会议费 and 培训费 of this year (元) are on the table's page
    for key in ("meetings", "training"):
        assert format(Decimal(current[key]), ",.2f") in page, key
    assert any(r["is_current"] == "False" and r["year_column"] == "上年" for r in xian)


PRINTED_ROUNDING = Decimal("0.01") * UNIT_SCALE["万元"]


def project_total(name: str) -> Decimal:
    """The 合计 printed at the head of the document's project table (项目支出预算表)."""
    for page in pdf_text(name):
        m = re.search(r"^合计\s*\n\s*(\d[\d,]*\.\d+)\s*$", page, re.M)
        if re.search(r"项目支出预算(情况)?表", page) and m:
            assert stated_unit([page], 1) == "万元"
            return parse_amount(m.group(1)) * UNIT_SCALE["万元"]
    raise AssertionError(name)


def test_projects_listed_twice_are_kept_once_and_sum_to_the_printed_total(batch):
    out, _ = batch
    ids = doc_ids(out)
    projects = rows(out, "projects")
    for name in (PDFS[0], PDFS[4]):
        mine = [p for p in projects if p["doc_id"] == ids[name]]
        in_table = [p for p in mine if "project_expenditure" in p["sources"]]
        # within the document's own rounding: Hangzhou's 31 lines add up to 0.01 万元 more
        # than the 合计 it prints; a project counted twice would be hundreds of 万元 off
        difference = sum(Decimal(p["value_yuan"]) for p in in_table) - project_total(name)
        assert abs(difference) <= PRINTED_ROUNDING, (name, difference)
        twice = [p for p in mine if "performance_targets" in p["sources"] and
                 "project_expenditure" in p["sources"]]
        assert len(twice) >= len(in_table) - 1, name  # nearly all are in both tables
        pages = pdf_text(name)
        for p in twice:  # both listings really print the project and its amount
            for source in p["sources"].split(";"):
                page = flat(pages[int(source.rsplit("p.", 1)[1]) - 1])
                assert flat(p["name"]) in page and flat(p["raw"]) in page, (p, source)


def test_total_lines_are_never_projects(batch):
    out, _ = batch
    projects = rows(out, "projects")
    for p in projects:
        assert not re.search(r"合计|总计", p["name"] + (p["unit_name"] or "")), p
        assert parse_amount(p["name"]) is None, p
    # Xi'an's performance table prints a 金额合计 line that was read as a project before
    assert "金额合计" in flat(pdf_text(PDFS[3])[41])


def test_excel_and_jsonl(batch):
    from openpyxl import load_workbook

    out, _ = batch
    wb = load_workbook(out / "tables" / "tables.xlsx", read_only=True)
    for name in ("documents", "amounts", "three_public_summary", "projects", "flags"):
        assert sum(1 for _ in wb[name].iter_rows()) == len(rows(out, name)) + 1, name
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [json.loads(x) for x in lines]
    assert sorted(d["doc_id"] for d in docs) == sorted(doc_ids(out).values())
    assert all(d["metadata"]["department"] for d in docs)


# ---- the README's analyst snippets, run on the batch above ------------------------------

def readme_snippet(name: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"<!-- snippet: {name} -->\s*```\w+\n(.*?)```", text, re.S)
    assert m, f"README has no '{name}' snippet"
    return m.group(1)


def departments(out: Path) -> dict[str, str]:
    """Document name -> department, each department name checked to be printed in its PDF."""
    named = {Path(d["source"]).name: d["department"] for d in rows(out, "documents")}
    for name in PDFS:
        assert flat(named[name]) in flat("".join(pdf_text(name)[:3])), name
    return named


def check_three_public(out: Path, per_department: dict[str, Decimal]) -> None:
    """Question 1: each PDF's answer is the 三公 total its narrative states."""
    named = departments(out)
    for name in PDFS:
        stated = parse_amount(NARRATIVE_TOTAL.search(flat("".join(pdf_text(name)))).group(1))
        assert per_department[named[name]] == stated * UNIT_SCALE["万元"], name


def check_largest(out: Path, largest: list[dict]) -> None:
    """Question 2: ten distinct projects, largest first, each printed with its amount on its
    pages; Hangzhou's 狱政设施建设 (printed in two tables) counted once."""
    assert len(largest) == 10
    for p in largest:  # pandas gives NaN where DuckDB gives None
        p["unit_name"] = p["unit_name"] if isinstance(p["unit_name"], str) else None
    values = [Decimal(str(p["value_yuan"])) for p in largest]
    assert values == sorted(values, reverse=True)
    keys = [(p["department"], p["unit_name"], p["name"], p["value_yuan"]) for p in largest]
    assert len(set(keys)) == 10
    named = departments(out)
    by_department = {v: k for k, v in named.items()}
    text_doc = Path(TEXT).name
    for p, value in zip(largest, values, strict=True):
        assert not re.search(r"合计|总计", p["name"] + (p["unit_name"] or "")), p
        assert parse_amount(p["name"]) is None, p
        doc = by_department[p["department"]]
        if doc == text_doc:
            texts = [corpus_path(TEXT).read_text(encoding="utf-8")]
            unit = stated_unit(texts, 1)
        else:
            pages = pdf_text(doc)
            listed_on = [int(s.rsplit("p.", 1)[1]) for s in p["sources"].split(";")]
            texts = [pages[n - 1] for n in listed_on]
            unit = stated_unit(pages, listed_on[0])
        for text in texts:
            assert flat(p["name"]) in flat(text) and flat(p["raw"]) in flat(text), p
        assert value == parse_amount(p["raw"]) * UNIT_SCALE[unit], p
    hangzhou = pdf_text(PDFS[0])
    assert sum(1 for page in hangzhou if "狱政设施建设" in page and "12,898.00" in page) == 2
    assert sum(1 for p in largest if p["name"] == "狱政设施建设"
               and Decimal(str(p["value_yuan"])) == Decimal("12898.00") * UNIT_SCALE["万元"]) == 1


def yantai_prints_an_inconsistent_row(page: int) -> bool:
    """Yantai's 差旅费 row on the flagged page prints 合计 = 财政拨款小计 4.50 but its only
    fund, 一般公共预算, as 5.50 (read from the page's words)."""
    with pymupdf.open(corpus_path(f"pdf/{PDFS[4]}")) as doc:
        words = doc[page - 1].get_text("words")
    label = next(w for w in words if w[4] == "差旅费")
    middle = (label[1] + label[3]) / 2
    line = [w[4] for w in sorted(words, key=lambda w: w[0]) if abs((w[1] + w[3]) / 2 - middle) < 3]
    return line[-3:] == ["4.50", "4.50", "5.50"]


def check_errors(errors: list[dict]) -> None:
    """Question 3: the documents with error flags are the two whose printed figures disagree,
    each for that reason."""
    by_doc: dict[str, list[dict]] = {}
    for e in errors:
        by_doc.setdefault(Path(e["source"]).name, []).append(e)
    assert set(by_doc) == {PDFS[4], Path(TEXT).name}
    yantai = by_doc[PDFS[4]]
    assert [e["check"] for e in yantai] == ["row_sum"] and "30211" in yantai[0]["message"]
    assert yantai_prints_an_inconsistent_row(int(yantai[0]["pages"]))
    text = flat(corpus_path(TEXT).read_text(encoding="utf-8"))
    assert "行政单位医疗（项）事务211.30万元" in text and "2101101行政单位医疗77.64" in text
    shangyu = by_doc[Path(TEXT).name]
    assert [e["check"] for e in shangyu] == ["narrative_amount"]
    assert "211.30" in shangyu[0]["message"] and "77.64" in shangyu[0]["message"]


def test_readme_pandas_snippet_answers_the_three_questions(batch, monkeypatch):
    out, _ = batch
    monkeypatch.chdir(out.parent)
    ns: dict = {}
    exec(readme_snippet("pandas"), ns)
    per_department = {dept: total for (dept, _, _), total in ns["three_public"].items()}
    assert all(isinstance(v, Decimal) for v in per_department.values())  # exact, not float
    check_three_public(out, per_department)
    check_largest(out, ns["largest"].to_dict("records"))
    check_errors(ns["errors"].to_dict("records"))


def test_readme_duckdb_snippet_answers_the_three_questions(batch, monkeypatch):
    import duckdb

    out, _ = batch
    monkeypatch.chdir(out.parent)
    queries = [q for q in readme_snippet("duckdb").split(";") if q.strip()]
    assert len(queries) == 3
    con = duckdb.connect()
    q1, q2, q3 = ([dict(zip([c[0] for c in r.description], row, strict=True)) for row in r.fetchall()]
                  for r in (con.execute(q) for q in queries))
    check_three_public(out, {r["department"]: r["three_public_yuan"] for r in q1})
    check_largest(out, q2)
    check_errors(q3)


def test_a_performance_sheet_in_wan_beside_a_project_table_in_yuan(batch):
    """Xi'an prints its project table in 元 (p.32) and each project's performance sheet with
    资金金额 (万元) (p.37): one project, one amount in 元."""
    out, _ = batch
    pages = pdf_text(PDFS[3])
    assert stated_unit(pages, 32) == "元" and "3,500,000.00" in pages[31]
    sheet = flat(pages[36])
    assert "购买中介机构审计服务" in sheet and "资金金额(万元)" in sheet and "350.00" in sheet
    ids = doc_ids(out)
    mine = [p for p in rows(out, "projects")
            if p["doc_id"] == ids[PDFS[3]] and p["name"] == "购买中介机构审计服务"]
    assert len(mine) == 1, mine
    assert Decimal(mine[0]["value_yuan"]) == Decimal("3500000")
    assert mine[0]["sources"] == "project_expenditure p.32;performance_targets p.37"


@pytest.mark.parametrize(("name", "unit_name", "project"), [
    # names as printed in corpus and development-set project lists
    ("困难群众救助补助资金（本级）", None, True),   # Yantai: a project of the bureau itself
    ("科技发展专项资金市科技局", None, True),       # a fund with its unit appended
    ("市级精神障碍社区康复服务技术指导中心建设项目", None, True),
    ("广州市土地开发中心", None, False),            # a unit's subtotal line
    ("深圳市科技创新局（本级）", None, False),
    ("深圳市深圳河湾流域管理中心（深圳市治理深圳河办公室）", None, False),
    ("年度金额：", None, False),                    # labels of a performance sheet
    ("市级财政资金", None, False),
    ("专用项目", None, False),                      # a group's subtotal
    ("4005.29", "金额合计", False),                 # Xi'an: a shifted 金额合计 line
    ("合计", None, False),
])
def test_what_is_not_a_project(name, unit_name, project):
    from pipeline.export.analyst import is_total_line
    from schemas.indicators import Project
    from schemas.provenance import Provenance

    p = Project(name=name, unit_name=unit_name, provenance=Provenance(page=1, source=name))
    assert is_total_line(p, "西安市审计局") is not project
