"""The guard on converter text: each converter's text of the corpus PDFs
(../shared/corpus/converted/<converter>), paired with the corpus gold by file stem, must
score at least eval/thresholds-converted.json. The gold was read from the documents, so
these scores measure the text path against the documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate import check_thresholds, run_eval
from tests.conftest import CORPUS, corpus_path

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = json.loads((ROOT / "eval" / "thresholds-converted.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("converter", sorted(THRESHOLDS["converters"]))
def test_converted_text_meets_the_thresholds(converter):
    docs = corpus_path(f"converted/{converter}")
    report = run_eval(ROOT / "eval" / "gold", [docs], match_stem=True)
    assert report["pairing"]["sha256_checked"] is False
    pdfs = {p.name for p in (CORPUS / "pdf").iterdir() if p.suffix == ".pdf"}
    assert set(report["pairing"]["documents"]) == pdfs  # every PDF's text was scored
    assert not [n for n, d in report["documents"].items() if d["error"]]
    fails = check_thresholds(report, THRESHOLDS["converters"][converter])
    assert not fails, f"{converter}: scores below eval/thresholds-converted.json:\n" + "\n".join(fails)
    flags = report["overall"]["counts"]["error_flags"]
    assert flags["total"] - flags["matching"] <= THRESHOLDS["max_false_error_flags"][converter]


def test_every_converter_folder_is_guarded_or_listed_as_a_target():
    folders = {p.name for p in corpus_path("converted").iterdir() if p.is_dir()}
    assert folders == set(THRESHOLDS["_targets"]) == set(THRESHOLDS["max_false_error_flags"])
    assert set(THRESHOLDS["converters"]) <= folders
