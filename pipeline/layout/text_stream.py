"""Tables of converter text written as a stream of cells, rebuilt into grids.

Two shapes carry no alignment at all, so the aligned-column layout (``pipeline.layout.text``)
cannot read them:

- one cell per line (poppler ``pdftotext`` default, pymupdf ``get_text()``);
- one row per line, cells separated by single spaces, blank cells vanished
  (``pdftotext -raw``, text flattened by hand or by other tools).

Both are read the same way, as a stream of tokens after a table title and its header:

- the header's fragments are joined into labels (a label wrapped over lines: ``一般公共预算``
  + ``拨款``), group headings (基本支出 over 人员经费 / 公用经费) are found by the canonical
  keys of the labels under them and flattened as ``基本支出/小计``, which gives the table's N
  amount columns in printed order;
- a body row starts at a code (3/5/7-digit, or 类/款/项 parts) or a label, takes the name
  text that follows (name lines wrapped onto lines of their own included), then its amounts;
- a row with fewer amounts than N (blank cells vanished) is placed with the table's own
  identities (total = Σ parts: from the canonical keys, and from the rows printed in full),
  then the column pattern of the rows around it; a placement still ambiguous keeps its
  amounts in unnamed columns (``other`` in the output) rather than guess;
- two-sided summary tables (收支总表) give each side its own name and amount columns; a row
  unit goes to the side its position or its words say.

Every cell keeps its [start, end) character offsets in the file's text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import combinations, product
from math import comb

from pipeline.ingest.model import Page, TextLine
from pipeline.layout.blocks import Block, Cell, Grid, GridRow
from pipeline.layout.text import Token, layout_text_page, line_tokens, unused_lines
from pipeline.layout.text_columns import rows_from_columns
from pipeline.numbers import detect_unit, parse_amount
from pipeline.vocabulary import AMOUNT_TOKEN, COLUMN_RULES, TOTAL_ROW_LABEL
from schemas.tables import ColumnKey, TableKind

_K = ColumnKey
SUMMARY_KINDS = {TableKind.income_expenditure_summary, TableKind.fiscal_summary}

_INTEGER = re.compile(r"^-?\d+$")
_DASH = re.compile(r"^[-—－–]{1,2}$")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_PART = re.compile(r"^\d{2}$")
_YEAR_NUMBER = re.compile(r"^(19|20)\d{2}$")
_YEAR_LABEL = re.compile(r"^(19|20)\d{2}\s*年(度)?$")
_UNIT_CODE = re.compile(r"^\d{6}(\d{3})?$")  # a budget unit's code: department code + unit number
# a row label printing its code joined to its name: 2010801-行政运行, [30101]基本工资
_CODED_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,3}\s*[-－—]\s*|[\[【]\d{3}(?:\d{2}){0,3}[\]】])\S")
_PAGE_NO = re.compile(r"^\s*(?:[-—－–]\s*\d{1,3}\s*[-—－–]|第\s*\d{1,3}\s*页.*|\d{1,3})\s*$")
_BARE_NO = re.compile(r"^\s*\d{1,3}\s*$")


def _page_no(lines: list[TextLine], i: int) -> bool:
    """Line ``i`` is a printed page number: ``— 11—``, ``第 3 页``; a bare number only as the
    page's first or last line (inside a table a bare 205 is a code on a line of its own)."""
    text = lines[i].text
    if not _PAGE_NO.match(text):
        return False
    if not _BARE_NO.match(text):
        return True
    before = any(ln.text.strip() for ln in lines[:i])
    after = next((ln.text.strip() for ln in lines[i + 1:] if ln.text.strip()), "")
    if not before and _CODE.match(text.strip()) and (_PART.match(after) or _CODE.match(after)):
        return False  # a code opening the page, its 款 part on the next line (208 / 05 / 99)
    if before and after:
        # text whose page breaks are not marked: a bare number followed by a title, a
        # number label, or a row opening with a full 款/项 code (a code's own line is
        # followed by its name, never by another code)
        first = after.split()[0]
        return bool(is_number_label(after) or (
            len(after.split()) <= SETTINGS.max_title_tokens and classify_title(after))
                    or (re.fullmatch(r"\d{5}(\d{2})?", first) and len(after.split()) > 1))
    return True


_META = re.compile(r"(部门|单位|编制单位|预算单位)(名称)?([(（][^)）]{0,6}[)）])?[:：]|"
                   r"^(金额)?单位[:：]|^公开\S{0,4}表")
_BRACKETED = re.compile(r"[(（][^()（）]{2,30}[)）]")
# a metadata key printed alone (部门：): its value is the next line, not a header label
_SUBTOTAL = re.compile(r"^(小计|合计|总计)$")
_META_KEY = re.compile(r"^(部门|单位|编制单位|预算单位)(名称)?[:：]$")
_END = re.compile(r"^\s*(注|备注|说明)\s*\d?\s*[:：]|^\s*注\d*[.、]|。")
_TOTAL = TOTAL_ROW_LABEL
# header labels of name and code columns (not amount columns)
_LABEL_COL = re.compile(
    r"(功能|经济|部门|政府|支出|收入)?.{0,12}?(科目)?(编码|代码)(/?[类款项])?|.{0,16}名称|"
    r"(支出|收入)?(功能|经济)分类|.{0,10}(功能|经济)分类(科目)?|"
    r"项目([(（][^)）]{1,12}[)）])?|科目|[类款项]|预算单位|单位|年度|备注|.{0,14}分类科目([(（].*[)）])?|"
    r"支出项目类别.*|.{0,8}经济科目|功能科目")
_SIDE_WORDS = re.compile(r"^(收入|支出|收|支|入|出)$")
_EXPENDITURE_WORDS = re.compile(r"支出|结转下年|年末|结余分配|支出总计|支出合计")
_INCOME_WORDS = re.compile(r"收入|拨款|资金|上年|年初|结余|结转")
_NEW_LABEL = re.compile(r"^(其中|小计|合计|总计)")

_ORDINAL = re.compile(r"^([一二三四五六七八九十]+、|\d+[.、．]\D|[（(][一二三四五六七八九十\d]+[)）])")
_COMPLETE_NAME = re.compile(r"(支出|收入|[合总]计|结余|结转|拨款|资金)$")
MAX_PLACEMENTS = 20000  # placements of a short row tried at most; beyond: kept unplaced
HEADER_WIDTH_SHARE = 0.8  # rows a header's width must hold for longer rows to count as run together
CODED_ROWS_SHARE = 0.6  # rows labelled code-name (2010801-行政运行) for the label columns to split
MIN_TITLE_LAST_PAGES = 2  # pages printing a body before its title, for text read that way
MAX_CROSSED_BLOCK = 4  # labels in a block repeated under every upper column, at most
MIN_WIDTH_ROWS = 2  # rows printing a width in full before it counts as the table's width
MAX_NAME_BACKUP = 3  # lines above a table's first amount that may hold its first row's label


@dataclass(frozen=True)
class StreamSettings:
    """How much of a document must look streamed before it is read that way, and the limits
    of reading it."""

    min_amount_lines: int = 5  # lines holding an amount: fewer, and the document has no table
    min_running_pages: int = 3  # pages a running header or footer must be printed on
    running_page_share: float = 0.5  # of all pages, at least
    running_edge_lines: int = 3  # the first and last non-empty lines of a page it may be
    running_min_chars: int = 6  # shorter lines (页码, 单位) are not taken for one
    max_aligned_share: float = 0.15  # amount lines with a wide gap (aligned columns) at most
    max_propagate_rounds: int = 6  # passes over a table's sum identities until none narrows
    one_per_line_share: float = 0.8  # of a page's amount lines holding one token: cell per line
    max_title_tokens: int = 4  # tokens of a line that may be a table's title
    max_unit_line_chars: int = 40  # characters of a line naming the unit (单位：万元) at most
    max_meta_value_chars: int = 40  # characters of a key's value on its own line (部门名称)
    max_row_chars: int = 40  # characters of a body line without amounts: longer, running text
    kuan_sum_tolerance: int = 2  # rounding units of a 款's amount its 项 rows' sum may miss


SETTINGS = StreamSettings()


# ------------------------------------------------------------------ document shape


def _meta_line(lines: list[TextLine], k: int) -> bool:
    """Line ``k`` prints document metadata (部门：…, 单位：万元), or is the value of a key
    printed alone on the line above it (部门： / 江苏省人大常委会办公厅 in cell-per-line text)."""
    if _META.search(lines[k].text):
        return True
    j = k - 1
    while j >= 0 and not lines[j].text.strip():
        j -= 1
    return j >= 0 and _META_KEY.match(re.sub(r"\s+", "", lines[j].text)) is not None \
        and not _is_amount(lines[k].text.strip()) and \
        len(lines[k].text.strip()) <= SETTINGS.max_meta_value_chars


def _is_amount(text: str) -> bool:
    return bool(AMOUNT_TOKEN.match(text))


def looks_streamed(pages: list[Page], s: StreamSettings = SETTINGS) -> bool:
    """Text whose table rows carry no alignment: no tab or pipe rows, and lines holding
    amounts are either one cell each or cells separated by single spaces."""
    amount_lines = aligned = 0
    for p in pages:
        for ln in p.lines:
            t = ln.text
            if "\t" in t or t.lstrip().startswith("|"):
                return False
            toks = t.split()
            if not any(_is_amount(x) for x in toks):
                continue
            amount_lines += 1
            if re.search(r"\S {2,}\S", t.strip()):
                aligned += 1
    return amount_lines >= s.min_amount_lines and aligned <= amount_lines * s.max_aligned_share


def layout_text_pages(pages: list[Page]) -> list[list[Block]]:
    """Blocks per page of a text document: streamed tables read here, others by
    ``layout_text_page``."""
    pages = without_running_lines(pages)
    if not looks_streamed(pages):
        state: dict = {}  # a table cut at a page break continues on the next page
        return [layout_text_page(p, state=state) for p in pages]
    if _titles_printed_last(pages):
        pages = [_title_first(p) for p in pages]
    pages = [rows_from_columns(p) for p in pages]  # tables printed column by column
    reader = _StreamReader()
    out = [reader.page(p) for p in pages]
    reader.finish()
    return out


# a running line prints words beside its number (第 3 页, 2025 年度部门预算); a line of
# amounts only is a table's cell, however often its shape recurs at page edges
_RUNNING_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def _running_key(text: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"\d+", "#", text))


def without_running_lines(pages: list[Page], s: StreamSettings = SETTINGS) -> list[Page]:
    """Pages without the running header and footer lines a converter kept on every page
    (无锡市信访局 2025 年度部门预算公开 at each page's foot): a line with a number among the
    first or last lines of at least half the pages, printed the same (numbers aside), is kept where it
    first appears and dropped after, so it neither splits a table nor joins a row's name."""
    if len(pages) < s.min_running_pages:
        return pages
    seen: Counter[str] = Counter()
    for p in pages:
        filled = [ln.text for ln in p.lines if ln.text.strip()]
        edge = filled[: s.running_edge_lines] + filled[-s.running_edge_lines:]
        # a running line carries a year or a number; titles, and a name alone (the
        # department under 部门：on every page: a cell), stay
        seen.update({_running_key(t) for t in edge if len(t.strip()) >= s.running_min_chars
                     and re.search(r"\d", t) and _RUNNING_WORD.search(t)
                     and classify_title(t) is None
                     and not is_number_label(t)})
    running = {k for k, n in seen.items()
               if n >= max(s.min_running_pages, s.running_page_share * len(pages))}
    if not running:
        return pages
    first: set[str] = set()
    out: list[Page] = []
    for p in pages:
        keep: list[TextLine] = []
        for ln in p.lines:
            k = _running_key(ln.text)
            if k in running and k in first:
                continue
            if k in running:
                first.add(k)
            keep.append(ln)
        out.append(Page(p.number, p.width, p.height, p.words, p.segments, keep))
    return out


def _title_at(lines: list[TextLine]) -> tuple[int, bool, bool]:
    """The page's first table title line, whether amounts come before it, and after it."""
    first = next((i for i, ln in enumerate(lines)
                  if len(ln.text.split()) <= SETTINGS.max_title_tokens
                  and classify_title(ln.text) is not None), -1)
    if first < 0:
        return -1, False, False
    def has_amount(ls: list[TextLine]) -> bool:
        return any(_is_amount(x) for ln in ls for x in ln.text.split())
    return first, has_amount(lines[:first]), has_amount(lines[first:])


