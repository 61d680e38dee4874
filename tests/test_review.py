"""Visual review (issue 15): the annotated PDF read back with pymupdf, and the HTML report
and batch index opened in a real browser (headless Chromium), checked against where the
source PDF prints each figure (pymupdf's own search of the page, not the extraction's boxes)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pymupdf
import pytest

from pipeline.batch import Batch, Settings
from pipeline.cli import main
from pipeline.review import review_batch
from pipeline.review.html import FRAME_COLOUR
from pipeline.review.pdf import ANNOT_SUBJECT
from pipeline.review.settings import ReviewSettings
from tests.conftest import CORPUS, corpus_path

PUTUO = "pdf/shanghai-putuo-finance-2024-final-account.pdf"
JIAXING = "text/jiaxing-hrss-2024-budget.txt"
MAX_REVIEW_MB = 30  # issue 15: the 17 corpus documents' reviews under 30 MB
MAX_REVIEW_S = 60  # the benchmark measures it (target < 10 s); this bound only catches a blow-up
COLOUR_TOLERANCE = 16  # per channel, for anti-aliased edges
EDGE_BAND_PX = 6  # a box edge is looked for this far either side of where it should be
MAX_MEAN_DIFF = 8  # mean absolute difference (0-255) between a crop and the page rendered


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(v) for v in re.findall(r"\d+", css))


ERROR_RGB = _rgb(ReviewSettings().css_colour("error"))
FRAME_RGB = _rgb(FRAME_COLOUR)


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """The corpus through `batch`, then every document reviewed, with the time it took."""
    out = tmp_path_factory.mktemp("review")
    Batch(out / "batch", Settings(), workers=2, quiet=True).run([str(CORPUS / "pdf"), str(CORPUS / "text")])
    t0 = time.perf_counter()
    r = review_batch(out / "batch", out / "review", sources=[CORPUS], workers=2)
    return out / "batch", out / "review", r, time.perf_counter() - t0


def _folder(review: Path, rel: str) -> Path:
    [folder] = review.glob(f"{Path(rel).stem}-*")
    return folder


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise RuntimeError("headless Chromium is needed: apt-get install -y chromium (.ci/run installs it)")
    return exe


def _browser(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--hide-scrollbars", "--force-device-scale-factor=1", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


class Shot:
    """A browser screenshot's pixels."""

    def __init__(self, url: str, size: tuple[int, int], tmp: Path):
        path = tmp / "shot.png"
        _browser([f"--window-size={size[0]},{size[1]}", f"--screenshot={path}", url], tmp / "profile")
        pix = pymupdf.Pixmap(str(path))
        self.w, self.h, self.n, self.samples = pix.width, pix.height, pix.n, pix.samples

    def rgb(self, x: int, y: int) -> tuple[int, ...]:
        i = (y * self.w + x) * self.n
        return tuple(self.samples[i:i + 3])

    def is_colour(self, x: int, y: int, rgb: tuple[int, ...]) -> bool:
        if not (0 <= x < self.w and 0 <= y < self.h):
            return False
        return all(abs(a - b) <= COLOUR_TOLERANCE for a, b in zip(self.rgb(x, y), rgb, strict=True))

    def first(self, rgb: tuple[int, ...]) -> tuple[int, int]:
        """The topmost, then leftmost, pixel of exactly this colour."""
        needle = bytes(rgb)
        pos = self.samples.find(needle)
        while pos >= 0 and pos % self.n:
            pos = self.samples.find(needle, pos + 1)
        assert pos >= 0, f"no pixel of colour {rgb} in the screenshot"
        return (pos // self.n) % self.w, (pos // self.n) // self.w


def _edges_drawn(shot: Shot, box: tuple[float, float, float, float], rgb) -> list[bool]:
    """For each side of ``box`` (screenshot pixels), whether a pixel of ``rgb`` lies on a
    line across that side's middle, within EDGE_BAND_PX of it."""
    x0, y0, x1, y1 = box
    mx, my = round((x0 + x1) / 2), round((y0 + y1) / 2)
    band = range(-EDGE_BAND_PX, EDGE_BAND_PX + 1)
    return [any(shot.is_colour(round(x0) + d, my, rgb) for d in band),
            any(shot.is_colour(round(x1) + d, my, rgb) for d in band),
            any(shot.is_colour(mx, round(y0) + d, rgb) for d in band),
            any(shot.is_colour(mx, round(y1) + d, rgb) for d in band)]


def test_report_in_a_browser_highlights_the_figure_where_the_pdf_prints_it(reviewed, tmp_path):
    _, review, _, _ = reviewed
    html = (_folder(review, PUTUO) / "report.html").read_text(encoding="utf-8")
    first = re.search(r'<section class="flag sev-(\w+)" id="flag-1" data-check="([^"]+)".*?'
                      r'<figure class="crop" data-page="(\d+)" data-clip="([^"]+)" data-zoom="([^"]+)">'
                      r"(.*?)</figure>", html, re.S)
    assert first, "the first flag of the report has no page crop"
    severity, check, page = first.group(1), first.group(2), int(first.group(3))
    clip = pymupdf.Rect([float(v) for v in first.group(4).split(",")])
    zoom = float(first.group(5))
    flagged = re.findall(r'class="hl sev-\w+ primary"[^>]*title="([^"]+)"', first.group(6))
    # the document's worst inconsistency: 2106.66 / 2940.05 printed as 71.73% on p.21
    assert (severity, check, page, flagged) == ("error", "narrative_share", 21, ["71.73%"])

    pdf = pymupdf.open(corpus_path(PUTUO))
    [figure] = pdf[page - 1].search_for("71.73%")  # where the PDF prints it
    shot = Shot((_folder(review, PUTUO) / "report.html").as_uri(), (1100, 2200), tmp_path)
    fx, fy = shot.first(FRAME_RGB)  # the first crop's frame: its image starts one pixel in
    fx, fy = fx + 1, fy + 1

    # the image in the frame is that part of the page: compare with the page rendered here
    ref = pdf[page - 1].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False)
    diffs = [sum(abs(a - b) for a, b in zip(shot.rgb(fx + x, fy + y), ref.pixel(x, y), strict=True)) / 3
             for y in range(0, ref.height, 3) for x in range(0, ref.width, 3)]
    assert sum(diffs) / len(diffs) < MAX_MEAN_DIFF

    def on_screen(r: pymupdf.Rect) -> tuple[float, float, float, float]:
        return (fx + (r.x0 - clip.x0) * zoom, fy + (r.y0 - clip.y0) * zoom,
                fx + (r.x1 - clip.x0) * zoom, fy + (r.y1 - clip.y0) * zoom)

    assert _edges_drawn(shot, on_screen(figure), ERROR_RGB) == [True] * 4
    shift = figure.width + 30  # the next words of the line
    beside = pymupdf.Rect(figure.x0 + shift, figure.y0, figure.x1 + shift, figure.y1)
    assert not any(_edges_drawn(shot, on_screen(beside), ERROR_RGB))


