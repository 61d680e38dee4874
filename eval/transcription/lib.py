import json, re, sys, hashlib
from decimal import Decimal
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from schemas.gold import GoldDocument
ROOT = Path(__file__).resolve().parents[2]
C = ROOT.parent / 'shared' / 'corpus'
OUT = ROOT / 'eval' / 'gold'

def lines(path):
    return (C / path).read_text(encoding='utf-8').split('\n')

def clean(c):
    return re.sub(r'\s+', '', c or '')

def tab_rows(path, a, b, skip=()):
    out = []
    L = lines(path)
    for i in range(a, b + 1):
        l = L[i - 1]
        if not l.strip() or i in skip:
            continue
        out.append([clean(c) for c in l.split('\t')])
    return out

def pick(rows, idx):
    """idx: list of source positions (None -> '')"""
    return [[(r[i] if i is not None and i < len(r) else '') for i in idx] for r in rows]

def two_sided(rows, left=(0, 1), right=(2, 3)):
    inc, exp = [], []
    for r in rows:
        r = r + [''] * 4
        if r[left[0]] or r[left[1]]:
            inc.append(['income', r[left[0]], r[left[1]]])
        if r[right[0]] or r[right[1]]:
            exp.append(['expenditure', r[right[0]], r[right[1]]])
    return inc + exp

def T(kind, title, unit, columns, rows, pages=(), part=1, complete=True, empty=False, notes=()):
    return dict(kind=kind, part=part, title=title, pages=list(pages), unit=unit, complete=complete,
                empty=empty, columns=columns, rows=rows, notes=list(notes))

def num(s):
    s = (s or '').replace(',', '')
    try:
        return Decimal(s) if s not in ('', '-', '—', '－') else Decimal(0)
    except Exception:
        return Decimal(0)

def sum_check(t):
    """Parent code = sum of its direct children, per column (prints mismatches)."""
    cols = t['columns']
    if 'code' not in cols:
        return
    ci = cols.index('code')
    vals = [i for i, c in enumerate(cols) if c not in ('code', 'name', 'side', 'unit_name', '-')]
    rows = [r for r in t['rows'] if r[ci]]
    for r in rows:
        code = r[ci]
        if len(code) not in (3, 5):
            continue
        kids = [k for k in rows if k[ci].startswith(code) and len(k[ci]) == len(code) + 2]
        if not kids:
            continue
        for i in vals:
            s = sum(num(k[i]) for k in kids)
            if s != num(r[i]):
                print(f"  SUM {t['kind']} {code} {cols[i]}: printed {r[i]} children {s}")
    # also column identities: total = basic + project, basic = personnel + public
    def g(r, c):
        return num(r[cols.index(c)]) if c in cols else None
    for r in t['rows']:
        if all(c in cols for c in ('total', 'basic', 'project')) and g(r,'total') != g(r,'basic') + g(r,'project'):
            print(f"  ROW {t['kind']} {r[:2]}: total != basic+project")
        if all(c in cols for c in ('basic', 'personnel', 'public')) and g(r,'basic') != g(r,'personnel') + g(r,'public') and g(r,'basic'):
            print(f"  ROW {t['kind']} {r[:2]}: basic != personnel+public")

def sha(path):
    return hashlib.sha256((C / path).read_bytes()).hexdigest()

def write(source_rel, **kw):
    for t in kw.get('tables', []):
        sum_check(t)
    doc = dict(format='budget-extract-gold/1', source=Path(source_rel).name, source_sha256=sha(source_rel),
               reviewed=True, annotator='budget-extract team (founding engineer)', **kw)
    g = GoldDocument.model_validate(doc)
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / (Path(source_rel).name + '.gold.json')
    out.write_text(g.model_dump_json(indent=1, exclude_defaults=False) + '\n', encoding='utf-8')
    print('wrote', out, len(g.tables), 'tables', sum(len(t.rows) for t in g.tables), 'rows',
          len(g.indicators), 'indicators', len(g.figures), 'figures', len(g.anomalies), 'anomalies')

def dumps(o, ind=0):
    sp = ' ' * ind
    if isinstance(o, dict):
        if not o:
            return '{}'
        items = [f'{sp} {json.dumps(k, ensure_ascii=False)}: {dumps(v, ind + 1)}' for k, v in o.items()]
        return '{\n' + ',\n'.join(items) + f'\n{sp}}}'
    if isinstance(o, list):
        if not o:
            return '[]'
        if all(not isinstance(x, (dict, list)) for x in o):
            return json.dumps(o, ensure_ascii=False)
        if all(isinstance(x, dict) and all(not isinstance(v, (dict, list)) for v in x.values()) for x in o):
            return '[\n' + ',\n'.join(f'{sp}  ' + json.dumps(x, ensure_ascii=False) for x in o) + f'\n{sp}]'
        return '[\n' + ',\n'.join(f'{sp}  ' + dumps(x, ind + 2) for x in o) + f'\n{sp}]'
    return json.dumps(o, ensure_ascii=False)

def write2(source_rel, **kw):
    for t in kw.get('tables', []):
        sum_check(t)
    doc = dict(format='budget-extract-gold/1', source=Path(source_rel).name, source_sha256=sha(source_rel),
               reviewed=True, annotator='budget-extract team (founding engineer)', **kw)
    g = GoldDocument.model_validate(doc)
    out = OUT / (Path(source_rel).name + '.gold.json')
    OUT.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps(g.model_dump(mode='json', exclude_none=True)) + '\n', encoding='utf-8')
    print('wrote', out, len(g.tables), 'tables', sum(len(t.rows) for t in g.tables), 'rows',
          len(g.indicators), 'indicators', len(g.figures), 'figures', len(g.anomalies), 'anomalies')
