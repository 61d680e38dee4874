import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='pdf/xian-audit-2026-budget.pdf'
def tot(rows, n=2): return [(['','合计']+x[n:]) if x[0]=='合计' else x for x in rows]
r22=[x for x in ft(P,22,skip=2) if any(x)]
ies=[['income',x[0],x[1]] for x in r22 if x[0]]+[['expenditure',x[2],x[3]] for x in r22 if x[2] and x[2]!='一、部门预算']
inc=[[x[1] or x[0]]+x[2:] for x in ft(P,23,skip=3)]
exp=[[x[1] or x[0]]+x[2:] for x in ft(P,24,skip=3)]
r25=[x for x in ft(P,25,skip=2) if any(x)]
fs=[['income',x[0],x[1]] for x in r25 if x[0]]+[['expenditure',x[2],x[3]] for x in r25 if x[2] and x[2]!='一、财政拨款']
gb=tot(ft(P,26,skip=1))
def econ(rows): return [(['','合计','','']+x[4:]) if x[0]=='合计' else x for x in rows]
ec=econ(ft(P,27,skip=1)+ft(P,28,skip=1))
bf=tot(ft(P,29,skip=1))
be=econ(ft(P,30,skip=1))
pr=[[x[1] or x[0], x[2]] for x in ft(P,32,skip=1)]
tp=ft(P,35)[4]
TPC=['name','-','-','budget_amount']+['-']*8+['total','abroad','reception','vehicle_total','vehicle_purchase','vehicle_operation','-','-']+['-']*9
tables=[select(t) for t in [
 T('income_expenditure_summary','部门综合预算收支总表','元',['side','name','amount'], ies, pages=[22],
   notes=['The expenditure side is printed in three blocks (by function, by department economic class, by government economic class); the function block is scored. "一、部门预算" heads all three blocks and is left out.']),
 T('income_summary','部门综合预算收入总表','元',['name','total','general_budget','-','government_fund','superior_subsidy','business_income','operating_income','-','affiliated_remit','carryover','-','other_income'], inc, pages=[23],
   notes=['Rows: 合计, unit 117 and sub-unit 117001 (both 西安市审计局, keyed by name and order). 其中：专项资金, 使用非财政拨款结余 and 上年实户资金余额 are not scored.']),
 T('expenditure_summary','部门综合预算支出总表','元',['name','total','general_budget','-','government_fund','business_income','operating_income','affiliated_remit','-','other_income','carryover'], exp, pages=[24],
   notes=['This 支出总表 is by unit and source of funds.']),
 T('fiscal_summary','部门综合预算财政拨款收支总表','元',['side','name','amount'], fs, pages=[25]),
 T('general_budget_expenditure','部门综合预算一般公共预算支出明细表（按支出功能分类科目）','元',['code','name','total','personnel','public','project','-'], gb, pages=[26],
   notes=['专项业务经费支出 is scored as project.']),
 T('basic_expenditure','部门综合预算一般公共预算支出明细表（按支出经济分类科目）','元',['code','name','-','-','total','personnel','public','project','-'], ec, pages=[27,28],
   notes=['Keyed by the 部门经济科目编码; the 政府经济科目 code and name are not scored.']),
 T('basic_expenditure','部门综合预算一般公共预算基本支出明细表（按支出功能分类科目）','元',['code','name','total','personnel','public','-'], bf, pages=[29],
   notes=['基本支出 by function code: scored with the basic_expenditure tables.']),
 T('basic_expenditure','部门综合预算一般公共预算基本支出明细表（按支出经济分类科目）','元',['code','name','-','-','total','personnel','public','-'], be, pages=[30]),
 T('project_expenditure','部门综合预算专项业务经费支出表','元',['name','total'], pr, pages=[32],
   notes=['The 专项业务经费支出表 lists projects (通用项目, 大型活动 …) with 项目金额: a project table.']),
 T('three_public','部门综合预算一般公共预算拨款“三公”经费及会议费、培训费支出预算表','元',TPC, [tp], pages=[35],
   notes=['Blocks 上年, 当年, 增减变化情况; each 合计 adds 会议费 and 培训费 to the 三公 小计. Scored: 当年 三公 小计 (total) and its parts; 上年 三公 小计 as budget_amount.']),
]]
inds=[]; proj=None; l1=l2=None; inside=False
for x in ft(P,36):
    if x[0]=='项目名称': proj=x[3]; inside=False
    if x[0]=='年度绩效指标': inside=True; continue
    if inside and x[0]=='' and x[3] and x[4] and x[3]!='三级指标':
        if x[1]: l1=x[1]
        if x[2]: l2=x[2]
        op,val,mu=split_value(x[4])
        inds.append(dict(project=proj, level1=l1, level2=l2, name=x[3], operator=op, value=val, measure_unit=mu, page=36))
inds=inds[:10]
if 'show' in sys.argv:
    for t in tables: print(t['kind'], t['columns']); [print('   ',x) for x in t['rows']]
    for i in inds: print(i)
    sys.exit()
write(P, coverage='key_figures',
  method='Key figures: metadata; for every standard table its total rows, every 类 row and the first five other rows; ten indicators (p.36); transcribed with pymupdf find_tables as a typing aid (column meanings read from each header) and compared with the page.',
  decisions=['Tables are marked complete = false: rows not listed are not scored.', 'Amounts in 元.', 'The 财政拨款上年结转资金支出表 (p33, empty) and the 政府采购 table (p34) are not standard tables: not in the gold. 政府性基金收支表 (p31) is printed blank.',
             '指标值 such as ≥150 is split into operator and number; the unit is printed in the 三级指标 name (…（篇）), so measure_unit is empty.'],
  metadata=dict(department='西安市审计局', year=2026, kind='budget', level='department', currency_unit='元', page=1),
  tables=tables, absent_tables=['state_capital'], indicators=inds, indicators_complete=False, anomalies=[])
