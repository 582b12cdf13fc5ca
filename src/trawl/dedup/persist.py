"""The deduplicator and the store: read records, decide, keep every decision with its reason.

``run_dedup`` reads every stored record, runs :func:`trawl.dedup.engine.deduplicate` with the
workspace's override file, applies the protocol's pre-screening rules to the merged records, and
(unless ``dry_run``) writes, in one transaction: a ``dedup_runs`` row, each record's cluster, the
pairs worth reviewing, the marks, and one ``duplicate decision`` provenance event per decision
(a merged cluster with the links that formed it, a refused link, a borderline pair, an
override), then a ``duplicates resolved`` summary event. Nothing is deleted; the latest run is
the current state.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from trawl.dedup.engine import DedupResult, deduplicate
from trawl.dedup.merge import MergedRecord, merge
from trawl.dedup.overrides import Overrides, Ref
from trawl.dedup.rules import RULE_ORDER, Mark, marks_for
from trawl.query.diagnostics import Diagnostic, TrawlError, register
from trawl.store.canonical import utc_now
from trawl.store.record import Record

DEDUP_STALE = register(
    "DEDUP003",
    "error",
    "No deduplication yet, or records were stored after the last `trawl dedup`: run it (again).",
)

DECISION = "duplicate decision"
SUMMARY = "duplicates resolved"
MARKED = "records marked"


@dataclass
class Outcome:
    result: DedupResult
    marks: list[Mark]
    run_id: int | None  # None for a dry run
    events: int = 0


@dataclass
class Current:
    """The latest dedup run as stored."""

    run_id: int
    started_at: str
    cluster_of: dict[int, int]  # record id -> cluster id
    clusters: dict[int, list[int]]  # cluster id -> record ids
    marks: dict[int, list[Mark]] = field(default_factory=dict)  # cluster id -> marks
    stats: dict = field(default_factory=dict)


def load_records(store) -> list[tuple[int, Record]]:
    return [(sr.id, sr.record) for sr in store.records()]


def lookup(store):
    """A resolver for override references: store id or 'source:accession'."""
    conn = store.connection

    def find(ref: Ref) -> int | None:
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            row = conn.execute("SELECT id FROM records WHERE id = ?", (int(ref),)).fetchone()
        elif ":" in ref:
            source, accession = ref.split(":", 1)
            row = conn.execute(
                "SELECT id FROM records WHERE source = ? AND accession = ?",
                (source.strip(), accession.strip()),
            ).fetchone()
        else:
            row = None
        return row[0] if row else None

    return find


def compute_marks(
    result: DedupResult, records: dict[int, Record], languages: Sequence[str]
) -> tuple[list[Mark], dict[int, MergedRecord]]:
    marks: list[Mark] = []
    merged: dict[int, MergedRecord] = {}
    for members in result.clusters:
        m = merge([(rid, records[rid]) for rid in members])
        merged[m.cluster_id] = m
        marks += marks_for(m, languages)
    return marks, merged


def run_dedup(
    store,
    overrides_path: str | Path,
    *,
    languages: Sequence[str] = ("english",),
    dry_run: bool = False,
) -> Outcome:
    overrides = Overrides.load(overrides_path)
    items = load_records(store)
    resolved = overrides.resolve(lookup(store))
    result = deduplicate(items, resolved)
    records = dict(items)
    marks, _ = compute_marks(result, records, languages)
    if dry_run:
        return Outcome(result, marks, None)
    return _write(store, result, marks, overrides, languages)


def _write(
    store, result: DedupResult, marks: list[Mark], overrides: Overrides, languages
) -> Outcome:
    conn = store.connection
    settings = {
        "overrides_file": str(overrides.path) if overrides.path else None,
        "overrides_sha256": overrides.sha256,
        "languages": list(languages),
    }
    owner = result.cluster_of()
    n_events = 0
    with store.transaction():
        run_id = conn.execute(
            "INSERT INTO dedup_runs (started_at, records, clusters, duplicates, overrides_sha256, "
            "settings, stats) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                utc_now(),
                result.stats["records"],
                len(result.clusters),
                result.duplicates_removed,
                overrides.sha256,
                json.dumps(settings),
                json.dumps(result.stats),
            ),
        ).lastrowid
        conn.executemany(
            "INSERT INTO dedup_members (dedup_run_id, record_id, cluster_id) VALUES (?, ?, ?)",
            ((run_id, rid, cid) for rid, cid in owner.items()),
        )
        pair_rows: dict[tuple[int, int], tuple] = {}
        links_by_cluster: dict[int, list] = defaultdict(list)
        for lk in result.links:
            a, b = min(lk.a, lk.b), max(lk.a, lk.b)
            if lk.accepted:
                links_by_cluster[owner[a]].append(lk)
                pair_rows[(a, b)] = (
                    run_id,
                    a,
                    b,
                    "merged",
                    lk.comparison.score,
                    json.dumps(list(lk.comparison.reasons)),
                )
        refused_note = {frozenset((lk.a, lk.b)): lk.note for lk in result.links if not lk.accepted}
        for outcome, pairs in (("overridden", result.overridden), (None, result.borderline)):
            for bl in pairs:
                a, b = min(bl.a, bl.b), max(bl.a, bl.b)
                note = refused_note.get(frozenset((a, b)))
                kind = outcome or ("refused" if note is not None else "borderline")
                reasons = list(bl.comparison.reasons) + ([f"not merged: {note}"] if note else [])
                pair_rows.setdefault(
                    (a, b), (run_id, a, b, kind, bl.comparison.score, json.dumps(reasons))
                )
        conn.executemany(
            "INSERT INTO dedup_pairs (dedup_run_id, a, b, outcome, score, reasons) VALUES (?, ?, ?, ?, ?, ?)",
            pair_rows.values(),
        )
        conn.executemany(
            "INSERT INTO screening_marks (dedup_run_id, cluster_id, rule, reason) VALUES (?, ?, ?, ?)",
            ((run_id, mk.cluster_id, mk.rule, mk.reason) for mk in marks),
        )

        for o in result.overrides:
            store.log_event(
                DECISION,
                {
                    "dedup_run": run_id,
                    "decision": f"override: {o.kind}-merge",
                    "records": list(o.ids),
                    "reason": o.reason,
                    "entry": o.where,
                    "overrides_sha256": overrides.sha256,
                },
            )
            n_events += 1
        for members in result.clusters:
            if len(members) < 2:
                continue
            cid = members[0]
            store.log_event(
                DECISION,
                {
                    "dedup_run": run_id,
                    "decision": "merged",
                    "cluster": cid,
                    "records": list(members),
                    "links": [
                        {
                            "records": [lk.a, lk.b],
                            "score": round(lk.comparison.score, 4),
                            "reasons": list(lk.comparison.reasons),
                        }
                        for lk in links_by_cluster[cid]
                    ],
                },
            )
            n_events += 1
        for (a, b), row in pair_rows.items():
            if row[3] == "merged":
                continue
            store.log_event(
                DECISION,
                {
                    "dedup_run": run_id,
                    "decision": "kept apart",
                    "records": [a, b],
                    "outcome": row[3],
                    "score": round(row[4], 4),
                    "reasons": json.loads(row[5]),
                },
            )
            n_events += 1
        by_rule = Counter(mk.rule for mk in marks)
        store.log_event(
            MARKED,
            {
                "dedup_run": run_id,
                "languages": list(languages),
                "rules": {r: by_rule.get(r, 0) for r in RULE_ORDER},
                "clusters": {
                    r: sorted(mk.cluster_id for mk in marks if mk.rule == r)
                    for r in RULE_ORDER
                    if by_rule.get(r)
                },
            },
        )
        summary = store.log_event(
            SUMMARY,
            {
                "dedup_run": run_id,
                "records": result.stats["records"],
                "clusters": len(result.clusters),
                "duplicates_removed": result.duplicates_removed,
                "overrides_sha256": overrides.sha256,
                "stats": result.stats,
            },
        )
        n_events += 2
        conn.execute("UPDATE dedup_runs SET summary_seq = ? WHERE id = ?", (summary.seq, run_id))
    return Outcome(result, marks, run_id, n_events)


def current(store) -> Current | None:
    """The latest dedup run, or None when ``trawl dedup`` has not run."""
    conn = store.connection
    row = conn.execute(
        "SELECT id, started_at, stats FROM dedup_runs ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    run_id, started_at, stats = row
    cluster_of = dict(
        conn.execute(
            "SELECT record_id, cluster_id FROM dedup_members WHERE dedup_run_id = ?", (run_id,)
        )
    )
    clusters: dict[int, list[int]] = defaultdict(list)
    for rid, cid in sorted(cluster_of.items()):
        clusters[cid].append(rid)
    marks: dict[int, list[Mark]] = defaultdict(list)
    for cid, rule, reason in conn.execute(
        "SELECT cluster_id, rule, reason FROM screening_marks WHERE dedup_run_id = ?", (run_id,)
    ):
        marks[cid].append(Mark(cid, rule, reason))
    for cid in marks:
        marks[cid].sort(key=lambda m: RULE_ORDER.index(m.rule) if m.rule in RULE_ORDER else 99)
    return Current(run_id, started_at, cluster_of, dict(clusters), dict(marks), json.loads(stats))


def merged_records(store, state: Current | None = None) -> list[MergedRecord]:
    """One merged record per cluster of the current run; records stored since then stand alone."""
    state = state if state is not None else current(store)
    records = dict(load_records(store))
    groups: dict[int, list[int]] = dict(state.clusters) if state else {}
    covered = set(state.cluster_of) if state else set()
    for rid in records:
        if rid not in covered:
            groups[rid] = [rid]
    return [merge([(rid, records[rid]) for rid in groups[cid]]) for cid in sorted(groups)]


def review_pairs(
    store, run_id: int, outcomes: Sequence[str] = ("borderline", "refused")
) -> list[dict]:
    rows = store.connection.execute(
        f"SELECT a, b, outcome, score, reasons FROM dedup_pairs WHERE dedup_run_id = ? "
        f"AND outcome IN ({','.join('?' * len(outcomes))}) ORDER BY score DESC, a, b",
        (run_id, *outcomes),
    ).fetchall()
    return [
        {"a": a, "b": b, "outcome": o, "score": s, "reasons": json.loads(r)}
        for a, b, o, s, r in rows
    ]


def require_current(store) -> Current:
    """The current dedup run, or a clear error when there is none or it is out of date."""
    state = current(store)
    if state is None:
        raise TrawlError(Diagnostic.of(DEDUP_STALE, "no dedup run yet: run `trawl dedup` first"))
    total = store.connection.execute("SELECT count(*) FROM records").fetchone()[0]
    if total != len(state.cluster_of):
        raise TrawlError(
            Diagnostic.of(
                DEDUP_STALE,
                f"{total - len(state.cluster_of)} record(s) were stored after dedup run "
                f"{state.run_id}: run `trawl dedup` again",
            )
        )
    return state


def screening_set(store, marked: str = "exclude") -> tuple[list[MergedRecord], Current, int]:
    """The merged records to hand to screening: (records, dedup state, marked ones left out).

    ``marked``: "exclude" (PRISMA's "removed before screening"), "include", or "only".
    """
    state = require_current(store)
    merged = merged_records(store, state)
    if marked == "include":
        return merged, state, 0
    keep = [m for m in merged if bool(state.marks.get(m.cluster_id)) == (marked == "only")]
    return keep, state, len(merged) - len(keep)
