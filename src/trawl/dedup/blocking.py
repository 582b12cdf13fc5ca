"""Candidate generation: which pairs are worth comparing at all.

Comparing every record with every other is quadratic (80,000 records = 3.2 billion pairs).
Instead each record gets a handful of *blocking keys*; only records that share a key are
compared. The keys are chosen so that a real duplicate shares at least one even when it has
lost its DOI, carries a typo, or was truncated:

* the DOI and the PMID (exact-identifier stage);
* the first and the last 24 characters of the title with spaces removed (a typo near one end of
  the title still leaves the other end intact; a truncated title keeps its start);
* first author + year + first title word other than an article (titles reworded at both ends).

Cost grows with the sum of squared block sizes, so a block that is suspiciously large (a
supplement DOI shared by hundreds of abstracts, a common title ending such as "a systematic review
and meta analysis") is skipped and counted, never silently compared in full.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from trawl.dedup.normalise import Keys, without_articles

EDGE = 24  # characters of squashed title used for the prefix and suffix keys
MAX_BLOCK = 200  # larger blocks are skipped (and reported) rather than compared pairwise


def blocking_keys(k: Keys) -> Iterator[tuple[str, ...]]:
    if k.doi:
        yield ("doi", k.doi)
    if k.pmid:
        yield ("pmid", k.pmid)
    squashed = k.title.replace(" ", "")
    if len(squashed) >= 12:
        yield ("head", squashed[:EDGE])
        if not k.truncated:
            yield ("tail", squashed[-EDGE:])
    words = without_articles(k.title).split()
    if k.first_author and k.year and words:
        yield ("author-year", k.first_author, str(k.year), words[0])


@dataclass
class Candidates:
    pairs: set[tuple[int, int]] = field(default_factory=set)
    skipped_blocks: list[tuple[tuple[str, ...], int]] = field(default_factory=list)


def candidate_pairs(keys: Iterable[Keys], max_block: int = MAX_BLOCK) -> Candidates:
    """Pairs (smaller id, larger id) that share a blocking key."""
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for k in keys:
        for key in blocking_keys(k):
            blocks[key].append(k.id)
    out = Candidates()
    for key, ids in blocks.items():
        if len(ids) < 2:
            continue
        if len(ids) > max_block:
            out.skipped_blocks.append((key, len(ids)))
            continue
        ids = sorted(set(ids))
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                out.pairs.add((a, b))
    return out
