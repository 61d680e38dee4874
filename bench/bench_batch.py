"""Batch throughput on a generated corpus of varied documents (built from ../shared/corpus
by tests.synth.corpus_variants).

    python bench/bench_batch.py [--docs 300] [--llm-docs 40] [--latency 0.2]

1. rules: documents per second of `batch` (processes, then threads) against the sum of
   single-document times measured in the same run;
2. llm: against a local server that answers after a fixed latency, throughput against the
   ideal (calls x latency / concurrency), then the same with the server failing a share
   of requests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--llm-docs", type=int, default=40)
    ap.add_argument("--latency", type=float, default=0.2)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--fail-share", type=float, default=0.1)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from latency_server import LatencyServer

    from pipeline.batch import Batch, Settings, process_one
    from tests.synth import corpus_variants

    results: dict = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        files = corpus_variants(args.corpus, tmp / "in", args.docs, seed=11)
        results["generate_s"] = round(time.perf_counter() - t, 1)
        process_one(str(files[0]), Settings())  # warm imports
        single = 0.0
        ok = 0
        for f in files:
            t = time.perf_counter()
            r = process_one(str(f), Settings())
            single += time.perf_counter() - t
            ok += r["status"] == "ok"
        results["documents"] = len(files)
        results["documents_ok"] = ok
        results["sum_single_s"] = round(single, 2)
        for executor in ("process", "thread"):
            t = time.perf_counter()
            Batch(tmp / f"out-{executor}", Settings(), workers=os.cpu_count() or 1,
                  executor=executor, quiet=True).run([str(tmp / "in")])
            wall = time.perf_counter() - t
            results[f"rules_{executor}_s"] = round(wall, 2)
            results[f"rules_{executor}_docs_per_s"] = round(len(files) / wall, 1)
            results[f"rules_{executor}_speedup_vs_single_sum"] = round(single / wall, 2)
        llm_files = [f for f in files if f.suffix == ".txt" or "synth" in f.name][: args.llm_docs]
        listing = tmp / "llm.list"
        listing.write_text("\n".join(str(f) for f in llm_files), encoding="utf-8")
        for label, share in (("llm", 0.0), ("llm_failing", args.fail_share)):
            with LatencyServer(args.latency, share) as server:
                settings = Settings(extractor="llm", model="latency", base_url=server.url,
                                    max_concurrent_calls=args.concurrency,
                                    cache_dir=str(tmp / f"cache-{label}"))
                t = time.perf_counter()
                s = Batch(tmp / f"out-{label}", settings, workers=args.concurrency * 2,
                          executor="thread", quiet=True).run([f"@{listing}"])
                wall = time.perf_counter() - t
                calls = server.requests
                ideal = calls * args.latency / args.concurrency
                results[label] = {"documents": len(llm_files), "calls": calls,
                                  "failed_requests": server.failed, "wall_s": round(wall, 2),
                                  "ideal_s": round(ideal, 2),
                                  "efficiency": round(ideal / wall, 3) if wall else 0,
                                  "outcomes": s["outcomes"]}
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
