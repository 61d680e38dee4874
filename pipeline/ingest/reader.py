"""Open a PDF or text file, with a precise error for every kind of bad input."""

from __future__ import annotations

import codecs
import errno
import hashlib
import re
import stat
import zlib
from pathlib import Path

from pipeline.errors import (
    CorruptPDFError,
    EmptyDocumentError,
    EncryptedPDFError,
    NoTextLayerError,
    NotFoundError,
    TooLargeError,
    UnsupportedFormatError,
)
from pipeline.ingest.model import Page, Segment, SourceDocument, TextLine, Word
from pipeline.ingest.overprint import read_overprinted
from pipeline.limits import DEFAULT_LIMITS, MB, Limits

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def read_document(path: str | Path, limits: Limits | None = None) -> SourceDocument:
    """Read ``path`` (PDF, .txt or .md) into pages, raising an ``InputError`` subclass if bad
    or over one of ``limits`` (file size, text size, pages, words per page, inflated
    streams; default ``DEFAULT_LIMITS``)."""
    limits = limits or DEFAULT_LIMITS
    p = Path(path)
    size = file_size(p)
    if size > limits.file_mb * MB:
        raise TooLargeError(f"{size / MB:.0f} MB is over the {limits.file_mb:g} MB file limit "
                            "(--max-mb)", path=p)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise NotFoundError(f"cannot be read ({e.strerror or e})", path=p) from None
    if not data.strip():
        raise EmptyDocumentError("the file is empty", path=p)
    sha = hashlib.sha256(data).hexdigest()
    if data[:1024].lstrip().startswith(b"%PDF"):
        return _read_pdf(p, data, sha, limits)
    if p.suffix.lower() == ".pdf":
        raise CorruptPDFError("named .pdf but is not a PDF file (no %PDF header)", path=p)
    if p.suffix.lower() in TEXT_SUFFIXES or _looks_textual(data):
        return _read_text(p, data, sha, limits)
    raise UnsupportedFormatError(
        "not a PDF or text file; give a .pdf with a text layer, or a .txt/.md", path=p
    )


def printable(path: str | Path) -> str:
    """A path as text that any output can hold: bytes of a file name that are not UTF-8
    (kept by Python as surrogates) become U+FFFD."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def file_size(p: Path) -> int:
    """The file's size, or the precise reason it cannot be read."""
    try:
        st = p.stat()
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise NotFoundError("a symbolic link loop, not a file", path=p) from None
        if e.errno in (errno.EACCES, errno.EPERM):
            raise NotFoundError("permission denied", path=p) from None
        if e.errno == errno.ENAMETOOLONG:
            raise NotFoundError("the file name is too long", path=p) from None
        what = "a broken symbolic link" if p.is_symlink() else "no such file"
        raise NotFoundError(what, path=p) from None
    if stat.S_ISDIR(st.st_mode):
        raise UnsupportedFormatError("is a directory, not a file", path=p)
    if not stat.S_ISREG(st.st_mode):
        raise UnsupportedFormatError("not a regular file (a device, pipe or socket)", path=p)
    return st.st_size


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks (the ``sha256`` of its extraction)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _looks_textual(data: bytes) -> bool:
    head = data[:4096]
    if _bom_encoding(head) or _utf16_without_bom(head):
        return True
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        return e.start > len(head) - 4  # cut inside a multi-byte character


def _open_pdf(path: Path, data: bytes):
    import pymupdf

    # MuPDF prints its own messages to stdout, which would corrupt --stdout JSON: they are
    # kept in its warning buffer instead, and a repair becomes the pdf_repaired flag
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    pymupdf.TOOLS.reset_mupdf_warnings()
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
        encrypted = doc.needs_pass
        count = 0 if encrypted else doc.page_count
    except Exception as e:
        raise CorruptPDFError(f"cannot be opened as a PDF, its structure is damaged "
                              f"({_one_line(e)})", path=path) from None
    if encrypted:
        raise EncryptedPDFError("the PDF is encrypted; remove the password first", path=path)
    if count == 0:
        what = "damaged: no page could be found" if doc.is_repaired else "the PDF has no pages"
        raise (CorruptPDFError if doc.is_repaired else EmptyDocumentError)(what, path=path)
    return doc, count


def _read_pdf(path: Path, data: bytes, sha: str, limits: Limits) -> SourceDocument:
    import pymupdf

    doc, count = _open_pdf(path, data)
    if count > limits.pages:
        raise TooLargeError(f"{count} pages is over the {limits.pages}-page limit (--max-pages)",
                            path=path)
    _check_inflated_size(doc, path, limits)
    pages: list[Page] = []
    try:
        for i, pg in enumerate(doc):
            raw = pg.get_text("words")
            if len(raw) > limits.words_per_page:
                raise TooLargeError(f"{len(raw)} words on one page is over the "
                                    f"{limits.words_per_page}-word limit (--max-words-per-page)",
                                    path=path, page=i + 1)
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
    except TooLargeError:
        raise
    except MemoryError:
        raise
    except Exception as e:
        raise CorruptPDFError(f"cannot be parsed ({_one_line(e)})", path=path,
                              page=len(pages) + 1) from None
    warnings = [w for w in pymupdf.TOOLS.mupdf_warnings().splitlines() if w.strip()]
    pymupdf.TOOLS.reset_mupdf_warnings()
    if not any(p.words for p in pages):
        damaged = " (it is damaged: MuPDF had to repair it)" if doc.is_repaired else ""
        if warnings:  # MuPDF could not read what is there: say why, not "scanned"
            raise CorruptPDFError(f"no text could be read from its {len(pages)} pages: MuPDF "
                                  f"reports '{warnings[0]}'", path=path)
        raise NoTextLayerError(
            f"none of its {len(pages)} pages has a text layer{damaged} (scanned images?); "
            "run OCR first, e.g. `ocrmypdf --language chi_sim in.pdf out.pdf`",
            path=path,
        )
    return SourceDocument(path=str(path), format="pdf", sha256=sha, pages=pages,
                          title=_decode_title((doc.metadata or {}).get("title") or ""),
                          repaired=bool(doc.is_repaired), warnings=warnings[:MAX_WARNINGS_KEPT])


