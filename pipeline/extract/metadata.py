"""Document metadata from the title page: department, year, kind, level, unit."""

from __future__ import annotations

import itertools
import re
from collections import Counter

from pipeline.layout.blocks import Block, Grid, Line
from pipeline.numbers import normalise_text, without_markup
from pipeline.segment.tables import majority_unit
from schemas.document import DocumentKind, Metadata
from schemas.provenance import Provenance
from schemas.tables import Table

_TITLE = re.compile(
    r"(?P<year>20\d{2})\s*(?:年度?|(?=部门|单位))\s*(?P<mid>.{0,40}?)(?P<level>部门|单位)?(综合)?(?P<kind>预算|决算)"
)
_TRAILING_YEAR = re.compile(r"^(.*(?:预算|决算))(20\d{2})$")
TITLE_LINES = 5  # lines a title may be spread over on a cover
_DEPT_WORDS = re.compile(r"(局|厅|委员会|办公室|办公厅|大学|学院|中心|站|所|院|队|处|部|委|会|府|馆|署)")


def _lines(pages: list[list[Block]], n_pages: int) -> list[Line]:
    out: list[Line] = []
    for blocks in pages[:n_pages]:
        for b in blocks:
            if isinstance(b, Line):
                out.append(b)
            elif isinstance(b, Grid):
                for row in b.rows[:3]:
                    for c in row.cells:
                        if c.text:
                            out.append(Line(c.text, row.page, b.top, bbox=c.bbox, span=c.chars))
    return out


_clean = without_markup


def _dept(text: str) -> str:
    text = re.sub(r"[^\u4e00-\u9fff（）()A-Za-z0-9]", "", text)
    text = re.sub(r"^\d+|^(部门|单位)(名称)?", "", text)
    text = re.sub(r"(?<=[局厅会室委院府部处])(部门|单位)$", "", text)  # 北京市统计局部门2026年度…
    return re.sub(r"[（(](汇总|本级|部门汇总)[)）]$", "", text)


def extract_metadata(pages: list[list[Block]], tables: list[Table],
                     doc_title: str = "", file_name: str = "") -> Metadata | None:
    """Metadata from the title page; else from the body, the table titles and the file
    name (``inferred`` says which fields and from where). None only when neither a title
    naming 预算/决算 nor a standard table is found."""
    lines = _lines(pages, 3)
    unit = majority_unit([t.unit for t in tables if t.unit_stated])
    for i in range(min(len(lines), 40)):
        for w in range(1, TITLE_LINES + 1):  # a cover may set each word on its own line
            window = lines[i:i + w]
            t = "".join(_clean(x.text) for x in window)
            if re.search(r"目录|部分|表$|关于|情况|\.{3}|[，。；]|万元", t) or len(t) > 60:
                break
            m = _TITLE.search(t)
            if not m and _TRAILING_YEAR.search(t):
                t = _TRAILING_YEAR.sub(r"\2\1", t)  # the title's year on a line of its own
                m = _TITLE.search(t)
            if not m:
                continue
            dept = ""
            for cand in (m.group("mid"), t[: m.start()]):
                cand = _dept(cand)
                if len(cand) >= 3 and _DEPT_WORDS.search(cand):
                    dept = cand
                    break
            if not dept:
                prev = [_dept(x.text) for x in lines[max(0, i - 2):i]]
                prev = [p for p in prev if len(p) >= 2]
                dept = "".join(prev[-2:]) if prev and not _DEPT_WORDS.search(prev[-1]) \
                    else (prev[-1] if prev else "")
            dept = dept or _department_from_body(pages) or _department_from_title(doc_title)
            kind = DocumentKind.final_account if m.group("kind") == "决算" else \
                DocumentKind.budget
            level = "unit" if m.group("level") == "单位" or _says_unit(lines) else "department"
            ln = window[0]
            return Metadata(
                department=dept or "(unknown)", year=int(m.group("year")), kind=kind,
                level=level, currency_unit=unit, title=t,  # type: ignore[arg-type]
                provenance=Provenance(page=ln.page, bbox=ln.bbox, span=ln.span,
                                      source="".join(x.text for x in window)),
            )
    return _from_body(pages, tables, unit, doc_title, file_name)


