"""How a Record becomes rows: the plain columns and child tables any SQLite tool can query.

The whole record is kept as canonical JSON in ``records.data`` (hashed, returned by
``Store.records``); everything here is derived from it, and ``trawl audit verify`` re-derives it
to catch an edit to one copy but not the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trawl.store.canonical import canonical_json
from trawl.store.record import Record

COLUMNS = (
    "accession", "doi", "pmid", "pmcid", "title", "year", "published", "journal",
    "volume", "issue", "pages", "url", "first_author", "issn", "languages", "publication_types",
    "keywords",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RecordRows:
    columns: dict[str, Any]
    authors: list[tuple[int, str, str | None]]  # (position, family, given)
    identifiers: list[tuple[str, str]]  # (scheme, value), sorted, unique
    headings: list[tuple[int, str, str, int]]  # (position, vocabulary, label, major)


def record_data(record: Record) -> str:
    """The canonical JSON text stored in ``records.data``: fields left at their defaults (None,
    empty lists) are omitted, which reads the same back and keeps the store small."""
    return canonical_json(record.model_dump(mode="json", exclude_defaults=True))


def derive(record: Record) -> RecordRows:
    columns = {
        "accession": record.accession,
        "doi": record.doi,
        "pmid": record.pmid,
        "pmcid": record.pmcid,
        "title": record.title,
        "year": record.year,
        "published": record.published.isoformat() if record.published else None,
        "journal": record.journal,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "url": record.url,
        "first_author": record.authors[0].family if record.authors else None,
        "issn": canonical_json(record.issn),
        "languages": canonical_json(record.languages),
        "publication_types": canonical_json(record.publication_types),
        "keywords": canonical_json(record.keywords),
    }
    ids = {(k, v) for k, v in record.other_ids.items() if v}
    for scheme in ("accession", "doi", "pmid", "pmcid"):
        value = getattr(record, scheme)
        if value:
            ids.add((scheme, value))
    return RecordRows(
        columns=columns,
        authors=[(i, a.family, a.given) for i, a in enumerate(record.authors, 1)],
        identifiers=sorted(ids),
        headings=[
            (i, h.vocabulary, h.label, int(h.major)) for i, h in enumerate(record.headings, 1)
        ],
    )
