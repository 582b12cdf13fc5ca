"""The Store API other parts code against: runs, pages, records, sightings, events."""

from __future__ import annotations

import json
import sqlite3

import pytest
from store_helpers import make_record

from trawl.query.diagnostics import TrawlError
from trawl.store import Record, Store


@pytest.fixture
def store(tmp_path):
    with Store.create(tmp_path / "store.sqlite") as s:
        yield s


def test_create_refuses_existing_and_open_needs_a_store(tmp_path):
    path = tmp_path / "store.sqlite"
    Store.create(path).close()
    with pytest.raises(TrawlError, match="exists there already"):
        Store.create(path)
    with pytest.raises(TrawlError, match="trawl init"):
        Store.open(tmp_path / "nothing.sqlite")
    with Store.open(tmp_path) as store:  # a workspace directory is enough
        assert store.path == path


def test_not_a_sqlite_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "store.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(TrawlError, match="not a usable trawl store"):
        Store.open(bad)


def test_sqlite_settings_and_migrations_are_recorded(store):
    conn = store.connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations")]
    assert 1 in versions
    migrated = [e.payload["version"] for e in store.events(kinds=["schema migrated"])]
    assert migrated == sorted(versions)


def test_a_page_stores_payload_records_events_and_checkpoint(store):
    run = store.start_run(kind="harvest", source="scopus", params={"query": "TITLE(peer)"})
    assert run.status == "running" and run.params["tool_version"]
    body = b'{"search-results": {"entry": []}}'
    res = store.add_page(
        run.id,
        payload=body,
        media_type="application/json",
        records=[make_record(1), make_record(2)],
        request={"method": "GET", "url": "https://api.example.org/search?query=x&start=0"},
        response={"status": 200},
        checkpoint={"start": 25},
    )
    assert res.new == [1, 2] and res.known == []
    assert store.payload(res.payload_sha256) == body
    assert store.checkpoint(run.id) == {"start": 25}
    kinds = [e.kind for e in store.events(run_id=run.id)]
    assert kinds == ["run started", "request sent", "response received", "records stored"]
    response = next(store.events(kinds=["response received"]))
    assert response.payload["sha256"] == res.payload_sha256
    assert response.payload["size"] == len(body)
    stored = list(store.records())
    assert [s.id for s in stored] == [1, 2]
    assert stored[0].record == make_record(1) == store.record(1).record
    with pytest.raises(TrawlError, match="no record 9"):
        store.record(9)
    assert stored[0].run_ids == (run.id,) and stored[0].payload_sha256 == res.payload_sha256
    (page,) = store.pages(run.id)
    assert (page.number, page.payload_sha256, page.media_type) == (
        1, res.payload_sha256, "application/json")  # fmt: skip
    assert store.verify().ok


def test_a_record_seen_again_is_known_and_linked_to_the_later_run(store):
    first = store.start_run(kind="harvest", source="scopus", params={})
    store.add_page(first.id, b"page one", "text/plain", records=[make_record(1)])
    store.finish_run(first.id, reported_total=1)
    again = store.start_run(kind="harvest", source="scopus", params={})
    changed = make_record(1, title="Peer support work number 1 (corrected)")
    res = store.add_page(
        again.id, b"page two", "text/plain", records=[make_record(1), changed, make_record(3)]
    )
    assert res.new == [2] and res.known == [1, 1]
    assert res.changed == [1]  # the second copy differs from what is stored
    (one,) = [s for s in store.records() if s.id == 1]
    assert one.run_ids == (first.id, again.id)
    assert one.record.title == "Peer support work number 1"  # first version kept
    assert store.verify().ok


