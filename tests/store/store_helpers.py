"""Helpers for the store tests: records to put in a store.

(Not a conftest.py: other test packages import the root conftest as ``conftest``, and a second
one here would shadow it.)
"""

from __future__ import annotations

from trawl.store import Record


def make_record(n: int, source: str = "scopus", **extra) -> Record:
    fields = {
        "source": source,
        "accession": f"2-s2.0-{n:011d}",
        "doi": f"10.1234/trawl.{n}",
        "title": f"Peer support work number {n}",
        "authors": [{"family": "Nyström", "given": "Å."}, {"family": "Smith", "given": "J"}],
        "year": 2020,
        "headings": [{"vocabulary": "mesh", "label": "Peer Group", "major": True}],
        "keywords": ["co-production"],
        "other_ids": {"eid": f"2-s2.0-{n:011d}"},
    }
    fields.update(extra)
    return Record.build(f"test record {n}", **fields)
