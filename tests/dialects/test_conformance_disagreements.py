"""Peer vectors where the PEER is wrong by the dialect reference, kept as tests of OUR behaviour.

Rows come from ../shared/peer-vectors (bench/conformance_report.py lists every disagreement in
docs/conformance.md). Each row: Ovid input, target, what the peer expects, what trawl must mean
instead (checked on the read-back AST, not on spelling), why, and the dialect file and section.
"""

from __future__ import annotations

import pytest

from trawl.dialects import get_dialect
from trawl.dialects.readback import read
from trawl.query import parse_strategy
from trawl.query.ast import Near, walk

ROWS = [
    # input, target, peer expected, our proximity distance, why, reference
    ("term1 ADJ3 term2", "cinahl", "term1 N3 term2", 2,
     "adj3 allows 2 words between; EBSCO Nn counts words between, so N3 lets one more in",
     "ovid.md §6, §11.1; ebsco.md §4"),
    ("term1 ADJ3 term2", "wos", "term1 NEAR/3 term2", 2,
     "adj3 allows 2 words between; WoS NEAR/x counts words between",
     "ovid.md §11.1; wos.md §4, §9.1"),
    ("term1 ADJ3 term2", "scopus", "term1 W/3 term2", 2,
     "adj3 allows 2 words between; Scopus W/n counts words between",
     "ovid.md §11.1; scopus.md §4, §10.2"),
    ("(peer adj5 support).ti,ab.", "pubmed", '"peer support"[tiab:~5]', 4,
     "adj5 allows 4 words between; PubMed ~N is the number of words between",
     "ovid.md §11.1; pubmed.md §6"),
]


def _distances(target: str, text: str) -> set[int]:
    return {n.distance for n in walk(read(target, text)) if isinstance(n, Near)}


@pytest.mark.parametrize(("ovid", "target", "peer", "ours", "why", "ref"), ROWS,
                         ids=[f"{r[1]}:{r[0]}" for r in ROWS])
def test_adjn_is_not_copied(ovid, target, peer, ours, why, ref):
    rendering = get_dialect(target).render(parse_strategy(ovid))
    assert _distances(target, rendering.query) == {ours}, (why, ref, rendering.query)
    assert _distances(target, peer) != {ours}  # the peer's reading really differs


def test_exp_heading_is_not_indexterms_on_scopus():
    """Peer: exp X/ -> INDEXTERMS(X), which matches the heading exactly with no explosion
    (scopus.md §2, §10.9). Ours: free text with a declared DIA013 (comparison.md §1)."""
    rendering = get_dialect("scopus").render(parse_strategy("exp Peer Group/"))
    assert "INDEXTERMS(" not in rendering.query.upper()
    assert "DIA013" in {d.code for d in rendering.diagnostics}


AGREE = [  # regression tests where trawl and the peer agree (cheap to keep)
    ("Test.ti.", "wos", "TI=Test"),
    ("Test.ti.", "scopus", "TITLE(Test)"),
    ("Test.ab.", "wos", "AB=Test"),
]


@pytest.mark.parametrize(("ovid", "target", "peer"), AGREE)
def test_agreements_stay(ovid, target, peer):
    from trawl.dialects.readback import syntax
    from trawl.dialects.readback.logical import read_form

    rendering = get_dialect(target).render(parse_strategy(ovid))
    assert read_form(syntax(target), read(target, rendering.query)) == \
        read_form(syntax(target), read(target, peer))
