"""Hostile inputs the reliability tests build: each a small file made to hurt."""

from __future__ import annotations

import zlib
from pathlib import Path

import pymupdf


def inflating_pdf(path: Path, inflated_mb: int) -> Path:
    """A one-page PDF whose content stream is Flate-compressed twice: a few KB on disk,
    ``inflated_mb`` MB once inflated (blank space after a line of text)."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "2024年部门预算", fontname="china-s")
    xref = page.get_contents()[0]
    content = doc.xref_stream(xref) + b" " * (inflated_mb << 20)
    twice = zlib.compress(zlib.compress(content, 9), 9)
    doc.update_stream(xref, twice, compress=False)
    doc.xref_set_key(xref, "Filter", "[/FlateDecode /FlateDecode]")
    doc.save(path)
    return path