MAX_WARNINGS_KEPT = 20


def _one_line(e: BaseException) -> str:
    return re.sub(r"\s+", " ", str(e)).strip()[:200] or type(e).__name__


def _check_inflated_size(doc, path: Path, limits: Limits) -> None:
    """Refuse a PDF whose streams (images aside: text extraction never decodes them)
    inflate beyond ``limits.decompressed_mb`` in all: a few KB can inflate to gigabytes."""
    budget = int(limits.decompressed_mb * MB)
    total = 0
    for xref in range(1, doc.xref_length()):
        try:
            if not doc.xref_is_stream(xref) or doc.xref_get_key(xref, "Subtype")[1] == "/Image":
                continue
            filters = _filters(doc.xref_get_key(xref, "Filter"))
            raw = doc.xref_stream_raw(xref) if filters else b""
        except Exception:
            continue  # a damaged object: MuPDF reports it where it matters
        size = _inflated_size(raw or b"", filters, budget - total)
        if size is None:
            raise TooLargeError(f"its streams inflate to over the {limits.decompressed_mb:g} MB "
                                "limit (--max-decompressed-mb)", path=path)
        total += size


def _filters(key: tuple[str, str]) -> list[str]:
    kind, value = key
    if kind == "name":
        return [value]
    if kind == "array":
        return re.findall(r"/\w+", value)
    return []


def _inflated_size(raw: bytes, filters: list[str], cap: int) -> int | None:
    """Bytes after the leading Flate filters (at most ``cap``), None beyond ``cap``."""
    data = raw
    flates = 0
    for f in filters:
        if f not in ("/FlateDecode", "/Fl"):
            break
        flates += 1
    if not flates:
        return len(raw)
    for stage in range(flates):
        last = stage == flates - 1
        size, data = _inflate_capped(data, cap, keep=not last)
        if size is None:
            return None
    return size


def _inflate_capped(data: bytes, cap: int, keep: bool) -> tuple[int | None, bytes]:
    """Inflate ``data`` in steps, giving up past ``cap`` bytes; a broken stream counts as
    far as it inflates."""
    d = zlib.decompressobj()
    parts: list[bytes] = []
    n = 0
    buf = data
    try:
        while buf and not d.eof:
            chunk = d.decompress(buf, min(INFLATE_STEP, cap - n + 1))
            n += len(chunk)
            if n > cap:
                return None, b""
            if keep:
                parts.append(chunk)
            if not chunk and len(d.unconsumed_tail) == len(buf):
                break  # no progress: a broken stream
            buf = d.unconsumed_tail
    except zlib.error:
        pass
    return n, b"".join(parts)


INFLATE_STEP = 16 * MB


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


def _read_text(path: Path, data: bytes, sha: str, limits: Limits) -> SourceDocument:
    if len(data) > limits.text_mb * MB:
        raise TooLargeError(f"{len(data) / MB:.0f} MB of text is over the {limits.text_mb:g} MB "
                            "limit (--max-text-mb)", path=path)
    text, encoding = decode_text(data, path)
    if not text.replace("\ufeff", "").strip():
        raise EmptyDocumentError("the file has no text", path=path)
    # the text is kept as the file holds it (CRLF, a BOM): every span indexes into it
    pages = split_text_pages(text)
    for page in pages:
        words = sum(len(ln.text.split()) for ln in page.lines)
        if words > limits.words_per_page:
            raise TooLargeError(f"{words} words on one page is over the {limits.words_per_page}"
                                "-word limit (--max-words-per-page)", path=path, page=page.number)
    return SourceDocument(path=str(path), format="text", sha256=sha, pages=pages, text=text,
                          encoding=encoding)


_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
MAX_CONTROL_SHARE = 0.01  # more control characters than this (tabs, breaks aside): binary
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _bom_encoding(head: bytes) -> str | None:
    return next((enc for bom, enc in _BOMS if head.startswith(bom)), None)


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a BOM: the high bytes of ASCII (digits, breaks, tabs) are NULs, at
    odd offsets (little-endian) or at even ones (big-endian), far more on that side."""
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 8:
        return None
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    half = len(sample) // 2
    if odd > half * UTF16_MIN_NUL_SHARE and odd > even * UTF16_NUL_SIDE_RATIO:
        return "utf-16-le"
    if even > half * UTF16_MIN_NUL_SHARE and even > odd * UTF16_NUL_SIDE_RATIO:
        return "utf-16-be"
    return None


UTF16_MIN_NUL_SHARE = 0.05  # of the characters: ASCII ones (digits, breaks) in UTF-16
UTF16_NUL_SIDE_RATIO = 5  # NULs on one side over the other (CJK like 一 U+4E00 has some)


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """The text and its encoding: a BOM's (UTF-8, UTF-16, UTF-32), UTF-16 without one,
    UTF-8, else GB18030 (which covers GBK and GB2312). Binary data is refused."""
    head = data[:4096]
    candidates = [e for e in (_bom_encoding(head) or _utf16_without_bom(head),) if e]
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or len(_CONTROL.findall(text[:65536])) > MAX_CONTROL_SHARE * min(len(text), 65536):
            continue
        return text, enc
    raise UnsupportedFormatError("binary data, not text: give a .pdf with a text layer, or a "
                                 "UTF-8, UTF-16 or GB18030/GBK text", path=path)


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
