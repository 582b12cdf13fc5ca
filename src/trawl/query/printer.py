"""``to_ovid``: print AST nodes back as Ovid syntax.

The printer is the grammar's inverse: parsing what it prints gives back an equal AST (spans do not
take part in equality), which the tests check over the whole corpus. It adds only the parentheses
the grammar needs, quotes a phrase or heading only where Ovid requires it (numbers, operator
words, characters that are not part of a word), and always writes the closing period of a field
suffix.
"""

from __future__ import annotations

import re

from trawl.query.ast import (
    Bool,
    Fielded,
    Filter,
    Heading,
    Limit,
    LineRange,
    LineRef,
    Near,
    Node,
    Phrase,
    Statement,
    Strategy,
    Term,
)

_OPERATOR_WORD = re.compile(r"^(?:and|or|not|adj\d*|exp|limit)$", re.I)
_PLAIN_WORD = re.compile(r'^[^\s()"/.,\[\]=]+$')


def to_ovid(node: Node | Statement | Strategy) -> str:
    """Ovid text for a node, a statement (with its annotation) or a whole numbered strategy."""
    if isinstance(node, Strategy):
        return "\n".join(f"{s.number}. {to_ovid(s)}" for s in node.statements)
    if isinstance(node, Statement):
        text = _expr(node.expr)
        return f"{text} [{node.annotation}]" if node.annotation else text
    return _expr(node)


def _needs_quotes(words: list[str]) -> bool:
    return any(_OPERATOR_WORD.match(w) or not _PLAIN_WORD.match(w) for w in words) or (
        len(words) == 1 and words[0].isdecimal())


def _expr(node: Node) -> str:
    match node:
        case Term(text=text):
            return f'"{text}"' if _needs_quotes([text]) else text
        case Phrase(words=words, quoted=quoted):
            texts = [w.text for w in words]
            if quoted or _needs_quotes(texts) or (texts and texts[0].isdecimal() and len(texts) == 1):
                return '"' + " ".join(texts) + '"'
            return " ".join(texts)
        case Near(operands=operands, distance=distance, ordered=ordered):
            op = " adj " if ordered and distance == 0 else f" adj{distance + 1} "
            return op.join(_operand(o, inside_near=True) for o in operands)
        case Bool(op=op, children=children):
            return f" {op} ".join(_operand(c, inside_near=False) for c in children)
        case Fielded(fields=fields, child=child, frequency=frequency):
            if isinstance(child, Term) and child.text.isdecimal():
                inner = child.text  # 2015.yr. — a number with a field is a term, not a line
            elif isinstance(child, Bool | Near):
                inner = f"({_expr(child)})"
            else:
                inner = _expr(child)
            freq = f"/freq={frequency}" if frequency is not None else ""
            return f"{inner}.{','.join(fields)}.{freq}"
        case Heading(label=label, explode=explode, major=major, subheadings=subheadings):
            words = label.replace(",", " ").split()
            text = f'"{label}"' if _needs_quotes(words) else label
            return ("exp " if explode else "") + ("*" if major else "") + text + "/" + ",".join(subheadings)
        case LineRef(number=number):
            return str(number)
        case LineRange(op=op, numbers=numbers):
            return f"{op}/{_compress(numbers)}"
        case Limit(child=child, filters=filters):
            if len(filters) == 1:
                spec = filters[0].raw
            else:
                spec = "(" + " and ".join(_grouped(f) for f in filters) + ")"
            return f"limit {child.number} to {spec}"
    raise TypeError(f"to_ovid cannot print {type(node).__name__}")


def _grouped(f: Filter) -> str:
    """A filter inside ``(a and b)``: alternatives need their own parentheses."""
    alternatives = len(f.values) > 1 and f.kind not in ("year", "entry-date")
    return f"({f.raw})" if alternatives and not f.raw.startswith("(") else f.raw


def _operand(node: Node, *, inside_near: bool) -> str:
    text = _expr(node)
    if isinstance(node, Bool) or (inside_near and isinstance(node, Near)):
        return f"({text})"
    return text


def _compress(numbers: tuple[int, ...]) -> str:
    """1,2,3,5 → 1-3,5 (keeps the written order of runs)."""
    parts: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        parts.append(str(numbers[i]) if i == j else f"{numbers[i]}-{numbers[j]}")
        i = j + 1
    return ",".join(parts)
