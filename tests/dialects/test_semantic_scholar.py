"""Ovid -> Semantic Scholar bulk search (apis.md §10)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    ("psw.ti,ab.", "psw", {"DIA003"}),  # the query cannot be restricted to fields
    ("heart attack.ti,ab.", '"heart attack"', set()),
    ("(a.ti,ab. or b.ti,ab.) and c.ti,ab.", "(a | b) c", set()),
    ("asthma.ti,ab. not child.ti,ab.", "asthma -child", set()),
    ("child*.ti,ab.", "child*", set()),
    ("colo?r.ti,ab.", "colo*r", {"DIA008"}),
    ("(pain adj3 chronic).ti,ab.", "pain chronic", {"DIA004"}),
    ("co-production.ti,ab.", '"co-production"', set()),  # - would exclude
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("semantic-scholar", ovid, expected, codes)


def test_filters_are_parameters():
    r = render("semantic-scholar", "1. psw.ti,ab.\n2. limit 1 to english", review=review())
    assert r.api_params == {"publicationDateOrYear": ":2021-01-04"}
    assert {"DIA019", "DIA027"} <= {d.code for d in r.diagnostics}
