"""Exports for EndNote and Rayyan: spec-clean RIS, Rayyan's CSV columns, every source traceable."""

import csv
import io

import rispy

from trawl.dedup.merge import merge
from trawl.dedup.rules import Mark
from trawl.report.export import RAYYAN_COLUMNS, to_csv, to_ris
from trawl.store import Author, Record


def _cluster():
    pubmed = Record(source="pubmed", accession="31111111", pmid="31111111", doi="10.1000/j.1",
                    title="Peer support workers:\na review", year=2020, pages="100-110",
                    authors=[Author(family="Aasen", given="Kari")], journal="Journal of Mental Health",
                    abstract="Line one.\n\nLine two.", keywords=["peer support", "co-production"],
                    languages=["eng"], publication_types=["Journal Article"])
    embase = Record(source="embase", accession="L2005000001", doi="10.1000/j.1",
                    title="Peer support workers: a review", year=2020,
                    other_ids={"pui": "L2005000001", "embase_pmid": "31111111"})
    scholar = Record(source="google-scholar", title="Peer support workers: a rev…", year=2020)
    return merge([(1, pubmed), (7, embase), (9, scholar)])


def test_ris_is_spec_clean_and_traceable():
    m = _cluster()
    text = to_ris([m], {1: [Mark(1, "language", "language stated as german")]})
    assert text.startswith("TY  - JOUR\r\n") and text.rstrip().endswith("ER  -")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only, no value breaks a line
    assert not text.startswith("\ufeff")
    entry = rispy.loads(text.replace("\r\n", "\n"))[0]
    assert entry["title"] == "Peer support workers: a review"
    assert entry["authors"] == ["Aasen, Kari"]
    assert entry["start_page"] == "100" and entry["end_page"] == "110"
    assert entry["accession_number"] == "trawl-1"
    assert entry["name_of_database"] == "PubMed; Embase; Google Scholar"
    notes = entry["notes"]
    assert "Found in PubMed: accession 31111111; PMID 31111111; DOI 10.1000/j.1; trawl record 1" in notes
    assert any(n.startswith("Found in Embase: accession L2005000001") and "pui L2005000001" in n for n in notes)
    assert "Found in Google Scholar: trawl record 9" in notes
    assert "trawl pre-screening mark: language (language stated as german)" in notes
    assert entry["abstract"] == "Line one. Line two."


def test_csv_uses_rayyans_columns_and_keeps_the_trace():
    rows = list(csv.DictReader(io.StringIO(to_csv([_cluster()], labels={"embase": "Embase.com"}))))
    assert list(rows[0])[: len(RAYYAN_COLUMNS)] == list(RAYYAN_COLUMNS)
    row = rows[0]
    assert row["key"] == "trawl-1" and row["pubmed_id"] == "31111111"
    assert row["authors"] == "Aasen, Kari"
    assert row["databases"] == "PubMed; Embase.com; Google Scholar"
    assert "Embase.com: accession L2005000001" in row["notes"]
    assert row["trawl_records"] == "1 7 9"
