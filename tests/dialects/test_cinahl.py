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


def test_review_cutoff_is_an_interface_limiter_not_the_unconfirmed_em_field():
    # ebsco.md §2: EM (entry month) is [unconfirmed]; §7: the "Published Date" limiter is
    # set in the interface, not typed into the query. So no date in the query, a warning that
    # says exactly what to set, the publication-date stand-in declared, and EM offered as a test.
    r = render("cinahl", "asthma.ti.", review=review())
    assert r.query == "TI asthma" and [ln.text for ln in r.lines] == ["TI asthma"]
    assert not r.api_params  # CINAHL is searched by hand (export route): no API
    by_code = {d.code: d for d in r.diagnostics}
    assert "DIA019" in by_code  # a publication date stands in for the entry date
    limiter = by_code["DIA038"]
    assert limiter.severity == "warning"
    assert '"Published Date" from the earliest date to January 2021' in limiter.message
    assert "EM 180001-202101" in (limiter.fix or "")
    assert "EM " not in r.query


def test_year_limit_is_the_published_date_limiter_on_its_search():
    r = render("cinahl", '1. asthma.ti.\n2. limit 1 to yr="2000-2021"')
    assert [ln.text for ln in r.lines] == ["TI asthma", "S1"]
    (limiter,) = [d for d in r.diagnostics if d.code == "DIA038"]
    assert "from January 2000 to December 2021 on the final search (S2)" in limiter.message
    assert "DT " not in r.query  # ebsco.md §2: the DT range format is unconfirmed


@pytest.mark.parametrize("word", ["MR", "CT", "PT", "N2", "W1"])
def test_words_that_read_as_a_field_code_or_proximity_operator_are_quoted(word):
    # ebsco.md §1: a two-letter prefix followed by a space is a field code (which codes exist
    # depends on the database, §2); §4: Nn/Wn are proximity operators. clef-cd009372 has
    # (MR OR MRI ...): unquoted, MR reads as a field code followed by OR (CoLRev's search-query
    # linter: PARSE_0004). Quoted, the word is a search term on every EBSCO database.
    text = render("cinahl", f"({word} or MRI).ti.").query
    assert text == f'TI ("{word}" OR MRI)'
    from trawl.dialects.readback import read

    assert read("cinahl", text) is not None  # still EBSCO syntax for our own reader
