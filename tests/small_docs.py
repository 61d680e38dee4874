"""A small, hand-written budget text the model-path tests share: a narrative paragraph and
one consistent function table."""

SMALL_BUDGET = """某某市测试局
2024年部门预算

一、部门预算收支情况
2024年收入预算30.00万元，比上年减少5.00万元，下降14.29%。

一般公共预算支出表
单位：万元
科目编码\t科目名称\t合计\t基本支出\t项目支出
\t合计\t30.00\t20.00\t10.00
201\t一般公共服务支出\t30.00\t20.00\t10.00
20101\t人大事务\t30.00\t20.00\t10.00
2010101\t行政运行\t20.00\t20.00\t
2010199\t其他人大事务支出\t10.00\t\t10.00
"""
