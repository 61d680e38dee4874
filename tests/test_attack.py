"""Hostile inputs, as an attacker or a careless user would give them, in single-file mode
and in a batch: each ends in a correct result, or one accurate line and a non-zero exit,
within the default limits (each well under 30 s and 2 GB)."""

from __future__ import annotations

import codecs
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf
import pytest

from pipeline.batch import Batch, Settings
from pipeline.cli import main
from pipeline.run import extract_document
from tests.conftest import CORPUS, ROOT
from tests.hostile import (
    deeply_nested_pdf,
    many_words_pdf,
    pages_pdf,
    streamed_inflating_pdf,
    zero_page_pdf,
)
from tests.test_cli import _encrypted_pdf, _no_text_pdf, _pdf_with_text

PDF = CORPUS / "pdf" / "shanghai-putuo-finance-2024-final-account.pdf"
TEXT = CORPUS / "text" / "jiaxing-hrss-2024-budget.txt"
SECONDS_EACH = 30
MEMORY_EACH_KB = 2 * 1024 * 1024
ANY = "any"  # a correct result or a one-line reason: either is right for this input


@dataclass
class Case:
    name: str
    build: Callable[[Path], object]  # writes the input at the given path
    expect: str  # "ok" (the same department as the original), ANY, or a part of the reason
    original: Path | None = None  # for "ok": the corpus document it was made from
    batch: bool = True  # a file a batch takes as an input


def _bytes(data: bytes) -> Callable[[Path], object]:
    return lambda p: p.write_bytes(data)


def _text(encode: Callable[[str], bytes], src: Path = TEXT) -> Callable[[Path], object]:
    return lambda p: p.write_bytes(encode(src.read_text(encoding="utf-8")))


def _copy(src: Path) -> Callable[[Path], object]:
    return lambda p: p.write_bytes(src.read_bytes())


def _cut(fraction: float) -> Callable[[Path], object]:
    return lambda p: p.write_bytes(PDF.read_bytes()[: int(PDF.stat().st_size * fraction)])


def _broken_xref(p: Path) -> None:
    data = PDF.read_bytes()
    at = data.rindex(b"startxref")
    p.write_bytes(data[:at] + b"startxref\n999999999\n%%EOF\n")


def _damaged_objects(p: Path) -> None:
    data = bytearray(PDF.read_bytes())
    start, end = len(data) * 4 // 10, len(data) * 6 // 10
    data[start:end] = random.Random(1).randbytes(end - start)
    p.write_bytes(bytes(data))


def _owner_password_only(p: Path) -> None:
    doc = pymupdf.open(PDF)
    doc.save(p, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="",
             permissions=pymupdf.PDF_PERM_PRINT)


def _javascript_and_attachment(p: Path) -> None:
    doc = pymupdf.open(PDF)
    doc.embfile_add("payload.exe", b"MZ" + b"\0" * 1000, filename="payload.exe")
    js = doc.get_new_xref()
    doc.update_object(js, "<< /S /JavaScript /JS (app.alert('hi'); this.exportDataObject()) >>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{js} 0 R")
    doc.save(p)


def _huge_page(p: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=14400, height=14400)  # the largest page PDF allows
    page.insert_text((72, 72), "2024年部门预算", fontname="china-s", fontsize=12)
    doc.save(p)


def _symlink_loop(p: Path) -> None:
    other = p.with_name(p.name + ".other")
    other.symlink_to(p)
    p.symlink_to(other)


def _broken_link(p: Path) -> None:
    p.symlink_to(p.with_name("nowhere.pdf"))


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _directory(p: Path) -> None:
    p.mkdir()


def _many_words_text(p: Path) -> None:
    p.write_text("2024年部门预算\n" + "1 " * 200_000, encoding="utf-8")


def _long_line(p: Path) -> None:
    p.write_text("预算" * 1_500_000, encoding="utf-8")  # 9 MB, one line, no space


