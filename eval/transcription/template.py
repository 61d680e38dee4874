import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='pdf/shanghai-final-account-template.pdf'
def tot(rows): return [(['','合计']+x[2:]) if x[0]=='合计' else x for x in rows]
r=[x for x in ft(P,5,skip=2) if any(x)]
ies=[['income',x[0],x[1]] for x in r if x[0]]+[['expenditure',x[2],x[3]] for x in r if x[2]]
inc=tot(ft(P,6,skip=2)); exp=tot(ft(P,7,skip=2))
r=[x for x in ft(P,8,skip=2)+ft(P,9,skip=2) if any(x)]
fs=[['income',x[0],x[1],'','','',''] for x in r if x[0]]+[['expenditure',x[2],'',x[3],x[4],x[5],x[6]] for x in r if x[2]]
gb=tot(ft(P,10,skip=2))
b=ft(P,11,skip=1)
be=[[x[0],x[1],x[2]] for x in b if x[0]]+[[x[3],x[4],x[5]] for x in b if x[3]]
tables=[select(t) for t in [
 T('income_expenditure_summary','收入支出决算总表','万元',['side','name','amount'], ies, pages=[5], empty=True),
 T('income_summary','收入决算表','万元',['code','name','total','fiscal','superior_subsidy','business_income','operating_income','affiliated_remit','other_income'], inc, pages=[6], empty=True),
 T('expenditure_summary','支出决算表','万元',['code','name','total','basic','project','remit_upper','operating_expense','subsidy_affiliated'], exp, pages=[7], empty=True),
 T('fiscal_summary','财政拨款收入支出决算总表','万元',['side','name','amount','total','general_budget','government_fund','state_capital'], fs, pages=[8,9], empty=True),
 T('general_budget_expenditure','一般公共预算财政拨款支出决算表','万元',['code','name','total','basic','project'], gb, pages=[10], empty=True),
 T('basic_expenditure','一般公共预算财政拨款基本支出决算表','万元',['code','name','total'], be, pages=[11], empty=True),
 T('three_public','财政拨款“三公”经费支出决算表','万元',['name','budget_amount','total','-','abroad','-','vehicle_total','-','vehicle_purchase','-','vehicle_operation','-','reception'], [['']+['']*12], pages=[12], empty=True),
 T('government_fund','政府性基金预算财政拨款收入支出决算表','万元',['code','name','carryover','-','total','basic','project','-'], [['','合计']+['']*6], pages=[13], empty=True),
 T('state_capital','国有资本经营预算财政拨款收入支出决算表','万元',['code','name','carryover','-','total','basic','project','-'], [['','合计']+['']*6], pages=[14], empty=True),
]]
if 'show' in sys.argv:
    for t in tables: print(t['kind'], t['columns']); [print('   ',x) for x in t['rows']]
    sys.exit()
write(P, coverage='key_figures',
  method='A blank template: every table read on its page (pymupdf find_tables as a typing aid); the gold lists its total rows, every 类 row and five other rows with every figure blank, so that any number the extractor reports is a false positive.',
  decisions=['The department is the placeholder 上海市XX局 as printed.', 'Every table prints labels and codes but no figures: all marked empty.'],
  metadata=dict(department='上海市XX局', year=2024, kind='final_account', level='department', currency_unit='万元', page=1),
  tables=tables, anomalies=[])
