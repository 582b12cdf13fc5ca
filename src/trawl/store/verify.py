"""``trawl audit verify``: recompute the chain, replay it, and hold every table to it.

Verification is a replay. Walking the events in order it recomputes each hash and link, and
rebuilds from the event payloads what the tables must contain: each run's parameters, status,
counts and checkpoint; each page and the events that describe it; which payload each page
stored; which records were new on which page with which content hash; every sighting; every
migration. Then it compares that with the rows actually there, decompresses and hashes every
payload, re-hashes every record's data and re-derives its columns and child tables. Anything
that disagrees is a problem; the result names the first (lowest event seq, then rows no event
accounts for).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from typing import Any

from trawl.store import provenance as P
from trawl.store.canonical import canonical_json, sha256_hex
from trawl.store.identity import identity_key
from trawl.store.models import VerifyResult
from trawl.store.record import Record
from trawl.store.rows import COLUMNS, derive

# The append-only guards of 0001_core.sql. A missing one means someone dropped it.
GUARDS = (
    "events_no_update", "events_no_delete", "events_extend_head", "events_move_head",
    "chain_head_follows_events", "chain_head_no_delete", "runs_no_delete",
    "payloads_no_update", "payloads_no_delete", "pages_no_update", "pages_no_delete",
    "records_no_update", "records_no_delete", "sightings_no_update", "sightings_no_delete",
)  # fmt: skip


class _Problems:
    """Findings, reported log first (the chain, its head, its guards), then rows, each by seq."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int | None, int, str]] = []
        self.rows = False  # set once the log itself has been checked

    def add(self, seq: int | None, message: str) -> None:
        self.items.append((int(self.rows), seq, len(self.items), message))

    def ordered(self) -> list[tuple[int | None, str]]:
        key = sorted(self.items, key=lambda t: (t[0], t[1] is None, t[1] or 0, t[2]))
        return [(seq, msg) for _, seq, _, msg in key]


def _short(value: Any) -> str:
    """A value for a message: hashes shortened, everything else repr'd."""
    if isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        return value[:12] + "…"
    return repr(value)


