"""Ovid -> Google Scholar (google-scholar.md): lossy by nature, every loss reported."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    ("psw.ti.", "intitle:psw", set()),
    ("heart attack.ti.", 'intitle:"heart attack"', set()),
    ("psw.ti,ab.", "psw", {"DIA002"}),  # full text: broader
    ("child*.ti,ab.", "child", {"DIA009"}),  # no truncation at all
    ("(pain adj3 chronic).ti,ab.", "pain chronic", {"DIA004"}),  # no proximity: AND (space)
    ("(pain adj1 chronic).ti,ab.", '"pain chronic" OR "chronic pain"', set()),
    ("exp Peer Group/", '"Peer Group" OR "Peer Groups"', {"DIA013"}),
    ("(a.ti,ab. or b.ti,ab.) and c.ti,ab.", "(a OR b) c", set()),
    ("asthma.ti,ab. not (child.ti,ab. or infant.ti,ab.)", "asthma -child -infant", set()),
    # an exclusion that is not a list of words cannot be expressed
    ("asthma.ti,ab. not (child.ti,ab. and infant.ti,ab.)", "asthma", {"DIA024"}),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("google-scholar", ovid, expected, codes)


def test_language_and_dates_are_url_parameters():
    r = render("google-scholar", "1. psw.ti.\n2. limit 1 to english", review=review())
    assert r.api_params == {"lr": "lang_en", "as_yhi": "2021"}
    found = {d.code for d in r.diagnostics}
    assert {"DIA018", "DIA019"} <= found


def test_queries_over_256_characters_are_split_into_an_equivalent_list():
    words = [f"word{i}" for i in range(40)]
    ovid = "\n".join(f"{i + 1}. {w}.ti,ab." for i, w in enumerate(words))
    ovid += "\n41. or/1-20\n42. or/21-40\n43. 41 and 42"
    r = render("google-scholar", ovid)
    assert len(r.query) > 256
    assert len(r.queries) > 1
    assert all(len(q) <= 256 for q in r.queries)
    # the union of the pieces covers every pair of the two concepts exactly once
    pairs = set()
    for q in r.queries:
        left, right = q.split(") (")
        for a in left.strip("()").split(" OR "):
            for b in right.strip("()").split(" OR "):
                assert (a, b) not in pairs
                pairs.add((a, b))
    assert len(pairs) == 20 * 20
    assert "GSCHOLAR001" in {d.code for d in r.diagnostics}
