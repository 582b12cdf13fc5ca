"""Ovid -> OpenAlex works search (openalex.md)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    ("psw.ti,ab.", "psw", set()),
    ("heart attack.ti,ab.", '"heart attack"', set()),
    # Lucene slop misses the reversed order within N: both orders, exactly "any order"
    ("(pain adj3 chronic).ti,ab.", '"pain chronic"~2 OR "chronic pain"~2', set()),
    ("((pain or ache) adj2 chronic).ti,ab.",
     '"pain chronic"~1 OR "chronic pain"~1 OR "ache chronic"~1 OR "chronic ache"~1', {"DIA006"}),
    # a wildcard phrase inside a Boolean is an HTTP 400: words ANDed, with a warning
    ("heart attack*.ti,ab.", "heart AND attack*", {"DIA005"}),
    ("(child* adj3 obes*).ti,ab.", "child* AND obes*", {"DIA004"}),
    ("ab*.ti,ab.", "ab", {"DIA010"}),  # at least 3 characters before *
    ("colo?r.ti,ab.", "colo*r", {"DIA008"}),
    ("psw.ti,ab,kf.", "psw", {"DIA002"}),  # no author-keyword search: narrower
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("openalex", ovid, expected, codes)


def test_search_parameter_and_filters():
    r = render("openalex", "1. psw.ti,ab.\n2. limit 1 to english", review=review())
    assert r.query == "psw"
    assert r.query_param == "search.title_and_abstract.exact"
    assert r.api_params == {"filter": "language:en,to_created_date:2021-01-04"}


def test_title_only_uses_the_title_search():
    assert render("openalex", "psw.ti.").query_param == "search.title.exact"


def test_long_query_is_split_to_fit_the_url_limit():
    n = 400
    ovid = "\n".join(f"{i + 1}. longword{i:04d}.ti,ab." for i in range(n))
    ovid += f"\n{n + 1}. or/1-{n}"
    r = render("openalex", ovid)
    assert len(r.queries) > 1
    from urllib.parse import urlencode
    for q in r.queries:
        assert len("https://api.openalex.org/works?" + urlencode({r.query_param: q})) <= 4094
    assert sorted(w for q in r.queries for w in q.split(" OR ")) == \
        sorted(f"longword{i:04d}" for i in range(n))
    assert "OPENALEX001" in {d.code for d in r.diagnostics}
