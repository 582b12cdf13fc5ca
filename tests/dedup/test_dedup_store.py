"""The deduplicator on a real store: decisions stored, logged with reasons, overrides honoured."""

import json

import pytest
import rispy
from dedup_builders import TITLE, rec, store_with, three_databases

from trawl.dedup.overrides import FILE_NAME, Overrides, append
from trawl.dedup.persist import current, run_dedup
from trawl.query.diagnostics import TrawlError
from trawl.report.export import write_export


def _ids(store, source, accession):
    return store.connection.execute(
        "SELECT id FROM records WHERE source = ? AND accession = ?", (source, accession)
    ).fetchone()[0]


def test_a_record_found_in_three_databases_is_exported_once_with_all_three(tmp_path):
    store = store_with(tmp_path, three_databases())
    run_dedup(store, tmp_path / FILE_NAME)
    out = tmp_path / "export.ris"
    write_export(store, out, fmt="ris", marked="include")
    entries = rispy.loads(out.read_text(encoding="utf-8"))
    assert len(entries) == 4  # 6 records, one work found three times
    work = [e for e in entries if e.get("title", "").lower() == TITLE.lower()]
    assert len(work) == 1
    notes = "\n".join(work[0]["notes"])
    for expected in ("PubMed: accession 31111111; PMID 31111111",
                     "Scopus: accession 2-s2.0-85000000001",
                     "Web of Science: accession WOS:000500000000001"):
        assert expected in notes
    assert work[0]["name_of_database"] == "PubMed; Scopus; Web of Science"
    assert work[0]["doi"] == "10.1000/jmh.2020.001"


def test_every_decision_is_a_provenance_event_with_its_reason(tmp_path):
    store = store_with(tmp_path, three_databases())
    before = store.head()[0]
    outcome = run_dedup(store, tmp_path / FILE_NAME)
    decisions = list(store.events(kinds=["duplicate decision"], after=before))
    merged = [e for e in decisions if e.payload["decision"] == "merged"]
    assert len(merged) == 1
    links = merged[0].payload["links"]
    assert len(links) == 2 and all(link["reasons"] for link in links)
    assert any("same DOI 10.1000/jmh.2020.001" in r for link in links for r in link["reasons"])
    summary = list(store.events(kinds=["duplicates resolved"], after=before))
    assert summary[0].payload["duplicates_removed"] == 2
    assert outcome.run_id == current(store).run_id
    assert store.verify().ok


def test_dry_run_writes_nothing(tmp_path):
    store = store_with(tmp_path, three_databases())
    head = store.head()
    outcome = run_dedup(store, tmp_path / FILE_NAME, dry_run=True)
    assert outcome.run_id is None and outcome.result.duplicates_removed == 2
    assert store.head() == head
    assert current(store) is None


def test_duplicates_inside_one_export_are_found(tmp_path):
    twice = {
        "embase": [
            rec("embase", "L600000001", title=TITLE, year=2020, authors=["Aasen"], journal="J Ment Health"),
            rec("embase", "L600000002", title=TITLE + ".", year=2020, authors=["Aasen"], journal="J Ment Health"),
        ]
    }
    store = store_with(tmp_path, twice)
    assert run_dedup(store, tmp_path / FILE_NAME).result.clusters == [(1, 2)]


def test_overrides_in_the_workspace_file_are_honoured_and_logged(tmp_path):
    store = store_with(tmp_path, three_databases())
    path = tmp_path / FILE_NAME
    pubmed, scopus = _ids(store, "pubmed", "31111111"), _ids(store, "scopus", "2-s2.0-85000000001")
    append(path, "never", ["pubmed:31111111", "scopus:2-s2.0-85000000001"], "checked: different versions")
    editorial, norwegian = _ids(store, "pubmed", "32222222"), _ids(store, "scopus", "2-s2.0-85000000002")
    append(path, "always", [editorial, norwegian], "a test of always-merge")
    assert len(Overrides.load(path).entries) == 2

    outcome = run_dedup(store, path)
    owner = outcome.result.cluster_of()
    assert owner[pubmed] != owner[scopus]
    assert owner[editorial] == owner[norwegian]
    payloads = [e.payload for e in store.events(kinds=["duplicate decision"])]
    overrides = [p for p in payloads if p["decision"].startswith("override")]
    assert {p["reason"] for p in overrides} == {"checked: different versions", "a test of always-merge"}
    kept = [p for p in payloads if p["decision"] == "kept apart" and set(p["records"]) == {pubmed, scopus}]
    assert kept and any("never-merge" in r for r in kept[0]["reasons"])


def test_an_override_naming_an_unknown_record_is_a_clear_error(tmp_path):
    store = store_with(tmp_path, three_databases())
    path = tmp_path / FILE_NAME
    append(path, "never", ["pubmed:999", "scopus:2-s2.0-85000000001"], "typo in the accession")
    with pytest.raises(TrawlError, match=r"never\[0\]: no record 'pubmed:999'"):
        run_dedup(store, path)
    path.write_text("[[never]]\nrecords = [1, 2]\n", encoding="utf-8")
    with pytest.raises(TrawlError, match="give a 'reason'"):
        run_dedup(store, path)


def test_export_needs_a_current_dedup_and_logs_its_sha256(tmp_path):
    import hashlib

    store = store_with(tmp_path, three_databases())
    with pytest.raises(TrawlError, match="run `trawl dedup` first"):
        write_export(store, tmp_path / "x.csv", fmt="csv")
    run_dedup(store, tmp_path / FILE_NAME)
    written = write_export(store, tmp_path / "x.csv", fmt="csv")
    event = store.event(written.event_seq)
    assert event.kind == "export written"
    assert event.payload["sha256"] == hashlib.sha256((tmp_path / "x.csv").read_bytes()).hexdigest()
    assert written.left_out == 2  # the editorial and the Norwegian record are marked

    run = store.start_run(kind="import", source="cinahl", params={})
    store.add_page(run.id, payload=b"x", media_type="text/plain",
                   records=[rec("cinahl", "123", title="A new record", year=2021)])
    with pytest.raises(TrawlError, match="stored after dedup run"):
        write_export(store, tmp_path / "y.csv", fmt="csv")


def test_marks_are_stored_per_rule(tmp_path):
    store = store_with(tmp_path, three_databases())
    run_dedup(store, tmp_path / FILE_NAME, languages=["english"])
    marks = {m.rule: m.reason for ms in current(store).marks.values() for m in ms}
    assert marks == {"editorial": "publication type editorial",
                     "language": "language stated as norwegian"}
    rows = store.connection.execute("SELECT count(*) FROM screening_marks").fetchone()[0]
    assert rows == 2
    payload = next(iter(store.events(kinds=["records marked"]))).payload
    assert payload["rules"]["editorial"] == 1 and payload["rules"]["language"] == 1
    assert json.dumps(payload)  # JSON-ready
