"""Bad input gets a clear error naming what is wrong and where, and the store is left untouched."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from trawl.query.diagnostics import TrawlError
from trawl.sources.imports import Query, import_file, read_export
from trawl.store import Store

EXPORTS = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "exports"
Q = Query("peer support", "given")


@pytest.fixture
def store(tmp_path) -> Store:
    with Store.create(tmp_path / "store.sqlite") as s:
        yield s


def refused(store: Store, path: Path, code: str, **kw) -> str:
    """Import must fail with ``code`` and leave no run, record or payload behind."""
    before = store.head()
    with pytest.raises(TrawlError) as err:
        import_file(store, path, source="cinahl", searched="2021-01-04", query=Q, **kw)
    assert err.value.diagnostic.code == code, str(err.value)
    assert store.runs() == [] and list(store.records()) == []
    assert store.head() == before  # not even an event
    return str(err.value)


def cut(src: Path, dst: Path, fraction: float) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst


@pytest.mark.parametrize("name", [
    "ebsco/ebsco_psycinfo_64.ris",
    "wos/wosfile_wos_plaintext.txt",
    "pubmed/srdedupe_mini_pubmed.nbib",
    "scopus/_baseline_scopus.csv",
    "zotero/asysd_zotero_export_endnotexml.xml",
    "wos/pybibx_wos_m.bib",
])
def test_truncated_file_names_the_record_and_stores_nothing(name, store, tmp_path):
    path = cut(EXPORTS / name, tmp_path / Path(name).name, 0.6)
    message = refused(store, path, "IMPORT004")
    assert "record " in message and path.name in message


def test_truncated_ris_names_the_last_record_and_its_line(store, tmp_path):
    path = cut(EXPORTS / "ebsco/ebsco_psycinfo_64.ris", tmp_path / "psycinfo.ris", 0.5)
    complete = path.read_bytes().count(b"\nER  -")
    message = refused(store, path, "IMPORT004")
    assert f"record {complete + 1} (line " in message


def test_binary_file(store, tmp_path):
    path = tmp_path / "export.ris"
    path.write_bytes(bytes(range(256)) * 64)
    assert "binary" in refused(store, path, "IMPORT007")


def test_spreadsheet_is_refused_with_advice(store):
    assert "save the sheet as CSV" in refused(store, EXPORTS / "embase/_baseline_embase.xlsx",
                                              "IMPORT007")


def test_content_contradicting_format(store):
    message = refused(store, EXPORTS / "scopus/asysd_scopus.ris", "IMPORT002", fmt="medline")
    assert "looks like RIS" in message


def test_unknown_format_name(store):
    refused(store, EXPORTS / "scopus/asysd_scopus.ris", "IMPORT001", fmt="marc21")


@pytest.mark.parametrize("content", [b"", b"\n\n  \r\n", b"\xef\xbb\xbf"])
def test_empty_file(store, tmp_path, content):
    path = tmp_path / "empty.ris"
    path.write_bytes(content)
    refused(store, path, "IMPORT006")


def test_ris_without_records_is_empty(store, tmp_path):
    path = tmp_path / "preamble-only.ris"
    path.write_text("Provider: Cochrane\nContent: text/plain\nTY  - JOUR\n", encoding="utf-8")
    refused(store, path, "IMPORT004")  # a TY that never ends is a cut file


def test_500_mb_of_garbage_is_refused_from_its_head(store, tmp_path):
    """A sparse 500 MB file: 1 MB of printable garbage, then a hole. Only the head is read."""
    path = tmp_path / "garbage.txt"
    rng = __import__("random").Random(6)
    line = "".join(rng.choice("abcdefghij klmnop,;.") for _ in range(1000)) + "\n"
    with path.open("wb") as fh:
        fh.write((line * 1000).encode())
        fh.truncate(500 * 1024 * 1024)
    assert os.path.getsize(path) == 500 * 1024 * 1024
    tracemalloc.start()
    try:
        message = refused(store, path, "IMPORT001")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"read {peak} bytes into memory: more than the head"
    assert "garbage.txt" in message


def test_500_mb_of_binary_garbage_is_refused_from_its_head(store, tmp_path):
    path = tmp_path / "garbage.bin"
    with path.open("wb") as fh:
        fh.write(os.urandom(1 << 20))
        fh.truncate(500 * 1024 * 1024)
    tracemalloc.start()
    try:
        refused(store, path, "IMPORT007")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xml><records><record><titles><title>&lol9;</title></titles></record></records></xml>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<xml><records><record><titles><title>&x;</title></titles></record></records></xml>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_xml_entity_attacks_are_refused(store, tmp_path, text):
    path = tmp_path / "library.xml"
    path.write_text(text, encoding="utf-8")
    assert "refused" in refused(store, path, "IMPORT008")


def test_bad_field_halfway_names_record_and_field_and_stores_nothing(store, tmp_path):
    good = (
        "TY  - JOUR\nTI  - First\nAU  - Smith, J.\nPY  - 2020\nDB  - Scopus\nC2  - 12345\nER  - \n\n"
    )
    bad = "TY  - JOUR\nTI  - Second\nPY  - 2021\nDB  - Scopus\nC2  - 12x45\nER  - \n\n"
    path = tmp_path / "scopus.ris"
    path.write_text(good + bad + good.replace("First", "Third"), encoding="utf-8")
    message = refused(store, path, "IMPORT003")
    assert "record 2 (line 9)" in message and "'C2'" in message and "12x45" in message


def test_a_write_that_fails_halfway_rolls_back_the_run(store, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "finish_run", broken)
    with pytest.raises(RuntimeError):
        import_file(store, EXPORTS / "scopus/asysd_scopus.ris", source="scopus",
                    searched="2021-01-04", query=Q)
    assert store.runs() == [] and list(store.records()) == []
    assert store.verify().ok


def test_same_file_twice_is_refused_unless_again(store):
    path = EXPORTS / "ebsco/_baseline_cinahl.ris"
    first = import_file(store, path, source="cinahl", searched="2021-01-04", query=Q)
    with pytest.raises(TrawlError) as err:
        import_file(store, path, source="cinahl", searched="2021-01-05", query=Q)
    assert err.value.diagnostic.code == "IMPORT009"
    assert f"run {first.run.id}" in str(err.value)
    again = import_file(store, path, source="cinahl", searched="2021-01-05", query=Q, again=True)
    assert (again.new, again.known) == (0, first.records)
    # the same file for another source is a different import
    other = import_file(store, path, source="academic-search-elite", searched="2021-01-04",
                        query=Q)
    assert other.new == first.records
    assert store.verify().ok


@pytest.mark.parametrize("searched", ["04/01/2021", "2021-13-01", "2999-01-01"])
def test_bad_search_date(store, searched):
    with pytest.raises(TrawlError) as err:
        import_file(store, EXPORTS / "scopus/asysd_scopus.ris", source="scopus",
                    searched=searched, query=Q)
    assert err.value.diagnostic.code == "IMPORT013"
    assert store.runs() == []


def test_cp1252_file_is_read_and_the_fallback_reported(tmp_path):
    path = tmp_path / "old.ris"
    path.write_bytes("TY  - JOUR\nTI  - Café société\nAU  - Müller, K.\nER  - \n".encode("cp1252"))
    parsed = read_export(path, source="cinahl")
    assert parsed.records[0].title == "Café société"
    assert parsed.records[0].authors[0].family == "Müller"
    assert [d.code for d in parsed.diagnostics] == ["IMPORT005"]


def test_utf16_without_bom_is_recognised(tmp_path):
    path = tmp_path / "wos.txt"
    text = (EXPORTS / "wos/wosfile_wos_tab_delimited_win_utf16.txt").read_bytes().decode("utf-16")
    path.write_bytes(text.encode("utf-16-le"))
    assert len(read_export(path, source="wos").records) == 50
