"""Harvest throughput and memory against the local fake API server (tests/sources/fakeapi.py).

    python bench/harvest_bench.py [--pages 15] [--memory-records 100000] [--out bench/RESULTS-harvest.md]

Throughput: for each API the fake server enforces the documented rate from the connector card
(429 + Retry-After when a request comes early) and serves the card's page size; trawl harvests
``--pages`` pages into a fresh store. Reported: records per second achieved against the ceiling
(rate × page size), requests the server throttled, and retries.

Memory: one harvest of ``--memory-records`` records (Europe PMC shape, 1,000 per page, rate
lifted so the store is the bottleneck); resident memory is sampled after every page and reported
at 10 %, 50 % and 100 % of the harvest — flat means nothing accumulates per record.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "sources"))

from fakeapi import ServerProcess  # noqa: E402

from trawl.sources.base import Limits  # noqa: E402
from trawl.sources.cards import get_card  # noqa: E402
from trawl.sources.harvest import Plan, harvest_source  # noqa: E402
from trawl.sources.http import Http  # noqa: E402
from trawl.store import Store  # noqa: E402

APIS = ("europepmc", "openalex", "crossref", "semantic-scholar", "scopus", "pubmed", "wos")


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """A Progress that samples resident memory after each page."""

    def __init__(self) -> None:
        self.samples: list[tuple[int, float]] = []
        self.records = 0

    def start(self, source: str) -> None:
        pass

    def page(self, source: str, records: int, total: int | None) -> None:
        self.records += records
        self.samples.append((self.records, rss_mb()))

    def finish(self, source: str, status: str) -> None:
        pass


class NullStore:
    """Takes pages and keeps nothing: measures the harvester alone (paging, pacing, parsing)."""

    def __init__(self) -> None:
        from trawl.store import PageResult, Run

        self._run = Run(1, "harvest", "x", {}, "running", "bench", "now")
        self._result = PageResult

    def start_run(self, kind, source, params=None):
        return self._run

    def add_page(self, run_id, payload, media_type, records=(), **kw):
        return self._result("0" * 64, list(range(len(records))), [])

    def log_event(self, *a, **kw):
        return None

    def finish_run(self, run_id, status="complete", reported_total=None, retrieved=None, note=None):
        import dataclasses

        return dataclasses.replace(self._run, status=status, retrieved=retrieved or 0)

    def payload(self, sha):
        return None

    def close(self) -> None:
        pass


def env_for(api: str, url: str, rate: float | None = None) -> dict[str, str]:
    prefix = "TRAWL_" + api.upper().replace("-", "_")
    env = {f"{prefix}_BASE_URL": url,
           **{name: "fake-key-for-bench" for name in get_card(api).auth.required_env}}
    if rate is not None:
        env[f"{prefix}_RATE"] = str(rate)
    return env


def throughput(api: str, pages: int, workdir: Path, *, null_store: bool = False) -> dict:
    card = get_card(api)
    size, rate = card.paging.page_size, card.rate_for({})
    # PubMed's ESearch hands out at most 9,999 ids per slice: stay within one slice
    n = size * pages if api != "pubmed" else min(size * pages, 9999)
    with ServerProcess(api, n, page_size=size, rate=rate, warm=True) as server:
        env = env_for(api, server.url)
        store = NullStore() if null_store else Store.create(workdir / f"{api}.sqlite")
        with Http(env=env) as http:
            started, cpu = time.monotonic(), time.process_time()
            result = harvest_source(store, Plan(api, card, "peer support", {}), Limits(), http,
                                    env=env)
            seconds, cpu = time.monotonic() - started, time.process_time() - cpu
            retries = http.retries
        store.close()
        stats = server.stats()
        requests, throttled = stats["requests"], stats["throttled"]
    assert result.status == "complete", result.note
    # the ceiling counts every request the protocol needs (PubMed: count + id list + fetches)
    # (the first request goes at once; each later one waits its turn: 1/rate apart)
    ceiling_seconds = (requests - throttled - 1) / rate
    return {"api": api, "store": "none" if null_store else "sqlite", "rate": rate, "page_size": size, "records": result.records,
            "requests": requests, "throttled": throttled, "retries": retries,
            "seconds": seconds, "achieved": result.records / seconds,
            "ceiling": rate * size, "efficiency": ceiling_seconds / seconds,
            "cpu_ms_per_1000": 1000 * cpu / max(result.records, 1) * 1000,
            "cpu_bound": result.records / cpu if cpu else float("inf")}


def memory(records: int, workdir: Path) -> dict:
    api, size = "europepmc", 1000
    with ServerProcess(api, records, page_size=size) as server:
        env = env_for(api, server.url, rate=1000)
        store = Store.create(workdir / "memory.sqlite")
        sampler = Sampler()
        with Http(env=env) as http:
            started = time.monotonic()
            result = harvest_source(store, Plan(api, get_card(api), "q", {}), Limits(), http,
                                    env=env, progress=sampler, page_size=size)
            seconds = time.monotonic() - started
        store.close()
    assert result.status == "complete" and result.records == records, result.note

    def at(fraction: float) -> float:
        target = records * fraction
        return next(mb for n, mb in sampler.samples if n >= target)

    return {"records": records, "seconds": seconds, "rate": records / seconds,
            "rss_10": at(0.1), "rss_50": at(0.5), "rss_100": at(1.0),
            "peak": max(mb for _, mb in sampler.samples)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=15)
    ap.add_argument("--memory-records", type=int, default=100_000)
    ap.add_argument("--apis", default=",".join(APIS))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS-harvest.md")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for null_store in (True, False):
            for api in args.apis.split(","):
                row = throughput(api, args.pages, Path(tmp), null_store=null_store)
                rows.append(row)
                print(f"{api:17} {row['store']:6} {row['achieved']:8.0f} rec/s of "
                      f"{row['ceiling']:6.0f} ({row['efficiency']:.0%} of the rate) "
                      f"{row['throttled']} throttled; CPU {row['cpu_ms_per_1000']:.0f} ms/1000 "
                      f"records (CPU-bound {row['cpu_bound']:.0f} rec/s)", flush=True)
        mem = memory(args.memory_records, Path(tmp)) if args.memory_records else None
    if mem:
        print(f"memory: {mem['records']} records in {mem['seconds']:.0f}s; RSS MB at 10/50/100%: "
              f"{mem['rss_10']:.0f}/{mem['rss_50']:.0f}/{mem['rss_100']:.0f}")
    write(args.out, rows, mem, args.pages)


def write(path: Path, rows: list[dict], mem: dict | None, pages: int) -> None:
    lines = [
        "# Harvest benchmark", "",
        f"`python bench/harvest_bench.py --pages {pages}` on {time.strftime('%Y-%m-%d')}, "
        f"{os.cpu_count()} cores shared with other work (load average {os.getloadavg()[0]:.1f} "
        "at the end). The fake server (tests/sources/fakeapi.py) "
        "enforces each card's documented rate (an early request gets 429 + Retry-After) and "
        "serves the card's page size in the API's recorded shape, every page rendered before the "
        "clock starts (serving costs the shared CPU nothing); records go through parsing, "
        "the Record model and the Store (one transaction per page, fsync).", "",
        "Ceiling = rate × page size. *Of the rate* = the time the rate alone forces for the "
        "requests sent ((requests − 1) ÷ rate; PubMed also needs its count and id-list "
        "requests) ÷ the time taken: 100 % means the harvest ran exactly as fast as the API "
        "allows. *CPU-bound rec/s* = records ÷ the harvesting process's CPU seconds (the fake "
        "server runs in its own process): what the harvester could do on an idle core.", "",
        "*store none*: pages are parsed into Records and handed to a store that keeps nothing "
        "(the harvester alone: paging, pacing, retries, parsing); *sqlite*: the real Store.", "",
        "| API | store | rate (req/s) | page size | records | requests | throttled | retries "
        "| seconds | records/s | ceiling | of the rate | CPU ms / 1000 records | CPU-bound rec/s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['api']} | {r['store']} | {r['rate']:g} | {r['page_size']} | {r['records']} | "
                     f"{r['requests']} | {r['throttled']} | {r['retries']} | {r['seconds']:.1f} | "
                     f"{r['achieved']:.0f} | {r['ceiling']:.0f} | {r['efficiency']:.0%} | "
                     f"{r['cpu_ms_per_1000']:.0f} | {r['cpu_bound']:.0f} |")
    if mem:
        lines += ["", "## Memory", "",
                  f"{mem['records']:,} records (Europe PMC shape, 1,000 per page, rate lifted so "
                  f"the store is the bottleneck) in {mem['seconds']:.0f} s "
                  f"({mem['rate']:.0f} records/s).", "",
                  "| after | 10 % | 50 % | 100 % | peak |", "|---|---|---|---|---|",
                  f"| resident MB | {mem['rss_10']:.0f} | {mem['rss_50']:.0f} | "
                  f"{mem['rss_100']:.0f} | {mem['peak']:.0f} |"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
