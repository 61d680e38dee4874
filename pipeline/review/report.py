"""One document's review: the annotated PDF, the page images and report.html."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from pipeline.export.atomic import atomic_write_text
from pipeline.review.html import badge, fmt_box, page, rows_table
from pipeline.review.images import Image, crop_box, crop_image, page_image
from pipeline.review.locate import Mark, flag_marks
from pipeline.review.pdf import write_annotated_pdf
from pipeline.review.settings import ReviewSettings
from pipeline.review.text import Lines, flag_excerpt, source_listing
from schemas.document import Disclosure
from schemas.flags import Flag
from schemas.provenance import Amount, Provenance
from schemas.tables import Table

IMG_DIR = "img"
REPORT_NAME = "report.html"

REPORT_JS = """
function showCell(a){const pg=document.querySelector(a.getAttribute('href'));if(!pg||!a.dataset.b)return;
const z=+pg.dataset.zoom,b=a.dataset.b.split(',').map(Number),m=pg.querySelector('.marker');
m.hidden=false;m.style.left=(b[0]*z-3)+'px';m.style.top=(b[1]*z-3)+'px';
m.style.width=((b[2]-b[0])*z+6)+'px';m.style.height=((b[3]-b[1])*z+6)+'px';
setTimeout(()=>m.scrollIntoView({block:'center'}),0);}
function openTarget(){const t=location.hash&&document.getElementById(location.hash.slice(1));
if(t){const d=t.closest('details');if(d)d.open=true;}}
document.addEventListener('click',e=>{const a=e.target.closest('a[data-b]');if(a)showCell(a);});
window.addEventListener('hashchange',openTarget);openTarget();
"""


@dataclass(frozen=True)
class ReportFiles:
    """What a review wrote, for the caller's summary and the batch index."""

    folder: Path
    html: Path
    pdf: Path | None
    flags: int
    boxes: int
    images: int


def write_report(d: Disclosure, source: Path, out_dir: Path, settings: ReviewSettings | None = None,
                 json_path: Path | None = None) -> ReportFiles:
    """Write ``out_dir/report.html`` (and for a PDF the annotated PDF and ``img/``) for the
    extraction ``d`` of the file ``source``."""
    settings = settings or ReviewSettings()
    out_dir.mkdir(parents=True, exist_ok=True)
    if d.source_format == "pdf":
        return _pdf_report(d, source, out_dir, settings, json_path)
    return _text_report(d, source, out_dir, settings, json_path)


def _pdf_report(d: Disclosure, source: Path, out_dir: Path, settings: ReviewSettings,
                json_path: Path | None) -> ReportFiles:
    import pymupdf

    doc = pymupdf.open(source)
    try:
        textpages: dict = {}
        marks = [flag_marks(f, doc, settings, textpages) for f in d.flags]
        pdf_out = out_dir / f"{Path(d.source).stem}.annotated.pdf"
        boxes = write_annotated_pdf(source, pdf_out, d.flags, marks, settings)
        img = out_dir / IMG_DIR
        img.mkdir(exist_ok=True)
        flags_html = []
        images = 0
        for n, (flag, fmarks) in enumerate(zip(d.flags, marks, strict=True), start=1):
            crops = []
            for pno in sorted({m.page for m in fmarks if m.box is not None}):
                if not 1 <= pno <= doc.page_count:
                    continue
                on_page = [m for m in fmarks if m.page == pno and m.box is not None]
                pg = doc[pno - 1]
                im = crop_image(pg, crop_box(pg, on_page, settings), f"flag-{n:03d}-p{pno}.png", img,
                                settings)
                crops.append(_crop_html(im, pno, on_page, flag.severity.value, settings))
                images += 1
            flags_html.append(_flag_html(n, flag, fmarks, "".join(crops)))
        pages = sorted({p.page for t in d.tables for p in _table_provenances(t) if p.bbox is not None})
        page_imgs = {p: page_image(doc[p - 1], p, img, settings) for p in pages if 1 <= p <= doc.page_count}
        images += len(page_imgs)
        pages_html = "".join(_page_html(p, im) for p, im in page_imgs.items())
    finally:
        doc.close()
    tables_html = _tables_html(d, _pdf_cell_link)
    body = (_header_html(d, source, pdf_out.name, json_path) + _flags_section(d, flags_html)
            + tables_html + (f'<h2 id="pages">Pages</h2><p class="muted">A table cell\'s link shows '
                             f"its page here, the cell boxed.</p>{pages_html}" if pages_html else ""))
    html_path = atomic_write_text(out_dir / REPORT_NAME, page(f"Review: {d.source}", body, settings,
                                                             REPORT_JS))
    return ReportFiles(out_dir, html_path, pdf_out, len(d.flags), boxes, images)