def test_identity_falls_back_from_accession_to_doi_pmid_and_title(store):
    run = store.start_run(kind="import", source="cinahl", params={})
    a = Record.build("a", source="cinahl", doi="10.1000/XYZ.1", title="One")
    b = Record.build("b", source="cinahl", doi="https://doi.org/10.1000/xyz.1", title="One!")
    c = Record.build("c", source="cinahl", pmid="123", title="Two")
    d = Record.build("d", source="cinahl", pmid="123", title="Two, again")
    e = Record.build(
        "e",
        source="cinahl",
        title="Peer Support: a review",
        year=2020,
        authors=[{"family": "Ørsted"}],
    )
    f = Record.build(
        "f",
        source="cinahl",
        title="peer support - A REVIEW",
        year=2020,
        authors=[{"family": "Orsted"}],
    )
    g = Record.build("g", source="cinahl", title="peer support - A REVIEW", year=2021)
    res = store.add_page(
        run.id, b"file", "application/x-research-info-systems", records=[a, b, c, d, e, f, g]
    )
    assert len(res.new) == 4 and len(res.known) == 3
    # the same DOI in another source is a different record: cross-source matching is dedup's
    other = store.start_run(kind="import", source="psycinfo", params={})
    res2 = store.add_page(
        other.id,
        b"file2",
        "text/plain",
        records=[Record.build("h", source="psycinfo", doi="10.1000/xyz.1")],
    )
    assert len(res2.new) == 1


def test_identical_payloads_are_stored_once(store):
    run = store.start_run(kind="harvest", source="scopus", params={})
    r1 = store.add_page(run.id, b"same bytes", "text/plain", records=[make_record(1)])
    r2 = store.add_page(run.id, b"same bytes", "text/plain", records=[make_record(1)])
    assert r1.payload_sha256 == r2.payload_sha256
    assert store.connection.execute("SELECT count(*) FROM payloads").fetchone()[0] == 1
    assert store.connection.execute("SELECT count(*) FROM pages").fetchone()[0] == 2
    assert store.verify().ok


def test_finish_resume_and_counts(store):
    run = store.start_run(kind="harvest", source="scopus", params={"query": "q"})
    store.add_page(
        run.id,
        b"p1",
        "text/plain",
        records=[make_record(1), make_record(2)],
        checkpoint={"cursor": "abc"},
    )
    done = store.finish_run(run.id, status="resumable", reported_total=10, note="rate limited")
    assert (done.status, done.retrieved, done.reported_total) == ("resumable", 2, 10)
    with pytest.raises(TrawlError, match="not running"):
        store.add_page(run.id, b"p2", "text/plain")
    resumed = store.resume_run(run.id)
    assert resumed.status == "running" and resumed.checkpoint == {"cursor": "abc"}
    store.save_checkpoint(run.id, {"cursor": "def"})
    assert store.checkpoint(run.id) == {"cursor": "def"}
    store.finish_run(run.id, status="complete", reported_total=10, retrieved=2)
    with pytest.raises(TrawlError, match="cannot resume"):
        store.resume_run(run.id)
    with pytest.raises(ValueError):
        store.finish_run(run.id, status="running")
    assert [r.id for r in store.runs(source="scopus")] == [run.id]
    assert store.runs(source="pubmed") == []
    assert store.verify().ok


def test_unknown_run_is_a_clear_error(store):
    with pytest.raises(TrawlError, match="no run 42"):
        store.add_page(42, b"x", "text/plain")
    with pytest.raises(TrawlError, match="no run 42"):
        store.log_event("note", {}, run_id=42)


def test_transaction_is_all_or_nothing(store):
    run = store.start_run(kind="harvest", source="scopus", params={})
    head = store.head()
    with pytest.raises(RuntimeError), store.transaction():
        store.log_event("strategy compiled", {"strategy_sha256": "0" * 64})
        store.add_page(run.id, b"x", "text/plain", records=[make_record(1)])
        raise RuntimeError("boom")
    assert store.head() == head
    assert list(store.records()) == []
    with store.transaction():
        store.log_event("strategy compiled", {"strategy_sha256": "1" * 64})
        with pytest.raises(ValueError), store.transaction():  # inner block: a savepoint
            store.log_event("export written", {"sha256": "2" * 64})
            raise ValueError
    assert [e.kind for e in store.events(after=head[0])] == ["strategy compiled"]
    assert store.verify().ok


