"""``trawl init`` and ``trawl audit log|verify|trace`` on a real workspace."""

from __future__ import annotations

import json
import tomllib

from store_helpers import make_record
from typer.testing import CliRunner

from trawl.cli import app
from trawl.review import Review
from trawl.store import Store

runner = CliRunner()


def test_init_writes_a_loadable_template_and_a_store(tmp_path):
    root = tmp_path / "My Review"
    out = runner.invoke(app, ["init", str(root)])
    assert out.exit_code == 0, out.output
    review = Review.load(root)
    assert review.name == "my-review" and review.sources == {}
    text = (root / "review.toml").read_text(encoding="utf-8")
    assert "# [sources.scopus]" in text and "environment" in text
    tomllib.loads(text.replace("# [sources", "[sources").replace("# label", "label"))
    with Store.open(root) as store:
        kinds = [e.kind for e in store.events()]
        assert kinds[-1] == "workspace created" and store.verify().ok
    # again: keeps both
    (root / "review.toml").write_text(text.replace('title = ""', 'title = "Mine"'), "utf-8")
    out = runner.invoke(app, ["init", str(root)])
    assert "kept" in out.output and Review.load(root).title == "Mine"


def _workspace(tmp_path):
    root = tmp_path / "ws"
    runner.invoke(app, ["init", str(root)])
    with Store.open(root) as store:
        run = store.start_run(kind="harvest", source="scopus", params={"query": "TITLE(peer)"})
        store.add_page(
            run.id,
            b'{"entries": []}',
            "application/json",
            records=[make_record(1)],
            request={"method": "GET", "url": "https://api.example.org/search?start=0"},
            response={"status": 200},
        )
        store.finish_run(run.id, reported_total=1)
        imp = store.start_run(kind="import", source="cinahl", params={})
        store.add_page(
            imp.id,
            b"TY  - JOUR\nER  - \n",
            "application/x-research-info-systems",
            records=[make_record(1, source="cinahl")],
            file={
                "name": "cinahl.ris",
                "format": "ris",
                "searched": "2021-01-04",
                "query": "S1 AND S2",
            },  # fmt: skip
        )
        store.finish_run(imp.id)
    return root


def test_audit_log_text_json_and_run_filter(tmp_path):
    root = _workspace(tmp_path)
    out = runner.invoke(app, ["audit", "log", "-w", str(root)])
    assert out.exit_code == 0, out.output
    assert (
        "request sent" in out.output and "GET https://api.example.org/search?start=0" in out.output
    )
    assert "cinahl.ris (ris" in out.output
    out = runner.invoke(app, ["audit", "log", "-w", str(root), "--run", "1", "--format", "json"])
    events = json.loads(out.output)["events"]
    assert {e["run"] for e in events} == {1}
    assert [e["kind"] for e in events] == [
        "run started",
        "request sent",
        "response received",
        "records stored",
        "run finished",
    ]
    assert all(len(e["hash"]) == 64 for e in events)
    out = runner.invoke(app, ["audit", "log", "-w", str(root), "--format", "yaml"])
    assert out.exit_code == 2


def test_audit_verify_ok_prints_the_head(tmp_path):
    root = _workspace(tmp_path)
    out = runner.invoke(app, ["audit", "verify", "-w", str(root)])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("ok: ")
    head = out.output.split("head ")[1].strip()
    out = runner.invoke(app, ["audit", "verify", "-w", str(root), "--expect-head", head,
                              "--format", "json"])  # fmt: skip
    result = json.loads(out.output)
    assert result["ok"] and f"{result['head']['seq']}:{result['head']['hash']}" == head


def test_audit_trace_names_runs_requests_files_and_payloads(tmp_path):
    root = _workspace(tmp_path)
    out = runner.invoke(app, ["audit", "trace", "1", "-w", str(root), "--format", "json"])
    info = json.loads(out.output)
    (seen,) = info["sightings"]
    assert seen["run"]["source"] == "scopus" and seen["run"]["params"]["query"] == "TITLE(peer)"
    assert seen["request"]["payload"]["url"] == "https://api.example.org/search?start=0"
    assert seen["response"]["payload"]["status"] == 200
    assert seen["payload"]["sha256"] == info["payload_sha256"]
    out = runner.invoke(app, ["audit", "trace", "2", "-w", str(root)])
    assert "cinahl.ris (ris), searched 2021-01-04" in out.output
    out = runner.invoke(app, ["audit", "trace", "99", "-w", str(root)])
    assert out.exit_code == 2 and "no record 99" in out.output


def test_audit_trace_by_identifier_traces_every_source_copy(tmp_path):
    root = _workspace(tmp_path)
    out = runner.invoke(
        app, ["audit", "trace", "https://doi.org/10.1234/TRAWL.1", "-w", str(root), "--format",
              "json"])  # fmt: skip
    assert [r["source"] for r in json.loads(out.output)["records"]] == ["scopus", "cinahl"]
    out = runner.invoke(app, ["audit", "trace", "accession:2-s2.0-00000000001", "-w", str(root)])
    assert out.exit_code == 0 and "record 1 (scopus" in out.output
    out = runner.invoke(app, ["audit", "trace", "pmid:424242", "-w", str(root)])
    assert out.exit_code == 2 and "no stored record" in out.output


def test_audit_without_a_workspace_is_a_clear_error(tmp_path):
    out = runner.invoke(app, ["audit", "verify", "-w", str(tmp_path)])
    assert out.exit_code == 2 and "trawl init" in out.output
