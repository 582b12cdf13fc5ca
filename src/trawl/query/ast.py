"""The typed, frozen AST of an Ovid search strategy.

Every node carries the `Span` of the source text it came from. Spans never take part in equality,
so a strategy printed back to Ovid and parsed again compares equal to the original.

Conventions the dialects rely on:
- `Term.text` is one word in canonical Ovid wildcard notation: ``*`` unlimited truncation (Ovid's
  ``$`` and ``:`` are normalised to it), ``*N`` limited truncation to at most N characters (Ovid
  ``$N``/``*N``), ``?`` zero-or-one character, ``#`` exactly one character.
- `Phrase` is words side by side (Ovid reads unquoted adjacent words as a phrase) or a quoted
  phrase; each word is a `Term`, so ``heart attack*`` truncates its last word.
- `Near.distance` is the maximum number of *intervening* words: Ovid ``adj`` is
  ``Near(distance=0, ordered=True)``; ``adjN`` is ``Near(distance=N-1, ordered=False)``
  (ovid.md §6: "separated by n-1 words ... in any order").
- Field codes are lower-case Ovid codes without dots: ``("ti", "ab")``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias


@dataclass(frozen=True, slots=True)
class Span:
    """1-based line and column of the first character, and the column just past the last one.

    ``line`` is the line in the text the user gave (before cleaning), so diagnostics point at
    what the librarian sees.
    """

    line: int
    column: int
    end_line: int
    end_column: int


NOWHERE = Span(0, 0, 0, 0)


def _span() -> Span:
    return field(default=NOWHERE, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    span: Span = _span()

    @property
    def has_wildcard(self) -> bool:
        return any(c in self.text for c in "*?#")


@dataclass(frozen=True, slots=True)
class Phrase:
    words: tuple[Term, ...]
    quoted: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Near:
    """Proximity. Chains of one operator (``a adj b adj c``) are one n-ary node."""

    operands: tuple[Node, ...]
    distance: int
    ordered: bool
    span: Span = _span()


BoolOp: TypeAlias = Literal["and", "or", "not"]


@dataclass(frozen=True, slots=True)
class Bool:
    """``and``/``or`` are n-ary and flattened; ``not`` is binary (left AND NOT right)."""

    op: BoolOp
    children: tuple[Node, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Fielded:
    """A field suffix on a term or group: ``(a or b).ti,ab.``; ``frequency`` is Ovid ``/freq=N``."""

    fields: tuple[str, ...]
    child: Node
    frequency: int | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Heading:
    """A controlled-vocabulary heading: ``exp *Label/dt,th``."""

    vocabulary: str  # "mesh", "emtree", "apa", "cinahl"
    label: str
    explode: bool = False
    major: bool = False
    subheadings: tuple[str, ...] = ()
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class LineRef:
    number: int
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class LineRange:
    """``or/1-13``, ``and/2,5-7``: the numbers in the order written, ranges expanded."""

    op: Literal["and", "or"]
    numbers: tuple[int, ...]
    span: Span = _span()


FilterKind: TypeAlias = Literal[
    "language", "year", "entry-date", "humans", "animals", "publication-type",
    "clinical-query", "age-group", "database", "abstracts", "other",
]


@dataclass(frozen=True, slots=True)
class Filter:
    """One limit. ``values`` are alternatives (OR); a `Limit`'s filters all apply (AND).

    For ``year`` and ``entry-date`` the values are ``(start, end)``; an open end is ``"current"``.
    ``raw`` keeps the text as written so nothing is lost for targets that cannot express it.
    """

    kind: FilterKind
    values: tuple[str, ...]
    raw: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Limit:
    child: LineRef
    filters: tuple[Filter, ...]
    span: Span = _span()


Node: TypeAlias = Term | Phrase | Near | Bool | Fielded | Heading | LineRef | LineRange | Limit


@dataclass(frozen=True, slots=True)
class Statement:
    """One line of a strategy. ``number`` is None for unnumbered statements (numbered by position).
    ``annotation`` is a trailing ``[bracketed display comment]``, kept but not searched."""

    number: int | None
    expr: Node
    annotation: str | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Strategy:
    """The numbered lines after resolution: every number set, every reference checked."""

    statements: tuple[Statement, ...]
    database: str = "ovid-medline"

    def by_number(self) -> dict[int, Statement]:
        return {s.number: s for s in self.statements if s.number is not None}

    @property
    def final(self) -> Statement:
        """The line the strategy ends on: the one the harvest and the single API query use."""
        return self.statements[-1]


def walk(node: Node):
    """Every node under (and including) ``node``, depth first."""
    yield node
    match node:
        case Near(operands=kids) | Bool(children=kids):
            for kid in kids:
                yield from walk(kid)
        case Fielded(child=kid) | Limit(child=kid):
            yield from walk(kid)
        case Phrase(words=words):
            yield from words
        case _:
            pass
