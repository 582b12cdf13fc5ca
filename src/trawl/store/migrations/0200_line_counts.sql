-- 0200_line_counts: per-line hit counts from `trawl counts` (see trawl/sources/counts.py).
--
-- Librarians check a translation line by line against the database's own search history. Each
-- set of counts is also a "line counts" provenance event, named here by its seq.

CREATE TABLE line_counts (
    id        INTEGER PRIMARY KEY,
    source    TEXT    NOT NULL,
    file      TEXT    NOT NULL,
    line      INTEGER NOT NULL,
    query     TEXT    NOT NULL,
    hits      INTEGER CHECK (hits IS NULL OR hits >= 0),
    event_seq INTEGER NOT NULL REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX line_counts_source ON line_counts(source, file, line);
