import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='pdf/fuzhou-police-patrol-2026-unit-budget.pdf'
def tot(rows):
    return [(['','合计']+r[2:]) if r[0]=='合计' else r for r in rows]
ies=two_sided([r for r in ft(P,8,skip=2) if any(r)])
inc=ft(P,9,skip=1)
exp=tot(ft(P,10,skip=1))
fs=two_sided([r for r in ft(P,11,skip=2) if any(r)])
gb=tot(ft(P,12,skip=2))
gf=tot(ft(P,13,skip=2)); sc=tot(ft(P,14,skip=2))
ec=tot(ft(P,15,skip=1)); be=tot(ft(P,16,skip=1)+ft(P,17)+ft(P,18))
be=[r for r in be if r[0] not in ('科目编码',)]
tp=ft(P,19,skip=1)
tables=[select(t) for t in [
 T('income_expenditure_summary','2026年度收支预算总表','万元',['side','name','amount'], ies, pages=[8]),
 T('income_summary','2026年度收入预算总表','万元',['name','total','general_budget','government_fund','state_capital','fiscal_special','business_income','operating_income','superior_subsidy','affiliated_remit','other_income','carryover'], inc, pages=[9]),
 T('expenditure_summary','2026年度支出预算总表','万元',['code','name','total','basic','project','operating_expense','remit_upper','subsidy_affiliated'], exp, pages=[10]),
 T('fiscal_summary','2026年度财政拨款收支预算总表','万元',['side','name','amount'], fs, pages=[11]),
 T('general_budget_expenditure','2026年度一般公共预算拨款支出预算表','万元',['code','name','total','basic','project'], gb, pages=[12]),
 T('government_fund','2026年度政府性基金预算拨款支出预算表','万元',['code','name','total','basic','project'], gf, pages=[13]),
 T('state_capital','2026年度国有资本经营预算拨款支出预算表','万元',['code','name','total','basic','project'], sc, pages=[14]),
 T('basic_expenditure','2026年度一般公共预算支出经济分类情况表','万元',['code','name','total'], ec, pages=[15],
   notes=['表八 (all general-budget spending by economic 类) is scored with the economic-code tables, before 表九.']),
 T('basic_expenditure','2026年度一般公共预算基本支出经济分类情况表','万元',['code','name','total'], be, pages=[16,17,18]),
 T('three_public','2026年度一般公共预算“三公”经费支出预算表','万元',['name','total'], tp, pages=[19],
   notes=['Rows are the 三公 items with one 预算数 column (scored as total).']),
]]
inds=[]
for pg in (24,25):
    proj=None
    for r in ft(P,pg):
        if r[0]=='项目名称': proj=r[1]
        if r[0]=='' and r[3] and r[4] and r[3]!='三级指标':
            pass
    rows=ft(P,pg); l1=None
    for r in rows:
        if r[0]=='' and r[3] and r[4] and r[2]:
            if r[1]: l1=r[1]
            op,val,mu=split_value(r[4])
            inds.append(dict(project=proj, level1=l1, level2=r[2], name=r[3], operator=op, value=val, measure_unit=mu, page=pg))
inds=inds[:10]
if 'show' in sys.argv:
    for t in tables: print(t['kind'], t['columns']); [print('   ',r) for r in t['rows']]
    for i in inds: print(i)
    sys.exit()
write(P, coverage='key_figures',
  method='Key figures: metadata; for every standard table its total rows, every 类 row and the first five other rows; ten indicators (the first two project goal tables, pp.24-25); transcribed with pymupdf find_tables as a typing aid (column meanings read from each header) and compared with the page.',
  decisions=['Tables are marked complete = false: rows not listed are not scored.', '指标值 such as ≤77.48万元 is split into operator, number and unit.',
             '20402 公安 (7,927.40; 项目支出 1,370.70) exceeds its two printed 项 (6,556.70 + 1,051.46 = 7,608.16) by 319.24 on pp.10 and 12: an anomaly in the document, kept as printed.'],
  metadata=dict(department='福州市公安局巡特警支队', year=2026, kind='budget', level='unit', currency_unit='万元', page=1),
  tables=tables, indicators=inds, indicators_complete=False,
  anomalies=[dict(description='20402 公安 = 7,927.40 (项目支出 1,370.70) on pp.10 and 12, but its 项 2040201 + 2040299 = 7,608.16 (项目支出 1,051.46): 319.24 is not accounted for.', checks=['hierarchy'], pages=[10,12], values=['7,927.40','1,370.70'])])
