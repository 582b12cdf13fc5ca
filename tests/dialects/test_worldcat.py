"""Ovid -> WorldCat Search API v2 q (worldcat.md)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    ("psw.ti.", "ti:psw", set()),
    ("psw.ti,ab.", "kw:psw", {"DIA002"}),  # no title/abstract index: keyword, broader
    ("heart attack.ti.", 'ti:"heart attack"', set()),
    # every term carries its label (worldcat.md §2)
    ("(a.ti. or b.ti,ab.) and c.ti.", "(ti:a OR kw:b) AND ti:c", set()),
    # wildcards by meaning: WorldCat ? is zero-to-many, # is exactly one
    ("colo?r.ti.", "ti:colo?1r", set()),
    ("wom#n.ti.", "ti:wom#n", set()),
    ("dog$1.ti.", "ti:dog?1", set()),
    ("ca*.ti.", "ti:ca", {"DIA010"}),  # at least 3 leading characters
    ("(pain adj3 chronic).ti.", "ti:pain AND ti:chronic", {"DIA004"}),
    ("exp Peer Group/", 'su:"Peer Group"', {"DIA013"}),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("worldcat", ovid, expected, codes)


def test_language_and_date_are_api_parameters():
    r = render("worldcat", "1. psw.ti.\n2. limit 1 to english", review=review())
    assert r.query == "ti:psw"
    assert r.api_params == {"inLanguage": "eng", "datePublished": "1800-2021"}
    assert "DIA019" in {d.code for d in r.diagnostics}
