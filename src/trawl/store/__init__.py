"""The store: one SQLite file per review with records, raw payloads, runs and a provenance log.

Use::

    from trawl.store import Store, Record, redact
    with Store.open("review-dir") as store:            # or Store.create("review-dir/store.sqlite")
        run = store.start_run(kind="harvest", source="scopus", params={"query": q, ...})
        res = store.add_page(run.id, payload=body, media_type="application/json",
                             records=[...], request={"method": "GET", "url": url, "params": p},
                             response={"status": 200}, checkpoint={"cursor": next_cursor})
        store.finish_run(run.id, status="complete", reported_total=total)

What is kept
    ``runs`` (a harvest or import: parameters, status, counts, checkpoint), ``payloads`` (every API
    page and imported file, content-addressed by sha256, zlib-compressed), ``pages`` (a run's
    payloads in order, with the events that describe each), ``records`` (plain columns, the whole
    record as canonical JSON in ``data``, and ``record_authors`` / ``record_identifiers`` /
    ``record_headings``), ``sightings`` (each time a record was seen: new, known or changed),
    ``events`` (the provenance log) and ``chain_head``. Views: ``record_runs``, ``run_summary``,
    ``event_log``. The schema is in ``migrations/*.sql``, recorded in ``schema_migrations``.

The provenance log
    ``events`` is append-only: each event has a seq (1, 2, 3 ...), a UTC time, a run, a kind, a
    canonical-JSON payload, the previous event's hash and its own hash (trawl.store.provenance).
    Triggers refuse UPDATE and DELETE on events, payloads, pages, records and sightings, and
    refuse an insert that does not extend ``chain_head``, which every append moves. Every row of
    runs/pages/payloads/records/sightings is *described* by an event (``run started``,
    ``records stored`` with each new record's content hash, ...) and names that event's seq.
    Secrets never enter: trawl.store.redact strips them by name and by value before any write.

What ``trawl audit verify`` catches (trawl.store.verify)
    An edited, inserted, deleted or reordered event (hash and link recomputation); deleting the
    last events (the head, and every row naming a seq past the end, disagree with the log); an
    edited payload (its content no longer hashes to its key) or record (its data no longer
    hashes to the content hash its event recorded; its columns no longer derive from its data);
    a deleted or added run, page, payload, record or sighting (the replayed log expects exactly
    the rows there are); a run whose status, counts or checkpoint were changed behind the log's
    back; a dropped guard trigger.

What it cannot catch, honestly
    Anyone who can write the file can rewrite it completely and consistently: recompute every
    hash from the first changed event on, fix ``chain_head`` and every row to match, recreate the
    triggers. The chain proves that the store is *internally* consistent, not that it is the one
    that was written. Only an anchor kept outside the file defeats a full rewrite: publish the
    head (``trawl audit verify`` prints ``head SEQ:HASH``; the seq and hash of an ``export
    written`` event serve as well) in the review's report, an email or a git commit, and later run
    ``trawl audit verify --expect-head SEQ:HASH``, which fails if that event no longer has that
    hash. Truncating trailing events that no row depends on (a final ``export written``), and
    moving the head back, is likewise only caught by a published head. Data outside the log's reach (other parts' own tables) is protected only as
    far as those parts log events about it. And a lost write is not a tampered one: SQLite's WAL
    and one transaction per page mean a crash loses at most the page being written.
"""

from trawl.store.canonical import canonical_json, sha256_hex
from trawl.store.models import Event, Page, PageResult, Run, StoredRecord, VerifyResult
from trawl.store.record import Author, Record, SubjectHeading, normalise_doi
from trawl.store.redact import REDACTED, redact, scrub
from trawl.store.store import Store

__all__ = [
    "REDACTED",
    "Author",
    "Event",
    "Page",
    "PageResult",
    "Record",
    "Run",
    "Store",
    "StoredRecord",
    "SubjectHeading",
    "VerifyResult",
    "canonical_json",
    "normalise_doi",
    "redact",
    "scrub",
    "sha256_hex",
]
