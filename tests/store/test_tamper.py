"""Tampering with the store through sqlite3, as an attacker with the file would: verify catches it.

Each case builds a small but complete workspace (a harvest with requests and a re-seen record, a
file import, a resumed run, free events), tampers with it directly, and checks that
``trawl audit verify`` exits 1 naming the first event or row that fails.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from store_helpers import make_record
from typer.testing import CliRunner

from trawl.cli import app
from trawl.store import Store
from trawl.store.canonical import canonical_json, sha256_hex
from trawl.store.provenance import event_hash
from trawl.store.workspace import init_workspace


def build(root: Path) -> Path:
    ws = init_workspace(root).workspace
    with ws.open_store() as store:
        store.log_event("strategy compiled", {"strategy_sha256": "a" * 64, "rendering": "b" * 64})
        run = store.start_run(kind="harvest", source="scopus", params={"query": "TITLE(peer)"})
        for page in (1, 2):
            store.add_page(
                run.id,
                payload=json.dumps({"page": page, "entries": [page * 10, page * 10 + 1]}).encode(),
                media_type="application/json",
                records=[make_record(page * 10), make_record(page * 10 + 1), make_record(1)],
                request={"method": "GET", "url": f"https://api.example.org/s?start={page}"},
                response={"status": 200},
                checkpoint={"start": page * 25},
            )
        store.finish_run(run.id, status="resumable", reported_total=9, note="quota")
        store.resume_run(run.id)
        store.save_checkpoint(run.id, {"start": 75})
        store.finish_run(run.id, status="complete", reported_total=9)
        imp = store.start_run(kind="import", source="cinahl", params={"format": "ris"})
        store.add_page(
            imp.id,
            payload=b"TY  - JOUR\nTI  - An imported record\nER  - \n",
            media_type="application/x-research-info-systems",
            records=[make_record(99, source="cinahl")],
            file={
                "name": "cinahl.ris",
                "format": "ris",
                "source_claimed": "CINAHL",
                "searched": "2021-01-04",
                "query": "S1 AND S2",
            },  # fmt: skip
        )
        store.finish_run(imp.id)
        store.log_event("export written", {"sha256": "c" * 64, "format": "ris"})
        assert store.verify().ok
    return root


@pytest.fixture
def workspace(tmp_path) -> Path:
    return build(tmp_path / "review")


@contextmanager
def unguarded(conn: sqlite3.Connection, *triggers: str):
    """Drop append-only triggers, tamper, and put them back as they were (a careful attacker)."""
    saved = [
        conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0]
        for t in triggers
    ]
    for t in triggers:
        conn.execute(f"DROP TRIGGER {t}")
    yield conn
    for sql in saved:
        conn.execute(sql)
    conn.commit()


def rewrite_chain(conn: sqlite3.Connection, start: int) -> None:
    """Recompute every hash from ``start`` on, so the chain itself is consistent again."""
    rows = conn.execute(
        "SELECT seq, time, run_id, kind, payload FROM events WHERE seq >= ? ORDER BY seq", (start,)
    ).fetchall()
    prev = conn.execute("SELECT hash FROM events WHERE seq = ?", (start - 1,)).fetchone()
    prev_hash = prev[0] if prev else "0" * 64
    with unguarded(conn, "events_no_update"):
        for seq, time, run_id, kind, payload in rows:
            digest = event_hash(seq, time, run_id, kind, payload, prev_hash)
            conn.execute(
                "UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev_hash, digest, seq)
            )
            prev_hash = digest


def fix_head(conn: sqlite3.Connection) -> None:
    with unguarded(conn, "chain_head_follows_events"):
        conn.execute(
            "UPDATE chain_head SET seq = (SELECT max(seq) FROM events), "
            "hash = (SELECT hash FROM events ORDER BY seq DESC LIMIT 1)"
        )


def seq_of(conn, kind: str, nth: int = 0) -> int:
    return conn.execute(
        "SELECT seq FROM events WHERE kind = ? ORDER BY seq LIMIT 1 OFFSET ?", (kind, nth)
    ).fetchone()[0]


# -- the tampering --------------------------------------------------------------------------


def edit_payload_content(conn):
    with unguarded(conn, "payloads_no_update"):
        digest = conn.execute("SELECT sha256 FROM payloads ORDER BY stored_seq").fetchone()[0]
        conn.execute(
            "UPDATE payloads SET content = ? WHERE sha256 = ?",
            (zlib.compress(b'{"page": 1, "entries": []}'), digest),
        )


def edit_payload_and_rekey(conn):
    """Replace a payload and give it the hash of its new content: the events still name the old."""
    with unguarded(conn, "payloads_no_update", "records_no_update", "pages_no_update"):
        conn.execute("PRAGMA foreign_keys=OFF")
        old = conn.execute("SELECT sha256 FROM payloads ORDER BY stored_seq").fetchone()[0]
        body = b"forged"
        new = sha256_hex(body)
        conn.execute(
            "UPDATE payloads SET sha256 = ?, content = ?, size = ? WHERE sha256 = ?",
            (new, zlib.compress(body), len(body), old),
        )
        conn.execute("UPDATE pages SET payload_sha256 = ? WHERE payload_sha256 = ?", (new, old))
        conn.execute("UPDATE records SET payload_sha256 = ? WHERE payload_sha256 = ?", (new, old))


def edit_record_column(conn):
    with unguarded(conn, "records_no_update"):
        conn.execute("UPDATE records SET title = 'A different finding' WHERE id = 2")


def edit_record_data_and_hash(conn):
    with unguarded(conn, "records_no_update"):
        (data,) = conn.execute("SELECT data FROM records WHERE id = 2").fetchone()
        record = json.loads(data)
        record["title"] = "A different finding"
        text = canonical_json(record)
        conn.execute(
            "UPDATE records SET data = ?, content_sha256 = ?, title = ? WHERE id = 2",
            (text, sha256_hex(text), record["title"]),
        )


def edit_record_author(conn):
    conn.execute(
        "UPDATE record_authors SET family = 'Someone' WHERE record_id = 1 AND position = 1"
    )


def delete_record(conn):
    with unguarded(conn, "records_no_delete", "sightings_no_delete"):
        conn.execute("PRAGMA foreign_keys=OFF")
        for table in ("record_authors", "record_identifiers", "record_headings", "sightings"):
            conn.execute(f"DELETE FROM {table} WHERE record_id = 3")
        conn.execute("DELETE FROM records WHERE id = 3")


def insert_forged_record(conn):
    cols = [r[1] for r in conn.execute("PRAGMA table_info(records)")][1:]
    row = conn.execute(f"SELECT {', '.join(cols)} FROM records WHERE id = 1").fetchone()
    values = dict(zip(cols, row, strict=True))
    values["identity"] = "accession:forged"
    conn.execute(
        f"INSERT INTO records ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [values[c] for c in cols],
    )


def delete_sighting(conn):
    with unguarded(conn, "sightings_no_delete"):
        conn.execute("DELETE FROM sightings WHERE status = 'known'")


def delete_payload(conn):
    with unguarded(conn, "payloads_no_delete"):
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute(
            "DELETE FROM payloads WHERE media_type = 'application/x-research-info-systems'"
        )


def delete_page(conn):
    with unguarded(conn, "pages_no_delete"):
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DELETE FROM pages WHERE id = 2")


def delete_run(conn):
    with unguarded(conn, "runs_no_delete"):
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DELETE FROM runs WHERE source = 'cinahl'")


def edit_run_counts(conn):
    conn.execute("UPDATE runs SET retrieved = 9 WHERE source = 'scopus'")


def edit_run_status(conn):
    conn.execute("UPDATE runs SET status = 'failed' WHERE source = 'cinahl'")


def edit_checkpoint(conn):
    conn.execute("""UPDATE runs SET checkpoint = '{"start":0}' WHERE source = 'scopus'""")


def edit_event(conn):
    seq = seq_of(conn, "request sent")
    with unguarded(conn, "events_no_update"):
        conn.execute(
            "UPDATE events SET payload = ? WHERE seq = ?",
            ('{"method":"GET","page":1,"url":"https://elsewhere.example/"}', seq),
        )


def delete_middle_event(conn):
    seq = seq_of(conn, "response received")
    with unguarded(conn, "events_no_delete"):
        conn.execute("DELETE FROM events WHERE seq = ?", (seq,))


def delete_last_events(conn):
    with unguarded(conn, "events_no_delete"):
        conn.execute("DELETE FROM events WHERE seq > (SELECT max(seq) - 3 FROM events)")


def delete_last_events_and_fix_head(conn):
    """Truncate the log and move the head back: the import's rows are then unaccounted for."""
    seq = seq_of(conn, "run started", 1)
    with unguarded(conn, "events_no_delete"):
        conn.execute("DELETE FROM events WHERE seq >= ?", (seq,))
    fix_head(conn)