def test_batch_index_in_a_browser_lists_documents_by_error_flags(reviewed, tmp_path):
    batch, review, result, _ = reviewed
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in (batch / "docs").rglob("*.json")]
    with_errors = sum(1 for d in docs if any(f["severity"] == "error" for f in d["flags"]))
    errors = sum(1 for d in docs for f in d["flags"] if f["severity"] == "error")
    hierarchy = sum(1 for d in docs for f in d["flags"] if f["check"] == "hierarchy")
    assert result.documents == len(docs) == 17 and result.reports == 17 and with_errors >= 6

    index = review / "index.html"
    shot = Shot(index.as_uri(), (1100, 1400), tmp_path)
    x, y = shot.first(ERROR_RGB)  # the top row's error-count cell
    x += 4
    runs, inside = 0, False
    for yy in range(y, shot.h):  # down that column: one red cell per document with errors
        red = shot.is_colour(x, yy, ERROR_RGB)
        runs += red and not inside
        inside = red
    assert runs == with_errors

    html = index.read_text(encoding="utf-8")
    for doc in docs:  # every document's row links to its report
        m = re.search(r'<a href="([^"]+)">' + re.escape(Path(doc["source"]).name) + "</a>", html)
        assert m and (review / m.group(1)).is_file()

    def shown(fragment: str) -> list[str]:
        """Severities of the flag rows the page's script leaves visible."""
        dom = _browser(["--dump-dom", index.as_uri() + fragment], tmp_path / "profile").stdout
        rows = re.findall(r'<tr data-check="[^"]+" data-severity="(\w+)"( hidden="")?>',
                          dom[dom.index('id="flags"'):])
        return [sev for sev, hidden in rows if not hidden]

    def documents_in_order(fragment: str) -> list[str]:
        dom = _browser(["--dump-dom", index.as_uri() + fragment], tmp_path / "profile").stdout
        table = dom[dom.index('id="docs"'):dom.index('id="flags"')]
        return re.findall(r'<a href="[^"]+">([^<]+)</a>', table)

    pages = {Path(d["source"]).name: d["page_count"] for d in docs}
    by_pages = documents_in_order("#sort=pages&dir=asc")  # the page's script sorts the rows
    assert sorted(by_pages) == sorted(pages)
    assert [pages[n] for n in by_pages] == sorted(pages.values())
    assert shown("#severity=error") == ["error"] * errors
    assert len(shown("#check=hierarchy")) == hierarchy
    assert len(shown("")) == sum(len(d["flags"]) for d in docs)


