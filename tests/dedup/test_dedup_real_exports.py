"""Real exports of one search from PubMed, Scopus and Embase.com, imported and deduplicated."""

import rispy

from trawl.dedup.overrides import FILE_NAME
from trawl.dedup.persist import run_dedup
from trawl.report import prisma
from trawl.report.export import write_export
from trawl.sources.imports import Query, import_file
from trawl.store import Store

FILES = [
    ("pubmed/telemonitoring_pubmed_7.nbib", "pubmed"),
    ("scopus/telemonitoring_scopus_36.ris", "scopus"),
    ("embase/telemonitoring_embase_13.ris", "embase"),
    ("embase/telemonitoring_embase_28.ris", "embase"),
]


def test_real_exports_one_work_three_databases(shared, tmp_path):
    with Store.create(tmp_path / "store.sqlite") as store:
        for name, source in FILES:
            import_file(store, shared / "fixtures" / "exports" / name, source=source,
                        searched="2024-09-30", query=Query("telemonitoring", "given"))
        outcome = run_dedup(store, tmp_path / FILE_NAME, languages=["english"])
        assert outcome.result.stats["records"] == 83
        # Hand-checked: 10 works appear in more than one export (5 in all three databases).
        multi = [c for c in outcome.result.clusters if len(c) > 1]
        assert len(multi) == 10 and sum(len(c) == 3 for c in multi) == 5
        written = write_export(store, tmp_path / "all.ris", fmt="ris", marked="include")
        counts = prisma.counts(store)
    entries = rispy.loads((tmp_path / "all.ris").read_text(encoding="utf-8"))
    assert written.count == len(entries) == 83 - 15
    work = [e for e in entries if e.get("doi") == "10.3390/diagnostics11040607"]
    assert len(work) == 1
    assert work[0]["name_of_database"] == "PubMed; Embase; Scopus"
    notes = " ".join(work[0]["notes"])
    assert "PubMed: accession 33805471; PMID 33805471" in notes
    assert "Scopus:" in notes and "Embase: accession L" in notes
    assert counts["duplicates_removed"] == 15
    assert counts["records_identified"] == 83
