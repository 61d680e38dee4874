import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='pdf/shanghai-marine-monitoring-2026-unit-budget.pdf'
r7=[r for r in ft(P,7)[4:] if any(r)]
ies=[['income',r[0],r[1],'',r[0] and '' ] for r in r7 if r[0]]
ies=[['income',r[0],r[1],''] for r in r7 if r[0]]+[['expenditure',r[2],'',r[3]] for r in r7 if r[2]]
def c3(rows):
    out=[]
    for r in rows:
        if r[0]=='合计': out.append(['','合计']+r[4:])
        elif re.match(r'^\d{3}$', r[0]): out.append([r[0]+r[1]+r[2]]+r[3:])
    return out
inc=c3(ft(P,8)+ft(P,9)); exp=c3(ft(P,10)+ft(P,11))
r12=[r for r in ft(P,12)[6:] if any(r)]
fs=[['income',r[0],r[1],'','',''] for r in r12 if r[0]]+[['expenditure',r[2],'',r[3],r[4],r[5]] for r in r12 if r[2]]
gb=c3(ft(P,13)+ft(P,14))
def c2(rows):
    out=[]
    for r in rows:
        if r[0]=='合计': out.append(['','合计']+r[3:])
        elif re.match(r'^\d{3}$', r[0]): out.append([r[0]+r[1]]+r[2:])
    return out
be=c2(ft(P,17)+ft(P,18))
tp=ft(P,19)[3]
tables=[select(t) for t in [
 T('income_expenditure_summary','2026年预算单位财务收支预算总表','元',['side','name','amount','total'], ies, pages=[7],
   notes=['Expenditure side: 合计 is scored as total; its 基本支出 (人员经费, 公用经费) and 项目支出 columns have no key in a summary table.']),
 T('income_summary','2026年预算单位收入预算总表','元',['code','name','total','fiscal','business_income','operating_income','other_income'], inc, pages=[8,9]),
 T('expenditure_summary','2026年预算单位支出预算总表','元',['code','name','total','basic','project'], exp, pages=[10,11]),
 T('fiscal_summary','2026年预算单位财政拨款收支预算总表','元',['side','name','amount','total','general_budget','government_fund'], fs, pages=[12]),
 T('general_budget_expenditure','2026年预算单位一般公共预算支出功能分类预算表','元',['code','name','total','basic','project'], gb, pages=[13,14]),
 T('government_fund','2026年预算单位政府性基金预算支出功能分类预算表','元',['code','name','total','basic','project'], [], pages=[15], empty=True),
 T('state_capital','2026年预算单位国有资本经营预算支出功能分类预算表','元',['code','name','total','basic','project'], [], pages=[16], empty=True),
 T('basic_expenditure','2026年预算单位一般公共预算基本支出部门预算经济分类预算表','元',['code','name','total','personnel','public'], be, pages=[17,18]),
 T('three_public','2026年单位“三公”经费和机关运行经费预算表','万元',['total','abroad','reception','vehicle_total','vehicle_purchase','vehicle_operation','-','name'], [tp+['']], pages=[19],
   notes=['This table is in 万元 while the others are in 元. 机关运行经费预算数 has no canonical key.']),
]]
if 'show' in sys.argv:
    for t in tables: print(t['kind'], t['columns']); [print('   ',r) for r in t['rows']]
    sys.exit()
write(P, coverage='key_figures',
  method='Key figures: metadata; for every standard table its total rows, every 类 row and the first five other rows, transcribed with pymupdf find_tables as a typing aid (column meanings read from each header) and compared with the page.',
  decisions=['Tables are marked complete = false: rows not listed are not scored.', 'A unit budget (单位预算): level unit; amounts in 元 except the 三公 table (万元).'],
  metadata=dict(department='上海市海洋监测预报中心', year=2026, kind='budget', level='unit', currency_unit='元', page=1),
  tables=tables, anomalies=[])
