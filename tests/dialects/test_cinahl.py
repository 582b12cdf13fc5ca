"""Ovid -> CINAHL on EBSCOhost, as a translation table (ebsco.md)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    # no combined title/abstract code: TI (...) OR AB (...)
    ("psw.ti,ab.", "TI psw OR AB psw", set()),
    ("(pain adj3 chronic).ti,ab.", "TI (pain N2 chronic) OR AB (pain N2 chronic)", set()),
    ("(pain adj chronic).ti.", 'TI "pain chronic"', set()),  # phrases are always quoted
    ("(peer adj (provid* or support*)).ti.", "TI (peer W0 (provid* OR support*))", set()),
    # ? and # swap meaning on EBSCO
    ("colo?r.ti.", "TI colo#r", set()),
    ("wom#n.ti.", "TI wom?n", set()),
    ("dog$1.ti.", "TI dog*", {"DIA007"}),
    # MeSH re-mapped to CINAHL Headings through trawl.vocab; + inside the quotes explodes
    ("exp Peer Group/", '(MH "Peer Group+")', set()),
    ("Peer Group/", '(MH "Peer Group")', set()),
    ("*Peer Group/", '(MM "Peer Group")', set()),
    ("exp Health Care Sector/", '(MH "Health Care Industry+")', {"DIA037"}),  # crosswalk row unverified
    # no CINAHL heading: free text (entry terms) and a warning
    ("exp State Medicine/", 'TI ("State Medicine" OR "Socialized Medicine") OR '
     'AB ("State Medicine" OR "Socialized Medicine")', {"DIA012"}),
    ("(a.ti. or b.ti.) and c.ti.", "(TI a OR TI b) AND TI c", set()),
    # Ovid lets ANDed words sit in different fields: the field list goes below the AND
    ("(3d and hycosy).ti,ab.", "(TI 3d OR AB 3d) AND (TI hycosy OR AB hycosy)", set()),
    ("(a not b).ti,ab.", "(TI a OR AB a) NOT (TI b OR AB b)", set()),
    # .sh. on words or a group means headings, crosswalked like X/
    ("(animals not (humans and animals)).sh.",
     '(MH "Animals") NOT ((MH "Human") AND (MH "Animals"))', {"DIA037"}),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("cinahl", ovid, expected, codes)


def test_history_uses_s_numbers_and_spells_out_ranges():
    r = render("cinahl", "1. a.ti.\n2. b.ti.\n3. c.ti.\n4. or/1-3")
    assert r.lines[-1].text == "S1 OR S2 OR S3"


def test_review_cutoff_uses_cinahl_entry_month():
    r = render("cinahl", "asthma.ti.", review=review())
    assert r.lines[-1].text == "S1 AND EM 180001-202101"
    assert "DIA026" in {d.code for d in r.diagnostics}  # the EM format is unconfirmed
