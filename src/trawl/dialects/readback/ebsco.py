"""Read an EBSCOhost query back into the AST (grammars/ebsco.lark; ebsco.md).

Field prefixes become `Fielded` nodes (``TI x`` -> ``Fielded(("ti",), x)``); ``MH "X"`` /
``MH "X+"`` / ``MM …`` become `Heading` nodes (``+`` inside the quotes = exploded, §2) in the
target's vocabulary (CINAHL Headings for ``cinahl``; ``DE`` descriptors are the database's own
thesaurus). ``Nn``/``Wn`` are ``Near(distance=n)`` unordered/ordered (§4). ``S3`` is a `LineRef`.
Wildcards (§6): EBSCO ``?`` (exactly one) is canonical ``#`` and EBSCO ``#`` (zero or one) is
canonical ``?``. Words side by side without an operator are searched within five words of each
other in EBSCO's default Boolean/Phrase mode (§3), so they read back as ``Near(distance=5)``.
"""

from __future__ import annotations

import re

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
from trawl.query.ast import Bool, Heading, Near, Node, Phrase, Term

WILDCARDS = {"?": "#", "#": "?"}
IMPLICIT_NEAR = 5  # ebsco.md §3: the admin-default proximity for unquoted words
HEADING_CODES = {"mh": False, "mm": True, "de": False}  # code -> major
SET = re.compile(r"^S(\d+)$")

# The vocabulary MH/DE headings belong to on each EBSCO target.
VOCABULARY = {"cinahl": "cinahl", "academic-search-elite": "ebsco-subject", "ebsco": "cinahl"}


def _wildcard(word: str) -> str:
    return translate_wildcards(word, WILDCARDS)


class _ToAst(BinaryOperators):
    def __init__(self, target: str):
        super().__init__()
        self.vocabulary = VOCABULARY.get(target, target)

    def near(self, kids):
        left, op, right = kids
        text = str(op)
        return near_node(left, right, int(text[1:]), ordered=text[0] == "W")

    def implicit(self, kids):
        left, right = kids
        if isinstance(left, Near) and left.distance == IMPLICIT_NEAR and not left.ordered:
            return Near((*left.operands, right), IMPLICIT_NEAR, False)
        return Near((left, right), IMPLICIT_NEAR, False)

    def field(self, kids):
        code, child = str(kids[0]).lower(), kids[1]
        if code in HEADING_CODES:
            return self._heading(code, child)
        return field(code, child)

    def _heading(self, code: str, child: Node) -> Node:
        if isinstance(child, Bool):  # MH (a OR b) = MH a OR MH b (a field code on a group, §1)
            return Bool(child.op, tuple(self._heading(code, k) for k in child.children))
        if isinstance(child, Term):
            label = child.text
        elif isinstance(child, Phrase):
            label = " ".join(w.text for w in child.words)
        else:
            raise ReadbackError(self.vocabulary, "", f"{code.upper()} must be followed by a heading")
        # The reader turned EBSCO wildcards into canonical ones; a heading has none, so undo it.
        label = translate_wildcards(label, {"#": "?", "?": "#"})
        explode = label.endswith("+")
        return Heading(self.vocabulary, label.rstrip("+").strip(), explode=explode,
                       major=HEADING_CODES[code])

    def phrase(self, kids):
        return words_node(unquote(kids[0]), _wildcard)

    def word(self, kids):
        text = str(kids[0])
        return history_ref(text, SET) or Term(_wildcard(text))


def read(text: str, target: str = "cinahl") -> Node:
    """The AST of an EBSCOhost query; raises `ReadbackError` where EBSCO would not accept it."""
    if not text.strip():
        raise ReadbackError(target, text, "empty query")
    return parse("ebsco", target, text, _ToAst(target))