def _text_report(d: Disclosure, source: Path, out_dir: Path, settings: ReviewSettings,
                 json_path: Path | None) -> ReportFiles:
    from pipeline.ingest import read_document

    lines = Lines(read_document(source).text)
    flags_html = []
    for n, flag in enumerate(d.flags, start=1):
        fmarks = flag_marks(flag, None, settings)
        flags_html.append(_flag_html(n, flag, fmarks, flag_excerpt(lines, fmarks, flag.severity.value,
                                                                   settings)))

    def link(p: Provenance) -> tuple[str, str]:
        return (f"#L{lines.number(p.span[0])}", "") if p.span is not None else ("", "")

    body = (_header_html(d, source, None, json_path) + _flags_section(d, flags_html)
            + _tables_html(d, link)
            + f'<details id="source"><summary><h2 style="display:inline">Source text</h2> '
              f'({len(lines.bounds)} lines)</summary>{source_listing(lines)}</details>')
    html_path = atomic_write_text(out_dir / REPORT_NAME, page(f"Review: {d.source}", body, settings,
                                                             REPORT_JS))
    return ReportFiles(out_dir, html_path, None, len(d.flags), 0, 0)


def _header_html(d: Disclosure, source: Path, pdf_name: str | None, json_path: Path | None) -> str:
    m = d.metadata
    kind = "final account (决算)" if m.kind.value == "final_account" else "budget (预算)"
    sev = {s: sum(1 for f in d.flags if f.severity.value == s) for s in ("error", "warning", "info")}
    links = [f'<a href="{escape(pdf_name)}">annotated PDF</a> (boxes and bookmarks per flag)'] if pdf_name \
        else []
    links.append(f"source: <code>{escape(str(source))}</code>")
    if json_path is not None:
        links.append(f"extraction: <code>{escape(str(json_path))}</code>")
    c = d.checks
    found = [f"{escape(t.kind.value)} ({_pages(t.pages)}, {len(t.rows)} rows)" for t in d.tables
             if t.kind.value != "other"]
    summary = [
        ["department", escape(m.department)], ["year", str(m.year or "unknown")],
        ["kind", f"{kind}, {m.level}"], ["title", escape(m.title)],
        ["amounts in", m.currency_unit], ["pages", f"{d.page_count} ({d.source_format})"],
        ["checks", f"{c.ran} ran, {c.passed} passed, {c.failed} failed"],
        ["flags", " ".join(f"{badge(s)} {n}" for s, n in sev.items())],
        ["standard tables found", f"{len(d.table_report.found)}: " + "; ".join(found)],
        ["missing", escape(", ".join(k.value for k in d.table_report.missing)) or "none"],
        ["rows / projects / indicators / narrative figures",
         f"{sum(len(t.rows) for t in d.tables)} / {len(d.projects)} / {len(d.indicators)} / "
         f"{len(d.figures)}"],
        ["extractor", escape(d.extractor)],
    ]
    return (f"<h1>{escape(d.source)}</h1><p>{' · '.join(links)}</p><h2>Summary</h2>"
            + rows_table(["", ""], [[f"<b>{k}</b>", v] for k, v in summary], "summary"))


def _flags_section(d: Disclosure, flags_html: list[str]) -> str:
    if not flags_html:
        return "<h2>Flags</h2><p>No check failed.</p>"
    shown = [h for f, h in zip(d.flags, flags_html, strict=True) if f.severity.value != "info"]
    notes = [h for f, h in zip(d.flags, flags_html, strict=True) if f.severity.value == "info"]
    out = f"<h2>Flags ({len(shown)} errors and warnings)</h2>" + "".join(shown)
    if notes:
        out += (f"<details><summary><b>{len(notes)} rounding-sized notes (info)</b></summary>"
                + "".join(notes) + "</details>")
    return out


def _flag_html(n: int, flag: Flag, marks: list[Mark], view: str) -> str:
    sev = flag.severity.value
    pages = sorted({m.page for m in marks})
    where = f" · p.{', '.join(map(str, pages))}" if pages else ""
    efd = [[escape(k), escape(_signed(v) if k == "difference" else str(v))]
           for k, v in (("expected", flag.expected), ("found", flag.found), ("difference", flag.difference))
           if v is not None]
    efd_html = ("<table class=\"efd\"><tr>" + "".join(f"<th>{k}</th><td class=\"n\">{v}</td>" for k, v in efd)
                + "</tr></table>") if efd else ""
    figs = "".join(f"<li>{'flagged' if m.primary else 'compared'}: <code>{escape(m.source)}</code> "
                   f"(p.{m.page})</li>" for m in marks)
    return (f'<section class="flag sev-{sev}" id="flag-{n}" data-check="{escape(flag.check)}" '
            f'data-severity="{sev}"><h3>{n}. {badge(sev)} {escape(flag.check)}'
            f'<span class="muted">{where}</span></h3><p>{escape(flag.message)}</p>'
            + (f"<p class=\"muted\">table: {escape(flag.table)}</p>" if flag.table else "")
            + efd_html + view + (f"<ul>{figs}</ul>" if figs else "") + "</section>")