def test_annotated_pdfs_box_every_error_figure(reviewed):
    batch, review, _, _ = reviewed
    checked = 0
    for path in (batch / "docs").rglob("*.json"):
        d = json.loads(path.read_text(encoding="utf-8"))
        if d["source_format"] != "pdf":
            continue
        stem = Path(d["source"]).stem
        doc = pymupdf.open(_folder(review, d["source"]) / f"{stem}.annotated.pdf")
        source = pymupdf.open(corpus_path(f"pdf/{d['source']}"))
        assert [p.get_text() for p in doc] == [p.get_text() for p in source]  # the same pages
        boxes: dict[str, list] = {}
        for page in doc:  # what each box says, read while its page is loaded
            for a in page.annots():
                boxes.setdefault(a.info["subject"], []).append(
                    (page.number + 1, re.sub(r"\s", "", page.get_textbox(a.rect)),
                     a.rect * page.rotation_matrix, a.info["content"], a.colors["stroke"]))
        titles = [t for _, t, _ in doc.get_toc()]
        for n, flag in enumerate(d["flags"], start=1):
            if flag["severity"] != "error":
                continue
            mine = boxes.get(ANNOT_SUBJECT.format(n=n), [])
            assert any(t.startswith(f"{n}. ERROR {flag['check']}") for t in titles)
            for loc in flag["locations"]:
                if loc["bbox"] is None:
                    continue
                text = re.sub(r"\s", "", loc["source"])
                recorded = pymupdf.Rect(loc["bbox"])  # where the extraction read it
                hit = [(note, stroke) for p, t, shown, note, stroke in mine
                       if p == loc["page"] and text in t and shown.intersects(recorded)]
                assert hit, f"{stem} flag {n}: no box on p.{loc['page']} covers {loc['source']!r}"
                note, stroke = hit[0]
                assert flag["message"] in note
                assert tuple(round(c * 255) for c in stroke) == ERROR_RGB
                checked += 1
    assert checked >= 7  # Putuo 2 figures + …, Fuzhou 4 flags, Yantai 2 figures at least


def test_rotated_page_box_and_crop_on_the_figure_not_its_namesake(tmp_path):
    """Jiangsu's pages are stored rotated by 90°; a figure printed several times on its page
    is boxed where the extraction read it, and the crop shows the page as displayed."""
    from pipeline.review.images import crop_image
    from pipeline.review.locate import flag_marks
    from pipeline.review.pdf import write_annotated_pdf
    from pipeline.run import extract_document
    from schemas.flags import CheckId, Flag

    path = corpus_path("pdf/jiangsu-npc-office-2019-budget-tables.pdf")
    source = pymupdf.open(path)
    d = extract_document(path)
    settings = ReviewSettings()
    cells = [a for t in d.tables for r in t.rows for a in r.values.values()
             if a.provenance and a.provenance.bbox and a.value
             and len(source[a.provenance.page - 1].search_for(a.raw)) > 1]
    assert cells and all(source[c.provenance.page - 1].rotation == 90 for c in cells)
    cell = cells[-1]
    flag = Flag(check=CheckId.cross_table, severity="error", message="m", found=cell.value,
                locations=[cell.provenance])
    marks = flag_marks(flag, source, settings)
    write_annotated_pdf(path, tmp_path / "a.pdf", [flag], [marks], settings)
    annotated = pymupdf.open(tmp_path / "a.pdf")
    page = annotated[cell.provenance.page - 1]
    [annot] = page.annots()
    assert re.sub(r"\s", "", page.get_textbox(annot.rect)) == re.sub(r"\s", "", cell.raw)
    shown = annot.rect * page.rotation_matrix
    assert shown.intersects(pymupdf.Rect(cell.provenance.bbox))

    clip = (100.0, cell.provenance.bbox[1] - 20, 700.0, cell.provenance.bbox[3] + 20)
    im = crop_image(source[cell.provenance.page - 1], clip, "c.png", tmp_path, settings)
    crop = pymupdf.Pixmap(str(tmp_path / "c.png"))
    full = source[cell.provenance.page - 1].get_pixmap(matrix=pymupdf.Matrix(im.zoom, im.zoom), alpha=False)
    assert abs(crop.width - 600 * im.zoom) <= 1 and abs(crop.height - (clip[3] - clip[1]) * im.zoom) <= 1
    diffs = [sum(abs(a - b) for a, b in zip(crop.pixel(x, y), full.pixel(x + round(clip[0] * im.zoom),
                                                                           y + round(clip[1] * im.zoom)),
                                          strict=True)) / 3
             for y in range(0, crop.height, 4) for x in range(0, crop.width, 4)]
    assert sum(diffs) / len(diffs) < MAX_MEAN_DIFF


