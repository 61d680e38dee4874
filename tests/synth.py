"""Render budget tables to PDF, for layouts the sample corpus lacks (tests, benchmarks).

The renderer draws ruled tables with pymupdf's built-in CJK font; it knows nothing of the
extractor, so a test can check that what was drawn is what gets read back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pymupdf

FONT = "china-s"  # built into pymupdf: no font file needed


@dataclass
class FunctionRow:
    code: str  # 3, 5 or 7 digits
    name: str
    total: Decimal
    basic: Decimal
    project: Decimal


@dataclass
class SynthBudget:
    department: str
    year: int
    rows: list[FunctionRow]
    unit: str = "元"
    split_codes: bool = True  # print the code as 类 | 款 | 项 columns
    thousands: bool = True  # 1,234,567.00 rather than 1234567.00
    title: str = "一般公共预算支出表"
    ruled: bool = True  # False: no ruling lines at all, only aligned text
    extra_pages: list[str] = field(default_factory=list)


def fmt(v: Decimal, thousands: bool) -> str:
    return f"{v:,.2f}" if thousands else f"{v:.2f}"


def render_budget_pdf(spec: SynthBudget, path: str | Path, rows_per_page: int = 18) -> Path:
    """Write a title page and a ruled function-classification table spanning pages."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((150, 300), spec.department, fontname=FONT, fontsize=22)
    page.insert_text((190, 340), f"{spec.year}", fontname="helv", fontsize=22)
    page.insert_text((245, 340), "年部门预算", fontname=FONT, fontsize=22)
    for text in spec.extra_pages:
        p = doc.new_page(width=595, height=842)
        p.insert_textbox(pymupdf.Rect(60, 60, 535, 780), text, fontname=FONT, fontsize=12)
    if spec.split_codes:
        heads = ["类", "款", "项", "科目名称", "合计", "基本支出", "项目支出"]
        widths = [40, 40, 40, 160, 95, 95, 95]
    else:
        heads = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
        widths = [80, 200, 95, 95, 95]
    total = FunctionRow("", "合计", sum((r.total for r in spec.rows if len(r.code) == 3),
                                        Decimal(0)),
                        sum((r.basic for r in spec.rows if len(r.code) == 3), Decimal(0)),
                        sum((r.project for r in spec.rows if len(r.code) == 3), Decimal(0)))
    body = [total, *spec.rows]
    for start in range(0, len(body), rows_per_page):
        page = doc.new_page(width=842, height=595)
        page.insert_text((300, 60), f"{spec.year}", fontname="helv", fontsize=16)
        page.insert_text((340, 60), f"年{spec.title}", fontname=FONT, fontsize=16)
        page.insert_text((700, 85), f"单位：{spec.unit}", fontname=FONT, fontsize=10)
        x0, y = 60.0, 95.0
        _row(page, x0, y, widths, heads, header=True, ruled=spec.ruled)
        y += 24
        for r in body[start:start + rows_per_page]:
            cells = _cells(r, spec)
            _row(page, x0, y, widths, cells, ruled=spec.ruled)
            y += 22
    out = Path(path)
    doc.save(out)
    doc.close()
    return out


def _cells(r: FunctionRow, spec: SynthBudget) -> list[str]:
    nums = [fmt(r.total, spec.thousands), fmt(r.basic, spec.thousands) if r.basic else "",
            fmt(r.project, spec.thousands) if r.project else ""]
    if not spec.split_codes:
        return [r.code, r.name, *nums]
    parts = [r.code[:3], r.code[3:5], r.code[5:7]] if r.code else ["", "", ""]
    return [*parts, r.name, *nums]


def _row(page: pymupdf.Page, x0: float, y: float, widths: list[int], cells: list[str],
         header: bool = False, ruled: bool = True) -> None:
    h = 24 if header else 22
    x = x0
    for w, text in zip(widths, cells, strict=True):
        if ruled:
            page.draw_rect(pymupdf.Rect(x, y, x + w, y + h), color=(0, 0, 0), width=0.6)
        if text:
            ascii_only = text.isascii()
            font = "helv" if ascii_only else FONT  # the CJK font sets digits full width
            numeric = ascii_only and "." in text
            tx = x + w - 6 - pymupdf.get_text_length(text, fontname="helv", fontsize=9) \
                if numeric else x + 4
            page.insert_text((tx, y + h - 7), text, fontname=font, fontsize=9)
        x += w


def corpus_variants(corpus: Path, out: Path, n: int, seed: int = 1) -> list[Path]:
    """``n`` varied documents built from the sample corpus: page subsets of its PDFs (the
    title page kept), its texts with extra paging, and rendered budgets in other layouts."""
    import random

    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    pdfs = sorted((corpus / "pdf").glob("*.pdf"))
    texts = sorted((corpus / "text").glob("*.txt"))
    made: list[Path] = []
    i = 0
    while len(made) < n:
        i += 1
        choice = i % 4
        if choice in (0, 1) and pdfs:
            src = pdfs[rng.randrange(len(pdfs))]
            with pymupdf.open(src) as doc:
                count = doc.page_count
                start = rng.randrange(1, max(2, count - 3))
                pages = [0, *range(start, min(count, start + rng.randint(3, 15)))]
                doc.select(pages)
                path = out / f"v{i:04d}-{src.stem}-p{start + 1}.pdf"
                doc.save(path, garbage=3, deflate=True)
        elif choice == 2 and texts:
            src = texts[rng.randrange(len(texts))]
            lines = src.read_text(encoding="utf-8").split("\n")
            cut = rng.randrange(len(lines) // 2, len(lines))
            path = out / f"v{i:04d}-{src.stem}.txt"
            path.write_text("\n".join(lines[:cut]) + "\n", encoding="utf-8")
        else:
            rows = _random_rows(rng)
            spec = SynthBudget(department=f"测试市第{i}局", year=rng.choice([2023, 2024, 2025]),
                               rows=rows, unit=rng.choice(["元", "万元"]),
                               split_codes=rng.random() < 0.5, thousands=rng.random() < 0.5)
            path = render_budget_pdf(spec, out / f"v{i:04d}-synth.pdf")
        made.append(path)
    return made


def _random_rows(rng) -> list[FunctionRow]:
    rows: list[FunctionRow] = []
    for lei in rng.sample(["201", "205", "208", "210", "213", "221"], 2):
        kids = []
        for k in range(1, rng.randint(2, 4)):
            basic = Decimal(rng.randint(100, 99999)) / 100
            project = Decimal(rng.randint(0, 99999)) / 100
            kids.append(FunctionRow(f"{lei}01{k:02d}", f"科目{lei}01{k:02d}", basic + project,
                                    basic, project))
        kuan = FunctionRow(f"{lei}01", f"款{lei}01", sum((r.total for r in kids), Decimal(0)),
                           sum((r.basic for r in kids), Decimal(0)),
                           sum((r.project for r in kids), Decimal(0)))
        cls = FunctionRow(lei, f"类{lei}", kuan.total, kuan.basic, kuan.project)
        rows += [cls, kuan, *kids]
    return rows
