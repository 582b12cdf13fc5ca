"""Clustering: turn pairwise verdicts into groups of records that are one work.

Plain transitive closure (union-find over "duplicate" pairs) chains unrelated records: a
truncated Google Scholar title "Effects of exercise on depression…" matches both "…in adults"
and "…in adolescents", and the two papers would silently become one. Here a link is accepted
only if *every* pair across the two groups it joins is compatible (complete linkage): a duplicate,
or a near-identical title with no contradicting field. Pairs never compared during blocking are
compared on demand. Never-merge overrides are incompatible by definition; always-merge overrides
are applied first and count as compatible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from trawl.dedup.compare import SAME_TITLE, Comparison
from trawl.query.diagnostics import Diagnostic, TrawlError, register

OVERRIDE_CONTRADICTION = register(
    "DEDUP002",
    "error",
    "The dedup override file says two records must never merge and (via always-merge) must merge.",
)

MAX_CROSS_CHECKS = 10_000  # a link joining two groups this big is refused, not verified


def compatible(c: Comparison) -> bool:
    """May these two records sit in one cluster?"""
    if c.decision == "duplicate":
        return True
    return c.decision == "borderline" and not c.conflict and c.score >= SAME_TITLE


@dataclass(frozen=True, slots=True)
class Link:
    a: int
    b: int
    comparison: Comparison
    accepted: bool
    note: str = ""  # why a link was refused, or "always-merge override"


@dataclass
class Clustering:
    clusters: list[tuple[int, ...]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def cluster(
    ids: Iterable[int],
    edges: Iterable[tuple[int, int, Comparison]],
    compare_ids: Callable[[int, int], Comparison],
    always: Iterable[Iterable[int]] = (),
    never: Iterable[tuple[int, int]] = (),
) -> Clustering:
    """Complete-linkage clustering over candidate edges (strongest first)."""
    members: dict[int, list[int]] = {i: [i] for i in ids}
    owner: dict[int, int] = {i: i for i in members}
    never_pairs = {frozenset(p) for p in never}
    forced: set[frozenset[int]] = set()
    cache: dict[tuple[int, int], Comparison] = {}
    out = Clustering()

    def join(ra: int, rb: int) -> None:
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        for x in members[rb]:
            owner[x] = ra
        members[ra].extend(members.pop(rb))

    for group in always:
        group = sorted(set(group))
        for i, x in enumerate(group):
            for y in group[i + 1 :]:
                if frozenset((x, y)) in never_pairs:
                    raise TrawlError(
                        Diagnostic.of(
                            OVERRIDE_CONTRADICTION,
                            f"records {x} and {y} are in an always-merge group and a never-merge pair",
                        )
                    )
                forced.add(frozenset((x, y)))
        for x in group[1:]:
            rx, r0 = owner[x], owner[group[0]]
            if rx != r0:
                join(r0, rx)
                note = "always-merge override"
                out.links.append(
                    Link(group[0], x, Comparison("duplicate", 1.0, (note,)), True, note)
                )
    # Forced groups may now contain never pairs transitively; check once.
    for group in members.values():
        for i, x in enumerate(group):
            for y in group[i + 1 :]:
                if frozenset((x, y)) in never_pairs:
                    raise TrawlError(
                        Diagnostic.of(
                            OVERRIDE_CONTRADICTION,
                            f"always-merge overrides join records {x} and {y}, "
                            "which a never-merge override keeps apart",
                        )
                    )

    def cross_ok(ga: list[int], gb: list[int]) -> tuple[bool, str]:
        if len(ga) * len(gb) > MAX_CROSS_CHECKS:
            return False, f"groups of {len(ga)} and {len(gb)} records too large to verify"
        for x in ga:
            for y in gb:
                pair = frozenset((x, y))
                if pair in never_pairs:
                    return False, f"never-merge override for records {x} and {y}"
                if pair in forced:
                    continue
                key = (x, y) if x < y else (y, x)
                c = cache.get(key)
                if c is None:
                    c = cache[key] = compare_ids(*key)
                if not compatible(c):
                    return False, f"records {key[0]} and {key[1]} not compatible: " + "; ".join(
                        c.reasons
                    )
        return True, ""

    ordered = sorted(edges, key=lambda e: (-e[2].score, e[0], e[1]))
    for a, b, c in ordered:
        cache[(a, b) if a < b else (b, a)] = c
    for a, b, c in ordered:
        ra, rb = owner[a], owner[b]
        if ra == rb:
            continue
        if frozenset((a, b)) in never_pairs:
            out.links.append(Link(a, b, c, False, "never-merge override"))
            continue
        ok, why = cross_ok(members[ra], members[rb])
        if ok:
            join(ra, rb)
        out.links.append(Link(a, b, c, ok, why))

    out.clusters = sorted(tuple(sorted(g)) for g in members.values())
    return out
