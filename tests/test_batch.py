"""Batch runs: isolation of bad files, resumption after a real kill -9, and the combined
tables' content checked against figures read from the corpus documents."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.batch import Batch, Settings
from tests.conftest import CORPUS, ROOT
from tests.corpus_facts import DOCS
from tests.synth import corpus_variants
from tests.test_cli import _encrypted_pdf, _no_text_pdf, _pdf_with_text


@pytest.fixture(scope="module")
def corpus_batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch")
    summary = Batch(out, Settings(), workers=2, quiet=True).run(
        [str(CORPUS / "pdf"), str(CORPUS / "text")])
    return out, summary


def _csv(out: Path, name: str) -> list[dict]:
    with open(out / "tables" / f"{name}.csv", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_every_corpus_document_in_the_tables(corpus_batch):
    out, summary = corpus_batch
    assert summary["documents"] == 17 and summary["outcomes"].get("failed", 0) == 0
    docs = _csv(out, "documents")
    by_source = {Path(d["source"]).name: d for d in docs}
    for rel, fact in DOCS.items():
        d = by_source[Path(rel).name]
        assert (d["department"], int(d["year"]), d["kind"]) == (fact.department, fact.year, fact.kind)
    # Parquet holds the same rows
    assert pq.read_table(out / "tables" / "documents.parquet").num_rows == len(docs)


def test_table_rows_match_the_documents(corpus_batch):
    out, _ = corpus_batch
    docs = {Path(d["source"]).name: d["doc_id"] for d in _csv(out, "documents")}
    rows = [r for name in ("function_expenditures", "economic_expenditures", "three_public")
            for r in _csv(out, name)]
    checked = 0
    for rel, fact in DOCS.items():
        for kind, key, column, printed, page in fact.cells:
            if kind in ("income_expenditure_summary", "fiscal_summary", "project_expenditure"):
                continue  # summary lines are in the per-document JSON; projects in `projects`
            hits = [r for r in rows if r["doc_id"] == docs[Path(rel).name] and r["table_kind"] == kind
                    and (r["code"] == key or r["name"].replace(" ", "") == key.replace(" ", ""))
                    and r["column"] == column and r["raw"] == printed]
            assert hits, (rel, kind, key, column, printed)
            assert int(hits[0]["value_page"]) == page
            checked += 1
    assert checked > 30
    projects = _csv(out, "projects")
    shenzhen = docs["shenzhen-petitions-2026-budget.pdf"]
    assert any(p["doc_id"] == shenzhen and p["name"] == "社工服务项目" and p["raw"] == "498.82"
               and p["page"] == "23" for p in projects)
    flags = _csv(out, "flags")
    shangyu = docs["shaoxing-shangyu-hrss-2024-budget.txt"]
    assert any(f["doc_id"] == shangyu and f["check"] == "narrative_amount" and
               f["severity"] == "error" and f["page"] == "1" for f in flags)
    jiaxing = docs["jiaxing-hrss-2024-budget.txt"]
    indicators = [i for i in _csv(out, "indicators") if i["doc_id"] == jiaxing]
    assert any(i["name"] == "引进人才满意度" and i["operator"] == "≥" and i["value"] == "90"
               for i in indicators)


def test_bad_files_are_isolated(tmp_path):
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "corrupt.pdf").write_bytes(b"%PDF-1.7\n garbage")
    _encrypted_pdf(bad / "locked.pdf")
    _no_text_pdf(bad / "scan.pdf")
    _pdf_with_text(bad / "invoice.pdf", ["Invoice 2024", "Total 12.00"])
    good = CORPUS / "text" / "jiaxing-hrss-2024-budget.txt"
    lst = tmp_path / "files.list"
    lst.write_text(f"{good}\n# a comment\n{tmp_path / 'missing.pdf'}\n", encoding="utf-8")
    summary = Batch(tmp_path / "out", Settings(), workers=2, quiet=True).run([str(bad), str(lst)])
    assert summary["documents"] == 6
    assert summary["outcomes"]["failed"] == 5
    assert summary["errors"] == {"CorruptPDFError": 1, "EncryptedPDFError": 1, "NoTextLayerError": 1,
                                 "NotADisclosureError": 1, "NotFoundError": 1}
    errors = {Path(e["source"]).name: e["reason"] for e in _csv(tmp_path / "out", "errors")}
    assert "OCR" in errors["scan.pdf"] and "encrypted" in errors["locked.pdf"]
    assert len(_csv(tmp_path / "out", "documents")) == 1


def test_changed_file_is_redone(tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text((CORPUS / "text" / "shaoxing-shangyu-hrss-2024-budget.txt").read_text(encoding="utf-8"),
                   encoding="utf-8")
    b = Batch(tmp_path / "out", Settings(), workers=1, quiet=True)
    assert b.run([str(src)])["processed_now"] == 1
    assert b.run([str(src)])["processed_now"] == 0
    src.write_text(src.read_text(encoding="utf-8") + "\n附注。\n", encoding="utf-8")
    s = b.run([str(src)])
    assert s["processed_now"] == 1 and len(list((tmp_path / "out" / "docs").rglob("*.json"))) == 2


def test_kill_9_loses_nothing_and_resume_finishes(tmp_path):
    inputs = tmp_path / "in"
    corpus_variants(CORPUS, inputs, 40, seed=3)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline.cli", "batch", str(inputs), "-o", str(out),
           "--workers", "2", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        done = list((out / "docs").rglob("*.json")) + list((out / "errors").glob("*.json"))
        if len(done) >= 8:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = {p: p.stat().st_mtime_ns for p in
                list((out / "docs").rglob("*.json")) + list((out / "errors").glob("*.json"))}
    assert 8 <= len(finished) < 40, "killed in the middle of the run"
    for p in finished:  # nothing half-written: every output parses
        json.loads(p.read_text(encoding="utf-8"))
    assert not (out / "summary.json").exists()
    summary = Batch(out, Settings(), workers=2, quiet=True).run([str(inputs)])
    assert summary["skipped_already_done"] == len(finished)
    assert summary["processed_now"] == 40 - len(finished)
    assert all(p.stat().st_mtime_ns == t for p, t in finished.items())  # not redone
    assert sum(summary["outcomes"].values()) == 40
    assert not list(out.rglob("*.tmp"))  # a killed write's temp file is swept, never read
