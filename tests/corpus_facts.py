"""What the corpus documents say, read from the documents themselves (pymupdf's plain
``get_text()`` of the page, or the .txt line), never from this project's output.

Each cell fact is (table kind, row key, column key, the figure as printed, page).
The row key is a function/economic code, or the row label when the row has no code.
Pages are 1-based; for the texts (no page breaks) the page is 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REQUIRED = {
    "income_expenditure_summary", "income_summary", "expenditure_summary", "fiscal_summary",
    "general_budget_expenditure", "basic_expenditure", "three_public", "government_fund",
    "state_capital",
}


@dataclass
class Doc:
    department: str
    year: int
    kind: str  # budget | final_account
    tables: set[str]  # standard tables the document contains (checked by reading it)
    cells: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    level: str = "department"
    unit: str = "万元"


DOCS: dict[str, Doc] = {
    "pdf/shanghai-putuo-finance-2024-final-account.pdf": Doc(
        "上海市普陀区财政局", 2024, "final_account", REQUIRED,
        cells=[
            ("income_expenditure_summary", "一、一般公共预算财政拨款收入", "amount", "2,940.05", 6),
            ("income_expenditure_summary", "本年收入合计", "amount", "2,946.25", 6),
            ("income_expenditure_summary", "年末结转和结余", "amount", "55.34", 7),
            ("income_summary", "2010601", "total", "1,511.90", 8),
            ("income_summary", "2010601", "other_income", "0.01", 8),
            ("expenditure_summary", "合计", "basic", "2,336.91", 10),
            ("expenditure_summary", "2010601", "project", "8.37", 10),
            ("expenditure_summary", "2080505", "total", "160.75", 10),
            ("fiscal_summary", "年初财政拨款结转和结余", "amount", "21.63", 13),
            ("fiscal_summary", "总计", "amount", "2,961.68", 13),
            ("income_expenditure_summary", "总计", "amount", "2,995.39", 7),
            ("basic_expenditure", "30101", "total", "262.33", 16),
        ],
    ),
    "pdf/shanghai-final-account-template.pdf": Doc(
        "上海市XX局", 2024, "final_account", REQUIRED,
    ),
    "pdf/shenzhen-petitions-2026-budget.pdf": Doc(
        "深圳市信访局", 2026, "budget", REQUIRED | {"project_expenditure"},
        cells=[
            ("income_expenditure_summary", "一、财政拨款", "amount", "4,676.96", 15),
            ("general_budget_expenditure", "2014001", "total", "1,866.84", 26),
            ("general_budget_expenditure", "2101101", "basic", "84.39", 27),
            ("basic_expenditure", "30102", "total", "1,182.05", 28),
            ("basic_expenditure", "30207", "project", "0.40", 29),
            ("project_expenditure", "社工服务项目", "total", "498.82", 23),
        ],
    ),
    "pdf/guangzhou-petitions-2026-budget.pdf": Doc(
        "广州市信访局", 2026, "budget", REQUIRED | {"project_expenditure"},
        cells=[
            ("income_summary", "合计", "total", "3,944.08", 7),
            ("expenditure_summary", "2014001", "total", "1,859.41", 8),
            ("expenditure_summary", "20140", "project", "739.30", 8),
            ("general_budget_expenditure", "2014001", "project", "28.00", 11),
        ],
    ),
    "pdf/beijing-audit-2026-budget-tables.pdf": Doc(
        "北京市审计局", 2026, "budget", REQUIRED | {"performance_targets"},
        cells=[
            ("income_expenditure_summary", "一、一般公共预算拨款收入", "amount", "32,365.090089", 1),
            ("income_expenditure_summary", "一、一般公共服务支出", "amount", "26,661.064552", 1),
        ],
    ),
    "pdf/yantai-civil-affairs-2026-budget.pdf": Doc(
        "烟台市民政局", 2026, "budget", REQUIRED | {"project_expenditure", "performance_targets"},
        cells=[
            ("income_summary", "合计", "total", "5,609.33", 8),
            ("income_summary", "合计", "government_fund", "1,501.28", 8),
            ("expenditure_summary", "合计", "project", "2,385.28", 11),
            ("general_budget_expenditure", "合计", "personnel", "2,769.72", 15),
        ],
    ),
    "pdf/hangzhou-justice-2026-budget.pdf": Doc(
        "杭州市司法局", 2026, "budget",
        REQUIRED | {"project_expenditure", "performance_targets"},
        cells=[
            ("income_summary", "合计", "total", "99,230.46", 25),
            ("expenditure_summary", "合计", "project", "28,506.17", 26),
            ("expenditure_summary", "合计", "public", "12,237.94", 26),
        ],
    ),
    "pdf/shanghai-marine-monitoring-2026-unit-budget.pdf": Doc(
        "上海市海洋监测预报中心", 2026, "budget", REQUIRED, level="unit", unit="元",
        cells=[
            ("expenditure_summary", "合计", "total", "180,366,183", 11),
            ("fiscal_summary", "一、一般公共预算", "amount", "178,830,483", 12),
            ("basic_expenditure", "合计", "personnel", "17,478,393", 18),
        ],
    ),
    "pdf/fuzhou-police-patrol-2026-unit-budget.pdf": Doc(
        "福州市公安局巡特警支队", 2026, "budget", REQUIRED | {"performance_targets"},
        level="unit",
        cells=[
            ("expenditure_summary", "20402", "total", "7,927.40", 10),
            ("expenditure_summary", "2040201", "basic", "6,556.70", 10),
            ("general_budget_expenditure", "2040299", "project", "1,051.46", 12),
            ("basic_expenditure", "30101", "total", "1461.43", 16),
        ],
    ),
    "pdf/southwest-university-2024-budget.pdf": Doc(
        "西南大学", 2024, "budget",
        {"income_expenditure_summary", "income_summary", "expenditure_summary",
         "general_budget_expenditure", "performance_targets"},
        cells=[
            ("expenditure_summary", "2050205", "total", "410,576.01", 10),
            ("general_budget_expenditure", "2050205", "project", "33,354.02", 11),
        ],
    ),
    "pdf/jiangsu-npc-office-2019-budget-tables.pdf": Doc(
        "江苏省人大常委会办公厅", 2019, "budget",
        REQUIRED - {"state_capital"},
        cells=[
            ("income_expenditure_summary", "一、财政拨款", "amount", "18,330.37", 1),
            ("general_budget_expenditure", "201", "total", "13,907.78", 5),
        ],
    ),
    "pdf/foshan-rail-transit-2019-final-account.pdf": Doc(
        "佛山市轨道交通局", 2019, "final_account", REQUIRED - {"state_capital"},
        cells=[
            ("income_summary", "2140101", "total", "609.30", 8),
            ("income_summary", "2210201", "fiscal", "60.87", 9),
            ("expenditure_summary", "合计", "basic", "746.39", 10),
            ("general_budget_expenditure", "2140101", "basic", "609.29", 15),
        ],
    ),
    "pdf/xian-audit-2026-budget.pdf": Doc(
        "西安市审计局", 2026, "budget", REQUIRED - {"state_capital"} | {"performance_targets"},
        unit="元",
        cells=[
            ("general_budget_expenditure", "2010801", "total", "23,382,409.50", 26),
            ("general_budget_expenditure", "合计", "project", "6,508,680.00", 26),
            ("income_summary", "合计", "total", "42,034,723.58", 23),
        ],
    ),
    "text/shaoxing-shangyu-hrss-2024-budget.txt": Doc(
        "绍兴市上虞区人力资源和社会保障局", 2024, "budget",
        REQUIRED | {"project_expenditure", "performance_targets"},
        cells=[
            ("general_budget_expenditure", "合计", "basic", "4092.08", 1),
            ("general_budget_expenditure", "2080101", "personnel", "713.69", 1),
            ("general_budget_expenditure", "2101101", "total", "77.64", 1),
            ("basic_expenditure", "30101", "personnel", "484.65", 1),
            ("three_public", "合计", "reception", "6.00", 1),
            ("expenditure_summary", "2080101", "personnel", "713.69", 1),
            ("expenditure_summary", "2080101", "public", "68.61", 1),
            ("income_summary", "合计", "total", "42583.08", 1),
            ("project_expenditure", "合计", "total", "38491.00", 1),
        ],
    ),
    "text/jiaxing-hrss-2024-budget.txt": Doc(
        "嘉兴市人力资源和社会保障局", 2024, "budget", REQUIRED | {"project_expenditure"},
        cells=[
            ("general_budget_expenditure", "合计", "project", "11898.88", 1),
            ("general_budget_expenditure", "2080101", "public", "643.97", 1),
            ("basic_expenditure", "合计", "public", "681.78", 1),
            ("government_fund", "合计", "project", "800.00", 1),
        ],
    ),
    "text/haidong-hrss-2024-budget.txt": Doc(
        "海东市人力资源和社会保障局", 2024, "budget", REQUIRED | {"performance_targets"},
        cells=[
            ("expenditure_summary", "20801", "total", "1,410.74", 1),
            ("general_budget_expenditure", "2080101", "project", "126.44", 1),
            ("basic_expenditure", "合计", "personnel", "1,401.44", 1),
        ],
    ),
    "text/hangzhou-xihu-hrss-2024-budget.txt": Doc(
        "西湖区人力资源和社会保障局", 2024, "budget", set(),
    ),
}
