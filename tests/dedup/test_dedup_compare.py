"""Pairwise verdicts: conservative by default, and every verdict says why."""

from dedup_builders import rec

from trawl.dedup.compare import compare
from trawl.dedup.normalise import keys_of

LONG = "Effects of a peer-led recovery intervention on personal recovery among adults with severe mental illness"


def verdict(a, b):
    return compare(keys_of(1, a), keys_of(2, b))


def test_same_doi_in_any_spelling_is_a_duplicate():
    c = verdict(
        rec("pubmed", "1", doi="10.1000/ABC.1", title=LONG, year=2020),
        rec("scopus", "2", doi="https://doi.org/10.1000/abc.1", title=LONG.upper(), year=2020),
    )
    assert c.decision == "duplicate"
    assert "same DOI 10.1000/abc.1" in c.reasons


def test_conflicting_identifiers_never_merge_even_with_identical_metadata():
    base = dict(title=LONG, year=2020, authors=["Lee"], journal="BMJ", volume="3", pages="1-9")
    c = verdict(rec("pubmed", "1", doi="10.1000/a.1", **base), rec("scopus", "2", doi="10.1000/a.2", **base))
    assert c.decision == "distinct" and c.conflict
    c = verdict(rec("pubmed", "1", pmid="111", **base), rec("embase", "2", pmid="112", **base))
    assert c.decision == "distinct" and c.conflict and "different PMIDs" in c.reasons[0]


def test_an_erratum_never_merges_with_the_paper():
    c = verdict(
        rec("pubmed", "1", title=LONG, year=2020, authors=["Lee"]),
        rec("pubmed", "2", title="Erratum: " + LONG, year=2020, authors=["Lee"]),
    )
    assert c.decision == "distinct" and c.conflict


def test_titles_differing_in_a_number_do_not_merge():
    c = verdict(
        rec("pubmed", "1", title=LONG + ": part 1", year=2020, authors=["Lee"], journal="BMJ"),
        rec("scopus", "2", title=LONG + ": part 2", year=2020, authors=["Lee"], journal="BMJ"),
    )
    assert c.decision != "duplicate" and c.conflict


def test_a_typo_with_corroborating_fields_is_a_duplicate():
    c = verdict(
        rec("pubmed", "1", title=LONG, year=2020, authors=[("Lee", "A")], journal="Journal of Mental Health", pages="10-19"),
        rec("wos", "2", title=LONG.replace("recovery", "recovey", 1), year=2020, authors=["LEE, A"], journal="J MENT HEALTH", pages="10"),
    )
    assert c.decision == "duplicate"
    assert any("same first author" in r for r in c.reasons)


def test_a_truncated_google_scholar_title_matches_as_a_prefix():
    c = verdict(
        rec("pubmed", "1", title=LONG, year=2020, authors=["Lee"]),
        rec("google-scholar", None, title=LONG[:70] + "…", year=2020, authors=["Lee"]),
    )
    assert c.decision == "duplicate"
    assert "truncated title" in c.reasons[0]


def test_same_title_years_apart_is_not_a_duplicate():
    c = verdict(
        rec("pubmed", "1", title=LONG, year=2016, authors=["Lee"]),
        rec("scopus", "2", title=LONG, year=2020, authors=["Lee"]),
    )
    assert c.decision != "duplicate"
    assert any("years differ" in r for r in c.reasons)


def test_shared_doi_with_unrelated_titles_is_left_for_a_person():
    # A supplement DOI shared by many conference abstracts.
    c = verdict(
        rec("embase", "1", doi="10.1000/suppl.1", title="Peer support in psychosis: a pilot", year=2020),
        rec("embase", "2", doi="10.1000/suppl.1", title="Cardiac rehabilitation uptake in rural areas", year=2020),
    )
    assert c.decision == "borderline"


def test_short_generic_titles_need_more_than_a_title():
    c = verdict(
        rec("scopus", "1", title="Editorial", year=2020, authors=["Lee"]),
        rec("wos", "2", title="Editorial", year=2020, authors=["Lee"]),
    )
    assert c.decision == "borderline"
    assert "short, generic title" in c.reasons


def test_unrelated_titles_are_distinct():
    c = verdict(rec("pubmed", "1", title=LONG, year=2020), rec("pubmed", "2", title="Something else entirely", year=2020))
    assert c.decision == "distinct" and not c.conflict


def test_companion_papers_differing_by_a_word_do_not_merge_but_typos_do():
    base = dict(year=2020, authors=["Lee"], journal="BMJ Open")
    adults = rec("pubmed", "1", title=LONG + " in adults", **base)
    children = rec("scopus", "2", title=LONG + " in children", **base)
    c = verdict(adults, children)
    assert c.decision != "duplicate" and c.conflict
    assert "titles differ by a word ('adults' / 'children')" in c.reasons
    typo = rec("wos", "3", title=LONG + " in adluts", **base)
    assert verdict(adults, typo).decision == "duplicate"


def test_a_truncated_title_that_hides_a_part_number_is_left_for_review():
    c = verdict(
        rec("pubmed", "1", title=LONG + ", part 2", year=2020, authors=["Lee"]),
        rec("google-scholar", None, title=LONG + "…", year=2020, authors=["Lee"]),
    )
    assert c.decision != "duplicate" and any("hides a number" in r for r in c.reasons)
