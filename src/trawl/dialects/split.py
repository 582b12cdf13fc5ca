"""Splitting a query that is too long for its target into several whose union is the same set.

AND (and proximity) distributes over OR, so ``A AND (b OR c)`` = ``(A AND b) OR (A AND c)``:
halve the longest OR-list (at the top, or inside an AND, a proximity or a field group) until every
piece fits. A piece
that cannot be split further and still does not fit is reported by the caller.
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
    stack = [node]
    while stack:
        if len(good) + len(bad) + len(stack) > max_pieces:
            return None
        n = stack.pop()
        text = render(n)
        if fits(text):
            good.append(text)
            continue
        halves = _halve(n, render)
        if halves is None:
            bad.append(text)
            continue
        stack.extend(reversed(halves))
    return good, bad


def _halve(node: Any, render: Callable[[Any], str]) -> tuple[Any, Any] | None:
    if isinstance(node, Bool) and node.op == "or" and len(node.children) > 1:
        mid = len(node.children) // 2
        return _or(node.children[:mid], node), _or(node.children[mid:], node)
    if isinstance(node, Fielded):
        inner = _halve(node.child, render)
        if inner is None:
            return None
        return tuple(Fielded(node.fields, h, node.frequency, span=node.span) for h in inner)  # type: ignore[return-value]
    if isinstance(node, Bool) and node.op == "not":
        inner = _halve(node.children[0], render)
        if inner is None:
            return None
        return tuple(Bool("not", (h, *node.children[1:]), span=node.span) for h in inner)  # type: ignore[return-value]
    if isinstance(node, Near):  # proximity distributes over an OR operand too
        for i, op in enumerate(node.operands):
            inner = _halve(op, render)
            if inner is not None and isinstance(op, Bool | Fielded):
                ops = node.operands
                return tuple(Near((*ops[:i], h, *ops[i + 1:]), node.distance, node.ordered,
                                  span=node.span) for h in inner)  # type: ignore[return-value]
    if isinstance(node, Bool) and node.op == "and":
        order = sorted(range(len(node.children)), key=lambda i: -len(render(node.children[i])))
        for i in order:
            inner = _halve(node.children[i], render)
            if inner is not None:
                kids = node.children
                return tuple(Bool("and", (*kids[:i], h, *kids[i + 1:]), span=node.span)
                             for h in inner)  # type: ignore[return-value]
    return None


def _or(children: tuple[Any, ...], like: Bool) -> Any:
    return children[0] if len(children) == 1 else Bool("or", children, span=like.span)