def swap_two_events(conn):
    """Reorder: exchange the contents of two events, keeping each seq's hashes."""
    a = seq_of(conn, "request sent")
    b = a + 1
    rows = {
        s: conn.execute("SELECT time, kind, payload FROM events WHERE seq = ?", (s,)).fetchone()
        for s in (a, b)
    }
    with unguarded(conn, "events_no_update"):
        for s, other in ((a, b), (b, a)):
            conn.execute(
                "UPDATE events SET time = ?, kind = ?, payload = ? WHERE seq = ?",
                (*rows[other], s),
            )


def renumber_events(conn):
    """Reorder by renumbering: swap the seqs of two events (rows and all)."""
    a = seq_of(conn, "request sent")
    with unguarded(conn, "events_no_update"):
        conn.execute("UPDATE events SET seq = 100000 WHERE seq = ?", (a,))
        conn.execute("UPDATE events SET seq = ? WHERE seq = ?", (a, a + 1))
        conn.execute("UPDATE events SET seq = ? WHERE seq = 100000", (a + 1,))


def drop_trigger(conn):
    conn.execute("DROP TRIGGER events_no_delete")


def defang_trigger(conn):
    """Replace a guard with one of the same name that never fires."""
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute(
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events WHEN 0 "
        "BEGIN SELECT RAISE(ABORT, 'never'); END"
    )


