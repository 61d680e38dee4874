import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
from figs import scan
P='pdf/yantai-civil-affairs-2026-budget.pdf'
NUMRE=re.compile(r'[\d,]+\.\d\d$')
def data(rows): return [r for r in rows if any(NUMRE.match(c) for c in r) or any(c.replace(' ','') in ('合计',) for c in r[:4])]
ies=[r for r in two_sided(nonblank(ft(P,7,skip=2)))]
inc=carry_codes(data(ft(P,8,skip=2)+ft(P,9,skip=2)+ft(P,10,skip=2)))
exp=carry_codes(data(ft(P,11,skip=2)+ft(P,12,skip=2)))
fsr=nonblank(ft(P,13,skip=3)+ft(P,14,skip=3))
fs=[['income',r[0],r[1],'','','',''] for r in fsr if r[0] or r[1]]+[['expenditure',r[2],'',r[3],r[4],r[5],r[6]] for r in fsr if r[2] or r[3]]
gb=carry_codes(data(ft(P,15,skip=2)+ft(P,16,skip=2)))
be1=[[r[0]+r[1]]+r[2:] for r in data(ft(P,17,skip=2)+ft(P,18,skip=2)+ft(P,19,skip=2))]
tp=ft(P,20,skip=3)[0]
gf=carry_codes(data(ft(P,21,skip=2)))
be2=[[r[0]+r[1]]+r[2:] for r in data(ft(P,23,skip=2)+ft(P,24,skip=2)+ft(P,25,skip=2))]
pe=data(ft(P,26,skip=2)+ft(P,27,skip=2))
SPEND7=['code','name','total','basic','personnel','public','project']
tables=[
 T('income_expenditure_summary','收支总体情况表','万元',['side','name','amount'], ies, pages=[7]),
 T('income_summary','收入总体情况表','万元',['code','name','total','fiscal','general_budget','government_fund','state_capital','fiscal_special','business_income','operating_income','other_income','superior_subsidy','affiliated_remit','-','carryover'], inc, pages=[8,9,10],
   notes=['Rows by function code (类 printed on the 类 row only, 款 on the 款 row: codes carried down and joined).', '使用非财政拨款结余 has no canonical key and is not scored.']),
 T('expenditure_summary','支出总体情况表','万元',['code','name','total','basic','project','-'], exp, pages=[11,12], notes=['结转下年 (blank) is not scored.']),
 T('fiscal_summary','财政拨款收支总体情况表','万元',['side','name','amount','total','general_budget','government_fund','state_capital'], fs, pages=[13,14]),
 T('general_budget_expenditure','一般公共预算支出情况表','万元',SPEND7, gb, pages=[15,16]),
 T('basic_expenditure','一般公共预算基本支出情况表','万元',['code','name','-','-','-','total','personnel','public'], be1, pages=[17,18,19],
   notes=['Each row carries the 部门预算支出经济分类 code (scored) and the 政府预算支出经济分类 code and name (not scored); a department code repeats under 501 and 505: rows are matched in printed order.']),
 T('three_public','一般公共预算“三公”经费支出情况表','万元',['budget_amount','-','-','-','-','-','total','abroad','vehicle_total','vehicle_purchase','vehicle_operation','reception','name'], [tp+['']], pages=[20],
   notes=['One unlabelled row: 2025年预算数 block (合计 27.32 scored as budget_amount) then the 2026年预算数 block.']),
 T('government_fund','政府性基金预算支出情况表','万元',SPEND7, gf, pages=[21]),
 T('state_capital','国有资本经营预算支出情况表','万元',SPEND7, [], pages=[22], empty=True, notes=['Printed with headers only, no rows.']),
 T('basic_expenditure','基本支出预算情况表','万元',['code','name','-','-','-','total','fiscal','general_budget','government_fund','state_capital','fiscal_special','unit_funds','-','carryover'], be2, pages=[23,24,25],
   notes=['公开表10 (基本支出 by economic code and source of funds) is a second basic_expenditure table.', 'p24 302 11 差旅费 (505 02): 合计 4.50, 财政拨款小计 4.50, 一般公共预算 5.50 - printed so; the anomaly below.']),
 T('project_expenditure','项目支出预算情况表','万元',['name','-','total','fiscal','general_budget','government_fund','state_capital','fiscal_special','unit_funds','-','carryover'], pe, pages=[26,27],
   notes=['项目类别 is text, not scored. The project 实施公车统管费用 is listed three times (20.00, 3.00, 5.00).']),
]
projects=[dict(name=r[0], amount=r[2], page=26) for r in pe if r[0].replace(' ','')!='合计']
for pg in range(33, 54):  # the project blocks of the 绩效目标表 list projects too
    for r in ft(P, pg):
        r = r + ['']*6
        if r[0] in ('项目名称','专项资金名称'):
            projects.append(dict(name=r[3], page=pg))
        elif r[0]=='年度预算资金（万元）' and projects and projects[-1].get('page')==pg:
            projects[-1]['amount']=r[3]
        elif r[3]=='年度预算资金总额：' and projects and projects[-1].get('page')==pg:
            projects[-1]['amount']=r[4]
