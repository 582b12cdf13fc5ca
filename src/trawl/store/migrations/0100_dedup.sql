-- 0100_dedup: what the deduplicator decided (see trawl/dedup/persist.py).
--
-- Every `trawl dedup` run is kept; the latest one is the current state. Records themselves are
-- never touched: a cluster is a list of record ids, and the merged record is rebuilt from its
-- members whenever it is needed. Each decision is also a "duplicate decision" provenance event.

CREATE TABLE dedup_runs (
    id               INTEGER PRIMARY KEY,
    started_at       TEXT    NOT NULL,
    records          INTEGER NOT NULL CHECK (records >= 0),
    clusters         INTEGER NOT NULL CHECK (clusters >= 0),
    duplicates       INTEGER NOT NULL CHECK (duplicates >= 0),
    overrides_sha256 TEXT,
    settings         TEXT    NOT NULL CHECK (json_valid(settings)),
    stats            TEXT    NOT NULL CHECK (json_valid(stats)),
    summary_seq      INTEGER REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED
);

-- Which cluster each record belongs to in a run (cluster_id = the smallest member record id).
CREATE TABLE dedup_members (
    dedup_run_id INTEGER NOT NULL REFERENCES dedup_runs(id),
    record_id    INTEGER NOT NULL REFERENCES records(id),
    cluster_id   INTEGER NOT NULL,
    PRIMARY KEY (dedup_run_id, record_id)
) WITHOUT ROWID;
CREATE INDEX dedup_members_cluster ON dedup_members(dedup_run_id, cluster_id);

-- The pairs worth seeing: merged links, links refused by complete linkage, borderline pairs
-- (shown by `trawl dedup review`), and links a never-merge override refused.
CREATE TABLE dedup_pairs (
    dedup_run_id INTEGER NOT NULL REFERENCES dedup_runs(id),
    a            INTEGER NOT NULL REFERENCES records(id),
    b            INTEGER NOT NULL REFERENCES records(id),
    outcome      TEXT    NOT NULL CHECK (outcome IN ('merged', 'refused', 'borderline', 'overridden')),
    score        REAL    NOT NULL,
    reasons      TEXT    NOT NULL CHECK (json_valid(reasons)),
    PRIMARY KEY (dedup_run_id, a, b)
) WITHOUT ROWID;

-- Pre-screening rules (language, publication type): marks on deduplicated records, one row per
-- rule that applies. Marked records are never deleted; PRISMA counts them per rule.
CREATE TABLE screening_marks (
    dedup_run_id INTEGER NOT NULL REFERENCES dedup_runs(id),
    cluster_id   INTEGER NOT NULL,
    rule         TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    PRIMARY KEY (dedup_run_id, cluster_id, rule)
) WITHOUT ROWID;

CREATE TRIGGER dedup_runs_no_delete BEFORE DELETE ON dedup_runs
BEGIN SELECT RAISE(ABORT, 'dedup runs are kept: run trawl dedup again instead'); END;
