"""Seconds per document and pages per second over the sample corpus, with raw pymupdf
``get_text()`` over the same PDFs measured in the same run as the baseline.

    python bench/bench_corpus.py [--repeat 3] [--corpus ../shared/corpus]

Start-up (interpreter, imports) is measured separately in fresh subprocesses; extraction
times are in-process, best of --repeat runs, from file to the JSON-ready Disclosure.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _subprocess_seconds(code: str, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    import pymupdf

    from pipeline.ingest import read_document
    from pipeline.run import extract_document
    from pipeline.verify import PageNumbers, page_texts_of, verify

    files = sorted((args.corpus / "pdf").glob("*.pdf")) + sorted((args.corpus / "text").glob("*.txt"))
    if not files:
        print(f"no corpus documents under {args.corpus}", file=sys.stderr)
        return 2
    extract_document(files[0])  # warm caches (font tables, regexes)

    rows = []
    for f in files:
        best = check = float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            d = extract_document(f, check=False)
            best = min(best, time.perf_counter() - t)
            src = read_document(f)  # the checks' own input, outside the timing
            t = time.perf_counter()
            pages = PageNumbers(page_texts_of(src), rejoin_split=src.format == "text")
            flags, _ = verify(d, pages)
            check = min(check, time.perf_counter() - t)
        raw = None
        if f.suffix == ".pdf":
            raw = float("inf")
            for _ in range(args.repeat):
                t = time.perf_counter()
                with pymupdf.open(f) as doc:
                    for page in doc:
                        page.get_text()
                raw = min(raw, time.perf_counter() - t)
        rows.append({"file": f.name, "pages": d.page_count, "seconds": best, "checks": check,
                     "flags": sum(1 for x in flags if x.severity.value != "info"),
                     "raw_get_text": raw,
                     "tables": len(d.tables), "rows": sum(len(t.rows) for t in d.tables)})

    startup = _subprocess_seconds("pass")
    imports = _subprocess_seconds("import pipeline.run") - startup
    pdf = [r for r in rows if r["raw_get_text"] is not None]
    total = sum(r["seconds"] for r in rows)
    pages = sum(r["pages"] for r in rows if r["file"].endswith(".pdf"))
    pdf_s = sum(r["seconds"] for r in pdf)
    raw_s = sum(r["raw_get_text"] for r in pdf)
    summary = {
        "python": platform.python_version(), "pymupdf": pymupdf.VersionBind,
        "machine": f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores",
        "interpreter_startup_s": round(startup, 3), "import_s": round(imports, 3),
        "documents": len(rows), "total_s": round(total, 3),
        "pdf_pages": pages, "pdf_s": round(pdf_s, 3), "pdf_pages_per_s": round(pages / pdf_s, 1),
        "raw_get_text_s": round(raw_s, 3), "raw_pages_per_s": round(pages / raw_s, 1),
        "ratio_vs_raw": round(pdf_s / raw_s, 1),
        "median_s_per_doc": round(statistics.median(r["seconds"] for r in rows), 3),
        "checks_s": round(sum(r["checks"] for r in rows), 3),
        "checks_share_of_extraction": round(sum(r["checks"] for r in rows) / total, 3),
    }
    print("| document | pages | extract s | pages/s | raw get_text s | ratio | checks s | flags |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        raw = r["raw_get_text"]
        print(f"| {r['file']} | {r['pages']} | {r['seconds']:.3f} | {r['pages'] / r['seconds']:.0f} | "
              + (f"{raw:.3f} | {r['seconds'] / raw:.1f}x |" if raw else "- | - |")
              + f" {r['checks']:.3f} | {r['flags']} |")
    print()
    for k, v in summary.items():
        print(f"{k}: {v}")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "documents": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
