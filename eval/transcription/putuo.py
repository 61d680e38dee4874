import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='pdf/shanghai-putuo-finance-2024-final-account.pdf'
ies = two_sided(nonblank(ft(P,6,skip=2)+ft(P,7)))
inc = code3(ft(P,8,skip=3)+ft(P,9))
exp = code3(ft(P,10,skip=3)+ft(P,11))
fs_raw = nonblank(ft(P,12,skip=2)+ft(P,13))
fs=[['income',r[0],r[1],'','','',''] for r in fs_raw if r[0] or r[1]] + \
   [['expenditure',r[2],'',r[3],r[4],r[5],r[6]] for r in fs_raw if r[2] or r[3]]
gb = code3(ft(P,15,skip=4))
gb = [(['','合计']+r[2:]) if r[0]=='合计' else r for r in gb]
be_raw = nonblank(ft(P,16,skip=3)+ft(P,17))
left=[[r[0]+r[1], r[2], r[3]] for r in be_raw if r[0] or r[2]]
right=[[r[4]+r[5], r[6], r[7]] for r in be_raw if r[4] or r[6]]
left=[r for r in left if r[0]!='人员经费合计']; right=[r for r in right if r[0]!='公用经费合计']
# the totals line: 人员经费合计 | | | 2,152.26 | 公用经费合计 | | | 184.65
last=be_raw[-1]
totals=[['','人员经费合计',last[3]],['','公用经费合计',last[7]]]
be=left+right+totals
tp=ft(P,18)[-1]
tables=[
 T('income_expenditure_summary','收入支出决算总表','万元',['side','name','amount'], ies, pages=[6,7]),
 T('income_summary','收入决算表','万元',['code','name','total','fiscal','superior_subsidy','business_income','operating_income','affiliated_remit','other_income'], inc, pages=[8,9],
   notes=['Rows are by function code (决算 layout); 类|款|项 columns joined into one code; the 合计 line shares the 类/款/项 header row.']),
 T('expenditure_summary','支出决算表','万元',['code','name','total','basic','project','remit_upper','operating_expense','subsidy_affiliated'], exp, pages=[10,11]),
 T('fiscal_summary','财政拨款收入支出决算总表','万元',['side','name','amount','total','general_budget','government_fund','state_capital'], fs, pages=[12,13],
   notes=['Income side 决算数 = amount; expenditure side 合计 = total, then the three fund columns.']),
 T('general_budget_expenditure','一般公共预算财政拨款支出决算表','万元',['code','name','total','basic','project'], gb, pages=[15]),
 T('basic_expenditure','一般公共预算财政拨款基本支出决算表','万元',['code','name','total'], be, pages=[16,17],
   notes=['Printed as two halves side by side (人员经费 codes 301/303 left, 公用经费 codes 302/310 right); one row per code, left half first.',
          'The last line holds two totals: 人员经费合计 2,152.26 and 公用经费合计 184.65; each is a row named after its label.']),
 T('three_public','财政拨款“三公”经费支出决算表','万元',['name','budget_amount','total','-','abroad','-','vehicle_total','-','vehicle_purchase','-','vehicle_operation','-','reception'], [['']+tp], pages=[18],
   notes=['One unlabelled row of 预算数/决算数 pairs: 合计 预算数 0.95 (budget_amount), 决算数 blank; 公务接待费 预算数 0.95, 决算数 blank. Only 合计 预算数 has a canonical key among the 预算数 columns.']),
 T('government_fund','政府性基金预算财政拨款收入支出决算表','万元',['code','name','carryover','-','total','basic','project','-'], [['','合计','','','','','','']], pages=[19], empty=True,
   notes=['Printed with blank rows and an empty 合计 line.']),
 T('state_capital','国有资本经营预算财政拨款收入支出决算表','万元',['code','name','carryover','-','total','basic','project','-'], [['','合计','','','','','','']], pages=[20], empty=True),
]

figs_pages={}
import pymupdf
doc=pymupdf.open(C/P)
from figs import scan
figs=[]
for pno in range(21, len(doc)+1):
    text=''.join(l.strip() for l in doc[pno-1].get_text().split('\n'))
    for pg,raw,k,d,b,a in scan(text, pno):
        figs.append(dict(kind=k, raw=raw.replace(' ',''), direction=d or None, page=pno, subject=b[-12:]))

write(P, coverage='full',
  method='Tables transcribed page by page with pymupdf find_tables (a library table finder, not this project\'s layout code) as a typing aid; the column meaning of every table chosen by reading its header; every row compared with the page; 类/款/项 sums re-added on the gold. Narrative figures: every money and percent figure on pages 21-24 (the 情况说明), listed with context; kind and direction read from the sentence; each share and change re-computed by hand.',
  decisions=['The 总表 (p6, p12) state 社会保障和就业支出 326.71 while the detail tables (pp.8, 10, 15) state 208 = 326.72: a rounding-sized difference between tables, kept as printed and not annotated as an anomaly.',
             '完成年初预算的 98.20% and 完成预算的 0% are kind share (a ratio stated in prose).',
             'The 三公 table has no row label: its one row is keyed by the empty label.'],
  metadata=dict(department='上海市普陀区财政局', year=2024, kind='final_account', level='department', currency_unit='万元', page=1),
  tables=tables, figures=figs, figures_complete=True,
  anomalies=[dict(description='p21: 2024年度财政拨款收入支出总计 stated as 0.3万元; the 财政拨款收入支出决算总表 (p13) says 总计 2,961.68.', checks=['narrative_total'], pages=[21], values=['0.3万元']),
             dict(description='p21: 一般公共服务支出（类）2106.66万元, 占 71.73%: 2106.66 / 2940.05 = 71.65%; the other three shares of the sentence fit 2940.05.', checks=['narrative_share'], pages=[21], values=['71.73%'])])