def _crop_html(im: Image, pno: int, marks: list[Mark], severity: str, settings: ReviewSettings) -> str:
    x0, y0 = im.clip[0], im.clip[1]
    boxes = []
    for m in marks:
        assert m.box is not None
        pad = settings.box_pad_pt
        left, top = (m.box[0] - x0 - pad) * im.zoom, (m.box[1] - y0 - pad) * im.zoom
        w, h = (m.box[2] - m.box[0] + 2 * pad) * im.zoom, (m.box[3] - m.box[1] + 2 * pad) * im.zoom
        if top + h < 0 or top > im.height:
            continue  # outside a crop cut around the flagged figure
        boxes.append(f'<span class="hl sev-{severity} {"primary" if m.primary else "compared"}" '
                     f'style="left:{left:.1f}px;top:{top:.1f}px;width:{w:.1f}px;height:{h:.1f}px" '
                     f'title="{escape(m.source)}"></span>')
    return (f'<figure class="crop" data-page="{pno}" data-clip="{fmt_box(im.clip)}" '
            f'data-zoom="{im.zoom:.4f}"><div class="frame" style="width:{im.width}px;height:{im.height}px">'
            f'<img src="{IMG_DIR}/{im.name}" width="{im.width}" height="{im.height}" alt="page {pno}">'
            + "".join(boxes) + f"</div><figcaption>page {pno}</figcaption></figure>")


def _page_html(pno: int, im: Image) -> str:
    return (f'<div class="page" id="page-{pno}" data-zoom="{im.zoom}"><h3>page {pno}</h3>'
            f'<div class="frame" style="width:{im.width}px;height:{im.height}px">'
            f'<img loading="lazy" src="{IMG_DIR}/{im.name}" width="{im.width}" height="{im.height}" '
            f'alt="page {pno}"><span class="marker" hidden></span></div></div>')


def _pdf_cell_link(p: Provenance) -> tuple[str, str]:
    return (f"#page-{p.page}", fmt_box(p.bbox)) if p.bbox is not None else ("", "")


def _table_provenances(t: Table):
    for r in t.rows:
        yield r.provenance
        for a in (*r.values.values(), *r.other.values()):
            if a.provenance is not None:
                yield a.provenance


def _tables_html(d: Disclosure, link: Callable[[Provenance], tuple[str, str]]) -> str:
    if not d.tables:
        return "<h2>Tables</h2><p>No table found.</p>"
    parts = [f"<h2>Tables ({len(d.tables)})</h2><p class=\"muted\">Each cell links to where it is "
             "printed.</p>"]
    for i, t in enumerate(d.tables, start=1):
        parts.append(f'<details id="table-{i}"><summary><b>{escape(t.title)}</b> · {escape(t.kind.value)} · '
                     f"{_pages(t.pages)} · {len(t.rows)} rows · {t.unit}"
                     + (" · empty" if t.empty else "") + f"</summary>{_table_html(t, link)}</details>")
    return "".join(parts)


def _table_html(t: Table, link: Callable[[Provenance], tuple[str, str]]) -> str:
    """Rows as printed: code, name and every column that holds a figure or a text."""
    cols: list[tuple[str, object]] = []  # (header, canonical key or None)
    seen: set[object] = set()
    for h, k in zip(t.columns, t.column_keys, strict=False):
        ident = k if k is not None else ("h", h)
        if ident not in seen:
            seen.add(ident)
            cols.append((h, k))
    for r in t.rows:  # figures under keys or headers the column list does not name
        for k in r.values:
            if k not in seen:
                seen.add(k)
                cols.append((k.value, k))
        for h in (*r.other, *r.texts):
            if ("h", h) not in seen:
                seen.add(("h", h))
                cols.append((h, None))

    def cell(r, h, k) -> Amount | str | None:
        if k is not None:
            return r.values.get(k)
        return r.other.get(h) or r.texts.get(h)

    used = [(h, k) for h, k in cols if any(cell(r, h, k) is not None for r in t.rows)]
    head = ["code", "name"] + [escape(h) for h, _ in used]
    rows = []
    for r in t.rows:
        name = escape(r.name)
        href, _ = link(r.provenance)
        if href:
            name = f'<a href="{href}"{_box_attr(link, r.provenance)}>{name}</a>'
        rows.append([escape(r.code or ""), ("<b>" + name + "</b>") if r.is_total else name]
                    + [_cell_html(cell(r, h, k), link) for h, k in used])
    return rows_table(head, rows, "tbl")


def _box_attr(link: Callable[[Provenance], tuple[str, str]], p: Provenance) -> str:
    _, box = link(p)
    return f' data-b="{box}"' if box else ""


def _cell_html(v: Amount | str | None, link: Callable[[Provenance], tuple[str, str]]) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return escape(v)
    text = escape(v.raw)
    if v.provenance is None:
        return text
    href, _ = link(v.provenance)
    return f'<a href="{href}"{_box_attr(link, v.provenance)}>{text}</a>' if href else text


def _pages(pages: list[int]) -> str:
    if not pages:
        return "p.?"
    return f"p.{pages[0]}" + (f"-{pages[-1]}" if len(pages) > 1 else "")


def _signed(v) -> str:
    s = str(v)
    return s if s.startswith("-") else "+" + s

