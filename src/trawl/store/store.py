"""The Store: one SQLite file holding runs, raw payloads, records and the provenance log.

Every write goes through a transaction that also appends the events describing it, so the log
and the tables can never disagree after a crash: a page's raw payload, its records, its
sightings, its events and the run's checkpoint are committed together or not at all.
"""

from __future__ import annotations

import json
import lzma
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from trawl.query.diagnostics import Diagnostic, TrawlError, register
from trawl.store import migrate, provenance
from trawl.store.canonical import canonical_json, sha256_hex, utc_now
from trawl.store.identity import identity_key
from trawl.store.models import (
    RUN_STATUSES,
    Event,
    Page,
    PageResult,
    Run,
    StoredRecord,
    VerifyResult,
)
from trawl.store.record import Record
from trawl.store.redact import environment_secrets, redact, scrub
from trawl.store.rows import COLUMNS, derive, record_data

STORE_MISSING = register(
    "STORE002",
    "error",
    "No trawl store at the path given (run `trawl init` first), or it exists "
    "already where a new one was asked for, or it is not a SQLite file.",
)
STORE_MISUSE = register(
    "STORE003",
    "error",
    "A store call named a run or payload that does not exist, or a run in "
    "the wrong state (pages can only be added to a running run).",
)

STORE_NEWER = register(
    "STORE004",
    "error",
    "The store was written by a newer trawl (its schema has migrations this version does not "
    "know); upgrade trawl rather than let an older one write to it.",
)
STORE_READ_ONLY = register(
    "STORE005",
    "error",
    "The store (or its folder) is read-only and the command writes to it; `trawl audit` "
    "reads a read-only store.",
)
STORE_BUSY = register(
    "STORE006",
    "error",
    "Another program held the store's write lock for longer than trawl waits (another trawl "
    "command, or a SQLite browser with unsaved changes); nothing was written.",
)


def _busy(path: Path, timeout: float) -> TrawlError:
    return TrawlError(Diagnostic.of(STORE_BUSY, (
        f"{path} is locked: another program has been writing to it for over {timeout:g} s "
        "(another trawl command, or a SQLite browser with unsaved changes); nothing was "
        "written: close it and run this again")))

_RUN_COLUMNS = (
    "id, kind, source, params, status, tool_version, started_at, finished_at, reported_total, "
    "retrieved, note, checkpoint"
)


def _connect_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    """A connection that never writes, even where the folder is read-only.

    A WAL database opened ``mode=ro`` needs its ``-shm`` file, which SQLite cannot create in a
    read-only folder; then, if no write-ahead log holds unmerged pages, the file is opened as
    immutable (nothing to miss). With a non-empty log the error stands: reading the file alone
    would silently show an older state.
    """
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=timeout,
                           isolation_level=None, check_same_thread=False)


def compress(data: bytes, codec: str = "zlib") -> bytes:
    if codec == "zlib":
        return zlib.compress(data, 6)
    if codec == "lzma":
        return lzma.compress(data, preset=6)
    raise ValueError(f"unknown codec {codec!r}")


def decompress(blob: bytes, codec: str) -> bytes:
    if codec == "zlib":
        return zlib.decompress(blob)
    if codec == "lzma":
        return lzma.decompress(blob)
    raise ValueError(f"unknown codec {codec!r}")


def _tool_version() -> str:
    from trawl import __version__

    return __version__