write = write2

def narrative(path, upto, overrides=None, drop=()):
    import sys
    
    from figs import scan
    overrides = overrides or {}
    out = []
    for i, l in enumerate(lines(path)[:upto], 1):
        for pg, raw, k, d, b, a in scan(l):
            r = raw.replace(' ', '')
            if (i, r) in drop:
                continue
            if (i, r) in overrides:
                k, d = overrides[(i, r)]
            out.append(dict(kind=k, raw=r, direction=d or None, subject=b[-12:]))
    return out

def ind_rows(rows, cols):
    """cols: mapping field -> position"""
    out = []
    for r in rows:
        d = {f: (r[i] if i < len(r) and r[i] != '' else None) for f, i in cols.items()}
        out.append(d)
    return out

import pymupdf
_docs = {}
def ft(path, page, idx=0, skip=0):
    """pymupdf find_tables cells of one table on a page (1-based), cleaned."""
    if path not in _docs:
        _docs[path] = pymupdf.open(C / path)
    tabs = _docs[path][page - 1].find_tables().tables
    rows = tabs[idx].extract()
    return [[clean(c) for c in r] for r in rows[skip:]]

def code3(rows, n=3):
    """Join the first n code-part columns into one code column."""
    out = []
    for r in rows:
        parts = r[:n]
        if any(p in ('类', '款', '项') for p in parts):
            parts = [''] * n
        out.append([''.join(parts)] + r[n:])
    return out

def nonblank(rows):
    return [r for r in rows if any(c for c in r)]

def carry_codes(rows, n=3):
    """类/款/项 printed only at their own level: carry the 类 and 款 down."""
    out = []
    lei = kuan = ''
    for r in rows:
        a, b, c = (r + ['', '', ''])[:3] if n == 3 else ((r + ['', ''])[:2] + [''])
        if a:
            lei, kuan = a, ''
            code = a
        elif b and not c:
            kuan = b
            code = lei + b
        elif c:
            if b:
                kuan = b
            code = lei + kuan + c
        else:
            code = ''
        out.append([code] + r[n:])
    return out

NUM2 = re.compile(r'^-?[\d,]+(\.\d+)?$')
def datarows(rows):
    return [r for r in rows if any(NUM2.match(c) for c in r[1:]) or any(('合计' in c or '总计' in c) for c in r[:4] if c)]

def bracket(rows, col=0):
    """'[201]一般公共服务支出' -> code, name (inserted at front)."""
    out = []
    for r in rows:
        m = re.match(r'^[\[【](\d+)[\]】](.*)$', r[col])
        code, name = (m.group(1), m.group(2)) if m else ('', r[col])
        out.append([code, name] + r[:col] + r[col + 1:])
    return out

def select(t, n=5):
    """Key-figure rows: totals, every 类 (3-digit) row, and the first n other rows."""
    cols = t['columns']
    ci = cols.index('code') if 'code' in cols else None
    ni = cols.index('name') if 'name' in cols else None
    keep, others = [], 0
    for r in t['rows']:
        code = r[ci] if ci is not None else ''
        name = r[ni] if ni is not None else ''
        if any(w in name.replace(' ', '') for w in ('合计', '总计')) or len(code) == 3:
            keep.append(r)
        elif others < n:
            keep.append(r); others += 1
    t = dict(t, rows=keep, complete=False)
    return t

LEI = {'一般公共服务支出','外交支出','国防支出','公共安全支出','教育支出','科学技术支出','文化旅游体育与传媒支出','社会保障和就业支出','卫生健康支出','节能环保支出','城乡社区支出','农林水支出','交通运输支出','资源勘探工业信息等支出','商业服务业等支出','金融支出','援助其他地区支出','自然资源海洋气象等支出','住房保障支出','粮油物资储备支出','灾害防治及应急管理支出','其他支出','工资福利支出','商品和服务支出','对个人和家庭的补助','对个人和家庭补助','资本性支出','债务付息支出'}
def select(t, n=5):
    """Key-figure rows: totals, every 类 row, and the first n other rows; a repeated label
    keeps its earlier occurrences so that occurrence numbers stay those of the page."""
    cols = t['columns']
    ci = cols.index('code') if 'code' in cols else None
    ni = cols.index('name') if 'name' in cols else None
    si = cols.index('side') if 'side' in cols else None
    def key(r):
        code = r[ci] if ci is not None else ''
        return ((r[si] if si is not None else ''), code or re.sub(r'\s', '', r[ni] if ni is not None else ''))
    want, others = set(), 0
    for i, r in enumerate(t['rows']):
        code = r[ci] if ci is not None else ''
        name = re.sub(r'^[一二三四五六七八九十]+、|\s', '', r[ni] if ni is not None else '')
        if any(w in name for w in ('合计', '总计')) or len(code) == 3 or (not code and name in LEI):
            want.add(i)
        elif others < n:
            want.add(i); others += 1
    keys = [key(r) for r in t['rows']]
    for i in list(want):
        want.update(j for j in range(i) if keys[j] == keys[i])
    return dict(t, rows=[r for i, r in enumerate(t['rows']) if i in want], complete=False)

def split_value(v):
    v = (v or '').strip().replace('＝', '=')
    op = None
    if v and v[0] in '≥≤=><':
        op, v = v[0], v[1:].strip()
    m = re.match(r'^(-?\d+(?:\.\d+)?)(.*)$', v)
    if m and not re.search(r'\d', m.group(2)):
        return op, m.group(1), (m.group(2).strip() or None)
    return op, v or None, None
