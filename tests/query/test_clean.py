"""The paste cleaner: every repair is reported at the ORIGINAL line and column."""

from __future__ import annotations

import pytest

from trawl.query import analyse, parse_strategy
from trawl.query.clean import clean
from trawl.query.diagnostics import Severity

# An Ovid search history as people paste it from a web page or a PDF.
MESSY = (
    "Database: Ovid MEDLINE(R) ALL <1946 to January 04, 2021>\n"          # 1 banner
    "Search Strategy:\n"                                                  # 2 banner
    "------------------------------------------------------------\n"      # 3 rule
    "#\tSearches\tResults\n"                                              # 4 header
    "1\texp Peer Group/\t12,345\n"                                        # 5 count
    "2\n"                                                                 # 6 number alone
    "(peer adj (provid* or support*)).ti,ab.\t(678)\n"                    # 7
    "3     \u201csupport worker\u201d.ti,ab. 90\n"                        # 8 smart quotes
    "4\t(co\ufb01nancing or co\u2010production or lived\u00a0experience).ti,ab,kf.    1,234\n"  # 9
    "5     or/1\u20134     99,999\n"                                      # 10 en dash
    "6     (mental adj health adj (service* or care or\n"                 # 11 wrapped
    "      support*)).ti,ab.     4,567\n"                                 # 12
    "7     5 and 6\u2028"                                                 # 13 U+2028
    "Page 2 of 3\n"                                                       # 13 (after U+2028)
    "8     limit 7 to english language\n"                                 # 14
)

EXPECTED = """1. exp Peer Group/
2. (peer adj (provid* or support*)).ti,ab.
3. "support worker".ti,ab.
4. (cofinancing or co-production or lived experience).ti,ab,kf.
5. or/1-4
6. (mental adj health adj (service* or care or support*)).ti,ab.
7. 5 and 6
8. limit 7 to english language"""


def test_a_messy_paste_cleans_to_the_strategy():
    result = analyse(MESSY)
    assert result.errors == []
    assert result.cleaned == EXPECTED
    assert result.strategy == parse_strategy(EXPECTED)


@pytest.mark.parametrize("code, line, column", [
    ("CLEAN011", 1, 1), ("CLEAN011", 2, 1), ("CLEAN011", 3, 1), ("CLEAN011", 4, 1),
    ("CLEAN010", 5, 19),           # 12,345
    ("CLEAN009", 6, 1),            # "2" alone
    ("CLEAN010", 7, 41),           # (678)
    ("CLEAN002", 8, 7), ("CLEAN002", 8, 22),
    ("CLEAN010", 8, 31),           # 90 after a field suffix
    ("CLEAN005", 9, 6),            # ﬁ
    ("CLEAN003", 9, 20),           # U+2010
    ("CLEAN004", 9, 40),           # NBSP
    ("CLEAN010", 9, 66),
    ("CLEAN003", 10, 11),          # or/1–4
    ("CLEAN010", 10, 18),
    ("CLEAN008", 12, 7),           # continuation
    ("CLEAN010", 12, 29),
    ("CLEAN007", 13, 14),          # U+2028
    ("CLEAN012", 13, 15),          # page footer after the separator
])
def test_each_repair_points_at_the_original(code, line, column):
    found = [(d.code, d.line, d.column) for d in analyse(MESSY).diagnostics]
    assert (code, line, column) in found


def test_repairs_are_informational_and_strict_makes_them_errors():
    normal = analyse(MESSY)
    assert all(d.severity == Severity.INFO for d in normal.diagnostics if d.code.startswith("CLEAN"))
    strict = analyse(MESSY, strict=True)
    assert strict.strategy is None
    assert {d.code for d in strict.errors} >= {"CLEAN002", "CLEAN010"}


def test_spans_after_repairs_still_point_at_the_original():
    strategy = analyse(MESSY).strategy
    fielded = strategy.statements[2].expr  # "support worker".ti,ab. on line 8
    assert (fielded.span.line, fielded.span.column) == (8, 7)


def test_lost_truncation_symbol_at_a_word_end_becomes_star():
    result = analyse("1. prosum\ufffd.ti,ab.\n")
    [repair] = [d for d in result.diagnostics if d.code == "CLEAN001"]
    assert (repair.line, repair.column) == (1, 10)
    assert result.strategy.statements[0].expr.child.text == "prosum*"


def test_lost_character_inside_a_word_is_an_error_not_a_guess():
    result = analyse("wom\ufffdn.ti,ab.\n")
    [err] = result.errors
    assert (err.code, err.line, err.column) == ("OVID012", 1, 4)


def test_a_trailing_number_after_an_operator_is_never_a_hit_count():
    strategy = parse_strategy("1. a.ti.\n2. b.ti.\n3. 1 and  2\n")
    assert strategy.statements[2].expr.children[1].number == 2