def drop_trigger_and_rewrite(conn):
    """Drop the guard, change a run's parameters in its event and the row, rewrite the chain."""
    seq = seq_of(conn, "run started")
    conn.execute("DROP TRIGGER events_no_update")
    (payload,) = conn.execute("SELECT payload FROM events WHERE seq = ?", (seq,)).fetchone()
    body = json.loads(payload)
    body["params"]["query"] = "TITLE(anything)"
    conn.execute(
        "UPDATE events SET payload = ? WHERE seq = ?", (canonical_json(body), seq)
    )  # the trigger stays dropped: a careless attacker
    conn.commit()
    rewrite_chain_no_guard(conn, seq)


def rewrite_chain_no_guard(conn, start):
    rows = conn.execute(
        "SELECT seq, time, run_id, kind, payload FROM events WHERE seq >= ? ORDER BY seq", (start,)
    ).fetchall()
    prev_hash = conn.execute("SELECT hash FROM events WHERE seq = ?", (start - 1,)).fetchone()[0]
    for seq, time, run_id, kind, payload in rows:
        digest = event_hash(seq, time, run_id, kind, payload, prev_hash)
        conn.execute(
            "UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev_hash, digest, seq)
        )
        prev_hash = digest


def rewrite_everything_but_the_rows(conn):
    """A careful attacker: edit an event, rewrite the chain, move the head, restore triggers.

    The run row still holds the query the log no longer does.
    """
    seq = seq_of(conn, "run started")
    (payload,) = conn.execute("SELECT payload FROM events WHERE seq = ?", (seq,)).fetchone()
    body = json.loads(payload)
    body["params"]["query"] = "TITLE(anything)"
    with unguarded(conn, "events_no_update"):
        conn.execute("UPDATE events SET payload = ? WHERE seq = ?", (canonical_json(body), seq))
    rewrite_chain(conn, seq)
    fix_head(conn)


def rewrite_chain_head_only(conn):
    with unguarded(conn, "chain_head_follows_events"):
        conn.execute("UPDATE chain_head SET hash = ?", ("f" * 64,))