class _Replay:
    """What the tables must hold, rebuilt from the events."""

    def __init__(self, bad: _Problems) -> None:
        self.bad = bad
        self.runs: dict[int, dict[str, Any]] = {}
        self.pages: dict[int, dict[str, Any]] = {}
        self.payloads: dict[str, dict[str, Any]] = {}
        self.records: dict[int, dict[str, Any]] = {}
        self.sightings: dict[tuple[int, int], tuple[str, str]] = {}
        self.migrations: dict[int, str] = {}
        # seq -> (kind, run, payload sha256) of every request/response/file event, so a page's
        # "records stored" event can be checked against the companions it names.
        self.companions: dict[int, tuple[str, int | None, str | None]] = {}

    def apply(self, seq: int, time: str, run_id: int | None, kind: str, p: dict) -> None:
        where = f"event {seq} ({kind})"
        if run_id is not None and kind != P.RUN_STARTED:
            if run_id not in self.runs:
                self.bad.add(seq, f"{where}: names run {run_id}, which no earlier event started")
                return
            self.runs[run_id]["last_seq"] = seq
        try:
            self._apply(seq, time, run_id, kind, p, where)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            self.bad.add(seq, f"{where}: payload lacks what this kind needs ({exc!r})")

    def _apply(self, seq, time, run_id, kind, p, where) -> None:
        if kind == P.RUN_STARTED:
            if run_id is None or run_id in self.runs:
                self.bad.add(seq, f"{where}: run {run_id} started twice or without an id")
                return
            self.runs[run_id] = {
                "kind": p["kind"],
                "source": p["source"],
                "params": canonical_json(p["params"]),
                "tool_version": p["params"].get("tool_version"),
                "status": "running",
                "started_at": time,
                "finished_at": None,
                "reported_total": None,
                "retrieved": 0,
                "note": None,
                "checkpoint": None,
                "started_seq": seq,
                "last_seq": seq,
            }
        elif kind == P.RUN_FINISHED:
            self.runs[run_id].update(
                status=p["status"],
                finished_at=p["finished_at"],
                reported_total=p["reported_total"],
                retrieved=p["retrieved"],
                note=p["note"],
            )
        elif kind == P.RUN_RESUMED:
            self.runs[run_id].update(status="running", finished_at=None)
        elif kind == P.CHECKPOINT_SAVED:
            self.runs[run_id]["checkpoint"] = canonical_json(p["checkpoint"])
        elif kind in (P.REQUEST_SENT, P.RESPONSE_RECEIVED, P.FILE_IMPORTED):
            self.companions[seq] = (kind, run_id, p.get("sha256"))
        elif kind == P.RECORDS_STORED:
            self._records_stored(seq, run_id, p, where)
        elif kind == P.SCHEMA_MIGRATED:
            self.migrations[p["version"]] = p["sha256"]

    def _records_stored(self, seq, run_id, p, where) -> None:
        page_id, number, payload = p["page_id"], p["page"], p["payload"]
        digest = payload["sha256"]
        named = p["events"]
        for role, kind in (("request", P.REQUEST_SENT), ("response", P.RESPONSE_RECEIVED),
                           ("file", P.FILE_IMPORTED)):  # fmt: skip
            other = named[role]
            if other is None:
                continue
            companion = self.companions.get(other)
            if companion is None or companion[:2] != (kind, run_id):
                self.bad.add(seq, f"{where}: its {role} event {other} is not a {kind!r} "
                             f"event of run {run_id}")  # fmt: skip
            elif role != "request" and companion[2] != digest:
                self.bad.add(other, f"event {other} ({kind}): names a different payload than "
                             f"the page event {seq} stored")  # fmt: skip
        if page_id in self.pages:
            self.bad.add(seq, f"{where}: page {page_id} stored twice")
        self.pages[page_id] = {
            "run_id": run_id,
            "number": number,
            "payload_sha256": digest,
            "request_seq": named["request"],
            "response_seq": named["response"],
            "file_seq": named["file"],
            "stored_seq": seq,
        }
        if digest not in self.payloads:
            if not payload["new"]:
                self.bad.add(seq, f"{where}: payload {digest[:12]}… was stored by an event "
                             "that is no longer in the log")  # fmt: skip
            self.payloads[digest] = {
                "size": payload["size"],
                "media_type": payload["media_type"],
                "compression": payload["compression"],
                "stored_seq": seq,
            }
        elif payload["new"]:
            self.bad.add(seq, f"{where}: payload {digest[:12]}… stored as new a second time")
        for record_id, content in p["new"]:
            if record_id in self.records:
                self.bad.add(seq, f"{where}: record {record_id} stored as new a second time")
            self.records[record_id] = {
                "content_sha256": content,
                "page_id": page_id,
                "payload_sha256": digest,
                "stored_seq": seq,
            }
            self.sightings.setdefault((record_id, page_id), ("new", content))
        changed = {(i, c) for i, c in p["changed"]}
        for record_id, content in p["known"]:
            if record_id not in self.records:
                self.bad.add(seq, f"{where}: record {record_id} seen again but never stored")
            status = "changed" if (record_id, content) in changed else "known"
            self.sightings.setdefault((record_id, page_id), (status, content))
        if p["checkpoint"] is not None:
            self.runs[run_id]["checkpoint"] = canonical_json(p["checkpoint"])


def verify(conn: sqlite3.Connection, *, expect_head: str | None = None) -> VerifyResult:
    """Check the whole store; see the module docstring. ``expect_head`` is ``"SEQ:HASH"``."""
    bad = _Problems()
    checked: dict[str, int] = {}
    _check_guards(conn, bad)
    replay = _Replay(bad)
    last_seq, last_hash = _check_chain(conn, bad, replay, checked)
    _check_head(conn, bad, last_seq, last_hash, expect_head)
    bad.rows = True
    _check_runs(conn, bad, replay, checked)
    _check_pages(conn, bad, replay, checked)
    _check_payloads(conn, bad, replay, checked)
    _check_records(conn, bad, replay, checked)
    _check_sightings(conn, bad, replay, checked)
    _check_migrations(conn, bad, replay)
    ordered = bad.ordered()
    first_seq, reason = ordered[0] if ordered else (None, None)
    return VerifyResult(
        ok=not ordered,
        first_bad_seq=first_seq,
        reason=reason,
        problems=[msg for _, msg in ordered],
        head_seq=last_seq,
        head_hash=last_hash,
        checked=checked,
    )


