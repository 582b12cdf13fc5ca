"""Ovid -> Scopus advanced search / Search API, as a translation table (scopus.md)."""

from __future__ import annotations

import pytest

from trawl.query.diagnostics import TrawlError

from ._tables import check, render, review

CASES = [
    ("psw.ti,ab.", "TITLE-ABS-KEY(psw)", {"DIA002"}),  # TITLE-ABS-KEY adds keyword fields
    ("psw.ti.", "TITLE(psw)", set()),
    ("psw.ab.", "ABS(psw)", set()),
    ("psw.kf.", "AUTHKEY(psw)", set()),
    ("heart attack.ti.", 'TITLE("heart attack")', set()),
    # adjN (N-1 between, any order) -> W/(N-1); never copy N
    ("(pain adj3 chronic).ti.", "TITLE(pain W/2 chronic)", set()),
    ("(pain adj1 chronic).ti.", "TITLE(pain W/0 chronic)", set()),
    # adj (ordered) with a group -> PRE/0, which takes OR-groups
    ("(peer adj (provid* or support*)).ti.", "TITLE(peer PRE/0 (provid* OR support*))", set()),
    ("(child* adj3 (obes* or overweight)).ti.", "TITLE(child* W/2 (obes* OR overweight))", set()),
    ("colo?r.ti.", "TITLE(colo*r)", {"DIA008"}),  # Scopus ? = exactly one character
    ("wom#n.ti.", "TITLE(wom?n)", set()),  # Ovid # (exactly one) = Scopus ?
    ("dog$1.ti.", "TITLE(dog*)", {"DIA007"}),
    # no subject headings: free text of label and entry terms, with a warning
    ("exp Peer Group/", 'TITLE-ABS-KEY("Peer Group" OR "Peer Groups")', {"DIA013", "DIA015"}),
    # OR binds before AND in Scopus: every group is bracketed
    ("(a.ti. or b.ti.) and c.ti.", "(TITLE(a) OR TITLE(b)) AND TITLE(c)", set()),
    ("asthma.ti. not child*.ti.", "TITLE(asthma) AND NOT TITLE(child*)", set()),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("scopus", ovid, expected, codes)


def test_line_references_are_inlined():
    r = render("scopus", "1. asthma.ti.\n2. wheez*.ti.\n3. 1 or 2\n4. 3 and child*.ti.")
    assert r.query == "(TITLE(asthma) OR TITLE(wheez*)) AND TITLE(child*)"
    assert r.lines[2].text == "TITLE(asthma) OR TITLE(wheez*)"
    assert "DIA021" in {d.code for d in r.diagnostics}


def test_limits_become_field_restrictions():
    r = render("scopus", '1. asthma.ti.\n2. limit 1 to (english language and yr="2000-2021")')
    assert r.query == "TITLE(asthma) AND LANGUAGE(english) AND PUBYEAR > 1999 AND PUBYEAR < 2022"


def test_review_cutoff_uses_load_date_and_says_it_is_unconfirmed():
    r = render("scopus", "asthma.ti.", review=review())
    assert r.query == "TITLE(asthma) AND ORIG-LOAD-DATE < 20210105"
    assert "DIA026" in {d.code for d in r.diagnostics}


def test_review_can_choose_strict_title_and_abstract():
    r = render("scopus", "psw.ti,ab.", review=review(fields={"scopus": {"ti,ab": "TITLE,ABS"}}))
    assert r.lines[0].text == "TITLE(psw) OR ABS(psw)"
    assert r.fields[".ti,ab."]["source"] == "review.toml"


def test_review_naming_an_unknown_field_is_refused():
    with pytest.raises(TrawlError, match="TITLEABS"):
        render("scopus", "psw.ti,ab.", review=review(fields={"scopus": {"ti,ab": "TITLEABS"}}))


@pytest.mark.parametrize("fields", [
    {"ti,ab": 5},
    {"title": "ti,ab"},
    {"scopus": "TITLE"},
    {"headings": "title and abstract"},
])
def test_malformed_fields_tables_are_refused(fields):
    with pytest.raises(TrawlError, match="review.toml"):
        render("scopus", "psw.ti,ab.", review=review(fields=fields))
