"""Read rendered queries back, to check that a rendering means what the Ovid strategy meant.

One reader per syntax (a Lark LALR grammar in ``grammars/<syntax>.lark`` each): PubMed, Scopus,
Web of Science and EBSCOhost. A reader returns the AST of `trawl.query.ast` with the target's
own field codes; `logical.logical_form` then maps both the original strategy and the read-back
query to one normalised logical form in which "same meaning" is plain equality, and
`logical.compare` lists every difference with the kind of loss that explains it.

Why the AST and not a new form: the AST already has every construct these syntaxes have
(terms, phrases, proximity, Boolean, fields, headings, line references), so a reader needs no
second vocabulary and the normaliser handles original and read-back with one code path.
"""

from __future__ import annotations

from collections.abc import Callable

from trawl.dialects.readback import ebsco, pubmed, scopus, wos
from trawl.dialects.readback._base import ReadbackError
from trawl.query.ast import Node

#: target name -> (syntax, reader)
READERS: dict[str, tuple[str, Callable[[str, str], Node]]] = {
    "pubmed": ("pubmed", pubmed.read),
    "scopus": ("scopus", scopus.read),
    "wos": ("wos", wos.read),
    "cinahl": ("ebsco", ebsco.read),
    "academic-search-elite": ("ebsco", ebsco.read),
}


def read(target: str, text: str) -> Node:
    """The AST of ``text``, a query in ``target``'s syntax."""
    try:
        _, reader = READERS[target]
    except KeyError:
        raise ValueError(f"no reader for {target!r}; readers: {', '.join(READERS)}") from None
    return reader(text, target)


def syntax(target: str) -> str:
    """The syntax (grammar name) a target is written in."""
    return READERS[target][0]


__all__ = ["READERS", "ReadbackError", "read", "syntax"]
