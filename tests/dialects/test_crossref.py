"""Ovid -> Crossref: a relevance-ranked bag of words plus precise filters (crossref.md)."""

from __future__ import annotations

from ._tables import render, review


def test_boolean_structure_becomes_a_bag_of_distinct_words():
    r = render("crossref", "1. (peer adj (provid* or support*)).ti,ab.\n2. peer group.ti,ab.\n"
               "3. 1 or 2")
    assert r.query == "peer provid support group"
    assert r.query_param == "query.bibliographic"
    codes = {d.code for d in r.diagnostics}
    assert {"CROSSREF001", "DIA009"} <= codes


def test_exclusions_are_dropped_with_a_warning():
    r = render("crossref", "asthma.ti. not child.ti.")
    assert r.query == "asthma"
    assert "DIA024" in {d.code for d in r.diagnostics}


def test_cutoff_is_a_created_date_filter_and_language_is_refused():
    r = render("crossref", "1. asthma.ti.\n2. limit 1 to english", review=review())
    assert r.api_params == {"filter": "until-created-date:2021-01-04"}
    assert "DIA027" in {d.code for d in r.diagnostics}
