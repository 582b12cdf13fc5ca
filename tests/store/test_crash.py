"""Kill a writer with SIGKILL while it stores pages: nothing is corrupt or half-stored."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trawl.store import Store

WRITER = Path(__file__).with_name("crash_writer.py")
PAGES, PER_PAGE = 250, 30

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def start_writer(path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(PAGES), str(PER_PAGE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_whole(path: Path) -> int:
    """Integrity, chain, and every page complete; returns how many pages are stored."""
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    numbers = [n for (n,) in conn.execute("SELECT number FROM pages ORDER BY number")]
    assert numbers == list(range(1, len(numbers) + 1)), "a page is missing or stored twice"
    per_page = conn.execute(
        "SELECT p.number, count(s.record_id) FROM pages p "
        "LEFT JOIN sightings s ON s.page_id = p.id GROUP BY p.id"
    ).fetchall()
    assert all(count == PER_PAGE for _, count in per_page), per_page
    assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == PER_PAGE * len(numbers)
    stored_events = conn.execute(
        "SELECT count(*) FROM events WHERE kind = 'records stored'"
    ).fetchone()[0]
    assert stored_events == len(numbers)
    conn.close()
    with Store.open(path, upgrade=False) as store:
        result = store.verify()
        assert result.ok, result.problems
        runs = store.runs()
        if runs and numbers:
            assert store.checkpoint(runs[-1].id) == {"page": numbers[-1]}
    return len(numbers)


def test_sigkill_mid_write_leaves_no_half_page(tmp_path):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    path = tmp_path / "store.sqlite"
    stored_before = 0
    kills = 0
    for _ in range(5):
        writer = start_writer(path)
        try:
            assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
            # Kill after a random number of committed pages (the writer prints each one), then a
            # random moment into the next page's transaction: the kill always lands mid-harvest,
            # however fast or slow the machine is.
            for _ in range(rng.randint(0, 8)):
                writer.stdout.readline()
            time.sleep(rng.uniform(0.0, 0.03))
            os.kill(writer.pid, signal.SIGKILL)
            kills += 1
        finally:
            writer.wait(timeout=30)
            writer.stdout.close()
            writer.stderr.close()
        stored = assert_whole(path)
        assert stored >= stored_before, f"seed {seed}: committed pages were lost"
        stored_before = stored
    assert 0 < stored_before < PAGES, f"seed {seed}: the kills did not interrupt the harvest"
    # A last, uninterrupted writer resumes from the checkpoint and finishes the run.
    writer = start_writer(path)
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert out.strip().endswith("done")
    assert assert_whole(path) == PAGES
    with Store.open(path) as store:
        (run,) = store.runs()
        assert run.status == "complete" and run.retrieved == PAGES * PER_PAGE
        interrupted = list(store.events(kinds=["run resumed"]))
        assert len(interrupted) <= kills
