"""Pairwise comparison: are two records the same work, and why (or why not)?

The rules lean one way on purpose. A false merge can make a study disappear before anyone has
screened it; a missed duplicate costs one extra click in Rayyan. So:

* a conflict between identifiers (two different DOIs, two different PMIDs) is final: never merged;
* a notice about a paper (erratum, retraction, comment, reply) never merges with the paper;
* titles that differ in a number ("part 1" / "part 2", "2019" / "2020") never merge on their own;
* without a shared identifier, a near-identical title needs corroboration (year, first author,
  journal, volume, page) and no contradiction; otherwise the pair is *borderline* and is left for
  a person (``trawl dedup review``).

Every verdict carries the reasons that led to it, in words, because each one becomes a provenance
event that a reviewer or an auditor reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from rapidfuzz.distance import Levenshtein

from trawl.dedup.normalise import Keys, journals_compatible, without_articles

Decision = Literal["duplicate", "borderline", "distinct"]

# Title similarity (normalised Levenshtein, 0..1) thresholds. Calibrated on the bench sets in
# bench/dedup/: typo'd copies of real titles sit above 0.95; unrelated titles on the same topic
# rarely pass 0.85.
SAME_TITLE = 0.95
SIMILAR_TITLE = 0.85
SHORT_TITLE = 35  # characters; "Editorial", "Introduction", "Book review" are not evidence
MIN_PREFIX = 30  # a truncated title must keep this much to be compared as a prefix


@dataclass(frozen=True, slots=True)
class Comparison:
    decision: Decision
    score: float  # title similarity (1.0 for an identifier match), for ranking and review
    reasons: tuple[str, ...]
    conflict: bool = False  # some field contradicts: the pair must never end up in one cluster
    identifier: bool = False  # the verdict rests on a shared DOI or PMID

    def to_json(self) -> dict:
        return {
            "decision": self.decision,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
            "conflict": self.conflict,
        }


def title_similarity(a: Keys, b: Keys) -> float:
    """Normalised similarity of folded titles; a truncated title is compared as a prefix."""
    if not a.title or not b.title:
        return 0.0
    x, y = a.title, b.title
    if a.truncated or b.truncated:
        n = min(len(x), len(y))
        if n < MIN_PREFIX:
            return 0.0
        x, y = x[:n], y[:n]
    sim = Levenshtein.normalized_similarity(x, y)
    if sim < SAME_TITLE and SIMILAR_TITLE - 0.1 <= sim:
        # Old WoS records drop "a"/"the"; compare without articles too.
        sim = max(sim, Levenshtein.normalized_similarity(without_articles(x), without_articles(y)))
    return sim


def substituted_words(a: Keys, b: Keys) -> tuple[str, str] | None:
    """A word of one title replaced by a different word in the other ("adults" / "adolescents").

    Typos change a letter or two; companion papers ("… in adults", "… in children") change a
    whole word. Returns the first such pair, comparing only the part both titles show.
    """
    x, y = a.title.split(), b.title.split()
    if a.truncated or b.truncated:
        n = min(len(x), len(y)) - 1  # the last word of a cut title may itself be cut
        x, y = x[:n], y[:n]
    if x == y:
        return None
    for op, i1, i2, j1, j2 in SequenceMatcher(None, x, y, autojunk=False).get_opcodes():
        if op != "replace" or i2 - i1 != j2 - j1:
            continue
        for u, v in zip(x[i1:i2], y[j1:j2], strict=True):
            if max(len(u), len(v)) >= 4 and Levenshtein.distance(u, v) >= 3:
                if not (u.startswith(v) or v.startswith(u)):
                    return u, v
    return None


def cut_off_numbers(a: Keys, b: Keys) -> tuple[str, ...]:
    """Numbers in the part of a title that the other, truncated, title cut off ("…, part 2")."""
    if a.truncated == b.truncated:
        return ()
    cut, full = (a, b) if a.truncated else (b, a)
    return tuple(w for w in full.title[len(cut.title) :].split() if w.isdigit())


def subtitle_dropped(a: Keys, b: Keys) -> bool:
    """One title is the other without its subtitle ("Climate change and health: a review")."""
    short, long_ = sorted((a.title, b.title), key=len)
    return len(short) >= 20 and len(long_) > len(short) and long_.startswith(short + " ")


def _surname_match(x: str, y: str) -> bool:
    if x == y:
        return True
    if len(x) >= 5 and len(y) >= 5:
        return Levenshtein.distance(x, y, score_cutoff=1) <= 1
    return False


def author_evidence(a: Keys, b: Keys) -> bool | None:
    """True when the first authors agree (or the author lists largely agree); None if unknown."""
    if not a.surnames or not b.surnames:
        return None
    if _surname_match(a.first_author, b.first_author):
        return True
    sa, sb = set(a.surnames), set(b.surnames)
    shared = len(sa & sb)
    # Reordered author lists (a source that sorts or drops a consortium name first).
    return shared >= 2 and shared >= 0.5 * min(len(sa), len(sb))


def compare(a: Keys, b: Keys) -> Comparison:
    """The verdict on one pair, with reasons."""
    # Identifier conflicts are final, whatever the titles say.
    if a.doi and b.doi and a.doi != b.doi:
        return Comparison("distinct", 0.0, (f"different DOIs {a.doi} / {b.doi}",), conflict=True)
    if a.pmid and b.pmid and a.pmid != b.pmid:
        return Comparison("distinct", 0.0, (f"different PMIDs {a.pmid} / {b.pmid}",), conflict=True)
    if a.notice != b.notice and a.title and b.title:
        kind = a.notice or b.notice
        return Comparison(
            "distinct", 0.0, (f"one is a notice ({kind!r}) about the other",), conflict=True
        )

    sim = title_similarity(a, b)
    same_id = []
    if a.doi and a.doi == b.doi:
        same_id.append(f"same DOI {a.doi}")
    if a.pmid and a.pmid == b.pmid:
        same_id.append(f"same PMID {a.pmid}")

    if same_id:
        # Titles need only roughly agree: the identifier carries the match. Two notices of one
        # kind under one DOI are one notice however each database words it.
        if (
            not a.title
            or not b.title
            or sim >= 0.7
            or subtitle_dropped(a, b)
            or (a.notice is not None and a.notice == b.notice)
        ):
            reasons = tuple(same_id) + ((f"title similarity {sim:.2f}",) if sim else ())
            return Comparison("duplicate", 1.0, reasons, identifier=True)
        # A supplement or a whole issue can carry one DOI for many abstracts.
        return Comparison(
            "borderline",
            sim,
            (*same_id, f"but titles differ (similarity {sim:.2f}): an issue or supplement DOI?"),
        )

    subtitle = False
    if sim < SIMILAR_TITLE:
        if not subtitle_dropped(a, b) or a.truncated or b.truncated:
            return Comparison("distinct", sim, (f"title similarity {sim:.2f}",))
        subtitle = True  # needs more corroboration below

    reasons = [
        f"title similarity {sim:.2f}"
        + (" (truncated title, prefix)" if a.truncated or b.truncated else "")
    ]
    contradictions: list[str] = []
    support: list[str] = []

    if a.numbers != b.numbers and a.numbers and b.numbers:
        contradictions.append(f"title numbers differ {a.numbers} / {b.numbers}")
    if hidden := cut_off_numbers(a, b):
        contradictions.append(
            f"the truncated title hides a number of the other ({', '.join(hidden)})"
        )
    if words := substituted_words(a, b):
        contradictions.append(f"titles differ by a word ({words[0]!r} / {words[1]!r})")
    if a.year and b.year:
        gap = abs(a.year - b.year)
        if gap == 0:
            support.append("same year")
        elif gap == 1:
            reasons.append(f"years {a.year}/{b.year} (online vs print)")
        else:
            contradictions.append(f"years differ {a.year} / {b.year}")
    authors = author_evidence(a, b)
    if authors is True:
        support.append(
            "same first author"
            if _surname_match(a.first_author, b.first_author)
            else "shared authors"
        )
    elif authors is False:
        contradictions.append(f"first authors differ {a.first_author} / {b.first_author}")
    journal = journals_compatible(a.journal, b.journal)
    if a.issns and b.issns and a.issns & b.issns:
        journal = True
    if journal is True:
        support.append("journal agrees")
    elif journal is False:
        reasons.append("journal names differ")
    if a.volume and b.volume:
        if a.volume == b.volume:
            support.append("same volume")
        else:
            contradictions.append(f"volumes differ {a.volume} / {b.volume}")
    if a.page and b.page:
        if a.page == b.page:
            support.append("same first page")
        else:
            contradictions.append(f"first pages differ {a.page} / {b.page}")

    reasons += support
    if contradictions:
        return Comparison(
            "distinct" if sim < SAME_TITLE else "borderline",
            sim,
            (*reasons, *contradictions),
            conflict=True,
        )

    short = min(len(a.title), len(b.title)) < SHORT_TITLE
    if subtitle:
        reasons[0] = f"one title lacks the other's subtitle (similarity {sim:.2f})"
        if not short and len(support) >= 3 and authors is True:
            return Comparison("duplicate", SAME_TITLE, tuple(reasons))
        return Comparison("borderline", sim, (*reasons, "not enough agreeing fields"))
    if sim >= SAME_TITLE and not (short and sim < 1.0):
        needed = 3 if short else 2
        if len(support) >= needed and (journal is not False or authors is True):
            return Comparison("duplicate", sim, tuple(reasons))
        # e.g. a Google Scholar record: title and authors, little else to check against.
        if not short and authors is True and journal is not False:
            return Comparison("duplicate", sim, tuple(reasons))
    why = "short, generic title" if short else "not enough agreeing fields"
    return Comparison("borderline", sim, (*reasons, why))
