"""Time `trawl dedup` end to end on a store: read records, decide, write clusters and events.

    python bench/dedup/store_bench.py bench/dedup/data/synthetic_80k.csv [--keep DIR]

Loads a labelled CSV into a fresh store (one import run per source, pages of 1,000 records; not
timed as part of dedup), then times ``run_dedup`` (reading every record back from SQLite,
deduplicating, writing ``dedup_*`` rows and one provenance event per decision), the RIS export,
and the PRISMA counts, and checks the provenance chain still verifies.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import read_labelled  # noqa: E402

from trawl.dedup.persist import run_dedup  # noqa: E402
from trawl.report import prisma  # noqa: E402
from trawl.report.export import write_export  # noqa: E402
from trawl.store import Store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", type=Path)
    ap.add_argument("--keep", type=Path, help="build the store here and keep it")
    args = ap.parse_args()
    items, _ = read_labelled(args.csv)
    by_source = defaultdict(list)
    for _, r in items:
        by_source[r.source].append(r)
    where = args.keep or Path(tempfile.mkdtemp(prefix="trawl-dedup-bench-"))
    where.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with Store.create(where / "store.sqlite") as store:
        for source, records in by_source.items():
            run = store.start_run(kind="import", source=source, params={"file": args.csv.name})
            for i in range(0, len(records), 1000):
                page = records[i : i + 1000]
                store.add_page(run.id, payload=f"{source}:{i}".encode(), media_type="text/plain",
                               records=page)
            store.finish_run(run.id, status="complete", reported_total=len(records))
    t1 = time.perf_counter()
    with Store.open(where) as store:
        c0 = time.process_time()
        outcome = run_dedup(store, where / "dedup-overrides.toml", languages=["english"])
        t2, c1 = time.perf_counter(), time.process_time()
        written = write_export(store, where / "export.ris", fmt="ris")
        t3 = time.perf_counter()
        counts = prisma.counts(store)
        t4 = time.perf_counter()
        ok = store.verify().ok
    s = outcome.result.stats
    print(f"store            {len(items)} records in {len(by_source)} sources, built in {t1 - t0:.1f} s")
    print(f"trawl dedup      {t2 - t1:.1f} s wall, {c1 - c0:.1f} s CPU: {s['clusters']} unique, "
          f"{s['duplicates_removed']} duplicates, {outcome.events} events written")
    print(f"export (RIS)     {t3 - t2:.1f} s: {written.count} records, {written.left_out} marked left out")
    print(f"prisma counts    {t4 - t3:.1f} s: screened {counts['records_screened']}")
    print(f"verify           {'ok' if ok else 'FAILED'}; load average {os.getloadavg()[0]:.1f}; "
          f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