def _shipped_guards() -> dict[str, str]:
    """Each guard trigger's SQL as 0001_core.sql ships it, whitespace-normalised."""
    from trawl.store.migrate import shipped

    core = next(m for m in shipped() if m.version == 1).sql
    found = re.findall(r"(CREATE TRIGGER (\w+) .*?END);", core, re.S)
    return {name: " ".join(text.split()) for text, name in found if name in GUARDS}


def _check_guards(conn, bad: _Problems) -> None:
    present = {
        name: " ".join((sql or "").split())
        for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'")
    }
    shipped = _shipped_guards()
    for name in GUARDS:
        if name not in present:
            bad.add(None, f"trigger {name} is missing: the append-only guard was dropped")
        elif name in shipped and present[name] != shipped[name]:
            bad.add(None, f"trigger {name} was altered: it no longer reads as shipped")


def _check_chain(conn, bad: _Problems, replay: _Replay, checked) -> tuple[int, str]:
    prev_hash, expected, count = P.GENESIS, 1, 0
    last_seq = 0
    rows = conn.execute(
        "SELECT seq, time, run_id, kind, payload, prev_hash, hash FROM events ORDER BY seq"
    )
    for seq, time, run_id, kind, payload, prev, digest in rows:
        count += 1
        where = f"event {seq} ({kind})"
        if seq != expected:
            gone = f"event {expected}" if seq == expected + 1 else f"events {expected}-{seq - 1}"
            bad.add(expected, f"{gone} missing before {where} (deleted or renumbered)")
        if prev != prev_hash:
            bad.add(seq, f"{where}: prev_hash does not match the hash of the event before it")
        if P.event_hash(seq, time, run_id, kind, payload, prev) != digest:
            bad.add(seq, f"{where}: hash does not match its contents (edited)")
        try:
            body = json.loads(payload)
        except (TypeError, ValueError):
            bad.add(seq, f"{where}: payload is not JSON")
            body = None
        if body is not None:
            if canonical_json(body) != payload:
                bad.add(seq, f"{where}: payload is not canonical JSON")
            if isinstance(body, dict):
                replay.apply(seq, time, run_id, kind, body)
            else:
                bad.add(seq, f"{where}: payload is not a JSON object")
        prev_hash, expected, last_seq = digest, seq + 1, seq
    checked["events"] = count
    return last_seq, prev_hash if count else P.GENESIS


def _check_head(conn, bad: _Problems, last_seq: int, last_hash: str, expect: str | None) -> None:
    row = conn.execute("SELECT seq, hash FROM chain_head").fetchone()
    if row is None:
        bad.add(None, "chain_head is empty: the anchor of the log was deleted")
    else:
        head_seq, head_hash = row
        if head_seq > last_seq:
            bad.add(last_seq + 1, f"event {last_seq + 1}: missing: the chain head says the log "
                    f"runs to {head_seq} but it ends at {last_seq} (events deleted)")  # fmt: skip
        elif (head_seq, head_hash) != (last_seq, last_hash):
            bad.add(head_seq or None, f"chain_head ({head_seq}, {head_hash[:12]}…) does not match"
                    f" the last event ({last_seq}, {last_hash[:12]}…): the log was rewritten")  # fmt: skip
    if expect:
        seq_text, _, digest = expect.partition(":")
        try:
            seq = int(seq_text)
        except ValueError:
            bad.add(None, f"--expect-head {expect!r} is not SEQ:HASH")
            return
        found = conn.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
        if found is None or not found[0].startswith(digest.lower()):
            bad.add(seq, f"event {seq}: does not have the published head hash {digest[:12]}… "
                    "(the log was rewritten or truncated since it was published)")  # fmt: skip


def _check_runs(conn, bad: _Problems, replay: _Replay, checked) -> None:
    cols = ("kind", "source", "params", "tool_version", "status", "started_at", "finished_at",
            "reported_total", "retrieved", "note", "checkpoint", "started_seq", "last_seq")  # fmt: skip
    checked["runs"] = _compare_rows(
        conn, bad, "runs", cols, replay.runs, noun="run", event="run started",
        origin=("started", "started_seq"),
        blame=lambda col: "started_seq" if col in _STARTED else "last_seq")


