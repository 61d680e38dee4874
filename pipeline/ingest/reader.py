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
from pipeline.ingest.overprint import read_overprinted

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

    # MuPDF prints its own messages to stdout, which would corrupt --stdout JSON; what
    # matters of them reaches the user as the errors raised below
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)

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
            words = read_overprinted([Word(w[0], w[1], w[2], w[3], w[4]) for w in raw])
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
    """Ruling lines of a page: stroked lines, thin filled rectangles, and edges of cell boxes.
    Read from pymupdf's C-level drawing list (plain tuples): the Python-level
    ``get_drawings()`` costs three times as much for the same items."""
    turn = _turn(pg)
    out: list[Segment] = []
    for d in pg.get_cdrawings():
        for item in d["items"]:
            op = item[0]
            if op == "l":
                (ax, ay), (bx, by) = turn(item[1]), turn(item[2])
                if abs(ay - by) < 1.0 and abs(ax - bx) > 2:
                    out.append(Segment(True, (ay + by) / 2, min(ax, bx), max(ax, bx)))
                elif abs(ax - bx) < 1.0 and abs(ay - by) > 2:
                    out.append(Segment(False, (ax + bx) / 2, min(ay, by), max(ay, by)))
            elif op == "re":
                x0, y0, x1, y1 = item[1]
                _rect_edges(*_box([turn((x0, y0)), turn((x1, y1))]), out)
            elif op == "qu":
                _rect_edges(*_box([turn(q) for q in item[1]]), out)
    return out


def _turn(pg):
    """Point transform into the page as shown (identity unless the page is rotated)."""
    if not pg.rotation:
        return lambda p: p
    m = pg.rotation_matrix
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
    return lambda p: (p[0] * a + p[1] * c + e, p[0] * b + p[1] * d + f)


def _box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


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


# Page vocabulary of converter text, in one place. A marker line opens a page; a printed
# page number ("- 3 -", "—8—", "第 3 页") is the last line of one.
PAGE_MARKER = re.compile(
    r"^\s*(<!--\s*page\s*\d+\s*-->|[-=]{2,}\s*(第\s*\d+\s*页|page\s*\d+)\s*[-=]{2,}|"
    r"\[page\s*\d+\]|#+\s*page\s*\d+)\s*$", re.IGNORECASE)
PRINTED_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—－–]\s*(\d{1,3})\s*[-—－–]|第\s*(\d{1,3})\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?)\s*$")
MIN_PRINTED_PAGE_NUMBERS = 2  # printed numbers that must rise in order before they split pages
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\f")


def _read_text(path: Path, data: bytes, sha: str) -> SourceDocument:
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise UnsupportedFormatError("text is neither UTF-8 nor GB18030", path=path)
    if not text.replace("\ufeff", "").strip():
        raise EmptyDocumentError("the file has no text", path=path)
    # the text is kept as the file holds it (CRLF, a BOM): every span indexes into it
    pages = split_text_pages(text)
    return SourceDocument(path=str(path), format="text", sha256=sha, pages=pages, text=text)


def text_lines(text: str) -> tuple[list[TextLine], set[int]]:
    """The lines of ``text`` with offsets into it (CRLF, CR, LF and form feeds end a line; a
    BOM is skipped), and the indexes of lines that follow a form feed."""
    lines: list[TextLine] = []
    feeds: set[int] = set()
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        lines.append(_text_line(text, pos, m.start()))
        if m.group(0) == "\f":
            feeds.add(len(lines))
        pos = m.end()
    if pos < len(text) or not lines:
        lines.append(_text_line(text, pos, len(text)))
    return lines, feeds


def _text_line(text: str, start: int, end: int) -> TextLine:
    while start < end and text[start] == "\ufeff":
        start += 1
    return TextLine(text[start:end], start, end)


def printed_page_ends(lines: list[TextLine]) -> set[int]:
    """Indexes of the lines after printed page numbers, when those numbers rise in order."""
    found: list[tuple[int, int]] = []
    for i, ln in enumerate(lines):
        m = PRINTED_PAGE_NUMBER.match(ln.text)
        if m:
            found.append((i, int(m.group(1) or m.group(2))))
    numbers = [n for _, n in found]
    if len(found) < MIN_PRINTED_PAGE_NUMBERS or numbers != sorted(numbers):
        return set()
    return {i + 1 for i, _ in found if i + 1 < len(lines)}


def split_text_pages(text: str) -> list[Page]:
    """Split text into pages: at form feeds; else at page marker lines; else after printed
    page numbers; else, in hard-wrapped text, at lines that start with a single space
    (converters mark a page start that way)."""
    lines, breaks = text_lines(text)
    if not breaks:
        breaks = {i for i, ln in enumerate(lines) if PAGE_MARKER.match(ln.text) and i > 0}
    if not breaks:
        breaks = printed_page_ends(lines)
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
