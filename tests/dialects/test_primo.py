"""Ovid -> Primo / Oria (primo.md)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    ("psw.ti,ab.", "psw", {"DIA002"}),  # any field: broader
    ("heart attack.ti,ab.", '"heart attack"', set()),
    ("wom#n.ti,ab.", "wom?n", set()),  # Primo ? = exactly one (Ovid #)
    ("colo?r.ti,ab.", "colo*r", {"DIA008"}),
    ("(pain adj3 chronic).ti,ab.", "pain AND chronic", {"DIA004"}),
    ("(pain adj1 chronic).ti,ab.", '"pain chronic" OR "chronic pain"', set()),
    # AND/NOT bind before OR: brackets kept
    ("(a.ti,ab. or b.ti,ab.) and c.ti,ab.", "(a OR b) AND c", set()),
    ("exp Peer Group/", '"Peer Group" OR "Peer Groups"', {"DIA013"}),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("primo", ovid, expected, codes)


def test_api_q_and_facets():
    r = render("primo", "1. psw.ti,ab.\n2. limit 1 to english", review=review())
    assert r.query == "any,contains,psw"
    assert r.query_param == "q"
    assert r.api_params == {
        "qInclude": "facet_lang,exact,eng|,|facet_searchcreationdate,exact,[* TO 2021]"}


def test_title_only_strategy_searches_the_title_field():
    assert render("primo", "psw.ti.").query == "title,contains,psw"
