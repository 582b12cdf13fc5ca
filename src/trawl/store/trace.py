"""``trawl audit trace RECORD``: every source, run, request and raw payload a record came from."""

from __future__ import annotations

import json
from typing import Any

from trawl.query.diagnostics import Diagnostic, TrawlError


def trace(store, record_id: int) -> dict[str, Any]:
    """A JSON-ready account of one record: what it is, and each time it was seen, from where."""
    from trawl.store.store import STORE_MISUSE

    conn = store.connection
    row = conn.execute(
        "SELECT id, source, identity, title, year, doi, pmid, content_sha256, payload_sha256, "
        "stored_seq FROM records WHERE id = ?",
        (record_id,),
    ).fetchone()
    if row is None:
        raise TrawlError(Diagnostic.of(STORE_MISUSE, f"no record {record_id} in {store.path}"))
    keys = ("id", "source", "identity", "title", "year", "doi", "pmid", "content_sha256",
            "payload_sha256", "stored_seq")  # fmt: skip
    out: dict[str, Any] = dict(zip(keys, row, strict=True))
    sightings = []
    for page in conn.execute(
        "SELECT s.status, s.content_sha256, p.id, p.number, p.payload_sha256, p.request_seq, "
        "p.response_seq, p.file_seq, p.stored_seq, r.id, r.kind, r.source, r.params, r.status, "
        "r.started_at, y.size, y.media_type "
        "FROM sightings s JOIN pages p ON p.id = s.page_id JOIN runs r ON r.id = p.run_id "
        "LEFT JOIN payloads y ON y.sha256 = p.payload_sha256 "
        "WHERE s.record_id = ? ORDER BY p.stored_seq",
        (record_id,),
    ):
        (status, content, page_id, number, digest, req, resp, file_seq, stored, run_id, kind,
         source, params, run_status, started, size, media_type) = page  # fmt: skip
        sightings.append(
            {
                "status": status,
                "content_sha256": content,
                "run": {
                    "id": run_id,
                    "kind": kind,
                    "source": source,
                    "status": run_status,
                    "started_at": started,
                    "params": json.loads(params),
                },
                "page": {"id": page_id, "number": number},
                "payload": {"sha256": digest, "size": size, "media_type": media_type},
                "request": _event(store, req),
                "response": _event(store, resp),
                "file": _event(store, file_seq),
                "stored": _event(store, stored),
            }
        )
    out["sightings"] = sightings
    return out


def _event(store, seq: int | None) -> dict[str, Any] | None:
    if seq is None:
        return None
    event = store.event(seq)
    if event is None:
        return {"seq": seq, "missing": True}
    payload = event.payload
    if event.kind == "records stored":  # the record lists are long; the trace needs the gist
        payload = {k: v for k, v in payload.items() if k not in ("new", "known", "changed")}
    return {"seq": event.seq, "time": event.time, "kind": event.kind, "payload": payload,
            "hash": event.hash}  # fmt: skip
