import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='pdf/beijing-audit-2026-budget-tables.pdf'
NUMRE=re.compile(r'[\d,]+\.\d+$')
def has_num(r): return any(NUMRE.match(c) for c in r)
def drop0(rows): return [r[1:] for r in rows]
ies=two_sided([r for r in drop0(ft(P,1)) if (r[0] or r[2]) and r[0] not in ('收入','项目','预算01表收支总表') and r[1]!='预算数' and not r[0].startswith('预算01')][1:] if False else [r for r in drop0(ft(P,1))[4:] if any(r) and r[1]!='预算数'])
inc_row=drop0(ft(P,2))[5]
inc=[['']+inc_row[:18]]
def split_cn(c):
    m=re.match(r'^(\d+)-(.*)$', c)
    return (m.group(1), m.group(2)) if m else ('', c)
exp=[]
for r in drop0(ft(P,3)):
    if not has_num(r): continue
    code,name=split_cn(r[0])
    if r[0]=='合计': code,name='','合计'
    exp.append([code,name,r[1],r[2]]+r[3:9])
fs=two_sided([r for r in drop0(ft(P,4))[4:] if any(r) and r[1]!='预算数'])
gb=[]
for r in drop0(ft(P,5)):
    if not has_num(r): continue
    gb.append(r[:8])
be=[]
for r in drop0(ft(P,6)):
    if not has_num(r): continue
    code,name=split_cn(r[1])
    if r[1]=='合计': code,name='','合计'
    be.append([code,name,r[0],r[2],r[3],r[4]])
tp=drop0(ft(P,9))[-1]
tables=[
 T('income_expenditure_summary','预算01表 收支总表','万元',['side','name','amount'], ies, pages=[1]),
 T('income_summary','预算02表 收入总表','万元',['name','total','-','general_budget','government_fund','state_capital','fiscal_special','business_income','operating_income','superior_subsidy','affiliated_remit','other_income','carryover','-','-','-','-','-','-'], [r+['']*(19-len(r)) for r in inc],
   notes=['One unlabelled row. 本年收入 小计 and the parts of 上年结转结余 (一般公共预算资金 436.846550 … 单位资金 35.117193) have no canonical key; 上年结转结余 小计 is scored as carryover.']),
 T('expenditure_summary','预算03表 支出总表','万元',['code','name','total','basic','project','operating_expense','remit_upper','subsidy_affiliated','-','-'], [r[:2]+r[4:10]+r[2:4] for r in exp],
   notes=['Each row is a (function, government economic, department economic) triple printed as "code-name" cells; the row is keyed by its function code and matched in printed order; the two economic classifications are not scored.']),
 T('fiscal_summary','预算04表 财政拨款收支总表','万元',['side','name','amount'], fs, pages=[4]),
 T('general_budget_expenditure','预算05表 一般公共预算支出表','万元',['code','name','total','basic','personnel','public','project','-'], gb, pages=[5],
   notes=['Three unlabelled blocks (one per budget unit) repeat function codes; rows matched in printed order. 扣除基建项目后预算数 is not scored.']),
 T('basic_expenditure','预算06表 一般公共预算基本支出表','万元',['code','name','-','total','personnel','public'], be, pages=[6],
   notes=['Keyed by the 部门支出经济分类 code (30101…); the 政府支出经济分类 code is not scored.']),
 T('government_fund','预算07表 政府性基金预算支出表','万元',['code','name','total','basic','project'], [['','合计','','','']], pages=[7], empty=True),
 T('state_capital','预算08表 国有资本经营预算支出表','万元',['code','name','total','basic','project'], [['','合计','','','']], pages=[8], empty=True),
 T('three_public','预算09表 财政拨款“三公”经费支出表','万元',['name','total','abroad','reception','vehicle_total','vehicle_purchase','vehicle_operation'], [['']+tp[:6]], pages=[9]),
]
for t in tables:
    if not t['pages']: t['pages']=[[1,2,3][['income_expenditure_summary','income_summary','expenditure_summary'].index(t['kind'])]]
L1={'产出指标','效益指标','满意度指标','成本指标'}
inds=[]; proj=None
for pg in range(12,20):
    for r in ft(P,pg):
        first=next((c for c in r if c), '')
        if re.match(r'^\d{8}[A-Z]\d+-', first):
            proj=first
        idx=[i for i,c in enumerate(r) if c in L1]
        if not idx: continue
        i=idx[0]
        l1,l2,name,op,val,mu=(r+['']*12)[i:i+6]
        op=op.replace('＝','=')
        inds.append(dict(project=proj, level1=l1, level2=l2 or None, name=name, operator=op or None, value=val or None, measure_unit=mu or None, page=pg))
L2=re.compile(r'^(产出指标|效益指标|满意度指标|成本指标)(数量指标|质量指标|时效指标|成本指标|经济成本指标|社会成本指标|生态环境成本指标|社会效益指标|经济效益指标|生态效益指标|可持续影响指标|服务对象满意度指标)(.*)$')
for pg in (20,21):
    for r in ft(P,pg):
        r=[c for c in r]
        cells=[c for c in r if c]
        if len(cells)>=4 and L2.match(cells[1]):
            m=L2.match(cells[1])
            rest=cells[2:]
            op=rest[0].replace('＝','=') if rest else None
            val=rest[1] if len(rest)>1 else None
            mu=rest[2] if len(rest)>2 else None
            inds.append(dict(project=cells[0], level1=m.group(1), level2=m.group(2), name=m.group(3), operator=op, value=val, measure_unit=mu, page=pg))
projects=[]
for pg in range(12,20):
    for r in ft(P,pg):
        first=next((c for c in r if c), '')
        if re.match(r'^\d{8}[A-Z]\d+-', first):
            j=r.index(first)
            projects.append(dict(name=first, amount=r[j+1], page=pg))
if 'show' in sys.argv:
    for t in tables: print(t['kind'], len(t['rows']), t['rows'][:2], t['rows'][-1:])
    for i in inds[:8]+inds[-25:]: print(i)
    print(len(inds), len(projects), projects[:3])
    sys.exit()
write(P, coverage='full',
  method='Tables transcribed with pymupdf find_tables (a library table finder, not this project\'s layout code) as a typing aid; the column meaning of every table chosen by reading its header; every row compared with the page. Indicators: every row of 预算表12 (pp.12-19, 一级指标 located by its vocabulary, the five fields after it) and of 预算13表 (pp.20-21, where 一级+二级+三级 are printed in one cell and split at the standard 一级/二级 names). Projects: the project rows of 预算表12 with their 项目总额.',
  decisions=['This file has tables only: no narrative, so no narrative figures (figures_complete with an empty list).',
             'Full-width ＝ is the operator =.',
             '预算13表 (部门整体支出绩效目标表) indicators belong to an 活动 (审计业务, 审计管理, …), not a project: the 活动 is their project.',
             '预算10表 (政府采购) and 预算11表 (政府购买服务) are not standard tables: not in the table gold.',
             'Amounts are printed with six decimals (万元): kept as printed.'],
  metadata=dict(department='北京市审计局', year=2026, kind='budget', level='department', currency_unit='万元', page=1),
  tables=tables, projects=projects, projects_complete=True, indicators=inds, indicators_complete=True,
  figures=[], figures_complete=True, anomalies=[])
