"""Build the labelled benchmark from the real export fixtures (same topic, several databases).

Labels are decided independently of trawl's deduplicator:

1. records sharing a normalised DOI or PMID, or an identical folded title + year, start as one
   work (union-find);
2. every pair that is *not* so grouped but looks alike (title similarity >= 0.75 by a token-set
   ratio, or shared first author + year + title prefix) and every identifier-grouped pair whose
   titles differ, is printed for a person to decide; the decisions are kept, with a note, in
   ``fixture_decisions.csv`` (``same`` / ``different``) and override step 1.

    python bench/dedup/label_fixtures.py --review     # list undecided pairs
    python bench/dedup/label_fixtures.py              # write data/fixtures_labelled.csv

Record ids are stable: "<set>/<file>#<n>" maps to a number in file order.

Publish or Perish (Google Scholar) dumps are left out: their citation-only entries ("The global
demography project.‖ NCGIA", a book cited under three different titles) cannot be labelled with
confidence, so they would measure the labeller rather than the deduplicator.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).parent))
from common import record_row, write_rows  # noqa: E402

from trawl.dedup.normalise import fold  # noqa: E402  (only to fold titles for display/grouping)
from trawl.sources.imports import read_export  # noqa: E402

HERE = Path(__file__).parent
EXPORTS = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "exports"
DECISIONS = HERE / "fixture_decisions.csv"
OUT = HERE / "data" / "fixtures_labelled.csv"

# Exports of one search topic from several databases: these overlap for real.
SETS: dict[str, list[tuple[str, str]]] = {
    "restoration": [("pubmed/revtools_restoration_pubmed.nbib", "pubmed"),
                    ("scopus/revtools_restoration_scopus.ris", "scopus"),
                    ("wos/revtools_restoration_WoS.ciw", "wos")],
    "tobler": [("scopus/bibliotobler_scopus.ris", "scopus"),
               ("scopus/bibliotobler_scopus.csv", "scopus"),
               ("wos/bibliotobler_wos_savedrecs.ris", "wos")],
    "gambling": [("scopus/20221207_gambling-harms_scopus_255.ris", "scopus"),
                 ("lens/citesource_lens_49.ris", "lens"),
                 ("ebsco/20221207_gambling-harms_crimjust_41.ris", "crimjust")],
    "telemonitoring": [("pubmed/telemonitoring_pubmed_7.nbib", "pubmed"),
                       ("scopus/telemonitoring_scopus_36.ris", "scopus"),
                       ("embase/telemonitoring_embase_13.ris", "embase"),
                       ("embase/telemonitoring_embase_28.ris", "embase"),
                       ("ieee/telemonitoring_ieee_41.ris", "ieee")],
    "citesource": [("wos/citesource_wos_278.ris", "wos"),
                   ("wos/citesource_WoS_79.ris", "wos"),
                   ("dimensions/citesource_Dimensions_246.ris", "dimensions"),
                   ("ebsco/envindex_100.ris", "envindex")],
    "asysd": [("zotero/asysd_zotero_export.ris", "zotero-library")],
}


def load():
    rows = []  # (key, set, record)
    for name, files in SETS.items():
        for path, source in files:
            parsed = read_export(EXPORTS / path, source=source)
            for i, r in enumerate(parsed.records):
                rows.append((f"{name}/{Path(path).name}#{i}", name, r))
    return rows


class Groups:
    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)


def _conflict(a, b) -> bool:
    """Two records with one title and year that still cannot be assumed one work (letters)."""
    def first(p):
        return (p or "").split("-")[0].strip().lower()
    return bool(
        (a.doi and b.doi and a.doi != b.doi)
        or (a.volume and b.volume and a.volume != b.volume)
        or (first(a.pages) and first(b.pages) and first(a.pages) != first(b.pages))
    )


def read_decisions():
    out = {}
    if DECISIONS.exists():
        with DECISIONS.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                out[frozenset((row["a"], row["b"]))] = row["decision"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--review", action="store_true", help="print undecided pairs")
    args = ap.parse_args()
    rows = load()
    keys = [k for k, _, _ in rows]
    index = {k: i for i, k in enumerate(keys)}
    decisions = read_decisions()
    g = Groups(len(rows))
    by_id = defaultdict(list)
    for i, (_, name, r) in enumerate(rows):
        if r.doi:
            by_id[(name, "doi", r.doi)].append(i)
        if r.pmid:
            by_id[(name, "pmid", r.pmid)].append(i)
        if r.title and r.year:
            by_id[(name, "title", fold(r.title), r.year)].append(i)
    doubtful = []
    for key, ids in by_id.items():
        for j in ids[1:]:
            a, b = ids[0], j
            pair = frozenset((keys[a], keys[b]))
            if decisions.get(pair) == "different":
                continue
            ra, rb = rows[a][2], rows[b][2]
            ta, tb = fold(ra.title), fold(rb.title)
            if pair not in decisions:
                if key[1] != "title" and fuzz.token_set_ratio(ta, tb) < 90:
                    doubtful.append((a, b, "same identifier, titles differ"))
                    continue
                if key[1] == "title" and _conflict(ra, rb):
                    doubtful.append((a, b, "same title and year, but DOI/volume/page differ"))
                    continue
            g.union(a, b)
    for pair, decision in decisions.items():
        if decision == "same":
            a, b = (index[k] for k in pair)
            g.union(a, b)

    # Look-alike pairs within a set that step 1 did not group.
    undecided = list(doubtful)
    by_set = defaultdict(list)
    for i, (_, name, r) in enumerate(rows):
        if r.title:
            by_set[name].append(i)
    for ids in by_set.values():
        blocks = defaultdict(list)
        for i in ids:
            t = fold(rows[i][2].title).split()
            for w in {x for x in t if len(x) > 6}:
                blocks[w].append(i)
        seen = set()
        for members in blocks.values():
            if len(members) > 400:
                continue
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    a, b = members[x], members[y]
                    if (a, b) in seen or g.find(a) == g.find(b):
                        continue
                    seen.add((a, b))
                    ra, rb = rows[a][2], rows[b][2]
                    ta, tb = fold(ra.title), fold(rb.title)
                    s, ts = fuzz.ratio(ta, tb), fuzz.token_set_ratio(ta, tb)
                    fa = ra.authors[0].family.split()[0].lower() if ra.authors else ""
                    fb = rb.authors[0].family.split()[0].lower() if rb.authors else ""
                    alike = s >= 80 or (ts >= 95 and min(len(ta.split()), len(tb.split())) >= 4
                                        and (fa[:4] == fb[:4] or "google-scholar" in (ra.source, rb.source)))
                    if alike and frozenset((keys[a], keys[b])) not in decisions:
                        undecided.append((a, b, f"title ratio {s:.0f}, token-set {ts:.0f}"))

    if args.review:
        for a, b, why in undecided:
            ra, rb = rows[a][2], rows[b][2]
            print(f"{keys[a]}\t{keys[b]}\t{why}")
            for r in (ra, rb):
                au = r.authors[0].family if r.authors else "-"
                print(f"   [{r.source}] {r.title!r} | {au} {r.year} | {r.journal} | v{r.volume} p{r.pages} | {r.doi}")
        print(f"{len(undecided)} undecided pair(s)", file=sys.stderr)
        return
    if undecided:
        print(f"{len(undecided)} undecided pair(s): run with --review and decide them first",
              file=sys.stderr)
    out_rows = []
    for i, (_key, name, r) in enumerate(rows, start=1):
        out_rows.append(record_row(i, f"{name}:{g.find(i - 1)}", r))
    write_rows(OUT, out_rows)
    n_groups = len({row["group"] for row in out_rows})
    print(f"wrote {OUT}: {len(out_rows)} records, {n_groups} works, "
          f"{len(out_rows) - n_groups} duplicates")


if __name__ == "__main__":
    main()
