"""The round-trip check: does a rendering, read back, mean what the Ovid strategy meant?

`round_trip(strategy, rendering)` reads the rendered query back, projects the strategy's meaning
onto the target (`logical.project`), compares the two and sorts every difference into
*explained* (the rendering carries a diagnostic whose code declares that kind of loss) and
*unexplained* (a silent change of meaning: a renderer bug, or a reader bug).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trawl.dialects import codes as c
from trawl.dialects.readback import read, syntax
from trawl.dialects.readback.logical import (
    LF,
    Difference,
    compare,
    project,
    read_form,
    strategy_form,
)
from trawl.dialects.rendering import Rendering
from trawl.query.ast import Strategy

#: Which renderer diagnostics declare each kind of difference (trawl/dialects/codes.py).
LOSS_CODES: dict[str, frozenset[str]] = {
    "fields": frozenset({c.FIELD_APPROXIMATED, c.FIELD_UNKNOWN}),
    "heading": frozenset({c.HEADING_INEXACT, c.HEADING_UNMAPPED, c.HEADING_UNSUPPORTED,
                          c.SUBHEADING_CHANGED, c.EXPLODE_UNAVAILABLE, c.MAJOR_UNAVAILABLE,
                          c.VOCAB_UNAVAILABLE}),
    "wildcard": frozenset({c.LIMITED_TRUNCATION, c.WILDCARD_APPROXIMATED, c.WILDCARD_DROPPED,
                           c.TRUNCATION_TOO_SHORT, c.PUBMED_SHORT_STEM}),
    "proximity": frozenset({c.PROXIMITY_TO_AND, c.PROXIMITY_APPROXIMATED,
                            c.OPERATOR_IN_PROXIMITY}),
    # a limit field the target lacks may also be searched as text in default fields (DIA003)
    "filter": frozenset({c.LIMIT_DROPPED, c.FILTER_AS_PARAM, c.FILTER_UNCONFIRMED,
                         c.LANGUAGE_UNAVAILABLE, c.PARAM_FROM_INNER_LINE, c.PUBLICATION_DATE,
                         c.FIELD_UNKNOWN, c.DATE_UI_LIMITER}),
    # a date limit left out of the query text for a search-interface limiter (DIA038)
    "filter-missing": frozenset({c.LIMIT_DROPPED, c.FILTER_AS_PARAM, c.LANGUAGE_UNAVAILABLE,
                                 c.PARAM_FROM_INNER_LINE, c.PUBLICATION_DATE,
                                 c.DATE_UI_LIMITER}),
    # the review's limits added (DIA020), or a publication date standing in for an entry date
    "filter-extra": frozenset({c.REVIEW_FILTERS, c.PUBLICATION_DATE}),
}


@dataclass
class RoundTrip:
    target: str
    expected: LF
    actual: LF
    differences: list[Difference] = field(default_factory=list)
    unexplained: list[Difference] = field(default_factory=list)

    def report(self) -> str:
        """A readable account of the unexplained differences, for a failing test."""
        lines = [f"{self.target}: {len(self.unexplained)} unexplained difference(s)"]
        for d in self.unexplained[:8]:
            lines.append(f"  [{d.kind}] expected {_short(d.expected)}\n"
                         f"  {' ' * len(d.kind)}   actual   {_short(d.actual)}")
        return "\n".join(lines)


def _short(form: LF | None, width: int = 220) -> str:
    text = repr(form)
    return text if len(text) <= width else text[:width] + "…"


def round_trip(strategy: Strategy, rendering: Rendering) -> RoundTrip:
    """Read ``rendering`` back and compare it with ``strategy``'s final line."""
    target = rendering.target
    form = syntax(target)
    lines = {}
    for line in rendering.lines:
        try:
            lines[line.line] = read(target, line.text)
        except ValueError:
            continue  # the history form is checked separately; the query is what runs
    pieces = rendering.queries or [rendering.query]
    actual_forms = [read_form(form, read(target, q), lines) for q in pieces]
    actual = actual_forms[0] if len(actual_forms) == 1 else ("or", tuple(actual_forms))
    expected = project(strategy_form(strategy), target)
    diffs = compare(expected, actual)
    declared = {d.code for d in rendering.diagnostics}
    unexplained = []
    for d in diffs:
        if d.kind == "filter-missing" and rendering.api_params:
            continue  # sent as an API parameter instead of query text: not silent
        if not (LOSS_CODES.get(d.kind, frozenset()) & declared):
            unexplained.append(d)
    return RoundTrip(target, expected, actual, diffs, unexplained)