# indicators
OPS='≥≤=><'
def split_value(v):
    v=v.strip()
    op=None
    if v and v[0] in OPS:
        op, v = v[0], v[1:].strip()
    m=re.match(r'^(-?\d+(?:\.\d+)?)(.*)$', v)
    if m and not re.search(r'\d', m.group(2)):
        return op, m.group(1), (m.group(2).strip() or None)
    return op, v or None, None
inds=[]
proj=None
inside=False
for pg in range(33, 54):
    for r in ft(P,pg):
        r=r+['']*6
        if r[0] in ('项目名称','专项资金名称'):
            proj=r[3]; l1=l2=None; inside=False; continue
        if r[1]=='一级指标':
            inside=True; continue
        if not inside:
            continue
        if r[1]=='一级指标' or r[0] in ('主管部门及代码','项目资金（万元）','总体目标','年度预算资金（万元）','年度总体目标','主管部门') :
            continue
        if not r[3] or not r[4] or r[3]=='三级指标':
            continue
        if r[1]: l1=r[1]; l2=None
        if r[2]: l2=r[2]
        op,val,mu=split_value(r[4])
        inds.append(dict(project=proj, level1=l1, level2=l2, name=r[3], operator=op, value=val, measure_unit=mu, page=pg))
doc=pymupdf.open(C/P)
figs=[]
for pno in range(29, 33):
    text=''.join(l.strip() for l in doc[pno-1].get_text().split('\n') if not l.strip().startswith('—'))
    for pg,raw,k,d,b,a in scan(text, pno):
        figs.append(dict(kind=k, raw=raw.replace(' ',''), direction=d or None, page=pno, subject=b[-12:]))
if 'show' in sys.argv:
    for t in tables: print(t['kind'], len(t['rows']), t['rows'][:2], t['rows'][-1:])
    for i in inds[:40]: print(i)
    print(len(inds))
    for f in figs: print(f['page'], f['raw'], f['kind'], f['direction'], f['subject'])
    sys.exit()
write(P, coverage='full',
  method='Tables transcribed page by page with pymupdf find_tables (a library table finder, not this project\'s layout code) as a typing aid; the column meaning of every table chosen by reading its header; every row compared with the page; 类/款/项 sums re-added on the gold. Indicators: every 三级指标 row of the 专项资金/政策和项目绩效目标表 (pp.33-53), 一级/二级指标 carried down from merged cells, 指标值 split into operator, number and unit as printed. Narrative figures: pp.29-32, every money and percent figure with context, each change re-computed by hand.',
  decisions=['指标值 such as ≤176万元 is split into operator ≤, value 176, unit 万元; a value without a printed operator (7次) has no operator; words (有效减轻) and dates (2025年12月31日) are the value with no unit.',
             'The 政府采购预算表 (公开表12, p28) is not a standard table: not in the table gold.',
             'Projects: the rows of 项目支出预算情况表 (pp.26-27), and each project block of the 绩效目标表 (pp.33-53) with its 年度预算资金 (a project listed in both appears twice, once per table).',
             '基本殡葬费用减免完成率 is printed as 1 (no unit): kept as printed.'],
  metadata=dict(department='烟台市民政局', year=2026, kind='budget', level='department', currency_unit='万元', page=1),
  tables=tables, projects=projects, projects_complete=True, indicators=inds, indicators_complete=True,
  figures=figs, figures_complete=True,
  anomalies=[dict(description='p24 基本支出预算情况表, 30211 差旅费 (505 02): 合计 4.50 and 财政拨款 小计 4.50, but 一般公共预算 5.50 (the only fund column).', checks=['row_sum'], pages=[24], values=['5.50'])])
