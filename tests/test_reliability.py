"""Reliability: a worker's death, a hang or a memory hog costs one document, never the
run; workers die with their parent; every limit gives a one-line reason."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

import pipeline.run
from pipeline.batch import Batch, Settings
from pipeline.cli import main
from pipeline.limits import Limits
from tests.conftest import CORPUS, ROOT
from tests.hostile import inflating_pdf
from tests.synth import corpus_variants

GOOD = ["jiaxing-hrss-2024-budget.txt", "shaoxing-shangyu-hrss-2024-budget.txt",
        "hangzhou-xihu-hrss-2024-budget.txt"]


def _inputs(tmp_path: Path, extra: dict[str, str]) -> Path:
    """The good corpus texts, copied under their names, and ``extra`` files."""
    d = tmp_path / "in"
    d.mkdir()
    for name in GOOD:
        (d / name).write_bytes((CORPUS / "text" / name).read_bytes())
    for name, text in extra.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def _errors(out: Path) -> dict[str, dict]:
    with (out / "tables" / "errors.csv").open(encoding="utf-8") as f:
        return {Path(r["source"]).name: r for r in csv.DictReader(f)}


def _documents(out: Path) -> set[str]:
    with (out / "tables" / "documents.csv").open(encoding="utf-8") as f:
        return {Path(r["source"]).name for r in csv.DictReader(f)}


def _faulty(monkeypatch, name: str, fault) -> None:
    """Documents called ``name`` meet ``fault`` in the process extracting them (the pool's
    workers are forked from this process, so they run the patched function)."""
    real = pipeline.run.extract_document

    def patched(path, *a, **kw):
        if Path(path).name == name:
            fault()
        return real(path, *a, **kw)

    monkeypatch.setattr(pipeline.run, "extract_document", patched)


def test_a_worker_killed_by_a_signal_costs_only_its_document(tmp_path, monkeypatch):
    _faulty(monkeypatch, "crash.txt", lambda: os.kill(os.getpid(), signal.SIGKILL))
    src = _inputs(tmp_path, {"crash.txt": "2024年部门预算\n"})
    out = tmp_path / "out"
    summary = Batch(out, Settings(), workers=2, quiet=True).run([str(src)])
    assert summary["documents"] == 4
    assert summary["outcomes"]["failed"] == 1
    err = _errors(out)["crash.txt"]
    assert err["error"] == "WorkerDiedError" and "SIGKILL" in err["reason"]
    assert _documents(out) == set(GOOD)  # the pool was rebuilt: the others finished


def test_a_document_hung_in_c_code_is_killed_at_its_time_limit(tmp_path, monkeypatch):
    def hang() -> None:  # SIGALRM blocked: like a long call into MuPDF, deaf to the timer
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(120)

    _faulty(monkeypatch, "hang.txt", hang)
    src = _inputs(tmp_path, {"hang.txt": "2024年部门预算\n"})
    out = tmp_path / "out"
    t0 = time.monotonic()
    settings = Settings(limits=Limits(seconds=4, kill_grace_seconds=2))
    Batch(out, settings, workers=2, quiet=True).run([str(src)])
    assert time.monotonic() - t0 < 30
    err = _errors(out)["hang.txt"]
    assert err["error"] == "TimeLimitError" and "4 s time limit" in err["reason"]
    assert _documents(out) == set(GOOD)


def test_a_slow_document_stops_at_its_time_limit_in_the_worker(tmp_path, monkeypatch):
    _faulty(monkeypatch, "slow.txt", lambda: time.sleep(120))
    src = _inputs(tmp_path, {"slow.txt": "2024年部门预算\n"})
    out = tmp_path / "out"
    Batch(out, Settings(limits=Limits(seconds=5)), workers=2, quiet=True).run([str(src)])
    err = _errors(out)["slow.txt"]
    assert err["error"] == "TimeLimitError" and "5 s time limit" in err["reason"]
    assert _documents(out) == set(GOOD)


def _big_text(path: Path, mb: float) -> Path:
    one = (CORPUS / "text" / "jiaxing-hrss-2024-budget.txt").read_text(encoding="utf-8")
    path.write_text(one * max(1, int(mb * 1e6 / len(one.encode()))), encoding="utf-8")
    return path


def test_a_memory_hog_gets_an_error_record_and_the_batch_goes_on(tmp_path):
    src = _inputs(tmp_path, {})
    _big_text(src / "huge.txt", 3)
    out = tmp_path / "out"
    limits = Limits(memory_mb=100, words_per_page=10**7)
    summary = Batch(out, Settings(limits=limits), workers=2, quiet=True).run([str(src)])
    err = _errors(out)["huge.txt"]
    assert err["error"] == "MemoryLimitError" and "100 MB memory limit" in err["reason"]
    assert summary["outcomes"]["failed"] == 1 and _documents(out) == set(GOOD)


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_a_killed_parent_and_a_rerun_completes(tmp_path):
    inputs = tmp_path / "in"
    corpus_variants(CORPUS, inputs, 30, seed=5)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline.cli", "batch", str(inputs), "-o", str(out),
           "--workers", "2", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    workers: list[int] = []
    while time.time() < deadline and len(workers) < 2:
        workers = _children(proc.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the batch started its workers"
    os.kill(proc.pid, signal.SIGKILL)  # the parent alone: its workers are not signalled
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "a worker outlived its parent"
    summary = Batch(out, Settings(), workers=2, quiet=True).run([str(inputs)])
    assert sum(summary["outcomes"].values()) == 30 and "not processed" not in summary["outcomes"]
    for p in (out / "docs").rglob("*.json"):
        json.loads(p.read_text(encoding="utf-8"))


def test_sigterm_stops_the_workers_and_exits(tmp_path):
    inputs = tmp_path / "in"
    corpus_variants(CORPUS, inputs, 30, seed=6)
    cmd = [sys.executable, "-m", "pipeline.cli", "batch", str(inputs), "-o", str(tmp_path / "out"),
           "--workers", "2", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    workers: list[int] = []
    while time.time() < deadline and len(workers) < 2:
        workers = _children(proc.pid)
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 128 + signal.SIGTERM
    time.sleep(0.5)
    assert not [w for w in workers if _alive(w)]


# --- limits in single-file mode: the same bounds, one line, exit 2 ----------------------

def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    return err


def test_single_file_time_limit(tmp_path, capsys):
    big = _big_text(tmp_path / "slow.txt", 1.5)
    assert main([str(big), "-o", str(tmp_path / "x.json"), "--timeout", "0.2",
                 "--max-words-per-page", "10000000"]) == 2
    assert "over the 0.2 s time limit (--timeout)" in _one_line_error(capsys)


def test_single_file_memory_limit(tmp_path, capsys):
    big = _big_text(tmp_path / "big.txt", 3)
    assert main([str(big), "-o", str(tmp_path / "x.json"), "--max-memory-mb", "100",
                 "--max-words-per-page", "10000000", "--timeout", "30"]) == 2
    assert "over the 100 MB memory limit" in _one_line_error(capsys)


def test_words_per_page_text_size_pages_and_file_size(tmp_path, capsys):
    big = _big_text(tmp_path / "big.txt", 1.5)
    assert main([str(big), "-o", str(tmp_path / "x.json")]) == 2
    assert "-word limit (--max-words-per-page)" in _one_line_error(capsys)
    assert main([str(big), "-o", str(tmp_path / "x.json"), "--max-text-mb", "1"]) == 2
    assert "MB of text is over the 1 MB limit" in _one_line_error(capsys)
    pdf = CORPUS / "pdf" / "shanghai-putuo-finance-2024-final-account.pdf"
    assert main([str(pdf), "-o", str(tmp_path / "x.json"), "--max-pages", "10"]) == 2
    assert "25 pages is over the 10-page limit" in _one_line_error(capsys)
    assert main([str(pdf), "-o", str(tmp_path / "x.json"), "--max-mb", "1"]) == 2
    assert "4 MB is over the 1 MB file limit" in _one_line_error(capsys)


def test_a_pdf_whose_stream_inflates_twice_is_refused_quickly(tmp_path, capsys):
    bomb = inflating_pdf(tmp_path / "bomb.pdf", inflated_mb=64)
    assert bomb.stat().st_size < 200_000
    t0 = time.perf_counter()
    assert main([str(bomb), "-o", str(tmp_path / "x.json"), "--max-decompressed-mb", "16"]) == 2
    assert time.perf_counter() - t0 < 10
    assert "inflate to over the 16 MB limit" in _one_line_error(capsys)


def test_limits_are_part_of_the_batch_key():
    assert Settings().key() != Settings(limits=replace(Limits(), seconds=5)).key()


# --- one batch per output directory ----------------------------------------------------

def _start_batch(inputs: Path, out: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "pipeline.cli", "batch", str(inputs), "-o", str(out),
           "--workers", "2", "-q", *extra]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def _wait_for_lock(out: Path, proc: subprocess.Popen) -> None:
    lock = out / ".batch.lock"
    deadline = time.time() + 30
    while time.time() < deadline and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.02)
    assert lock.read_text().strip() == str(proc.pid)


def test_a_second_batch_into_the_same_directory_refuses_or_waits(tmp_path):
    inputs = tmp_path / "in"
    corpus_variants(CORPUS, inputs, 24, seed=8)
    out = tmp_path / "out"
    first = _start_batch(inputs, out)
    _wait_for_lock(out, first)
    second = _start_batch(inputs, out)
    err = second.communicate(timeout=60)[1].strip()
    assert second.returncode == 75
    assert err.count("\n") == 0 and f"pid {first.pid}" in err and "--wait" in err
    waiting = _start_batch(inputs, out, "--wait")
    assert first.wait(timeout=120) == 0
    assert waiting.wait(timeout=120) == 0, waiting.stderr.read() if waiting.stderr else ""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"] == 24 and summary["skipped_already_done"] == 24
    assert "not processed" not in summary["outcomes"]
    docs = list((out / "docs").rglob("*.json")) + list((out / "errors").glob("*.json"))
    assert len(docs) == 24 and not list(out.rglob("*.tmp"))
    with (out / "tables" / "documents.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(list((out / "docs").rglob("*.json")))  # every result, once


# --- damaged PDFs: a flag or one line, and MuPDF never on stdout ------------------------

def test_a_truncated_pdf_is_flagged_and_stdout_stays_json(tmp_path, capfd):
    src = (CORPUS / "pdf" / "shanghai-putuo-finance-2024-final-account.pdf").read_bytes()
    half = tmp_path / "half.pdf"
    half.write_bytes(src[: len(src) // 18])  # its first pages survive, the xref is lost
    assert main([str(half), "--stdout"]) == 0
    out, err = capfd.readouterr()
    d = json.loads(out)  # MuPDF's repair messages went nowhere near stdout
    flag = next(f for f in d["flags"] if f["check"] == "pdf_repaired")
    assert flag["severity"] == "warning" and "truncated" in flag["message"]
    assert d["metadata"]["department"] == "上海市普陀区财政局"  # read from the title page kept
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(src[:20000])  # not even the page tree
    assert main([str(cut), "--stdout"]) == 2
    out, err = capfd.readouterr()
    assert out == "" and err.count("\n") == 1 and "damaged" in err


# --- exit codes (README, "Exit codes") --------------------------------------------------

def test_batch_exit_codes(tmp_path, capsys):
    good = CORPUS / "text" / "jiaxing-hrss-2024-budget.txt"
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    assert main(["batch", str(good), "-o", str(tmp_path / "a"), "-q"]) == 0
    assert main(["batch", str(good), str(bad), "-o", str(tmp_path / "b"), "-q"]) == 1
    assert main(["batch", str(bad), "-o", str(tmp_path / "c"), "-q"]) == 2  # nothing extracted
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["batch", str(empty), "-o", str(tmp_path / "d"), "-q"]) == 2  # no document
    capsys.readouterr()
    assert main(["batch", str(good), str(tmp_path / "typo.pdf"), "-o", str(tmp_path / "e")]) == 2
    err = _one_line_error(capsys)
    assert "typo.pdf: no such file or directory" in err
    assert not (tmp_path / "e").exists()  # refused before any work


def test_a_worker_killed_from_outside_then_a_rerun_completes(tmp_path):
    inputs = tmp_path / "in"
    corpus_variants(CORPUS, inputs, 30, seed=9)
    out = tmp_path / "out"
    proc = _start_batch(inputs, out)
    deadline = time.time() + 60
    workers: list[int] = []
    while time.time() < deadline and len(workers) < 2:
        workers = _children(proc.pid)
        time.sleep(0.05)
    while time.time() < deadline and len(list((out / "docs").rglob("*.json"))) < 3:
        time.sleep(0.02)
    os.kill(workers[0], signal.SIGKILL)  # the out-of-memory killer's way
    assert proc.wait(timeout=120) in (0, 1), proc.stderr.read() if proc.stderr else ""
    first = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert sum(first["outcomes"].values()) == 30 and "not processed" not in first["outcomes"]
    rerun = _start_batch(inputs, out)
    assert rerun.wait(timeout=120) in (0, 1)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert "WorkerDiedError" not in summary["errors"]  # the killed one was redone
    assert sum(summary["outcomes"].values()) == 30 and "not processed" not in summary["outcomes"]
    for p in list((out / "docs").rglob("*.json")) + list((out / "errors").glob("*.json")):
        json.loads(p.read_text(encoding="utf-8"))
    assert not list(out.rglob("*.tmp"))
    assert not [w for w in workers if _alive(w)]


def test_workers_do_not_hold_the_output_lock(tmp_path, monkeypatch):
    """The lock is released the moment the batch dies, dying workers or not."""
    from pipeline.export.lock import output_lock

    seen: list[bool] = []

    def probe(path, *a, **kw):  # in a worker: can this process take the lock itself?
        import fcntl

        fd = os.open(tmp_path / "out" / ".batch.lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            raise AssertionError("a worker could lock its parent's directory")
        except BlockingIOError:
            pass
        finally:
            os.close(fd)
        held = [fd for fd in os.listdir("/proc/self/fd")
                if os.path.basename(os.path.realpath(f"/proc/self/fd/{fd}")) == ".batch.lock"]
        raise RuntimeError(f"lock descriptors held: {len(held)}")

    monkeypatch.setattr(pipeline.run, "extract_document", probe)
    src = _inputs(tmp_path, {})
    Batch(tmp_path / "out", Settings(), workers=2, quiet=True).run([str(src)])
    reasons = {r["reason"] for r in _errors(tmp_path / "out").values()}
    assert reasons == {"RuntimeError: lock descriptors held: 0"}
    with output_lock(tmp_path / "out"):  # released at the end of the run
        seen.append(True)
    assert seen