def test_the_store_s_own_event_kinds_are_reserved(store):
    for kind in ("run started", "records stored", "run finished", "checkpoint saved"):
        with pytest.raises(ValueError, match="written by the store"):
            store.log_event(kind, {})


def test_log_event_is_chained_canonical_and_redacted(store):
    e1 = store.log_event("strategy compiled", {"z": 1, "a": "é", "api_key": "hunter2hunter2"})
    e2 = store.log_event("export written", {"sha256": "ab" * 32})
    assert e2.prev_hash == e1.hash and e2.seq == e1.seq + 1
    text = store.connection.execute(
        "SELECT payload FROM events WHERE seq = ?", (e1.seq,)
    ).fetchone()[0]
    assert text == '{"a":"é","api_key":"REDACTED","z":1}'
    assert store.head() == (e2.seq, e2.hash)


def test_records_are_plain_rows_any_sqlite_tool_can_read(tmp_path):
    path = tmp_path / "store.sqlite"
    with Store.create(path) as store:
        run = store.start_run(kind="harvest", source="scopus", params={"query": "peer"})
        store.add_page(run.id, b"x", "text/plain", records=[make_record(7)])
        store.finish_run(run.id)
    conn = sqlite3.connect(path)
    title, doi, first = conn.execute("SELECT title, doi, first_author FROM records").fetchone()
    assert (title, doi, first) == ("Peer support work number 7", "10.1234/trawl.7", "Nyström")
    authors = conn.execute(
        "SELECT position, family FROM record_authors ORDER BY position"
    ).fetchall()
    assert authors == [(1, "Nyström"), (2, "Smith")]
    ids = dict(conn.execute("SELECT scheme, value FROM record_identifiers"))
    assert ids["doi"] == "10.1234/trawl.7" and ids["eid"] == "2-s2.0-00000000007"
    assert conn.execute("SELECT label, major FROM record_headings").fetchall() == [
        ("Peer Group", 1)
    ]
    summary = conn.execute("SELECT source, query, pages, new_records FROM run_summary").fetchone()
    assert summary == ("scopus", "peer", 1, 1)
    assert json.loads(conn.execute("SELECT keywords FROM records").fetchone()[0]) == [
        "co-production"
    ]


def test_add_page_validates_mappings_naming_record_and_field(store):
    run = store.start_run(kind="harvest", source="scopus", params={})
    head = store.head()
    with pytest.raises(TypeError, match="record 1 is str"):
        store.add_page(run.id, b"x", "text/plain", records=["not a record"])
    with pytest.raises(TrawlError, match=r"record 2 of the page for run 1, field 'pmid'"):
        store.add_page(
            run.id,
            b"x",
            "text/plain",
            records=[make_record(1), {"source": "scopus", "pmid": "12x45"}],
        )
    assert store.head() == head and list(store.records()) == []  # nothing written
    res = store.add_page(run.id, b"x", "text/plain", records=[{"source": "scopus", "pmid": "1"}])
    assert res.new == [1]
    assert store.verify().ok


def test_user_version_is_the_newest_migration(store):
    conn = store.connection
    newest = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == newest


def test_two_writers_on_one_file_interleave_into_one_valid_chain(tmp_path):
    import threading

    path = tmp_path / "store.sqlite"
    Store.create(path).close()
    errors: list[BaseException] = []

    def harvest(source: str, offset: int) -> None:
        try:
            with Store.open(path) as store:
                run = store.start_run(kind="harvest", source=source, params={})
                for n in range(25):
                    store.add_page(
                        run.id,
                        f"{source} page {n}".encode(),
                        "text/plain",
                        records=[make_record(offset + n, source=source)],
                        checkpoint={"page": n},
                    )
                store.finish_run(run.id)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=harvest, args=(s, i * 1000))
               for i, s in enumerate(("scopus", "pubmed"))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    with Store.open(path) as store:
        assert store.verify().ok
        assert len(list(store.records())) == 50
        assert {r.status for r in store.runs()} == {"complete"}
