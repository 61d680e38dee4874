"""The checks on the real corpus: the anomalies the documents contain are flagged where they
are, and consistent documents raise no error. Every expected anomaly below was confirmed by
reading the document."""

from __future__ import annotations

import pytest

from schemas.flags import CheckId
from tests.corpus_facts import DOCS

# (document, check id, words in the message, pages every location must be among)
ANOMALIES = [
    # shared/docs: narrative (11) 行政单位医疗 211.30 is the 款 total; the 项 is 77.64
    ("text/shaoxing-shangyu-hrss-2024-budget.txt", CheckId.narrative_amount, "211.30", {1}),
    # shared/docs: 2080199 printed twice in 支出总表, so 20801's children overshoot 1,410.74
    ("text/haidong-hrss-2024-budget.txt", CheckId.duplicate_code, "2080199", {1}),
    ("text/haidong-hrss-2024-budget.txt", CheckId.hierarchy, "20801", {1}),
    # issue 3: the Putuo notes give 财政拨款收入支出总计 as 0.3 万元, the table 2,961.68 (p.13)
    ("pdf/shanghai-putuo-finance-2024-final-account.pdf", CheckId.narrative_total, "0.3万元", {13, 21}),
    # p.21: 2106.66 / 2940.05 = 71.65%, printed 71.73% (the other three shares fit 2940.05)
    ("pdf/shanghai-putuo-finance-2024-final-account.pdf", CheckId.narrative_share, "71.73%", {21}),
    # p.10 and p.12: 20402 公安 7,927.40 but 2040201 6,556.70 + 2040299 1,051.46 = 7,608.16
    ("pdf/fuzhou-police-patrol-2026-unit-budget.pdf", CheckId.hierarchy, "20402", {10}),
    ("pdf/fuzhou-police-patrol-2026-unit-budget.pdf", CheckId.hierarchy, "20402", {12}),
    # p.24: 30211 差旅费 财政拨款小计 4.50 but 一般公共预算 5.50
    ("pdf/yantai-civil-affairs-2026-budget.pdf", CheckId.row_sum, "30211", {24}),
    # 810.40 / (17509.54 + 810.40) = 4.4%, printed 4.9% (4.9% is 810.40 / 16632.90)
    ("text/jiaxing-hrss-2024-budget.txt", CheckId.narrative_change, "4.9%", {1}),
    # 13.00 increase on 30.00 is 76.47% of 17.00, printed 130.76%
    ("text/haidong-hrss-2024-budget.txt", CheckId.narrative_change, "130.76%", {1}),
]

# documents read through without finding an inconsistency in their figures
CONSISTENT = [
    "pdf/guangzhou-petitions-2026-budget.pdf", "pdf/shenzhen-petitions-2026-budget.pdf",
    "pdf/hangzhou-justice-2026-budget.pdf", "pdf/southwest-university-2024-budget.pdf",
    "pdf/beijing-audit-2026-budget-tables.pdf", "pdf/jiangsu-npc-office-2019-budget-tables.pdf",
    "pdf/shanghai-marine-monitoring-2026-unit-budget.pdf",
    "pdf/shanghai-final-account-template.pdf", "pdf/foshan-rail-transit-2019-final-account.pdf",
    "pdf/xian-audit-2026-budget.pdf", "text/hangzhou-xihu-hrss-2024-budget.txt",
]


@pytest.mark.parametrize(("rel", "check", "words", "pages"), ANOMALIES)
def test_real_anomalies_are_flagged(cli_output, rel, check, words, pages):
    flags = [f for f in cli_output(rel)["flags"]
             if f["check"] == check and words in f["message"] and f["severity"] == "error"]
    assert flags, f"{rel}: no {check} error mentioning {words}"
    assert any({loc["page"] for loc in f["locations"]} <= pages | {1} and
               {loc["page"] for loc in f["locations"]} & pages for f in flags)


@pytest.mark.parametrize("rel", CONSISTENT)
def test_consistent_documents_raise_no_error(cli_output, rel):
    errors = [f for f in cli_output(rel)["flags"] if f["severity"] == "error"]
    assert not errors, errors


def test_error_count_on_the_whole_corpus_stays_small(cli_output):
    errors = {rel: [f for f in cli_output(rel)["flags"] if f["severity"] == "error"]
              for rel in DOCS}
    total = sum(len(v) for v in errors.values())
    flagged_docs = {rel for rel, v in errors.items() if v}
    expected_docs = {a[0] for a in ANOMALIES}
    assert flagged_docs == expected_docs, flagged_docs ^ expected_docs
    assert total <= 25, total  # the 10 anomalies above and the narrative_change run in Haidong


@pytest.mark.parametrize("rel", sorted(DOCS))
def test_checks_summary(cli_output, rel):
    c = cli_output(rel)["checks"]
    assert c["ran"] > 50 and c["ran"] == c["passed"] + c["failed"]
    assert sum(v["ran"] for v in c["by_check"].values()) == c["ran"]
    assert c["by_check"]["grounding"]["failed"] == 0  # the rules extractor invents nothing
    fails = sum(1 for f in cli_output(rel)["flags"] if f["severity"] != "info")
    assert fails == c["failed"]
