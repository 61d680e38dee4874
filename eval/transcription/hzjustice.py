import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='pdf/hangzhou-justice-2026-budget.pdf'
def nohdr(rows): return [r for r in rows if r[0] not in ('**',) and r[1] not in ('1',) and any(r)]
ies=two_sided(nohdr(ft(P,23,skip=2)+ft(P,24)))
inc=[r for r in ft(P,25,skip=3)]
exp=nohdr(ft(P,26,skip=3)+ft(P,27))
fs=two_sided(nohdr(ft(P,28,skip=2)+ft(P,29)))
gb=nohdr(ft(P,30,skip=3)+ft(P,31))
be=nohdr(ft(P,32,skip=3)+ft(P,33))
tp=nohdr(ft(P,34,skip=3))
gf=[r for r in ft(P,35,skip=3) if r[0]=='合计']
sc=[r for r in ft(P,36,skip=2) if r[0]=='合计']
pe=[r for r in nohdr(ft(P,37,skip=3)+ft(P,38))]
pf=[r for r in ft(P,39,skip=1)+ft(P,40) if r[0]]
tables=[select(t) for t in [
 T('income_expenditure_summary','表1：2026年市级部门收支预算总表','万元',['side','name','amount'], ies, pages=[23,24]),
 T('income_summary','表2：2026年市级部门收入预算总表','万元',['name','total','-','general_budget','government_fund','state_capital','fiscal_special','business_income','operating_income','superior_subsidy','affiliated_remit','other_income','carryover','-','-','-','-','-'], inc, pages=[25]),
 T('expenditure_summary','表3：2026年市级部门支出预算总表','万元',['name','total','personnel','public','project','operating_expense','remit_upper','subsidy_affiliated'], exp, pages=[26,27],
   notes=['Function rows are printed by name only (no codes): keyed by name, repeated names by their order.']),
 T('fiscal_summary','表4：2026年市级部门财政拨款收支预算总表','万元',['side','name','amount'], fs, pages=[28,29]),
 T('general_budget_expenditure','表5：2026年市级部门一般公共预算支出预算表','万元',['name','total','basic','personnel','public','project'], gb, pages=[30,31]),
 T('basic_expenditure','表6：2026年市级部门一般公共预算基本支出预算表','万元',['name','total','personnel','public'], be, pages=[32,33]),
 T('three_public','表7：2026年市级部门一般公共预算“三公”经费预算表','万元',['name','total','abroad','vehicle_total','vehicle_purchase','vehicle_operation','reception'], tp, pages=[34]),
 T('government_fund','表8：2026年市级部门政府性基金预算支出预算表','万元',['name','total','basic','project'], gf, pages=[35], empty=True),
 T('state_capital','表9：2026年市级部门国有资本经营预算支出预算表','万元',['name','project'], sc, pages=[36], empty=True),
 T('project_expenditure','表10：2026年市级部门项目支出预算表','万元',['-','name','total','general_budget','government_fund','state_capital','fiscal_special','unit_funds'], pe, pages=[37,38]),
 T('performance_targets','表11：2026年市级部门项目支出绩效表','万元',['-','name','total','-'], pf, pages=[39,40], notes=['绩效目标 is text; only 金额 is scored.']),
]]
projects=[dict(name=r[1], amount=r[2], page=37) for r in pe if r[1]!='合计'][:5]
if 'show' in sys.argv:
    for t in tables: print(t['kind'], t['columns']); [print('   ',r) for r in t['rows']]
    sys.exit()
write(P, coverage='key_figures',
  method='Key figures: metadata; for every standard table its total rows, every 类 row and the first five other rows, transcribed with pymupdf find_tables as a typing aid (column meanings read from each header) and compared with the page.',
  decisions=['Tables are marked complete = false: rows not listed are not scored.', 'Function and economic rows carry no codes in this document: 类 rows are recognised by their standard names.'],
  metadata=dict(department='杭州市司法局', year=2026, kind='budget', level='department', currency_unit='万元', page=1),
  tables=tables, projects=projects, anomalies=[])
