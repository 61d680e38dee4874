"""Seconds per page of text input: the corpus texts and every converter's text of the
corpus PDFs (../shared/corpus/converted/<converter>), extraction with checks, best of
--repeat runs, in-process.

    python bench/bench_text.py [--repeat 3] [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    from pipeline.errors import BudgetExtractError
    from pipeline.run import extract_document

    groups = {"text": sorted((args.corpus / "text").glob("*.txt"))}
    for d in sorted((args.corpus / "converted").iterdir()):
        if d.is_dir():
            groups[d.name] = sorted(p for p in d.iterdir() if p.suffix in (".txt", ".md"))
    out = {}
    print(f"{'input':<18} {'docs':>4} {'pages':>6} {'seconds':>8} {'ms/page':>8}")
    for name, files in groups.items():
        pages = 0
        seconds = 0.0
        for f in files:
            best = float("inf")
            n = 0
            for _ in range(args.repeat):
                t = time.perf_counter()
                try:
                    n = extract_document(f).page_count
                except BudgetExtractError:
                    n = 0
                best = min(best, time.perf_counter() - t)
            pages += n
            seconds += best
        out[name] = {"docs": len(files), "pages": pages, "seconds": round(seconds, 3),
                     "ms_per_page": round(1000 * seconds / pages, 2) if pages else None}
        print(f"{name:<18} {len(files):>4} {pages:>6} {seconds:>8.2f} "
              f"{out[name]['ms_per_page'] or 0:>8.2f}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
