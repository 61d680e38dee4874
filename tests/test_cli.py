"""The CLI on bad input: one line, a non-zero exit, never a traceback; and the JSON Schema."""

from __future__ import annotations

import json
import subprocess
import sys

import pymupdf
import pytest

from pipeline.cli import main
from tests.conftest import corpus_path


def _pdf_with_text(path, lines):
    doc = pymupdf.open()
    page = doc.new_page()
    for i, t in enumerate(lines):
        page.insert_text((72, 100 + 20 * i), t, fontname="china-s", fontsize=12)
    doc.save(path)
    return path


def _no_text_pdf(path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.draw_rect(pymupdf.Rect(50, 50, 300, 300), fill=(0.5, 0.5, 0.5))  # a "scan"
    doc.save(path)
    return path


def _encrypted_pdf(path):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "2024年部门预算", fontname="china-s")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    return path


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


CASES = {
    "missing": (lambda p: p / "nope.pdf", "no such file"),
    "directory": (lambda p: p, "is a directory"),
    "empty": (lambda p: _write(p / "e.pdf", b""), "empty"),
    "not_pdf": (lambda p: _write(p / "x.pdf", b"\x89PNG\r\n\x1a\n" + bytes(64)), "not a PDF"),
    "binary": (lambda p: _write(p / "x.bin", bytes(range(256)) * 4), "not a PDF or text file"),
    "corrupt": (lambda p: _write(p / "c.pdf", b"%PDF-1.7\n1 0 obj <<\n garbage"), "PDF"),
    "encrypted": (lambda p: _encrypted_pdf(p / "enc.pdf"), "encrypted"),
    "scanned": (lambda p: _no_text_pdf(p / "scan.pdf"), "OCR"),
    "not_disclosure_pdf": (lambda p: _pdf_with_text(p / "inv.pdf", ["Invoice 2024", "Total 12.00"]),
                           "not a budget or final-account disclosure"),
    "not_disclosure_txt": (lambda p: _write(p / "n.txt", "今天天气很好。\n".encode()),
                           "not a budget or final-account disclosure"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line(case, tmp_path, capsys):
    make, words = CASES[case]
    path = make(tmp_path)
    rc = main([str(path), "-o", str(tmp_path / "out.json")])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert err.startswith("budget-extract: error:") and err.count("\n") == 1, err
    assert words in err
    assert "Traceback" not in err
    assert not (tmp_path / "out.json").exists()


def test_console_script_summary_and_json(tmp_path):
    src = corpus_path("pdf/shanghai-putuo-finance-2024-final-account.pdf")
    out = tmp_path / "putuo.json"
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", str(src), "-o", str(out)],
                          capture_output=True, text=True, check=True)
    assert "上海市普陀区财政局, 2024 final account" in proc.stdout
    assert "standard tables found: 9" in proc.stdout
    assert "time:" in proc.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["metadata"]["year"] == 2024


def test_summary_lists_flags_most_severe_first(tmp_path, capsys):
    src = corpus_path("text/haidong-hrss-2024-budget.txt")
    assert main([str(src), "-o", str(tmp_path / "h.json")]) == 0
    out = capsys.readouterr().out
    assert "checks:" in out
    levels = [ln.split()[0] for ln in out.splitlines() if ln.startswith("  ERROR") or
              ln.startswith("  WARNING")]
    assert levels and levels == sorted(levels, key=["ERROR", "WARNING"].index)
    assert "duplicate_code" in out and "2080199" in out


def test_tolerance_options(tmp_path, capsys):
    # Putuo's 0.3 万元 total is 2,961.38 万元 off: an error, a warning under --large 5000
    src = corpus_path("pdf/shanghai-putuo-finance-2024-final-account.pdf")
    main([str(src), "-o", str(tmp_path / "a.json"), "-q"])
    strict = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    main([str(src), "-o", str(tmp_path / "b.json"), "-q", "--large", "5000"])
    loose = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    sev = {f["check"]: f["severity"] for f in strict["flags"]}
    assert sev["narrative_total"] == "error"
    assert {f["check"]: f["severity"] for f in loose["flags"]}["narrative_total"] == "warning"


def test_schema_command(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Disclosure"
    defs = schema["$defs"]
    assert defs["Amount"]["properties"]["raw"]["description"]
    assert "总计" in defs["TableRow"]["properties"]["is_total"]["description"] or \
        "合计" in defs["TableRow"]["properties"]["is_total"]["description"]
    assert set(defs["TableKind"]["enum"]) >= {"income_expenditure_summary", "three_public"}
