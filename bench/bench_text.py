"""Seconds per page of text input: the corpus texts and every converter's text of the
corpus PDFs (../shared/corpus/converted/<converter>), extraction with checks, best of
--repeat runs, in-process.

    python bench/bench_text.py [--repeat 3] [--corpus ../shared/corpus]
    python bench/bench_text.py --baseline REV [--rounds 3]

With ``--baseline REV`` the code at git revision REV (checked out into a temporary
worktree) is measured in the same run, the two alternating round by round in fresh
processes so both see the same machine load; each input's best time of each side, and
the ratio (now / baseline: below 1 is faster), are reported.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(corpus: Path, repeat: int) -> dict[str, dict]:
    """ms per page of each input group, with the code importable from ``sys.path``."""
    from pipeline.errors import BudgetExtractError
    from pipeline.run import extract_document

    groups = {"text": sorted((corpus / "text").glob("*.txt"))}
    for d in sorted((corpus / "converted").iterdir()):
        if d.is_dir():
            groups[d.name] = sorted(p for p in d.iterdir() if p.suffix in (".txt", ".md"))
    out = {}
    for name, files in groups.items():
        pages = 0
        seconds = 0.0
        for f in files:
            best = float("inf")
            n = 0
            for _ in range(repeat):
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
    return out


def _run_tree(tree: Path, corpus: Path, repeat: int) -> dict[str, dict]:
    """One measurement of the code in ``tree``, in a fresh process."""
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--tree", str(tree),
                        "--corpus", str(corpus), "--repeat", str(repeat), "--json", f.name, "-q"],
                       check=True)
        return json.loads(Path(f.name).read_text(encoding="utf-8"))


def compare(baseline: str, corpus: Path, rounds: int, repeat: int) -> dict[str, dict]:
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
        base = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base),
                        baseline], check=True)
        try:
            best: dict[str, dict[str, float]] = {"now": {}, "baseline": {}}
            for _ in range(rounds):
                for side, tree in (("now", ROOT), ("baseline", base)):
                    for name, r in _run_tree(tree, corpus, repeat).items():
                        if r["ms_per_page"] is not None:
                            prev = best[side].get(name, float("inf"))
                            best[side][name] = min(prev, r["ms_per_page"])
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           check=False)
    return {name: {"now_ms_per_page": best["now"][name],
                   "baseline_ms_per_page": best["baseline"][name],
                   "ratio": round(best["now"][name] / best["baseline"][name], 3)}
            for name in best["now"] if name in best["baseline"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--baseline", metavar="REV", help="also measure the code at this git revision")
    ap.add_argument("--rounds", type=int, default=3, help="with --baseline: alternating rounds")
    ap.add_argument("--tree", type=Path, help=argparse.SUPPRESS)  # the code to import
    ap.add_argument("-q", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    sys.path.insert(0, str(args.tree or ROOT))

    if args.baseline:
        out = compare(args.baseline, args.corpus.resolve(), args.rounds, args.repeat)
        print(f"{'input':<18} {'now ms/page':>12} {args.baseline[:12] + ' ms/page':>22} {'ratio':>6}")
        for name, r in out.items():
            print(f"{name:<18} {r['now_ms_per_page']:>12.2f} {r['baseline_ms_per_page']:>22.2f} "
                  f"{r['ratio']:>6.3f}")
    else:
        out = measure(args.corpus, args.repeat)
        if not args.q:
            print(f"{'input':<18} {'docs':>4} {'pages':>6} {'seconds':>8} {'ms/page':>8}")
            for name, r in out.items():
                print(f"{name:<18} {r['docs']:>4} {r['pages']:>6} {r['seconds']:>8.2f} "
                      f"{r['ms_per_page'] or 0:>8.2f}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