CASES = [
    Case("empty.pdf", _bytes(b""), "the file is empty"),
    Case("empty.txt", _bytes(b""), "the file is empty"),
    Case("blank.txt", _bytes(b" \n\n\t \r\n"), "the file is empty"),
    Case("random.pdf", _bytes(random.Random(2).randbytes(65536)), "is not a PDF file"),
    Case("random-named.txt", _bytes(random.Random(3).randbytes(65536)), "binary data, not text"),
    Case("random.bin", _bytes(random.Random(4).randbytes(65536)), "not a PDF or text file"),
    Case("nuls.txt", _bytes(b"\0" * 5000), "binary data, not text"),
    Case("header-only.pdf", _bytes(b"%PDF-1.7\n"), "damaged"),
    Case("truncated-half.pdf", _cut(1 / 18), "ok", PDF),  # flagged pdf_repaired
    Case("truncated-early.pdf", _cut(0.005), "damaged"),
    Case("broken-xref.pdf", _broken_xref, "ok", PDF),
    Case("damaged-objects.pdf", _damaged_objects, ANY),
    Case("zero-pages.pdf", zero_page_pdf, "no pages"),
    Case("encrypted-user-password.pdf", _encrypted_pdf, "encrypted; remove the password"),
    Case("encrypted-owner-password-only.pdf", _owner_password_only, "ok", PDF),
    Case("image-only.pdf", _no_text_pdf, "run OCR first"),
    Case("javascript-and-attachment.pdf", _javascript_and_attachment, "ok", PDF),
    Case("5000-pages.pdf", lambda p: pages_pdf(p, 5000), "5000 pages is over the 400-page limit"),
    Case("huge-page.pdf", _huge_page, "no standard budget table and no narrative section"),
    Case("deep-nesting.pdf", deeply_nested_pdf, "MuPDF reports 'exception stack overflow"),
    Case("inflate-bomb.pdf", lambda p: streamed_inflating_pdf(p, 300),
         "inflate to over the 256 MB limit"),
    Case("200000-words.pdf", lambda p: many_words_pdf(p, 200_000), "over the 20000-word limit"),
    Case("200000-words.txt", _many_words_text, "over the 20000-word limit"),
    Case("21mb.txt", lambda p: p.write_bytes(b"1 2\n" * (21 << 18)), "over the 20 MB limit"),
    Case("one-9mb-line.txt", _long_line, "not a budget or final-account disclosure"),
    Case("not-a-disclosure.txt", _bytes("今天天气很好。我们去公园散步，看到了很多花。\n".encode() * 50),
         "not a budget or final-account disclosure"),
    Case("invoice.pdf", lambda p: _pdf_with_text(p, ["Invoice 2024", "Total 12.00"]),
         "not a budget or final-account disclosure"),
    Case("json-named.md", _bytes(json.dumps({"budget": 2024, "a": [1, 2, 3]}).encode()),
         "not a budget or final-account disclosure"),
    Case("gbk.txt", _text(lambda t: t.encode("gbk")), "ok", TEXT),
    Case("gb18030.txt", _text(lambda t: t.encode("gb18030")), "ok", TEXT),
    Case("utf-16.txt", _text(lambda t: t.encode("utf-16")), "ok", TEXT),
    Case("utf-16-le-no-bom.txt", _text(lambda t: t.encode("utf-16-le")), "ok", TEXT),
    Case("utf-8-bom.txt", _text(lambda t: codecs.BOM_UTF8 + t.encode()), "ok", TEXT),
    Case("cr-only.txt", _text(lambda t: t.replace("\n", "\r").encode()), "ok", TEXT),
    Case("crlf.txt", _text(lambda t: t.replace("\n", "\r\n").encode()), "ok", TEXT),
    Case("directory.pdf", _directory, "is a directory", batch=False),
    Case("symlink-loop.pdf", _symlink_loop, "a symbolic link loop"),
    Case("broken-link.pdf", _broken_link, "a broken symbolic link"),
    Case("fifo.txt", _fifo, "not a regular file"),
    Case(" spaces & 中文 (1).txt", _copy(TEXT), "ok", TEXT),
    Case("-starts-with-a-dash.txt", _copy(TEXT), "ok", TEXT),
    Case("new\nline.txt", _copy(TEXT), "ok", TEXT),
    Case(os.fsdecode(b"not-utf8-\xff\xfe.txt"), _copy(TEXT), "ok", TEXT),
    Case("长" * 80 + ".txt", _copy(TEXT), "ok", TEXT),  # 243 bytes: near the 255 limit
]


def test_there_are_at_least_40_hostile_inputs():
    assert len(CASES) + len(OUTPUT_CASES) >= 40


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    made = {}
    for case in CASES:
        p = d / case.name
        case.build(p)
        made[case.name] = p
    return made


@pytest.fixture(scope="module")
def departments() -> dict[Path, str]:
    return {src: extract_document(src).metadata.department for src in (PDF, TEXT)}


def _check_single(case: Case, path: Path, tmp_path: Path, capfd, departments) -> None:
    out = tmp_path / "out.json"
    t0 = time.perf_counter()
    rc = main([str(path), "-o", str(out), "-q"])
    seconds = time.perf_counter() - t0
    stdout, stderr = capfd.readouterr()
    assert seconds < SECONDS_EACH, f"{case.name}: {seconds:.1f} s"
    assert "Traceback" not in stderr and stdout == "", case.name
    if rc == 0 and case.expect in ("ok", ANY):
        d = json.loads(out.read_text(encoding="utf-8"))
        if case.original is not None:
            assert d["metadata"]["department"] == departments[case.original], case.name
        return
    assert case.expect != "ok", f"{case.name}: exit {rc}: {stderr}"
    assert rc == 2, f"{case.name}: exit {rc}: {stderr}"
    assert stderr.count("\n") == 1 and stderr.startswith("budget-extract: error: "), stderr
    if case.expect != ANY:
        assert case.expect in stderr, f"{case.name}: {stderr}"