TAMPERING: dict[str, tuple[Callable, str]] = {
    "edit a payload": (edit_payload_content, "does not hash to its sha256"),
    "replace a payload under a new key": (edit_payload_and_rekey, "payload"),
    "edit a record column": (edit_record_column, "column title differs from its data"),
    "edit a record's data and hash": (edit_record_data_and_hash, "content_sha256"),
    "edit an author row": (edit_record_author, "record_authors rows differ"),
    "delete a record": (delete_record, "missing from records"),
    "insert a forged record": (insert_forged_record, "no 'records stored' event accounts"),
    "delete a sighting": (delete_sighting, "missing from sightings"),
    "delete a payload": (delete_payload, "missing from payloads"),
    "delete a page": (delete_page, "missing from pages"),
    "delete a run": (delete_run, "missing from runs"),
    "edit a run's counts": (edit_run_counts, "retrieved"),
    "edit a run's status": (edit_run_status, "status"),
    "edit a run's checkpoint": (edit_checkpoint, "checkpoint"),
    "edit an event": (edit_event, "hash does not match its contents"),
    "delete an event in the middle": (delete_middle_event, "deleted or renumbered"),
    "delete the last events": (delete_last_events, "events deleted"),
    "delete the last events and move the head": (delete_last_events_and_fix_head, "accounts"),
    "reorder two events": (swap_two_events, "hash does not match"),
    "renumber two events": (renumber_events, "prev_hash"),
    "drop a trigger": (drop_trigger, "trigger events_no_delete is missing"),
    "defang a trigger": (defang_trigger, "trigger events_no_delete was altered"),
    "drop a trigger and rewrite the chain": (drop_trigger_and_rewrite, "chain_head"),
    "rewrite chain and head, restore triggers": (rewrite_everything_but_the_rows, "params"),
    "overwrite the chain head": (rewrite_chain_head_only, "chain_head"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_verify_catches_tampering(workspace, case):
    tamper, reason = TAMPERING[case]
    conn = sqlite3.connect(workspace / "store.sqlite")
    tamper(conn)
    conn.commit()
    conn.close()
    with Store.open(workspace, upgrade=False) as store:
        result = store.verify()
    assert not result.ok, case
    assert any(reason in p for p in result.problems), (case, result.problems)

    out = CliRunner().invoke(app, ["audit", "verify", "--workspace", str(workspace)])
    assert out.exit_code == 1, out.output
    assert out.output.startswith("FAILED at ")
    assert result.reason in out.output


def test_verify_names_the_first_bad_event(workspace):
    conn = sqlite3.connect(workspace / "store.sqlite")
    edit_event(conn)
    conn.commit()
    seq = seq_of(conn, "request sent")
    conn.close()
    with Store.open(workspace) as store:
        result = store.verify()
    assert result.first_bad_seq == seq
    assert result.reason.startswith(f"event {seq} (request sent)")


def test_a_complete_consistent_forgery_needs_the_published_head(workspace):
    """The limit, honestly: rewrite an event no row depends on, the chain after it, and the head.

    Nothing inside the file contradicts that; only a head published earlier does.
    """
    with Store.open(workspace) as store:
        published = "{}:{}".format(*store.head())
    conn = sqlite3.connect(workspace / "store.sqlite")
    seq = seq_of(conn, "strategy compiled")
    with unguarded(conn, "events_no_update"):
        conn.execute(
            "UPDATE events SET payload = ? WHERE seq = ?",
            (canonical_json({"rendering": "b" * 64, "strategy_sha256": "d" * 64}), seq),
        )
    rewrite_chain(conn, seq)
    fix_head(conn)
    conn.commit()
    conn.close()
    with Store.open(workspace) as store:
        assert store.verify().ok  # internally consistent
        anchored = store.verify(expect_head=published)
    assert not anchored.ok and "published head" in anchored.reason
    out = CliRunner().invoke(
        app, ["audit", "verify", "-w", str(workspace), "--expect-head", published]
    )
    assert out.exit_code == 1


def test_truncating_rowless_trailing_events_needs_the_published_head(workspace):
    """Deleting a final 'export written' and moving the head back leaves no row contradicting it."""
    with Store.open(workspace) as store:
        published = "{}:{}".format(*store.head())
    conn = sqlite3.connect(workspace / "store.sqlite")
    with unguarded(conn, "events_no_delete"):
        conn.execute("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)")
    fix_head(conn)
    conn.commit()
    conn.close()
    with Store.open(workspace) as store:
        assert store.verify().ok
        result = store.verify(expect_head=published)
    assert not result.ok and result.first_bad_seq == int(published.split(":")[0])


def test_published_head_still_holds_after_honest_appends(workspace):
    with Store.open(workspace) as store:
        published = "{}:{}".format(*store.head())
        store.log_event("export written", {"sha256": "e" * 64})
        assert store.verify(expect_head=published).ok


def test_triggers_refuse_casual_edits(workspace):
    conn = sqlite3.connect(workspace / "store.sqlite")
    for sql in (
        "UPDATE events SET kind = 'x' WHERE seq = 1",
        "DELETE FROM events WHERE seq = 1",
        "INSERT INTO events (seq, time, kind, payload, prev_hash, hash) "
        f"VALUES (999, 't', 'k', '{{}}', '{'0' * 64}', '{'1' * 64}')",
        "UPDATE chain_head SET seq = 1",
        "DELETE FROM chain_head",
        "UPDATE payloads SET media_type = 'x'",
        "DELETE FROM payloads",
        "UPDATE records SET title = 'x'",
        "DELETE FROM records",
        "DELETE FROM sightings",
        "UPDATE pages SET number = 9",
        "DELETE FROM runs",
    ):
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute(sql)
    conn.close()
