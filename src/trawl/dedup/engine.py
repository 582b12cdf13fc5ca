"""The deduplicator on in-memory records: normalise → block → compare → cluster.

``deduplicate`` is pure: records in, clusters and reasoned decisions out. Storing the result and
writing provenance events is :mod:`trawl.dedup.persist`'s job, so the benchmark and the tests
run the very same code the CLI runs.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from trawl.dedup.blocking import candidate_pairs
from trawl.dedup.cluster import Link, cluster, compatible
from trawl.dedup.compare import Comparison, compare
from trawl.dedup.normalise import Keys, keys_of
from trawl.dedup.overrides import ResolvedOverride
from trawl.store.record import Record


@dataclass(frozen=True, slots=True)
class Borderline:
    """A pair that looked alike but was not merged: shown by ``trawl dedup review``."""

    a: int
    b: int
    comparison: Comparison


@dataclass
class DedupResult:
    clusters: list[tuple[int, ...]]
    links: list[Link]  # every merge and every refused merge, with reasons
    borderline: list[Borderline]  # for a person to review: refused links, then borderline pairs
    overrides: list[ResolvedOverride]
    stats: dict[str, int | float] = field(default_factory=dict)
    overridden: list[Borderline] = field(default_factory=list)  # kept apart by a never-merge

    @property
    def duplicates_removed(self) -> int:
        return sum(len(c) - 1 for c in self.clusters)

    def cluster_of(self) -> dict[int, int]:
        """record id -> cluster id (the smallest member id)."""
        return {rid: c[0] for c in self.clusters for rid in c}


def _cached(keys: dict[int, Keys]):
    cache: dict[tuple[int, int], Comparison] = {}

    def compare_ids(a: int, b: int) -> Comparison:
        key = (a, b) if a < b else (b, a)
        c = cache.get(key)
        if c is None:
            c = cache[key] = compare(keys[key[0]], keys[key[1]])
        return c

    return compare_ids


def _drop_ambiguous(edges, compare_ids):
    """Take out the title matches of a record that matches two different works.

    A Google Scholar title cut before the word that tells "part 1" from "part 2", or "adults"
    from "adolescents", matches both papers equally well; complete linkage would put it with
    whichever came first. Such a record keeps only its identifier matches and goes to review.
    """
    neighbours: dict[int, list[int]] = defaultdict(list)
    for a, b, _ in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    unsure: dict[int, str] = {}
    for x, ns in neighbours.items():
        if len(ns) < 2 or len(ns) > 50:
            continue
        for i, y in enumerate(ns):
            for z in ns[i + 1 :]:
                if not compatible(compare_ids(y, z)):
                    unsure[x] = f"also matches records {y} and {z}, which are different works"
                    break
            if x in unsure:
                break
    kept, dropped = [], []
    for a, b, c in edges:
        if not c.identifier and (a in unsure or b in unsure):
            why = unsure.get(a) or unsure[b]
            dropped.append((a, b, Comparison("borderline", c.score, (*c.reasons, why), c.conflict)))
        else:
            kept.append((a, b, c))
    return kept, dropped


def deduplicate(
    items: Iterable[tuple[int, Record]], overrides: Sequence[ResolvedOverride] = ()
) -> DedupResult:
    t0 = time.perf_counter()
    keys: dict[int, Keys] = {rid: keys_of(rid, rec) for rid, rec in items}
    t1 = time.perf_counter()
    cands = candidate_pairs(keys.values())
    t2 = time.perf_counter()

    edges: list[tuple[int, int, Comparison]] = []
    borderline: list[tuple[int, int, Comparison]] = []
    for a, b in cands.pairs:
        c = compare(keys[a], keys[b])
        if c.decision == "duplicate":
            edges.append((a, b, c))
        elif c.decision == "borderline":
            borderline.append((a, b, c))
    t3 = time.perf_counter()

    compare_ids = _cached(keys)
    edges, ambiguous = _drop_ambiguous(edges, compare_ids)
    borderline += ambiguous

    always = [o.ids for o in overrides if o.kind == "always"]
    never = [
        (x, y)
        for o in overrides
        if o.kind == "never"
        for i, x in enumerate(o.ids)
        for y in o.ids[i + 1 :]
    ]
    result = cluster(keys, edges, compare_ids, always, never)
    t4 = time.perf_counter()

    owner = {rid: c[0] for c in result.clusters for rid in c}
    never_set = {frozenset(p) for p in never}
    open_pairs = [
        Borderline(a, b, c)
        for a, b, c in sorted(borderline, key=lambda e: (-e[2].score, e[0], e[1]))
        if owner[a] != owner[b] and frozenset((a, b)) not in never_set
    ]
    refused = [
        Borderline(lk.a, lk.b, lk.comparison)
        for lk in result.links
        if not lk.accepted
        and owner[lk.a] != owner[lk.b]
        and frozenset((lk.a, lk.b)) not in never_set
    ]
    overridden = [
        Borderline(lk.a, lk.b, lk.comparison)
        for lk in result.links
        if not lk.accepted and frozenset((lk.a, lk.b)) in never_set
    ]
    stats = {
        "records": len(keys),
        "candidate_pairs": len(cands.pairs),
        "skipped_blocks": len(cands.skipped_blocks),
        "duplicate_pairs": len(edges),
        "borderline_pairs": len(open_pairs) + len(refused),
        "links_refused": sum(1 for lk in result.links if not lk.accepted),
        "ambiguous_records": len({a for a, _, _ in ambiguous}),
        "clusters": len(result.clusters),
        "duplicates_removed": sum(len(c) - 1 for c in result.clusters),
        "seconds_normalise": round(t1 - t0, 3),
        "seconds_blocking": round(t2 - t1, 3),
        "seconds_compare": round(t3 - t2, 3),
        "seconds_cluster": round(t4 - t3, 3),
    }
    return DedupResult(
        result.clusters, result.links, refused + open_pairs, list(overrides), stats, overridden
    )
