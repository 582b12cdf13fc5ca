"""Ovid -> Academic Search Elite on EBSCOhost, as a translation table (ebsco.md)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    ("psw.ti,ab.", "TI psw OR AB psw", set()),
    ("(pain adj3 chronic).ti.", "TI (pain N2 chronic)", set()),
    ("colo?r.ti.", "TI colo#r", set()),
    # its subject thesaurus has no crosswalk: a MeSH heading becomes free text, with a warning
    ("exp Peer Group/", 'TI ("Peer Group" OR "Peer Groups") OR AB ("Peer Group" OR "Peer Groups")',
     {"DIA013", "DIA015"}),
    ("psw.ti,ab,kf.", "TI psw OR AB psw OR KW psw", set()),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("academic-search-elite", ovid, expected, codes)


def test_no_entry_date_so_the_cutoff_is_the_published_date_limiter_with_a_warning():
    # ebsco.md §2, §7: the DT range format is unconfirmed; the interface limiter is named
    r = render("academic-search-elite", "asthma.ti.", review=review())
    assert r.lines[-1].text == "TI asthma" and r.query == "TI asthma"
    codes = {d.code: d for d in r.diagnostics}
    assert "DIA019" in codes
    assert '"Published Date" from the earliest date to January 2021' in codes["DIA038"].message
    assert codes["DIA038"].fix is None  # no entry-date field to suggest on this database