def test_reports_of_the_corpus_are_light(reviewed):
    _, review, result, seconds = reviewed
    size = sum(f.stat().st_size for f in review.rglob("*") if f.is_file())
    assert size < MAX_REVIEW_MB * 1e6
    assert seconds < MAX_REVIEW_S
    assert result.without_report == 0


def test_table_cells_link_to_where_the_page_prints_them(reviewed):
    _, review, _, _ = reviewed
    html = (_folder(review, PUTUO) / "report.html").read_text(encoding="utf-8")
    cells = re.findall(r'<a href="#page-(\d+)" data-b="([^"]+)">([^<]+)</a>', html)
    assert len(cells) > 300  # row labels and figures of its 9 standard tables
    pdf = pymupdf.open(corpus_path(PUTUO))
    for page, box, raw in cells[::7]:
        assert f'id="page-{page}"' in html
        x0, y0, x1, y1 = (float(v) for v in box.split(","))
        r = pymupdf.Rect(x0 - 1, y0 - 1, x1 + 1, y1 + 1)
        assert re.sub(r"\s", "", raw) in re.sub(r"\s", "", pdf[int(page) - 1].get_textbox(r))


def test_text_report_marks_the_figure_on_its_numbered_line(reviewed):
    _, review, _, _ = reviewed
    html = (_folder(review, JIAXING) / "report.html").read_text(encoding="utf-8")
    lines = corpus_path(JIAXING).read_text(encoding="utf-8").splitlines()
    # 810.40 / (17509.54 + 810.40) = 4.4%, printed 4.9%
    m = re.search(r'<span class="ln">(\d+)</span>[^\n]*<mark class="sev-error primary">4\.9%</mark>', html)
    assert m and "4.9%" in lines[int(m.group(1)) - 1] and "810.40" in lines[int(m.group(1)) - 1]


def test_cli_review_of_a_pdf_and_of_a_json_whose_source_moved(reviewed, tmp_path, capsys):
    batch, _, _, _ = reviewed
    assert main(["review", str(corpus_path(PUTUO)), "-o", str(tmp_path / "one")]) == 0
    assert (tmp_path / "one" / "report.html").is_file()
    assert (tmp_path / "one" / "shanghai-putuo-finance-2024-final-account.annotated.pdf").is_file()
    assert str(tmp_path / "one" / "report.html") in capsys.readouterr().out
    moved = tmp_path / "doc.json"  # a batch JSON records the file name only
    extractions = (json.loads(p.read_text(encoding="utf-8")) for p in (batch / "docs").rglob("*.json"))
    data = next(d for d in extractions if d["source"] == Path(PUTUO).name)
    moved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["review", str(moved), "-o", str(tmp_path / "two")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--source" in err
    assert main(["review", str(moved), "--source", str(corpus_path(PUTUO)), "-o", str(tmp_path / "two")]) == 0


def test_cli_review_refuses_a_json_that_is_no_extraction(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text('{"rows": []}', encoding="utf-8")
    assert main(["review", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a budget-extract extraction" in err
    assert main(["review", "--batch", str(tmp_path)]) == 2
    assert "budget-extract batch" in capsys.readouterr().err
