"""Review speed and size on the 17 corpus documents (issue 15: under 10 s together and
under 30 MB).

    python bench/bench_review.py [--repeat 3] [--workers 1 2] [--json OUT]

The corpus is extracted once (`batch`, not timed); then `review --batch` writes every
document's annotated PDF, page images and report.html and the index, best of --repeat
runs, for each worker count. Reports seconds, megabytes, and their parts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 10.0
TARGET_MB = 30.0


def _sizes(folder: Path) -> dict[str, float]:
    by_kind: Counter[str] = Counter()
    for f in folder.rglob("*"):
        if f.is_file():
            kind = "annotated PDFs" if f.suffix == ".pdf" else "images" if f.suffix == ".png" else "HTML"
            by_kind[kind] += f.stat().st_size
    return {k: round(v / 1e6, 2) for k, v in sorted(by_kind.items())}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from pipeline.batch import Batch, Settings
    from pipeline.review import review_batch

    results: dict = {"cpus": os.cpu_count(), "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch"
        Batch(batch, Settings(), workers=2, quiet=True).run([str(args.corpus / "pdf"),
                                                             str(args.corpus / "text")])
        for workers in args.workers:
            times = []
            for i in range(args.repeat):
                out = Path(tmp) / f"review-{workers}-{i}"
                t = time.perf_counter()
                r = review_batch(batch, out, sources=[args.corpus], workers=workers)
                times.append(time.perf_counter() - t)
            sizes = _sizes(out)
            run = {"workers": workers, "documents": r.documents, "reports": r.reports,
                   "flags": r.flags, "best_s": round(min(times), 2),
                   "all_s": [round(t, 2) for t in times], "mb": round(sum(sizes.values()), 2),
                   "mb_by_kind": sizes,
                   "pages_rendered": sum(1 for _ in out.rglob("page-*.png")),
                   "crops": sum(1 for _ in out.rglob("flag-*.png"))}
            results["runs"].append(run)
            print(f"workers {workers}: {r.documents} documents, {r.flags} flags, best {run['best_s']} s "
                  f"of {run['all_s']} (target < {TARGET_S:.0f} s), {run['mb']} MB (target < "
                  f"{TARGET_MB:.0f} MB: {sizes}), {run['pages_rendered']} page images, "
                  f"{run['crops']} crops")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    ok = all(r["best_s"] < TARGET_S and r["mb"] < TARGET_MB for r in results["runs"])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
