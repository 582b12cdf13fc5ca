"""Clustering never chains unrelated records, and honours a person's overrides."""

import pytest
from dedup_builders import rec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trawl.dedup.cluster import compatible
from trawl.dedup.compare import compare
from trawl.dedup.engine import deduplicate
from trawl.dedup.normalise import keys_of
from trawl.dedup.overrides import ResolvedOverride
from trawl.query.diagnostics import TrawlError

STEM = "Effects of a peer-led recovery intervention on personal recovery among adults with severe mental illness"


def test_a_truncated_title_cannot_chain_two_different_papers():
    trial = rec("pubmed", "1", title=STEM + ": a randomised controlled trial", year=2020,
                authors=["Lee"], journal="BMJ Open")
    protocol = rec("pubmed", "2", title=STEM + ": protocol for a randomised controlled trial",
                   year=2020, authors=["Lee"], journal="Trials")
    scholar = rec("google-scholar", None, title=STEM + "…", year=2020, authors=["Lee"])
    result = deduplicate([(1, trial), (2, protocol), (3, scholar)])
    # Each of the two papers matches the truncated record on its own ...
    assert compare(keys_of(1, trial), keys_of(3, scholar)).decision == "duplicate"
    assert compare(keys_of(2, protocol), keys_of(3, scholar)).decision == "duplicate"
    # ... but the papers are not compatible, so no cluster holds both, and the truncated
    # record, which could be either, is left alone for a person to decide.
    owner = result.cluster_of()
    assert owner[1] != owner[2]
    assert owner[3] == 3
    assert any("which are different works" in r for b in result.borderline for r in b.comparison.reasons)


def test_complete_linkage_refuses_a_link_that_would_join_incompatible_records():
    from trawl.dedup.cluster import cluster

    trial = rec("pubmed", "1", title=STEM + ": a randomised controlled trial", year=2020)
    protocol = rec("pubmed", "2", title=STEM + ": protocol for a randomised controlled trial", year=2020)
    keys = {1: keys_of(1, trial), 2: keys_of(2, protocol), 3: keys_of(3, trial)}
    dup = compare(keys[1], keys[3])
    # Edges as if 3 matched both (e.g. through blocking noise): 1-3 first, then 2-3.
    edges = [(1, 3, dup), (2, 3, dup)]
    result = cluster([1, 2, 3], edges, lambda a, b: compare(keys[a], keys[b]))
    assert result.clusters == [(1, 3), (2,)]
    refused = [lk for lk in result.links if not lk.accepted]
    assert refused and "not compatible" in refused[0].note


def test_conflicting_dois_never_share_a_cluster_through_a_bridge():
    a = rec("pubmed", "1", doi="10.1000/a.1", title=STEM, year=2020, authors=["Lee"])
    b = rec("scopus", "2", doi="10.1000/a.2", title=STEM, year=2020, authors=["Lee"])
    bridge = rec("wos", "3", title=STEM, year=2020, authors=["Lee"], journal="BMJ")
    result = deduplicate([(1, a), (2, b), (3, bridge)])
    owner = result.cluster_of()
    assert owner[1] != owner[2]


def test_never_override_keeps_apart_and_always_override_merges():
    a = rec("pubmed", "1", doi="10.1000/a.1", title=STEM, year=2020)
    b = rec("scopus", "2", doi="10.1000/a.1", title=STEM, year=2020)
    c = rec("wos", "3", title="A quite different paper about cardiac rehabilitation", year=2011)
    plain = deduplicate([(1, a), (2, b), (3, c)])
    assert plain.clusters == [(1, 2), (3,)]
    never = ResolvedOverride("never", (1, 2), "abstract and paper", "never[0]")
    always = ResolvedOverride("always", (1, 3), "same trial, per the authors", "always[0]")
    result = deduplicate([(1, a), (2, b), (3, c)], [never, always])
    assert result.clusters == [(1, 3), (2,)]


def test_contradictory_overrides_are_an_error():
    a, b = rec("pubmed", "1", title=STEM), rec("scopus", "2", title=STEM)
    c = rec("wos", "3", title=STEM)
    with pytest.raises(TrawlError, match="never-merge"):
        deduplicate(
            [(1, a), (2, b), (3, c)],
            [ResolvedOverride("always", (1, 2), "x", "always[0]"),
             ResolvedOverride("always", (2, 3), "y", "always[1]"),
             ResolvedOverride("never", (1, 3), "z", "never[0]")],
        )


# Random records drawn from a tiny vocabulary, so that near-misses, shared DOIs, truncations and
# conflicting identifiers are common; every cluster must still be pairwise compatible.
WORDS = ["peer", "support", "recovery", "mental", "health", "trial", "protocol", "services"]
titles = st.lists(st.sampled_from(WORDS), min_size=6, max_size=9).map(" ".join)
records = st.builds(
    lambda title, trunc, doi, pmid, year, author: rec(
        "src", None,
        title=(title[: len(title) * 2 // 3] + "…") if trunc else title,
        doi=f"10.1000/x.{doi}" if doi is not None else None,
        pmid=str(pmid) if pmid is not None else None,
        year=year, authors=[author] if author else [],
    ),
    titles, st.booleans(), st.one_of(st.none(), st.integers(1, 3)),
    st.one_of(st.none(), st.integers(1, 3)), st.one_of(st.none(), st.integers(2019, 2021)),
    st.one_of(st.none(), st.sampled_from(["Lee", "Kim"])),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, min_size=2, max_size=14))
def test_every_pair_inside_a_cluster_is_compatible(recs):
    items = list(enumerate(recs, start=1))
    keys = {i: keys_of(i, r) for i, r in items}
    for members in deduplicate(items).clusters:
        for i, x in enumerate(members):
            for y in members[i + 1 :]:
                assert compatible(compare(keys[x], keys[y])), (x, y)
