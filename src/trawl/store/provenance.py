"""The hash chain: how an event's hash is computed, in a form any auditor can recompute.

    hash = sha256( canonical_json([seq, time, run_id, kind, payload, prev_hash]) )

where ``payload`` is the event's canonical-JSON text (a string inside the array), ``run_id`` is
an integer or null, ``prev_hash`` is the previous event's hash (64 zeros for the first event),
and canonical JSON is sorted keys, no whitespace, UTF-8 (trawl.store.canonical).
"""

from __future__ import annotations

from trawl.store.canonical import canonical_json, sha256_hex

GENESIS = "0" * 64

# Event kinds the store writes itself; other parts log their own through Store.log_event.
STRATEGY_COMPILED = "strategy compiled"
REQUEST_SENT = "request sent"
RESPONSE_RECEIVED = "response received"
RECORDS_STORED = "records stored"
FILE_IMPORTED = "file imported"
DUPLICATE_DECISION = "duplicate decision"
EXPORT_WRITTEN = "export written"
RUN_STARTED = "run started"
RUN_FINISHED = "run finished"
RUN_RESUMED = "run resumed"
CHECKPOINT_SAVED = "checkpoint saved"
SCHEMA_MIGRATED = "schema migrated"
WORKSPACE_CREATED = "workspace created"

# Kinds only the store writes: `trawl audit verify` replays them to rebuild the tables, so an
# event of one of these kinds logged from outside would read as tampering.
RESERVED = frozenset(
    {RUN_STARTED, RUN_FINISHED, RUN_RESUMED, CHECKPOINT_SAVED, RECORDS_STORED, SCHEMA_MIGRATED}
)


def event_hash(
    seq: int, time: str, run_id: int | None, kind: str, payload: str, prev_hash: str
) -> str:
    return sha256_hex(canonical_json([seq, time, run_id, kind, payload, prev_hash]))
