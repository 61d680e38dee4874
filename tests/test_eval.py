"""The eval harness: gold files, scoring, reports, the guard on the corpus.

The guard runs the rules extractor over every corpus document that has gold in
eval/gold and fails when a score drops below eval/thresholds.json. The gold was read
from the documents (see eval/README.md), so these scores measure the extractor against
the documents, not against its own earlier output.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import GoldError
from pipeline.evaluate import check_thresholds, compare, load_gold, load_gold_dir, regressed, run_eval
from pipeline.evaluate.draft import draft_gold
from pipeline.evaluate.score import score_document
from pipeline.run import extract_document
from schemas.flags import CheckId
from schemas.gold import GoldDocument
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "gold"
THRESHOLDS = ROOT / "eval" / "thresholds.json"


@pytest.fixture(scope="session")
def corpus_report() -> dict:
    return run_eval(GOLD, [CORPUS], extractor="rules")


def test_every_corpus_document_has_reviewed_gold():
    docs = sorted(p.name for d in ("pdf", "text") for p in (CORPUS / d).iterdir()
                  if p.suffix in (".pdf", ".txt"))
    golds = {g.source: g for _, g in load_gold_dir(GOLD)}
    assert set(docs) <= set(golds)
    assert all(g.reviewed for g in golds.values())
    full = {n for n, g in golds.items() if g.coverage == "full"}
    assert full == {  # the issue's full-gold set: the four texts and four PDFs
        "hangzhou-xihu-hrss-2024-budget.txt", "shaoxing-shangyu-hrss-2024-budget.txt",
        "jiaxing-hrss-2024-budget.txt", "haidong-hrss-2024-budget.txt",
        "shanghai-putuo-finance-2024-final-account.pdf", "shenzhen-petitions-2026-budget.pdf",
        "yantai-civil-affairs-2026-budget.pdf", "beijing-audit-2026-budget-tables.pdf"}


@pytest.mark.parametrize("gold_dir", ["gold", "gold-realworld"])
def test_every_gold_file_states_its_provenance(gold_dir):
    golds = load_gold_dir(ROOT / "eval" / gold_dir)
    assert golds
    for path, g in golds:
        # read by a person, and says so: never drafted from the extractor's own output
        assert g.provenance and "Drafted by" not in g.provenance, path
        assert "not from this project's output" in g.provenance or "extractor was not run" in g.provenance


def test_gold_is_self_consistent_with_the_documents():
    """Spot checks of the gold against figures read independently (tests/corpus_facts.py)."""
    from tests.corpus_facts import DOCS

    for rel, doc in DOCS.items():
        gold = load_gold(GOLD / (Path(rel).name + ".gold.json"))
        assert gold.metadata.year == doc.year and gold.metadata.kind.value == doc.kind, rel
        assert gold.metadata.level == doc.level, rel
        for kind, key, column, raw, _page in doc.cells:
            rows = [(t, r) for t in gold.tables if t.kind.value == kind for r in t.rows]
            hits = [r[t.columns.index(column)] for t, r in rows if column in t.columns and (
                ("code" in t.columns and r[t.columns.index("code")] == key)
                or ("name" in t.columns and r[t.columns.index("name")].replace(" ", "") == key))]
            if hits:  # key-figure gold lists only some rows
                assert raw in hits, f"{rel}: {kind} {key} {column}: gold {hits}, document {raw}"


def test_guard_scores_meet_the_thresholds(corpus_report):
    thresholds = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    fails = check_thresholds(corpus_report, thresholds)
    assert not fails, "scores below eval/thresholds.json:\n" + "\n".join(fails)


def test_issue_targets(corpus_report):
    o = corpus_report["overall"]
    assert o["cell_f1"] >= 0.995
    assert o["flag_recall"] == 1.0, "every annotated anomaly must be flagged"
    assert o["counts"]["anomalies"]["annotated"] >= 16


def test_every_miss_says_what_where(corpus_report):
    for name, d in corpus_report["documents"].items():
        for m in d["misses"]:
            assert m["area"] and m["what"], name
            assert m["expected"] is not None or m["found"] is not None, (name, m)


def _shangyu() -> tuple[GoldDocument, object]:
    path = CORPUS / "text" / "shaoxing-shangyu-hrss-2024-budget.txt"
    gold = load_gold(GOLD / "shaoxing-shangyu-hrss-2024-budget.txt.gold.json")
    return gold, extract_document(path, check=True)


def test_a_corrupted_cell_is_a_false_negative_and_a_false_positive():
    gold, d = _shangyu()
    clean = score_document(gold, d)
    row = next(r for t in d.tables if t.kind.value == "general_budget_expenditure"
               for r in t.rows if r.code == "2080101")
    row.values[next(iter(row.values))].value += Decimal("1")
    hurt = score_document(gold, d)
    assert hurt.cells.fn == clean.cells.fn + 1 and hurt.cells.fp == clean.cells.fp + 1
    miss = next(m for m in hurt.misses if "2080101" in m.what)
    assert miss.expected == "782.3 万元" and miss.found == "783.3 万元" and miss.page == 1


def test_a_dropped_flag_is_a_missed_anomaly_and_an_extra_flag_costs_precision():
    gold, d = _shangyu()
    assert score_document(gold, d).flag_recall == 1.0
    flags = list(d.flags)
    d.flags = [f for f in flags if f.check != CheckId.narrative_amount]
    s = score_document(gold, d)
    assert s.flag_recall == 0.0 and any(m.area == "anomaly" for m in s.misses)
    bogus = flags[0].model_copy(update={"check": CheckId.hierarchy})
    d.flags = [*flags, bogus]
    assert score_document(gold, d).flag_precision == 0.5


def test_a_missing_table_loses_its_cells():
    gold, d = _shangyu()
    d.tables = [t for t in d.tables if t.kind.value != "basic_expenditure"]
    s = score_document(gold, d)
    assert s.cells_by_kind["basic_expenditure"].tp == 0
    assert any(m.area == "table" and "basic_expenditure" in m.what for m in s.misses)


def test_baseline_comparison_shows_regressions():
    gold, d = _shangyu()
    from pipeline.evaluate.report import build_report

    before = build_report([score_document(gold, d)], "rules", "g")
    d.figures = d.figures[:-5]
    after = build_report([score_document(gold, d)], "rules", "g")
    cmp = compare(after, before)
    assert regressed(cmp)
    assert cmp["overall"]["figure_f1"]["change"] < 0
    assert len(cmp["documents"][gold.source]["new_misses"]) == 5


def test_draft_is_unreviewed_and_refused(tmp_path):
    _gold, d = _shangyu()
    draft = draft_gold(d)
    assert not draft.reviewed and "DRAFT" in draft.method
    assert draft.provenance and draft.provenance.startswith("Drafted by")
    (tmp_path / "x.gold.json").write_text(draft.model_dump_json(), encoding="utf-8")
    with pytest.raises(GoldError, match="unreviewed"):
        load_gold_dir(tmp_path)


def test_gold_format_errors_name_the_file_and_field(tmp_path):
    data = json.loads((GOLD / "shaoxing-shangyu-hrss-2024-budget.txt.gold.json").read_text("utf-8"))
    data["tables"][0]["columns"][2] = "personnel"  # not a column of a summary table
    bad = tmp_path / "bad.gold.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(GoldError) as e:
        load_gold(bad)
    assert "bad.gold.json" in e.value.one_line() and "personnel" in e.value.one_line()


def test_cli_eval_writes_reports_and_checks_thresholds(tmp_path, capsys):
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(GOLD / "shaoxing-shangyu-hrss-2024-budget.txt.gold.json", gold)
    out = tmp_path / "rep"
    per_doc = tmp_path / "per_doc.json"  # the repository's thresholds, this document's part
    th = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    per_doc.write_text(json.dumps({"documents": th["documents"]}), encoding="utf-8")
    rc = main(["eval", "--gold", str(gold), "--docs", str(CORPUS), "--out", str(out),
               "--thresholds", str(per_doc)])
    printed = capsys.readouterr().out
    assert rc == 0 and "table cells F1" in printed
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["documents"]["shaoxing-shangyu-hrss-2024-budget.txt"]["cell_f1"] == 1.0
    assert "## Misses" in (out / "report.md").read_text(encoding="utf-8")
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps({"overall": {"project_f1": 1.01}}), encoding="utf-8")
    assert main(["eval", "--gold", str(gold), "--docs", str(CORPUS), "--out", str(out),
                 "--thresholds", str(strict)]) == 1
    base = out / "report.json"
    assert main(["eval", "--gold", str(gold), "--docs", str(CORPUS), "--out", str(tmp_path / "r2"),
                 "--baseline", str(base), "--fail-on-regression"]) == 0
    assert "No change." in (tmp_path / "r2" / "report.md").read_text(encoding="utf-8")


def test_cli_eval_errors_are_one_line(tmp_path, capsys):
    assert main(["eval", "--gold", str(tmp_path / "nope")]) == 2
    assert "gold directory not found" in capsys.readouterr().err
    (tmp_path / "g").mkdir()
    g = json.loads((GOLD / "shaoxing-shangyu-hrss-2024-budget.txt.gold.json").read_text("utf-8"))
    g["source"] = "missing.txt"
    (tmp_path / "g" / "m.gold.json").write_text(json.dumps(g, ensure_ascii=False), "utf-8")
    assert main(["eval", "--gold", str(tmp_path / "g"), "--docs", str(tmp_path)]) == 2
    assert "pass --docs DIR" in capsys.readouterr().err


def test_cli_eval_draft(tmp_path, capsys):
    src = CORPUS / "text" / "shaoxing-shangyu-hrss-2024-budget.txt"
    out = tmp_path / "d.gold.json"
    assert main(["eval", "draft", str(src), "-o", str(out)]) == 0
    assert load_gold(out).reviewed is False
    assert main(["eval", "draft", str(src), "-o", str(out)]) == 2  # never overwrites
    assert "exists" in capsys.readouterr().err


def test_the_harness_scores_the_model_path(tmp_path):
    """`--extractor llm` goes through the same scoring; here with a scripted fake model (no
    model: it answers every chunk with nothing), so the scores must collapse."""
    from pipeline.llm.config import LLMConfig
    from tests.fake_model import ScriptedFakeModel

    shutil.copy(GOLD / "shaoxing-shangyu-hrss-2024-budget.txt.gold.json", tmp_path)
    cfg = LLMConfig(model="fake", base_url="http://fake", cache_dir=None)
    rep = run_eval(tmp_path, [CORPUS], extractor="llm",
                   extract_kwargs={"llm": cfg, "client": ScriptedFakeModel({})})
    d = rep["documents"]["shaoxing-shangyu-hrss-2024-budget.txt"]
    assert rep["extractor"] == "llm"
    assert d["cell_recall"] < 0.1 and d["flag_recall"] == 0.0