_UNIT_LEVEL = re.compile(r"单位(综合)?(预算|决算)")
_DEPT_LEVEL = re.compile(r"部门(综合)?(预算|决算)")


def _says_unit(lines: list[Line]) -> bool:
    """单位预算/单位决算 named more often than 部门预算/部门决算 on the first pages."""
    text = "".join(_clean(x.text) for x in lines)
    return len(_UNIT_LEVEL.findall(text)) > len(_DEPT_LEVEL.findall(text))


_FILE_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


_BODY_YEAR = re.compile(r"(20\d{2})\s*年度?\s*(?=.{0,30}(预算|决算))|[(（](20\d{2})年度[)）]"
                        r"|(20\d{2})[(（]年度?[)）]")  # 2026（年度）
_TITLE_YEAR = re.compile(r"(20\d{2})年度?(部门|单位)?(预算|决算)")


def _years_in_body(lines: list[Line]) -> tuple[Counter[int], dict[int, Line]]:
    """How often the body names each budget year, and the first line naming it."""
    years: Counter[int] = Counter()
    where: dict[int, Line] = {}
    for ln in lines:
        for m in _BODY_YEAR.finditer(_clean(ln.text)):
            y = int(m.group(1) or m.group(3) or m.group(4))
            years[y] += 1
            where.setdefault(y, ln)
    return years, where


def _inferred_year(years: Counter[int], file_name: str, inferred: dict[str, str]) -> int | None:
    """The year the body names most, else the file name's; where it came from goes into
    ``inferred``."""
    if years:
        inferred["year"] = "body"
        return years.most_common(1)[0][0]
    if (fy := _FILE_YEAR.search(file_name)) is not None:
        inferred["year"] = "file name"
        return int(fy.group(1))
    inferred["year"] = "unknown"
    return None


def _inferred_kind(titles: str, body: str, file_name: str, inferred: dict[str, str]) -> DocumentKind:
    """Budget or final account from the table titles, else the body (a final account speaks
    of 决算 more than of 预算), else the file name."""
    said_final, said_budget = body.count("决算"), body.count("预算")
    if re.search(r"预算|决算", titles):
        inferred["kind"] = "table titles"
        return DocumentKind.final_account if "决算" in titles else DocumentKind.budget
    if said_final or said_budget:
        inferred["kind"] = "body"
        return DocumentKind.final_account if said_final > said_budget else DocumentKind.budget
    inferred["kind"] = "file name" if re.search(r"预算|决算", file_name) else "unknown (budget assumed)"
    return DocumentKind.final_account if "决算" in file_name else DocumentKind.budget


