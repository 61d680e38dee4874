"""The guard on converter text of real documents the rules were not written for: the
fourteen development-set PDFs with hand-read gold (eval/gold-realworld) are converted here,
as a user would, by poppler's pdftotext (default, -layout, -raw) and pymupdf's get_text(),
and each converter's text must score at least eval/thresholds-realworld-text.json against
the same gold. The gold was read from the pages, so these scores measure the text path on
layouts it was not written for."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pymupdf
import pytest

from pipeline.evaluate import check_thresholds, run_eval
from tests.conftest import corpus_path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "gold-realworld"
THRESHOLDS = json.loads((ROOT / "eval" / "thresholds-realworld-text.json").read_text(encoding="utf-8"))
PDFTOTEXT = {"pdftotext": [], "pdftotext-layout": ["-layout"], "pdftotext-raw": ["-raw"]}


def _gold_pdfs() -> list[Path]:
    return [corpus_path(f"realworld/{g.name.removesuffix('.gold.json')}")
            for g in sorted(GOLD.glob("*.pdf.gold.json"))]


def _convert(converter: str, pdf: Path, out: Path) -> None:
    if converter == "pymupdf":
        with pymupdf.open(pdf) as doc:
            out.write_text("\f".join(page.get_text() for page in doc), encoding="utf-8")
        return
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext is missing: install poppler-utils (`make test` does as root)"
    subprocess.run([exe, *PDFTOTEXT[converter], str(pdf), str(out)], check=True, timeout=60)


@pytest.mark.parametrize("converter", sorted(THRESHOLDS["converters"]))
def test_real_documents_converted_to_text_meet_the_thresholds(converter, tmp_path):
    pdfs = _gold_pdfs()
    for pdf in pdfs:
        _convert(converter, pdf, tmp_path / f"{pdf.stem}.txt")
    report = run_eval(GOLD, [tmp_path], match_stem=True)
    assert set(report["pairing"]["documents"]) == {p.name for p in pdfs}
    assert not [n for n, d in report["documents"].items() if d["error"]]
    fails = check_thresholds(report, THRESHOLDS["converters"][converter])
    assert not fails, f"{converter}: below eval/thresholds-realworld-text.json:\n" + "\n".join(fails)
