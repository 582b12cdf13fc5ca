"""Line resolution errors and PRESS-style warnings, each with line and column."""

from __future__ import annotations

import pytest

from trawl.query import analyse, parse_strategy
from trawl.query.diagnostics import TrawlError


def codes_at(text: str, code: str) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in analyse(text).diagnostics if d.code == code]


# ---- resolution ----------------------------------------------------------------------------

def test_missing_line():
    assert codes_at("1. a.ti.\n2. 1 or 7\n", "OVID006") == [(2, 9)]


def test_forward_reference():
    assert codes_at("1. 2 or 3\n2. a.ti.\n3. b.ti.\n", "OVID007") == [(1, 4), (1, 9)]


def test_self_reference_is_a_cycle():
    assert codes_at("1. a.ti.\n2. 1 or 2\n", "OVID008") == [(2, 9)]


def test_cycle_through_forward_references():
    result = analyse("1. a.ti.\n2. 1 or 3\n3. 2 and 1\n")
    cycles = [d for d in result.errors if d.code == "OVID008"]
    assert cycles and "2 → 3 → 2" in cycles[0].message


def test_reversed_range_is_an_empty_combination_with_a_fix():
    result = analyse("1. a.ti.\n2. b.ti.\n3. or/2-1\n")
    [err] = result.errors
    assert (err.code, err.line, err.column, err.fix) == ("OVID009", 3, 4, "or/1-2")


def test_duplicate_statement_number():
    assert codes_at("1. a.ti.\n2. b.ti.\n2. c.ti.\n3. or/1-2\n", "OVID010")


def test_orphan_line():
    assert codes_at("1. a.ti.\n2. b.ti.\n3. c.ti.\n4. 1 or 3\n", "PRESS006") == [(2, 4)]


def test_parse_strategy_raises_the_first_error_with_line_and_column():
    with pytest.raises(TrawlError) as err:
        parse_strategy("1. a.ti.\n2. (b or c.ti.\n3. 1 or 9\n")
    d = err.value.diagnostic
    assert (d.code, d.line, d.column) == ("OVID003", 2, 4)
    assert "line 2, column 4" in str(err.value)


def test_one_bad_line_does_not_hide_the_others():
    text = "1. a.ti.\n2. (b or c.ti.\n3. d e).ti.\n4. a.ti. b.ti.\n5. or/1-4\n"
    found = {(d.code, d.line) for d in analyse(text).errors}
    assert {("OVID003", 2), ("OVID002", 3), ("OVID001", 4)} <= found


def test_unclosed_paren_fix_goes_before_the_field_suffix():
    [err] = analyse("(b or c.ti,ab.\n").errors
    assert err.fix == "close it: (b or c).ti,ab."


def test_unclosed_quote():
    [err] = analyse('"heart attack.ti.\n').errors
    assert (err.code, err.column) == ("OVID004", 1)
    assert err.fix == 'close it: "heart attack".ti.'


def test_syntax_error_names_the_column_and_what_was_expected():
    [err] = analyse("1. heart.ti. or\n").errors
    assert err.code == "OVID001" and err.line == 1
    assert "ends too early" in err.message


def test_left_truncation_is_an_error():
    [err] = analyse("*cardio.ti.\n").errors
    assert (err.code, err.column) == ("OVID011", 1)


def test_bad_adjacency_distance():
    [err] = analyse("(a adj0 b).ti.\n").errors
    assert err.code == "OVID014"


# ---- PRESS warnings ------------------------------------------------------------------------

def test_short_truncation_stem():
    assert codes_at("1. co*.ti,ab.\n", "PRESS001") == [(1, 4)]
    assert codes_at("1. coproduct*.ti,ab.\n", "PRESS001") == []


def test_bare_number_inside_a_term():
    [d] = [d for d in analyse("1. type 2 diabetes.ti.\n").diagnostics if d.code == "PRESS002"]
    assert (d.line, d.column) == (1, 4) and d.fix == '"type 2 diabetes"'
    assert codes_at('1. "type 2 diabetes".ti.\n', "PRESS002") == []


def test_duplicate_lines():
    assert codes_at("1. a.ti.\n2. b.ti.\n3. a.ti.\n4. or/1-3\n", "PRESS004") == [(3, 4)]


def test_not_with_free_text_on_the_right():
    text = "1. a.ti.\n2. 1 not child*.ti.\n"
    assert codes_at(text, "PRESS005") == [(2, 10)]
    assert codes_at("1. exp animals/ not humans/\n", "PRESS005") == []
    assert codes_at("1. exp animals/ not humans.sh.\n", "PRESS005") == []


def test_field_suffix_bound_to_the_last_operand_only():
    assert codes_at("1. rapid and (detection* or diagnos*).ti,ab.\n", "PRESS007") == [(1, 4)]


def test_free_text_without_suffix_is_noted():
    assert codes_at("1. peer support\n", "PRESS008") == [(1, 4)]


def test_wildcard_in_a_tiny_word():
    assert codes_at("1. (VQ or V?Q).ti,ab.\n", "PRESS009") == [(1, 11)]
    assert codes_at("1. h?emorrhage.ti,ab.\n", "PRESS009") == []


def test_capitalised_operators_and_commands():
    assert len(codes_at("1. Exp Malaria/\n2. a AND b\n3. Limit 1 to Humans\n", "PRESS010")) == 3


def test_repeated_word():
    assert codes_at("1. Immunoassay Immunoassay/\n", "PRESS011") == [(1, 4)]


def test_thin_and_repeated_combinations():
    text = "1. a.ti.\n2. b.ti.\n3. or/1\n4. 1 or 1\n5. (CRF or CKD or CRF).tw.\n6. 3 or 4 or 5 or 2\n"
    assert codes_at(text, "PRESS012") == [(3, 4), (4, 4)]
    assert codes_at(text, "PRESS013") == [(5, 19)]


def test_ebsco_set_references_are_flagged():
    assert codes_at("1. a.ti.\n2. b.ti.\n3. S1 or S2\n", "PRESS016") == [(3, 4), (3, 10)]


@pytest.mark.parametrize("text, column, advice", [
    ("(peer near/3 support).ti,ab.", 11, "adj4"),
    ("peer support[tiab]", 13, "suffix"),
    ("TITLE-ABS-KEY(peer)", 14, "suffix"),
    ("heart.tiab.", 6, ".ti,ab."),
    ("exp Power (Psychology)/", 11, 'exp "Power (Psychology)"/'),
    ("a.ti.\nb.ti.\n#1 or #2", 1, "1"),
])
def test_other_databases_syntax_gets_advice(text, column, advice):
    [err] = analyse(text).errors
    assert err.column == column and advice in (err.fix or "")


def test_field_codes_are_checked_against_the_database():
    assert analyse("heart.ti,ab,kf.", database="ovid-psycinfo").diagnostics[0].code == "OVID107"
    assert analyse("heart.xm.", database="ovid-embase").diagnostics[0].code == "OVID107"
    assert analyse("heart.xm.", database="ovid-medline").diagnostics == []
    assert [d.code for d in analyse("heart.ti,qq.").diagnostics] == ["OVID106"]


def test_redundant_reference_in_a_combination():
    text = "1. a.ti.\n2. b.ti.\n3. 1 and 2\n4. 3 and 1 and 2\n5. 3 or 4\n"
    assert codes_at(text, "PRESS017") == [(4, 4)]
