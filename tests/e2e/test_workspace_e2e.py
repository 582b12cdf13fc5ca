"""A workspace used the way a review team and an auditor use one: imports, a harvest, audits,
a store from another trawl version, a read-only copy."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from trawl.query.diagnostics import TrawlError
from trawl.store import Store

from ._helpers import EXPORTS, SEED, fakeapi, trawl

SCOPUS_RIS = EXPORTS / "scopus" / "_baseline_scopus.ris"


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "ws"
    assert trawl("init", ws).exit_code == 0
    shutil.copy(SEED / "strategy.ovid", ws / "strategy.ovid")
    text = (SEED / "review.toml").read_text(encoding="utf-8")
    text += ('\n[sources.europepmc]\nlabel = "Europe PMC"\ntarget = "europepmc"\nroute = "api"\n'
             'connector = "europepmc"\n')
    (ws / "review.toml").write_text(text, encoding="utf-8")
    result = trawl("import", SCOPUS_RIS, "--source", "scopus", "--searched", "2021-01-04",
                   "-w", ws)
    assert result.exit_code == 0, result.output
    return ws


def _records(ws) -> int:
    with Store.open(ws, readonly=True) as store:
        return sum(1 for _ in store.records())


def test_init_template_names_the_scopus_key_the_connector_reads(tmp_path):
    from trawl.sources.cards import get_card

    assert trawl("init", tmp_path / "w").exit_code == 0
    template = (tmp_path / "w" / "review.toml").read_text(encoding="utf-8")
    for name in get_card("scopus").auth.required_env:
        assert name in template
    assert "SCOPUS_API_KEY" not in template


def test_review_toml_saved_with_a_byte_order_mark_loads(workspace):
    path = workspace / "review.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = trawl("schedule", "-w", workspace)
    assert result.exit_code == 0, result.output


def test_review_toml_that_is_not_utf8_is_one_line(workspace):
    (workspace / "review.toml").write_bytes('[review]\nname = "caf\xe9"\n'.encode("latin-1"))
    result = trawl("schedule", "-w", workspace)
    assert result.exit_code == 2
    assert "not UTF-8" in result.stderr and "REVIEW001" in result.stderr


def test_a_store_from_a_newer_trawl_is_refused_and_left_as_it_was(workspace):
    db = workspace / "store.sqlite"
    con = sqlite3.connect(db)
    con.execute("INSERT INTO schema_migrations VALUES (9999, 'future', ?, '2030-01-01')",
                ("0" * 64,))
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(TrawlError) as err:
        Store.open(workspace)
    assert err.value.diagnostic.code == "STORE004"
    for args in (["import", EXPORTS / "ebsco" / "econlit_3.ris", "--source", "cinahl",
                  "--searched", "2021-01-04"], ["audit", "verify"], ["dedup"]):
        result = trawl(*args, "-w", workspace)
        assert result.exit_code == 2, (args, result.output)
        assert "newer trawl" in result.stderr and "9999_future" in result.stderr
    assert db.read_bytes() == before


def test_a_current_store_has_no_unknown_migrations(workspace):
    from trawl.store import migrate

    with Store.open(workspace) as store:
        assert migrate.unknown(store.connection) == []


def test_audit_opens_the_store_read_only(workspace):
    with Store.open(workspace, readonly=True) as store:
        assert store.verify().ok
        with pytest.raises(sqlite3.OperationalError):
            store.connection.execute("DELETE FROM records")
    assert _records(workspace) == 10
    assert trawl("audit", "verify", "-w", workspace).exit_code == 0


def _without_privileges() -> list[str] | None:
    """A command prefix under which file permissions hold (root ignores them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    probe = subprocess.run([setpriv, "--bounding-set", "-all", "--inh-caps", "-all", "--",
                            "true"], capture_output=True)
    return [setpriv, "--bounding-set", "-all", "--inh-caps", "-all", "--"] \
        if probe.returncode == 0 else None


def test_a_read_only_workspace_can_be_audited_and_writes_fail_in_one_line(workspace):
    prefix = _without_privileges()
    if prefix is None:
        pytest.skip("cannot drop root's right to write read-only files here")
    with Store.open(workspace) as store:  # merge the write-ahead log, as a copied store has
        store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for extra in ("store.sqlite-wal", "store.sqlite-shm"):
        (workspace / extra).unlink(missing_ok=True)
    for path in workspace.iterdir():
        path.chmod(0o444)
    workspace.chmod(0o555)
    try:
        def run(*args):
            return subprocess.run([*prefix, sys.executable, "-m", "trawl", *args, "-w",
                                   str(workspace)], capture_output=True, text=True, timeout=120)

        verify = run("audit", "verify")
        assert verify.returncode == 0, verify.stderr
        assert verify.stdout.startswith("ok:")
        log = run("audit", "log")
        assert log.returncode == 0 and "file imported" in log.stdout
        write = run("import", str(EXPORTS / "ebsco" / "econlit_3.ris"), "--source", "cinahl",
                    "--searched", "2021-01-04")
        assert write.returncode == 2
        assert "read-only" in write.stderr and "STORE005" in write.stderr
        assert "Traceback" not in write.stderr
        report = run("report")
        assert report.returncode == 2 and "Traceback" not in report.stderr
    finally:
        workspace.chmod(0o755)
        for path in workspace.iterdir():
            path.chmod(0o644)
    assert _records(workspace) == 10


def test_harvest_resume_hint_names_the_workspace(workspace, monkeypatch):
    api_module = fakeapi()
    with api_module.FakeApi("europepmc", 30, page_size=5) as api:
        monkeypatch.setenv("TRAWL_EUROPEPMC_BASE_URL", api.url)
        monkeypatch.setenv("TRAWL_EUROPEPMC_RATE", "1000")
        result = trawl("harvest", "-w", workspace, "-s", "europepmc", "--page-size", "5",
                       "--max-pages", "2")
        assert result.exit_code == 1
        assert f"trawl harvest --resume --source europepmc -w {workspace}" in result.stderr
        resumed = trawl("harvest", "-w", workspace, "-s", "europepmc", "--resume")
        assert resumed.exit_code == 0, resumed.output
    assert _records(workspace) == 10 + 30


def test_ctrl_c_during_a_harvest_says_how_to_continue(workspace, monkeypatch):
    import trawl.sources.harvest as harvest_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(harvest_module, "harvest_source", interrupted)
    result = trawl("harvest", "-w", workspace, "-s", "europepmc")
    assert result.exit_code == 130
    assert "interrupted: europepmc is saved as resumable" in result.stderr
    assert f"--resume --source europepmc -w {workspace}" in result.stderr


def test_a_mistyped_expect_head_is_a_usage_error_not_a_failed_audit(workspace):
    result = trawl("audit", "verify", "-w", workspace, "--expect-head", "garbage")
    assert result.exit_code == 2
    assert "SEQ:HASH" in result.stderr and "FAILED" not in result.stdout


def test_audit_log_says_when_nothing_matches(workspace):
    result = trawl("audit", "log", "-w", workspace, "--run", "999")
    assert result.exit_code == 0
    assert "no events match" in result.stderr


@pytest.mark.parametrize("how", ["latin1-file", "empty"])
def test_import_query_that_cannot_be_recorded_is_refused_and_nothing_stored(
        workspace, tmp_path, how):
    args = ["import", EXPORTS / "ebsco" / "econlit_3.ris", "--source", "cinahl", "--searched",
            "2021-01-04", "-w", workspace]
    if how == "latin1-file":
        query = tmp_path / "q.txt"
        query.write_bytes("caf\xe9".encode("latin-1"))
        result = trawl(*args, "--query-file", query)
        assert "q.txt is not UTF-8" in result.stderr
    else:
        result = trawl(*args, "--query", "  ")
        assert "empty" in result.stderr
    assert result.exit_code == 2
    assert _records(workspace) == 10


def test_harvest_says_what_to_do_with_export_sources_and_an_empty_resume(workspace):
    exported = trawl("harvest", "-w", workspace, "-s", "cinahl")
    assert exported.exit_code == 0
    assert "searched by hand, not harvested: cinahl" in exported.stderr
    assert "trawl import FILE --source NAME" in exported.stderr
    nothing = trawl("harvest", "-w", workspace, "-s", "europepmc", "--resume")
    assert nothing.exit_code == 0
    assert "europepmc: no unfinished harvest to resume" in nothing.stderr


def test_schedule_shows_when_export_sources_were_imported(workspace):
    from trawl.review import Review
    from trawl.sources.schedule import plan_schedule

    with Store.open(workspace) as store:
        rows, _ = plan_schedule(Review.load(workspace), store)
    by_source = {row.source: row for row in rows}
    assert by_source["cinahl"].status.endswith("none imported yet")
    assert by_source["cinahl"].last is None
    assert by_source["scopus"].route == "api"  # imported into, but harvested by schedule
    result = trawl("schedule", "-w", workspace)
    assert result.exit_code == 0 and "none imported yet" in result.stdout


def test_a_store_locked_by_another_program_is_one_clear_error(workspace):
    holder = sqlite3.connect(workspace / "store.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # a SQLite browser with unsaved changes
    try:
        with Store.open(workspace, timeout=0.1) as store:
            with pytest.raises(TrawlError) as err:
                store.log_event("note", {"text": "x"})
        assert err.value.diagnostic.code == "STORE006"
        assert "locked" in str(err.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store.open(workspace) as store:
        assert store.verify().ok


def test_a_fresh_workspace_without_sources_says_so(tmp_path):
    ws = tmp_path / "fresh"
    assert trawl("init", ws).exit_code == 0
    harvest = trawl("harvest", "-w", ws)
    assert harvest.exit_code == 2 and "names no sources" in harvest.stderr
    schedule = trawl("schedule", "-w", ws)
    assert schedule.exit_code == 0 and "names no sources yet" in schedule.stderr


@pytest.mark.parametrize("edit, key", [
    (('target = "scopus"', 'target = "scopsu"'), "sources.scopus.target"),
    (('database = "ovid-medline"', 'database = "medline"'), "database"),
])
def test_a_misspelt_target_or_database_in_review_toml_is_caught_on_load(workspace, edit, key):
    path = workspace / "review.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    result = trawl("import", EXPORTS / "ebsco" / "econlit_3.ris", "--source", "scopus",
                   "--searched", "2021-01-04", "-w", workspace)
    assert result.exit_code == 2
    assert f"key '{key}'" in result.stderr and "Value error" not in result.stderr
    assert _records(workspace) == 10


def test_harvest_of_a_strategy_with_an_error_names_the_file(workspace):
    shutil.copy(SEED / "as-published.txt", workspace / "strategy.ovid")
    result = trawl("harvest", "-w", workspace, "-s", "europepmc")
    assert result.exit_code == 2
    assert "strategy.ovid: unmatched ')'" in result.stderr and "line 2, column 34" in result.stderr


def _imported_and_deduplicated(workspace):
    result = trawl("import", EXPORTS / "ebsco" / "_baseline_cinahl.ris", "--source", "cinahl",
                   "--searched", "2021-01-04", "-w", workspace)
    assert result.exit_code == 0, result.output
    assert trawl("dedup", "-w", workspace).exit_code == 0


@pytest.mark.parametrize("command", [["export", "--format", "ris"], ["export", "--format", "csv"],
                                     ["prisma"], ["sample", "--seed", "1"]])
def test_out_dash_is_standard_output_not_a_file_named_dash(workspace, monkeypatch, command):
    _imported_and_deduplicated(workspace)
    monkeypatch.chdir(workspace)
    result = trawl(*command, "--out", "-", "-w", workspace)
    assert result.exit_code == 0, result.output
    assert not (workspace / "-").exists()
    first = result.stdout.lstrip()[:3]
    assert first in ("TY ", "key", "{\n ") or result.stdout.startswith("{"), result.stdout[:80]
    if command[0] == "export":
        assert "wrote" in result.stderr and "wrote" not in result.stdout


def test_prisma_counts_a_repeated_search_once_and_leaves_out_failed_runs(workspace):
    again = trawl("import", SCOPUS_RIS, "--source", "scopus", "--searched", "2021-01-04",
                  "--again", "-w", workspace)
    assert again.exit_code == 0, again.output
    with Store.open(workspace) as store:  # a harvest that never got a page
        run = store.start_run(kind="harvest", source="wos", params={})
        store.finish_run(run.id, status="failed", note="connection refused")
    assert trawl("dedup", "-w", workspace).exit_code == 0
    result = trawl("prisma", "-w", workspace)
    assert result.exit_code == 0, result.output
    databases = {d["source"]: d for d in json.loads(result.stdout)["databases"]}
    assert databases["scopus"]["records"] == 10
    assert databases["scopus"]["reported_total"] == 10  # the same file twice: 10, not 20
    assert "wos" not in databases  # nothing was identified there


def test_dedup_decide_refuses_one_record_named_twice(workspace):
    result = trawl("dedup", "decide", "never", "1", "scopus:2-s2.0-85189760133", "--reason", "x",
                   "-w", workspace)
    assert result.exit_code == 2
    assert "same record" in result.stderr
    assert not (workspace / "dedup-overrides.toml").exists()


def test_harvest_of_an_unknown_source_names_the_reviews_sources(workspace):
    result = trawl("harvest", "-w", workspace, "-s", "medlin")
    assert result.exit_code == 2
    assert "not a source of review.toml (medline, psycinfo" in result.stderr


def test_sample_to_an_unwritable_path_is_one_line(workspace):
    _imported_and_deduplicated(workspace)
    result = trawl("sample", "--seed", "1", "--out", workspace / "no-such-dir" / "s.csv",
                   "-w", workspace)
    assert result.exit_code == 2
    assert "Traceback" not in result.output and result.stderr.startswith("error:")
