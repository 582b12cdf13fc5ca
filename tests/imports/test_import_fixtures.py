"""Every real export in ../shared/fixtures/exports, imported into a store and counted.

The expected counts come from PROVENANCE.md (each line says where); where trawl answers with an
error instead, the entry is the diagnostic code and the comment says why. A new fixture without an
entry here fails the test, so the table cannot silently fall behind the folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trawl.query.diagnostics import TrawlError
from trawl.sources.imports import Query, import_file
from trawl.sources.imports.base import (
    BINARY_FILE,
    NOT_A_RECORD_EXPORT,
    TRUNCATED,
    UNKNOWN_FORMAT,
)
from trawl.store import Store

EXPORTS = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "exports"

EXPECTED: dict[str, int | str] = {
    "cochrane/_baseline_cochrane.csv": 3,  # PROVENANCE.md line 116: 3 (delimited)
    "cochrane/_baseline_cochrane_endnote.ris": 3,  # PROVENANCE.md line 113: 3 (RIS)
    "cochrane/_baseline_cochrane_procite.ris": 3,  # PROVENANCE.md line 115: 3 (RIS)
    "cochrane/_baseline_cochrane_refman.ris": 3,  # PROVENANCE.md line 114: 3 (RIS)
    "dimensions/citesource_Dimensions_246.ris": 246,  # PROVENANCE.md line 153: 246 (RIS)
    "ebsco/20221207_gambling-harms_crimjust_41.ris": 41,  # PROVENANCE.md line 19: 41 (RIS)
    "ebsco/_baseline_cinahl.csv": 10,  # PROVENANCE.md line 17: 10 (delimited)
    "ebsco/_baseline_cinahl.ris": 9,  # PROVENANCE.md line 16: 9 (RIS)
    "ebsco/colrev_ebsco_bib.bib": TRUNCATED,  # PROVENANCE.md line 22: 2 (BibTeX); entry 2 (redacted by CoLRev) never closes its braces
    "ebsco/ebsco_psycinfo_64.ris": 64,  # PROVENANCE.md line 18: 64 (RIS)
    "ebsco/econlit_3.ris": 3,  # PROVENANCE.md line 21: 3 (RIS)
    "ebsco/envindex_100.ris": 100,  # PROVENANCE.md line 20: 100 (RIS)
    "embase/_baseline_embase.csv": 10,  # PROVENANCE.md line 40: 10 (delimited)
    "embase/_baseline_embase.ris": 10,  # PROVENANCE.md line 39: 10 (RIS)
    "embase/_baseline_embase.xlsx": BINARY_FILE,  # PROVENANCE.md line 42: 14 (xlsx rows); a workbook, refused: save it as CSV
    "embase/_baseline_embase_excel_semicolon.csv": 10,  # PROVENANCE.md line 41: 10 (delimited)
    "embase/telemonitoring_embase_13.ris": 13,  # PROVENANCE.md line 37: 13 (RIS)
    "embase/telemonitoring_embase_28.ris": 28,  # PROVENANCE.md line 38: 28 (RIS)
    "endnote/_baseline_endnote.ris": 10,  # PROVENANCE.md line 180: 10 (RIS)
    "endnote/asysd_endnote_ris_export.txt": 69,  # PROVENANCE.md line 179: 69 (RIS)
    "endnote/citesource_endnote_AGRIS.ris": 12,  # PROVENANCE.md line 186: 12 (RIS)
    "endnote/citesource_endnote_EconLit.ris": 50,  # PROVENANCE.md line 188: 50 (RIS)
    "endnote/citesource_endnote_GreenFile.ris": 139,  # PROVENANCE.md line 187: 139 (RIS)
    "endnote/colrev_enl_data.enw": 3,  # PROVENANCE.md line 185: 2 (%0 lines); the file has 3 records, the third without %0
    "endnote/reflib_Dump-Converted_test.xml": 25,  # PROVENANCE.md line 182: 25 (EndNote-XML)
    "endnote/reflib_SpiderCite_demo.xml": 10,  # PROVENANCE.md line 183: 10 (EndNote-XML)
    "endnote/reflib_bold.xml": 3,  # PROVENANCE.md line 181: 3 (EndNote-XML)
    "endnote/reflib_multipart.xml": 1,  # PROVENANCE.md line 184: 1 (EndNote-XML)
    "google_scholar/_baseline_googlescholar.csv": 10,  # PROVENANCE.md line 125: 10 (delimited)
    "google_scholar/_baseline_googlescholar.ris": 10,  # PROVENANCE.md line 124: 10 (RIS)
    "google_scholar/pop_gs_propithecus_PoPCites.csv": 980,  # PROVENANCE.md line 122: 980 (delimited)
    "google_scholar/pop_gs_tobler_PoPCites.csv": 829,  # PROVENANCE.md line 123: 829 (delimited)
    "google_scholar/srdedupe_mini_scholar.enw": 1,  # PROVENANCE.md line 126: 1 (EndNote)
    "ieee/litstudy_ieee.csv": 10,  # PROVENANCE.md line 166: 10 (delimited)
    "ieee/telemonitoring_ieee_41.ris": 41,  # PROVENANCE.md line 167: 41 (RIS)
    "lens/_baseline_lens.csv": 100,  # PROVENANCE.md line 147: 100 (delimited)
    "lens/bibliometrix_lens_sample.csv": 8,  # PROVENANCE.md line 146: 8 (delimited)
    "lens/citesource_lens_49.ris": 49,  # PROVENANCE.md line 145: 49 (RIS)
    "mendeley/_baseline_mendeley.ris": 10,  # PROVENANCE.md line 210: 10 (RIS)
    "mendeley/asysd_mendeley_export_endnotexml.xml": 1233,  # PROVENANCE.md line 209: 1233 (EndNote-XML)
    "openalex/_baseline_openalex.ris": 9,  # PROVENANCE.md line 160: 9 (RIS)
    "openalex/bibliometrix_openalex_sample.csv": 8,  # PROVENANCE.md line 159: 8 (delimited)
    "ovid/Embase_citavi_r3001-3002.ovd": 2,  # PROVENANCE.md line 28: 2 (Ovid)
    "ovid/Embase_endnote_r3001-3002.cgi": 2,  # PROVENANCE.md line 29: 2 (Ovid)
    "ovid/_baseline_eric_ovid.ris": 10,  # PROVENANCE.md line 31: 10 (RIS)
    "ovid/_baseline_psychInfo_ovid.ris": 10,  # PROVENANCE.md line 30: 10 (RIS)
    "proquest/colrev_abi_inform_proquest.ris": 2,  # PROVENANCE.md line 139: 2 (RIS)
    "proquest/metaknowledge_ProQuest_TestFile.txt": UNKNOWN_FORMAT,  # PROVENANCE.md line 138: 100 (ProQuest); plain-text report, not read: refused
    "psycnet/colrev_apa_psycnet_psycinfo.ris": 1,  # PROVENANCE.md line 132: 1 (RIS)
    "pubmed/_baseline_pubmed.csv": 10,  # PROVENANCE.md line 57: 10 (delimited)
    "pubmed/_baseline_pubmed_medline.txt": 50,  # PROVENANCE.md line 56: 50 (MEDLINE)
    "pubmed/biopython_pubmed_result1.txt": 1,  # PROVENANCE.md line 48: 1 (MEDLINE)
    "pubmed/biopython_pubmed_result2.txt": 4,  # PROVENANCE.md line 49: 4 (MEDLINE)
    "pubmed/biopython_pubmed_result3.txt": 1,  # PROVENANCE.md line 50: 1 (MEDLINE)
    "pubmed/colrev_pubmed-chatbot.csv": 6,  # PROVENANCE.md line 58: 6 (delimited)
    "pubmed/metaknowledge_medline_test.medline": TRUNCATED,  # PROVENANCE.md line 51: 175 (PMID- lines); record 175 stops mid-title without its SO line: the file is cut
    "pubmed/pybibx_mcda_pubmed.txt": 10,  # PROVENANCE.md line 54: 10 (MEDLINE)
    "pubmed/reflib_cancer.nbib": 20,  # PROVENANCE.md line 53: 20 (MEDLINE)
    "pubmed/revtools_restoration_pubmed.nbib": 104,  # PROVENANCE.md line 52: 104 (MEDLINE)
    "pubmed/srdedupe_mini_pubmed.nbib": 133,  # PROVENANCE.md line 59: 133 (MEDLINE)
    "pubmed/telemonitoring_pubmed_7.nbib": 7,  # PROVENANCE.md line 55: 7 (MEDLINE)
    "scopus/20221207_gambling-harms_scopus_255.ris": 255,  # PROVENANCE.md line 66: 255 (RIS)
    "scopus/_baseline_scopus.csv": 10,  # PROVENANCE.md line 71: 10 (delimited)
    "scopus/_baseline_scopus.ris": 10,  # PROVENANCE.md line 70: 10 (RIS)
    "scopus/asysd_scopus.ris": 10,  # PROVENANCE.md line 65: 10 (RIS)
    "scopus/bibliometrix_scopus_sample.csv": 8,  # PROVENANCE.md line 75: 8 (delimited)
    "scopus/bibliotobler_scopus.csv": 81,  # PROVENANCE.md line 68: 81 (delimited)
    "scopus/bibliotobler_scopus.ris": 81,  # PROVENANCE.md line 67: 81 (RIS)
    "scopus/colrev_scopus_bib.bib": 11,  # PROVENANCE.md line 78: 11 (BibTeX)
    "scopus/litstudy_scopus.csv": 58,  # PROVENANCE.md line 74: 58 (delimited)
    "scopus/metaknowledge_scopus_testing.csv": 220,  # PROVENANCE.md line 76: 220 (delimited)
    "scopus/pybibx_scopus_m.bib": 24,  # PROVENANCE.md line 77: 24 (BibTeX)
    "scopus/revtools_restoration_scopus.ris": 286,  # PROVENANCE.md line 72: 286 (RIS)
    "scopus/synthesisr_scopus.ris": 92,  # PROVENANCE.md line 73: 92 (RIS)
    "scopus/telemonitoring_scopus_36.ris": 36,  # PROVENANCE.md line 69: 36 (RIS)
    "springer/litstudy_springer.csv": 18,  # PROVENANCE.md line 173: 18 (delimited)
    "sr_tools/_baseline_citavi.ris": 100,  # PROVENANCE.md line 222: 100 (RIS)
    "sr_tools/_baseline_covidence.csv": 10,  # PROVENANCE.md line 219: 10 (delimited)
    "sr_tools/_baseline_covidence_endnote.ris": 10,  # PROVENANCE.md line 218: 10 (RIS)
    "sr_tools/_baseline_eppireviewer.ris": 10,  # PROVENANCE.md line 220: 10 (RIS)
    "sr_tools/_baseline_rayyan.csv": 10,  # PROVENANCE.md line 217: 10 (delimited)
    "sr_tools/_baseline_rayyan.ris": 10,  # PROVENANCE.md line 216: 10 (RIS)
    "sr_tools/_baseline_refworks.ris": 10,  # PROVENANCE.md line 221: 10 (RIS)
    "wos/WoS_other_reference_software_r0001-0500.txt": 500,  # PROVENANCE.md line 88: 500 (WoS)
    "wos/WoS_other_reference_software_r4001-4012.txt": 12,  # PROVENANCE.md line 87: 12 (WoS)
    "wos/_baseline_webofscience.ris": 10,  # PROVENANCE.md line 100: 10 (RIS)
    "wos/asysd_wos_test.ris": 50,  # PROVENANCE.md line 97: 50 (RIS)
    "wos/bibliometrix_wos_sample.txt": 8,  # PROVENANCE.md line 96: 8 (WoS)
    "wos/bibliotobler_wos_citation_report.txt": NOT_A_RECORD_EXPORT,  # PROVENANCE.md line 103: 67 (table rows); a citation report, not records: refused
    "wos/bibliotobler_wos_savedrecs.ris": 81,  # PROVENANCE.md line 102: 81 (RIS)
    "wos/bibliotobler_wos_savedrecs_tabdelim.txt": 81,  # PROVENANCE.md line 101: 81 (delimited)
    "wos/citesource_WoS_79.ris": 79,  # PROVENANCE.md line 98: 79 (RIS)
    "wos/citesource_wos_278.ris": 278,  # PROVENANCE.md line 99: 278 (RIS)
    "wos/colrev_web_of_science_bib.bib": 2,  # PROVENANCE.md line 106: 2 (BibTeX)
    "wos/metaknowledge_savedrecs.txt": 32,  # PROVENANCE.md line 93: 32 (WoS)
    "wos/metaknowledge_testFile.isi": 34,  # PROVENANCE.md line 92: 34 (WoS)
    "wos/pybibx_wos_m.bib": 29,  # PROVENANCE.md line 104: 29 (BibTeX)
    "wos/refsplitr_BITR_test.txt": 10,  # PROVENANCE.md line 94: 10 (WoS)
    "wos/refsplitr_ISItop.txt": 2,  # PROVENANCE.md line 95: 2 (WoS)
    "wos/revtools_restoration_WoS.ciw": 247,  # PROVENANCE.md line 89: 247 (WoS)
    "wos/rispy_example_wos.ris": 2,  # PROVENANCE.md line 90: 2 (WoS)
    "wos/srdedupe_mini_wos.ciw": 5,  # PROVENANCE.md line 107: 5 (WoS)
    "wos/synthesisr_zoorec.txt": 134,  # PROVENANCE.md line 91: 134 (WoS)
    "wos/wos_savedrecs-PropithecusCoquereli.bib": 92,  # PROVENANCE.md line 105: 92 (BibTeX)
    "wos/wosfile_wos_plaintext.txt": 50,  # PROVENANCE.md line 84: 50 (WoS)
    "wos/wosfile_wos_tab_delimited_win_utf16.txt": 50,  # PROVENANCE.md line 85: 50 (delimited)
    "wos/wosfile_wos_tab_delimited_win_utf8.txt": 50,  # PROVENANCE.md line 86: 50 (delimited)
    "zotero/_baseline_zotero.csv": 10,  # PROVENANCE.md line 199: 10 (delimited)
    "zotero/_baseline_zotero.ris": 10,  # PROVENANCE.md line 198: 10 (RIS)
    "zotero/asysd_zotero_export.bib": 1000,  # PROVENANCE.md line 196: 1000 (BibTeX)
    "zotero/asysd_zotero_export.csv": 1233,  # PROVENANCE.md line 195: 1233 (delimited)
    "zotero/asysd_zotero_export.ris": 1000,  # PROVENANCE.md line 194: 1000 (RIS)
    "zotero/asysd_zotero_export_endnotexml.xml": 1233,  # PROVENANCE.md line 197: 1233 (EndNote-XML)
    "zotero/bibliotobler_Zotero_Tobler.csv": 330,  # PROVENANCE.md line 203: 330 (delimited)
    "zotero/zotero_from_ebsco_psycinfo_124.ris": 124,  # PROVENANCE.md line 200: 124 (RIS)
    "zotero/zotero_from_ovid_medline_84.ris": 84,  # PROVENANCE.md line 202: 84 (RIS)
    "zotero/zotero_from_pubmed_176.ris": 176,  # PROVENANCE.md line 201: 176 (RIS)
}


def _fixture_files() -> list[str]:
    return sorted(
        str(p.relative_to(EXPORTS)) for p in EXPORTS.rglob("*")
        if p.is_file() and p.name != "PROVENANCE.md"
    )


def test_every_fixture_has_an_expected_count():
    assert _fixture_files() == sorted(EXPECTED)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    with Store.create(tmp_path_factory.mktemp("fixtures") / "store.sqlite") as s:
        yield s


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_imports_with_provenance_count(name: str, store: Store):
    path = EXPORTS / name
    expected = EXPECTED[name]
    source = "fx-" + name.replace("/", "-")  # one source per file: counts are per file
    if isinstance(expected, str):
        with pytest.raises(TrawlError) as err:
            import_file(store, path, source=source, searched="2021-01-04",
                        query=Query("q", "given"))
        assert err.value.diagnostic.code == expected
        assert path.name in str(err.value)
        assert store.runs(source=source) == []  # nothing stored
        return
    result = import_file(store, path, source=source, searched="2021-01-04",
                         query=Query("q", "given"))
    assert result.records == expected
    assert result.new + result.known == expected
    assert result.run.status == "complete" and result.run.retrieved == expected
    # The whole file is kept verbatim, and every stored record links to it.
    assert store.payload(result.sha256) == Path(path).read_bytes()
    stored = list(store.records(source=source))
    assert len(stored) == result.new
    assert {s.payload_sha256 for s in stored} == {result.sha256}
    assert all(s.record.source == source and s.record.accession for s in stored)
