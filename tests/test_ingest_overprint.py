"""Overprinted text (issue 11, pattern 4): some PDFs draw every character several times at
one place; headers then read 收收收入入入 and figures 111222...555. These PDFs are built
here with the glyphs repeated at offsets, and read back through the real ingest."""

from __future__ import annotations

import pymupdf

from pipeline.ingest import read_document
from pipeline.ingest.overprint import collapse_overprint


def _fake_bold_digits(path, offset: float) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "x", fontname="helv", fontsize=10)  # registers /helv
    xref = page.get_contents()[0]
    parts = [f"({ch}) Tj {offset} 0 Td ({ch}) Tj {offset} 0 Td ({ch}) Tj {adv - 2 * offset} 0 Td"
             for ch, adv in (("1", 5.56), ("2", 5.56), (".", 2.78), ("5", 5.56))]
    stream = ("BT /helv 10 Tf 72 700 Td " + " ".join(parts) + " ET").encode()
    doc.update_stream(xref, doc.xref_stream(xref) + b"\n" + stream)
    doc.save(path)


def test_glyphs_repeated_at_an_offset_are_read_once(tmp_path):
    path = tmp_path / "bold.pdf"
    _fake_bold_digits(path, 1.0)
    raw = [w[4] for w in pymupdf.open(path)[0].get_text("words")]
    assert "111222...555" in raw  # what the text layer says
    words = [w.text for w in read_document(path).pages[0].words]
    assert "12.5" in words and "111222...555" not in words


def test_a_word_drawn_again_beside_itself_is_one_word(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    for k in range(3):
        page.insert_text((72 + 0.8 * k, 72), "收入总计", fontname="china-s", fontsize=10)
    page.insert_text((72, 120), "收入总计", fontname="china-s", fontsize=10)  # another line
    doc.save(tmp_path / "copies.pdf")
    words = [w.text for w in read_document(tmp_path / "copies.pdf").pages[0].words]
    assert words == ["收入总计", "收入总计"]


def test_real_repeated_digits_are_kept():
    """1100 printed normally: its box is as wide as four digits, so nothing collapses."""
    assert collapse_overprint("1100", width=4 * 5.6, height=14) == "1100"
    assert collapse_overprint("收收收入入入", width=2 * 10.5, height=14) == "收入"
    assert collapse_overprint("收收入入", width=4 * 10, height=14) == "收收入入"
