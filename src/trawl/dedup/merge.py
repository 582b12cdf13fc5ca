"""Merge: one record per cluster, every field remembering which source record gave it.

The merged record is what screening sees, so each field takes the most trustworthy and most
complete value the cluster offers: bibliographic databases with curated metadata (PubMed/MEDLINE,
Embase, PsycInfo, CINAHL) before citation indexes, before web-scale sources (Google Scholar);
a full title before a truncated one; the longest abstract; the longest author list. List fields
(languages, publication types, keywords) are unions, each value remembering every record that
had it. Nothing is invented and nothing is lost: the members themselves stay in the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trawl.dedup.normalise import title_key
from trawl.store.record import Record

# Lower = more trusted. Unknown sources sit between the curated databases and the web sources.
SOURCE_PRIORITY: dict[str, int] = {
    "pubmed": 0,
    "ovid-medline": 0,
    "medline": 0,
    "europepmc": 1,
    "embase": 2,
    "ovid-embase": 2,
    "ovid-psycinfo": 3,
    "psycinfo": 3,
    "cinahl": 4,
    "academic-search-elite": 5,
    "scopus": 6,
    "wos": 7,
    "crossref": 8,
    "openalex": 9,
    "semantic-scholar": 11,
    "worldcat": 12,
    "primo": 12,
    "oria": 12,
    "google-scholar": 20,
}
_UNKNOWN = 10

SCALAR_FIELDS = ("doi", "pmid", "pmcid", "year", "published", "volume", "issue", "pages", "url")
LIST_FIELDS = ("languages", "publication_types", "keywords", "issn")


def priority(source: str) -> int:
    return SOURCE_PRIORITY.get(source.lower(), _UNKNOWN)


@dataclass(frozen=True, slots=True)
class Member:
    """One source record of a cluster: enough to trace it outside trawl."""

    record_id: int
    source: str
    accession: str | None
    doi: str | None
    pmid: str | None
    other_ids: tuple[tuple[str, str], ...]

    def identifiers(self) -> list[str]:
        """'PMID 123', 'accession 2-s2.0-…', 'eid …' — what this source called the record."""
        out = []
        if self.accession:
            out.append(f"accession {self.accession}")
        if self.pmid:
            out.append(f"PMID {self.pmid}")
        if self.doi:
            out.append(f"DOI {self.doi}")
        out += [f"{k} {v}" for k, v in self.other_ids]
        out.append(f"trawl record {self.record_id}")
        return out


@dataclass(frozen=True, slots=True)
class Sourced:
    """A field value and the store records it was taken from."""

    value: Any
    record_ids: tuple[int, ...]


@dataclass(frozen=True)
class MergedRecord:
    cluster_id: int  # the smallest member record id: stable while the membership is
    members: tuple[Member, ...]
    fields: dict[str, Sourced]

    def get(self, name: str, default: Any = None) -> Any:
        s = self.fields.get(name)
        return default if s is None else s.value

    @property
    def sources(self) -> list[str]:
        seen: dict[str, None] = {}
        for m in self.members:
            seen.setdefault(m.source, None)
        return list(seen)


def merge(records: Sequence[tuple[int, Record]]) -> MergedRecord:
    """Merge one cluster's records (record id, Record)."""
    if not records:
        raise ValueError("cannot merge an empty cluster")
    ranked = sorted(records, key=lambda r: (priority(r[1].source), r[0]))
    fields: dict[str, Sourced] = {}

    def pick(name: str, value_of, better=None) -> None:
        best = None
        for rid, rec in ranked:
            v = value_of(rec)
            if v in (None, "", []):
                continue
            if best is None or (better is not None and better(v, best[0])):
                best = (v, rid)
        if best is not None:
            ids = tuple(rid for rid, rec in ranked if value_of(rec) == best[0])
            fields[name] = Sourced(best[0], ids or (best[1],))

    def title_better(new: str, old: str) -> bool:
        # A full title beats a truncated one; otherwise the higher-priority source stays.
        return title_key(old)[1] and not title_key(new)[1]

    pick("title", lambda r: r.title, title_better)
    pick("abstract", lambda r: r.abstract, lambda new, old: len(new) > len(old) * 1.1)
    pick("authors", lambda r: r.authors, lambda new, old: len(new) > len(old))

    def journal_better(new: str, old: str) -> bool:
        # WoS writes names in capitals and many sources abbreviate: a mixed-case name beats an
        # all-caps one, and a clearly longer (unabbreviated) name beats a shorter one.
        if old.isupper() != new.isupper():
            return old.isupper()
        return len(new) > len(old) + 8

    pick("journal", lambda r: r.journal, journal_better)
    for name in SCALAR_FIELDS:
        pick(name, lambda r, n=name: getattr(r, n))
    for name in LIST_FIELDS:
        values: dict[str, list[int]] = {}
        shown: dict[str, str] = {}
        for rid, rec in ranked:
            for v in getattr(rec, name):
                k = v.strip().lower()
                if not k:
                    continue
                shown.setdefault(k, v.strip())
                values.setdefault(k, [])
                if rid not in values[k]:
                    values[k].append(rid)
        if values:
            fields[name] = Sourced(
                [shown[k] for k in values],
                tuple(sorted({i for ids in values.values() for i in ids})),
            )
            fields[name + "_by_value"] = Sourced(
                {shown[k]: tuple(ids) for k, ids in values.items()}, fields[name].record_ids
            )

    members = tuple(
        Member(
            record_id=rid,
            source=rec.source,
            accession=rec.accession,
            doi=rec.doi,
            pmid=rec.pmid,
            other_ids=tuple(sorted(rec.other_ids.items())),
        )
        for rid, rec in sorted(records, key=lambda r: (priority(r[1].source), r[1].source, r[0]))
    )
    return MergedRecord(min(rid for rid, _ in records), members, fields)
