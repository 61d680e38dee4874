import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='pdf/foshan-rail-transit-2019-final-account.pdf'
r=[x for x in ft(P,5,skip=3)+ft(P,6,skip=3)+ft(P,7,skip=3)]
ies=[['income',x[0],x[2]] for x in r if x[0]]+[['expenditure',x[3],x[5]] for x in r if x[3]]
def tot(rows):
    out=[(['','合计']+x[2:]) if x[1]=='合计' and not x[0] else x for x in rows]
    return [x for i,x in enumerate(out) if not (x[1]=='合计' and any(y[1]=='合计' for y in out[:i]))]  # 合计 repeated atop a continuation page
inc=tot(ft(P,8,skip=3)+ft(P,9,skip=3)); exp=tot(ft(P,10,skip=3)+ft(P,11,skip=3))
r=ft(P,12,skip=3)+ft(P,13,skip=3)+ft(P,14,skip=3)
fs=[['income',x[0],x[2],'','',''] for x in r if x[0]]+[['expenditure',x[3],'',x[5],x[6],x[7]] for x in r if x[3]]
gb=tot(ft(P,15,skip=3)+ft(P,16,skip=3))
b=[x for p in (17,18,19,20) for x in ft(P,p,skip=2)]
left=[[x[0],x[1],x[2]] for x in b if x[0] or (x[1] and x[1]!='人员经费合计')]
right=[[x[3],x[4],x[5]] for x in b if x[3] or (x[4] and x[4]!='公用经费合计')]
last=[x for x in b if x[1]=='人员经费合计'][0]
be=left+right+[['','人员经费合计',last[2]],['','公用经费合计',last[5]]]
tp=ft(P,21)[4]
gf=tot(ft(P,22,skip=3)+ft(P,23,skip=3))
tables=[select(t) for t in [
 T('income_expenditure_summary','收入支出决算总表','万元',['side','name','amount'], ies, pages=[5,6,7], notes=['行次 columns are not scored.']),
 T('income_summary','收入决算表','万元',['code','name','total','fiscal','superior_subsidy','business_income','operating_income','affiliated_remit','other_income'], inc, pages=[8,9]),
 T('expenditure_summary','支出决算表','万元',['code','name','total','basic','project','remit_upper','operating_expense','subsidy_affiliated'], exp, pages=[10,11]),
 T('fiscal_summary','财政拨款收入支出决算总表','万元',['side','name','amount','total','general_budget','government_fund'], fs, pages=[12,13,14]),
 T('general_budget_expenditure','一般公共预算财政拨款支出决算表','万元',['code','name','total','basic','project'], gb, pages=[15,16]),
 T('basic_expenditure','一般公共预算财政拨款基本支出决算表','万元',['code','name','total'], be, pages=[17,18,19,20],
   notes=['Two halves side by side (人员经费 left, 公用经费 right): one row per code; the last line holds 人员经费合计 649.20 and 公用经费合计 97.19, each a row named after its label.']),
 T('three_public','一般公共预算财政拨款“三公”经费支出决算表','万元',['budget_amount','-','-','-','-','-','total','abroad','vehicle_total','vehicle_purchase','vehicle_operation','reception','name'], [tp+['']], pages=[21],
   notes=['One unlabelled row: the 预算数 block (合计 scored as budget_amount) then the 决算数 block.']),
 T('government_fund','政府性基金预算财政拨款收入支出决算表','万元',['code','name','carryover','-','total','basic','project','-'], gf, pages=[22,23],
   notes=['本年收入 and 年末结转和结余 have no canonical key; 本年支出 小计 is scored as total.']),
]]
if 'show' in sys.argv:
    for t in tables: print(t['kind'], t['columns']); [print('   ',x) for x in t['rows']]
    sys.exit()
write(P, coverage='key_figures',
  method='Key figures: metadata; for every standard table its total rows, every 类 row and the first five other rows, transcribed with pymupdf find_tables as a typing aid (column meanings read from each header) and compared with the page.',
  decisions=['Tables are marked complete = false: rows not listed are not scored.', 'A 合计 line repeated at the top of a continuation page (pp.9, 11, 16, 23) is the same line: listed once.', 'A 2019 final account; it prints no state-capital table.',
             '收入决算表 合计: 本年收入合计 1668.14 = 财政拨款收入 1668.14, while 其他收入 is 0.01 (a rounding-sized difference in the document, not annotated).'],
  metadata=dict(department='佛山市轨道交通局', year=2019, kind='final_account', level='department', currency_unit='万元', page=1),
  tables=tables, absent_tables=['state_capital'], anomalies=[])