def _titles_printed_last(pages: list[Page]) -> bool:
    """Text whose pages print each table's body before its title and header (the order of a
    PDF's content stream, as pdftotext -raw keeps it): on most pages with a title, the rows
    with amounts all come before it."""
    last = first = 0
    for p in pages:
        i, before, after = _title_at(p.lines)
        if i < 0:
            continue
        if before and not after:
            last += 1
        elif after:
            first += 1
    return last >= MIN_TITLE_LAST_PAGES and last > first


def _title_first(page: Page) -> Page:
    """The page with its title and the lines after it moved above the body printed before
    it (each line keeps its offsets in the file)."""
    i, before, after = _title_at(page.lines)
    if i <= 0 or not before or after:
        return page
    return Page(page.number, page.width, page.height, page.words, page.segments,
                page.lines[i:] + page.lines[:i])


# ------------------------------------------------------------------ header


@dataclass
class _Frag:
    text: str
    start: int
    end: int


# The shared header vocabulary (pipeline.vocabulary), plus what this reader also needs to
# tell group headings from the columns under them: 非财政拨款 names no fund, and the words
# of a bare amount column (合计, 预算数, 金额 …) name its total.
_KEY_RULES: list[tuple[re.Pattern[str], ColumnKey | None]] = [
    (re.compile(r"非财政拨款"), None),
    *COLUMN_RULES,
    (re.compile(r"合计|总计|本年|预算数|决算数|金额|支出数|收入数|^(预算|决算)$|年度?(预算|决算)$"),
     _K.total),
]


@lru_cache(maxsize=8192)
def _key(label: str, kind: TableKind) -> ColumnKey | bool | None:
    """The canonical key a header label names (its last part; 小计 defers to its group),
    None for 行次, False when none."""
    parts = [p for p in label.split("/") if p]
    while parts and parts[-1] == "小计":
        parts.pop()
        if not parts:
            return _K.total
    if not parts:
        return False
    for pattern, key in _KEY_RULES:
        if pattern.search(parts[-1]):
            return key
    return False


# a table title, and a table's number label (表1, 公开05表), in the layout's own words
_TITLE = re.compile(r"表\s*([(（](续表?|[一二三四五六七八九十\d]+)[)）])?$")
_TOC = re.compile(r"(\.{3,}|…{2,}|·{3,})\s*\d*$")
_NUMBER_LABEL = re.compile(
    r"^(?:(?:部门|单位)?(?:预算|决算)?公开|部门|预算|决算|附)?表?\s*[\d一二三四五六七八九十]+"
    r"(?:[-—－]\d+)?表?(?:[(（](?:续|续表)[)）])?$")


def _open_row(t: _Table, j: int, pos: int) -> _Unit:
    """A new row of table ``t`` opening on line ``j``, the ``pos``-th on that line."""
    unit = _Unit(line=j, position=pos)
    t.units.append(unit)
    return unit


def _amount_run(toks: list[list[Token]], j: int) -> int:
    """Lines of one amount each from line ``j`` on (blank lines skipped): in cell-per-line
    text, the amounts of the first row."""
    run = 0
    for ts in toks[j:]:
        if not ts:
            continue
        if len(ts) != 1 or not _is_amount(ts[0].text):
            break
        run += 1
    return run


def _column_labels_line(ts: list[Token], kind: TableKind) -> bool:
    """A line of words naming amount columns (合计 基本支出 项目支出 单位预留机动经费
    结转下年资金: at least two known columns, and half its words): a header line above
    amounts that print no row label."""
    if len(ts) < 2 or any(_is_amount(x.text) for x in ts):
        return False
    keys = [k for x in ts if isinstance(k := _key(x.text, kind), ColumnKey)]
    return len(set(keys)) >= 2 and 2 * len(keys) >= len(ts)


@lru_cache(maxsize=8192)
def is_number_label(text: str) -> bool:
    t = re.sub(r"\s+", "", text)
    return "表" in t and _NUMBER_LABEL.match(t) is not None


@lru_cache(maxsize=8192)
def classify_title(text: str) -> TableKind | None:
    """The kind of table a title line names, as far as the layout needs it (two-sided
    summaries, 三公); other titles are ``other``; None for a line that is no title."""
    t = re.sub(r"\s+", "", text)
    if not t or len(t) > 60 or "。" in t or "，" in t or _TOC.search(t) or is_number_label(t):
        return None
    t = re.sub(r"^[(（]?[一二三四五六七八九十\d]+[)）、.]", "", t)
    # a title ending in what it classifies by: …明细表（按支出功能分类科目）
    t = re.sub(r"表[(（](按|分)?[^)）]{1,16}[)）]$", "表", t)
    if not _TITLE.search(t) or re.search(r"说明|^注|情况$", t):
        return None
    if "三公" in t:
        return TableKind.three_public
    if re.search(r"(收支|收入支出)(预算|决算)?总(体情况)?表|财政拨款(预算)?(收支|收入支出)", t):
        return TableKind.income_expenditure_summary
    return TableKind.other


def header_fragments(lines: list[TextLine], one_per_line: bool) -> list[_Frag]:
    """Header cells in printed order: a line is one cell when cells are one per line; in
    space-separated text a digit run joins the 年 after it and a run of single characters
    joins (``项 目``, ``小 计``, ``2026 年预算数``; not ``类 款 项``)."""
    out: list[_Frag] = []
    for ln in lines:
        toks = line_tokens(ln)
        if not toks:
            continue
        if one_per_line:
            out.append(_Frag("".join(t.text for t in toks), toks[0].start, toks[-1].end))
            continue
        cur: list[Token] = []
        for t in toks:
            single = len(t.text) == 1 and not t.text.isdigit()
            if cur and ((re.fullmatch(r"\d{4}", cur[-1].text) and t.text.startswith("年")) or
                        (single and all(len(x.text) == 1 and not x.text.isdigit()
                                        for x in cur))):
                cur.append(t)
                continue
            out.extend(_spaced_label(cur))
            cur = [t]
        out.extend(_spaced_label(cur))
    return out


def _spaced_label(cur: list[Token]) -> list[_Frag]:
    """Header tokens read as one label: a run of single characters is one label spaced out
    (合 计, 小 计), but the 类 款 项 at its start are labels of their own."""
    cur = list(cur)
    out: list[_Frag] = []
    if cur and all(len(x.text) == 1 for x in cur):
        while cur and cur[0].text in "类款项" and (
                len(cur) == 1 or cur[1].text in "类款项" or len(cur) > 2):
            out.append(_Frag(cur[0].text, cur[0].start, cur[0].end))
            cur.pop(0)
    if cur:
        out.append(_Frag("".join(x.text for x in cur), cur[0].start, cur[-1].end))
    return out


_CHILDREN: list[tuple[ColumnKey, set[ColumnKey]]] = [
    (_K.basic, {_K.personnel, _K.public}),
    (_K.fiscal, {_K.general_budget, _K.government_fund, _K.state_capital}),
    (_K.unit_funds, {_K.business_income, _K.operating_income, _K.superior_subsidy,
                     _K.affiliated_remit, _K.other_income}),
    (_K.vehicle_total, {_K.vehicle_purchase, _K.vehicle_operation}),
    (_K.general_budget, set()),  # 一般公共预算拨款 over 小计 / 其中：专项资金
]


@dataclass
class Header:
    """What a table's header says: its amount labels in printed order, and for two-sided
    tables the labels of each side."""

    name_label: str = "名称"
    code_label: str | None = None
    labels: list[str] = field(default_factory=list)  # amount columns, flattened
    raw_labels: list[str] = field(default_factory=list)  # amount labels before flattening
    frags: list[_Frag] = field(default_factory=list)
    two_sided: bool = False
    # a second classification beside the first (部门经济分类 | 政府经济分类): its code and
    # name labels, each row printing code, name, code, name, then its amounts
    second: tuple[str, str] | None = None
    side_by_side: bool = False
    label_columns: list[str] = field(default_factory=list)  # code and name labels, in order
    serial: bool = False  # a 序号 column numbers the rows
    line_numbers: bool = False  # 行次 columns number each side's lines
    left: list[str] = field(default_factory=list)
    right: list[str] = field(default_factory=list)
    side_names: tuple[str, str] = ("收入", "支出")


_FUND_TAIL = re.compile(r"财政拨款(收入)?")  # 政府性基金预算 / 财政拨款: one label
_TERMINAL_WORD = re.compile(r"预算|决算|拨款|收入|支出|资金")
_TERMINAL = re.compile(r"(支出|收入|经费|拨款|资金|[合总小]计|费|数|额|[)）])$")


def _split_run_together(frags: list[_Frag], kind: TableKind) -> list[_Frag]:
    """Two cells' labels a converter printed as one line (上缴上级支出对附属单位补, pymupdf)
    are two labels: cut after a closing word (支出, 收入 …) where both sides name different
    columns."""
    out: list[_Frag] = []
    for f in frags:
        for m in _CLOSING_WORD.finditer(f.text):
            cut = m.end()
            left, right = f.text[:cut], f.text[cut:]
            k_left, k_right = _key(left, kind), _key(right, kind)
            if len(right) >= 2 and isinstance(k_left, ColumnKey) and isinstance(
                    k_right, ColumnKey) and k_left is not k_right and k_left is not _K.total:
                out.extend([_Frag(left, f.start, f.start + cut), _Frag(right, f.start + cut, f.end)])
                break
        else:
            out.append(f)
    return out


_CLOSING_WORD = re.compile(r"(支出|收入|资金|经费|拨款)(?!$)")


def _join_wrapped(frags: list[_Frag], kind: TableKind) -> list[_Frag]:
    """Join a label's pieces wrapped over lines: a piece with no meaning of its own (no
    canonical key) continues an unfinished label before it (one not ending in 支出, 收入,
    拨款, 合计 …), as does a piece starting with punctuation; a piece with no key of its own
    starts a label that the next piece completes (事业单位 + 经营支出)."""
    summary = kind in SUMMARY_KINDS
    out: list[_Frag] = []
    for i, f in enumerate(frags):
        nxt = frags[i + 1].text if i + 1 < len(frags) else ""
        if out and not _starts_new_label(out[-1].text, f.text, nxt, kind) \
                and not _LABEL_COL.fullmatch(f.text) and not _LABEL_COL.fullmatch(out[-1].text) \
                and not _NEW_LABEL.match(f.text) and \
                not (summary and (_SIDE_WORDS.match(f.text) or _SIDE_WORDS.match(out[-1].text))):
            prev = out[-1]
            k_f = _key(f.text, kind)
            k_prev = _key(prev.text, kind)
            k_join = _key(prev.text + f.text, kind)
            unfinished = not _TERMINAL.search(prev.text) or \
                (prev.text.startswith("其中") and k_prev is False)
            tail = (k_f is False and (unfinished or re.match(r"^[、，)）(（]", f.text))) or (
                # 政府性基金 + 预算: the piece only finishes the label it continues
                unfinished and isinstance(k_prev, ColumnKey) and k_join is k_prev
                and (_TERMINAL_WORD.fullmatch(f.text) is not None or _FUND_TAIL.fullmatch(f.text)))
            head = k_prev is False and k_join not in (False, None) and \
                not re.match(r"^(小计|合计|总计)", prev.text) and len(prev.text) <= 6
            if tail or head:
                out[-1] = _Frag(prev.text + f.text, prev.start, f.end)
                continue
        out.append(f)
    return out


def _starts_new_label(prev: str, piece: str, nxt: str, kind: TableKind) -> bool:
    """``piece`` begins a label of its own that ``nxt`` completes (政府性基 + 金预算 after
    一般公共预算): together they name another column from their first character on, which
    the piece alone does not, and the label before already names a column."""
    k_prev = _key(prev, kind)
    if not isinstance(k_prev, ColumnKey) or _key(piece, kind) is not False or not nxt:
        return False
    joined = piece + nxt
    for pattern, key in COLUMN_RULES:
        m = pattern.search(joined)
        if m and m.start() == 0 and m.end() > len(piece) and key is not k_prev:
            return True
    return False


def _flatten(labels: list[str], kind: TableKind, n: int | None,
             relocate: bool = False) -> list[str]:
    """Leaf labels in the order of the amounts: a group heading is dropped and the labels
    under it (found by their canonical keys, and the 小计 / 其中 after it) are prefixed with
    it; with ``relocate`` they also move to the heading's place (a header whose lower row
    is printed after the whole upper row)."""
    out = list(labels)
    i = 0
    while i < len(out):
        kids = _heading_children(out, i, kind)
        if kids:
            moved = {j: f"{out[i]}/{out[j]}" for j in kids}
            if relocate:
                rest = [lb for j, lb in enumerate(out) if j not in kids and j != i]
                out = rest[:i] + list(moved.values()) + rest[i:]
                i += len(moved)
            else:
                out = [moved.get(j, lb) for j, lb in enumerate(out) if j != i]
            continue
        i += 1
    if n is not None and len(out) > n:
        out = _without_overall_headings(out, kind, n)
    return out


