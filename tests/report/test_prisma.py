"""PRISMA 2020 counts come from the store alone and add up; CSV and SVG carry the same numbers."""

import csv
import io

from defusedxml import ElementTree

from trawl.dedup.persist import run_dedup
from trawl.report import prisma
from trawl.store import Author, Record, Store

TITLE = "Peer support workers in community mental health services: a scoping review"


def _store(tmp_path):
    store = Store.create(tmp_path / "store.sqlite")
    batches = {
        "pubmed": [Record(source="pubmed", accession="1", pmid="1", doi="10.1000/a.1", title=TITLE,
                          year=2020, authors=[Author(family="Lee")], languages=["eng"]),
                   Record(source="pubmed", accession="2", pmid="2", title="Editorial on peer work",
                          year=2021, publication_types=["Editorial"])],
        "scopus": [Record(source="scopus", accession="s1", doi="10.1000/A.1", title=TITLE, year=2020),
                   Record(source="scopus", accession="s2", title="Recovery in Norway", year=2019,
                          languages=["Norwegian"], publication_types=["Editorial"])],
        "cinahl": [Record(source="cinahl", accession="c1", title=TITLE, year=2020,
                          authors=[Author(family="Lee")]),
                   Record(source="cinahl", accession="c2", title="Something else entirely", year=2018)],
    }
    for source, records in batches.items():
        run = store.start_run(kind="import", source=source, params={})
        store.add_page(run.id, payload=source.encode(), media_type="text/plain", records=records)
        store.finish_run(run.id, status="complete", reported_total=len(records) + 1)
    return store


def test_counts_add_up_from_the_store_alone(tmp_path):
    store = _store(tmp_path)
    before = prisma.counts(store)
    assert before["dedup"] is None and before["records_screened"] == 6
    run_dedup(store, tmp_path / "none.toml", languages=["english"])
    store.close()

    with Store.open(tmp_path / "store.sqlite") as reopened:
        c = prisma.counts(reopened, labels={"cinahl": "Cinahl"})
    assert [(d["label"], d["records"], d["reported_total"]) for d in c["databases"]] == [
        ("Cinahl", 2, 3), ("PubMed", 2, 3), ("Scopus", 2, 3)]
    assert c["records_identified"] == 6
    assert c["duplicates_removed"] == 2
    # The Norwegian editorial counts once (under language, the protocol's first rule) ...
    assert c["automation_by_rule"] == {"language": 1, "editorial": 1, "report": 0, "opinion": 0,
                                       "conference": 0}
    # ... but both rules it falls under are reported.
    assert c["automation_rule_hits"]["editorial"] == 2
    assert c["automation_marked"] == 2
    assert c["records_screened"] == 2
    assert c["records_identified"] == (c["duplicates_removed"] + c["automation_marked"]
                                       + c["records_removed_other"] + c["records_screened"])


def test_csv_is_the_prisma2020_template(tmp_path):
    store = _store(tmp_path)
    run_dedup(store, tmp_path / "none.toml")
    rows = list(csv.DictReader(io.StringIO(prisma.to_csv(prisma.counts(store)))))
    assert list(rows[0]) == ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]
    n = {r["data"]: r["n"] for r in rows if r["data"] != "NA"}
    assert n["database_results"] == "6"
    assert n["database_specific_results"] == "CINAHL, 2; PubMed, 2; Scopus, 2"
    assert n["duplicates"] == "2" and n["excluded_automatic"] == "2" and n["records_screened"] == "2"
    assert n["records_excluded"] == ""  # a later stage: for the review team


def test_svg_is_self_contained_and_shows_the_numbers(tmp_path):
    store = _store(tmp_path)
    run_dedup(store, tmp_path / "none.toml")
    svg = prisma.flow_svg(prisma.counts(store))
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "Records identified from databases (n = 6)" in text
    assert "Duplicate records removed (n = 2)" in text
    assert "Records screened (n = 2)" in text
    assert "href" not in svg and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
