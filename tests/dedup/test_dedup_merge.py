"""The merged record: best value per field, and each field remembers its source records."""

from dedup_builders import rec

from trawl.dedup.merge import merge


def test_each_field_remembers_the_records_it_came_from():
    pubmed = rec("pubmed", "111", pmid="111", title="Peer support: a review", year=2020,
                 authors=[("Lee", "A")], journal="Journal of Mental Health", abstract="Short.",
                 languages=["eng"], keywords=["peer support"])
    scopus = rec("scopus", "2-s2.0-1", doi="10.1000/x.1", title="PEER SUPPORT: A REVIEW",
                 year=2020, authors=[("Lee", "A."), ("Kim", "B.")], journal="J Ment Health",
                 abstract="A much longer abstract that says a great deal more than the other.",
                 keywords=["Peer Support", "recovery"])
    scholar = rec("google-scholar", None, title="Peer support: a rev…", year=2020)
    m = merge([(3, scholar), (2, scopus), (1, pubmed)])
    assert m.cluster_id == 1
    assert m.fields["title"].value == "Peer support: a review" and m.fields["title"].record_ids == (1,)
    assert m.fields["abstract"].record_ids == (2,)
    assert [a.family for a in m.get("authors")] == ["Lee", "Kim"]
    assert m.fields["doi"].value == "10.1000/x.1" and m.fields["doi"].record_ids == (2,)
    assert m.fields["pmid"].record_ids == (1,)
    assert m.fields["journal"].value == "Journal of Mental Health"
    assert m.get("keywords") == ["peer support", "recovery"]
    assert m.get("keywords_by_value") == {"peer support": (1, 2), "recovery": (2,)}
    assert m.sources == ["pubmed", "scopus", "google-scholar"]
    assert m.members[1].identifiers() == ["accession 2-s2.0-1", "DOI 10.1000/x.1", "trawl record 2"]


def test_a_truncated_title_gives_way_to_a_full_one():
    scholar = rec("pubmed", "1", title="Peer support in community mental health…")
    full = rec("google-scholar", None, title="Peer support in community mental health services")
    assert merge([(1, scholar), (2, full)]).get("title") == "Peer support in community mental health services"
