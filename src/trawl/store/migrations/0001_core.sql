-- 0001_core: runs, raw payloads, pages, records and the hash-chained provenance log.
--
-- Read trawl/store/__init__.py for what each table means and what `trawl audit verify` checks.
-- Plain tables and views only: any SQLite tool can read this store. Raw payloads are the only
-- blobs (compressed with the codec named beside them).

-- The provenance log. Append-only: triggers below refuse UPDATE and DELETE, and an insert must
-- extend the chain head. hash = sha256(canonical JSON of [seq, time, run_id, kind, payload, prev_hash]).
CREATE TABLE events (
    seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
    time      TEXT    NOT NULL,
    run_id    INTEGER REFERENCES runs(id) DEFERRABLE INITIALLY DEFERRED,
    kind      TEXT    NOT NULL,
    payload   TEXT    NOT NULL CHECK (json_valid(payload)),
    prev_hash TEXT    NOT NULL CHECK (length(prev_hash) = 64),
    hash      TEXT    NOT NULL UNIQUE CHECK (length(hash) = 64)
);
CREATE INDEX events_run ON events(run_id, seq);
CREATE INDEX events_kind ON events(kind, seq);

-- The chain head: the last event's seq and hash, moved by every append. Deleting the last
-- events, or rewriting the table, leaves it pointing at an event that is gone or differs.
CREATE TABLE chain_head (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO chain_head (one, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'provenance events are append-only: UPDATE refused'); END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'provenance events are append-only: DELETE refused'); END;

CREATE TRIGGER events_extend_head BEFORE INSERT ON events
WHEN NEW.seq IS NOT (SELECT seq + 1 FROM chain_head)
  OR NEW.prev_hash IS NOT (SELECT hash FROM chain_head)
BEGIN SELECT RAISE(ABORT, 'a provenance event must extend the chain head'); END;

CREATE TRIGGER events_move_head AFTER INSERT ON events
BEGIN UPDATE chain_head SET seq = NEW.seq, hash = NEW.hash; END;

CREATE TRIGGER chain_head_follows_events BEFORE UPDATE ON chain_head
WHEN NEW.seq IS NOT (SELECT max(seq) FROM events)
  OR NEW.hash IS NOT (SELECT hash FROM events WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'the chain head can only move to the last event'); END;

CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON chain_head
BEGIN SELECT RAISE(ABORT, 'the chain head cannot be deleted'); END;

-- A harvest or an import. Status and checkpoint change as the run goes on; each change is an
-- event, and last_seq names the latest one.
CREATE TABLE runs (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    params         TEXT    NOT NULL CHECK (json_valid(params)),
    tool_version   TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'resumable')),
    started_at     TEXT    NOT NULL,
    finished_at    TEXT,
    reported_total INTEGER,
    retrieved      INTEGER NOT NULL DEFAULT 0,
    note           TEXT,
    checkpoint     TEXT    CHECK (checkpoint IS NULL OR json_valid(checkpoint)),
    started_seq    INTEGER NOT NULL REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED,
    last_seq       INTEGER NOT NULL REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX runs_source ON runs(source, id);

CREATE TRIGGER runs_no_delete BEFORE DELETE ON runs
BEGIN SELECT RAISE(ABORT, 'runs are never deleted'); END;

-- Raw payloads: every API page and imported file, content-addressed by the sha256 of the
-- (secret-scrubbed) bytes, compressed. Stored once however often they recur.
CREATE TABLE payloads (
    sha256      TEXT    PRIMARY KEY CHECK (length(sha256) = 64),
    size        INTEGER NOT NULL CHECK (size >= 0),
    media_type  TEXT    NOT NULL,
    compression TEXT    NOT NULL CHECK (compression IN ('zlib', 'lzma')),
    content     BLOB    NOT NULL,
    stored_seq  INTEGER NOT NULL REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED
);

CREATE TRIGGER payloads_no_update BEFORE UPDATE ON payloads
BEGIN SELECT RAISE(ABORT, 'raw payloads are immutable'); END;

CREATE TRIGGER payloads_no_delete BEFORE DELETE ON payloads
BEGIN SELECT RAISE(ABORT, 'raw payloads are never deleted'); END;

-- One page of a run: an API response or an imported file, with the events that describe it.
CREATE TABLE pages (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES runs(id),
    number         INTEGER NOT NULL CHECK (number >= 1),
    payload_sha256 TEXT    NOT NULL REFERENCES payloads(sha256),
    request_seq    INTEGER REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED,
    response_seq   INTEGER REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED,
    file_seq       INTEGER REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED,
    stored_seq     INTEGER NOT NULL REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (run_id, number)
);
CREATE INDEX pages_payload ON pages(payload_sha256);

CREATE TRIGGER pages_no_update BEFORE UPDATE ON pages
BEGIN SELECT RAISE(ABORT, 'pages are immutable'); END;

CREATE TRIGGER pages_no_delete BEFORE DELETE ON pages
BEGIN SELECT RAISE(ABORT, 'pages are never deleted'); END;

