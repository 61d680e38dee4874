import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
from figs import scan
P='pdf/shenzhen-petitions-2026-budget.pdf'
ies=two_sided(nonblank(ft(P,15,skip=2)+ft(P,16,skip=2)))
inc=[r[:12] for r in ft(P,17,skip=3)]
def after_header(rows):
    return [r for r in rows if not (r[0] in ('预算单位','支出项目类别','') and not any(re.match(r'[\d,.]+$', c) for c in r))]
exp_=[r for r in nonblank(ft(P,18)+ft(P,19)+ft(P,20)) if any(re.match(r'[\d,]+\.\d\d$', c) for c in r)]
exp=[[r[1], r[2] or r[0]]+r[3:9]+[''] for r in exp_]
exp=[e[:8] for e in exp]
be1=[r for r in nonblank(ft(P,21)+ft(P,22)) if any(re.match(r'[\d,]+\.\d\d$', c) for c in r)]
pe=[r for r in ft(P,23) if any(re.match(r'[\d,]+\.\d\d$', c) for c in r)]
fs=two_sided(nonblank(ft(P,24,skip=2)+ft(P,25,skip=2)))
gb=[[r[1], r[2] or r[0]]+r[3:6] for r in nonblank(ft(P,26)+ft(P,27)) if any(re.match(r'[\d,]+\.\d\d$', c) for c in r)]
be2=[[r[1], r[2] or r[0]]+r[3:6] for r in nonblank(ft(P,28)+ft(P,29)+ft(P,30)) if any(re.match(r'[\d,]+\.\d\d$', c) for c in r)]
tp=[r for r in ft(P,31) if r[1] in ('2025年','2026年','增减变化金额')]
# 总计(GB,GF,SC) 因公出国(3) 公务接待(3) 车小计(3) 购置(3) 运行(3)
tp=[[r[1], r[2],'-x','-x', r[5],'-x','-x', r[8],'-x','-x', r[11],'-x','-x', r[14],'-x','-x', r[17],'-x','-x'] for r in tp]
TPC=['name','total','-','-','abroad','-','-','reception','-','-','vehicle_total','-','-','vehicle_purchase','-','-','vehicle_operation','-','-']
tp=[[c if c!='-x' else '' for c in r] for r in tp]
gf=[['','深圳市信访局']+r[3:6] for r in ft(P,32) if r[0]=='深圳市信访局']
sc=[['','深圳市信访局']+r[3:6] for r in ft(P,33) if r[0]=='深圳市信访局']
SRC=['total','fiscal','general_budget','government_fund','state_capital','fiscal_special','business_income','operating_income','superior_subsidy','affiliated_remit','other_income','carryover']
tables=[
 T('income_expenditure_summary','收支总表','万元',['side','name','amount'], ies, pages=[15,16]),
 T('income_summary','收入总表','万元',['name','total','general_budget','government_fund','state_capital','fiscal_special','business_income','operating_income','superior_subsidy','affiliated_remit','other_income','carryover'], inc, pages=[17],
   notes=['收入总计, 本年收入 by source (财政拨款: 一般公共预算/政府性基金/国有资本经营; 财政专户; 单位资金: five kinds), 上年结余、结转.']),
 T('expenditure_summary','支出总表','万元',['code','name','total','basic','project','operating_expense','subsidy_affiliated','remit_upper'], exp, pages=[18,19,20],
   notes=['The first row is the unit total (预算单位 深圳市信访局, no code). The three 2026年政府采购项目 columns have no canonical key and are not scored.']),
 T('basic_expenditure','基本支出总表','万元',['name','total','fiscal','general_budget','government_fund','state_capital','fiscal_special','business_income','operating_income','superior_subsidy','affiliated_remit','other_income','carryover'], be1, pages=[21,22],
   notes=['表4 基本支出总表: 基本支出 by economic category (names, no codes) and by source of funds; first row is the unit total.']),
 T('project_expenditure','项目支出总表','万元',['name','total','general_budget','government_fund','state_capital','fiscal_special','business_income','operating_income','superior_subsidy','affiliated_remit','other_income','carryover'], pe, pages=[23],
   notes=['First row is the unit total (深圳市信访局), then one row per project.']),
 T('fiscal_summary','财政拨款收支总表','万元',['side','name','amount'], fs, pages=[24,25]),
 T('general_budget_expenditure','一般公共预算支出表（按功能分类）','万元',['code','name','total','basic','project'], gb, pages=[26,27]),
 T('basic_expenditure','一般公共预算支出表（按经济分类）','万元',['code','name','total','basic','project'], be2, pages=[28,29,30],
   notes=['表8 (by economic classification, basic and project) is scored as a basic_expenditure table, the standard table it stands for; it follows 表4 in the same kind.']),
 T('three_public','财政拨款“三公”经费支出表','万元',TPC, tp, pages=[31],
   notes=['Rows are years (2025 年, 2026 年, 增减变化金额); every category is split by fund (一般公共预算/政府性基金预算/国有资本经营预算): the 一般公共预算 column is scored under the category key, the fund columns are not scored.']),
 T('government_fund','政府性基金预算支出表','万元',['code','name','total','basic','project'], gf, pages=[32], notes=['Only a unit row of zeros.']),
 T('state_capital','国有资本经营预算支出表','万元',['code','name','total','basic','project'], sc, pages=[33], notes=['Only a unit row of zeros.']),
]
plist=[r for r in ft(P,10)+ft(P,11) if r[0]=='深圳市信访局']
projects=[dict(name=r[1], amount=r[2], page=10) for r in plist]+[dict(name=r[0], amount=r[1], page=23) for r in pe if r[0]!='深圳市信访局']
doc=pymupdf.open(C/P)
figs=[]
for pno in range(4, 15):
    text=''.join(l.strip() for l in doc[pno-1].get_text().split('\n'))
    for pg,raw,k,d,b,a in scan(text, pno):
        if pno in (10, 11) and raw.endswith('%'):
            continue  # inside the goal cells of the project list, not prose
        figs.append(dict(kind=k, raw=raw.replace(' ',''), direction=d or None, page=pno, subject=b[-12:]))
if __name__=='__main__' and 'show' in sys.argv:
    for t in tables: print(t['kind'], t['rows'][:3])
    for f in figs: print(f['page'], f['raw'], f['kind'], f['direction'], f['subject'])
    sys.exit()
write(P, coverage='full',
  method='Tables transcribed page by page with pymupdf find_tables (a library table finder, not this project\'s layout code) as a typing aid; the column meaning of every table chosen by reading its multi-level header; every row compared with the page; 类/款/项 sums re-added on the gold. Narrative figures: every money and percent figure on pages 4-14 listed with context; kind and direction read from the sentence. Projects from the 项目支出总表 (p23) and the project goal list (pp.10-11).',
  decisions=['The percentages on pp.10-11 (及时率达 100% …) sit inside the 绩效目标 cells of the project list: table text, not narrative figures.',
             'Projects are listed once per table that lists them: the project goal list on pp.10-11 and the 项目支出总表 on p23.',
             'The unit rows (深圳市信访局) of the 支出总表 and of the function/economic tables carry no code and are keyed by the unit name.'],
  metadata=dict(department='深圳市信访局', year=2026, kind='budget', level='department', currency_unit='万元', page=1),
  tables=tables, projects=projects, projects_complete=True, figures=figs, figures_complete=True, anomalies=[])