def _heading_children(out: list[str], i: int, kind: TableKind) -> list[int]:
    """The labels under label ``i`` when it is a group heading: those whose keys are its
    children, its 小计 and the 其中 columns after that 小计; empty when it heads none."""
    k = _key(out[i], kind)
    if re.fullmatch(r"其中[:：]?", out[i]) and i + 1 < len(out) and _SUBTOTAL.match(out[i + 1]):
        # 其中 (of which) over 小计 | 基本支出 | 项目支出: it heads the parts, not 小计
        return [j for j in range(i + 2, len(out))
                if isinstance(_key(out[j], kind), ColumnKey) and "/" not in out[j]]
    if "/" in out[i]:
        return []
    kids = next(([j for j in range(i + 1, len(out))
                  if _key(out[j], kind) in children and "/" not in out[j]]
                 for parent, children in _CHILDREN if k is parent), [])
    sub = [j for j in range(i + 1, len(out)) if out[j] == "小计"]
    if sub and (kids or k is False):
        # its 小计 is the first one after it; its 其中 columns follow that 小计
        s0 = sub[0]
        tail = []
        for j in range(s0 + 1, len(out)):
            if not out[j].startswith("其中"):
                break
            tail.append(j)
        kids = sorted({s0, *kids, *tail})
    return kids


def _without_overall_headings(out: list[str], kind: TableKind, n: int) -> list[str]:
    """A heading over every column (本年收入, 预算数) printed above them: dropped while the
    labels outnumber the ``n`` amounts."""
    extra = [j for j, lb in enumerate(out) if "/" not in lb and _key(lb, kind) is _K.total
             and not re.fullmatch(r"合计|总计|.*[合总]计", lb)]
    for j in extra[: len(out) - n]:
        out[j] = ""
    return [lb for lb in out if lb]


def label_orders(labels: list[str], kind: TableKind, n: int | None) -> list[list[str]]:
    """The orders of leaf labels a header may mean, the likeliest first: groups flattened in
    place or moved to their heading, and each with its total column first."""
    out: list[list[str]] = []
    crossed = _crossed(labels, kind)
    if crossed is not None:
        out.append(crossed)
    for relocate in (False, True):
        base = _flatten(labels, kind, n, relocate)
        for cand in (base, _total_first(base, kind)):
            if cand not in out:
                out.append(cand)
    return out


def _crossed(labels: list[str], kind: TableKind) -> list[str] | None:
    """A header whose lowest row repeats one block of labels under every column above
    (三公 items, each split 一般公共预算 | 政府性基金预算 | 国有资本经营预算): the leaves of the
    upper rows crossed with the block, ``总计/一般公共预算`` …; None when it does not."""
    for m in range(MAX_CROSSED_BLOCK, 1, -1):
        if len(labels) < 3 * m:
            continue
        labs = list(labels)
        before = labs[-m - 1]
        if labs[-1] != before and labs[-1].startswith(before):
            # the first row's label run onto the header's last piece (…经营预算深圳市信访局)
            labs[-1] = before
        block = labs[-m:]
        if len(set(block)) < m:
            continue
        i, copies = len(labs), 0
        while i - m >= 0 and labs[i - m:i] == block:
            copies += 1
            i -= m
        head = _flatten(labs[:i], kind, None)
        if copies >= 2 and len(head) == copies:
            return [f"{h}/{b}" for h in head for b in block]
    return None


def _total_first(labels: list[str], kind: TableKind) -> list[str]:
    tot = [j for j, lb in enumerate(labels) if "/" not in lb and _key(lb, kind) is _K.total]
    if not tot or tot[0] == 0:
        return labels
    j = tot[0]
    return [labels[j], *labels[:j], *labels[j + 1:]]


def _drop_headings(labels: list[str], kind: TableKind) -> list[str]:
    """A heading over the amount columns (预算数 over 总计 / 一般公共预算 …) is no column."""
    if len(labels) < 2:
        return labels
    heads = [j for j, lb in enumerate(labels) if _key(lb, kind) is _K.total
             and not re.search(r"[合总]计", lb)]
    if heads and any(re.search(r"[合总]计", lb) for lb in labels):
        return [lb for j, lb in enumerate(labels) if j not in heads]
    return labels


def _serial_apart(f: _Frag) -> _Frag:
    """序号 run into the next column's label (序号功能科目, pymupdf): the label alone."""
    m = _SERIAL_RUN_ON.match(f.text)
    return _Frag(f.text[m.end():], f.start + m.end(), f.end) if m else f


_SERIAL_RUN_ON = re.compile(r"\s*序\s*号\s*(?=\S)")


def parse_header(frags: list[_Frag], kind: TableKind, n: int | None) -> Header:
    h = Header(frags=frags)
    h.serial = any(re.fullmatch(r"序号?", f.text.replace(" ", "")) or _SERIAL_RUN_ON.match(f.text)
                   for f in frags)
    frags = [_serial_apart(f) for f in frags]
    h.line_numbers = any(f.text.replace(" ", "") == "行次" for f in frags)
    frags = [f for f in frags if not re.fullmatch(r"[\d\s.]+|\*+|栏次|[甲乙丙]|序号?|号", f.text)
             and not _META.search(f.text) and not detect_unit(f.text)]
    frags = _split_run_together(_join_wrapped(frags, kind), kind)
    texts = [re.sub(r"\s+", "", f.text) for f in frags]
    name_idx = [j for j, t in enumerate(texts) if _LABEL_COL.fullmatch(t)]
    code = [texts[j] for j in name_idx if re.search(r"编码|代码|^[类款项]$", texts[j])]
    names = [texts[j] for j in name_idx if texts[j] not in code]
    h.code_label = code[0] if code else None
    h.label_columns = [texts[j] for j in name_idx]
    if names:
        h.name_label = names[0]
    full_codes = [t for t in code if re.search(r"编码|代码", t)]
    if len(full_codes) >= 2 and len(names) >= 2 and kind not in SUMMARY_KINDS:
        h.second = (full_codes[1], names[1])
    if kind in SUMMARY_KINDS:
        item = [j for j in name_idx if texts[j] not in code]
        if len(item) >= 2:
            h.two_sided = True
            sides = [t for t in texts[: item[0]] if _SIDE_WORDS.match(t)]
            if len(sides) >= 2:
                h.side_names = (sides[0], sides[1])
            left = [t for t in texts[item[0] + 1: item[1]] if not _SIDE_WORDS.match(t)]
            right = [t for t in texts[item[1] + 1:] if not _SIDE_WORDS.match(t)
                     and not _LABEL_COL.fullmatch(t)]
            h.left = _drop_headings(_flatten(left, kind, None), kind) or ["金额"]
            h.right = _drop_headings(_flatten(right, kind, None), kind) or ["金额"]
            return h
    h.raw_labels = [t for j, t in enumerate(texts) if j not in name_idx]
    h.labels = _flatten(h.raw_labels, kind, n)
    half = len(h.raw_labels) // 2
    if half and len(names) >= 2 and h.raw_labels[:half] == h.raw_labels[half:]:
        # two tables side by side (科目名称 决算数 | 科目名称 决算数): their rows share printed
        # lines in no order this reader can undo; left as text rather than read wrongly
        h.side_by_side = True
    return h


# ------------------------------------------------------------------ rows


@dataclass
class _Unit:
    """A row as printed: code parts, name tokens, amount tokens, and its line."""

    code: list[Token] = field(default_factory=list)
    name: list[Token] = field(default_factory=list)
    code2: list[Token] = field(default_factory=list)  # a second classification's code
    name2: list[Token] = field(default_factory=list)  # and name
    amounts: list[Token] = field(default_factory=list)
    line: int = 0  # index of its first line on the page
    last_line: int = 0
    position: int = 0  # 0: first unit on its line, 1: a later one
    side: int = 0
    total: bool = False  # a line of amounts only, the sum of the 类 rows: the table's total


def _is_total_unit(u: _Unit) -> bool:
    return u.total or (not u.code and _TOTAL.match(_name_text(u.name)) is not None)


def _is_grand_total(ts: list[Token], t: _Table) -> bool:
    """A line of amounts only whose first is the sum of the 类 rows' first amounts read so
    far: the table's total row, printed last with its label elsewhere (pdftotext -raw)."""
    if not ts or not all(_is_amount(x.text) for x in ts):
        return False
    units = [*(u for _, us, _, _ in t.pending for u in us), *t.units]
    lei = [u for u in units if len(u.code) == 1 and len(u.code[0].text) == 3 and u.amounts]
    if len(lei) < 2:
        return False
    firsts = [_dec(u.amounts[0]) for u in lei]
    # greater than any 类 row's own figure: no amount of a row under them
    return _dec(ts[0]) == sum(firsts) > max(firsts)


def _name_text(ts: list[Token]) -> str:
    out = ""
    for t in ts:
        if out and out[-1].isascii() and t.text[:1].isascii():
            out += " "
        out += t.text
    return out


def _dec(t: Token) -> Decimal:
    v = parse_amount(t.text)
    return v if v is not None else Decimal(0)


def _places(t: Token) -> int:
    return _text_places(t.text)


