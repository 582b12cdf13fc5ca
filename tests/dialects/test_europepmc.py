"""Ovid -> Europe PMC (europepmc.md)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    ("psw.ti,ab.", "TITLE_ABS:psw", set()),
    ("psw.ti.", "TITLE:psw", set()),
    ("(pain adj3 chronic).ti,ab.", 'TITLE_ABS:("pain chronic"~2 OR "chronic pain"~2)', set()),
    ("heart attack*.ti,ab.", "TITLE_ABS:(heart AND attack*)", {"DIA005"}),
    ("colo?r.ti,ab.", "TITLE_ABS:colo*r", {"DIA008"}),
    ("wom#n.ti,ab.", "TITLE_ABS:wom?n", set()),
    ("Peer Group/", 'MESH:"Peer Group"', set()),
    ("exp Peer Group/", 'MESH:"Peer Group"', {"DIA015"}),  # explosion unconfirmed
    ("(a.ti,ab. or b.ti,ab.) and c.ti,ab.", "(TITLE_ABS:a OR TITLE_ABS:b) AND TITLE_ABS:c", set()),
    ("(a and b).ti,ab,kf.", "(TITLE_ABS:a OR KW:a) AND (TITLE_ABS:b OR KW:b)", {"DIA002"}),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("europepmc", ovid, expected, codes)


def test_limits_are_query_text():
    r = render("europepmc", "1. psw.ti,ab.\n2. limit 1 to english", review=review())
    assert r.query == "TITLE_ABS:psw AND LANG:eng AND FIRST_IDATE:[1800-01-01 TO 2021-01-04]"