-- Records, normalised. `data` is the whole Record as canonical JSON (what store.records()
-- returns) and content_sha256 its hash; the other columns and the record_* tables are derived
-- from it for querying. A record is stored the first time it is seen; later sightings are rows
-- of `sightings`. Identity within a source: accession, else DOI, else PMID, else a hash of
-- normalised title + year + first author (see trawl/store/identity.py). The abstract, the
-- largest field, is kept once, in `data`: json_extract(data, '$.abstract').
CREATE TABLE records (
    id                INTEGER PRIMARY KEY,
    source            TEXT    NOT NULL,
    identity          TEXT    NOT NULL,
    accession         TEXT,
    doi               TEXT,
    pmid              TEXT,
    pmcid             TEXT,
    title             TEXT,
    year              INTEGER,
    published         TEXT,
    journal           TEXT,
    volume            TEXT,
    issue             TEXT,
    pages             TEXT,
    url               TEXT,
    first_author      TEXT,
    issn              TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(issn)),
    languages         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(languages)),
    publication_types TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(publication_types)),
    keywords          TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(keywords)),
    data              TEXT    NOT NULL CHECK (json_valid(data)),
    content_sha256    TEXT    NOT NULL CHECK (length(content_sha256) = 64),
    payload_sha256    TEXT    NOT NULL REFERENCES payloads(sha256),
    page_id           INTEGER NOT NULL REFERENCES pages(id),
    stored_seq        INTEGER NOT NULL REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (source, identity)
);
CREATE INDEX records_doi ON records(doi) WHERE doi IS NOT NULL;
CREATE INDEX records_pmid ON records(pmid) WHERE pmid IS NOT NULL;
CREATE INDEX records_page ON records(page_id);

CREATE TRIGGER records_no_update BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'stored records are immutable; a new version is a new sighting'); END;

CREATE TRIGGER records_no_delete BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'stored records are never deleted'); END;

CREATE TABLE record_authors (
    record_id INTEGER NOT NULL REFERENCES records(id),
    position  INTEGER NOT NULL CHECK (position >= 1),
    family    TEXT    NOT NULL,
    given     TEXT,
    PRIMARY KEY (record_id, position)
) WITHOUT ROWID;

-- Every identifier a record carries: doi, pmid, pmcid, accession, and other_ids by scheme.
CREATE TABLE record_identifiers (
    record_id INTEGER NOT NULL REFERENCES records(id),
    scheme    TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (record_id, scheme, value)
) WITHOUT ROWID;
CREATE INDEX record_identifiers_value ON record_identifiers(scheme, value);

CREATE TABLE record_headings (
    record_id  INTEGER NOT NULL REFERENCES records(id),
    position   INTEGER NOT NULL CHECK (position >= 1),
    vocabulary TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    major      INTEGER NOT NULL CHECK (major IN (0, 1)),
    PRIMARY KEY (record_id, position)
) WITHOUT ROWID;

-- Each time a record was seen: on which page (hence run and raw payload), and whether it was
-- new, seen before unchanged (known) or seen before with different content (changed).
CREATE TABLE sightings (
    record_id      INTEGER NOT NULL REFERENCES records(id),
    page_id        INTEGER NOT NULL REFERENCES pages(id),
    status         TEXT    NOT NULL CHECK (status IN ('new', 'known', 'changed')),
    content_sha256 TEXT    NOT NULL CHECK (length(content_sha256) = 64),
    PRIMARY KEY (record_id, page_id)
) WITHOUT ROWID;
CREATE INDEX sightings_page ON sightings(page_id);

CREATE TRIGGER sightings_no_update BEFORE UPDATE ON sightings
BEGIN SELECT RAISE(ABORT, 'sightings are immutable'); END;

CREATE TRIGGER sightings_no_delete BEFORE DELETE ON sightings
BEGIN SELECT RAISE(ABORT, 'sightings are never deleted'); END;

-- Views for people reading the store with sqlite3.
CREATE VIEW record_runs AS
SELECT s.record_id, p.run_id, r.source, s.page_id, p.number AS page_number,
       p.payload_sha256, s.status
FROM sightings AS s
JOIN pages AS p ON p.id = s.page_id
JOIN runs AS r ON r.id = p.run_id;

CREATE VIEW run_summary AS
SELECT r.id, r.kind, r.source, r.status, r.started_at, r.finished_at,
       json_extract(r.params, '$.query') AS query,
       r.reported_total, r.retrieved,
       (SELECT count(*) FROM pages AS p WHERE p.run_id = r.id) AS pages,
       (SELECT count(*) FROM record_runs AS x WHERE x.run_id = r.id AND x.status = 'new') AS new_records,
       (SELECT count(*) FROM record_runs AS x WHERE x.run_id = r.id AND x.status <> 'new') AS seen_before
FROM runs AS r;

CREATE VIEW event_log AS
SELECT seq, time, run_id, kind, payload FROM events ORDER BY seq;
