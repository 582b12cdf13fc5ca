"""Export the deduplicated set for EndNote and Rayyan, traceable back to every source.

Two formats, both checked against what the tools read (see ../shared/formats.md §9-10):

* **RIS** for EndNote's "Reference Manager (RIS)" filter and for Rayyan: spec-clean, UTF-8
  without a BOM, CRLF line ends, ``TY`` first and ``ER`` last, one ``AU`` per author, year in
  ``PY``, DOI in ``DO``, the trawl record key in ``AN`` and the databases in ``DB``.
* **CSV** with Rayyan's own column names (``key, title, authors, journal, …, notes, doi,
  pubmed_id``), authors joined with `` and `` as Rayyan writes them.

Each exported record is one cluster. Its notes list every database it was found in and what that
database called it (PMID, accession number, the record ID of an imported file, DOI, and the trawl
record id), so anyone can go from a Rayyan decision back to the database, outside trawl.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import rispy

from trawl.dedup.merge import MergedRecord
from trawl.dedup.rules import Mark

# How each source is named for a person; review.toml labels take precedence when known.
SOURCE_LABELS: dict[str, str] = {
    "pubmed": "PubMed",
    "ovid-medline": "MEDLINE (Ovid)",
    "medline": "MEDLINE",
    "ovid-embase": "Embase (Ovid)",
    "embase": "Embase",
    "ovid-psycinfo": "APA PsycInfo (Ovid)",
    "psycinfo": "APA PsycInfo",
    "scopus": "Scopus",
    "wos": "Web of Science",
    "cinahl": "CINAHL",
    "academic-search-elite": "Academic Search Elite",
    "google-scholar": "Google Scholar",
    "worldcat": "WorldCat",
    "primo": "Primo",
    "oria": "Oria",
    "openalex": "OpenAlex",
    "europepmc": "Europe PMC",
    "crossref": "Crossref",
    "semantic-scholar": "Semantic Scholar",
}

RAYYAN_COLUMNS = (
    "key",
    "title",
    "authors",
    "journal",
    "issn",
    "volume",
    "issue",
    "pages",
    "year",
    "month",
    "day",
    "publisher",
    "url",
    "language",
    "abstract",
    "notes",
    "doi",
    "keywords",
    "pubmed_id",
    "pmc_id",
)
# Extra columns after Rayyan's own (it ignores columns it does not know): the trace, as data.
TRACE_COLUMNS = ("databases", "database_ids", "trawl_records", "trawl_marks")

_TYPE_TO_RIS = (
    ("conference", "CONF"),
    ("proceedings", "CONF"),
    ("meeting abstract", "CONF"),
    ("book chapter", "CHAP"),
    ("chapter", "CHAP"),
    ("book", "BOOK"),
    ("dissertation", "THES"),
    ("thesis", "THES"),
    ("report", "RPRT"),
)


def label(source: str, labels: Mapping[str, str] | None = None) -> str:
    if labels and source in labels:
        return labels[source]
    return SOURCE_LABELS.get(source, source)


def record_key(m: MergedRecord) -> str:
    return f"trawl-{m.cluster_id}"


def trace(m: MergedRecord, labels: Mapping[str, str] | None = None) -> list[str]:
    """One line per source record: 'PubMed: PMID 123; DOI 10.…; trawl record 5'."""
    return [f"{label(x.source, labels)}: {'; '.join(x.identifiers())}" for x in m.members]


# RIS reference types as importers keep them (a source's own TY), most specific first.
_RIS_CODES = ("CONF", "CPAPER", "CHAP", "BOOK", "EBOOK", "THES", "RPRT", "JOUR", "EJOUR")


def _ris_type(m: MergedRecord) -> str:
    """The reference type: a source's own RIS code when one gave it, else from the type names."""
    given = {t.strip().upper() for t in m.get("publication_types", [])}
    for code in _RIS_CODES:
        if code in given:
            return "CONF" if code == "CPAPER" else "BOOK" if code == "EBOOK" else code
    types = " | ".join(t.lower() for t in m.get("publication_types", []))
    if "journal article" in types or "article" == types:
        return "JOUR"
    for needle, ty in _TYPE_TO_RIS:
        if needle in types:
            return ty
    return "JOUR"


def _split_pages(pages: str | None) -> tuple[str | None, str | None]:
    if not pages:
        return None, None
    parts = [p.strip() for p in pages.replace("\u2013", "-").split("-", 1)]
    return parts[0] or None, (parts[1] if len(parts) > 1 and parts[1] else None)


def _author(a) -> str:
    return f"{a.family}, {a.given}" if a.given else a.family


def _notes(m: MergedRecord, marks: Sequence[Mark], labels) -> list[str]:
    notes = [f"{record_key(m)}: found in {len(m.sources)} database(s)"]
    notes += [f"Found in {line}" for line in trace(m, labels)]
    notes += [f"trawl pre-screening mark: {mk.rule} ({mk.reason})" for mk in marks]
    return notes