class Store:
    """A review's store. Open with :meth:`create` or :meth:`open`; use as a context manager.

    One Store object may be shared between threads (calls are serialised); several processes may
    open the same file (SQLite WAL; writers wait for each other up to ``timeout`` seconds).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        timeout: float = 30.0,
        clock: Callable[[], str] = utc_now,
        codec: str = "zlib",
        upgrade: bool = True,
        synchronous: str = "FULL",
        readonly: bool = False,
    ):
        """Prefer :meth:`create` / :meth:`open`, which check whether the file should exist.

        ``upgrade=False`` leaves the schema as it is (auditing must not change what it audits).
        ``readonly=True`` (implies ``upgrade=False``) opens the file for reading only, so an
        auditor can verify a workspace copied to read-only media; every write then fails.
        ``synchronous="FULL"`` makes each commit durable against power loss too; ``"NORMAL"``
        (still crash-safe and never corrupt, see bench/store_bench.py) may lose the last pages
        on power loss, which a harvest then re-fetches from its checkpoint.
        """
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError("synchronous must be FULL or NORMAL")
        self.path = Path(path)
        self._timeout = timeout
        self._clock = clock
        self._codec = codec
        self._lock = threading.RLock()
        self._depth = 0
        try:
            if readonly:
                self._conn = _connect_read_only(self.path, timeout)
            else:
                self._conn = sqlite3.connect(
                    str(self.path), timeout=timeout, isolation_level=None,
                    check_same_thread=False,
                )
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            if not readonly:
                self._conn.execute(f"PRAGMA synchronous={synchronous}")
            newer = migrate.unknown(self._conn)
            if newer:
                self._conn.close()
                raise TrawlError(Diagnostic.of(STORE_NEWER, (
                    f"{self.path} was written by a newer trawl (schema "
                    f"{', '.join(newer)}, which this trawl does not know); upgrade trawl to "
                    "use it")))
            if upgrade and not readonly:
                migrate.upgrade(self._conn, after_each=self._log_migration)
            else:
                self._conn.execute("SELECT seq FROM chain_head").fetchone()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise _busy(self.path, timeout) from None
            if "readonly" in str(exc) or "read-only" in str(exc):
                raise TrawlError(Diagnostic.of(STORE_READ_ONLY, (
                    f"{self.path} is read-only (the file or its folder) and this command "
                    "writes to it; make it writable, or copy the workspace somewhere that is "
                    "(`trawl audit` only reads)"))) from None
            raise TrawlError(
                Diagnostic.of(STORE_MISSING, f"{self.path}: not a usable trawl store ({exc})")
            ) from None
        except sqlite3.DatabaseError as exc:
            raise TrawlError(
                Diagnostic.of(STORE_MISSING, f"{self.path}: not a usable trawl store ({exc})")
            ) from None

    # -- opening and closing -------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, **options) -> Store:
        """A new, empty store at ``path`` (refuses to touch an existing file)."""
        path = Path(path)
        if path.exists():
            raise TrawlError(Diagnostic.of(STORE_MISSING, f"{path}: a file exists there already"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(path, **options)

    @classmethod
    def open(cls, path: str | Path, **options) -> Store:
        """The existing store at ``path`` (or ``path/store.sqlite``), upgraded to this schema."""
        path = Path(path)
        if path.is_dir():
            path = path / "store.sqlite"
        if not path.is_file():
            raise TrawlError(
                Diagnostic.of(STORE_MISSING, f"{path}: no store here (run `trawl init` first)")
            )
        return cls(path, **options)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection, for other parts' own tables (dedup, harvest, report).

        Write through it only inside ``with store.transaction():``.
        """
        return self._conn

    # -- transactions and the log --------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All writes inside happen together or not at all. Nests (inner blocks are savepoints)."""
        with self._lock:
            if self._depth:
                name = f"sp{self._depth}"
                self._conn.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield self
                except BaseException:
                    self._conn.execute(f"ROLLBACK TO {name}")
                    self._conn.execute(f"RELEASE {name}")
                    raise
                else:
                    self._conn.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1
                return
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise _busy(self.path, self._timeout) from None
                if "readonly" in str(exc):
                    raise TrawlError(Diagnostic.of(STORE_READ_ONLY, (
                        f"{self.path} was opened read-only; this command writes to it"))) from None
                raise
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    def log_event(self, kind: str, payload: Mapping[str, Any], run_id: int | None = None) -> Event:
        """Append an event to the hash chain. Secret-named keys and secret values are redacted."""
        if not kind or not isinstance(kind, str):
            raise ValueError("an event needs a kind")
        if kind in provenance.RESERVED:
            raise ValueError(f"{kind!r} events are written by the store itself (use its methods)")
        with self.transaction():
            if run_id is not None:
                self._require_run(run_id)
            return self._append(kind, payload, run_id)

    def _append(
        self,
        kind: str,
        payload: Mapping[str, Any],
        run_id: int | None,
        secrets: set[str] | None = None,
        *,
        trusted: bool = False,
        time: str | None = None,
    ) -> Event:
        """Append one event inside the current transaction.

        ``trusted`` payloads were built by the store from already redacted parts and are only
        value-scrubbed (so a checkpoint's ``nextPageToken`` survives name-based redaction).
        """
        found = set(secrets or ())
        clean = payload if trusted else redact(dict(payload), found=found)
        text = scrub(canonical_json(clean), found)
        seq, prev = self._conn.execute("SELECT seq, hash FROM chain_head").fetchone()
        seq += 1
        time = time or self._clock()
        digest = provenance.event_hash(seq, time, run_id, kind, text, prev)
        self._conn.execute(
            "INSERT INTO events (seq, time, run_id, kind, payload, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq, time, run_id, kind, text, prev, digest),
        )
        if run_id is not None:
            self._conn.execute("UPDATE runs SET last_seq = ? WHERE id = ?", (seq, run_id))
        return Event(seq, time, run_id, kind, json.loads(text), prev, digest)

    def _log_migration(self, conn: sqlite3.Connection, mig: migrate.Migration) -> None:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'chain_head'").fetchone():
            self._append(
                provenance.SCHEMA_MIGRATED,
                {"version": mig.version, "name": mig.name, "sha256": mig.sha256},
                None,
            )

    def head(self) -> tuple[int, str]:
        """The chain head: (seq, hash) of the last event. Publish it to anchor the log."""
        with self._lock:
            seq, digest = self._conn.execute("SELECT seq, hash FROM chain_head").fetchone()
        return seq, digest

    def events(
        self, run_id: int | None = None, kinds: Sequence[str] | None = None, after: int = 0
    ) -> Iterator[Event]:
        """The log in order, optionally for one run and/or some kinds, after seq ``after``."""
        sql = "SELECT seq, time, run_id, kind, payload, prev_hash, hash FROM events WHERE seq > ?"
        args: list[Any] = [after]
        if run_id is not None:
            sql += " AND run_id = ?"
            args.append(run_id)
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            args.extend(kinds)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY seq", args).fetchall()
        return (Event.from_row(r) for r in rows)

    def event(self, seq: int) -> Event | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT seq, time, run_id, kind, payload, prev_hash, hash FROM events "
                "WHERE seq = ?",
                (seq,),
            ).fetchone()
        return Event.from_row(row) if row else None

    # -- runs -----------------------------------------------------------------------------

    def start_run(self, kind: str, source: str, params: Mapping[str, Any] | None = None) -> Run:
        """Begin a harvest or import. ``params``: rendered query, endpoint, filters, strategy hash.

        Secret-named parameters are redacted; the tool version is added when absent.
        """
        if not kind or not source:
            raise ValueError("a run needs a kind and a source")
        found: set[str] = set()
        clean = redact(dict(params or {}), found=found)
        clean.setdefault("tool_version", _tool_version())
        params_text = scrub(canonical_json(clean), found)
        with self.transaction():
            seq = self._conn.execute("SELECT seq FROM chain_head").fetchone()[0] + 1
            started = self._clock()
            cur = self._conn.execute(
                "INSERT INTO runs (kind, source, params, tool_version, status, started_at, "
                "started_seq, last_seq) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)",
                (kind, source, params_text, clean["tool_version"], started, seq, seq),
            )
            run_id = cur.lastrowid
            self._append(
                provenance.RUN_STARTED,
                {"kind": kind, "source": source, "params": json.loads(params_text)},
                run_id,
                trusted=True,
                time=started,
            )
            return self.run(run_id)

    def run(self, run_id: int) -> Run:
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
        if row is None:
            raise TrawlError(Diagnostic.of(STORE_MISUSE, f"no run {run_id} in {self.path}"))
        return _run_from_row(row)

    def runs(self, source: str | None = None) -> list[Run]:
        sql = f"SELECT {_RUN_COLUMNS} FROM runs"
        args: tuple = ()
        if source is not None:
            sql += " WHERE source = ?"
            args = (source,)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY id", args).fetchall()
        return [_run_from_row(r) for r in rows]

    def _require_run(self, run_id: int, *, running: bool = False) -> Run:
        run = self.run(run_id)
        if running and run.status != "running":
            raise TrawlError(
                Diagnostic.of(
                    STORE_MISUSE,
                    f"run {run_id} is {run.status}, not running (resume it with resume_run)",
                )
            )
        return run

    def checkpoint(self, run_id: int) -> dict[str, Any] | None:
        """Where the run got to: the checkpoint saved with its last page."""
        return self.run(run_id).checkpoint

    def save_checkpoint(self, run_id: int, checkpoint: Mapping[str, Any]) -> Event:
        """Save a checkpoint without a page (e.g. a cursor advanced past an empty slice)."""
        with self.transaction():
            self._require_run(run_id, running=True)
            text = scrub(canonical_json(dict(checkpoint)))
            event = self._append(
                provenance.CHECKPOINT_SAVED, {"checkpoint": json.loads(text)}, run_id, trusted=True
            )
            self._conn.execute("UPDATE runs SET checkpoint = ? WHERE id = ?", (text, run_id))
            return event

    def finish_run(
        self,
        run_id: int,
        status: str = "complete",
        reported_total: int | None = None,
        retrieved: int | None = None,
        note: str | None = None,
    ) -> Run:
        """End a run. ``retrieved`` defaults to the number of distinct records the run stored
        or saw; ``reported_total`` is what the source said it had (None if it did not say)."""
        if status not in RUN_STATUSES or status == "running":
            raise ValueError(f"a run finishes as complete, failed or resumable, not {status!r}")
        with self.transaction():
            self._require_run(run_id, running=True)
            if retrieved is None:
                retrieved = self._conn.execute(
                    "SELECT count(DISTINCT s.record_id) FROM sightings s "
                    "JOIN pages p ON p.id = s.page_id WHERE p.run_id = ?",
                    (run_id,),
                ).fetchone()[0]
            finished = self._clock()
            note = scrub(note) if note else note
            self._append(
                provenance.RUN_FINISHED,
                {
                    "status": status,
                    "reported_total": reported_total,
                    "retrieved": retrieved,
                    "note": note,
                    "finished_at": finished,
                },
                run_id,
                trusted=True,
                time=finished,
            )
            self._conn.execute(
                "UPDATE runs SET status = ?, finished_at = ?, reported_total = ?, retrieved = ?, "
                "note = ? WHERE id = ?",
                (status, finished, reported_total, retrieved, note, run_id),
            )
            return self.run(run_id)

    def resume_run(self, run_id: int) -> Run:
        """Set a resumable (or failed) run running again; its checkpoint says where to go on."""
        with self.transaction():
            run = self._require_run(run_id)
            if run.status not in ("resumable", "failed"):
                raise TrawlError(
                    Diagnostic.of(STORE_MISUSE, f"run {run_id} is {run.status}: cannot resume it")
                )
            self._append(
                provenance.RUN_RESUMED, {"checkpoint": run.checkpoint}, run_id, trusted=True
            )
            self._conn.execute(
                "UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?", (run_id,)
            )
            return self.run(run_id)

    # -- pages ----------------------------------------------------------------------------

    def add_page(
        self,
        run_id: int,
        payload: bytes,
        media_type: str,
        records: Sequence[Record | Mapping[str, Any]] = (),
        request: Mapping[str, Any] | None = None,
        response: Mapping[str, Any] | None = None,
        checkpoint: Mapping[str, Any] | None = None,
        file: Mapping[str, Any] | None = None,
    ) -> PageResult:
        """Store one API page or imported file, in ONE transaction.

        Writes the raw payload (sha256 of the secret-scrubbed bytes, compressed), every record
        (linked to that payload; one seen before in this source becomes a sighting), the events
        ``request sent`` (when ``request``), ``response received`` (when ``response``),
        ``file imported`` (when ``file``: name, format, the source a person says it came from,
        the date they searched, the query they ran ...) and ``records stored``, and the checkpoint.

        ``records`` are Records or mappings of Record fields (validated here: a TrawlError names
        the record and the field, and nothing is written). ``request``: {"method", "url",
        "params", "headers"}; ``response``: {"status", ...}.
        Both are redacted; size and sha256 are filled in by the store.
        """
        if not isinstance(payload, bytes | bytearray):
            raise TypeError("payload must be the raw bytes as received")
        records = [self._as_record(rec, run_id, i) for i, rec in enumerate(records, 1)]
        found: set[str] = set()
        request = redact(dict(request), found=found) if request is not None else None
        response = redact(dict(response), found=found) if response is not None else None
        file = redact(dict(file), found=found) if file is not None else None
        found |= environment_secrets()
        raw = scrub(bytes(payload), found, environment=False)
        digest = sha256_hex(raw)
        cp_text = None
        if checkpoint is not None:
            cp_text = scrub(canonical_json(dict(checkpoint)), found, environment=False)
        cleaned = [_without_secrets(r, found) for r in records]
        described = {"sha256": digest, "size": len(raw), "media_type": media_type}

        with self.transaction():
            self._require_run(run_id, running=True)
            number = self._conn.execute(
                "SELECT coalesce(max(number), 0) + 1 FROM pages WHERE run_id = ?", (run_id,)
            ).fetchone()[0]
            request_seq = response_seq = file_seq = None
            if request is not None:
                request_seq = self._append(
                    provenance.REQUEST_SENT, {**request, "page": number}, run_id, found,
                    trusted=True,
                ).seq  # fmt: skip
            if response is not None:
                response_seq = self._append(
                    provenance.RESPONSE_RECEIVED, {**response, **described, "page": number},
                    run_id, found, trusted=True,
                ).seq  # fmt: skip
            if file is not None:
                file_seq = self._append(
                    provenance.FILE_IMPORTED, {**file, **described, "page": number},
                    run_id, found, trusted=True,
                ).seq  # fmt: skip

            # The "records stored" event comes last; rows written before it name its seq.
            stored_seq = self._conn.execute("SELECT seq FROM chain_head").fetchone()[0] + 1
            payload_new = self._put_payload(raw, digest, media_type, stored_seq)
            page_id = self._conn.execute(
                "INSERT INTO pages (run_id, number, payload_sha256, request_seq, response_seq, "
                "file_seq, stored_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, number, digest, request_seq, response_seq, file_seq, stored_seq),
            ).lastrowid
            new, known, changed = self._put_records(cleaned, digest, page_id, stored_seq)
            event = self._append(
                provenance.RECORDS_STORED,
                {
                    "page_id": page_id,
                    "page": number,
                    "events": {"request": request_seq, "response": response_seq, "file": file_seq},
                    "payload": {**described, "compression": self._codec, "new": payload_new},
                    "new": new,
                    "known": known,
                    "changed": changed,
                    "checkpoint": json.loads(cp_text) if cp_text is not None else None,
                },
                run_id,
                found,
                trusted=True,
            )
            assert event.seq == stored_seq, "the chain moved inside a write transaction"
            if cp_text is not None:
                self._conn.execute("UPDATE runs SET checkpoint = ? WHERE id = ?", (cp_text, run_id))
        return PageResult(
            payload_sha256=digest,
            new=[i for i, _ in new],
            known=[i for i, _ in known],
            page_id=page_id,
            changed=[i for i, _ in changed],
        )

    @staticmethod
    def _as_record(value: Record | Mapping[str, Any], run_id: int, n: int) -> Record:
        """A Record; a mapping is validated, a TrawlError naming the record and field if bad."""
        if isinstance(value, Record):
            return value
        if isinstance(value, Mapping):
            return Record.build(f"record {n} of the page for run {run_id}", **value)
        raise TypeError(f"record {n} is {type(value).__name__}, not a Record or a mapping")

    def _put_payload(self, raw: bytes, digest: str, media_type: str, seq: int) -> bool:
        if self._conn.execute("SELECT 1 FROM payloads WHERE sha256 = ?", (digest,)).fetchone():
            return False
        self._conn.execute(
            "INSERT INTO payloads (sha256, size, media_type, compression, content, stored_seq) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (digest, len(raw), media_type, self._codec, compress(raw, self._codec), seq),
        )
        return True

    def _put_records(
        self, records: Sequence[tuple[Record, str]], digest: str, page_id: int, seq: int
    ) -> tuple[list[list], list[list], list[list]]:
        new: list[list] = []
        known: list[list] = []
        changed: list[list] = []
        for record, data in records:
            content = sha256_hex(data)
            key = identity_key(record, content)
            row = self._conn.execute(
                "SELECT id, content_sha256 FROM records WHERE source = ? AND identity = ?",
                (record.source, key),
            ).fetchone()
            if row is None:
                record_id = self._insert_record(record, data, content, key, digest, page_id, seq)
                status = "new"
                new.append([record_id, content])
            else:
                record_id, stored_content = row
                status = "known" if stored_content == content else "changed"
                known.append([record_id, content])
                if status == "changed":
                    changed.append([record_id, content])
            self._conn.execute(
                "INSERT OR IGNORE INTO sightings (record_id, page_id, status, content_sha256) "
                "VALUES (?, ?, ?, ?)",
                (record_id, page_id, status, content),
            )
        return new, known, changed

    def _insert_record(
        self,
        record: Record,
        data: str,
        content: str,
        key: str,
        digest: str,
        page_id: int,
        seq: int,
    ) -> int:
        rows = derive(record)
        names = ", ".join(COLUMNS)
        marks = ", ".join("?" * len(COLUMNS))
        record_id = self._conn.execute(
            f"INSERT INTO records (source, identity, {names}, data, content_sha256, "
            f"payload_sha256, page_id, stored_seq) VALUES (?, ?, {marks}, ?, ?, ?, ?, ?)",
            (
                record.source,
                key,
                *(rows.columns[c] for c in COLUMNS),
                data,
                content,
                digest,
                page_id,
                seq,
            ),
        ).lastrowid
        self._conn.executemany(
            "INSERT INTO record_authors (record_id, position, family, given) VALUES (?, ?, ?, ?)",
            [(record_id, *a) for a in rows.authors],
        )
        self._conn.executemany(
            "INSERT INTO record_identifiers (record_id, scheme, value) VALUES (?, ?, ?)",
            [(record_id, *i) for i in rows.identifiers],
        )
        self._conn.executemany(
            "INSERT INTO record_headings (record_id, position, vocabulary, label, major) "
            "VALUES (?, ?, ?, ?, ?)",
            [(record_id, *h) for h in rows.headings],
        )
        return record_id

    # -- reading --------------------------------------------------------------------------

    def payload(self, sha256: str) -> bytes:
        """The raw bytes of a stored payload (decompressed), e.g. to re-parse it."""
        with self._lock:
            row = self._conn.execute(
                "SELECT compression, content FROM payloads WHERE sha256 = ?", (sha256,)
            ).fetchone()
        if row is None:
            raise TrawlError(Diagnostic.of(STORE_MISUSE, f"no payload {sha256} in {self.path}"))
        return decompress(row[1], row[0])

    def pages(self, run_id: int | None = None) -> list[Page]:
        """Stored pages in order, e.g. to re-parse every payload with a newer parser."""
        sql = (
            "SELECT p.id, p.run_id, p.number, p.payload_sha256, y.media_type, p.request_seq, "
            "p.response_seq, p.file_seq, p.stored_seq FROM pages p "
            "JOIN payloads y ON y.sha256 = p.payload_sha256"
        )
        args: tuple = ()
        if run_id is not None:
            sql += " WHERE p.run_id = ?"
            args = (run_id,)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY p.id", args).fetchall()
        return [Page(*row) for row in rows]

    def records(self, source: str | None = None) -> Iterator[StoredRecord]:
        """Every stored record (first-seen version), oldest first, with its runs and payload."""
        if source is None:
            return self._records_where("1", ())
        return self._records_where("r.source = ?", (source,))

    def record(self, record_id: int) -> StoredRecord:
        """One stored record by id."""
        found = next(self._records_where("r.id = ?", (record_id,)), None)
        if found is None:
            raise TrawlError(Diagnostic.of(STORE_MISUSE, f"no record {record_id} in {self.path}"))
        return found

    def _records_where(self, where: str, args: tuple) -> Iterator[StoredRecord]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT r.id, r.source, r.data, r.payload_sha256 FROM records r WHERE {where} "
                "ORDER BY r.id",
                args,
            ).fetchall()
            sql = (
                "SELECT DISTINCT s.record_id, p.run_id FROM sightings s "
                "JOIN pages p ON p.id = s.page_id {} ORDER BY s.record_id, p.run_id"
            )
            if len(rows) <= 500:  # a few records: ask for theirs; many: one pass over all
                ids = [r[0] for r in rows]
                marks = ",".join("?" * len(ids))
                seen = self._conn.execute(sql.format(f"WHERE s.record_id IN ({marks})"), ids)
            else:
                seen = self._conn.execute(sql.format(""))
            runs: dict[int, list[int]] = {}
            for record_id, run_id in seen:
                runs.setdefault(record_id, []).append(run_id)
        for record_id, src, data, digest in rows:
            yield StoredRecord(
                id=record_id,
                record=Record.model_validate_json(data),
                source=src,
                run_ids=tuple(runs.get(record_id, ())),
                payload_sha256=digest,
            )

    def find(self, identifier: str) -> list[int]:
        """Ids of stored records carrying an identifier: ``doi:…``, ``pmid:…``, ``pmcid:…``,
        ``accession:…``, ``<scheme>:…`` of other_ids, or a bare DOI (``10.…``)."""
        from trawl.store.record import normalise_doi

        scheme, sep, value = identifier.partition(":")
        if identifier.lower().startswith(("10.", "https://doi.org/", "http://doi.org/")):
            scheme, value = "doi", identifier
        elif not sep:
            return []
        scheme = scheme.strip().lower()
        value = value.strip()
        if scheme == "doi":
            value = normalise_doi(value) or value.lower()
        with self._lock:
            rows = self._conn.execute(
                "SELECT DISTINCT record_id FROM record_identifiers WHERE scheme = ? AND value = ? "
                "ORDER BY record_id",
                (scheme, value),
            ).fetchall()
        return [r[0] for r in rows]

    def trace(self, record_id: int) -> dict[str, Any]:
        """Everything a record came from: each sighting's run, page, request, response, payload."""
        from trawl.store.trace import trace

        with self._lock:
            return trace(self, record_id)

    def verify(self, expect_head: str | None = None) -> VerifyResult:
        """Recompute the chain and check every table against it (see trawl.store.verify)."""
        from trawl.store.verify import verify

        with self._lock:
            return verify(self._conn, expect_head=expect_head)


