"""Line resolution: give every statement its number and check every reference.

Ovid numbers result sets in the order they are run, so a statement may only refer to earlier
lines. Resolution reports references to missing lines, forward references, cycles (which can only
arise through forward references), statements sharing a number, and — as a PRESS warning — orphan
lines that no later line uses, so they never reach the final result.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from trawl.query import codes
from trawl.query.ast import LineRange, LineRef, Node, Span, walk
from trawl.query.diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class Reference:
    number: int
    span: Span


def references(node: Node) -> Iterator[Reference]:
    """Every line number a node refers to, with the span of the reference (a limit's line too)."""
    for sub in walk(node):
        if isinstance(sub, LineRef):
            yield Reference(sub.number, sub.span)
        elif isinstance(sub, LineRange):
            for n in sub.numbers:
                yield Reference(n, sub.span)


@dataclass(frozen=True, slots=True)
class Line:
    """What resolution needs of a statement: its number, where it is, and what it refers to."""

    number: int
    span: Span
    expr: Node | None  # None when the statement did not parse


def resolve(lines: list[Line]) -> list[Diagnostic]:
    """Check numbering and references; returns the diagnostics (empty when all is well)."""
    diags: list[Diagnostic] = []
    position: dict[int, int] = {}
    for index, line in enumerate(lines):
        if line.number in position:
            first = lines[position[line.number]]
            diags.append(Diagnostic.of(codes.DUPLICATE_NUMBER, f"statement number {line.number} is "
                                       f"used twice (first on line {first.span.line})",
                                       line=line.span.line, column=line.span.column))
        else:
            position[line.number] = index

    edges: dict[int, set[int]] = {}
    used: set[int] = set()
    for index, line in enumerate(lines):
        if line.expr is None:
            continue
        targets = edges.setdefault(line.number, set())
        seen_here: set[int] = set()
        for ref in references(line.expr):
            if ref.number in seen_here:
                continue
            seen_here.add(ref.number)
            where = {"line": ref.span.line, "column": ref.span.column,
                     "end_column": ref.span.end_column}
            if ref.number not in position:
                diags.append(Diagnostic.of(codes.MISSING_LINE, f"line {line.number} refers to line "
                                           f"{ref.number}, which does not exist", **where))
                continue
            used.add(ref.number)
            targets.add(ref.number)
            if position[ref.number] >= index:
                what = "itself" if ref.number == line.number else f"line {ref.number}, which comes later"
                diags.append(Diagnostic.of(
                    codes.FORWARD_REFERENCE if ref.number != line.number else codes.CYCLE,
                    f"line {line.number} refers to {what}; Ovid can only combine earlier lines",
                    **where))

    for cycle in _cycles(edges):
        if len(cycle) < 2:
            continue
        first = lines[position[cycle[0]]]
        path = " → ".join(str(n) for n in [*cycle, cycle[0]])
        diags.append(Diagnostic.of(codes.CYCLE, f"lines refer to each other in a cycle: {path}",
                                   line=first.span.line, column=first.span.column))

    if lines:
        final = lines[-1].number
        for line in lines[:-1]:
            if line.number not in used and line.number != final and line.expr is not None:
                diags.append(Diagnostic.of(
                    codes.ORPHAN, f"line {line.number} is not used by any later line, so it does not "
                    f"reach the final line {final}", line=line.span.line, column=line.span.column))
    return diags


def _cycles(edges: dict[int, set[int]]) -> list[list[int]]:
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    out: list[list[int]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(sorted(component))
    return out
