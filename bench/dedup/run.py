"""Run trawl's deduplicator on a labelled benchmark CSV and score it.

    python bench/dedup/run.py bench/dedup/data/fixtures_labelled.csv [--show 20]

Prints pairwise precision and recall (over all pairs of records placed in one cluster), the
records-to-remove recall (of the records a perfect deduplicator would remove, how many trawl
removes, counting only removals inside the true work), the records wrongly removed, the time
taken by the deduplicator (records already in memory) and the process's peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import read_labelled  # noqa: E402

from trawl.dedup.engine import deduplicate  # noqa: E402


def pairs_of(clusters):
    out = set()
    for c in clusters:
        if len(c) > 1:
            out.update(combinations(sorted(c), 2))
    return out


def score(clusters, groups: dict[int, str]) -> dict:
    truth: dict[str, list[int]] = defaultdict(list)
    for rid, g in groups.items():
        truth[g].append(rid)
    true_pairs = pairs_of(truth.values())
    found = pairs_of(clusters)
    tp = len(true_pairs & found)
    to_remove = sum(len(m) - 1 for m in truth.values())
    removed_right = 0
    removed = 0
    for c in clusters:
        removed += len(c) - 1
        for n in Counter(groups[r] for r in c).values():
            removed_right += n - 1
    return {
        "records": len(groups),
        "works": len(truth),
        "true_pairs": len(true_pairs),
        "found_pairs": len(found),
        "precision": tp / len(found) if found else 1.0,
        "recall": tp / len(true_pairs) if true_pairs else 1.0,
        "to_remove": to_remove,
        "removed": removed,
        "remove_recall": removed_right / to_remove if to_remove else 1.0,
        "wrongly_removed": removed - removed_right,
        "false_pairs": sorted(found - true_pairs),
        "missed_pairs": sorted(true_pairs - found),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", type=Path)
    ap.add_argument("--show", type=int, default=0, help="print this many false and missed pairs")
    args = ap.parse_args()

    t0 = time.perf_counter()
    items, groups = read_labelled(args.csv)
    t1, c1 = time.perf_counter(), time.process_time()
    result = deduplicate(items)
    t2, c2 = time.perf_counter(), time.process_time()
    s = score(result.clusters, groups)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"benchmark        {args.csv.name}: {s['records']} records, {s['works']} works, "
          f"{s['to_remove']} duplicates")
    print(f"pairwise         precision {s['precision']:.4f}  recall {s['recall']:.4f}  "
          f"({s['found_pairs']} pairs found, {s['true_pairs']} true)")
    print(f"records removed  {s['removed']}: recall {s['remove_recall']:.4f} of the "
          f"{s['to_remove']} to remove; {s['wrongly_removed']} wrongly removed")
    print(f"borderline       {result.stats['borderline_pairs']} pairs left for review; "
          f"{result.stats['links_refused']} links refused by complete linkage; "
          f"{result.stats['skipped_blocks']} oversized blocks skipped")
    print(f"time             dedup {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU (reading the CSV "
          f"{t1 - t0:.2f} s); load average {os.getloadavg()[0]:.1f}; stages "
          + ", ".join(f"{k.removeprefix('seconds_')} {v:.2f}" for k, v in result.stats.items()
                      if k.startswith("seconds_")))
    print(f"peak memory      {peak_mb:.0f} MB (whole process)")
    if args.show:
        records = dict(items)
        for label, pairs in (("FALSE MERGE", s["false_pairs"]), ("MISSED", s["missed_pairs"])):
            for a, b in pairs[: args.show]:
                print(f"\n{label} {a} / {b}")
                for r in (records[a], records[b]):
                    au = r.authors[0].family if r.authors else "-"
                    print(f"   [{r.source}] {r.title!r} | {au} {r.year} | {r.journal} | "
                          f"v{r.volume} p{r.pages} | {r.doi}")


if __name__ == "__main__":
    main()