def _without_secrets(record: Record, secrets: set[str]) -> tuple[Record, str]:
    """The record (or a cleaned copy) and its canonical JSON, with no secret in either.

    Parsers copy links out of responses (Scopus's ``prism:url`` ...) and a link may carry the
    key: secret-named URL parameters are redacted and secret values scrubbed anywhere.
    """
    data = record_data(record)
    clean = scrub(data, secrets, environment=False)
    if clean != data:
        record = Record.model_validate_json(clean)
        clean = record_data(record)
    url = redact(record.url) if record.url else record.url
    other_ids = redact(record.other_ids) if record.other_ids else record.other_ids
    if url != record.url or other_ids != record.other_ids:
        record = record.model_copy(update={"url": url, "other_ids": other_ids})
        clean = record_data(record)
    return record, clean


def _run_from_row(row) -> Run:
    (
        id_, kind, source, params, status, tool_version, started_at, finished_at,
        reported_total, retrieved, note, checkpoint,
    ) = row  # fmt: skip
    return Run(
        id=id_,
        kind=kind,
        source=source,
        params=json.loads(params),
        status=status,
        tool_version=tool_version,
        started_at=started_at,
        finished_at=finished_at,
        reported_total=reported_total,
        retrieved=retrieved,
        note=note,
        checkpoint=json.loads(checkpoint) if checkpoint is not None else None,
    )