def _from_body(pages: list[list[Block]], tables: list[Table], unit: str,
               doc_title: str, file_name: str = "") -> Metadata | None:
    """No title page (tables-only files, texts that start with chapter one): read the year
    and department where the body states them, the kind from the table titles, else from
    the file name; what stays unknown is said in ``inferred``."""
    lines = _lines(pages, len(pages))
    years, where = _years_in_body(lines)
    m2 = _TITLE_YEAR.search(doc_title)
    if not years and m2:
        years[int(m2.group(1))] += 1
    titles = " ".join(t.title for t in tables)
    standard = any(t.kind.value != "other" for t in tables)
    budget_words = re.search(r"预算|决算", titles + doc_title + "".join(x.text for x in lines[:200]))
    if not standard and (not years or not budget_words):
        return None
    inferred: dict[str, str] = {}
    year = _inferred_year(years, file_name, inferred)
    kind = _inferred_kind(titles, "".join(_clean(x.text) for x in lines), file_name, inferred)
    dept = _department_from_body(pages)
    if not dept:
        m = re.search(r"关于(?P<d>\S{3,30}?)(20\d{2})年", "".join(_clean(x.text) for x in lines[:400]))
        dept = _dept(m.group("d")) if m else ""
    if not dept:
        dept = _department_from_label_cell(pages)
    if not dept:
        dept = _most_named_body("\n".join(_clean(x.text) for x in lines))  # never across lines
    if not dept:
        short = Counter(_dept(x.text) for x in lines if 4 <= len(_clean(x.text)) <= 20
                        and re.search(r"(局|厅|委员会|办公室|大学|中心|支队)$", _clean(x.text)))
        dept = short.most_common(1)[0][0] if short else ""
    if not dept and m2:
        dept = _dept(doc_title[: m2.start()])
    inferred["department"] = "body" if dept else "unknown"
    ln = (where.get(year) if year is not None else None) or lines[0]
    return Metadata(
        department=dept or "(unknown)", year=year, kind=kind,
        level="unit" if _says_unit(lines[:200]) else "department", currency_unit=unit,  # type: ignore[arg-type]
        title=f"{f'{year}年' if year else ''}{dept}{'决算' if kind.value == 'final_account' else '预算'}",
        provenance=Provenance(page=ln.page, bbox=ln.bbox, span=ln.span, source=ln.text),
        inferred=inferred,
    )


_DEPT_LABEL = re.compile(r"(部门|单位|预算单位|主管部门)(名称)?[:：]?")


def _department_from_label_cell(pages: list[list[Block]]) -> str:
    """A table cell 部门名称 (单位名称, 主管部门) with the name in the cell beside it, as the
    performance forms print it."""
    for blocks in pages:
        for b in blocks:
            if not isinstance(b, Grid):
                continue
            for row in b.rows:
                texts = [normalise_text(c.text) for c in row.cells if c.text.strip()]
                for label, value in itertools.pairwise(texts):
                    if _DEPT_LABEL.fullmatch(label) and len(value) >= 3 and _DEPT_WORDS.search(value):
                        return _dept(value)
    return ""


# a government body as the narrative names it: place (省/市/区/县) + name + body word
_BODY_NAME = re.compile(
    r"[\u4e00-\u9fff]{1,6}?(?:省|市|区|县)[\u4e00-\u9fff]{1,12}?(?:委员会|办公厅|办公室|局|厅)")
BODY_NAME_MIN = 3  # times a body must be named to be taken as the document's department


def _most_named_body(text: str) -> str:
    """The government body the text names most often (at least BODY_NAME_MIN times)."""
    names = Counter(_BODY_NAME.findall(text))
    if not names:
        return ""
    name, n = names.most_common(1)[0]
    return name if n >= BODY_NAME_MIN else ""


def _department_from_title(doc_title: str) -> str:
    """The department the PDF's own metadata title names before its year (its year is not
    trusted: files are often made from last year's)."""
    m = _TITLE.search(_clean(doc_title))
    cand = _dept(_clean(doc_title)[: m.start()]) if m else ""
    return cand if len(cand) >= 3 and _DEPT_WORDS.search(cand) else ""


def _department_from_body(pages: list[list[Block]]) -> str:
    for blocks in pages[:8]:
        for b in blocks:
            if isinstance(b, Line):
                m = re.search(r"(?:部门|单位)(?:名称)?[:：]([^:：]+?)(单位[:：]|$)",
                              normalise_text(b.text))
                if m and len(m.group(1)) >= 3 and not re.search(r"[、，,；;。]", m.group(1)):  # not a list
                    return _dept(m.group(1))
            elif isinstance(b, Grid):
                for row in b.rows[:3]:
                    for c in row.cells:
                        m = re.search(r"部门[:：]([^:：]+?)(单位[:：]|$)", normalise_text(c.text))
                        if m and len(m.group(1)) >= 3:
                            return _dept(m.group(1))
    return ""
