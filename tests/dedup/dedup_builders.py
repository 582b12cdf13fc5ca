"""Small builders for dedup tests: records and a store holding them, as importers would leave it."""

from __future__ import annotations

from pathlib import Path

from trawl.store import Author, Record, Store


def rec(source: str, accession: str | None = None, **fields) -> Record:
    authors = fields.pop("authors", [])
    fields["authors"] = [
        a if isinstance(a, Author) else Author(family=a[0], given=a[1]) if isinstance(a, tuple)
        else Author(family=a)
        for a in authors
    ]
    return Record(source=source, accession=accession, **fields)


def store_with(path: Path, batches: dict[str, list[Record]]) -> Store:
    """A store with one import run per source, records in the given order."""
    store = Store.create(path / "store.sqlite")
    for source, records in batches.items():
        run = store.start_run(kind="import", source=source, params={"file": f"{source}.ris"})
        payload = "\n".join(r.model_dump_json() for r in records).encode()
        store.add_page(run.id, payload=payload, media_type="application/x-test", records=records)
        store.finish_run(run.id, status="complete", reported_total=len(records))
    return store


TITLE = "Peer support workers in community mental health services: a scoping review of co-production"


def three_databases() -> dict[str, list[Record]]:
    """One work found in PubMed, Scopus and Web of Science, plus unrelated records."""
    return {
        "pubmed": [
            rec("pubmed", "31111111", pmid="31111111", doi="10.1000/jmh.2020.001", title=TITLE,
                authors=[("Aasen", "Kari B"), ("Nilsen", "Ole")], year=2020,
                journal="Journal of Mental Health", volume="29", pages="100-110",
                languages=["eng"], publication_types=["Journal Article", "Review"]),
            rec("pubmed", "32222222", pmid="32222222", title="Editorial: peer work comes of age",
                authors=[("Berg", "Anne")], year=2021, publication_types=["Editorial"],
                languages=["eng"]),
        ],
        "scopus": [
            rec("scopus", "2-s2.0-85000000001", doi="https://doi.org/10.1000/JMH.2020.001",
                title=TITLE.upper(), authors=[("Aasen", "K.B."), ("Nilsen", "O.")], year=2020,
                journal="J. Ment. Health", volume="29", pages="100-10",
                publication_types=["Review"]),
            rec("scopus", "2-s2.0-85000000002",
                title="Brukermedvirkning i psykisk helsevern: en kvalitativ studie",
                authors=[("Hansen", "Per")], year=2019, languages=["Norwegian"]),
        ],
        "wos": [
            rec("wos", "WOS:000500000000001", title=TITLE, authors=[("AASEN, KB")], year=2020,
                journal="JOURNAL OF MENTAL HEALTH", volume="29", pages="100-110"),
            rec("wos", "WOS:000500000000002",
                title="Recovery colleges and service user involvement: a realist evaluation",
                authors=[("Smith", "J")], year=2018, journal="BMC Psychiatry", doi="10.1186/x-1"),
        ],
    }
