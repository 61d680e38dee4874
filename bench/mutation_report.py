"""Print the mutation-test report (what share of corrupted figures the checks catch).

    python bench/mutation_report.py [--per-kind 10] [--seed 7]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-kind", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    from pipeline.ingest import read_document
    from pipeline.run import extract_document
    from pipeline.verify import PageNumbers, page_texts_of
    from tests.conftest import corpus_path
    from tests.corpus_facts import DOCS
    from tests.mutate import mutation_report
    from tests.test_verify_corpus import CONSISTENT

    t = time.perf_counter()
    docs = []
    for rel in sorted(DOCS):
        src = read_document(corpus_path(rel))
        pages = PageNumbers(page_texts_of(src), rejoin_split=src.format == "text")
        docs.append((extract_document(corpus_path(rel), check=False), pages, rel in CONSISTENT))
    report = mutation_report(docs, per_kind=args.per_kind, seed=args.seed)
    print(report.table())
    print(f"\n{len(report.outcomes)} corruptions in {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
