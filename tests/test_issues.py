"""One fixture test per real-world layout issue (as pdfplumber's test_issues.py): each names
the quirk, builds or reads the smallest input that shows it, and asserts what the page says.
The extraction rules stay generic; these tests say which rule a failure points at."""

from __future__ import annotations

from pipeline.ingest.model import Page, SourceDocument, Word
from pipeline.verify.coverage import printed_codes
from pipeline.verify.grounding import numbers_in, page_texts_of


def _pdf(words: list[Word]) -> SourceDocument:
    return SourceDocument(path="x.pdf", format="pdf", sha256="0", pages=[Page(1, 600, 800, words)])


def test_superscript_digits_do_not_crash_grounding():
    """str.isdigit() accepts '²' where the number pattern does not: a word starting with a
    superscript below a number ending a line crashed page_texts_of (3 real PDFs)."""
    words = [Word(100, 100, 130, 110, "1,234."), Word(100, 112, 120, 122, "²面积"),
             Word(100, 124, 130, 134, "56")]
    text = page_texts_of(_pdf(words))[1]
    assert "1,234." in text and "²面积" in text


def test_a_number_wrapped_inside_a_narrow_cell_is_grounded_joined():
    words = [Word(100, 100, 130, 110, "1,234."), Word(100, 112, 115, 122, "56")]
    assert numbers_in(page_texts_of(_pdf(words))[1]) >= {numbers_in("1,234.56").pop()}


def test_printed_function_codes_before_a_name():
    """Codes followed by their name count as printed rows; amounts and codes in prose do not."""
    text = ("2010101\n行政运行\n12,345.00\n20805 行政事业单位养老支出 705.90\n"
            "201 | 06 | 01 | 行政运行\n（项）2080505 \n21345 21345.00\n")
    assert printed_codes({3: text}) == {"2010101": 3, "20805": 3, "2010601": 3}


def test_codes_printed_outside_standard_tables_raise_a_warning(cli_output):
    """The template's 收入决算表 (p.6) prints 20502/2050205/20799 as an illustration without
    figures; no standard table holds them, and the document says so with a warning."""
    d = cli_output("pdf/shanghai-final-account-template.pdf")
    flag = next(f for f in d["flags"] if f["check"] == "codes_outside")
    assert flag["severity"] == "warning" and "20502" in flag["message"]
    assert {loc["page"] for loc in flag["locations"]} == {6}
    assert d["table_report"]["codes_printed"] == 3


def test_every_printed_code_of_a_clean_document_is_in_a_standard_table(cli_output):
    d = cli_output("text/jiaxing-hrss-2024-budget.txt")
    r = d["table_report"]
    assert r["codes_printed"] >= 20 and r["codes_in_standard_tables"] == r["codes_printed"]
    assert not [f for f in d["flags"] if f["check"] == "codes_outside"]