def _text_places(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


def _identities(keys: list[ColumnKey | bool | None], kind: TableKind) -> list[tuple[int, list[int]]]:
    idx: dict[ColumnKey, int] = {}
    for j, k in enumerate(keys):
        if isinstance(k, ColumnKey) and k not in idx:
            idx[k] = j
    rules: list[tuple[ColumnKey, list[ColumnKey]]] = [
        (_K.basic, [_K.personnel, _K.public]),
        (_K.fiscal, [_K.general_budget, _K.government_fund, _K.state_capital]),
        (_K.vehicle_total, [_K.vehicle_purchase, _K.vehicle_operation]),
    ]
    if kind is TableKind.three_public:
        rules.append((_K.total, [_K.abroad, _K.vehicle_total, _K.reception]))
    else:
        # 合计 = 基本 + 项目 + the other uses; 基本 printed only as 人员 | 公用 counts them
        basic = [_K.basic] if _K.basic in idx else [_K.personnel, _K.public]
        rules.append((_K.total, [*basic, _K.project, _K.operating_expense, _K.remit_upper,
                                 _K.subsidy_affiliated]))
        if not any(k in idx for k in (_K.fiscal, _K.fiscal_special, _K.unit_funds,
                                      _K.business_income, _K.operating_income, _K.other_income,
                                      _K.superior_subsidy, _K.affiliated_remit, _K.carryover)):
            # the 合计 of a table of 财政拨款 columns only
            rules.append((_K.total, [_K.general_budget, _K.government_fund, _K.state_capital]))
    out: list[tuple[int, list[int]]] = []
    for parent, children in rules:
        kids = [idx[c] for c in children if c in idx]
        if parent in idx and len(kids) >= 2 and not any(p == idx[parent] for p, _ in out):
            out.append((idx[parent], kids))
    return out


def _sum_right(labels: list[str], kind: TableKind,
               ids: list[tuple[int, list[int]]]) -> list[tuple[int, list[int]]]:
    """A first total column with no identity yet is the sum of the columns right of it that
    stand on their own (no group prefix, or a group's 小计)."""
    if not labels or _key(labels[0], kind) is not _K.total or any(p == 0 for p, _ in ids):
        return []
    kids = [j for j in range(1, len(labels))
            if ("/" not in labels[j] or labels[j].endswith("/小计"))
            and _key(labels[j], kind) not in (None, _K.total)]
    return [(0, kids)] if len(kids) >= 2 else []


def _learned(full: list[list[Token]], n: int) -> list[tuple[int, list[int]]]:
    """Identities the rows printed in full all satisfy: a column that is the sum of a run of
    the columns right of it (non-trivially in at least one row)."""
    if not full:
        return []
    out: list[tuple[int, list[int]]] = []
    vals = [[_dec(t) for t in r] for r in full]
    for j in range(n):
        for m in range(j + 2, n):
            kids = list(range(j + 1, m + 1))
            ok = any(v[j] != 0 and sum(v[c] != 0 for c in kids) >= 2 for v in vals)
            for r, v in zip(full, vals, strict=True):
                tol = Decimal(1).scaleb(-max(_places(t) for t in r)) * len(kids)
                if abs(v[j] - sum(v[c] for c in kids)) > tol:
                    ok = False
                    break
            if ok:
                out.append((j, kids))
                break
    return out


def _tol(amounts: list[Token]) -> Decimal:
    return Decimal(1).scaleb(-max(_places(t) for t in amounts)) if amounts else Decimal("0.01")


def _candidates(amounts: list[Token], n: int,
                ids: list[tuple[int, list[int]]]) -> tuple[list[tuple[int, ...]], float] | None:
    """The placements (amounts keep their order) of a row printing ``k`` of ``n`` amounts
    that satisfy most of the table's identities and violate none, with that score; None
    when there are too many to try."""
    k = len(amounts)
    if k == n:
        return [tuple(range(n))], 1.0
    if k > n or k == 0 or comb(n, k) > MAX_PLACEMENTS:
        return None
    got = _candidates_of(tuple(t.text for t in amounts), n,
                         tuple((p, tuple(kids)) for p, kids in ids))
    return (list(got[0]), got[1]) if got is not None else None


@lru_cache(maxsize=4096)
def _candidates_of(texts: tuple[str, ...], n: int, ids: tuple[tuple[int, tuple[int, ...]], ...]
                   ) -> tuple[tuple[tuple[int, ...], ...], float] | None:
    """``_candidates`` by the printed amounts (rows printing the same figures, 0.00 above
    all, are placed once)."""
    k = len(texts)
    tol = Decimal(1).scaleb(-max(_text_places(t) for t in texts))
    vals = [v if (v := parse_amount(t)) is not None else Decimal(0) for t in texts]
    zero = Decimal(0)
    checks = [(p, kids, frozenset(kids), tol * (len(kids) + 1)) for p, kids in ids]
    best: list[tuple[float, tuple[int, ...]]] = []
    for cols in combinations(range(n), k):
        v = [zero] * n
        for c, x in zip(cols, vals, strict=True):
            v[c] = x
        placed = set(cols)
        score = 0.0
        for p, kids, kidset, allowed in checks:
            if p not in placed and placed.isdisjoint(kidset):
                continue
            total = sum((v[c] for c in kids), zero)
            if not v[p] and not total:
                continue
            if abs(v[p] - total) <= allowed:
                score += 1
            else:
                score -= 3
        if score < 0:
            continue
        best.append((score, cols))
    if not best:
        return (), 0.0
    top = max(sc for sc, _ in best)
    return tuple(c for sc, c in best if sc == top), top


def _agreed(cands: list[tuple[int, ...]], k: int) -> list[int] | None:
    """An amount whose column every candidate agrees on is placed; the others not (-1)."""
    out = [next(iter(c)) if len(c := {cols[i] for cols in cands}) == 1 else -1
           for i in range(k)]
    return None if all(c < 0 for c in out) else out


def place(amounts: list[Token], n: int, ids: list[tuple[int, list[int]]],
          freq: list[int] | None = None) -> list[int] | None:
    """Columns for a row printing fewer than ``n`` amounts: the placement (amounts keep their
    order) that satisfies most of the table's identities and violates none; ties broken by
    the columns the table's other rows fill. None when still ambiguous."""
    got = _candidates(amounts, n, ids)
    if not got or not got[0]:
        return None
    cands, top = got
    if len(cands) > 1 and freq is not None:
        fs = [sum(freq[c] for c in cols) for cols in cands]
        top_f = max(fs)
        cands = [c for c, f in zip(cands, fs, strict=True) if f == top_f]
    if top <= 0 and (freq is None or len(cands) != 1):
        return None
    return _agreed(cands, len(amounts))


# columns printed in most tables (tier 0), in some (1), seldom filled (2): a row whose
# identities leave its amounts' columns open takes the commonest columns
_COMMON = {_K.total, _K.basic, _K.project, _K.personnel, _K.public, _K.fiscal,
           _K.general_budget}
_SELDOM = {_K.remit_upper, _K.operating_expense, _K.subsidy_affiliated, _K.superior_subsidy,
           _K.operating_income, _K.affiliated_remit, _K.state_capital, _K.fiscal_special}


def _tier(key: ColumnKey | bool | None) -> int:
    if key in _COMMON:
        return 0
    return 2 if key in _SELDOM else 1


MAX_GROUP_COMBOS = 2000  # placements of a group's rows tried together at most


def _groups(units: list[_Unit]) -> list[list[int]]:
    """Rows that must add up, as [parent, children...]: a 合计 row and the 类 rows; a 类 or
    款 row and the rows of the next level printed under it (up to a row of its level or above,
    or a row with amounts and no code)."""
    codes = ["".join(t.text for t in u.code) for u in units]
    out: list[list[int]] = []
    lei = [i for i, c in enumerate(codes) if len(c) == 3 and _CODE.match(c)]
    for i, u in enumerate(units):
        if not codes[i] and _is_total_unit(u) and lei and \
                not re.search(r"收入|支出", _name_text(u.name)):
            out.append([i, *lei])
            break
    for i, c in enumerate(codes):
        if len(c) not in (3, 5) or not _CODE.match(c):
            continue
        kids: list[int] = []
        for j in range(i + 1, len(units)):
            d = codes[j]
            if not d and not units[j].amounts:
                continue  # a name piece printed apart
            if not d or not d.startswith(c) or len(d) <= len(c):
                break
            if len(d) == len(c) + 2:
                kids.append(j)
        if kids:
            out.append([i, *kids])
    return out


def _best_sums(g: list[int], sets: list[list[tuple[int, ...]]], vec, tols: list[Decimal],
               n: int) -> list[set[tuple[int, ...]]] | None:
    """Of every combination of the group's placements, those adding up in every column;
    when none does (a row misread or missing, or the document's own error), those adding
    up in the most columns. None when that decides nothing."""
    tol = max(tols[i] for i in g) * len(g)
    vecs = [[vec(i, cols) for cols in s] for i, s in zip(g, sets, strict=True)]
    ok: list[set[tuple[int, ...]]] = [set() for _ in g]
    best = -1
    worst = n + 1
    for combo in product(*[range(len(s)) for s in sets]):
        parent = vecs[0][combo[0]]
        kids = [vecs[m][ci] for m, ci in enumerate(combo) if m]
        good = sum(1 for c in range(n) if abs(parent[c] - sum(v[c] for v in kids)) <= tol)
        worst = min(worst, good)
        if good > best:
            best = good
            ok = [set() for _ in g]
        if good == best:
            for m, ci in enumerate(combo):
                ok[m].add(sets[m][ci])
    return None if best <= 0 or best == worst else ok


MAX_SUM_STATES = 5000  # distinct partial sums of a column kept at most


def _exact_sums(g: list[int], sets: list[list[tuple[int, ...]]], vals: list[list[Decimal]],
                units: list[_Unit]) -> list[set[tuple[int, ...]]] | None:
    """For a group with too many combinations to try one by one, column by column: a row's
    placement is dropped when, in some column, no choice of the other rows' placements
    makes the parent row the sum of its children there (each column on its own: only
    placements that cannot add up are dropped). None when nothing is decided."""
    places = max((_places(t) for i in g for t in units[i].amounts), default=0)
    scale = 10 ** places
    width = max((c for s in sets for cols in s for c in cols), default=-1) + 1
    tol = len(g)  # one unit of the last printed decimal per row
    vecs = [[_int_vector(cols, vals[g[m]], width, scale) for cols in sets[m]]
            for m in range(len(g))]
    alive = [[True] * len(sets[m]) for m in range(len(g))]
    for c in range(width):
        _drop_unsummable(c, vecs, alive, tol)
    if any(not any(a) for a in alive) or all(all(a) for a in alive):
        return None
    return [{cols for cols, a in zip(sets[m], alive[m], strict=True) if a}
            for m in range(len(g))]


def _int_vector(cols: tuple[int, ...], vals: list[Decimal], width: int, scale: int) -> list[int]:
    """A row's amounts placed in ``cols``, in units of the last printed decimal."""
    v = [0] * width
    for c, x in zip(cols, vals, strict=True):
        v[c] = int(x * scale)
    return v


def _drop_unsummable(c: int, vecs: list[list[list[int]]], alive: list[list[bool]],
                     tol: int) -> None:
    """In column ``c``: marks dead each placement of a row with which no choice of the
    other rows' makes the first row (the parent) the sum of the others within ``tol``."""
    m_rows = len(vecs)
    dv = [sorted({v[c] for v in vecs[m]}) for m in range(m_rows)]
    if all(len(d) == 1 for d in dv):
        return
    # amounts that are never negative: a partial sum above the largest parent value
    # can reach no parent value
    cap = max(dv[0]) + tol if all(x >= 0 for d in dv for x in d) else None
    fwd = _forward_sums(dv, cap)
    if fwd is None:
        return
    bwd = _backward_sums(dv, cap)
    tops = [t for t in dv[0] if any(abs(t - f) <= tol for f in fwd[-1])]
    for ci, v in enumerate(vecs[0]):
        if v[c] not in tops:
            alive[0][ci] = False
    for m in range(1, m_rows):
        after = sorted(bwd[m + 1])
        for ci, v in enumerate(vecs[m]):
            if not alive[m][ci]:
                continue
            need = [t - f - v[c] for t in tops for f in fwd[m - 1]]
            if not any(_near(after, x, tol) for x in need):
                alive[m][ci] = False


def _forward_sums(dv: list[list[int]], cap: int | None) -> list[set[int]] | None:
    """The partial sums of the child rows 1..m, for each m; None past MAX_SUM_STATES."""
    fwd: list[set[int]] = [{0}]
    for m in range(1, len(dv)):
        fwd.append({f + x for f in fwd[-1] for x in dv[m] if cap is None or f + x <= cap})
        if len(fwd[-1]) > MAX_SUM_STATES:
            return None
    return fwd


def _backward_sums(dv: list[list[int]], cap: int | None) -> list[set[int]]:
    """The partial sums of the child rows m..last, for each m."""
    m_rows = len(dv)
    bwd: list[set[int]] = [set() for _ in range(m_rows + 1)]
    bwd[m_rows] = {0}
    for m in range(m_rows - 1, 0, -1):
        bwd[m] = {f + x for f in bwd[m + 1] for x in dv[m] if cap is None or f + x <= cap}
    return bwd


def _near(sorted_vals: list[int], x: int, tol: int) -> bool:
    k = bisect_left(sorted_vals, x - tol)
    return k < len(sorted_vals) and sorted_vals[k] <= x + tol


def resolve(units: list[_Unit], n: int, ids: list[tuple[int, list[int]]],
            tiers: list[int] | None = None) -> list[list[int] | None]:
    """Each row's columns (-1: an amount left unplaced; None: the row unplaced): first the
    row's own identities; then the table's (a 合计 is the sum of its 类 rows, a 类 of its
    款, a 款 of its 项, in every column); then the columns the other rows fill; then the
    commonest columns."""
    r = _Resolver.of(units, n, ids)
    r.propagate()
    # then the columns the other rows fill (those placed without doubt), then the commonest
    # columns: a level at a time from the top (合计 and 类 rows, 款, 项, the rest), the
    # identities carrying each decision down to the rows under it
    level = _unit_levels(units)
    freq = r.column_frequency()
    for lv in range(_UNIT_LEVELS):
        r.narrow_by_frequency(level, lv, freq)
        r.propagate()
    for lv in range(_UNIT_LEVELS):
        if tiers is not None:
            r.narrow_by_tiers(level, lv, tiers)
        r.propagate()
    return r.placements()


_UNIT_LEVELS = 4  # 合计 and 类 rows, 款, 项, the rest


def _unit_levels(units: list[_Unit]) -> list[int]:
    """Each row's level: 0 for 合计 and 类 rows, 1 for 款, 2 for 项, 3 for the rest."""
    codes = ["".join(t.text for t in u.code) for u in units]
    return [0 if len(c) == 3 or (not c and _is_total_unit(u))
            else 1 if len(c) == 5 else 2 if len(c) == 7 else 3
            for c, u in zip(codes, units, strict=True)]


@dataclass
class _Resolver:
    """Each row's candidate placements (column tuples; None: none fits) and whether they
    are backed by evidence, narrowed step by step by ``resolve``."""

    units: list[_Unit]
    n: int
    cands: list[list[tuple[int, ...]] | None]
    evidence: list[bool]
    vals: list[list[Decimal]]
    tols: list[Decimal]
    groups: list[list[int]]
    seen: dict[int, tuple[int, ...]] = field(default_factory=dict)  # group: sizes last tried
    max_rounds: int = SETTINGS.max_propagate_rounds

    @classmethod
    def of(cls, units: list[_Unit], n: int, ids: list[tuple[int, list[int]]]) -> _Resolver:
        """The rows' own identities: the placements of each row that fit them."""
        cands: list[list[tuple[int, ...]] | None] = []
        evidence: list[bool] = []
        for u in units:
            if not u.amounts:
                cands.append([()])
                evidence.append(True)
                continue
            got = _candidates(u.amounts, n, ids)
            cands.append(got[0] if got else None)
            evidence.append(bool(got and got[0] and got[1] > 0))
        vals = [[_dec(t) for t in u.amounts] for u in units]
        tols = [_tol(u.amounts) for u in units]
        return cls(units, n, cands, evidence, vals, tols, _groups(units))

    def vec(self, i: int, cols: tuple[int, ...]) -> list[Decimal]:
        v = [Decimal(0)] * self.n
        for c, x in zip(cols, self.vals[i], strict=True):
            v[c] = x
        return v

    def propagate(self) -> None:
        """The table's identities, group by group, until nothing changes."""
        changed = True
        rounds = 0
        while changed and rounds < self.max_rounds:
            changed = False
            rounds += 1
            for gi, g in enumerate(self.groups):
                if self._narrow_group(gi, g):
                    changed = True

    def _narrow_group(self, gi: int, g: list[int]) -> bool:
        sets = [self.cands[i] for i in g]
        sig = tuple(len(x) if x else 0 for x in sets)
        if self.seen.get(gi) == sig:
            return False  # nothing new since this group was last tried
        self.seen[gi] = sig
        if any(not s for s in sets) or all(len(s) == 1 for s in sets):  # type: ignore[arg-type]
            return False
        ok = self._adding_up(g, sets)  # type: ignore[arg-type]
        return ok is not None and self._keep(g, ok)

    def _adding_up(self, g: list[int], sets: list[list[tuple[int, ...]]]
                   ) -> list[set[tuple[int, ...]]] | None:
        size = 1
        for s in sets:
            size *= len(s)
        if size > MAX_GROUP_COMBOS:
            return _exact_sums(g, sets, self.vals, self.units)
        return _best_sums(g, sets, self.vec, self.tols, self.n)

    def _keep(self, g: list[int], ok: list[set[tuple[int, ...]]]) -> bool:
        """Keeps the placements in ``ok``; whether a row lost any."""
        changed = False
        for m, i in enumerate(g):
            new = [c for c in self.cands[i] if c in ok[m]]  # type: ignore[union-attr]
            if len(new) < len(self.cands[i]):  # type: ignore[arg-type]
                self.cands[i] = new
                self.evidence[i] = True
                changed = True
        return changed

    def column_frequency(self) -> list[int]:
        """How many rows placed with evidence fill each column."""
        freq = [0] * self.n
        for i, cs in enumerate(self.cands):
            if cs and self.evidence[i] and self.units[i].amounts:
                for c in _agreed(cs, len(self.units[i].amounts)) or []:
                    if c >= 0:
                        freq[c] += 1
        return freq

    def narrow_by_frequency(self, level: list[int], lv: int, freq: list[int]) -> None:
        """Rows of level ``lv`` keep the placements into the columns other rows fill most."""
        for i, cs in enumerate(self.cands):
            if level[i] != lv or not cs or len(cs) < 2:
                continue
            fs = [sum(freq[c] for c in cols) for cols in cs]
            top_f = max(fs)
            narrowed = [c for c, f in zip(cs, fs, strict=True) if f == top_f]
            if len(narrowed) == 1:
                self.evidence[i] = True
            self.cands[i] = narrowed

    def narrow_by_tiers(self, level: list[int], lv: int, tiers: list[int]) -> None:
        """Rows of level ``lv`` placed with evidence keep the placements using the fewest
        columns of tier 2, then of tier 1."""
        for i, cs in enumerate(self.cands):
            if level[i] != lv or not cs or len(cs) < 2 or not self.evidence[i]:
                continue
            cost = [(sum(tiers[c] == 2 for c in cols), sum(tiers[c] == 1 for c in cols))
                    for cols in cs]
            least = min(cost)
            self.cands[i] = [c for c, k in zip(cs, cost, strict=True) if k == least]

    def placements(self) -> list[list[int] | None]:
        out: list[list[int] | None] = []
        for i, (u, cs) in enumerate(zip(self.units, self.cands, strict=True)):
            if not u.amounts:
                out.append([])
            elif not cs or not self.evidence[i]:
                out.append(None)
            else:
                out.append(_agreed(cs, len(u.amounts)))
        return out


# ------------------------------------------------------------------ the reader


@dataclass
class _Table:
    kind: TableKind
    header: Header | None = None
    head_lines: list[TextLine] = field(default_factory=list)
    head_idx: list[int] = field(default_factory=list)
    units: list[_Unit] = field(default_factory=list)
    top: int = 0
    emitted: bool = False  # a grid of it was given on an earlier page
    title: str = ""
    repeat: bool = False  # its title was just printed again
    serial: int = 0  # the last row number read from its 序号 column
    # each page's rows: (page, rows, grid top, the page's blocks), built at the table's end
    pending: list[tuple[Page, list[_Unit], float, list[Block]]] = field(default_factory=list)


def _first_value(u: _Unit) -> Decimal:
    return _dec(u.amounts[0]) if u.amounts else Decimal(0)


def _carry_codes(units: list[_Unit], s: StreamSettings = SETTINGS) -> None:
    """Rows printing only their own 款 or 项 part (``08 进修及培训`` under ``205``) get the
    full code: a part after a 类 is a 款, after a 款 a 项; after a 项 it is another 项 of the
    same 款 until the 项 rows under that 款 add up to its amount, then a new 款 (when the 款
    shows no amount: a new 款 when its own amount is the sum of the part rows under it)."""
    st = _CodeRun()
    for i, u in enumerate(units):
        text = "".join(t.text for t in u.code)
        if not text:
            continue
        if len(u.code) > 1 or not _PART.match(text):
            st.printed(u, text)
            continue
        full = _full_code(units, i, text, st, s)
        if full is None:
            continue
        st.prev = full
        if len(full) == 5:
            st.kuan, st.xiang_sum = u, Decimal(0)
        else:
            st.xiang_sum += _first_value(u)
        tk = u.code[0]
        u.code = [Token(full, tk.x0, tk.x1, tk.start, tk.end)]


@dataclass
class _CodeRun:
    """The code of the row above, and the 款 row the 项 rows now printed belong to with
    the sum of their amounts."""

    prev: str = ""
    kuan: _Unit | None = None
    xiang_sum: Decimal = Decimal(0)

    def printed(self, u: _Unit, text: str) -> None:
        """A row printing its code whole (or split over tokens, joined into one)."""
        if _CODE.match(text):
            self.prev = text
            if len(text) == 5:
                self.kuan, self.xiang_sum = u, Decimal(0)
            elif len(text) == 7 and self.kuan is not None:
                self.xiang_sum += _first_value(u)
        u.code = [Token(text, u.code[0].x0, u.code[-1].x1, u.code[0].start, u.code[-1].end)] \
            if len(u.code) > 1 else u.code


def _full_code(units: list[_Unit], i: int, part: str, st: _CodeRun,
               s: StreamSettings) -> str | None:
    """The full code of row ``i`` printing only ``part``; None after no code."""
    prev = st.prev
    if len(prev) in (3, 5):
        return prev + part
    if len(prev) != 7:
        return None
    kuan = st.kuan
    whole = _first_value(kuan) if kuan is not None and kuan.amounts else None
    if whole is not None and whole != 0:
        if abs(st.xiang_sum - whole) <= _tol(kuan.amounts) * s.kuan_sum_tolerance:  # type: ignore[union-attr]
            return prev[:3] + part
    elif _parts_add_up(units, i):
        return prev[:3] + part
    return prev[:5] + part


def _parts_add_up(units: list[_Unit], i: int) -> bool:
    """Row ``i``'s amount (not zero) is the sum of a run of the part rows after it."""
    below: list[Decimal] = []
    for v in units[i + 1:]:
        vt = "".join(t.text for t in v.code)
        if not _PART.match(vt):
            break
        below.append(_first_value(v))
        if sum(below) == _first_value(units[i]) and _first_value(units[i]) != 0:
            return True
    return False


def _spread_merged(units: list[_Unit]) -> None:
    """Rows whose amounts a converter printed together after the first of them (pdftotext's
    reading order: ``一般公共服务支出`` with 12 amounts, then ``信访事务`` with none): a row
    holding k times a width that other rows of the table print in full, followed by k - 1
    rows with no amount of their own, gives each of them the next run of that width."""
    counts = Counter(len(u.amounts) for u in units if u.amounts)
    widths = sorted((w for w, c in counts.items() if w >= 2 and c >= MIN_WIDTH_ROWS), reverse=True)
    if not widths:
        return
    i = 0
    while i < len(units):
        u = units[i]
        m = len(u.amounts)
        empty = 0
        while i + 1 + empty < len(units) and not units[i + 1 + empty].amounts and \
                (units[i + 1 + empty].name or units[i + 1 + empty].code):
            empty += 1
        if m and empty and counts[m] < MIN_WIDTH_ROWS:
            for w in widths:
                k = m // w
                if m % w == 0 and 2 <= k <= empty + 1:
                    runs = [u.amounts[j * w:(j + 1) * w] for j in range(k)]
                    u.amounts = runs[0]
                    for j in range(1, k):
                        units[i + j].amounts = runs[j]
                    break
        i += 1 + empty


def _next_is_text(toks: list[list[Token]], j: int, k: int) -> bool:
    """The token after token ``k`` of line ``j`` (on that line or a later one) is text."""
    parts = 0
    while True:
        rest = toks[j][k + 1:]
        while not rest:
            j += 1
            if j >= len(toks):
                return False
            rest = toks[j]
            k = -1
        t = rest[0].text
        # the 款 and 项 parts of a code printed apart (201 06 01 行政运行) belong to it
        if _PART.match(t) and parts < 2:
            parts += 1
            k = toks[j].index(rest[0])
            continue
        return not (_is_amount(t) or _INTEGER.match(t) or _DASH.match(t))


def _split_joined_labels(raw: list[str], kind: TableKind) -> list[str]:
    """Labels of two cells a converter printed on one line without a gap (事业单位经营支出
    对附属单位补助支出) split in two where each half names a column of its own, ending as
    a label ends (支出, 收入, 拨款 …)."""
    out: list[str] = []
    for label in raw:
        cut = next((p for p in range(2, len(label) - 1)
                    if _TERMINAL.search(label[:p]) and isinstance(_key(label[:p], kind), ColumnKey)
                    and isinstance(_key(label[p:], kind), ColumnKey)
                    and _key(label[:p], kind) is not _key(label[p:], kind)
                    and _TERMINAL.search(label[p:])), None)
        out.extend([label[:cut], label[cut:]] if cut else [label])
    return out


def _coded_parts(u: _Unit) -> list[list[Token]]:
    """A row's label tokens by classification: each code joined to its name (2010801-行政运行)
    starts one, the pieces of a name wrapped after it join it."""
    parts: list[list[Token]] = []
    for tk in [*u.code, *u.name]:
        if _CODED_NAME.match(tk.text) or not parts:
            parts.append([tk])
        else:
            parts[-1].append(tk)
    return parts


def _coded_label_columns(units: list[_Unit]) -> int:
    """How many classifications a table's rows print as codes joined to their names
    (2010801-行政运行 | 50101-工资奖金津补贴 | 30101-基本工资), each a label column of its own
    as in the PDF; 0 when its rows are not printed that way."""
    named = [u for u in units if u.name or u.code]
    coded = [u for u in named if not u.code and _CODED_NAME.match(u.name[0].text)]
    if len(coded) < max(2, CODED_ROWS_SHARE * len(named)):
        return 0
    k = max(len(_coded_parts(u)) for u in coded)
    return k if k >= 2 else 0


def _choose_labels(raw: list[str], kind: TableKind, n: int, units: list[_Unit]) -> list[str]:
    """Of the label orders the header may mean, the one with ``n`` labels (or, when no row
    prints all its cells, the fewest above ``n``) whose identities the rows printed in full
    satisfy best."""
    cands = label_orders(raw, kind, n)
    exact = [c for c in cands if len(c) == n]
    if not exact:
        longer = sorted((c for c in cands if len(c) > n), key=len)
        exact = [c for c in longer if len(c) == len(longer[0])] if longer else []
    if not exact:
        return []
    full = [u.amounts for u in units if len(u.amounts) == len(exact[0])]

    def score(c: list[str]) -> int:
        ids = _identities([_key(lb, kind) for lb in c], kind)
        sc = 0
        for r in full:
            v = [_dec(t) for t in r]
            tol = Decimal(1).scaleb(-max(_places(t) for t in r))
            for p, kids in ids:
                if v[p] == 0 and all(v[c] == 0 for c in kids):
                    continue
                sc += 1 if abs(v[p] - sum(v[c] for c in kids)) <= tol * (len(kids) + 1) else -1
        return sc

    if not full and len(exact) > 1:
        # no row printed in full: the order under which most rows place without doubt
        sample = sorted((u for u in units if u.amounts), key=lambda u: -len(u.amounts))[:8]

        def placed(c: list[str]) -> tuple[float, int]:
            ids = _identities([_key(lb, kind) for lb in c], kind)
            ids += _sum_right(c, kind, ids)
            scores = [_candidates(u.amounts, len(c), ids) for u in sample]
            agree = sum(got[1] for got in scores if got and got[0])
            return agree, sum(1 for u in sample if place(u.amounts, len(c), ids) is not None)

        return max(exact, key=placed)
    return max(exact, key=score)  # the first of equal scores: the likeliest order


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _ordinal_no(name: str) -> int:
    """The number of a line's ordinal (一、 → 1, 十二、 → 12, 3. → 3), 0 when none."""
    m = re.match(r"^([一二三四五六七八九十]+)、", name)
    if m:
        t = m.group(1)
        if t == "十":
            return 10
        if "十" in t:
            a, _, b = t.partition("十")
            return (_CN_DIGITS.get(a, 1) if a else 1) * 10 + (_CN_DIGITS.get(b, 0) if b else 0)
        return _CN_DIGITS.get(t, 0)
    m = re.match(r"^(\d{1,2})[.、．]", name)
    return int(m.group(1)) if m else 0


def _join_spaced(ts: list[Token]) -> list[Token]:
    """A word printed with a space between its characters (本 年 收 入 合 计) is one token:
    runs of three or more single CJK characters are joined."""
    out: list[Token] = []
    run: list[Token] = []

    def single(t: Token) -> bool:
        return len(t.text) == 1 and "\u4e00" <= t.text <= "\u9fff"

    held: Token | None = None  # a year number waiting for its 年
    for k, t in enumerate([*ts, None]):
        if t is not None and _YEAR_NUMBER.match(t.text) and k + 1 < len(ts) and \
                ts[k + 1].text.startswith("年") and not run:
            held = t  # joined to its 年 next: a year label (2025 年), not an amount
            continue
        if t is not None and held is not None:
            out.append(Token(held.text + t.text, held.x0, t.x1, held.start, t.end))
            held = None
            continue
        if t is not None and single(t):
            run.append(t)
            continue
        if len(run) >= 3:
            out.append(Token("".join(x.text for x in run), run[0].x0, run[-1].x1,
                             run[0].start, run[-1].end))
        else:
            out.extend(run)
        run = []
        if t is not None:
            out.append(t)
    return out


@dataclass
class _PageRead:
    """A page being read: its lines and tokens, the table open on it, what it gave."""

    page: Page
    lines: list[TextLine]
    toks: list[list[Token]]
    cur: _Table | None
    blocks: list[Block] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    title_seen: bool = False


def _first_amount_line(lines: list[TextLine], toks: list[list[Token]], i: int,
                       s: StreamSettings = SETTINGS) -> int:
    """The first line from ``i`` holding an amount, an end mark or a title."""
    n = len(lines)
    j = i
    while j < n:
        ts = toks[j]
        text = lines[j].text.strip()
        if ts and (any(_is_amount(x.text) for x in ts) or _END.search(text)
                   or (classify_title(text) and len(ts) <= s.max_title_tokens)):
            break
        j += 1
    return j


def _name_lines_above(lines: list[TextLine], toks: list[list[Token]], i: int, j: int) -> int:
    """The first of the code and name lines right above the first amount (line ``j``),
    a few lines back at most (``j`` when none)."""
    first = j
    k = j - 1
    back = 0
    while k > i and back < MAX_NAME_BACKUP:
        if not toks[k]:
            k -= 1
            continue
        txt = lines[k].text.strip()
        if _CODE.match(txt) or _PART.match(txt) or _CODED_NAME.match(txt):
            first = k
            k -= 1
            back += 1
            continue
        if (first == j or (first < j and _CODE.match(lines[first].text.strip()))) and \
                (first == j or back == 0):
            first = k
            # the name's code on the line above it (205 / 教育支出 / 452,738.18)
            c = k - 1
            while c > i and not toks[c]:
                c -= 1
            if c > i and _CODE.match(lines[c].text.strip()):
                first = c
        break
    return first


def _second_classification(unit: _Unit | None, tk: Token, j: int) -> bool:
    """A token of the second classification (its code, then its name) of a row that has
    a name and no amount yet, added to it; False for any other token."""
    if unit is None or unit.amounts:
        return False
    if unit.name and ((_CODE.match(tk.text) and not unit.code2) or
                      (_PART.match(tk.text) and unit.code2 and not unit.name2)):
        unit.code2.append(tk)  # the second classification's code
        unit.last_line = j
        return True
    if unit.code2 and not (_is_amount(tk.text) or _DASH.match(tk.text)):
        unit.name2.append(tk)
        unit.last_line = j
        return True
    return False


def _amount_token(toks: list[list[Token]], j: int, ts: list[Token], tk: Token,
                  unit: _Unit | None, code_after_name: bool) -> bool:
    """An amount or dash; or an integer after a row's label (a code there starts a new
    row)."""
    if _is_amount(tk.text) or _DASH.match(tk.text) is not None:
        return True
    return bool(_INTEGER.match(tk.text) and unit is not None and
                (unit.name or unit.amounts) and not code_after_name and not (
                    (_CODE.match(tk.text) or _PART.match(tk.text)) and unit.amounts
                    and _next_is_text(toks, j, ts.index(tk) if tk in ts else 0)))


def _code_token(t: _Table, toks: list[list[Token]], j: int, ts: list[Token], tk: Token,
                unit: _Unit | None, line_code: bool, code_after_name: bool) -> bool:
    """A classification code, or a part of one, that opens a row or belongs to the current
    row (which has no name yet)."""
    if not (unit is None or unit.amounts or not unit.name or code_after_name):
        return False
    return bool(_CODE.match(tk.text) or line_code or code_after_name or
                _code_part(t, toks, j, ts, tk, unit))


def _code_part(t: _Table, toks: list[list[Token]], j: int, ts: list[Token], tk: Token,
               unit: _Unit | None) -> bool:
    """A 款 or 项 part: after a row's code, or after a row's amounts and before a name;
    or opening a page that continues a coded table."""
    if not _PART.match(tk.text):
        return False
    if unit is not None:
        return bool((unit.code and not unit.name) or (
            unit.amounts and _next_is_text(toks, j, ts.index(tk))))
    return bool(tk is ts[0] and t.pending and _next_is_text(toks, j, 0)
                and any(v.code for _, us, _, _ in t.pending for v in us))


def _two_sided_head(h: Header) -> list[Cell]:
    """The header row of a two-sided table: each side's name column, then its amounts."""
    a, b = h.side_names
    nl = len(h.left)
    head = [Cell(f"{a}/{h.name_label}", 0)]
    head += [Cell(f"{a}/{lb}", 1 + j) for j, lb in enumerate(h.left)]
    head += [Cell(f"{b}/{h.name_label}", 1 + nl)]
    head += [Cell(f"{b}/{lb}", 2 + nl + j) for j, lb in enumerate(h.right)]
    return head


@dataclass
class _Sides:
    """Which half of a two-sided table (0: left, 1: right) each row is, read in order."""

    names: tuple[str, str]  # the sides' names (收入, 支出)
    nl: int  # amount columns of the left half
    on_line: dict[int, int] = field(default_factory=dict)  # rows per printed line
    prev_line: int = -1
    prev_side: int = -1
    last_no: list[int] = field(default_factory=lambda: [0, 0])  # each side's last ordinal

    def side_of(self, u: _Unit) -> int:
        name = _name_text(u.name)
        no = _ordinal_no(name)
        side = self._side(u, name, no)
        self.prev_line, self.prev_side = u.line, side
        if no:
            self.last_no[side] = no
        return side

    def _side(self, u: _Unit, name: str, no: int) -> int:
        a, b = self.names
        last_no = self.last_no
        if self.prev_line == u.line and self.prev_side == 0:
            return 1  # the second unit on a printed line is the right half
        if self.on_line[u.line] >= 2 and u.position == 0:
            return 0  # the first of two on a printed line is the left half
        if bool(_EXPENDITURE_WORDS.search(name)) != bool(_INCOME_WORDS.search(name)) \
                and not _TOTAL.match(name):
            return 1 if _EXPENDITURE_WORDS.search(name) else 0  # its words say which
        if no and (no == last_no[0] + 1) != (no == last_no[1] + 1):
            return 0 if no == last_no[0] + 1 else 1  # the side whose numbering it goes on
        if no and no == last_no[0] + 1:
            return 0  # both sides go on with it: the left half is printed first
        if len(u.amounts) > self.nl:
            return 1
        if _EXPENDITURE_WORDS.search(name) or (b in name and a not in name):
            return 0 if _TOTAL.match(name) and a in name else 1
        if _INCOME_WORDS.search(name) or (a in name):
            return 0
        return 1


class _StreamReader:
    def __init__(self) -> None:
        self.one_per_line = False
        self.open: _Table | None = None  # the table a next page may continue

    # --- page
    def page(self, page: Page) -> list[Block]:
        lines = page.lines
        toks = [_join_spaced(line_tokens(ln)) for ln in lines]
        self._measure_one_per_line(toks)
        # cur: a table continued from the page before, if its body goes on
        p = _PageRead(page, lines, toks, cur=self.open)
        i = 0
        n = len(lines)
        while i < n:
            i = self._page_line(p, i)
        if p.cur is not None:
            self._emit(p.cur, page, lines, p.blocks, p.used, keep_open=True)
        else:
            self.open = None
        blocks = p.blocks
        blocks.extend(unused_lines(lines, p.used, page.number))
        blocks.sort(key=lambda b: b.top)
        return blocks

    def _measure_one_per_line(self, toks: list[list[Token]], s: StreamSettings = SETTINGS
                              ) -> None:
        """Text printing one cell per line: most lines holding an amount hold nothing else."""
        amount_lines = [ts for ts in toks if any(_is_amount(t.text) for t in ts)]
        if amount_lines:
            single = sum(1 for ts in amount_lines if len(ts) == 1)
            self.one_per_line = single >= s.one_per_line_share * len(amount_lines)

    def _page_line(self, p: _PageRead, i: int, s: StreamSettings = SETTINGS) -> int:
        """Reads from line ``i`` of the page; returns the next line to read."""
        ts = p.toks[i]
        text = p.lines[i].text.strip()
        if not ts:
            return i + 1
        kind = classify_title(text) if len(ts) <= s.max_title_tokens else None
        if self._title_line(p, i, text, kind):
            return i + 1
        if _page_no(p.lines, i) or (_meta_line(p.lines, i) or (
                detect_unit(text) and len(text) < s.max_unit_line_chars)):
            return i + 1
        if p.cur is None:
            return i + 1
        if _END.search(text) and not any(_is_amount(t.text) for t in ts):
            self._end_table(p)
            return i + 1
        return self._table_line(p, p.cur, i)

    def _title_line(self, p: _PageRead, i: int, text: str, kind: TableKind | None) -> bool:
        """A title or number label line: the open table's own printed again, a part of its
        title, or a new table's (which ends the open one); False for any other line."""
        cur = p.cur
        number = is_number_label(text)
        if (kind is not None or number) and cur is not None and \
                cur.title and cur.header is not None and \
                self._same_title(cur, p.lines, p.toks, i, kind):
            # the table's number label and title printed again (on its next page): the
            # table goes on, its header printed again is skipped
            cur.head_idx.append(i)
            cur.repeat = True
            return True
        if kind is None and (number or _BRACKETED.fullmatch(text)) and \
                cur is not None and cur.header is None and not cur.units and not cur.pending:
            # the number label printed under its title, or the title's last part in
            # brackets on a line of its own (（按支出功能分类科目－不含上年结转）)
            cur.head_idx.append(i)
            return True
        if kind is not None or number:
            if cur is not None:
                self._end_table(p)
            if kind is not None and "绩效" not in text:  # indicators are read apart
                p.cur = _Table(kind=kind, top=i, title=re.sub(r"\s+", "", text))
                p.title_seen = True
            return True
        return False

    def _end_table(self, p: _PageRead) -> None:
        assert p.cur is not None
        self._emit(p.cur, p.page, p.lines, p.blocks, p.used)
        p.cur = None

    def _table_line(self, p: _PageRead, cur: _Table, i: int) -> int:
        """Line ``i`` inside the open table: its header, its header printed again, or its
        body; returns the next line to read."""
        if cur.header is None and not (cur is self.open and not p.title_seen):
            return self._read_header(cur, p.lines, p.toks, i)
        if cur.repeat or (cur is self.open and not p.title_seen and not cur.units):
            cur.repeat = False
            k = self._repeated_header(cur, p.lines, p.toks, i)
            if k > i:
                return k
        nxt = self._read_body(cur, p.lines, p.toks, i)
        if nxt == i:  # running text ends the table
            self._end_table(p)
            nxt = i + 1
        return nxt

    # --- header
    def _read_header(self, t: _Table, lines: list[TextLine], toks: list[list[Token]],
                     i: int) -> int:
        """Header lines from ``i`` up to the first row; returns the first row's line."""
        j = _first_amount_line(lines, toks, i)
        if j >= len(lines) or not any(_is_amount(x.text) for x in toks[j]):
            # no amount follows: not a table (or an empty one); leave the lines as text
            t.header = Header()
            t.head_idx = []
            return j
        first = self._first_row_line(t, lines, toks, i, j)
        head = [k for k in range(i, first) if toks[k] and not _page_no(lines, k)
                and not _meta_line(lines, k)]
        moved = self._total_label_in_header(t, lines, toks, head, first, j)
        if moved is not None:
            head, first = moved
        t.head_idx = head
        t.head_lines = [lines[k] for k in head]
        frags = header_fragments(t.head_lines, self.one_per_line)
        t.header = parse_header(frags, t.kind, None)
        if t.header.serial and head and _INTEGER.match(lines[head[-1]].text.strip()):
            t.serial = int(lines[head[-1]].text.strip())  # the first row's 序号, above its label
        return first

    def _first_row_line(self, t: _Table, lines: list[TextLine], toks: list[list[Token]],
                        i: int, j: int) -> int:
        """The first row's code and name lines sit above its first amount (line ``j``):
        the first of them."""
        above = next((lines[k].text.strip() for k in range(j - 1, i - 1, -1) if toks[k]), "")
        label_above = bool(above) and not _LABEL_COL.fullmatch(above) and (
            _key(above, t.kind) is False or _ORDINAL.match(above) is not None)
        above_toks = next((toks[k] for k in range(j - 1, i - 1, -1) if toks[k]), [])
        if self._label_completes_header(t, lines, toks, i, j) or \
                _column_labels_line(above_toks, t.kind):
            return j  # the label(s) above the amounts head columns: no row's name
        if not (self.one_per_line or (len(toks[j]) > 1 and _is_amount(toks[j][0].text)
                                      and label_above) or
                not any(not _is_amount(x.text) and not _DASH.match(x.text) for x in toks[j])):
            return j
        first = _name_lines_above(lines, toks, i, j)
        # a label line right above the amounts: it belongs to the first row
        if first == j and j - 1 >= i and toks[j - 1]:
            first = j - 1
        return first

    def _total_label_in_header(self, t: _Table, lines: list[TextLine], toks: list[list[Token]],
                               head: list[int], first: int, j: int
                               ) -> tuple[list[int], int] | None:
        """In cell-per-line text read column by column, the total row's label (合计) can be
        printed among the header's words and the last column's label (金额) right above
        the total's amounts: 功能科目编码 / 功能科目名称 / 合计 / 金额 / 18,330.37. When the
        header without the total word, with that label, has as many amount labels as the
        first amount run has amounts, the total word opens the first row (kept as an open
        unit) and the label joins the header; returns the header lines and the first row's
        line, or None."""
        if not self.one_per_line or first >= j or t.kind in SUMMARY_KINDS:
            return None
        label = lines[first].text.strip()
        key = _key(label, t.kind)
        if not isinstance(key, ColumnKey) or _TOTAL.match(label) or _CODE.match(label):
            return None
        totals = [k for k in head if _TOTAL.match(re.sub(r"\s+", "", lines[k].text))]
        if len(totals) != 1:
            return None
        rest = [k for k in head if k != totals[0]] + list(range(first, j))
        rest = [k for k in rest if toks[k]]
        labels = parse_header(header_fragments([lines[k] for k in rest], True), t.kind,
                              None).raw_labels
        if len(labels) != _amount_run(toks, j):
            return None
        k = totals[0]
        t.units.append(_Unit(name=list(toks[k]), line=k, last_line=-1))
        return rest, j

    def _label_completes_header(self, t: _Table, lines: list[TextLine], toks: list[list[Token]],
                                i: int, j: int) -> bool:
        """In cell-per-line text, the line right above a table's first amount is a column
        label (项目支出), not the first row's name, when it names an amount column and the
        header without it has fewer amount labels than the first row has amounts."""
        if not self.one_per_line or t.kind in SUMMARY_KINDS:
            return False
        k = j - 1
        while k >= i and not toks[k]:
            k -= 1
        if k < i:
            return False
        above = lines[k].text.strip()
        key = _key(above, t.kind)
        if not isinstance(key, ColumnKey) or key is _K.total or _ORDINAL.match(above) or \
                _LABEL_COL.fullmatch(above):
            return False
        amounts = _amount_run(toks, j)
        head = [lines[m] for m in range(i, k) if toks[m] and not _page_no(lines, m)
                and not _meta_line(lines, m)]
        labels = parse_header(header_fragments(head, True), t.kind, None).raw_labels
        return len(labels) < amounts

    @staticmethod
    def _same_title(t: _Table, lines: list[TextLine], toks: list[list[Token]], i: int,
                    kind: TableKind | None) -> bool:
        """Line ``i`` (a title, or a number label over one) prints the table's own title."""
        if kind is None:  # a number label: the title line after it decides
            j = i + 1
            while j < len(lines) and not toks[j]:
                j += 1
            if j >= len(lines) or len(toks[j]) > 4:
                return False
            i = j
        return re.sub(r"\s+", "", lines[i].text) == t.title

    @staticmethod
    def _header_again(t: _Table, ts: list[Token]) -> bool:
        """A line of the table's header printed again inside its body: no amount, at least
        two words, every word one of the header's, one of them a code or name label."""
        if t.header is None or not t.header.frags or len(ts) < 2:
            return False
        if any(_is_amount(x.text) or _DASH.match(x.text) or _INTEGER.match(x.text) for x in ts):
            return False
        words = {re.sub(r"\s+", "", f.text) for f in t.header.frags}
        joined = "".join(words)
        return all(re.sub(r"\s+", "", x.text) in words or (
            len(x.text) <= 2 and x.text in joined) for x in ts) and \
            any(re.search(r"编码|代码|名称|科目", x.text) for x in ts)

    def _repeated_header(self, t: _Table, lines: list[TextLine], toks: list[list[Token]],
                         i: int) -> int:
        """On a page continuing a table, the lines of its header printed again (every word
        of them a word of the header) are skipped; returns the first line after them."""
        if t.header is None or not t.header.frags:
            return i
        words = "".join(re.sub(r"\s+", "", f.text) for f in t.header.frags)
        j = i
        while j < len(lines):
            ts = toks[j]
            if ts and (any(_is_amount(x.text) or _DASH.match(x.text) for x in ts)
                       or not all(re.sub(r"\s+", "", x.text) in words for x in ts)):
                break
            if ts:
                t.head_idx.append(j)
            j += 1
        return j

    # --- body
    def _read_body(self, t: _Table, lines: list[TextLine], toks: list[list[Token]],
                   i: int, s: StreamSettings = SETTINGS) -> int:
        """Rows from line ``i`` to the end of the table's body; returns the next line."""
        n = len(lines)
        j = i
        unit: _Unit | None = t.units[-1] if t.units and t.units[-1].last_line == -1 else None
        while j < n:
            ts = toks[j]
            text = lines[j].text.strip()
            if not ts:
                j += 1
                continue
            if self._body_ends(t, lines, toks, j, text):
                break  # (a number alone on its line is the next row's 序号, not a page's)
            if self._header_again(t, ts):
                t.head_idx.append(j)  # its header printed again (a page break not marked)
                j += 1
                continue
            if len(text) > s.max_row_chars and not any(_is_amount(x.text) for x in ts):
                break  # running text
            rest = self._without_serial(t, ts, toks, j)
            if rest is not None:
                ts = rest
                unit = None
                if not ts:
                    j += 1
                    continue
            unit = self._body_line(t, toks, j, ts, unit)
            j += 1
        return j

    def _body_ends(self, t: _Table, lines: list[TextLine], toks: list[list[Token]], j: int,
                   text: str, s: StreamSettings = SETTINGS) -> bool:
        """Line ``j`` ends the body: a title, number label, end mark, page number or
        metadata line."""
        ts = toks[j]
        return bool((classify_title(text) and len(ts) <= s.max_title_tokens) or
                    is_number_label(text) or
                    (_END.search(text) and not any(_is_amount(x.text) for x in ts)) or
                    (_page_no(lines, j) and not self._serial_line(t, ts, toks, j)) or
                    _META.search(text))

    def _without_serial(self, t: _Table, ts: list[Token], toks: list[list[Token]], j: int
                        ) -> list[Token] | None:
        """The line without the row's number in a 序号 column (not an amount) when it
        opens with one; None when it does not."""
        if not (self._serial_opens(t, ts) or self._blank_item_line_number(t, ts) or
                self._serial_line(t, ts, toks, j)):
            return None
        if t.header is not None and t.header.serial:
            t.serial += 1
        return ts[1:]

    def _body_line(self, t: _Table, toks: list[list[Token]], j: int, ts: list[Token],
                   unit: _Unit | None) -> _Unit | None:
        """The tokens of body line ``j`` into rows (units); returns the row read last."""
        pos = 0
        second = t.header is not None and t.header.second is not None
        if unit is not None and unit.amounts and unit.last_line < j and \
                _is_grand_total(ts, t) and not unit.total:
            unit = _Unit(line=j, total=True)  # the total row, its label printed elsewhere
            t.units.append(unit)
        for tk in ts:
            if second and _second_classification(unit, tk, j):
                continue
            unit, pos = self._body_token(t, toks, j, ts, tk, unit, pos)
        return unit

    def _body_token(self, t: _Table, toks: list[list[Token]], j: int, ts: list[Token],
                    tk: Token, unit: _Unit | None, pos: int) -> tuple[_Unit | None, int]:
        """Token ``tk`` of line ``j`` as an amount, a code or a name, of the current row or
        of a new one; returns the current row and the next row's position on the line."""
        code_after_name, line_code = self._code_opens_row(t, toks, j, ts, tk, unit)
        if _amount_token(toks, j, ts, tk, unit, code_after_name):
            if unit is None:
                unit = _open_row(t, j, pos)
            unit.amounts.append(tk)
            unit.last_line = j
            return unit, pos
        if _code_token(t, toks, j, ts, tk, unit, line_code, code_after_name):
            if unit is None or unit.amounts or unit.name:
                unit, pos = _open_row(t, j, pos), pos + 1
            unit.code.append(tk)
            unit.last_line = j
            return unit, pos
        if unit is None or unit.amounts or (unit.name and self._new_label(t, unit, tk, j)):
            if unit is not None and unit.amounts and not self.one_per_line and \
                    self._tail_of(unit, toks, j, ts):
                unit.name.append(tk)
                return unit, pos
            unit, pos = _open_row(t, j, pos), pos + 1
        unit.name.append(tk)
        unit.last_line = j
        return unit, pos

    def _code_opens_row(self, t: _Table, toks: list[list[Token]], j: int, ts: list[Token],
                        tk: Token, unit: _Unit | None) -> tuple[bool, bool]:
        """Whether ``tk`` is a code that starts the next row (after a row's name that
        printed no amount, or a unit's code opening a line), and whether it is the latter."""
        # a code after a row's name that printed no amount (blank cells vanished)
        # starts the next row, in a table of coded rows
        code_after_name = bool(
            _CODE.match(tk.text) and unit is not None and unit.name and
            not unit.amounts and (unit.code or (t.header and t.header.code_label))
            and _next_is_text(toks, j, ts.index(tk)))
        # a unit's code opening a row of its own (113001 无锡市信访局（本级） …)
        line_code = bool(tk is ts[0] and len(ts) > 1 and not self.one_per_line
                         and _UNIT_CODE.match(tk.text) and not _is_amount(ts[1].text)
                         and not _INTEGER.match(ts[1].text))
        return code_after_name or line_code, line_code

    def _serial_opens(self, t: _Table, ts: list[Token]) -> bool:
        """The line opens with the next number of the table's 序号 column (1, 2, 3 …), in
        text with one row per line."""
        if self.one_per_line or not ts or t.header is None or not t.header.serial:
            return False
        return _INTEGER.match(ts[0].text) is not None and int(ts[0].text) == t.serial + 1 \
            and len(ts) > 1

    def _serial_line(self, t: _Table, ts: list[Token], toks: list[list[Token]], j: int) -> bool:
        """In cell-per-line text, a line holding only the next number of the table's 序号
        column, followed by a line of text or a code (the row it numbers), not by an amount;
        in text with one row per line, a row whose 序号 was printed on a line of its own."""
        if len(ts) != 1 or t.header is None or not t.header.serial:
            return False
        if _INTEGER.match(ts[0].text) is None or int(ts[0].text) != t.serial + 1:
            return False
        nxt = next((x for x in toks[j + 1:] if x), None)
        return nxt is not None and (_CODE.match(nxt[0].text) is not None or (
            not _is_amount(nxt[0].text) and not _DASH.match(nxt[0].text)))

    def _blank_item_line_number(self, t: _Table, ts: list[Token]) -> bool:
        """A line opening with a 行次 number and then a name: the number of a blank item
        on the left side of a two-sided table, printed before the right side's item."""
        if self.one_per_line or len(ts) < 2 or t.header is None or not t.header.line_numbers:
            return False
        return _INTEGER.match(ts[0].text) is not None and len(ts[0].text) <= 3 and \
            not (_is_amount(ts[1].text) or _INTEGER.match(ts[1].text) or _DASH.match(ts[1].text))

    def _new_label(self, t: _Table, unit: _Unit, tk: Token, j: int) -> bool:
        """A text token after a name with no amounts yet: a new row (the right half of a
        two-sided table's line; a line starting with an ordinal or a total; a line after a
        name that reads complete), else the same name wrapped."""
        if j == unit.last_line and not (t.header and t.header.two_sided):
            return False
        return bool(_ORDINAL.match(tk.text) or _TOTAL.match(tk.text)
                    or _COMPLETE_NAME.search(_name_text(unit.name)))

    def _tail_of(self, unit: _Unit, toks: list[list[Token]], j: int, ts: list[Token]) -> bool:
        """A text-only line after a row with amounts ends that row's wrapped name when the
        next line does not start with an amount (it would need this name)."""
        if any(_is_amount(x.text) for x in ts) or len(ts) > 1 or j != unit.last_line + 1:
            return False
        if _TOTAL.match(ts[0].text) or _CODE.match(ts[0].text) or _ORDINAL.match(ts[0].text):
            return False
        k = j + 1
        while k < len(toks) and (not toks[k] or (
                len(toks[k]) == 1 and not _is_amount(toks[k][0].text)
                and not _CODE.match(toks[k][0].text) and k - j <= MAX_NAME_BACKUP)):
            k += 1  # more of a name wrapped over lines
        if k >= len(toks):
            return True
        nxt = toks[k][0]
        return not (_is_amount(nxt.text) or _DASH.match(nxt.text))

    # --- grid
    def _emit(self, t: _Table, page: Page, lines: list[TextLine], blocks: list[Block],
              used: set[int], keep_open: bool = False) -> None:
        """Close the table's part on this page: its lines are used; its grids are built
        once the whole table is read (placements and codes use every page's rows)."""
        units = [u for u in t.units if u.amounts or u.name or u.code]
        if t.header is not None and any(u.amounts for u in units):
            used.update(t.head_idx)
            for u in units:
                used.update(range(u.line, max(u.line, u.last_line) + 1))
            # after the title and unit lines above it
            top = float(min([*t.head_idx, *(u.line for u in units)])) + 0.5
            t.pending.append((page, units, top, blocks))
            t.units = []
            t.head_idx = []
            t.top = 0
            self.open = t if keep_open else None
        else:
            t.units = []
            self.open = t if keep_open and t.header is not None and (
                t.header.labels or t.pending) else None
        if self.open is not t:
            self._finish(t)

    def finish(self) -> None:
        """The end of the document: the table still open is built."""
        if self.open is not None:
            self._finish(self.open)
            self.open = None

    def _finish(self, t: _Table) -> None:
        if not t.pending:
            return
        pending, t.pending = t.pending, []
        every = [u for _, units, _, _ in pending for u in units]
        _carry_codes(every)
        _spread_merged(every)
        h = t.header
        assert h is not None
        if h.side_by_side:
            return
        plan = None if h.two_sided else self._plan(t, every)
        for page, units, top, blocks in pending:
            grid = self._two_sided(t, units, page) if h.two_sided else \
                self._grid(t, units, page, plan)
            grid.top = top
            blocks.append(grid)
            blocks.sort(key=lambda b: b.top)
            t.emitted = True

    def _plan(self, t: _Table, units: list[_Unit]) -> tuple[list[str], int, int, dict[int, list[int] | None]]:
        """The table's amount labels, their number, the unplaced columns needed, and each
        row's placement (by ``id`` of the row)."""
        h = t.header
        assert h is not None
        n = max(len(u.amounts) for u in units)
        labels = _choose_labels(h.raw_labels, t.kind, n, units)
        if len(labels) < n:
            split = _split_joined_labels(h.raw_labels, t.kind)
            if split != h.raw_labels:
                labels = _choose_labels(split, t.kind, n, units) or labels
                if len(labels) == n:
                    h.raw_labels = split
        if len(labels) < n:
            labels = self._header_width_labels(t, units) or labels
        ids: list[tuple[int, list[int]]] = []
        if len(labels) < n and not labels:
            labels = [""] * n if n > 1 else ["合计"]
        else:  # (rows longer than the labels keep their amounts unplaced)
            n = len(labels)
            ids = _identities([_key(lb, t.kind) for lb in labels], t.kind)
            ids += _sum_right(labels, t.kind, ids)
        h.labels = labels
        full = [u.amounts for u in units if len(u.amounts) == n]
        if not ids:  # the labels name no identity: learn them from the rows printed in full
            ids = _learned(full, n)
        tiers = [_tier(_key(lb, t.kind)) for lb in labels]
        placements = resolve(units, n, ids, tiers)
        extra = max((len(u.amounts) if p is None else sum(1 for c in p if c < 0)
                     for u, p in zip(units, placements, strict=True)), default=0)
        return labels, n, extra, {id(u): p for u, p in zip(units, placements, strict=True)}

    @staticmethod
    def _header_width_labels(t: _Table, units: list[_Unit]) -> list[str]:
        """The header's labels when it names fewer columns than the longest row holds, but
        as many as nearly every row prints (a converter ran a few rows' amounts together):
        the longest reading of the header that fits that share of the rows."""
        h = t.header
        assert h is not None
        counts = [len(u.amounts) for u in units if u.amounts]
        for width in sorted({len(c) for c in label_orders(h.raw_labels, t.kind, None)}, reverse=True):
            if width and sum(1 for c in counts if c <= width) >= HEADER_WIDTH_SHARE * len(counts):
                fit = [u for u in units if len(u.amounts) <= width]
                labels = _choose_labels(h.raw_labels, t.kind, width, fit)
                if len(labels) == width:
                    return labels
        return []

    def _grid(self, t: _Table, units: list[_Unit], page: Page,
              plan: tuple[list[str], int, int, dict[int, list[int] | None]] | None) -> Grid:
        h = t.header
        assert h is not None and plan is not None
        labels, n, extra, placed = plan
        has_code = any(u.code for u in units)
        coded = _coded_label_columns(units)
        by_year = "" if has_code or "年度" not in h.label_columns else next(
            (lb for lb in h.label_columns if re.search(r"单位|部门", lb)), "")
        w = max(coded, 1) if coded else 4 if h.second else 2  # label columns before the amounts
        ncols = w + n + extra
        grid = Grid(page=page.number, top=float(t.top), ncols=ncols, ruled=False)
        if not t.emitted:
            if coded:
                names = [lb for lb in h.label_columns if not re.search(r"编码|代码", lb)]
                head = [Cell(names[j] if j < len(names) else "", j) for j in range(w)]
            elif by_year:  # 预算单位 | 年度: each row a unit's year, the unit printed once
                head = [Cell(by_year, 0), Cell("年度", 1)]
            else:
                head = [Cell(h.code_label or ("科目编码" if has_code else ""), 0),
                        Cell(h.name_label, 1)]
            if h.second and not coded:
                head += [Cell(h.second[0], 2), Cell(h.second[1], 3)]
            head += [Cell(lb, w + j) for j, lb in enumerate(labels)]
            head += [Cell(f"未定列{j + 1}", w + n + j) for j in range(extra)]
            first = h.frags[0] if h.frags else None
            grid.rows.append(GridRow(head, page.number,
                                     span=(first.start, h.frags[-1].end) if first else None))
        for u in units:
            cols = placed.get(id(u))
            if coded:
                cells = [self._cell(part, j) for j, part in enumerate(_coded_parts(u)[:w])]
            elif by_year and u.name and _YEAR_LABEL.match(u.name[-1].text):
                cells = [self._cell(u.name[:-1], 0), self._cell(u.name[-1:], 1)]
            else:
                name = self._cell(u.name, 1) if u.name or not u.total else Cell("合计", 1)
                cells = [self._cell(u.code, 0, join=""), name]
            if h.second and not coded:
                cells += [self._cell(u.code2, 2, join=""), self._cell(u.name2, 3)]
            if cols is None:
                cells += [self._cell([a], w + n + j) for j, a in enumerate(u.amounts)]
            else:
                loose = [a for a, c in zip(u.amounts, cols, strict=True) if c < 0]
                cells += [self._cell([a], w + c) for a, c in zip(u.amounts, cols, strict=True)
                          if c >= 0]
                cells += [self._cell([a], w + n + j) for j, a in enumerate(loose)]
            grid.rows.append(GridRow(cells, page.number, span=self._span(u)))
        return grid

    def _two_sided(self, t: _Table, units: list[_Unit], page: Page) -> Grid:
        h = t.header
        assert h is not None
        nl, nr = len(h.left), len(h.right)
        ncols = 2 + nl + nr
        grid = Grid(page=page.number, top=float(t.top), ncols=ncols, ruled=False)
        a, b = h.side_names
        if not t.emitted:
            grid.rows.append(GridRow(_two_sided_head(h), page.number))
        lkeys = [_key(f"{a}/{lb}", t.kind) for lb in h.left]
        rkeys = [_key(f"{b}/{lb}", t.kind) for lb in h.right]
        lids, rids = _identities(lkeys, t.kind), _identities(rkeys, t.kind)
        sides = _Sides(h.side_names, nl)
        for u in units:
            sides.on_line[u.line] = sides.on_line.get(u.line, 0) + 1
        for u in units:
            side = sides.side_of(u)
            n, ids, base = (nl, lids, 1) if side == 0 else (nr, rids, 2 + nl)
            cols = place(u.amounts, n, ids) if u.amounts else []
            if cols is None:
                cols = list(range(len(u.amounts))) if len(u.amounts) <= n and n == 1 else None
            cells = [self._cell(u.name, base - 1)]
            if cols is None:
                continue  # an ambiguous half-row is left out rather than put in a wrong column
            cells += [self._cell([x], base + c) for x, c in zip(u.amounts, cols, strict=True)
                      if c >= 0]
            grid.rows.append(GridRow(cells, page.number, span=self._span(u)))
        return grid

    @staticmethod
    def _cell(ts: list[Token], col: int, join: str | None = None) -> Cell:
        if not ts:
            return Cell("", col)
        text = join.join(t.text for t in ts) if join is not None else _name_text(ts)
        return Cell(text, col, 1, chars=(ts[0].start, ts[-1].end))

    @staticmethod
    def _span(u: _Unit) -> tuple[int, int] | None:
        ts = [*u.code, *u.name, *u.code2, *u.name2, *u.amounts]
        if not ts:
            return None
        return (min(t.start for t in ts), max(t.end for t in ts))
