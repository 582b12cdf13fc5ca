"""``trawl harvest`` end to end against the local fake server: SIGKILL mid-run, then --resume."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fakeapi import FakeApi
from typer.testing import CliRunner

from trawl.cli import app
from trawl.review import Review
from trawl.sources.schedule import interval_days, plan_schedule
from trawl.store import Store

REVIEW = """
[review]
name = "harvest-test"
cutoff = 2021-01-04
schedule = "weekly"

[sources.europepmc]
label = "Europe PMC"
target = "europepmc"
route = "api"
connector = "europepmc"
query = "peer support"

[sources.cinahl]
label = "CINAHL"
target = "cinahl"
route = "export"
"""


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "review.toml").write_text(REVIEW, encoding="utf-8")
    Store.create(tmp_path / "store.sqlite").close()
    return tmp_path


def _env(api: FakeApi) -> dict[str, str]:
    return {**os.environ, "TRAWL_EUROPEPMC_BASE_URL": api.url, "TRAWL_EUROPEPMC_RATE": "1000",
            "TRAWL_RETRY_SCALE": "0.001"}


def _pages(ws) -> int:
    con = sqlite3.connect(f"file:{ws / 'store.sqlite'}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute("SELECT count(*) FROM pages").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


def test_sigkill_mid_harvest_then_resume_loses_and_duplicates_nothing(workspace):
    cmd = [sys.executable, "-m", "trawl", "harvest", "-w", str(workspace), "--source",
           "europepmc", "--page-size", "5"]
    with FakeApi("europepmc", 150, page_size=5, delay=0.03) as api:
        proc = subprocess.Popen(cmd, env=_env(api), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while _pages(workspace) < 5:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the harvest never got going"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        with Store.open(workspace) as store:
            run = store.runs(source="europepmc")[-1]
            assert run.status == "running" and run.checkpoint  # killed: nothing finished it
            before = len(list(store.records(source="europepmc")))
        assert 0 < before < 150
        done = subprocess.run(cmd + ["--resume"], env=_env(api), capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        expected = sorted(api.expected_ids())
    with Store.open(workspace) as store:
        held = [r.record.accession for r in store.records(source="europepmc")]
        assert sorted(held) == expected  # none lost, none duplicated
        assert store.runs(source="europepmc")[-1].status == "complete"
        assert store.verify().ok


def test_harvest_summary_and_export_sources(workspace):
    with FakeApi("europepmc", 12, page_size=5) as api:
        result = CliRunner().invoke(app, ["harvest", "-w", str(workspace), "--page-size", "5"],
                                    env=_env(api))
    assert result.exit_code == 0, result.output
    assert "europepmc" in result.output and "complete" in result.output
    assert "cinahl" in result.output and "export" in result.output


def test_harvest_stops_resumably_with_a_clear_message(workspace):
    with FakeApi("europepmc", 30, page_size=5) as api:
        api.persistent = "502"
        env = {**_env(api), "TRAWL_RETRY_ATTEMPTS": "2"}
        result = CliRunner().invoke(app, ["harvest", "-w", str(workspace), "-s", "europepmc",
                                          "--page-size", "5"], env=env)
        assert result.exit_code == 1
        assert "HTTP 502" in result.output and "trawl harvest --resume --source europepmc" \
            in result.output
        api.persistent = None
        result = CliRunner().invoke(app, ["harvest", "-w", str(workspace), "-s", "europepmc",
                                          "--page-size", "5", "--resume"], env=_env(api))
    assert result.exit_code == 0, result.output
    with Store.open(workspace) as store:
        assert len(list(store.records(source="europepmc"))) == 30


@pytest.mark.parametrize("key, sent, says", [
    ("", 0, "needs ELSEVIER_API_KEY in the environment; it is not set, so nothing was sent"),
    ("refused-fake-key", 1, "HTTP 401 — credentials missing or refused"),
])
def test_auth_error_names_the_variable(workspace, key, sent, says):
    (workspace / "review.toml").write_text(REVIEW.replace("europepmc", "scopus").replace(
        'query = "peer support"', 'query = "TITLE(x)"'), encoding="utf-8")
    # an unset key stops before any request; a refused one (401 from a local stand-in) is named
    # and not retried
    hits = []

    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b'{"service-error":{"status":{"statusCode":"AUTHORIZATION_ERROR"}}}'
            self.send_response(401)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        env = {"TRAWL_SCOPUS_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
               "ELSEVIER_API_KEY": key}
        result = CliRunner().invoke(app, ["harvest", "-w", str(workspace), "-s", "scopus"],
                                    env=env)
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    assert says in " ".join(result.output.split()) and len(hits) == sent
    assert key == "" or key not in result.output


def test_schedule_until_and_after_the_cutoff(workspace):
    review = Review.load(workspace)
    with Store.open(workspace) as store:
        rows, headline = plan_schedule(review, store, today=date(2020, 12, 1))
        assert "cutoff 2021-01-04 (in 34 days)" in headline
        status = {r.source: r for r in rows}
        assert status["europepmc"].due and "never harvested" in status["europepmc"].status
        assert not status["cinahl"].due and "import" in status["cinahl"].status
        rows, _ = plan_schedule(review, store, today=date(2021, 2, 1))
        assert {r.source: r.status for r in rows}["europepmc"].startswith("due now (final")
    assert interval_days("weekly") == 7 and interval_days("every 3 days") == 3
    result = CliRunner().invoke(app, ["schedule", "-w", str(workspace)])
    assert result.exit_code == 0 and "europepmc" in result.output


def test_counts_per_line_and_stored(workspace):
    import httpx

    from trawl.sources import counts as counts_module
    from trawl.sources.http import Http as RealHttp

    strategy = workspace / "s.ovid"
    strategy.write_text("1. exp Peer Group/\n2. peer support*.ti,ab.\n3. 1 or 2\n",
                        encoding="utf-8")
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        query = request.url.params["query"]
        seen.append(query)
        return httpx.Response(200, json={"version": "6.9", "hitCount": 100 + len(query),
                                         "resultList": {"result": []}})

    with RealHttp(transport=httpx.MockTransport(handler), env={}) as http:
        rows = counts_module.line_counts(strategy.read_text(), "europepmc", http, env={})
    assert [r.line for r in rows] == [1, 2, 3] and len(seen) == 3
    assert "MESH" in rows[0].query and rows[2].hits == 100 + len(rows[2].query)
    assert " OR " in rows[2].query  # line 3 has lines 1 and 2 inlined
    with Store.open(workspace) as store:
        seq = counts_module.store_counts(store, "europepmc", "s.ovid", rows)
        stored = store.connection.execute(
            "SELECT line, hits, event_seq FROM line_counts ORDER BY line").fetchall()
        assert [(line, hits) for line, hits, _ in stored] == [(r.line, r.hits) for r in rows]
        assert {s for _, _, s in stored} == {seq} and store.verify().ok


def test_the_seed_review_is_rendered_in_each_connectors_own_dialect():
    from trawl.sources.harvest import plan_for

    review = Review.load(Path(__file__).resolve().parents[2] / "strategy" / "psw-coproduction")
    medline = plan_for(review, "medline")
    assert medline.card.name == "pubmed" and "[tiab]" in medline.query  # PubMed, not Ovid
    assert medline.limits_rendered and medline.strategy_sha256
    assert plan_for(review, "scopus").query.startswith("(TITLE-ABS-KEY(")
    assert plan_for(review, "cinahl").route == "export"


def test_a_harvest_from_the_strategy_logs_what_was_compiled(tmp_path):
    """Auditors: which strategy text and which rendering a harvest sent, by hash."""
    import hashlib

    from conftest import SEED
    from trawl.dialects import get_dialect
    from trawl.query import parse_strategy

    text = (SEED / "strategy.ovid").read_text(encoding="utf-8")
    (tmp_path / "strategy.ovid").write_text(text, encoding="utf-8")
    review = REVIEW.replace('query = "peer support"\n', "").replace(
        'cutoff = 2021-01-04', 'cutoff = 2021-01-04\nlanguages = ["english"]')
    (tmp_path / "review.toml").write_text(review, encoding="utf-8")
    Store.create(tmp_path / "store.sqlite").close()
    with FakeApi("europepmc", 3, page_size=5) as api:
        result = CliRunner().invoke(app, ["harvest", "-w", str(tmp_path), "--source",
                                          "europepmc", "--page-size", "5"], env=_env(api))
    assert result.exit_code == 0, result.output
    rendering = get_dialect("europepmc").render(parse_strategy(text), Review.load(tmp_path))
    with Store.open(tmp_path / "store.sqlite") as store:
        (event,) = list(store.events(kinds=["strategy compiled"]))
        run = store.run(event.run_id)
    assert event.payload["strategy_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert event.payload["query"] == rendering.query == run.params["query"]
    assert len(event.payload["rendering_sha256"]) == 64


def test_a_date_limit_the_renderer_left_out_of_the_query_is_applied_after_harvest():
    """EBSCO has no confirmed date syntax (DIA038: an interface limiter is named instead), so
    an EDS harvest from the strategy filters the cutoff afterwards; WoS sends publishTimeSpan."""
    from trawl.sources.harvest import limits_of, plan_for, rendered_limits

    review = Review.load(Path(__file__).resolve().parents[2] / "strategy" / "psw-coproduction")
    limits = limits_of(review)
    eds = plan_for(review, "ebsco-eds")
    assert "DIA038" in {d["code"] for d in eds.diagnostics} and not eds.params
    applied = rendered_limits(eds, limits)
    assert applied.filter_date_after and not applied.date_at_source
    wos = plan_for(review, "wos")
    assert wos.params["publishTimeSpan"].endswith(f"+{review.cutoff.isoformat()}")
    applied = rendered_limits(wos, limits)
    assert applied.date_at_source and not applied.filter_date_after
    applied = rendered_limits(plan_for(review, "medline"), limits)
    assert applied.date_at_source and not applied.filter_date_after
