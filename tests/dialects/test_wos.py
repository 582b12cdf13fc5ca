"""Ovid -> Web of Science advanced search, as a translation table (wos.md)."""

from __future__ import annotations

import pytest

from ._tables import check, render

CASES = [
    ("psw.ti,ab.", "TS=psw", {"DIA002"}),  # TS adds author keywords and Keywords Plus
    ("psw.ti.", "TI=psw", set()),
    ("heart attack.ab.", 'AB="heart attack"', set()),
    # NEAR/x = at most x words between: adj3 -> NEAR/2 (never bare NEAR = 15)
    ("(pain adj3 chronic).ti.", "TI=(pain NEAR/2 chronic)", set()),
    ("(pain adj1 chronic).ti.", "TI=(pain NEAR/0 chronic)", set()),
    ("(child* adj3 (obes* or overweight)).ti.", "TI=(child* NEAR/2 (obes* OR overweight))", set()),
    # no ordered proximity: adj with a group becomes phrases
    ("(peer adj (provid* or support*)).ti.", 'TI=("peer provid*" OR "peer support*")', {"DIA006"}),
    # AND is not allowed inside a NEAR operand
    ("((pain and chronic) adj3 back).ti.", "TI=(pain AND chronic AND back)", {"DIA033"}),
    ("colo?r.ti.", "TI=colo$r", set()),  # WoS $ = zero or one (Ovid ?)
    ("wom#n.ti.", "TI=wom?n", set()),  # WoS ? = exactly one (Ovid #)
    ("ca*.ti.", "TI=ca", {"DIA010"}),  # at least 3 characters before the wildcard
    ("exp Peer Group/", 'TS=("Peer Group" OR "Peer Groups")', {"DIA013"}),
    # AND binds before OR in WoS: brackets kept
    ("(a.ti. or b.ti.) and c.ti.", "(TI=a OR TI=b) AND TI=c", set()),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("wos", ovid, expected, codes)


def test_history_uses_set_numbers():
    r = render("wos", "1. asthma.ti.\n2. wheez*.ti.\n3. or/1-2\n4. limit 3 to english")
    assert [ln.text for ln in r.lines] == ["TI=asthma", "TI=wheez*", "#1 OR #2", "#3 AND LA=(English)"]
    assert r.query == "(TI=asthma OR TI=wheez*) AND LA=(English)"
