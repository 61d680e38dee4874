"""Prompt tokens against document tokens over the corpus, with the model's own tokenizer,
and a second run that must make 0 calls (every answer from the cache).

    python bench/bench_llm.py [--only NAME ...] [--json out.json]

What it counts: each document goes through ``--extractor llm`` (tables and narrative
sections, md_json mode) against a local stand-in server on 127.0.0.1 that answers every
chunk with an empty valid answer and reports as ``prompt_tokens`` the request's messages
rendered with Qwen2.5's chat template (the default system line included) and tokenized by
Qwen2.5-Coder-1.5B's tokenizer (llama_cpp, ``vocab_only``: no weights are loaded). The
document's tokens are its text (PDF: the words of its pages) through the same tokenizer. So
the ratio is what the prompts cost in the model's tokens, re-asks excluded (they depend on
the answers; eval reports them). No model is run: the whole corpus takes a minute or two.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
EMPTY = {"rows": [], "figures": [], "indicators": []}


def chat_text(messages: list[dict]) -> str:
    """The prompt as Qwen2.5's chat template renders it (a default system line when none)."""
    if not messages or messages[0]["role"] != "system":
        messages = [{"role": "system", "content": SYSTEM}, *messages]
    body = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return body + "<|im_start|>assistant\n"


class Counter:
    """The tokenizer, and a stand-in server that answers with it."""

    def __init__(self, model_path: Path):
        from llama_cpp import Llama

        self.llm = Llama(model_path=str(model_path), vocab_only=True, verbose=False)
        self.lock = threading.Lock()
        self.requests = 0

    def count(self, text: str, special: bool = False) -> int:
        with self.lock:
            return len(self.llm.tokenize(text.encode(), add_bos=False, special=special))

    def serve(self) -> ThreadingHTTPServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.requests += 1
                tokens = owner.count(chat_text(req["messages"]), special=True)
                content = "```json\n" + json.dumps(EMPTY) + "\n```"
                data = json.dumps({
                    "id": "bench", "object": "chat.completion", "created": 0, "model": req["model"],
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": tokens, "completion_tokens": 0,
                              "total_tokens": tokens}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        return httpd


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--only", nargs="*", help="file names to run (default: all)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--target", type=float, default=1.3, help="the ratio the prompts must stay under")
    args = ap.parse_args()

    from pipeline.ingest import read_document
    from pipeline.llm.config import LLMConfig
    from pipeline.llm.local import QWEN, assemble
    from pipeline.run import extract_document

    counter = Counter(assemble(QWEN))
    httpd = counter.serve()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    files = sorted((args.corpus / "pdf").glob("*.pdf")) + sorted((args.corpus / "text").glob("*.txt"))
    if args.only:
        files = [f for f in files if f.name in args.only]
    rows = []
    print("| document | doc tokens | prompt tokens | ratio | chunks | calls | 2nd run calls | s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for f in files:
        src = read_document(f)
        text = src.text or "\n".join(w.text for p in src.pages for w in p.words)
        doc_tokens = counter.count(text)
        with tempfile.TemporaryDirectory() as cache:
            cfg = LLMConfig(model="qwen2.5-coder-1.5b", base_url=url, concurrency=1,
                            cache_dir=Path(cache))
            t = time.perf_counter()
            d = extract_document(f, extractor="llm", llm=cfg)
            secs = time.perf_counter() - t
            again = extract_document(f, extractor="llm", llm=cfg)
        u = d.llm
        row = {"file": f.name, "doc_tokens": doc_tokens, "prompt_tokens": u.prompt_tokens,
               "ratio": u.prompt_tokens / max(doc_tokens, 1), "chunks": u.chunks_sent + len(u.failures),
               "calls": u.calls, "second_run_calls": again.llm.calls, "seconds": secs}
        rows.append(row)
        print(f"| {f.name} | {doc_tokens} | {u.prompt_tokens} | {row['ratio']:.2f} | {row['chunks']} | "
              f"{u.calls} | {again.llm.calls} | {secs:.1f} |", flush=True)
    httpd.shutdown()
    total_doc = sum(r["doc_tokens"] for r in rows)
    total_prompt = sum(r["prompt_tokens"] for r in rows)
    ratios = [r["ratio"] for r in rows]
    summary = {"documents": len(rows), "document_tokens": total_doc, "prompt_tokens": total_prompt,
               "ratio_to_document_tokens": total_prompt / max(total_doc, 1),
               "mean_ratio_per_document": sum(ratios) / max(len(ratios), 1),
               "max_ratio": max(ratios, default=0.0),
               "calls": sum(r["calls"] for r in rows),
               "second_run_calls": sum(r["second_run_calls"] for r in rows)}
    print()
    for k, v in summary.items():
        print(f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "documents": rows}, indent=2))
    ok = summary["second_run_calls"] == 0 and summary["ratio_to_document_tokens"] <= args.target
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
