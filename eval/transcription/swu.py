import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='pdf/southwest-university-2024-budget.pdf'
def tot(rows): return [(['','合计']+r[2:]) if r[0]=='合计' else r for r in rows]
ies=two_sided([r for r in ft(P,8,skip=2) if any(r)])
inc=[['']+ft(P,9)[2]]
exp=tot(ft(P,10,skip=1)); gb=tot(ft(P,11,skip=1))
tables=[select(t) for t in [
 T('income_expenditure_summary','西南大学收支预算总表','万元',['side','name','amount'], ies, pages=[8]),
 T('income_summary','西南大学收入预算表','万元',['name','total','fiscal','superior_subsidy','business_income','-','operating_income','affiliated_remit','other_income'], inc, pages=[9],
   notes=['One unlabelled row; 其中：教育收费 (part of 事业收入) is not scored.']),
 T('expenditure_summary','西南大学支出预算表','万元',['code','name','total','basic','project','-'], exp, pages=[10]),
 T('general_budget_expenditure','西南大学财政拨款支出预算表','万元',['code','name','total','basic','project'], gb, pages=[11],
   notes=['The central-level 财政拨款支出预算表 stands for the general-budget table.']),
]]
inds=[]; proj=None; l1=l2=None
for r in ft(P,18)+ft(P,19):
    if r[0]=='项目名称': proj=r[2]
    v=next((c for c in r[4:] if c), '')  # p19 prints one column fewer than p18
    if r[0]=='' and r[3] and v and r[3]!='三级指标':
        if r[1]: l1=r[1]
        if r[2]: l2=r[2]
        op,val,mu=split_value(v)
        inds.append(dict(project=proj, level1=l1, level2=l2, name=r[3], operator=op, value=val, measure_unit=mu))
inds=inds[:10]
if 'show' in sys.argv:
    for t in tables: print(t['kind'], t['columns']); [print('   ',r) for r in t['rows']]
    for i in inds: print(i)
    sys.exit()
write(P, coverage='key_figures',
  method='Key figures: metadata; for every standard table its total rows, every 类 row and the first five other rows; ten indicators (the first project goal table, pp.18-19); transcribed with pymupdf find_tables as a typing aid (column meanings read from each header) and compared with the page.',
  decisions=['Tables are marked complete = false: rows not listed are not scored.',
             'A central-level university budget: it prints no fiscal_summary, basic, 三公, government-fund or state-capital table (absent_tables).',
             '指标值 such as ≥1个 is split into operator, number and unit.'],
  metadata=dict(department='西南大学', year=2024, kind='budget', level='department', currency_unit='万元', page=1),
  tables=tables, absent_tables=['fiscal_summary','basic_expenditure','three_public','government_fund','state_capital'],
  indicators=inds, indicators_complete=False, anomalies=[])
