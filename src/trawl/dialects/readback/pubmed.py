"""Read a PubMed query back into the AST (grammar: grammars/pubmed.lark; pubmed.md).

Tags become `Fielded` nodes with PubMed's short tag (long forms such as ``[Title/Abstract]``
are shortened); ``[mh]``/``[majr]`` (with ``:noexp``) become `Heading` nodes in the MeSH
vocabulary, exploded unless ``:noexp`` (pubmed.md §1: [mh] explodes by default);
``"a b"[tiab:~N]`` becomes ``Near(distance=N, ordered=False)`` (§6: N = words between, any order).
Untagged words are searched through Automatic Term Mapping; they are kept without a field.
"""

from __future__ import annotations

import re

from lark import Token, Transformer

from trawl.dialects.readback._base import (
    ReadbackError,
    bool_node,
    field,
    history_ref,
    parse,
    unquote,
    words_node,
)
from trawl.query.ast import Bool, Heading, Near, Node, Phrase, Term

# Long tag names (pubmed.md §1 table) -> the short tag.
LONG_TAGS = {
    "title/abstract": "tiab", "title": "ti", "text word": "tw", "other term": "ot",
    "mesh terms": "mh", "mesh": "mh", "mesh major topic": "majr", "subheading": "sh",
    "publication type": "pt", "language": "la", "all fields": "all", "affiliation": "ad",
    "author": "au", "journal": "ta", "date - publication": "dp", "publication date": "dp",
    "pdat": "dp", "date - entry": "edat", "date - create": "crdt", "filter": "sb",
    "supplementary concept": "nm", "abstract": "ab",
}
HEADING_TAGS = {"mh", "majr"}
PROXIMITY = re.compile(r"^(ti|tiab|ad):~(\d+)$")


def _tag(token: Token) -> str:
    raw = " ".join(str(token)[1:-1].split()).lower()
    base, _, option = raw.partition(":")
    base = LONG_TAGS.get(base.strip(), base.strip())
    return f"{base}:{option.strip()}" if option else base


def _wildcard(word: str) -> str:
    return word  # PubMed has only * (pubmed.md §4), the canonical symbol


def _tagged(words_text: str, tag: str | None, quoted: bool) -> Node:
    if tag is None:
        if quoted:
            return words_node(words_text, _wildcard)
        words = words_text.split()
        ref = history_ref(words[0]) if len(words) == 1 else None
        if ref is not None:
            return ref
        terms = tuple(Term(w) for w in words)
        return terms[0] if len(terms) == 1 else Bool("and", terms)
    base, _, option = tag.partition(":")
    if base in HEADING_TAGS:
        label, _, sub = words_text.partition("/")
        subheadings = tuple(s.strip().lower() for s in sub.split(",") if s.strip())
        return Heading("mesh", " ".join(label.split()), explode=option != "noexp",
                       major=base == "majr", subheadings=subheadings)
    m = PROXIMITY.match(tag)
    if m:
        node = words_node(words_text, _wildcard)
        operands = node.words if isinstance(node, Phrase) else (node,)
        return field(m.group(1), Near(operands, int(m.group(2)), ordered=False))
    return field(tag, words_node(words_text, _wildcard))


class _ToAst(Transformer):
    def binary(self, kids):
        left, op, right = kids
        return bool_node(str(op).lower(), left, right)

    def implicit_and(self, kids):
        return bool_node("and", kids[0], kids[1])

    def phrase(self, kids):
        tag = _tag(kids[1]) if len(kids) > 1 else None
        return _tagged(unquote(kids[0]), tag, quoted=True)

    def run(self, kids):
        tag = None
        if kids and kids[-1].type == "TAG":
            tag = _tag(kids[-1])
            kids = kids[:-1]
        return _tagged(" ".join(str(k) for k in kids), tag, quoted=False)


def read(text: str, target: str = "pubmed") -> Node:
    """The AST of a PubMed query; raises `ReadbackError` where PubMed would not accept it."""
    if not text.strip():
        raise ReadbackError(target, text, "empty query")
    return parse("pubmed", target, text, _ToAst())
