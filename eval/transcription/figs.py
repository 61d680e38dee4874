"""List every money/percent figure in narrative text with context, and a suggested kind."""
import re, sys

NUM = re.compile(r'(-?\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元|%|％)')
def suggest(before, after, unit):
    b = before[-14:]
    if unit in ('%', '％'):
        if re.search(r'(增长|下降|增加|减少|上升|降低|提高)[了]?$', b) or re.search(r'(增长|下降|增加|减少|上升|降低)(幅度)?(为|了)?$', b):
            return 'change_percent'
        return 'share'
    if re.search(r'(增加|减少|增长|下降|上升|降低)[了]?$', b):
        return 'change_amount'
    return 'amount'
def direction(before):
    b = before[-14:]
    m = re.findall(r'(增加|增长|上升|提高|减少|下降|降低|持平)', b)
    if not m: return ''
    w = m[-1]
    return {'增加':'increase','增长':'increase','上升':'increase','提高':'increase','持平':'flat'}.get(w,'decrease')
def scan(text, page=None):
    out = []
    for m in NUM.finditer(text):
        before = re.sub(r'\s+', '', text[max(0, m.start()-40):m.start()])
        after = text[m.end():m.end()+6]
        unit = m.group(2)
        k = suggest(before, after, unit)
        d = direction(before) if k.startswith('change') else ''
        out.append((page, m.group(0), k, d, before.replace('\n',' ')[-30:], after.replace('\n',' ')))
    return out
