"""The grammar, construct by construct, as listed in ../shared/dialects/ovid.md (§ numbers)."""

from __future__ import annotations

import pytest

from trawl.query import analyse, parse_strategy, to_ovid
from trawl.query.ast import (
    Bool,
    Fielded,
    Filter,
    Heading,
    Limit,
    LineRange,
    LineRef,
    Near,
    Phrase,
    Span,
    Term,
)
from trawl.query.parser import ovid_parser, parse_statement
from trawl.resources import grammar


def one(text: str, database: str = "ovid-medline"):
    """The expression of a one-statement strategy (references to lines 1-9 are made to exist)."""
    preamble = "".join(f"{n}. filler{n}.ti.\n" for n in range(1, 10))
    result = analyse(preamble + f"10. {text}\n", database=database)
    assert result.errors == [], result.errors
    return result.statements[-1]


def T(text):  # noqa: N802 - reads like the AST
    return Term(text)


def P(*words, quoted=False):  # noqa: N802
    return Phrase(tuple(Term(w) for w in words), quoted=quoted)


CASES = [
    # §1 references and combinations
    ("1 or 2", Bool("or", (LineRef(1), LineRef(2)))),
    ("3 and 4 and 5", Bool("and", (LineRef(3), LineRef(4), LineRef(5)))),
    ("5 not 6", Bool("not", (LineRef(5), LineRef(6)))),
    ("or/1-9", LineRange("or", tuple(range(1, 10)))),
    ("and/2,5-7", LineRange("and", (2, 5, 6, 7))),
    ("OR/1,3", LineRange("or", (1, 3))),
    ("1 or 2 or ich.tw.", Bool("or", (LineRef(1), LineRef(2), Fielded(("tw",), T("ich"))))),
    ("(9 or 8) not (exp animal/ not exp human/)",
     Bool("not", (Bool("or", (LineRef(9), LineRef(8))),
                  Bool("not", (Heading("mesh", "animal", explode=True),
                               Heading("mesh", "human", explode=True)))))),
    ("9 not (9 and 8)", Bool("not", (LineRef(9), Bool("and", (LineRef(9), LineRef(8)))))),
    # §2 field suffixes: any combination and order, closing period optional
    ("heart.ti,ab.", Fielded(("ti", "ab"), T("heart"))),
    ("heart.ab,ti.", Fielded(("ab", "ti"), T("heart"))),
    ("heart.ti,ab,kf,hw.", Fielded(("ti", "ab", "kf", "hw"), T("heart"))),
    ("heart.TW.", Fielded(("tw",), T("heart"))),
    ("heart.ti,ab", Fielded(("ti", "ab"), T("heart"))),
    ("(a or b).ti, ab.", Fielded(("ti", "ab"), Bool("or", (T("a"), T("b"))))),
    ("2015.yr.", Fielded(("yr",), T("2015"))),
    ("randomized controlled trial.pt.", Fielded(("pt",), P("randomized", "controlled", "trial"))),
    # §4 truncation and wildcards, canonical form
    ("gene*.tw.", Fielded(("tw",), T("gene*"))),
    ("gene$.tw.", Fielded(("tw",), T("gene*"))),
    ("dog$1.tw.", Fielded(("tw",), T("dog*1"))),
    ("dog*2.tw.", Fielded(("tw",), T("dog*2"))),
    ("colo?r.tw.", Fielded(("tw",), T("colo?r"))),
    ("wom#n.tw.", Fielded(("tw",), T("wom#n"))),
    ("heart attack*.tw.", Fielded(("tw",), P("heart", "attack*"))),
    # §5 phrases and quotes
    ('"sensitivity and specificity".tw.', Fielded(("tw",), P("sensitivity", "and", "specificity",
                                                               quoted=True))),
    ('"interleukin 2".tw.', Fielded(("tw",), P("interleukin", "2", quoted=True))),
    ('"HbA(1c)".tw.', Fielded(("tw",), P("HbA(1c)", quoted=True))),
    ("face to face.tw.", Fielded(("tw",), P("face", "to", "face"))),
    # §6 proximity
    ("(peer adj support).ti,ab.", Fielded(("ti", "ab"), Near((T("peer"), T("support")), 0, True))),
    ("(child* adj3 obes*).ti,ab.", Fielded(("ti", "ab"), Near((T("child*"), T("obes*")), 2, False))),
    ("(a adj1 b)", Near((T("a"), T("b")), 0, False)),
    ("(retinal adj2 nerve adj2 fiber)", Near((T("retinal"), T("nerve"), T("fiber")), 1, False)),
    ("(minimal adj brain adj3 damage$)",
     Near((Near((T("minimal"), T("brain")), 0, True), T("damage*")), 2, False)),
    ("((child* or adolescen*) adj3 (obes* or overweight)).ti,ab,kf.",
     Fielded(("ti", "ab", "kf"), Near((Bool("or", (T("child*"), T("adolescen*"))),
                                        Bool("or", (T("obes*"), T("overweight")))), 2, False))),
    ("term.ab./freq=3", Fielded(("ab",), T("term"), frequency=3)),
    # §8 subject headings
    ("Peer Group/", Heading("mesh", "Peer Group")),
    ("exp Cooperative Behavior/", Heading("mesh", "Cooperative Behavior", explode=True)),
    ("*Mental Health/", Heading("mesh", "Mental Health", major=True)),
    ("exp *Neoplasms/dt,th", Heading("mesh", "Neoplasms", explode=True, major=True,
                                     subheadings=("dt", "th"))),
    ("exp Lung/ra, ri, us", Heading("mesh", "Lung", explode=True, subheadings=("ra", "ri", "us"))),
    ("Surgical Procedures, Operative/", Heading("mesh", "Surgical Procedures, Operative")),
    ('exp "Delivery of Health Care"/', Heading("mesh", "Delivery of Health Care", explode=True)),
    ('"Aged, 80 and over"/', Heading("mesh", "Aged, 80 and over")),
    ("dt.fs.", Fielded(("fs",), T("dt"))),
    ('"drug therapy".fs.', Fielded(("fs",), P("drug", "therapy", quoted=True))),
    ("exp animals/ not humans.sh.", Bool("not", (Heading("mesh", "animals", explode=True),
                                                 Fielded(("sh",), T("humans"))))),
    # §9 limits
    ("limit 9 to english", Limit(LineRef(9), (Filter("language", ("english",), "english"),))),
    ("limit 9 to English language", Limit(LineRef(9), (Filter("language", ("english",),
                                                             "English language"),))),
    ('limit 9 to yr="2000-Current"', Limit(LineRef(9), (Filter("year", ("2000", "current"),
                                                              'yr="2000-Current"'),))),
    ("limit 9 to humans", Limit(LineRef(9), (Filter("humans", ("humans",), "humans"),))),
    ('limit 9 to "review"', Limit(LineRef(9), (Filter("publication-type", ("review",), '"review"'),))),
    ('limit 9 to "qualitative (maximizes sensitivity)"',
     Limit(LineRef(9), (Filter("clinical-query", ("qualitative (maximizes sensitivity)",),
                               '"qualitative (maximizes sensitivity)"'),))),
    ('limit 9 to (english language and yr="2011 -Current")',
     Limit(LineRef(9), (Filter("language", ("english",), "english language"),
                        Filter("year", ("2011", "current"), 'yr="2011 -Current"')))),
    ("limit 9 to (danish or english)",
     Limit(LineRef(9), (Filter("language", ("danish", "english"), "(danish or english)"),))),
    ("limit 9 to (humans and (danish or english))",
     Limit(LineRef(9), (Filter("humans", ("humans",), "humans"),
                        Filter("language", ("danish", "english"), "(danish or english)")))),
    ('limit 9 to ed = "19480101-20170516"',
     Limit(LineRef(9), (Filter("entry-date", ("19480101", "20170516"),
                               'ed = "19480101-20170516"'),))),
    ("Limit 9 to Humans", Limit(LineRef(9), (Filter("humans", ("humans",), "Humans"),))),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0] for c in CASES])