_STARTED = ("kind", "source", "params", "tool_version", "started_at", "started_seq")


def _check_pages(conn, bad: _Problems, replay: _Replay, checked) -> None:
    cols = ("run_id", "number", "payload_sha256", "request_seq", "response_seq", "file_seq",
            "stored_seq")  # fmt: skip
    checked["pages"] = _compare_rows(
        conn, bad, "pages", cols, replay.pages, noun="page", event="records stored",
        origin=("stored", "stored_seq"), blame=lambda col: "stored_seq")


def _compare_rows(conn, bad: _Problems, table: str, cols: tuple[str, ...],
                  replayed: dict[int, dict], *, noun: str, event: str,
                  origin: tuple[str, str], blame) -> int:
    """Every row of ``table`` must equal the row its events replay, and every replayed row must
    exist. ``origin`` is (verb, seq column) of the event that created a row; ``blame(col)`` names
    the seq column of the event a wrong column is reported at. Returns the rows checked."""
    verb, origin_seq = origin
    seen = set()
    for row in conn.execute(f"SELECT id, {', '.join(cols)} FROM {table} ORDER BY id"):
        row_id, values = row[0], dict(zip(cols, row[1:], strict=True))
        seen.add(row_id)
        expected = replayed.get(row_id)
        if expected is None:
            bad.add(None, f"{table} row {row_id}: no '{event}' event accounts for it")
            continue
        for col in cols:
            if values[col] != expected[col]:
                bad.add(expected[blame(col)], f"{table} row {row_id}: {col} is "
                        f"{_short(values[col])} but its events say {_short(expected[col])}")  # fmt: skip
    for row_id, expected in replayed.items():
        if row_id not in seen:
            bad.add(expected[origin_seq], f"{noun} {row_id}: {verb} by event "
                    f"{expected[origin_seq]} but missing from {table} (deleted)")  # fmt: skip
    return len(seen)


def _check_payloads(conn, bad: _Problems, replay: _Replay, checked) -> None:
    from trawl.store.store import decompress

    seen = set()
    rows = conn.execute(
        "SELECT sha256, size, media_type, compression, content, stored_seq FROM payloads"
    )
    for digest, size, media_type, codec, blob, stored_seq in rows:
        seen.add(digest)
        expected = replay.payloads.get(digest)
        seq = expected["stored_seq"] if expected else None
        where = f"payloads row {digest[:12]}…"
        try:
            raw = decompress(blob, codec)
        except Exception as exc:  # noqa: BLE001 - any decoding failure means a damaged row
            bad.add(seq, f"{where}: content does not decompress ({exc.__class__.__name__})")
            continue
        if sha256_hex(raw) != digest:
            bad.add(seq, f"{where}: content does not hash to its sha256 (edited)")
        if len(raw) != size:
            bad.add(seq, f"{where}: size {size} but content is {len(raw)} bytes")
        if expected is None:
            bad.add(None, f"{where}: no 'records stored' event accounts for it")
            continue
        actual = {"size": size, "media_type": media_type, "compression": codec,
                  "stored_seq": stored_seq}  # fmt: skip
        for key, value in actual.items():
            if value != expected[key]:
                bad.add(seq, f"{where}: {key} is {_short(value)} but its events say "
                        f"{_short(expected[key])}")  # fmt: skip
    for digest, expected in replay.payloads.items():
        if digest not in seen:
            bad.add(expected["stored_seq"], f"payload {digest[:12]}…: stored by event "
                    f"{expected['stored_seq']} but missing from payloads (deleted)")  # fmt: skip
    checked["payloads"] = len(seen)


