"""What every reader shares: grammar loading, error reporting, node builders.

A reader turns a rendered query string back into the AST of `trawl.query.ast`, keeping the
TARGET's field codes (lower case, e.g. ``("tiab",)``, ``("title-abs-key",)``) so that nothing is
decided here about what a field means; `trawl.dialects.readback.logical` maps codes to meanings.
Wildcards are converted to the AST's canonical notation (``*`` any, ``?`` zero-or-one,
``#`` exactly one), because the same symbol means different things on different platforms.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from lark import Lark, Token, Transformer, UnexpectedInput

from trawl.query.ast import Bool, Fielded, LineRef, Near, Node, Phrase, Term
from trawl.resources import grammar


class ReadbackError(ValueError):
    """A rendered query that its target's grammar cannot read: a renderer bug, reported with
    the position in the rendered string."""

    def __init__(self, target: str, text: str, message: str, column: int | None = None):
        where = f" at column {column}" if column else ""
        super().__init__(f"{target}: cannot read back{where}: {message}\n  {text}")
        self.target = target
        self.column = column


@cache
def parser(name: str) -> Lark:
    """The LALR parser for ``grammars/<name>.lark`` (built once per process)."""
    return Lark(grammar(name), parser="lalr", maybe_placeholders=False)


def parse(name: str, target: str, text: str, transformer: Transformer) -> Node:
    try:
        tree = parser(name).parse(text)
    except UnexpectedInput as exc:
        raise ReadbackError(target, text, str(exc).splitlines()[0], exc.column) from None
    try:
        return transformer.transform(tree)
    except ReadbackError:
        raise
    except Exception as exc:  # lark wraps transformer errors in VisitError
        inner = getattr(exc, "orig_exc", exc)
        if isinstance(inner, ReadbackError):
            raise inner from None
        raise ReadbackError(target, text, str(inner)) from None


class BinaryOperators(Transformer):
    """The rules every read-back grammar shares: ``left OP right`` and ``left right`` (AND)."""

    def or_(self, kids):
        return bool_node("or", kids[0], kids[2])

    def and_(self, kids):
        return bool_node("and", kids[0], kids[2])

    def not_(self, kids):
        return bool_node("not", kids[0], kids[2])

    def implicit_and(self, kids):
        return bool_node("and", kids[0], kids[1])


def bool_node(op: str, left: Node, right: Node) -> Bool:
    """A binary operation; and/or of the same operator are flattened (they are associative)."""
    if op == "not":
        return Bool("not", (left, right))
    kids: list[Node] = []
    for side in (left, right):
        if isinstance(side, Bool) and side.op == op:
            kids.extend(side.children)
        else:
            kids.append(side)
    return Bool(op, tuple(kids))  # type: ignore[arg-type]


def near_node(left: Node, right: Node, distance: int, ordered: bool) -> Near:
    """Chains of one proximity operator with one distance are one n-ary node (as in the AST)."""
    if isinstance(left, Near) and left.distance == distance and left.ordered == ordered:
        return Near((*left.operands, right), distance, ordered)
    return Near((left, right), distance, ordered)


def unquote(token: Token | str, open_: str = '"', close: str = '"') -> str:
    text = str(token)
    if text.startswith(open_) and text.endswith(close):
        text = text[len(open_):len(text) - len(close)]
    return text


def words_node(text: str, wildcard: Callable[[str], str], quoted: bool = True) -> Node:
    """A quoted string: one word is a Term, several are a Phrase."""
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    if not words:
        raise ValueError("empty phrase")
    terms = tuple(Term(wildcard(w)) for w in words)
    if len(terms) == 1:
        return terms[0]
    return Phrase(terms, quoted=quoted)


def field(codes: str | tuple[str, ...], child: Node) -> Fielded:
    if isinstance(codes, str):
        codes = (codes,)
    return Fielded(tuple(c.strip().lower() for c in codes), child)


HISTORY = re.compile(r"^#(\d+)$")


def history_ref(word: str, pattern: re.Pattern[str] = HISTORY) -> LineRef | None:
    m = pattern.match(word)
    return LineRef(int(m.group(1))) if m else None


def translate_wildcards(text: str, table: dict[str, str]) -> str:
    """Map a platform's wildcard symbols to canonical ones, character by character."""
    return "".join(table.get(c, c) for c in text)
