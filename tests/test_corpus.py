"""Every corpus document through the CLI, checked against figures read from the documents."""

from __future__ import annotations

import re
from decimal import Decimal

import pymupdf
import pytest

from tests.conftest import corpus_path
from tests.corpus_facts import DOCS


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _page_text(rel: str, page: int) -> str:
    p = corpus_path(rel)
    if p.suffix == ".pdf":
        with pymupdf.open(p) as d:
            return d[page - 1].get_text()
    return p.read_text(encoding="utf-8")


@pytest.mark.parametrize("rel", sorted(DOCS))
def test_metadata(cli_output, rel):
    doc, meta = DOCS[rel], cli_output(rel)["metadata"]
    assert meta["department"] == doc.department
    assert meta["year"] == doc.year
    assert meta["kind"] == doc.kind
    assert meta["level"] == doc.level
    assert meta["currency_unit"] == doc.unit


@pytest.mark.parametrize("rel", sorted(DOCS))
def test_standard_tables_found(cli_output, rel):
    out = cli_output(rel)
    found = {t["kind"] for t in out["tables"]}
    missing = DOCS[rel].tables - found
    assert not missing, f"{rel}: tables not found: {sorted(missing)}"
    # and what the report calls missing really is absent
    assert set(out["table_report"]["missing"]).isdisjoint(found)


FACTS = [(rel, *fact) for rel, d in sorted(DOCS.items()) for fact in d.cells]


@pytest.mark.parametrize(("rel", "kind", "key", "column", "printed", "page"), FACTS)
def test_cells(cli_output, rel, kind, key, column, printed, page):
    out = cli_output(rel)
    tables = [t for t in out["tables"] if t["kind"] == kind]
    assert tables, f"no {kind} table"
    rows = [r for t in tables for r in t["rows"]
            if r["code"] == key or (not key.isdigit() and _norm(r["name"]) == _norm(key))]
    assert rows, f"{kind}: no row {key}"
    got = [r["values"].get(column) for r in rows]
    hits = [a for a in got if a and a["raw"] == printed]
    assert hits, f"{kind} {key} {column}: expected {printed}, got {[a and a['raw'] for a in got]}"
    amount = hits[0]
    assert Decimal(amount["value"]) == Decimal(printed.replace(",", ""))
    assert amount["provenance"]["page"] == page
    # the printed figure is on the page it claims
    assert printed in _page_text(rel, page)


@pytest.mark.parametrize("rel", sorted(DOCS))
def test_totals_rows_carry_codes_of_right_length(cli_output, rel):
    for t in cli_output(rel)["tables"]:
        for r in t["rows"]:
            if r["code"] is not None:
                assert len(r["code"]) in (3, 5, 7), r
                assert r["level"] == {3: "类", 5: "款", 7: "项"}[len(r["code"])]


def test_putuo_codes_printed_in_three_columns_are_joined(cli_output):
    out = cli_output("pdf/shanghai-putuo-finance-2024-final-account.pdf")
    t = next(t for t in out["tables"] if t["kind"] == "general_budget_expenditure")
    codes = [r["code"] for r in t["rows"] if r["code"]]
    # page 15 prints 201 | 06 | 01 行政运行 and 221 | 02 | 03 购房补贴
    assert "2010601" in codes and "2210203" in codes and "20106" in codes
    row = next(r for r in t["rows"] if r["code"] == "2010601")
    assert row["name"] == "行政运行"


def test_continuation_pages_are_joined(cli_output):
    out = cli_output("pdf/shanghai-putuo-finance-2024-final-account.pdf")
    t = next(t for t in out["tables"] if t["kind"] == "income_expenditure_summary")
    assert t["pages"] == [6, 7]
    names = {_norm(r["name"]) for r in t["rows"]}
    assert {"本年收入合计", "年初结转和结余", "总计"} <= names
    # Foshan repeats the title, header and 合计 row on each page: one table, one 合计
    out = cli_output("pdf/foshan-rail-transit-2019-final-account.pdf")
    inc = [t for t in out["tables"] if t["kind"] == "income_summary"]
    assert len(inc) == 1 and inc[0]["pages"] == [8, 9]
    assert sum(1 for r in inc[0]["rows"] if r["is_total"]) == 1


def test_one_title_two_tables(cli_output):
    # Shangyu prints 项目支出预算表 twice, each with its own 合计 38491.00
    out = cli_output("text/shaoxing-shangyu-hrss-2024-budget.txt")
    parts = [t for t in out["tables"] if t["kind"] == "project_expenditure"]
    assert [t["part"] for t in parts] == [1, 2]
    for t in parts:
        total = next(r for r in t["rows"] if r["is_total"])
        assert total["values"]["total"]["raw"] == "38491.00"


def test_empty_tables_and_their_notes(cli_output):
    out = cli_output("text/shaoxing-shangyu-hrss-2024-budget.txt")
    gf = next(t for t in out["tables"] if t["kind"] == "government_fund")
    assert gf["empty"] and "故本表无数据" in gf["empty_note"]
    out = cli_output("pdf/shenzhen-petitions-2026-budget.pdf")
    sc = next(t for t in out["tables"] if t["kind"] == "state_capital")
    assert sc["empty"] and sc["empty_note"] == "注：本表本年无发生额。"
    assert "state_capital" in out["table_report"]["empty"]


def test_missing_tables_are_reported(cli_output):
    out = cli_output("text/hangzhou-xihu-hrss-2024-budget.txt")  # its tables were images
    assert "income_expenditure_summary" in out["table_report"]["missing"]
    out = cli_output("pdf/foshan-rail-transit-2019-final-account.pdf")
    assert out["table_report"]["missing"] == ["state_capital"]


def test_amounts_in_yuan(cli_output):
    out = cli_output("pdf/shanghai-marine-monitoring-2026-unit-budget.pdf")
    t = next(t for t in out["tables"] if t["kind"] == "expenditure_summary")
    assert t["unit"] == "元" and t["unit_stated"]
    total = next(r for r in t["rows"] if r["is_total"])
    assert total["values"]["total"]["unit"] == "元"
    assert Decimal(total["values"]["total"]["value"]) == Decimal("180366183")


def test_text_spans_point_at_the_source(cli_output):
    rel = "text/shaoxing-shangyu-hrss-2024-budget.txt"
    text = corpus_path(rel).read_text(encoding="utf-8")
    out = cli_output(rel)
    checked = 0
    for t in out["tables"]:
        for r in t["rows"]:
            for a in r["values"].values():
                s, e = a["provenance"]["span"]
                assert text[s:e] == a["raw"]
                checked += 1
    assert checked > 100
    for f in out["figures"]:
        s, e = f["provenance"]["span"]
        assert _norm(text[s:e]) == _norm(f["raw"])


def test_pdf_boxes_hold_the_figure(cli_output):
    rel = "pdf/shanghai-putuo-finance-2024-final-account.pdf"
    out = cli_output(rel)
    with pymupdf.open(corpus_path(rel)) as d:
        for t in out["tables"][:4]:
            for r in t["rows"]:
                for a in r["values"].values():
                    pg = d[a["provenance"]["page"] - 1]
                    x0, y0, x1, y1 = a["provenance"]["bbox"]
                    clip = pymupdf.Rect(x0 - 1, y0 - 1, x1 + 1, y1 + 1)
                    assert a["raw"] in pg.get_text(clip=clip).replace("\n", "")
