"""Read a Web of Science advanced-search query back into the AST (grammars/wos.lark; wos.md).

``TS=(…)`` becomes ``Fielded(("ts",), …)``; ``#3`` a `LineRef`. ``NEAR/x`` is
``Near(distance=x, ordered=False)`` and bare ``NEAR`` is NEAR/15 (§4). Wildcards (§6): WoS ``?``
(exactly one) is canonical ``#`` and WoS ``$`` (zero or one) is canonical ``?``. ``SAME`` has no
Ovid meaning and is refused.
"""

from __future__ import annotations

from trawl.dialects.readback._base import (
    BinaryOperators,
    ReadbackError,
    field,
    history_ref,
    near_node,
    parse,
    translate_wildcards,
    unquote,
    words_node,
)
from trawl.query.ast import Node, Term

WILDCARDS = {"?": "#", "$": "?"}
BARE_NEAR = 15  # wos.md §4: NEAR without /x = NEAR/15


def _wildcard(word: str) -> str:
    return translate_wildcards(word, WILDCARDS)


def _tag(token) -> str:
    return str(token).rstrip("= ").strip().lower()


class _ToAst(BinaryOperators):
    def same(self, kids):
        raise ReadbackError("wos", "", "SAME has no Ovid equivalent (wos.md §4)")

    def near(self, kids):
        left, op, right = kids
        _, _, n = str(op).partition("/")
        return near_node(left, right, int(n) if n else BARE_NEAR, ordered=False)

    def field(self, kids):
        return field(_tag(kids[0]), kids[1])

    def field_phrase(self, kids):
        return field(_tag(kids[0]), words_node(unquote(kids[1]), _wildcard))

    def field_word(self, kids):
        return field(_tag(kids[0]), Term(_wildcard(str(kids[1]))))

    def phrase(self, kids):
        return words_node(unquote(kids[0]), _wildcard)

    def word(self, kids):
        text = str(kids[0])
        return history_ref(text) or Term(_wildcard(text))


def read(text: str, target: str = "wos") -> Node:
    """The AST of a WoS query; raises `ReadbackError` where WoS would not accept it."""
    if not text.strip():
        raise ReadbackError(target, text, "empty query")
    return parse("wos", target, text, _ToAst())
