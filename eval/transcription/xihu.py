import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
from figs import scan
P='text/hangzhou-xihu-hrss-2024-budget.txt'
text=''.join(l.strip() for l in lines(P))
figs=[dict(kind=k, raw=raw.replace(' ',''), direction=d or None, subject=b[-12:]) for pg,raw,k,d,b,a in scan(text)]
REQ=['income_expenditure_summary','income_summary','expenditure_summary','fiscal_summary','general_budget_expenditure','basic_expenditure','three_public','government_fund','state_capital']
write(P, coverage='full',
  method='The text is hard-wrapped prose only (the tables were images and are absent). Lines joined; every money and percent figure listed with its context; kind and direction read from the sentence.',
  decisions=['Text input has no page breaks: every page is 1.', 'The department is printed as 西湖区人力资源和社会保障局 (the text never names 杭州市); the gold keeps it as printed.',
             'The standard tables are absent from this text (images in the original): no table gold; absent_tables lists them.',
             'Zero figures (0 万元, 占 0%) are printed figures and are listed.',
             'Thresholds such as 单位价值 50 万元以上 are narrative figures (kind amount).'],
  metadata=dict(department='西湖区人力资源和社会保障局', year=2024, kind='budget', level='department', currency_unit='万元', page=1),
  absent_tables=REQ, figures=figs, figures_complete=True, anomalies=[])
