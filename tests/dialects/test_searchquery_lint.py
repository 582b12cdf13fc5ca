"""Independent check: CoLRev's search-query linter (MIT; a test-only dependency) reads our
PubMed, Web of Science and EBSCOhost renderings of the seed and the corpus without a fatal
message. Every warning code it gives must be in ACCEPTED with the reason it is acceptable."""

from __future__ import annotations

import contextlib
import io

import pytest

from conftest import SEED, SHARED
from trawl.dialects import get_dialect
from trawl.query import analyse
from trawl.review import Review

search_query_linter = pytest.importorskip("search_query.linter")

PLATFORM = {"pubmed": "pubmed", "wos": "wos", "cinahl": "ebscohost",  # both EBSCO targets
            "academic-search-elite": "ebscohost"}

# warning code -> why it is acceptable for a compiled rendering
ACCEPTED = {
    "STRUCT_0001": "implicit precedence: only reported for operator runs of one level that "
                   "trawl writes flat on purpose (a OR b OR c); mixed levels are bracketed.",
    "FIELD_0004": "implicit field: history references (#n / Sn) carry no field by design.",
    "WOS_0012": "'#' in #n: a WoS search-history reference (wos.md §1), not a search term.",
    "FIELD_0002": "missing field: history references (#n) carry no field by design.",
    "QUALITY_0001": "a quality hint (e.g. many terms), not a syntax problem.",
    "QUALITY_0004": "unnecessary parentheses around NOT blocks: trawl brackets every group on "
                    "purpose (comparison.md §4.3: emit full parentheses always).",
    "QUALITY_0005": "a term contained in a broader one: redundancy in the librarian's strategy, "
                    "kept as written (translation must not change the strategy's content).",
    "QUALITY_0006": "terms that stem to the same word: a property of the strategy, kept as written.",
    "PUBMED_0002": "'.' in a term becomes a space in PubMed (e.g. 'm. pneumoniae'); the strategy "
                   "wrote it so; PubMed's own character conversion.",
    "LINTER_CRASH": "search-query 0.15's WoS parser raises 'Unrecognized query structure' on "
                    "NEAR/n between parenthesised OR groups, which wos.md §4 documents as common "
                    "practice; no message to judge, so not a finding against the rendering.",
}


def _lint(platform: str, query: str) -> list[dict]:
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            return search_query_linter.lint_query_string(query, platform=platform)
        except (AssertionError, ValueError) as exc:  # the linter's own parser gave up
            return [{"code": "LINTER_CRASH", "is_fatal": False, "message": str(exc)[:200]}]


def _renderings():
    review = Review.load(SEED / "review.toml")
    seed = analyse(review.strategy_path.read_text(encoding="utf-8"),
                   database=review.database).strategy
    cases = [("seed", seed, review)]
    for path in sorted((SHARED / "corpus" / "strategies").glob("clef-*/ovid-medline.txt"))[:6]:
        cases.append((path.parent.name[:24], analyse(path.read_text(encoding="utf-8")).strategy,
                      None))
    return cases


# Fatal linter messages that are the linter's gap, not a rendering fault (strict: a linter
# that learns the syntax turns the test red until the entry is removed).
#
# Resolved, so no longer here: EBSCO `EM` and WoS `LD=` (entry/index date; ebsco.md §2 and
# wos.md §2 mark their query forms [unconfirmed]) are no longer put in the query: the cutoff
# is the interface's "Published Date" limiter (EBSCO) or the Index Date timespan plus the
# publishTimeSpan API parameter (WoS), each named in a DIA038 warning. PARSE_0004 "Invalid
# operator position" on CINAHL clef-cd009372 was right: `(MR OR MRI ...)` put the acronym MR,
# which EBSCOhost can read as a two-letter field code prefix (ebsco.md §1, codes vary by
# database, §2), before OR; two-letter words and Nn/Wn look-alikes are now quoted.
FATAL_XFAIL = {
    (4, "pubmed"): "search-query 0.15 does not know [majr:noexp], which pubmed.md §1 and §12.8 "
                   "document; a linter gap, not a rendering fault.",
}


@pytest.mark.parametrize("target", sorted(PLATFORM))
@pytest.mark.parametrize("case", range(7))
def test_renderings_pass_the_search_query_linter(target, case, request):
    if (case, target) in FATAL_XFAIL:
        request.applymarker(pytest.mark.xfail(strict=True, reason=FATAL_XFAIL[(case, target)]))
    name, strategy, review = _renderings()[case]
    rendering = get_dialect(target).render(strategy, review)
    messages = _lint(PLATFORM[target], rendering.query)
    fatal = [m for m in messages if m.get("is_fatal")]
    assert not fatal, [(m["code"], m["message"]) for m in fatal]
    unexplained = sorted({m["code"] for m in messages} - set(ACCEPTED))
    assert not unexplained, [(m["code"], m["message"], m.get("details", "")[:200])
                             for m in messages if m["code"] in unexplained]
