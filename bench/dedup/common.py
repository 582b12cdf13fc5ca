"""Shared by the dedup benchmark scripts: the labelled CSV format and its conversion to Records.

A labelled benchmark CSV has one row per record and a ``group`` column: records with the same
group are the same work. Columns: record_id, group, source, accession, doi, pmid, title,
authors ("Family, Given; Family, Given"), year, journal, volume, issue, pages, languages,
publication_types (both "; "-joined).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from trawl.store import Author, Record

COLUMNS = ("record_id", "group", "source", "accession", "doi", "pmid", "title", "authors", "year",
           "journal", "volume", "issue", "pages", "languages", "publication_types")


def record_row(record_id: int, group: str, r: Record) -> dict:
    return {
        "record_id": record_id,
        "group": group,
        "source": r.source,
        "accession": r.accession or "",
        "doi": r.doi or "",
        "pmid": r.pmid or "",
        "title": r.title or "",
        "authors": "; ".join(f"{a.family}, {a.given}" if a.given else a.family for a in r.authors),
        "year": r.year or "",
        "journal": r.journal or "",
        "volume": r.volume or "",
        "issue": r.issue or "",
        "pages": r.pages or "",
        "languages": "; ".join(r.languages),
        "publication_types": "; ".join(r.publication_types),
    }


def write_rows(path: Path, rows: Iterable[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for row in rows:
            w.writerow(row)


def _authors(text: str) -> list[Author]:
    out = []
    for part in text.split("; "):
        if not part.strip():
            continue
        family, _, given = part.partition(", ")
        out.append(Author(family=family, given=given or None))
    return out


def read_labelled(path: Path) -> tuple[list[tuple[int, Record]], dict[int, str]]:
    """(record id, Record) pairs and each record's true group."""
    items, groups = [], {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rid = int(row["record_id"])
            groups[rid] = row["group"]
            items.append((rid, Record(
                source=row["source"],
                accession=row["accession"] or None,
                doi=row["doi"] or None,
                pmid=row["pmid"] or None,
                title=row["title"] or None,
                authors=_authors(row["authors"]),
                year=int(row["year"]) if row["year"] else None,
                journal=row["journal"] or None,
                volume=row["volume"] or None,
                issue=row["issue"] or None,
                pages=row["pages"] or None,
                languages=[x for x in row["languages"].split("; ") if x],
                publication_types=[x for x in row["publication_types"].split("; ") if x],
            )))
    return items, groups
