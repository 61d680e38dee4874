"""Text in any of the encodings Chinese converters write reads as its UTF-8 original;
figure spans on CRLF and CR-only files point at their source strings."""

from __future__ import annotations

import codecs

import pytest

from pipeline.run import extract_document
from tests.conftest import CORPUS

DOC = CORPUS / "text" / "shaoxing-shangyu-hrss-2024-budget.txt"


def _essence(d) -> tuple:
    cells = [(t.kind.value, r.code, r.name, k, v.value) for t in d.tables for r in t.rows
             for k, v in r.values.items()]
    figures = [(f.kind, f.value) for f in d.figures]
    return d.metadata.model_dump(exclude={"provenance"}), cells, figures


@pytest.fixture(scope="module")
def original():
    return _essence(extract_document(DOC))


ENCODINGS = {
    "utf-16-bom": lambda t: t.encode("utf-16"),
    "utf-16-le-no-bom": lambda t: t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "gbk": lambda t: t.encode("gbk"),
    "gb18030": lambda t: t.encode("gb18030"),
    "utf-32-bom": lambda t: t.encode("utf-32"),
}


@pytest.mark.parametrize("name", ENCODINGS)
def test_every_encoding_reads_as_the_original(tmp_path, original, name):
    text = DOC.read_text(encoding="utf-8")
    p = tmp_path / f"doc-{name}.txt"
    p.write_bytes(ENCODINGS[name](text))
    d = extract_document(p)
    assert _essence(d) == original
    assert d.metadata.department  # and the checks ran on it as on the original
    assert d.checks.ran == extract_document(DOC).checks.ran


@pytest.mark.parametrize("doc", sorted((CORPUS / "text").glob("*.txt")), ids=lambda p: p.stem)
@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_figure_spans_on_crlf_and_cr_files_point_at_their_source(tmp_path, doc, newline):
    text = doc.read_text(encoding="utf-8")
    lf = extract_document(doc)
    p = tmp_path / doc.name
    p.write_bytes(text.replace("\n", newline).encode("utf-8"))
    other = p.read_bytes().decode("utf-8")
    d = extract_document(p)
    assert [(f.value, f.provenance.source) for f in d.figures] == \
           [(f.value, f.provenance.source) for f in lf.figures]
    exact_lf = sum(text[slice(*f.provenance.span)] == f.provenance.source for f in lf.figures)
    exact = sum(other[slice(*f.provenance.span)] == f.provenance.source for f in d.figures)
    assert exact == exact_lf  # the same figures as in the LF file point exactly
    for f in d.figures:  # and the others differ only by the line breaks they span
        s = other[slice(*f.provenance.span)]
        assert s.replace("\r", "").replace("\n", "") == f.provenance.source.replace("\n", "")
