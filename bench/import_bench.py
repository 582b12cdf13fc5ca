"""Import speed: a 100,000-record RIS built by repeating the real fixtures.

Compares, in the same run and on the same file:
  rispy        rispy.loads(text): the bare parse, raw dicts, nothing else
  parse        trawl.sources.imports.read_export: read + sha256 + decode + detect + rispy +
               per-producer interpretation + validated Records
  import       the whole `trawl import` path into a fresh store (one transaction, payload kept)
Each phase runs in its own process so its peak memory (max RSS) is its own.

Copies of the fixtures get their record IDs suffixed (``AN``/``ID``/``U2``/Scopus EID), so the
store sees 100,000 distinct records rather than re-sightings of a few hundred.

    python bench/import_bench.py [--records 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXPORTS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "exports"
SOURCES = [  # one RIS per producer family
    "ebsco/ebsco_psycinfo_64.ris", "ebsco/envindex_100.ris", "ovid/_baseline_psychInfo_ovid.ris",
    "scopus/20221207_gambling-harms_scopus_255.ris", "wos/citesource_wos_278.ris",
    "wos/citesource_WoS_79.ris", "embase/telemonitoring_embase_28.ris",
    "dimensions/citesource_Dimensions_246.ris", "zotero/asysd_zotero_export.ris",
    "endnote/asysd_endnote_ris_export.txt", "cochrane/_baseline_cochrane_refman.ris",
    "google_scholar/_baseline_googlescholar.ris", "lens/citesource_lens_49.ris",
]
_RECORD = re.compile(r"^TY  - .*?^ER  -[^\n]*\n", re.MULTILINE | re.DOTALL)
_IDS = re.compile(r"^((?:AN|ID|U2)  - )(\S+)|(eid=2-s2\.0-\d+)", re.MULTILINE)


def _renumber(rec: str, copy: int) -> str:
    """Copy ``copy`` of a record, with its record IDs made distinct from the other copies."""
    def suffix(m: re.Match) -> str:
        if m.group(1):
            return f"{m.group(1)}{m.group(2)}.{copy}"
        return f"{m.group(3)}{copy:03d}"

    return _IDS.sub(suffix, rec)


def build(path: Path, n: int) -> int:
    records: list[str] = []
    for name in SOURCES:
        text = (EXPORTS / name).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        records += _RECORD.findall(text)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for i in range(n):
            rec, copy = records[i % len(records)], i // len(records)
            out.write((_renumber(rec, copy) if copy else rec) + "\n")
    return len(records)


def phase(name: str, path: Path) -> dict:
    t0 = time.perf_counter()
    if name == "rispy":
        import rispy

        count = len(rispy.loads(path.read_text(encoding="utf-8")))
    elif name == "parse":
        from trawl.sources.imports import read_export

        count = len(read_export(path, source="bench").records)
    else:
        from trawl.sources.imports import Query, import_file
        from trawl.store import Store

        with tempfile.TemporaryDirectory() as tmp, Store.create(Path(tmp) / "s.sqlite") as store:
            result = import_file(store, path, source="bench", searched="2021-01-04",
                                 query=Query("bench", "given"))
            count = result.new
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"phase": name, "records": count, "seconds": round(seconds, 2),
            "per_second": round(count / seconds), "peak_rss_mb": round(peak_mb)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.file)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = (args.keep or Path(tmp)) / "bench.ris"
        distinct = build(path, args.records)
        size = path.stat().st_size / 1e6
        print(f"{args.records} records ({distinct} distinct fixture records repeated), "
              f"{size:.0f} MB: {path}")
        results = {}
        for name in ("rispy", "parse", "import"):
            out = subprocess.run([sys.executable, __file__, "--phase", name, "--file", str(path)],
                                 capture_output=True, text=True, check=True)
            results[name] = json.loads(out.stdout)
            r = results[name]
            print(f"{name:7} {r['records']:>7} records  {r['seconds']:>7.2f} s  "
                  f"{r['per_second']:>7} rec/s  peak RSS {r['peak_rss_mb']} MB")
        ratio = results["parse"]["seconds"] / results["rispy"]["seconds"]
        print(f"parse / rispy = {ratio:.2f}x (target <= 1.5x)")
        print(f"import / rispy = {results['import']['seconds'] / results['rispy']['seconds']:.2f}x")


if __name__ == "__main__":
    main()
