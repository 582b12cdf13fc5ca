"""Ovid MEDLINE strategy -> Embase on Ovid: same syntax, Emtree headings (ovid.md §8)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    ("psw.ti,ab.", "psw.ti,ab.", set()),
    ("(pain adj3 chronic).ti,ab.", "(pain adj3 chronic).ti,ab.", set()),
    # MeSH headings are re-mapped to Emtree through trawl.vocab, never copied
    ("exp Peer Group/", "exp peer group/", {"DIA037"}),
    ("exp Cooperative Behavior/", "exp cooperation/", {"DIA037"}),
    ("exp State Medicine/", "exp national health service/", set()),
    ("psw.tw.", "psw.tw.", {"DIA002"}),  # Embase .tw. adds drug trade names
    # MEDLINE subheading codes are not carried into Emtree
    ("Peer Group/px", "peer group/", {"DIA014"}),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("ovid-embase", ovid, expected, codes)


def test_cutoff_uses_date_created_and_limits_are_reworded():
    r = render("ovid-embase", "1. a.ti.\n2. limit 1 to humans", review=review())
    assert [ln.text for ln in r.lines][1:] == ["limit 1 to human", "limit 2 to dc=18000101-20210104"]
