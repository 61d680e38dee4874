import sys, pymupdf
f=sys.argv[1]
if f.endswith('.txt'):
    a,b=int(sys.argv[2]),int(sys.argv[3])
    for i,l in enumerate(open(f,encoding='utf-8').read().split('\n'),1):
        if a<=i<=b and l.strip(): print(i, l.replace('\t',' | '))
else:
    doc=pymupdf.open(f)
    for p in sys.argv[2:]:
        pg=doc[int(p)-1]
        print(f"==== page {p}")
        for t in pg.find_tables().tables:
            print("-- table", t.bbox)
            for r in t.extract(): print(" | ".join((c or '').replace('\n','') for c in r))