def test_construct(text, expected):
    statement = one(text)
    assert statement.expr == expected
    # and the printer gives text that reads back the same
    assert one(to_ovid(statement.expr)).expr == expected


def test_annotation_is_kept_and_not_searched():
    s = one("exp Child/ [includes child, preschool]")
    assert s.expr == Heading("mesh", "Child", explode=True)
    assert s.annotation == "includes child, preschool"


def test_heading_vocabulary_follows_the_database():
    assert one("exp human/", "ovid-embase").expr.vocabulary == "emtree"
    assert one("exp Peer Pressure/", "ovid-psycinfo").expr.vocabulary == "apa"


def test_grammar_loads_as_lalr_and_is_cached():
    assert "start: statement" in grammar("ovid")
    assert ovid_parser() is ovid_parser()
    assert ovid_parser().options.parser == "lalr"


def test_statement_numbers_from_the_grammar_itself():
    parsed = parse_statement("12. exp Peer Group/ [a note]")
    assert (parsed.number, parsed.expr, parsed.annotation) == (
        12, Heading("mesh", "Peer Group", explode=True), "a note")


def test_spans_point_into_the_original_text():
    strategy = parse_strategy("1. exp Peer Group/\n2.   (peer adj support*).ti,ab.\n3. 1 or 2\n")
    heading = strategy.statements[0].expr
    assert heading.span == Span(1, 4, 1, 19)
    fielded = strategy.statements[1].expr
    assert (fielded.span.line, fielded.span.column) == (2, 6)
    near = fielded.child
    assert near.operands[1].span == Span(2, 16, 2, 24)  # "support*"


def test_unnumbered_statements_are_numbered_by_position():
    strategy = parse_strategy("exp Peer Group/\npeer support*.ti,ab.\n1 or 2\n")
    assert [s.number for s in strategy.statements] == [1, 2, 3]


def test_mixed_operators_are_refused_with_a_proposal():
    result = analyse("a.ti.\nb.ti.\nc.ti.\n1 or 2 and 3\n")
    [err] = result.errors
    assert err.code == "OVID005" and (err.line, err.column) == (4, 1)
    assert err.fix == "add parentheses, e.g. (1 or 2) and 3"
