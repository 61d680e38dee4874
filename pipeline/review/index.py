"""The batch index: documents sortable by their flags, every flag filterable by check and
severity, each linking to its document's report. A view can be linked:
index.html#sort=pages&dir=asc&check=hierarchy&severity=error."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from pipeline.export.atomic import atomic_write_text
from pipeline.review.html import badge, page
from pipeline.review.settings import ReviewSettings

INDEX_NAME = "index.html"
SEVERITIES = ("error", "warning", "info")

INDEX_JS = """
const $=s=>document.querySelector(s),$$=s=>[...document.querySelectorAll(s)];
function sortDocs(col,desc){const tb=$('#docs tbody');const rows=[...tb.rows];
rows.sort((a,b)=>{const x=a.cells[col].dataset.v,y=b.cells[col].dataset.v;
const c=(isNaN(x)||isNaN(y))?String(x).localeCompare(String(y)):(+x)-(+y);return desc?-c:c;});
rows.forEach(r=>tb.appendChild(r));}
$$('#docs th').forEach((th,i)=>th.addEventListener('click',()=>{const d=th.dataset.dir!=='desc';
$$('#docs th').forEach(t=>delete t.dataset.dir);th.dataset.dir=d?'desc':'asc';sortDocs(i,d);}));
function filterFlags(){const c=$('#f-check').value,s=$('#f-severity').value;let n=0;
$$('#flags tbody tr').forEach(tr=>{tr.hidden=(c&&tr.dataset.check!==c)||(s&&tr.dataset.severity!==s);
if(!tr.hidden)n++;});$('#shown').textContent=n;
const p=new URLSearchParams();if(c)p.set('check',c);if(s)p.set('severity',s);
history.replaceState(null,'',p.toString()?'#'+p:location.pathname);}
const q=new URLSearchParams(location.hash.slice(1));
const th=q.get('sort')&&$(`#docs th[data-key="${q.get('sort')}"]`);
if(th){const d=q.get('dir')!=='asc';th.dataset.dir=d?'desc':'asc';sortDocs(th.cellIndex,d);}
if(q.get('check'))$('#f-check').value=q.get('check');if(q.get('severity'))$('#f-severity').value=q.get('severity');
$('#f-check').addEventListener('change',filterFlags);$('#f-severity').addEventListener('change',filterFlags);
filterFlags();
"""


@dataclass
class IndexFlag:
    n: int  # its number in the document's report
    severity: str
    check: str
    pages: str
    message: str


@dataclass
class IndexEntry:
    """One document of the index: what it is, its flags, and its report (or why none)."""

    name: str
    report: str | None = None  # href relative to the index
    department: str = ""
    year: str = ""
    kind: str = ""
    pages: int = 0
    checks_failed: int = 0
    flags: list[IndexFlag] = field(default_factory=list)
    problem: str | None = None

    def count(self, severity: str) -> int:
        return sum(1 for f in self.flags if f.severity == severity)


def _doc_row(e: IndexEntry) -> str:
    name = escape(e.name)
    link = f'<a href="{escape(e.report)}">{name}</a>' if e.report else name
    if e.problem:
        link += f' <span class="muted">({escape(e.problem)})</span>'
    counts = "".join(
        f'<td class="n {"has-" + s if e.count(s) else ""}" data-v="{e.count(s)}">{e.count(s)}</td>'
        for s in SEVERITIES)
    return (f'<tr><td data-v="{name}">{link}</td><td data-v="{escape(e.department)}">{escape(e.department)}'
            f'</td><td data-v="{escape(e.year)}">{escape(e.year)}</td><td data-v="{escape(e.kind)}">'
            f'{escape(e.kind)}</td><td class="n" data-v="{e.pages}">{e.pages}</td>{counts}'
            f'<td class="n" data-v="{e.checks_failed}">{e.checks_failed}</td></tr>')


def _flag_row(e: IndexEntry, f: IndexFlag) -> str:
    doc = escape(e.name)
    href = f"{escape(e.report)}#flag-{f.n}" if e.report else ""
    msg = escape(f.message)
    if href:
        msg = f'<a href="{href}">{msg}</a>'
    return (f'<tr data-check="{escape(f.check)}" data-severity="{f.severity}"><td>{doc}</td>'
            f"<td>{badge(f.severity)}</td><td>{escape(f.check)}</td><td>{escape(f.pages)}</td>"
            f"<td>{msg}</td></tr>")


def _select(ident: str, label: str, values: list[str]) -> str:
    opts = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)
    return f'<label>{label} <select id="{ident}"><option value="">all</option>{opts}</select></label>'


def index_html(entries: list[IndexEntry], title: str, settings: ReviewSettings) -> str:
    ordered = sorted(entries, key=lambda e: (-e.count("error"), -e.count("warning"), e.name))
    heads = ["document", "department", "year", "kind", "pages", "errors", "warnings", "info",
             "checks failed"]
    head = "".join(f'<th class="{"n" if i >= 4 else ""}" data-key="{h.replace(" ", "_")}">{h}</th>'
                   for i, h in enumerate(heads))
    flags = [(e, f) for e in ordered for f in e.flags]
    checks = sorted({f.check for _, f in flags})
    n_err = sum(1 for e in entries if e.count("error"))
    colours = "".join(f"td.has-{s}{{background:{settings.css_colour(s)};color:#fff;font-weight:600}}"
                      for s in SEVERITIES)
    body = (f"<style>{colours}th{{cursor:pointer}}</style><h1>{escape(title)}</h1>"
            f"<p>{len(entries)} documents, {n_err} with error flags, {len(flags)} flags. Click a column "
            "heading to sort; a document opens its report.</p>"
            f'<table id="docs"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(_doc_row(e) for e in ordered) + "</tbody></table>"
            f"<h2>Flags</h2><p>{_select('f-check', 'check', checks)} "
            f"{_select('f-severity', 'severity', list(SEVERITIES))} "
            f'<span id="shown">{len(flags)}</span> shown</p>'
            '<table id="flags"><thead><tr><th>document</th><th>severity</th><th>check</th><th>pages</th>'
            "<th>message</th></tr></thead><tbody>" + "".join(_flag_row(e, f) for e, f in flags)
            + "</tbody></table>")
    return page(title, body, settings, INDEX_JS)


def write_index(entries: list[IndexEntry], out: Path, settings: ReviewSettings,
                title: str = "Review of a batch") -> Path:
    return atomic_write_text(out, index_html(entries, title, settings))
