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


def test_no_entry_date_so_the_cutoff_is_a_publication_date_with_a_warning():
    r = render("academic-search-elite", "asthma.ti.", review=review())
    assert r.lines[-1].text == "S1 AND DT 18000101-20210104"
    assert "DIA019" in {d.code for d in r.diagnostics}
