"""Ovid -> Embase.com, as a translation table (embase.md)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    ("psw.ti,ab.", "psw:ti,ab", set()),
    ("heart attack.ti.", "'heart attack':ti", set()),
    # Embase.com NEAR/n counts like Ovid adjN (n-1 between): adj3 -> NEAR/3
    ("(pain adj3 chronic).ti,ab.", "(pain NEAR/3 chronic):ti,ab", set()),
    ("(pain adj1 chronic).ti.", "(pain NEAR/1 chronic):ti", set()),
    ("(peer adj (provid* or support*)).ti.", "(peer NEXT/1 (provid* OR support*)):ti", set()),
    # truncation inside phrases may give no hits: NEXT/1 instead
    ("heart attack*.ti.", "(heart NEXT/1 attack*):ti", set()),
    ("colo?r.ti.", "colo$r:ti", set()),
    ("wom#n.ti.", "wom?n:ti", set()),
    # MeSH -> Emtree via trawl.vocab, never copied
    ("exp Peer Group/", "'peer group'/exp", set()),
    ("Peer Group/", "'peer group'/de", set()),
    ("exp *Peer Group/", "'peer group'/exp/mj", set()),
    ("exp Cooperative Behavior/", "'cooperation'/exp", set()),
    ("asthma.ti. not child*.ti.", "asthma:ti NOT child*:ti", set()),
    # X.sh. is the heading X; the crosswalk keeps Emtree's check tag unexploded, and says so
    ("exp animals/ not humans.sh.", "'animal'/de NOT 'human'/de", {"DIA015", "DIA037"}),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("embase", ovid, expected, codes)


def test_history_and_limits():
    r = render("embase", "1. asthma.ti.\n2. limit 1 to english", review=review())
    assert [ln.text for ln in r.lines] == ["asthma:ti", "#1 AND [english]/lim",
                                           "#2 AND [1800-2021]/py"]
    assert "DIA019" in {d.code for d in r.diagnostics}  # no confirmed entry-date syntax