class _Ris(rispy.RisWriter):
    """RIS as the spec and EndNote want it: CRLF, no counter line before each record."""

    NEWLINE = "\r\n"

    def set_header(self, count: int) -> str:
        return ""


def to_ris(
    records: Sequence[MergedRecord],
    marks: Mapping[int, Sequence[Mark]] | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    marks = marks or {}
    entries = []
    for m in records:
        start, end = _split_pages(m.get("pages"))
        entry = {
            "type_of_reference": _ris_type(m),
            "title": m.get("title"),
            "authors": [_author(a) for a in m.get("authors", [])],
            "year": str(m.get("year")) if m.get("year") else None,
            "secondary_title": m.get("journal"),
            "volume": m.get("volume"),
            "number": m.get("issue"),
            "start_page": start,
            "end_page": end,
            "issn": "; ".join(m.get("issn", [])) or None,
            "doi": m.get("doi"),
            "abstract": m.get("abstract"),
            "keywords": list(m.get("keywords", [])),
            "language": "; ".join(m.get("languages", [])) or None,
            "accession_number": record_key(m),
            "name_of_database": "; ".join(label(s, labels) for s in m.sources),
            "notes": _notes(m, marks.get(m.cluster_id, ()), labels),
            "urls": [m.get("url")] if m.get("url") else [],
        }
        if m.get("pmid"):
            entry["custom2"] = m.get("pmid")  # C2 = PMID, as Scopus writes it
        entries.append({k: _clean(v) for k, v in entry.items() if v not in (None, "", [])})
    return rispy.dumps(entries, implementation=_Ris)


def _clean(value):
    """A value must not break RIS's line structure: newlines inside it become spaces."""
    if isinstance(value, list):
        return [_one_line(v) for v in value]
    return _one_line(value) if isinstance(value, str) else value


def _one_line(value: str | None) -> str | None:
    return " ".join(value.split()) if value else value


def to_csv(
    records: Sequence[MergedRecord],
    marks: Mapping[int, Sequence[Mark]] | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    marks = marks or {}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(RAYYAN_COLUMNS + TRACE_COLUMNS)
    for m in records:
        published = m.get("published")
        row = {
            "key": record_key(m),
            "title": m.get("title"),
            "authors": " and ".join(_author(a) for a in m.get("authors", [])),
            "journal": m.get("journal"),
            "issn": "; ".join(m.get("issn", [])),
            "volume": m.get("volume"),
            "issue": m.get("issue"),
            "pages": m.get("pages"),
            "year": m.get("year"),
            "month": published.month if published else "",
            "day": published.day if published else "",
            "url": m.get("url"),
            "language": "; ".join(m.get("languages", [])),
            "abstract": m.get("abstract"),
            "notes": " | ".join(_notes(m, marks.get(m.cluster_id, ()), labels)),
            "doi": m.get("doi"),
            "keywords": "; ".join(m.get("keywords", [])),
            "pubmed_id": m.get("pmid"),
            "pmc_id": m.get("pmcid"),
            "databases": "; ".join(label(s, labels) for s in m.sources),
            "database_ids": " | ".join(trace(m, labels)),
            "trawl_records": " ".join(str(x.record_id) for x in m.members),
            "trawl_marks": "; ".join(mk.rule for mk in marks.get(m.cluster_id, ())),
        }
        w.writerow(
            [
                "" if row.get(c) is None else _one_line(str(row.get(c)))
                for c in RAYYAN_COLUMNS + TRACE_COLUMNS
            ]
        )
    return buf.getvalue()


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    sha256: str
    count: int
    left_out: int
    event_seq: int


def write_export(
    store,
    out: str | Path,
    *,
    fmt: str = "ris",
    marked: str = "exclude",
    labels: Mapping[str, str] | None = None,
) -> Written:
    """Write the screening set to ``out`` and log an ``export written`` event with its sha256."""
    from trawl.dedup.persist import screening_set
    from trawl.store import sha256_hex

    records, state, left_out = screening_set(store, marked)
    text = (
        to_ris(records, state.marks, labels)
        if fmt == "ris"
        else to_csv(records, state.marks, labels)
    )
    data = text.encode("utf-8")
    to_stdout = str(out) == "-"  # standard output: logged as "-", written after the event
    out = Path(out)
    tmp = out
    if not to_stdout:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(data)
    digest = sha256_hex(data)
    event = store.log_event(
        "export written",
        {
            "file": str(out),
            "format": fmt,
            "sha256": digest,
            "size": len(data),
            "records": len(records),
            "marked": marked,
            "marked_left_out": left_out,
            "dedup_run": state.run_id,
            "keys": [record_key(m) for m in records],
        },
    )
    if to_stdout:
        import sys

        sys.stdout.flush()  # anything printed before stays before the records
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        tmp.replace(out)
    return Written(out, digest, len(records), left_out, event.seq)
