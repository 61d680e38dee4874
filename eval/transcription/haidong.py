import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from lib import *
P='text/haidong-hrss-2024-budget.txt'
S=tab_rows
def fix_total(rows):
    out=[]
    for r in rows:
        if r[0] in ('合计',) and (len(r)<2 or r[1]==''):
            r=['','合计']+r[2:]
        out.append(r)
    return out
fs_rows=[]
for r in S(P,228,263):
    r=r+['']*6
    if r[0] or r[1]: fs_rows.append(['income',r[0],r[1],'','',''])
for r in S(P,228,263):
    r=r+['']*6
    if r[2] or r[3]: fs_rows.append(['expenditure',r[2],'',r[3],r[4],r[5]])
tp=S(P,355,355)[0]
tables=[
 T('income_expenditure_summary','收支总表','万元',['side','name','amount'], two_sided(S(P,134,166))),
 T('income_summary','收入总表','万元',['name','total','carryover','general_budget','government_fund','state_capital','fiscal_special','business_income','superior_subsidy','affiliated_remit','operating_income','other_income'],
   [r[:12] for r in S(P,175,179)]),
 T('expenditure_summary','支出总表','万元',['code','name','total','basic','project','operating_expense','remit_upper','subsidy_affiliated'], fix_total(S(P,186,220)),
   notes=['合计 is printed in the code column; 2080199 is printed twice (lines 194 and 198), both rows are kept as printed.']),
 T('fiscal_summary','财政拨款收支总表','万元',['side','name','amount','total','general_budget','government_fund'], fs_rows,
   notes=['Income side: 预算数 (amount). Expenditure side: 合计 (total), 一般公共预算, 政府性基金预算.']),
 T('general_budget_expenditure','一般公共预算支出表','万元',['code','name','total','basic','project'], S(P,271,303)),
 T('basic_expenditure','一般公共预算基本支出表','万元',['code','name','total','personnel','public'], S(P,311,344)),
 T('three_public','一般公共预算“三公”经费支出表','万元',['name','budget_amount','-','-','-','-','-','total','abroad','vehicle_total','vehicle_purchase','vehicle_operation','reception'],
   [['']+tp],
   notes=['One unlabelled row: 上年预算数 (six columns) then 2024 年预算数 (six columns). In this text the header cell 2024 年预算数 sits one column too far left; the second 合计 starts the 2024 block, so the last six figures are 2024.',
          '上年预算数 合计 14.00 is scored as budget_amount; the other previous-year columns have no canonical key.']),
 T('government_fund','政府性基金预算支出表','万元',['code','name','total','basic','project'], [['','合计','','','']], empty=True, notes=['(注：此表为空表)']),
 T('state_capital','国有资本经营预算支出表','万元',['code','name','total','basic','project'], [['','合计','','','']], empty=True, notes=['（注：此表为空表）']),
]
P1='63020000023T000000040-劳动维权工作经费'
P2='63020000024R000006330-编制外长期聘用人员支出'
P3='63020000024T000000453-职业技能提升培训工作经费'
P4='6302000024T000000465-信息系统运行维护费'
def I(proj,l1,l2,name,op,val,mu): return dict(project=proj,level1=l1,level2=l2,name=name,operator=op,value=val,measure_unit=mu)
inds=[
 I(P1,'成本指标','经济成本','仲裁庭规范化执法办案办公设备','≥','10','万元'),
 I(P1,'成本指标','经济成本','落实执法权全过程记录，劳动保障监察执法人均办案经费','≥','0.5','万元'),
 I(P1,'成本指标','经济成本','落实劳动人事争议调解仲裁规范化建设，人均办案经费','≥','0.5','万元'),
 I(P1,'成本指标','经济成本','全市劳动监察、仲裁业务培训','=','5','万元'),
 I(P1,'成本指标','经济成本','提升监察执法和调解仲裁质效：执法和调解仲裁制服费用人均','=','5000','元'),
 I(P1,'成本指标','经济成本','仲裁办案人员补助','≥','5000','元'),
 I(P1,'产出指标','数量指标','配备劳动保障监察制服、仲裁服，落实正规化执法、提升调解仲裁形象','定性','优','优良中低差'),
 I(P1,'产出指标','数量指标','举办全市劳动关系监察培训','≥','1','次'),
 I(P1,'产出指标','数量指标','举办全市仲裁人员业务轮训培训','≥','1','次'),
 I(P1,'产出指标','数量指标','“双随机、一公开”执法监察频率一年','≥','2','次'),
 I(P1,'产出指标','质量指标','全年农民工工资清欠率','≥','96','%'),
 I(P1,'产出指标','质量指标','农民工工资保证金收缴率、实名制管理、按月足额支付、农民工工资专用账户做到全覆盖;开展“双随机、一公开”执法，随机抽取比例不低于监管企业数','≥','4','%'),
 I(P1,'产出指标','质量指标','开展劳动保障法律法规政策宣传，提升企业和劳动者法律素养，使劳动者依法理性维权。劳动人事争议仲裁结案率','≥','96','%'),
 I(P1,'产出指标','时效指标','加大信息化和标准化根治欠薪力度,20232年10月前持续完善','定性','优','优良中低差'),
 I(P1,'满意度指标','服务对象满意度','通过强化劳动保障监察执法和调整仲裁质效,有效维护政府公信力,树立良好的社会形象.满意度调查','≥','95','%'),
 I(P2,'产出指标','数量指标','预算编制精准率','=','100','%'),
 I(P2,'效益指标','经济效益','结余率=结余数/预算数','≤','5','%'),
 I(P3,'成本指标','社会成本','对参加职业培训人员进行定量补贴','定性','优','优良中低差'),
 I(P3,'成本指标','社会成本','对参加职业培训年内评价人员进行','=','200','元'),
 I(P3,'产出指标','数量指标','宣传职业技能评价政策,年度培训目标任务 = 25000 人/次','=','25000','人/次'),
 I(P3,'产出指标','数量指标','印刷宣传资料','≥','25000','份'),
 I(P3,'产出指标','质量指标','职业技能等级评价取证率','≥','80','%'),
 I(P3,'产出指标','质量指标','职业技能培训合格证(合格率)','≥','85','%'),
 I(P3,'产出指标','时效指标','年内完成','定性','优','优良中低差'),
 I(P3,None,None,'通过培训年劳务收入达到','≥','10000','元'),
 I(P3,None,None,'通过等级评定、持证人员收入明显提高','定性','优','优良中低差'),
 I(P3,None,None,'提高培训和评价、使培训人员技能水平大幅度提高','定性','优','优良中低差'),
 I(P3,None,None,'不断提高从业人员的就业机会和收入水平','定性','优','优良中低差'),
 I(P4,'成本指标','经济成本','托管费用','=','60000','元'),
 I(P4,'成本指标','经济成本','维护费用、拖欠农民工工资监管平台服务费','=','100000','元'),
 I(P4,'成本指标','经济成本','财务专用、金保系统专网维护费','=','30000','元'),
 I(P4,'成本指标','经济成本','微信公众号服务费','=','50000','元'),
 I(P4,'产出指标','数量指标','年内浏览量','≥','10000','次'),
 I(P4,'产出指标','数量指标','托管','=','1','年'),
 I(P4,'产出指标','数量指标','维护、安全防护、年数据备份','=','12','次'),
 I(P4,'产出指标','数量指标','评估及培训费','=','12','人'),
 I(P4,'效益指标','社会效益','实现政府网站资源优化融合、平台整合安全、数据互认共享、管理统筹规范、服务便捷高效','定性','优','优良中低差'),
 I(P4,'效益指标','社会效益','推行人社服务“一网通办”事项落地见效，实现人社服务事项网上办理','定性','优','优良中低差'),
 I(P4,'满意度指标','服务对象满意度','全面提高网络服务质量，社会满意度','=','100','%'),
]
figs=[]
for a,b in ((1,123),(377,498)):
    figs += [f for f in narrative(P, b) ][len(figs):] if False else []
