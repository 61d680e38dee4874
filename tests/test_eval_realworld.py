"""The guard on real documents the corpus rules were not written for: hand-read key figures
of fourteen development-set PDFs (eval/gold-realworld, read from the pages, see its README)
must score at least eval/thresholds-realworld.json."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.evaluate import check_thresholds, run_eval
from tests.conftest import corpus_path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "gold-realworld"
THRESHOLDS = json.loads((ROOT / "eval" / "thresholds-realworld.json").read_text(encoding="utf-8"))


def test_real_world_gold_meets_the_thresholds():
    report = run_eval(GOLD, [corpus_path("realworld")])
    assert not [n for n, d in report["documents"].items() if d["error"]]  # none refused
    fails = check_thresholds(report, THRESHOLDS)
    assert not fails, "scores below eval/thresholds-realworld.json:\n" + "\n".join(fails)
