"""Fixtures for store tests: a fresh store, and records to put in it."""

from __future__ import annotations

import pytest

from trawl.store import Record, Store


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


@pytest.fixture(name="make_record")
def _make_record():
    return make_record


@pytest.fixture
def store(tmp_path):
    with Store.create(tmp_path / "store.sqlite") as s:
        yield s
