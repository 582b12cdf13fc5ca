"""Properties: mangled strategies never crash the front end, and printing is parsing's inverse."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED, SHARED
from trawl.query import analyse, parse_strategy, to_ovid
from trawl.query.ast import (
    Bool,
    Fielded,
    Heading,
    LineRange,
    LineRef,
    Near,
    Phrase,
    Statement,
    Strategy,
    Term,
)
from trawl.query.diagnostics import Severity, TrawlError

CORPUS = SHARED / "corpus" / "strategies"
TEXTS = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*/*.txt"))
         if p.name in ("ovid-medline.txt", "embase-ovid.txt")]
TEXTS.append((SEED / "as-published.txt").read_text(encoding="utf-8"))

TRICKY = list('()"/.,[]*$?#:=- 0123456789adjornotexpAND\t\n') + [
    "\ufffd", "\u2028", "\u00a0", "\u201c", "\u201d", "\u2013", "\ufb01", "\u200b", "or/", "adj3",
    "limit 1 to ", ".ti,ab.", "exp ", "/dt", " not ", "1 or 2", '"', "((", "))",
]


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(TEXTS))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "dup-line", "drop-line", "cut"]))
        pos = draw(st.integers(0, max(len(text) - 1, 0)))
        if kind == "insert":
            text = text[:pos] + draw(st.sampled_from(TRICKY)) + text[pos:]
        elif kind == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 8)):]
        elif kind == "replace":
            text = text[:pos] + draw(st.sampled_from(TRICKY)) + text[pos + 1:]
        elif kind in ("dup-line", "drop-line"):
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines = lines[:i] + ([lines[i], lines[i]] if kind == "dup-line" else []) + lines[i + 1:]
            text = "\n".join(lines)
        else:
            text = text[:pos]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_give_diagnostics_with_positions_never_crashes(text):
    lines = re.split(r"\r\n|\r|\n", text)
    result = analyse(text)
    for d in result.diagnostics:
        if d.severity == Severity.ERROR:
            assert d.line is not None and d.column is not None, d
        if d.line is not None:  # every finding points inside the text the user gave
            assert 1 <= d.line <= len(lines), d
            assert d.column is not None and 1 <= d.column <= len(lines[d.line - 1]) + 1, d
    assert (result.strategy is None) == bool(result.errors)
    try:
        parse_strategy(text)
    except TrawlError as err:
        assert err.diagnostic.line is not None and err.diagnostic.column is not None


# ---- generated ASTs: to_ovid then parse gives the AST back -------------------------------------

WORDS = st.sampled_from(["peer", "support", "care", "heart", "attack", "co-production", "child*",
                         "colo?r", "wom#n", "dog*1", "obes*", "HbA1c", "3D", "x-ray*"])
FIELDS = st.lists(st.sampled_from(["ti", "ab", "kf", "tw", "mp", "sh", "hw", "pt"]), min_size=1,
                  max_size=3, unique=True).map(tuple)


def terms():
    return st.one_of(
        WORDS.map(Term),
        st.lists(WORDS.map(Term), min_size=2, max_size=3).map(lambda ws: Phrase(tuple(ws))),
        st.lists(st.sampled_from(["type", "2", "and", "diabetes", "or"]).map(Term), min_size=1,
                 max_size=3).map(lambda ws: Phrase(tuple(ws), quoted=True)),
    )


def near(children):
    """n = 0 is plain adj (ordered, no words between); n >= 1 is adjN (n - 1 words, any order)."""
    return st.builds(lambda ops, n: Near(tuple(ops), 0, True) if n == 0 else
                     Near(tuple(ops), n - 1, False),
                     st.lists(children, min_size=2, max_size=3), st.integers(0, 5))


def expressions():
    base = st.one_of(terms(), st.builds(lambda f, t: Fielded(f, t), FIELDS, terms()))
    free = st.recursive(
        base,
        lambda inner: st.one_of(
            near(inner.filter(lambda n: not isinstance(n, Fielded))),
            st.builds(lambda op, kids: Bool(op, tuple(kids)), st.sampled_from(["and", "or"]),
                      st.lists(inner, min_size=2, max_size=3)
                      .filter(lambda ks: all(not isinstance(k, Bool) for k in ks))),
            st.builds(lambda a, b: Bool("not", (a, b)), inner, inner),
            st.builds(lambda f, c: Fielded(f, c), FIELDS,
                      inner.filter(lambda n: isinstance(n, Bool | Near))),
        ),
        max_leaves=6,
    )
    headings = st.builds(
        lambda label, explode, major, subs: Heading("mesh", label, explode, major, subs),
        st.sampled_from(["Peer Group", "Delivery of Health Care", "Aged, 80 and over",
                         "Surgical Procedures, Operative", "Power (Psychology)"]),
        st.booleans(), st.booleans(), st.sampled_from([(), ("dt",), ("px", "th")]))
    return st.one_of(free, headings)


def _valid(node) -> bool:
    """Shapes the parser itself would never produce (so cannot be expected back) are skipped."""
    if isinstance(node, Near):
        if any(isinstance(o, Near) and (o.distance, o.ordered) == (node.distance, node.ordered)
               for o in node.operands[1:]):
            return False
        if isinstance(node.operands[0], Near) and (node.operands[0].distance,
                                                     node.operands[0].ordered) == (node.distance,
                                                                                    node.ordered):
            return False
        return all(_valid(o) for o in node.operands)
    if isinstance(node, Bool):
        if node.op != "not" and any(isinstance(c, Bool) and c.op == node.op for c in node.children):
            return False
        return all(_valid(c) for c in node.children)
    if isinstance(node, Fielded):
        return not isinstance(node.child, Fielded) and _valid(node.child)
    return True


@settings(max_examples=200, deadline=None)
@given(expressions())
def test_printing_then_parsing_gives_the_same_ast(expr):
    if not _valid(expr):
        return
    strategy = Strategy((Statement(1, expr),))
    text = to_ovid(strategy)
    result = analyse(text)
    assert result.statements and result.statements[0].expr == expr, (text, result.errors)


@pytest.mark.parametrize("expr", [
    Bool("or", (LineRef(1), LineRef(2))),
    LineRange("and", (1, 2, 5)),
])
def test_references_print_back(expr):
    text = "1. a.ti.\n2. b.ti.\n3. c.ti.\n4. d.ti.\n5. e.ti.\n6. " + to_ovid(expr) + "\n"
    assert analyse(text).statements[-1].expr == expr


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200) | st.text(alphabet='()"/.,[]*$?#:= 0123456789abcdjnortxpAND\t\n'
                                                  '\u2028\ufffd-', max_size=120))
def test_any_text_at_all(text):
    """Arbitrary text: findings point inside it, and whatever parses prints back to itself."""
    lines = re.split(r"\r\n|\r|\n", text)
    result = analyse(text)
    for d in result.diagnostics:
        if d.line is not None:
            assert 1 <= d.line <= len(lines) and 1 <= d.column <= len(lines[d.line - 1]) + 1, d
    if result.strategy is not None:
        assert analyse(to_ovid(result.strategy)).strategy == result.strategy


@pytest.mark.parametrize("text", ["LIMIT", "detection limit.ti,ab.", "heart exp", "dog limit*"])
def test_command_words_used_as_words_print_back_to_the_same_ast(text):
    """Found by Hypothesis: a bare 'limit' or 'exp' that parsed as a word is printed quoted, and
    must read back as the same node (ovid.md §1: quote operator words)."""
    strategy = analyse(text).strategy
    assert strategy is not None
    assert analyse(to_ovid(strategy)).strategy == strategy
