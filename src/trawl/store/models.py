"""The values the store hands out: runs, events, stored records, page and verification results."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from trawl.store.record import Record

RUN_STATUSES = ("running", "complete", "failed", "resumable")


@dataclass(frozen=True, slots=True)
class Run:
    """A harvest or an import: what was asked, how it went, and where to pick it up again."""

    id: int
    kind: str  # "harvest" | "import" (other parts may add kinds)
    source: str
    params: dict[str, Any]  # rendered query, endpoint, filters, strategy hash ... (never secrets)
    status: str  # one of RUN_STATUSES
    tool_version: str
    started_at: str
    finished_at: str | None = None
    reported_total: int | None = None  # what the source said it had
    retrieved: int = 0  # what we stored
    note: str | None = None
    checkpoint: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the provenance log."""

    seq: int
    time: str
    run_id: int | None
    kind: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "run": self.run_id,
            "kind": self.kind,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    @classmethod
    def from_row(cls, row) -> Event:
        seq, time, run_id, kind, payload, prev_hash, hash_ = row
        return cls(seq, time, run_id, kind, json.loads(payload), prev_hash, hash_)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as stored, with where it came from."""

    id: int
    record: Record
    source: str
    run_ids: tuple[int, ...]  # every run that saw it, oldest first
    payload_sha256: str  # the raw payload it was first parsed from


@dataclass(frozen=True, slots=True)
class Page:
    """One stored page of a run: which raw payload it kept and the events that describe it."""

    id: int
    run_id: int
    number: int
    payload_sha256: str
    media_type: str
    request_seq: int | None
    response_seq: int | None
    file_seq: int | None
    stored_seq: int


@dataclass(frozen=True, slots=True)
class PageResult:
    """What one stored page did. Record ids: new ones, and ones seen before (``known``).

    ``changed`` is the subset of ``known`` whose content differed from the stored version (the
    stored version is kept; the new one can be re-parsed from this page's payload).
    """

    payload_sha256: str
    new: list[int]
    known: list[int]
    page_id: int = 0
    changed: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of ``Store.verify``: ok, or the first event/row that fails and why."""

    ok: bool
    first_bad_seq: int | None
    reason: str | None
    problems: list[str] = field(default_factory=list)
    head_seq: int = 0
    head_hash: str = ""
    checked: dict[str, int] = field(default_factory=dict)