def test_statement_numbers_with_and_without_period_and_leading_spaces():
    text = "  1.  a.ti.\n  2   b.ti.\n  3)  1 or 2\n"
    result = analyse(text)
    assert result.errors == []
    assert [s.number for s in result.strategy.statements] == [1, 2, 3]


def test_unnumbered_wrapped_statement_is_joined():
    text = "exp Peer Group/\n(peer adj (support or\nwork*)).ti,ab.\n1 or 2\n"
    result = analyse(text)
    assert result.errors == []
    assert len(result.strategy.statements) == 3
    [join] = [d for d in result.diagnostics if d.code == "CLEAN020"]  # a warning: it renumbers
    assert (join.line, join.severity) == (3, Severity.WARNING)


def test_field_key_after_a_strategy_is_dropped():
    text = "1  a.mp.\n2  b.fs.\n3  1 or 2\nkey: mp = title, abstract,\noriginal title; fs = floating subheading.\n"
    result = analyse(text)
    assert result.errors == []
    assert [d.line for d in result.diagnostics if d.code == "CLEAN014"] == [4, 5]


def test_zero_width_and_bom_are_removed():
    result = analyse("\ufeff1. peer\u200b support.ti,ab.\n")
    assert result.errors == []
    assert [d.code for d in result.diagnostics if d.code.startswith("CLEAN")] == ["CLEAN006", "CLEAN006"]


def test_cochrane_library_syntax_is_recognised_as_not_ovid():
    result = analyse("#1 MeSH descriptor Neoplasms explode all trees\n#2 cancer*\n#3 (#1 OR #2)\n")
    assert [d.code for d in result.errors] == ["OVID016"]


def test_empty_input():
    assert [d.code for d in analyse("\n\n  \n").errors] == ["OVID017"]


def test_cleaned_text_keeps_every_statement():
    cleaned = clean("1. a.ti.\n\n2. b.ti.\n")
    assert cleaned.numbered and [s.text for s in cleaned.statements] == ["a.ti.", "b.ti."]


def test_ovid_search_history_table_copied_from_the_browser():
    text = ("#\tSearches\tResults\tType\tActions\tAnnotations\n"
            "1\texp Peer Group/\t12436\tAdvanced\tDisplay Results\tMore\t\n"
            "2\t(peer adj support*).ti,ab.\t1,234\tAdvanced\tDisplay Results\tMore\t\n"
            "3\t1 or 2\t13,000\tAdvanced\tDisplay Results\tMore\n")
    result = analyse(text)
    assert result.errors == []
    assert result.cleaned == "1. exp Peer Group/\n2. (peer adj support*).ti,ab.\n3. 1 or 2"
    assert [(d.line, d.column) for d in result.diagnostics if d.code == "CLEAN010"] == [
        (2, 19), (3, 30), (4, 10)]


def test_ovid_exported_search_history():
    text = ("Database: Embase <1974 to 2021 January 04>\nSearch Strategy:\n"
            "--------------------------------------------------------------------------------\n"
            "1     exp peer group/ (5321)\n"
            "2     (peer adj support*).ti,ab. (2210)\n"
            "3     1 or 2 (7001)\n"
            "\n***************************\n")
    result = analyse(text, database="ovid-embase")
    assert result.errors == []
    assert result.strategy.statements[0].expr.vocabulary == "emtree"
    assert result.strategy.statements[2].expr.children[1].number == 2
    assert sum(d.code == "CLEAN010" for d in result.diagnostics) == 3


def test_a_partial_paste_keeps_its_numbers():
    result = analyse("12  exp X/\n13  y.ti.\n14  12 or 13\n")
    assert result.errors == [] and [s.number for s in result.strategy.statements] == [12, 13, 14]


def test_a_single_numbered_statement():
    result = analyse("1. exp Peer Group/\n")
    assert result.diagnostics == [] and result.strategy.statements[0].number == 1


def test_use_database_is_left_out_with_a_warning():
    result = analyse("1. exp Peer Group/ use medall\n2. substance use disorder.ti.\n3. 1 or 2\n")
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [("OVID105", 1, 20)]
    assert [w.text for w in result.strategy.statements[1].expr.child.words] == [
        "substance", "use", "disorder"]


def test_fix_writes_the_tolerated_repairs_into_the_text():
    result = analyse("MRI* .mp\n(a or b.ti\nc.ti,ab\n1 or 2 or 3\n")
    assert result.fixed == "MRI*.mp.\n(a or b).ti.\nc.ti,ab.\n1 or 2 or 3\n"
    assert {d.code for d in analyse(result.fixed).diagnostics} == {"OVID103"}  # only "unnumbered"


def test_a_field_key_does_not_swallow_statements_after_it():
    text = "exp X/\nkey: mp = title, abstract,\noriginal title; fs = floating subheading.\ny.ti.\n1 or 2\n"
    result = analyse(text)
    assert result.errors == []
    assert len(result.strategy.statements) == 3
