"""The eval harness: extract every gold-annotated document, score it, report.

    report = run_eval(Path("eval/gold"), [Path("../shared/corpus")], extractor="rules")
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.errors import BudgetExtractError, GoldError
from pipeline.evaluate.gold import find_document, find_document_by_stem, load_gold, load_gold_dir
from pipeline.evaluate.report import build_report, compare, regressed, to_markdown
from pipeline.evaluate.score import DocScore, score_document

__all__ = ["check_thresholds", "compare", "load_gold", "load_gold_dir", "regressed", "run_eval",
           "score_document", "to_markdown"]


def run_eval(gold_dir: Path, doc_dirs: list[Path], *, extractor: str = "rules",
             only: list[str] | None = None, extract_kwargs: dict[str, Any] | None = None,
             on_document: Callable[[DocScore], None] | None = None,
             match_stem: bool = False) -> dict[str, Any]:
    """Score ``extractor`` against every reviewed gold file in ``gold_dir``; the JSON report.

    ``match_stem``: pair each gold with the document of the same file stem (a converter's
    text of the PDF the gold annotates), skip the sha256 check for that pairing, and skip
    gold files with no such document; the report says so."""
    from pipeline.run import extract_document

    golds = load_gold_dir(gold_dir, only)
    if match_stem:
        found = [(g, find_document_by_stem(g, doc_dirs)) for _, g in golds]
        located = [(g, p) for g, p in found if p is not None]
        if not located:
            raise GoldError("no document in the --docs directories has the file stem of a "
                            "gold file's source", path=gold_dir)
        unpaired = sorted(g.source for g, p in found if p is None)
    else:
        located = [(g, find_document(g, p, doc_dirs)) for p, g in golds]  # all missing at once
        unpaired = []
    pairs: dict[str, str] = {}
    scores: list[DocScore] = []
    for gold, path in located:
        try:
            d = extract_document(path, check=True, extractor=extractor, **(extract_kwargs or {}))
        except BudgetExtractError as e:
            s = DocScore(document=gold.source, coverage=gold.coverage, error=e.one_line())
        else:
            if match_stem:
                pairs[gold.source] = str(path)
            elif gold.source_sha256 and d.source_sha256 != gold.source_sha256:
                raise GoldError(f"annotates a different version of {gold.source} (sha256 "
                                f"{gold.source_sha256[:12]}…, the file is {d.source_sha256[:12]}…)",
                                path=path)
            s = score_document(gold, d)
            if d.llm.model is not None:
                s.model = model_usage(d)
        scores.append(s)
        if on_document:
            on_document(s)
    report = build_report(scores, extractor, str(gold_dir))
    if match_stem:
        report["pairing"] = {
            "by": "file stem", "sha256_checked": False, "documents": pairs,
            "gold_without_document": unpaired,
            "note": "each gold was paired with the document of the same file stem (another "
                    "rendering of the annotated document); the sha256 of the gold's source "
                    "was not checked for these pairs"}
    return report


def model_usage(d: Any) -> dict[str, Any]:
    """What the model path cost for one document, and which parts it gave."""
    u = d.llm
    return {"calls": u.calls, "prompt_tokens": u.prompt_tokens,
            "completion_tokens": u.completion_tokens, "seconds": u.seconds,
            "cache_hits": u.cache_hits, "chunks_failed": len(u.failures),
            "extractor": d.extractor, "model_parts": list(u.model_parts)}


def check_thresholds(report: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """Scores below their threshold, as lines saying which, by how much."""
    fails = []
    scopes = [("overall", report["overall"], thresholds.get("overall", {}))]
    for name, t in thresholds.get("documents", {}).items():
        if name in report["documents"]:  # a run over part of the gold skips the others
            scopes.append((name, report["documents"][name], t))
    for kind, t in thresholds.get("by_kind", {}).items():
        got = report["by_kind"].get(kind)
        if got is not None and (got["f1"] is None or got["f1"] < t):
            fails.append(f"{kind}: cell F1 {got['f1']} < {t}")
    for scope, got, t in scopes:
        for metric, minimum in t.items():
            value = got.get(metric)
            if value is None or value < minimum:
                fails.append(f"{scope}: {metric} {value} < {minimum}")
    return fails


def read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldError("file not found", path=path) from None
    except json.JSONDecodeError as e:
        raise GoldError(f"not valid JSON: {e.msg} at line {e.lineno}", path=path) from None