def test_each_hostile_input_alone(inputs, tmp_path, capfd, departments):
    for case in CASES:
        _check_single(case, inputs[case.name], tmp_path, capfd, departments)
    repaired = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))  # the last ok
    assert repaired["metadata"]["department"] == departments[TEXT]
    # every child process that extracted one stayed under the memory bound
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < MEMORY_EACH_KB


def test_the_truncated_pdfs_say_they_were_repaired(inputs, tmp_path, capfd):
    for name in ("truncated-half.pdf", "broken-xref.pdf"):
        assert main([str(inputs[name]), "--stdout"]) == 0
        d = json.loads(capfd.readouterr().out)
        assert any(f["check"] == "pdf_repaired" for f in d["flags"]), name


def _by_every_name(rows) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in rows:
        for src in [r["source"], *(r.get("same_content_as") or "").split(";")]:
            if src:
                out[Path(src).name] = r
    return out


def test_all_hostile_inputs_in_one_batch(inputs, tmp_path, departments):
    files = [str(inputs[c.name]) for c in CASES if c.batch]
    out = tmp_path / "out"
    t0 = time.perf_counter()
    summary = Batch(out, Settings(), workers=2, quiet=True).run(files)
    assert time.perf_counter() - t0 < 120
    assert summary["documents"] == len(files) and "not processed" not in summary["outcomes"]
    # a file with the content of another is recorded once, under its first name, the
    # others named in same_content_as
    with (out / "tables" / "errors.csv").open(encoding="utf-8") as f:
        errors = _by_every_name(csv.DictReader(f))
    with (out / "tables" / "documents.csv").open(encoding="utf-8") as f:
        docs = _by_every_name(csv.DictReader(f))
    for case in CASES:
        if not case.batch:
            continue
        name = Path(os.fsencode(case.name).decode("utf-8", "replace")).name
        if case.expect == "ok":
            assert name in docs, f"{case.name}: {errors.get(name)}"
            assert docs[name]["department"] == departments[case.original]  # type: ignore[index]
        elif case.expect == ANY:
            assert name in docs or name in errors
        else:
            assert case.expect in errors[name]["reason"], (case.name, errors[name])
    for rec in list((out / "errors").glob("*.json")) + list((out / "docs").rglob("*.json")):
        r = json.loads(rec.read_text(encoding="utf-8"))
        assert "\n" not in r.get("reason", "") and r.get("seconds", 0) < SECONDS_EACH
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < MEMORY_EACH_KB  # workers


# --- where the output goes: one line naming the place, exit 73 --------------------------

@dataclass
class OutputCase:
    name: str
    target: Callable[[Path], Path]  # the -o path, given a scratch directory
    expect: str
    rlimit_fsize: int | None = None
    args: list[str] = field(default_factory=list)


def _existing_dir(d: Path) -> Path:
    (d / "adir").mkdir()
    return d / "adir"


def _under_a_file(d: Path) -> Path:
    (d / "afile").write_text("x")
    return d / "afile" / "x.json"


OUTPUT_CASES = [
    OutputCase("output under a file", _under_a_file, "Not a directory"),
    OutputCase("output in a read-only place", lambda d: Path("/proc/budget-extract.json"),
               "cannot write here"),
    OutputCase("disk quota (RLIMIT_FSIZE)", lambda d: d / "q.json",
               "the disk is full or a quota is reached", rlimit_fsize=32 * 1024),
]


@pytest.mark.parametrize("case", OUTPUT_CASES, ids=lambda c: c.name)
def test_unwritable_outputs_single_file(case, tmp_path):
    target = case.target(tmp_path)
    p = _cli([str(TEXT), "-o", str(target)], case.rlimit_fsize)
    assert p.returncode == 73, p.stderr
    assert p.stderr.count("\n") == 1 and str(target) in p.stderr and case.expect in p.stderr
    assert ".tmp" not in p.stderr


def test_output_into_an_existing_directory_goes_inside_it(tmp_path):
    target = _existing_dir(tmp_path)
    p = _cli([str(TEXT), "-o", str(target), "-q"], None)
    assert p.returncode == 0, p.stderr
    assert json.loads((target / f"{TEXT.stem}.json").read_text(encoding="utf-8"))["tables"]


def test_disk_quota_in_a_batch_is_one_line_naming_the_file(tmp_path):
    out = tmp_path / "out"
    p = _cli(["batch", str(TEXT), str(CORPUS / "text" / "haidong-hrss-2024-budget.txt"),
              "-o", str(out), "-q"], 32 * 1024)
    assert p.returncode == 73, p.stderr
    assert p.stderr.count("\n") == 1 and str(out) in p.stderr
    assert "the disk is full or a quota is reached" in p.stderr
    p = _cli(["batch", str(TEXT), str(CORPUS / "text" / "haidong-hrss-2024-budget.txt"),
              "-o", str(out), "-q"], None)  # room again: the rerun completes
    assert p.returncode == 0, p.stderr
    assert len(list((out / "docs").rglob("*.json"))) == 2


def _cli(args: list[str], fsize: int | None) -> subprocess.CompletedProcess:
    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, preexec_fn=limit)
