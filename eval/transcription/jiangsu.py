import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='pdf/jiangsu-npc-office-2019-budget-tables.pdf'
def tot(rows): return [(['','合计']+r[2:]) if r[0]=='合计' else r for r in rows]
r1=[r for r in ft(P,1,skip=4) if any(r)]
ies=[['income',r[0],r[1]] for r in r1 if r[0]]+[['expenditure',r[2],r[3] or (r[5] if re.search(r'小计|合计', r[2]) else '')] for r in r1 if r[2]]+[['expenditure',r[4],r[5]] for r in r1 if r[4]]
inc=[[(r[0]+r[1]) if r[1]=='小计' else (r[1] or r[0]), r[2]] for r in ft(P,2,skip=2) if (r[1] or r[0])]
exp=[['']+ft(P,3)[2]]
r4=[r for r in ft(P,4,skip=4) if any(r)]
fs=[['income',r[0],r[1]] for r in r4 if r[0]]+[['expenditure',r[2],r[3]] for r in r4 if r[2]]
gb1=tot(ft(P,5,skip=2)); be1=tot(ft(P,6,skip=2)); gb2=tot(ft(P,7,skip=2)); be2=tot(ft(P,8,skip=2))
tp=ft(P,9)[5]
tables=[select(t) for t in [
 T('income_expenditure_summary','收支预算总表','万元',['side','name','amount'], ies, pages=[1],
   notes=['当年支出小计 and 支出合计 are printed in the last (支出用途 金额) column; they are the expenditure totals.', 'The expenditure side is printed twice: by function (功能分类) and by use (支出用途: 基本支出, 项目支出, 单位预留机动经费); both are expenditure rows.']),
 T('income_summary','收入预算总表','万元',['name','total'], inc, pages=[2],
   notes=['Rows are income items (收入总计, 一般公共预算资金 小计, 公共财政拨款(补助)资金 …) with one 金额 column (total); a 小计 row is keyed by its group label + 小计 (一般公共预算资金小计).']),
 T('expenditure_summary','支出预算总表','万元',['name','total','basic','project','-','-'], exp, pages=[3],
   notes=['One unlabelled row; 单位预留机动经费 and 结转下年资金 have no canonical key.']),
 T('fiscal_summary','财政拨款收支预算总表','万元',['side','name','amount'], fs, pages=[4]),
 T('general_budget_expenditure','财政拨款支出预算表（功能科目）','万元',['code','name','total'], gb1, pages=[5]),
 T('basic_expenditure','财政拨款基本支出预算表（经济科目）','万元',['code','name','total'], be1, pages=[6]),
 T('general_budget_expenditure','一般公共预算支出预算表（功能科目）','万元',['code','name','total'], gb2, pages=[7]),
 T('basic_expenditure','一般公共预算基本支出预算表（经济科目）','万元',['code','name','total'], be2, pages=[8]),
 T('three_public','“三公”经费、会议费、培训费支出预算表','万元',['-','total','abroad','vehicle_total','vehicle_purchase','vehicle_operation','reception','-','-','name'], [tp+['']], pages=[9],
   notes=['合计 (2,600.71) adds 会议费 and 培训费 to the 三公 经费; the 三公 total is its 小计 767.60, scored as total. 合计, 会议费 and 培训费 are not scored.']),
 T('government_fund','财政拨款政府性基金支出预算表','万元',['code','name','total'], [['','合计','']], pages=[10], empty=True),
]]
if 'show' in sys.argv:
    for t in tables: print(t['kind'], t['columns']); [print('   ',r) for r in t['rows']]
    sys.exit()
write(P, coverage='key_figures',
  method='Key figures: metadata; for every standard table its total rows, every 类 row and the first five other rows, transcribed with pymupdf find_tables as a typing aid (column meanings read from each header) and compared with the page.',
  decisions=['Tables are marked complete = false: rows not listed are not scored.', 'A 2019 tables-only file (公开表一…十三); it prints no state-capital table.',
             'The 财政拨款 tables (公开表五, 六) and the 一般公共预算 tables (七, 八) print the same figures; each is scored against its own page.'],
  metadata=dict(department='江苏省人大常委会办公厅', year=2019, kind='budget', level='department', currency_unit='万元', page=1),
  tables=tables, absent_tables=['state_capital'], anomalies=[])
