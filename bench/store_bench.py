"""Store speed and size: harvest-like pages, one big import, verify, read-back.

  harvest   PAGES pages of 25 records, each page the real Scopus search response
            (../shared/fixtures/api/scopus/sample_response.json) made unique by its page number;
            one transaction per page (payload + records + 4 events + checkpoint), synchronous=FULL
  import    one page holding IMPORT records (a whole export file in one transaction)
  verify    Store.verify() over the result: chain, payload hashes, record re-derivation
  read      list(Store.records()): every record back as a validated Record

    python bench/store_bench.py [--pages 2000] [--import-records 50000] [--keep DIR]

Results on the shared 2-core machine are recorded at the bottom of this file.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from trawl.store import Record, Store

FIXTURE = (
    Path(__file__).resolve().parents[2]
    / "shared" / "fixtures" / "api" / "scopus" / "sample_response.json"
)  # fmt: skip


def scopus_records(entries: list[dict], page: int) -> list[Record]:
    out = []
    for i, e in enumerate(entries):
        out.append(
            Record(
                source="scopus",
                accession=f"{e.get('eid', '2-s2.0-x')}-{page}-{i}",
                doi=e.get("prism:doi"),
                title=e.get("dc:title"),
                authors=[{"family": (e.get("dc:creator") or "Anon").split(" ")[0]}],
                journal=e.get("prism:publicationName"),
                volume=e.get("prism:volume"),
                pages=e.get("prism:pageRange"),
                issn=[e["prism:issn"]] if e.get("prism:issn") else [],
                url=e.get("prism:url"),
                abstract=e.get("dc:description"),
            )
        )
    return out


def timed(label: str, fn):
    start = time.perf_counter()
    value = fn()
    took = time.perf_counter() - start
    print(f"{label:<10} {took:8.2f} s", end="")
    return value, took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--import-records", type=int, default=50000)
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="store-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    path = root / "store.sqlite"
    if path.exists():
        raise SystemExit(f"{path} exists")
    body = FIXTURE.read_bytes()
    entries = json.loads(body)["search-results"]["entry"]
    per_page = len(entries)
    store = Store.create(path)

    def harvest() -> int:
        run = store.start_run(kind="harvest", source="scopus", params={"query": "bench"})
        raw = 0
        for n in range(1, args.pages + 1):
            payload = body.replace(b'"search-results"', f'"search-results-{n}"'.encode(), 1)
            raw += len(payload)
            store.add_page(
                run.id,
                payload,
                "application/json",
                records=scopus_records(entries, n),
                request={"method": "GET", "url": f"https://api.elsevier.com/s?start={n * 25}"},
                response={"status": 200},
                checkpoint={"start": n * 25},
            )
        store.finish_run(run.id)
        return raw

    raw, took = timed("harvest", harvest)
    n_records = args.pages * per_page
    print(f"  {args.pages / took:7.0f} pages/s  {n_records / took:7.0f} records/s"
          f"  ({args.pages} pages, {n_records} records, {raw / 1e6:.1f} MB raw)")  # fmt: skip

    def big_import() -> None:
        run = store.start_run(kind="import", source="cinahl", params={"format": "ris"})
        records = [
            Record(source="cinahl", accession=f"AN{i}", title=f"Imported record {i}", year=2020)
            for i in range(args.import_records)
        ]
        store.add_page(run.id, b"TY  - JOUR\n" * args.import_records, "text/plain",
                       records=records, file={"name": "big.ris", "format": "ris"})  # fmt: skip
        store.finish_run(run.id)

    _, took = timed("import", big_import)
    print(f"  {args.import_records / took:7.0f} records/s  (one transaction)")

    result, took = timed("verify", store.verify)
    total = sum(result.checked.values())
    print(f"  ok={result.ok}  {result.checked['records'] / took:7.0f} records/s  ({total} rows)")

    records, took = timed("read", lambda: list(store.records()))
    print(f"  {len(records) / took:7.0f} records/s")
    store.close()
    size = path.stat().st_size
    print(f"file       {size / 1e6:8.1f} MB for {raw / 1e6:.1f} MB of raw pages "
          f"+ {len(records)} records")  # fmt: skip


if __name__ == "__main__":
    main()

# Recorded results
# ----------------
#
# 2026-11-26, shared 2-core machine (load average ~7 from other engineers' work),
# python bench/store_bench.py --pages 500 --import-records 50000, synchronous=FULL:
#
#   harvest       13.78 s       36 pages/s      907 records/s  (500 pages, 12500 records, 28.5 MB raw)
#   import         7.94 s     6296 records/s  (one transaction)
#   verify         6.15 s  ok=True    10166 records/s  (127513 rows)
#   read           3.94 s    15869 records/s
#   file           54.4 MB for 28.5 MB of raw pages + 62500 records
#
# Harvest is bound by the two fsyncs per committed page (user CPU is ~25% of wall time);
# 36 pages/s is well above every API's rate limit (Scopus 9/s, E-utilities 10/s with a key).
# synchronous=NORMAL measured 89 vs 59 pages/s and 2640 vs 166 lone log_event commits/s.
# Raw JSON pages compress about 9x with zlib; a record costs ~450 bytes (data JSON +
# columns + identifiers + sighting + its line in the "records stored" event).
