"""Splitting a long query keeps its meaning: the pieces' union is exactly the original set."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from trawl.dialects.split import split_to_fit
from trawl.query.ast import Bool, Term


def _render(node) -> str:
    if isinstance(node, Term):
        return node.text
    inner = [_render(k) for k in node.children]
    return "(" + (" & " if node.op == "and" else " | ").join(inner) + ")"


def _conjunctions(text: str) -> set[frozenset[str]]:
    """The word combinations a rendered AND/OR text matches (its disjunctive normal form)."""
    tokens = text.replace("(", " ( ").replace(")", " ) ").split()
    pos = 0

    def expr() -> set[frozenset[str]]:
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok != "(":
            return {frozenset([tok])}
        parts = [expr()]
        op = None
        while tokens[pos] != ")":
            op = tokens[pos]
            pos += 1
            parts.append(expr())
        pos += 1
        if op == "&":
            return {frozenset().union(*combo) for combo in itertools.product(*parts)}
        return set().union(*parts)

    return expr()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=3),
       st.integers(min_value=20, max_value=80))
def test_pieces_fit_and_their_union_is_the_original(sizes, limit):
    concepts = [Bool("or", tuple(Term(f"c{i}w{j}") for j in range(n))) for i, n in enumerate(sizes)]
    node = concepts[0] if len(concepts) == 1 else Bool("and", tuple(concepts))
    result = split_to_fit(node, _render, lambda t: len(t) <= limit, max_pieces=50)
    if result is None:  # refused: more than 50 pieces would be needed
        assert len(_conjunctions(_render(node))) > 50
        return
    good, bad = result
    for text in good:
        assert len(text) <= limit
    whole = _conjunctions(_render(node))
    union: set[frozenset[str]] = set()
    for text in good + bad:
        part = _conjunctions(text)
        assert not (part & union), "pieces overlap"
        union |= part
    assert union == whole
