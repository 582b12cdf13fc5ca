"""A harvest that the SIGKILL test kills at random points (run as a script, not collected).

Usage: python crash_writer.py STORE PAGES RECORDS_PER_PAGE

It resumes from the checkpoint like a real harvest would: a run left ``running`` by a crash is
marked resumable (with a note) and resumed, and pages continue after the checkpointed one.
Page N's payload and records are a deterministic function of N, so the test can check that
every stored page is whole.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from trawl.store import Record, Store


def page_payload(n: int) -> bytes:
    seed = hashlib.sha256(f"page {n}".encode()).digest()
    return b"".join(hashlib.sha256(seed + bytes([i % 256, i // 256])).digest() for i in range(1000))


def page_records(n: int, per_page: int) -> list[Record]:
    return [
        Record(source="scopus", accession=f"2-s2.0-{n:05d}{i:04d}", title=f"Page {n} record {i}")
        for i in range(per_page)
    ]


def main(path: str, pages: int, per_page: int) -> None:
    store = Store.open(path) if Path(path).exists() else Store.create(path)
    runs = store.runs(source="scopus")
    if runs and runs[-1].status == "running":
        store.finish_run(runs[-1].id, status="resumable", note="interrupted: the writer died")
        run = store.resume_run(runs[-1].id)
    elif runs and runs[-1].status == "complete":
        print("ready\ndone", flush=True)
        return
    elif runs:
        run = runs[-1]
    else:
        run = store.start_run(kind="harvest", source="scopus", params={"query": "crash test"})
    print("ready", flush=True)
    start = (store.checkpoint(run.id) or {"page": 0})["page"] + 1
    for n in range(start, pages + 1):
        store.add_page(
            run.id,
            payload=page_payload(n),
            media_type="application/octet-stream",
            records=page_records(n, per_page),
            request={"method": "GET", "url": f"https://api.example.org/search?page={n}"},
            response={"status": 200},
            checkpoint={"page": n},
        )
        print(n, flush=True)
    store.finish_run(run.id, status="complete")
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
