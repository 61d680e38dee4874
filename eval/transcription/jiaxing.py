import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='text/jiaxing-hrss-2024-budget.txt'
S=tab_rows
SPEND=['code','name','total','personnel','public','project','operating_expense','remit_upper','subsidy_affiliated']
PROJ=['-','name','total','general_budget','government_fund','state_capital','fiscal_special','unit_funds']
tables=[
 T('income_expenditure_summary','2024年市级部门收支预算总表','万元',['side','name','amount'], two_sided(S(P,324,360))),
 T('income_summary','2024年市级部门收入预算总表','万元',
   ['name','total','-','general_budget','government_fund','state_capital','fiscal_special','business_income','operating_income','superior_subsidy','affiliated_remit','other_income','carryover','-','-','-','-','-'],
   S(P,369,373), notes=['本年收入 小计 (column 2) and the parts of 上年结转结余 (columns 13-17) are not scored; 上年结转结余 (column 12) is scored as carryover.']),
 T('expenditure_summary','2024年市级部门支出预算总表','万元',SPEND, S(P,382,402)+S(P,411,423),
   notes=['Printed as two tables under one title (the second repeats the header): one table.']),
 T('fiscal_summary','2024年市级部门财政拨款收支预算总表','万元',['side','name','amount'], two_sided(S(P,431,464)),
   notes=['The income side stops after 国有资本经营预算 and the total lines are not printed in this text.']),
 T('general_budget_expenditure','2024年市级部门一般公共预算支出表','万元',['code','name','total','basic','personnel','public','project'], S(P,473,503)),
 T('basic_expenditure','2024年市级部门一般公共预算基本支出表','万元',['code','name','total','personnel','public'], S(P,512,530)+S(P,539,557),
   notes=['Printed as two tables under one title: one table.']),
 T('three_public','2024年市级部门一般公共预算“三公”经费支出表','万元',['name','total','abroad','vehicle_total','vehicle_purchase','vehicle_operation','reception'], S(P,566,569)),
 T('government_fund','2024年市级部门政府性基金预算支出表','万元',['code','name','total','basic','project'], S(P,580,583)),
 T('state_capital','2024年市级部门国有资本经营预算支出表','万元',['code','name','project'], S(P,591,591), empty=True, notes=['Printed empty: 本表无数据.']),
 T('project_expenditure','2024年市级部门项目支出预算表','万元',PROJ, S(P,601,613)+S(P,621,627),
   notes=['Printed as two tables under one title: one table.']),
]
projects=[dict(name=r[1], amount=r[2], unit_name=r[0]) for r in S(P,602,613)+S(P,621,627)]
inds=[]
for r in S(P,633,798):
    inds.append(dict(project=r[2], level1=r[3] or None, level2=r[4] or None, name=r[5], operator=r[6] or None,
                     value=r[7] or None, measure_unit=(r[8] if len(r)>8 and r[8] else None)))
figs=narrative(P, 311, overrides={(128,'336.00万元'):('change_amount','increase')})
i=[k for k,f in enumerate(figs) if f['raw']=='278.51万元'][0]
figs.insert(i+1, dict(kind='amount', raw='139.25万元', subject='职业年金缴费支出（项）'))  # wrapped over lines 158-160
seen=[]
for r in S(P,633,798):
    if r[2] not in seen: seen.append(r[2])
projects += [dict(name=n, unit_name=None) for n in seen]
write(P, coverage='full',
  method='Tables typed from the tab-separated table lines of the text (cells split at tabs; the line range and the meaning of every column chosen by reading each table header), then compared row by row with the text; 类/款/项 sums re-added on the gold. Indicators: every row of 2024年市本级部门预算财政拨款项目支出预算表 (lines 633-798), one field per printed column. Narrative figures: every money and percent figure in lines 1-311 listed with its context; kind and direction read from the sentence.',
  decisions=['Text input has no page breaks: every page is 1.',
             'The indicator table is titled 财政拨款项目支出预算表 but holds indicator rows only: its rows are gold indicators, not project-table cells. The indicator project is the 二级项目名称.',
             '2024年市级民生项目预算公开表 (lines 800-813) is a blank template (指标1 / 指标值1): not indicators.',
             '139.25万元 (line 158) is wrapped over two lines (万 / 元): one figure.',
             'Projects: every row of the project table, plus each distinct 二级项目 of the indicator table (no amount printed there).',
             'Thresholds such as 单位价值 50 万元以上 are narrative figures (kind amount).',
             '"比2023年执行数多336.00万元" is a change_amount (increase); "涉及变化2200.94万元" states no direction and is an amount.'],
  metadata=dict(department='嘉兴市人力资源和社会保障局', year=2024, kind='budget', level='department', currency_unit='万元', page=1),
  tables=tables, projects=projects, projects_complete=True,
  indicators=inds, indicators_complete=True,
  figures=figs, figures_complete=True,
  anomalies=[dict(description='Line 104: 收入预算 17509.54 万元, 比上年执行数减少 810.40 万元, 减少 4.9%: on the implied base 18319.94 the decrease is 4.4%.',
                  checks=['narrative_change'], values=['4.9%']),
             dict(description='Line 110: 支出预算 17509.54 万元, 减少 669.71 万元, 下降 4.0%: on the implied base 18179.25 it is 3.7%.',
                  checks=['narrative_change'], values=['4.0%'])])