def _check_records(conn, bad: _Problems, replay: _Replay, checked) -> None:
    children = _children(conn)
    seen = set()
    cols = ("source", "identity", *COLUMNS, "data", "content_sha256", "payload_sha256",
            "page_id", "stored_seq")  # fmt: skip
    for row in conn.execute(f"SELECT id, {', '.join(cols)} FROM records ORDER BY id"):
        record_id, values = row[0], dict(zip(cols, row[1:], strict=True))
        seen.add(record_id)
        expected = replay.records.get(record_id)
        seq = expected["stored_seq"] if expected else None
        where = f"records row {record_id}"
        data = values["data"]
        if sha256_hex(data) != values["content_sha256"]:
            bad.add(seq, f"{where}: data does not hash to its content_sha256 (edited)")
        if expected is None:
            bad.add(None, f"{where}: no 'records stored' event accounts for it")
        else:
            for key in ("content_sha256", "page_id", "payload_sha256", "stored_seq"):
                if values[key] != expected[key]:
                    bad.add(seq, f"{where}: {key} is {_short(values[key])} but its events "
                            f"say {_short(expected[key])}")  # fmt: skip
        if values["payload_sha256"] not in replay.payloads:
            bad.add(seq, f"{where}: its raw payload {values['payload_sha256'][:12]}… is unknown")
        try:
            record = Record.model_validate_json(data)
        except ValueError as exc:
            bad.add(seq, f"{where}: data is not a valid record ({exc.__class__.__name__})")
            continue
        rows = derive(record)
        if record.source != values["source"]:
            bad.add(seq, f"{where}: source column differs from its data")
        if identity_key(record, values["content_sha256"]) != values["identity"]:
            bad.add(seq, f"{where}: identity column differs from its data")
        for col in COLUMNS:
            if values[col] != rows.columns[col]:
                bad.add(seq, f"{where}: column {col} differs from its data (edited)")
        got = children.get(record_id, ([], [], []))
        want = (rows.authors, rows.identifiers, rows.headings)
        for name, g, w in zip(("record_authors", "record_identifiers", "record_headings"),
                              got, want, strict=True):  # fmt: skip
            if sorted(g) != sorted(w):
                bad.add(seq, f"{where}: its {name} rows differ from its data (edited)")
    for record_id, expected in replay.records.items():
        if record_id not in seen:
            bad.add(expected["stored_seq"], f"record {record_id}: stored by event "
                    f"{expected['stored_seq']} but missing from records (deleted)")  # fmt: skip
    for record_id in set(children) - seen:
        bad.add(None, f"record_* rows for record {record_id}, which does not exist")
    checked["records"] = len(seen)


def _children(conn) -> dict[int, tuple[list, list, list]]:
    out: dict[int, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    for rid, *rest in conn.execute("SELECT record_id, position, family, given FROM record_authors"):
        out[rid][0].append(tuple(rest))
    for rid, *rest in conn.execute("SELECT record_id, scheme, value FROM record_identifiers"):
        out[rid][1].append(tuple(rest))
    for rid, *rest in conn.execute(
        "SELECT record_id, position, vocabulary, label, major FROM record_headings"
    ):
        out[rid][2].append(tuple(rest))
    return dict(out)


def _check_sightings(conn, bad: _Problems, replay: _Replay, checked) -> None:
    actual = {
        (rid, pid): (status, content)
        for rid, pid, status, content in conn.execute(
            "SELECT record_id, page_id, status, content_sha256 FROM sightings"
        )
    }
    for key, value in sorted(actual.items()):
        expected = replay.sightings.get(key)
        seq = replay.pages.get(key[1], {}).get("stored_seq")
        if expected is None:
            bad.add(
                None, f"sightings row (record {key[0]}, page {key[1]}): no event accounts for it"
            )
        elif expected != value:
            bad.add(seq, f"sightings row (record {key[0]}, page {key[1]}): is {value[0]} but its "
                    f"event says {expected[0]}")  # fmt: skip
    for key in sorted(set(replay.sightings) - set(actual)):
        seq = replay.pages.get(key[1], {}).get("stored_seq")
        bad.add(seq, f"sighting of record {key[0]} on page {key[1]}: in the log but missing "
                "from sightings (deleted)")  # fmt: skip
    checked["sightings"] = len(actual)


def _check_migrations(conn, bad: _Problems, replay: _Replay) -> None:
    actual = dict(conn.execute("SELECT version, sha256 FROM schema_migrations"))
    if actual != replay.migrations:
        bad.add(None, "schema_migrations does not match the 'schema migrated' events")
