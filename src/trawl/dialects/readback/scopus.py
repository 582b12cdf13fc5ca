"""Read a Scopus query back into the AST (grammar: grammars/scopus.lark; scopus.md).

Field functions become `Fielded` nodes with the function name in lower case
(``("title-abs-key",)``); ``PUBYEAR > 1999`` becomes ``Fielded(("pubyear>",), Term("1999"))``.
``W/n`` is ``Near(distance=n, ordered=False)``, ``PRE/n`` the ordered form (§4: n = words
between). ``AND NOT`` is the binary ``not``. Scopus ``?`` (exactly one character, §6) is
canonical ``#``; Scopus has no zero-or-one wildcard. Loose ``"…"`` and exact ``{…}`` phrases
both become `Phrase` (the exact form also switches off plural expansion: a platform behaviour,
not a difference of query meaning).
"""

from __future__ import annotations

from trawl.dialects.readback._base import (
    BinaryOperators,
    ReadbackError,
    bool_node,
    field,
    near_node,
    parse,
    translate_wildcards,
    unquote,
    words_node,
)
from trawl.query.ast import Node, Term

WILDCARDS = {"?": "#"}  # scopus.md §6: ? is exactly one character


def _wildcard(word: str) -> str:
    return translate_wildcards(word, WILDCARDS)


class _ToAst(BinaryOperators):
    def and_not(self, kids):
        return bool_node("not", kids[0], kids[2])

    def near(self, kids):
        left, op, right = kids
        name, _, n = str(op).partition("/")
        return near_node(left, right, int(n), ordered=name.upper() == "PRE")

    def field(self, kids):
        return field(str(kids[0]), kids[1])

    def compare(self, kids):
        name, cmp, value = (str(k) for k in kids)
        return field(f"{name.lower()}{cmp.lower()}", Term(value))

    def phrase(self, kids):
        return words_node(unquote(kids[0]), _wildcard)

    def exact(self, kids):
        return words_node(unquote(kids[0], "{", "}"), lambda w: w)  # wildcards are literal in {}

    def word(self, kids):
        return Term(_wildcard(str(kids[0])))


def read(text: str, target: str = "scopus") -> Node:
    """The AST of a Scopus query; raises `ReadbackError` where Scopus would not accept it."""
    if not text.strip():
        raise ReadbackError(target, text, "empty query")
    return parse("scopus", target, text, _ToAst())
