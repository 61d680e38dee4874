import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='pdf/guangzhou-petitions-2026-budget.pdf'
ies=two_sided([r for r in ft(P,5,skip=2)+ft(P,6,skip=2) if any(r)])
inc=datarows(ft(P,7,skip=2))
exp=datarows(ft(P,8,skip=2))
fs=two_sided([r for r in ft(P,9,skip=2)+ft(P,10,skip=2) if any(r)])
gb=bracket(datarows(ft(P,11,skip=2)))
be=bracket(datarows(ft(P,12,skip=1)+ft(P,13,skip=1)))
pe_econ=bracket(datarows(ft(P,14,skip=1)))
tp=datarows(ft(P,15,skip=1))
gf=datarows(ft(P,16,skip=2)); sc=datarows(ft(P,17,skip=2))
be2=datarows(ft(P,18,skip=2)); pe=[r[:8] for r in datarows(ft(P,19,skip=2)+ft(P,20,skip=2))]
tables=[select(t) for t in [
 T('income_expenditure_summary','收支总体情况表','万元',['side','name','amount'], ies, pages=[5,6]),
 T('income_summary','收入总体情况表','万元',['name','total','general_budget','government_fund','state_capital','-','fiscal_special','business_income','operating_income','other_income','superior_subsidy','affiliated_remit','carryover'], inc, pages=[7],
   notes=['财政专户拨款收入 is split into 教育收费 and 其他专户收入拨款: 其他专户收入拨款 is scored as fiscal_special, 教育收费 is not scored.']),
 T('expenditure_summary','本年支出总体情况表','万元',['code','name','total','basic','project','operating_expense','subsidy_affiliated','remit_upper'], exp, pages=[8]),
 T('fiscal_summary','财政拨款收支总体情况表','万元',['side','name','amount'], fs, pages=[9,10]),
 T('general_budget_expenditure','一般公共预算支出情况表（按功能分类科目）','万元',['code','name','total','basic','project'], gb, pages=[11],
   notes=['小计 (一般公共预算支出) is the row total.']),
 T('basic_expenditure','一般公共预算基本支出情况表（按经济分类科目）','万元',['code','name','total'], be, pages=[12,13]),
 T('basic_expenditure','一般公共预算项目支出情况表（按经济分类科目）','万元',['code','name','total'], pe_econ, pages=[14],
   notes=['表7 (项目支出 by economic code) has no standard kind of its own; it is scored with the economic-code tables (basic_expenditure), after 表6.']),
 T('three_public','财政拨款安排的行政经费及“三公”经费预算表','万元',['name','total','-','-','-'], tp, pages=[15],
   notes=['Rows are items (行政经费, “三公”经费, 因公出国, 公务用车 …) with 合计 and the three fund columns; 合计 is scored as total, the fund columns are not scored.']),
 T('government_fund','政府性基金预算支出情况表','万元',['code','name','total','basic','project'], gf, pages=[16]),
 T('state_capital','国有资本经营预算支出情况表','万元',['code','name','total','basic','project'], sc, pages=[17]),
 T('basic_expenditure','部门预算基本支出预算表','万元',['name','total','fiscal','general_budget','government_fund','state_capital','fiscal_special','unit_funds'], be2, pages=[18],
   notes=['表11 (基本支出 by source of funds) is a third basic_expenditure table. 其他资金 is scored as unit_funds.']),
 T('project_expenditure','部门预算项目支出及其他支出预算表','万元',['name','total','fiscal','general_budget','government_fund','state_capital','fiscal_special','unit_funds'], pe, pages=[19,20]),
]]
if 'show' in sys.argv:
    for t in tables: print(t['kind'], t['columns']); [print('   ',r) for r in t['rows']]
    sys.exit()
write(P, coverage='key_figures',
  method='Key figures: metadata; for every standard table its total rows, every 类 row and the first five other rows, transcribed with pymupdf find_tables as a typing aid (column meanings read from each header) and compared with the page.',
  decisions=['Tables are marked complete = false: rows not listed are not scored.'],
  metadata=dict(department='广州市信访局', year=2026, kind='budget', level='department', currency_unit='万元', page=1),
  tables=tables, anomalies=[])
