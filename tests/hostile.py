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


def raw_pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF written by hand: ``objects`` numbered from 1 (1 is the catalog), with a
    correct xref table, for structures pymupdf would refuse to write."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def zero_page_pdf(path: Path) -> Path:
    return raw_pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>",
                          b"<< /Type /Pages /Kids [] /Count 0 >>"])


def deeply_nested_pdf(path: Path, depth: int = 100_000) -> Path:
    """A page whose resources hold an array nested ``depth`` deep and whose content nests
    the graphics state ``depth`` deep."""
    nested = b"[" * depth + b"]" * depth
    content = b"q " * depth + b"BT /F1 12 Tf 72 720 Td (2024) Tj ET " + b"Q " * depth
    return raw_pdf(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> "
        b"/X " + nested + b" >> >>",
        stream(content),
    ])


def streamed_inflating_pdf(path: Path, inflated_mb: int) -> Path:
    """Like ``inflating_pdf`` but compressed in steps: no ``inflated_mb`` buffer is held."""
    inner = zlib.compressobj(9)
    parts = [inner.compress(b"BT /F1 12 Tf 72 720 Td (2024) Tj ET\n")]
    block = b" " * (1 << 20)
    parts += [inner.compress(block) for _ in range(inflated_mb)]
    parts.append(inner.flush())
    twice = zlib.compress(b"".join(parts), 9)
    return raw_pdf(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        stream(twice, b"/Filter [/FlateDecode /FlateDecode]"),
    ])


def many_words_pdf(path: Path, words: int) -> Path:
    """One page holding ``words`` tiny words."""
    doc = pymupdf.open()
    page = doc.new_page(width=2000, height=2000)
    per_line = 400
    line = " ".join(["1"] * per_line)
    text = "\n".join([line] * (words // per_line))
    page.insert_text((2, 2), text, fontsize=1, lineheight=1)
    doc.save(path, garbage=0, deflate=True)
    return path


def pages_pdf(path: Path, n: int) -> Path:
    """``n`` pages sharing one content stream."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(n))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 3 0 R >>"
    return raw_pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>",
                          b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
                          stream(b"BT /F1 12 Tf 20 20 Td (2024) Tj ET")] + [page] * n)
