"""The corpus under --extractor llm against an OpenAI-compatible server.

    budget-extract serve-local &                       # or any endpoint
    python bench/bench_llm.py --base-url http://127.0.0.1:8080/v1 --model gemma-3-270m

Per document: prompt tokens sent, as a ratio to the document's own token count (the floor
is sending each character once; prompts, repeated headers and re-asks add to it), the
calls made, and the calls of a second run with the same cache (which must be 0). The
document is tokenized by the server's own tokenizer when it offers /extras/tokenize
(llama.cpp), else estimated. --max-tokens bounds the answers: the numbers measured here do
not depend on what the model answers.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tokens(base_url: str, text: str) -> tuple[int, str]:
    from pipeline.llm.chunks import estimate_tokens

    root = base_url.rsplit("/v1", 1)[0]
    try:
        req = urllib.request.Request(f"{root}/extras/tokenize", method="POST",
                                     data=json.dumps({"input": text}).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return len(json.load(r)["tokens"]), "server"
    except Exception:
        return estimate_tokens(text), "estimate"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-url", default="http://127.0.0.1:8080/v1")
    ap.add_argument("--model", default="gemma-3-270m")
    ap.add_argument("--mode", default="md_json", choices=["md_json", "tools"])
    ap.add_argument("--max-tokens", type=int, default=32)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--only", nargs="*", help="file names to run (default: all)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from pipeline.ingest import read_document
    from pipeline.llm.config import LLMConfig
    from pipeline.run import extract_document

    files = sorted((args.corpus / "pdf").glob("*.pdf")) + sorted((args.corpus / "text").glob("*.txt"))
    if args.only:
        files = [f for f in files if f.name in args.only]
    rows = []
    print("| document | doc tokens | prompt tokens | ratio | chunks | calls | failed | 2nd run calls | s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for f in files:
        src = read_document(f)
        text = src.text or "\n".join(w.text for p in src.pages for w in p.words)
        doc_tokens, how = _tokens(args.base_url, text)
        with tempfile.TemporaryDirectory() as cache:
            cfg = LLMConfig(model=args.model, base_url=args.base_url, mode=args.mode,
                            max_tokens=args.max_tokens, concurrency=2, cache_dir=Path(cache))
            t = time.perf_counter()
            d = extract_document(f, extractor="llm", llm=cfg)
            secs = time.perf_counter() - t
            again = extract_document(f, extractor="llm", llm=cfg)
        u = d.llm
        row = {"file": f.name, "doc_tokens": doc_tokens, "tokenizer": how,
               "prompt_tokens": u.prompt_tokens, "ratio": u.prompt_tokens / max(doc_tokens, 1),
               "chunks": u.chunks_sent + len(u.failures), "calls": u.calls,
               "failed": len(u.failures), "second_run_calls": again.llm.calls, "seconds": secs}
        rows.append(row)
        print(f"| {f.name} | {doc_tokens} | {u.prompt_tokens} | {row['ratio']:.2f} | {row['chunks']} | "
              f"{u.calls} | {row['failed']} | {again.llm.calls} | {secs:.0f} |", flush=True)
    n = len(rows)
    total_doc = sum(r["doc_tokens"] for r in rows)
    total_prompt = sum(r["prompt_tokens"] for r in rows)
    summary = {"documents": n, "prompt_tokens_per_doc": total_prompt / n,
               "ratio_to_document_tokens": total_prompt / max(total_doc, 1),
               "calls_per_doc": sum(r["calls"] for r in rows) / n,
               "second_run_calls": sum(r["second_run_calls"] for r in rows)}
    print()
    for k, v in summary.items():
        print(f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "documents": rows}, indent=2))
    return 0 if summary["second_run_calls"] == 0 else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
