"""Splitting a query that is too long for its target into several whose union is the same set.

AND (and proximity) distributes over OR, so ``A AND (b OR c)`` = ``(A AND b) OR (A AND c)``:
halve the longest OR-list (at the top, or inside an AND, a proximity or a field group) until every
piece fits. A piece
that cannot be split further and still does not fit is reported by the caller.

The halves of a node are made once per call and reused: the same half of one concept's OR-list
turns up in many pieces (combined with each half of the other concepts), and reusing the node
lets the renderer's memo give its text back instead of joining it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trawl.query.ast import Bool, Fielded, Near


def split_to_fit(node: Any, render: Callable[[Any], str], fits: Callable[[str], bool],
                 max_pieces: int = 500) -> tuple[list[str], list[str]] | None:
    """(pieces that fit, pieces that still do not fit) for ``node``; None when more than
    ``max_pieces`` would be needed (the strategy is too big for the target: say so instead)."""
    good: list[str] = []
    bad: list[str] = []
    halves_of = _Halves(render)
    stack = [node]
    while stack:
        if len(good) + len(bad) + len(stack) > max_pieces:
            return None
        n = stack.pop()
        text = render(n)
        if fits(text):
            good.append(text)
            continue
        halves = halves_of(n)
        if halves is None:
            bad.append(text)
            continue
        stack.extend(reversed(halves))
    return good, bad


class _Halves:
    """``_halve`` memoised by node identity for one `split_to_fit` call (each entry keeps its node
    alive, so an id is never reused while the memo lives)."""

    def __init__(self, render: Callable[[Any], str]):
        self.render = render
        self.memo: dict[int, tuple[Any, tuple[Any, Any] | None]] = {}
        self.lengths: dict[int, tuple[Any, int]] = {}

    def length(self, node: Any) -> int:
        """The rendered length of ``node`` (asked again for every piece an operand is part of)."""
        hit = self.lengths.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        n = len(self.render(node))
        self.lengths[id(node)] = (node, n)
        return n

    def __call__(self, node: Any) -> tuple[Any, Any] | None:
        hit = self.memo.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
        halves = _halve(node, self)
        self.memo[id(node)] = (node, halves)
        return halves


def _halve(node: Any, halve: _Halves) -> tuple[Any, Any] | None:
    if isinstance(node, Bool) and node.op == "or" and len(node.children) > 1:
        mid = len(node.children) // 2
        return _or(node.children[:mid], node), _or(node.children[mid:], node)
    if isinstance(node, Fielded):
        inner = halve(node.child)
        if inner is None:
            return None
        return tuple(Fielded(node.fields, h, node.frequency, span=node.span) for h in inner)  # type: ignore[return-value]
    if isinstance(node, Bool) and node.op == "not":
        inner = halve(node.children[0])
        if inner is None:
            return None
        return tuple(Bool("not", (h, *node.children[1:]), span=node.span) for h in inner)  # type: ignore[return-value]
    if isinstance(node, Near):  # proximity distributes over an OR operand too
        for i, op in enumerate(node.operands):
            inner = halve(op)
            if inner is not None and isinstance(op, Bool | Fielded):
                ops = node.operands
                return tuple(Near((*ops[:i], h, *ops[i + 1:]), node.distance, node.ordered,
                                  span=node.span) for h in inner)  # type: ignore[return-value]
    if isinstance(node, Bool) and node.op == "and":
        order = sorted(range(len(node.children)), key=lambda i: -halve.length(node.children[i]))
        for i in order:
            inner = halve(node.children[i])
            if inner is not None:
                kids = node.children
                return tuple(Bool("and", (*kids[:i], h, *kids[i + 1:]), span=node.span)
                             for h in inner)  # type: ignore[return-value]
    return None


def _or(children: tuple[Any, ...], like: Bool) -> Any:
    return children[0] if len(children) == 1 else Bool("or", children, span=like.span)


def queries_within(r: Any, node: Any, query: str, fits: Callable[[str], bool], *, label: str,
                   split_code: str, split_reason: str, too_long: str,
                   max_pieces: int = 200) -> list[str]:
    """``[query]`` when it fits, else the listed pieces whose union is the query.

    Every outcome is said: the split itself (``split_code``, with ``split_reason`` before the
    count), any piece that still does not fit (``too_long``), and a strategy needing more than
    ``max_pieces`` queries, which is returned whole for a person to reduce.
    """
    from trawl.dialects import codes

    if fits(query):
        return [query]
    split = split_to_fit(node, r.text, fits, max_pieces=max_pieces)
    if split is None:
        r.emit(codes.TOO_MANY_PIECES, f"{len(query)} characters: more than {max_pieces} "
               f"queries would be needed to stay within {label}'s limit; reduce the "
               "strategy to its core concepts by hand")
        return [query]
    good, bad = split
    r.emit(split_code, f"{split_reason}: split into {len(good) + len(bad)} queries; run each "
           "and combine the results")
    for text in bad:
        r.emit(codes.TOO_LONG, f"a piece of {len(text)} characters {too_long}: {text[:80]}…")
    return good + bad
