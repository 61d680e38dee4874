"""Open a PDF or text file, with a precise error for every kind of bad input."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pipeline.errors import (
    CorruptPDFError,
    EmptyDocumentError,
    EncryptedPDFError,
    NoTextLayerError,
    NotFoundError,
    UnsupportedFormatError,
)
from pipeline.ingest.model import Page, Segment, SourceDocument, TextLine, Word

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def read_document(path: str | Path) -> SourceDocument:
    """Read ``path`` (PDF, .txt or .md) into pages, raising an ``InputError`` subclass if bad."""
    p = Path(path)
    if not p.exists():
        raise NotFoundError("no such file", path=p)
    if p.is_dir():
        raise UnsupportedFormatError("is a directory, not a file", path=p)
    data = p.read_bytes()
    if not data.strip():
        raise EmptyDocumentError("the file is empty", path=p)
    sha = hashlib.sha256(data).hexdigest()
    if data[:1024].lstrip().startswith(b"%PDF"):
        return _read_pdf(p, data, sha)
    if p.suffix.lower() == ".pdf":
        raise CorruptPDFError("named .pdf but is not a PDF file (no %PDF header)", path=p)
    if p.suffix.lower() in TEXT_SUFFIXES or _looks_textual(data):
        return _read_text(p, data, sha)
    raise UnsupportedFormatError(
        "not a PDF or text file; give a .pdf with a text layer, or a .txt/.md", path=p
    )


def _looks_textual(data: bytes) -> bool:
    head = data[:4096]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        return e.start > len(head) - 4  # cut inside a multi-byte character


def _read_pdf(path: Path, data: bytes, sha: str) -> SourceDocument:
    import pymupdf

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as e:
        raise CorruptPDFError(f"cannot be opened as a PDF ({e})", path=path) from None
    if doc.needs_pass:
        raise EncryptedPDFError("the PDF is encrypted; remove the password first", path=path)
    if doc.page_count == 0:
        raise EmptyDocumentError("the PDF has no pages", path=path)
    pages: list[Page] = []
    try:
        for i, pg in enumerate(doc):
            raw = pg.get_text("words")
            if pg.rotation:
                # pymupdf reports unrotated coordinates: turn them as the page is shown
                m = pg.rotation_matrix
                raw = [(*(pymupdf.Rect(w[:4]) * m), w[4]) for w in raw]
            words = [Word(w[0], w[1], w[2], w[3], w[4]) for w in raw]
            segs = _segments(pg) if words else []
            pages.append(
                Page(number=i + 1, width=pg.rect.width, height=pg.rect.height,
                     words=words, segments=segs)
            )
    except Exception as e:
        raise CorruptPDFError(f"cannot be parsed ({e})", path=path, page=len(pages) + 1) from None
    if not any(p.words for p in pages):
        raise NoTextLayerError(
            f"none of its {len(pages)} pages has a text layer (scanned images?); run OCR first, "
            "e.g. `ocrmypdf --language chi_sim in.pdf out.pdf`",
            path=path,
        )
    return SourceDocument(path=str(path), format="pdf", sha256=sha, pages=pages,
                          title=_decode_title((doc.metadata or {}).get("title") or ""))


def _decode_title(title: str) -> str:
    """Titles written as hex strings of GBK bytes (old Windows tools) are decoded."""
    m = re.fullmatch(r"<([0-9A-Fa-f]+)>", title.strip())
    if m and len(m.group(1)) % 2 == 0:
        try:
            return bytes.fromhex(m.group(1)).decode("gb18030")
        except (UnicodeDecodeError, ValueError):
            return title
    return title


def _segments(pg) -> list[Segment]:
    """Ruling lines of a page: stroked lines, thin filled rectangles, and edges of cell boxes."""
    import pymupdf

    m = pg.rotation_matrix if pg.rotation else None
    out: list[Segment] = []
    for d in pg.get_drawings():
        for item in d["items"]:
            op = item[0]
            if op == "l":
                a, b = item[1], item[2]
                if m is not None:
                    a, b = a * m, b * m
                if abs(a.y - b.y) < 1.0 and abs(a.x - b.x) > 2:
                    out.append(Segment(True, (a.y + b.y) / 2, min(a.x, b.x), max(a.x, b.x)))
                elif abs(a.x - b.x) < 1.0 and abs(a.y - b.y) > 2:
                    out.append(Segment(False, (a.x + b.x) / 2, min(a.y, b.y), max(a.y, b.y)))
            elif op == "re":
                r = item[1] if m is None else pymupdf.Rect(item[1]) * m
                _rect_edges(r.x0, r.y0, r.x1, r.y1, out)
            elif op == "qu":
                r = item[1].rect if m is None else item[1].rect * m
                _rect_edges(r.x0, r.y0, r.x1, r.y1, out)
    return out


def _rect_edges(x0: float, y0: float, x1: float, y1: float, out: list[Segment]) -> None:
    w, h = x1 - x0, y1 - y0
    if w <= 0 and h <= 0:
        return
    if h < 2.5 and w > 2:
        out.append(Segment(True, (y0 + y1) / 2, x0, x1))
    elif w < 2.5 and h > 2:
        out.append(Segment(False, (x0 + x1) / 2, y0, y1))
    elif w > 2 and h > 2:
        out.extend([
            Segment(True, y0, x0, x1), Segment(True, y1, x0, x1),
            Segment(False, x0, y0, y1), Segment(False, x1, y0, y1),
        ])


_PAGE_NUMBER = re.compile(r"^\s*[-—－]?\s*\d{1,3}\s*[-—－]?\s*$")


def _read_text(path: Path, data: bytes, sha: str) -> SourceDocument:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise UnsupportedFormatError("text is neither UTF-8 nor GB18030", path=path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyDocumentError("the file has no text", path=path)
    pages = split_text_pages(text)
    return SourceDocument(path=str(path), format="text", sha256=sha, pages=pages, text=text)


def split_text_pages(text: str) -> list[Page]:
    """Split text into pages at form feeds, or, in hard-wrapped text, at lines that start
    with a single space (converters mark a page start that way)."""
    lines: list[TextLine] = []
    breaks: set[int] = set()
    for m in re.finditer(r"[^\n\f]*(\n|\f|$)", text):
        if m.start() == len(text) and lines:
            break
        body = m.group(0).rstrip("\n\f")
        if m.group(1) == "\f":
            breaks.add(len(lines) + 1)  # the next line starts a page
        lines.append(TextLine(body, m.start(), m.start() + len(body)))
    if not breaks:
        body_lines = [ln for ln in lines if ln.text.strip()]
        single = [i for i, ln in enumerate(lines)
                  if re.match(r"^ [^\s]", ln.text) and "\t" not in ln.text]
        # only a document whose lines otherwise start flush left marks pages this way
        if body_lines and 2 <= len(single) <= len(body_lines) * 0.2:
            breaks = {i for i in single if i > 0}
    pages: list[Page] = []
    cur: list[TextLine] = []
    for i, ln in enumerate(lines):
        if i in breaks and cur:
            pages.append(Page(number=len(pages) + 1, lines=cur))
            cur = []
        cur.append(ln)
    pages.append(Page(number=len(pages) + 1, lines=cur))
    return pages