allf=narrative(P, 498)
# drop figures in the table lines 124-376
import sys

from figs import scan
L=lines(P)
keep=[]
for i,l in enumerate(L[:498],1):
    if 124<=i<=376: continue
    for pg,raw,k,d,b,a in scan(l):
        keep.append(dict(kind=k, raw=raw.replace(' ',''), direction=d or None, subject=b[-12:]))
def chg(line, pct, desc):
    return dict(description=f'Line {line}: {desc}', checks=['narrative_change'], values=[pct])
write(P, coverage='full',
  method='Tables typed from the tab-separated table lines of the text (cells split at tabs; line ranges and column meanings chosen by reading each header), compared row by row with the text; 类/款/项 sums re-added on the gold. Narrative figures: every money and percent figure in lines 1-123 and 377-498 listed with context; kind and direction read from the sentence; each stated change re-computed by hand to find the inconsistent ones. Indicators: four projects of the shifted 绩效目标表 (lines 504-541, 574-587), read cell by cell.',
  decisions=['Text input has no page breaks: every page is 1.',
             'Indicators are NOT complete: the 绩效目标表 (lines 499-900) is badly shifted (names, operators and values drift across columns); the rows of four projects are annotated (lines 504-541 and 574-587), with 一级/二级指标 carried down from the merged cell above (indicators_complete = false).', 'Rows that print no 三级指标 (lines 538-541: 满意度指标 | 服务对象满意度 | ≥ | 95 | %; lines 583-584: a 二级 with no name) have nothing to key on and are not annotated. Lines 534-537 print neither 一级 nor 二级 (the text lost them): their levels are null. Line 532 prints 时效指标 in the 一级 column: it is the 二级 under 产出指标. The code 6302000024T000000465 of 信息系统运行维护费 is one digit short; kept as printed.',
             'Indicator project names are the 项目名称 cell with the wrapping spaces removed, e.g. 63020000023T000000040-劳动维权工作经费. Values such as "500 0" are wrapped 5000.',
             'Line 393 (财政拨款 比上年增加 259.91 万元) and line 401 (一般公共预算当年拨款 比上年增加 514.52 万元) state different increases for the same 2791.77: last year\'s bases are not printed, so this is not annotated as an anomaly.',
             'Changes whose percentage fits the implied base (new ∓ change) within rounding are not anomalies: lines 415, 417, 423, 429, 431, 433, 437, 441, 443, 447, 451, 455, 457, 485.'],
  metadata=dict(department='海东市人力资源和社会保障局', year=2024, kind='budget', level='department', currency_unit='万元', page=1),
  tables=tables, indicators=inds, indicators_complete=False,
  figures=keep, figures_complete=True,
  anomalies=[
    dict(description='支出总表 prints 2080199 其他人力资源和社会保障管理事务支出 (207.00) twice (lines 194 and 198); 20801 = 1,410.74 is the sum with it counted once.',
         checks=['duplicate_code','hierarchy']),
    chg(409,'8.85%','行政运行 403.10 万元, 减少 32.85 万元, 下降 8.85%: the implied base 435.95 gives 7.54%.'),
    chg(411,'130.76%','综合业务管理 30.00 万元, 增加 13.00 万元, 增长 130.76%: base 17.00 gives 76.47%.'),
    chg(413,'6.95%','就业管理事务 218.17 万元, 减少 14.19 万元, 下降 6.95%: base 232.36 gives 6.11%.'),
    chg(419,'25%','公共就业服务和职业技能鉴定机构 5.00 万元, 下降 1.00 万元, 下降 25%: base 6.00 gives 16.67%.'),
    chg(427,'31.84%','其他人力资源和社会保障管理事务支出 207.00 万元, 增加 157 万元, 增长 31.84%: base 50.00 gives 314%.'),
    chg(435,'16.06%','就业创业服务补贴 72.27 万元, 增加 62.27 万元, 增长 16.06%: base 10.00 gives 622.7%.'),
    chg(445,'192.25%','其他社会保障和就业支出 33.17 万元, 增加 31.53 万元, 增长 192.25%: base 1.64 gives 1922.56%.'),
    chg(449,'1.74%','事业单位医疗 33.86 万元, 减少 0.59 万元, 下降 1.74%: base 34.45 gives 1.71% (1.74% is 0.59 over the new figure).'),
  ])
