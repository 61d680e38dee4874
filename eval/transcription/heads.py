import sys, pymupdf, re

from lib import C, clean
f=sys.argv[1]
doc=pymupdf.open(C/f)
pages=[int(x) for x in sys.argv[2:]] or range(1,len(doc)+1)
for p in pages:
    pg=doc[p-1]
    tabs=pg.find_tables().tables
    title=[x for x in pg.get_text().split('\n') if x.strip()][:3]
    print(f"==== p{p} tables={len(tabs)} {title}")
    for i,t in enumerate(tabs):
        rows=t.extract()
        print(f" -- t{i} rows={len(rows)} cols={len(rows[0]) if rows else 0}")
        for r in rows[:5]: print('   ', ' | '.join(clean(c) for c in r)[:230])
