"""Field by field, one sampled record per producer, against values read off the raw files.

Each row names a record by its number in the file (mostly the last, so record splitting is tested
too) and gives what a person sees in the file: title start, first author's family name, year, and
the DOI and/or the producer's record ID.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from trawl.sources.imports import read_export

EXPORTS = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "exports"

# file, record number, title starts, first author family, year, doi, accession, pmid
SAMPLES = [
    # EBSCOhost classic RIS: T1, AU, Y1 yyyy/mm/dd/, DOI in L3, AN only inside N1/UR
    ("ebsco/_baseline_cinahl.ris", 9, "Comparative cranial osteology of subadult eucentrosauran",
     "WILSON", 2021, "10.4202/app.00797.2020", "155013988", None),
    # EBSCOhost APA PsycInfo: AN tag, a thesis
    ("ebsco/ebsco_psycinfo_64.ris", 64, "Psychological addiction to television", "Horvath", 2000,
     None, "2000-95017-038", None),
    # Ovid RIS: stray "2. " preamble, DOI as a dx.doi.org URL, ID accession
    ("ovid/_baseline_psychInfo_ovid.ris", 10, "Presidential address National Academy", "Meyers",
     2019, "10.1093/arclin/acy039", "2020-30720-001", None),
    # Ovid tagged (.ovd): <n. > headers, UI accession
    ("ovid/Embase_citavi_r3001-3002.ovd", 2, "Development of a bioinformatics analysis method",
     "Dyskinesia", 2018, "10.1186/s12919-018-0099-8", "621381823", None),
    # Scopus RIS (2022 tag order): EID only inside UR
    ("scopus/20221207_gambling-harms_scopus_255.ris", 255, "Harm Reduction for the Prevention",
     "Dickson", 2004, "10.1177/0743558403258272", "2-s2.0-1142290627", None),
    # Scopus CSV, new generation (Author full names)
    ("scopus/_baseline_scopus.csv", 10, "The evolution of femoral morphology in giant non-avian",
     "Pintore", 2024, "10.1017/pab.2024.6", "2-s2.0-85191998754", None),
    # Scopus CSV, old generation: a row with extra "Funding Text" cells still lines up
    ("scopus/litstudy_scopus.csv", 6, None, None, None, None, None, "33839306"),
    ("scopus/litstudy_scopus.csv", 58, "Proceedings - 1999 International Conference", None, 1999,
     None, "2-s2.0-85040521543", None),
    # Web of Science RIS (bare CRs between tags)
    ("wos/citesource_WoS_79.ris", 79, "Two Nice Girls", "Hawthorne", 2017,
     "10.1080/14787318.2017.1285132", "WOS:000396717900005", None),
    # Web of Science tab-delimited, UTF-16LE, and the same record in plain text
    ("wos/wosfile_wos_tab_delimited_win_utf16.txt", 50, "Engineering research in ocean sector",
     "Dastidar", 2005, "10.1007/s11192-005-0268-1", "WOS:000231798300005", None),
    ("wos/wosfile_wos_plaintext.txt", 50, "Engineering research in ocean sector", "Dastidar", 2005,
     "10.1007/s11192-005-0268-1", "WOS:000231798300005", None),
    # Embase.com RIS: U2 L-number, C5 PMID (C2 here is a device maker, not a PMID)
    ("embase/telemonitoring_embase_28.ris", 28, "Design and Usability Assessment of a Multi-Device",
     "MacIs", 2020, "10.1109/jbhi.2019.2894552", "L630526197", "30794191"),
    # Embase.com CSV: preamble, PUI column
    ("embase/_baseline_embase.csv", 10, "Description of a new specimen of Haplocanthosaurus",
     "Boisvert", 2024, "10.1002/ar.25520", "L2030246463", "38887924"),
    ("embase/_baseline_embase_excel_semicolon.csv", 10, "Description of a new specimen",
     "Boisvert", 2024, "10.1002/ar.25520", "L2030246463", "38887924"),
    # Publish or Perish (Google Scholar): "W Tobler", cluster ID from CitesURL
    ("google_scholar/pop_gs_tobler_PoPCites.csv", 1, "Three presentations on geographical",
     "Tobler", 1993, None, "gs-cluster:9325369329110424213", None),
    # Google Scholar "My library" RIS: T1/A1/Y1 only
    ("google_scholar/_baseline_googlescholar.ris", 10, "A review of the Mongolian cretaceous",
     "Norell", 2009, None, None, None),
    # Zotero RIS of WoS records
    ("zotero/asysd_zotero_export.ris", 1, "Microangiography of the humeral condyle", "Larsen", 1999,
     None, "WOS:000082252000006", None),
    # EndNote RIS and EndNote XML (<style> wrappers; accession-num is a PMID from NLM)
    ("endnote/_baseline_endnote.ris", 10, "Cellular structure of dinosaur scales", "Yang", 2024,
     "10.1038/s41467-024-48400-3", None, None),
    ("endnote/reflib_SpiderCite_demo.xml", 10, "Blue light phototherapy in the treatment of acne",
     "Tzung", 2004, "10.1111/j.1600-0781.2004.00109.x", "15379878", "15379878"),
    # Mendeley EndNote XML (ref-type number 0) and Mendeley RIS
    ("mendeley/asysd_mendeley_export_endnotexml.xml", 1233, "Heart disease as a cause of death",
     "Egenvall", 2006, "10.1892/0891-6640(2006)20[894:hdaaco]2.0.co;2", "16955814", None),
    ("mendeley/_baseline_mendeley.ris", 10, "Erratum: Author Correction: A remarkable assemblage",
     "Troiano", 2024, "10.1038/s41598-024-65283-y", None, None),
    # PubMed .nbib: FAU full name, DOI from LID/AID [doi]
    ("pubmed/srdedupe_mini_pubmed.nbib", 133, "Video feedback with peer ratings", "Chen", 2010,
     "10.1016/j.jbtep.2009.08.005", "19729149", "19729149"),
    # Cochrane CENTRAL (RefMan flavour: "A1  -  " two spaces after the dash)
    ("cochrane/_baseline_cochrane_refman.ris", 3, "The Incredible Years Parenting and Child",
     "Arruabarrena", 2022, "10.5093/pi2022a2", "CN-02575572", None),
    # Web of Science BibTeX ("{ WOS:…" keys, Unique-ID, indented continuation lines)
    ("wos/pybibx_wos_m.bib", 29, "Logarithmic least squares prioritization and completion",
     "Wang", 2014, "10.1016/j.ins.2014.08.009", "WOS:000343341500005", None),
    # Dimensions: AN pub.…
    ("dimensions/citesource_Dimensions_246.ris", 246, "International Entrepreneurship and the",
     "Correia", 2021, "10.18226/21789061.v13i4p09", "pub.1144836952", None),
]


@functools.cache
def _records(name: str):
    return read_export(EXPORTS / name, source="s").records


@pytest.mark.parametrize("name, number, title, family, year, doi, accession, pmid", SAMPLES)
def test_sampled_record(name, number, title, family, year, doi, accession, pmid):
    record = _records(name)[number - 1]
    if title is not None:
        assert record.title and record.title.startswith(title)
    if family is not None:
        assert record.authors and record.authors[0].family == family
    if year is not None:
        assert record.year == year
    if doi is not None:
        assert record.doi == doi
    if accession is not None:
        assert record.accession == accession
    if pmid is not None:
        assert record.pmid == pmid
    assert record.source == "s"


def test_ebsco_copyright_notice_is_not_the_abstract():
    for record in read_export(EXPORTS / "ebsco/_baseline_cinahl.ris", source="s").records:
        assert record.abstract and not record.abstract.startswith("Copyright of")


def test_endnote_ris_keywords_on_untagged_lines_are_separate_keywords():
    # record 2 of the file: "KW  - Access" then "Cancer", "Comparative effectiveness" ... untagged
    record = read_export(EXPORTS / "endnote/asysd_endnote_ris_export.txt", "s").records[1]
    assert record.keywords[:3] == ["Access", "Cancer", "Comparative effectiveness"]


def test_rayyan_glued_tags_are_split_and_reported():
    parsed = read_export(EXPORTS / "sr_tools/_baseline_rayyan.ris", source="s")
    assert parsed.records[0].doi == "10.1038/s41467-024-48400-3"
    assert [d.code for d in parsed.diagnostics] == ["IMPORT010"]


def test_publish_or_perish_says_its_data_is_lossy():
    parsed = read_export(EXPORTS / "google_scholar/pop_gs_tobler_PoPCites.csv", source="s")
    assert any(d.code == "IMPORT015" for d in parsed.diagnostics)


def test_ovid_embase_headings_are_emtree_with_major_topics():
    record = read_export(EXPORTS / "ovid/Embase_citavi_r3001-3002.ovd", "embase").records[0]
    majors = {h.label for h in record.headings if h.major}
    assert "Kartagener syndrome" in majors and "quality of life" in majors
    assert {h.vocabulary for h in record.headings} == {"emtree"}


def test_ovid_endnote_variant_joins_paragraphs_like_the_citavi_variant():
    cgi = read_export(EXPORTS / "ovid/Embase_endnote_r3001-3002.cgi", "embase").records
    ovd = read_export(EXPORTS / "ovid/Embase_citavi_r3001-3002.ovd", "embase").records
    assert [r.accession for r in cgi] == [r.accession for r in ovd]
    assert [" ".join(r.abstract.split()) for r in cgi] == [" ".join(r.abstract.split()) for r in ovd]


def test_springer_run_together_authors_are_left_out_with_a_warning():
    parsed = read_export(EXPORTS / "springer/litstudy_springer.csv", source="s")
    assert all(r.authors == [] for r in parsed.records)
    assert [d.code for d in parsed.diagnostics] == ["IMPORT016"]
