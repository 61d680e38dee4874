import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
from figs import scan
P='text/shaoxing-shangyu-hrss-2024-budget.txt'
S=tab_rows
SPEND=['code','name','total','personnel','public','project','operating_expense','remit_upper','subsidy_affiliated']
tables=[
 T('income_expenditure_summary','2024 年部门收支预算总表','万元',['side','name','amount'], two_sided(S(P,271,301))),
 T('income_summary','2024 年部门收入预算总表','万元',
   ['name','total','-','general_budget','government_fund','state_capital','fiscal_special','business_income','operating_income','superior_subsidy','affiliated_remit','other_income','carryover','-','-','-','-','-'],
   S(P,315,326), notes=['本年收入 小计 (column 2) is not scored: it has no canonical key distinct from total here; the 上年结转结余 block (columns 12-17) is blank.',
   'The first row after 合计 is the department (42583.08), the second the bureau itself (2221.02): both are printed with the same name.']),
 T('expenditure_summary','2024 年部门支出预算总表','万元',SPEND, S(P,337,366),
   notes=['基本支出 is printed as 人员支出 and 公用经费 only (no 小计 column).']),
 T('fiscal_summary','2024 年部门财政拨款收支预算总表','万元',['side','name','amount'], two_sided(S(P,376,409))),
 T('general_budget_expenditure','2024 年部门一般公共预算支出表','万元',['code','name','total','basic','personnel','public','project'], S(P,421,452)),
 T('basic_expenditure','2024 年部门一般公共预算基本支出表','万元',['code','name','total','personnel','public'], S(P,463,487)),
 T('three_public','2024 年部门一般公共预算“三公”经费支出表','万元',['name','total','abroad','vehicle_total','vehicle_purchase','vehicle_operation','reception'], S(P,498,503)),
 T('government_fund','2024 年部门政府性基金预算支出表','万元',['code','name','total','basic','project'], S(P,516,516), empty=True,
   notes=['Printed empty: 本表无数据.']),
 T('state_capital','2024 年部门国有资本经营预算支出表','万元',['code','name','project'], S(P,528,528), empty=True,
   notes=['Printed empty: 本表无数据.']),
 T('project_expenditure','2024 年部门项目支出预算表','万元',['-','name','total','general_budget','government_fund','state_capital','fiscal_special','unit_funds'], S(P,540,550),
   notes=['Printed twice under the same title: part 1 by unit-level project, part 2 by project.']),
 T('project_expenditure','2024 年部门项目支出预算表','万元',['-','name','total','general_budget','government_fund','state_capital','fiscal_special','unit_funds'], S(P,560,584), part=2),
 T('performance_targets','2024 年部门项目支出绩效表','万元',['-','name','total','-'], S(P,596,607),
   notes=['绩效目标 is a text column, not scored; the table has no indicator rows.']),
]
projects=[dict(name=r[1], amount=r[2], unit_name=r[0]) for r in S(P,541,550)+S(P,561,584)+S(P,597,607)]
L=lines(P)
figures=[]
for i,l in enumerate(L[:262],1):
    for pg,raw,k,d,b,a in scan(l):
        figures.append(dict(kind=k, raw=raw.replace(' ',''), direction=d or None, subject=b[-12:]))
write(P, coverage='full',
  method='Tables typed from the tab-separated table lines of the text (cells split at tabs; the line range and the meaning of every column chosen by reading each table header), then compared row by row with the text; 类/款/项 sums re-added on the gold. Narrative figures: every money and percent figure in lines 1-262 (the chapters before the tables) listed with its context; kind and direction read from the sentence. Projects as listed in both 项目支出预算表 parts and in the 项目支出绩效表 (a project listed in two tables is listed twice: once per table).',
  decisions=['Text input has no page breaks: every page is 1.',
             'Thresholds such as 单位价值 50 万元以上 are narrative figures (kind amount): they are money figures stated in prose.',
             'General budget table 合计: 基本支出 4092.08 is printed while 人员经费 3771.58 + 公用经费 320.51 = 4092.09; the printed figures are kept (a rounding difference in the document, not an anomaly).',
             '下降 19.2% after 减少 10113.80 万元 is a change_percent; the line-91 repeat of that sentence is counted again (it is printed again).'],
  metadata=dict(department='绍兴市上虞区人力资源和社会保障局', year=2024, kind='budget', level='department', currency_unit='万元', page=1),
  tables=tables, projects=projects, projects_complete=True,
  figures=figures, figures_complete=True,
  anomalies=[dict(description='Line 123: 行政单位医疗（项）is stated as 211.30 万元, which is the 款 行政事业单位医疗 total; the table gives 2101101 行政单位医疗 = 77.64.',
                  checks=['narrative_amount'], values=['211.30'])])
