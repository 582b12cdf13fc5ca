"""RIS, read with rispy, then interpreted per producer.

rispy does the line work (tag/value split, record boundaries, continuation lines); this module
gives it a tolerant tag reader and keeps the raw tags, because the same tag means different things
from different producers (formats.md §1–2): ``C2`` is the PMID in Scopus but a device maker in
Embase.com, ``M3`` is the document type in Scopus and a ``doi:`` in APA PsycNet, ``A2`` holds
*cited* authors in Ovid PsycInfo. Each record is fingerprinted (EBSCOhost, Scopus, Web of Science,
Embase.com, Ovid, Cochrane, PsycNet, Dimensions, Lens, Rayyan, or a reference manager) and read
with that producer's rules, so a mixed EndNote library is read record by record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import rispy

from trawl.query.diagnostics import Diagnostic, TrawlError
from trawl.store.record import Record

from .base import (
    REPAIRED,
    TRUNCATED,
    ParseContext,
    authors,
    digits_or_fail,
    first,
    pages,
    year_of,
)

# A tag line: two characters (letter + letter/digit) or PsycNet's four-letter PMID, one or two
# spaces, a hyphen, then the value (Cochrane writes two spaces after the hyphen).
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]|PMID) {1,2}-(?: +|$)(.*)$")
# Rayyan glues the next tag onto a DO line: "DO  - 10.x/y     LK  - https://…" (formats.md §1).
_GLUED = re.compile(r"\s{2,}(?=[A-Z][A-Z0-9]  - )")
# A bare CR that WoS RIS writes *between* two tags (``…USA\rAD  - …``) is a line break.
_CR_BEFORE_TAG = re.compile(r"\r(?=[A-Z][A-Z0-9]  - )")

# Continuation lines of these tags are further values, not wrapped text: EndNote's RIS export
# writes one KW tag and each further keyword on an untagged line (formats.md §9).
_LIST_CONTINUATION = frozenset({"KW", "AU", "A1", "SN", "UR"})


class _AllTags(dict):
    """rispy's tag→name mapping, made the identity: we keep raw tags and read them per producer."""

    def __missing__(self, key: str) -> str:
        return key


class _EveryTag:
    """rispy's list-tag set, made universal: every tag keeps all its values, in order."""

    def __contains__(self, tag: object) -> bool:
        return True


class TolerantRisParser(rispy.RisParser):
    """rispy's RisParser with a tolerant tag reader and raw, always-listed tags."""

    DEFAULT_MAPPING = _AllTags()
    DEFAULT_LIST_TAGS = _EveryTag()  # type: ignore[assignment]
    DEFAULT_DELIMITER_MAPPING: dict = {}

    def parse_line(self, line: str):
        # rispy's own fast path first (the common "XX  - value" shape) ...
        if line[2:5] == "  -" and line[:1].isalpha() and line[:2].isupper():
            return line[:2], line[6:].strip()
        # ... then the shapes real files also use.
        m = _TAG_LINE.match(line)
        if m:
            return m.group(1), m.group(2).strip()
        return None, line.strip()

    def _add_tag(self, record: dict, tag: str | None, content: str,
                 extend_multiline: bool = False) -> None:
        tag = tag or "TY"
        values = record.get(tag)
        if values is None or isinstance(values, str):
            values = record[tag] = [] if values is None else [values]
        if extend_multiline:
            if not content:
                return
            if values and tag not in _LIST_CONTINUATION:
                values[-1] = f"{values[-1]} {content}"
                return
        values.append(content)


@dataclass
class _Tracker:
    """Watches the lines rispy reads: where each record starts, and whether the file ends inside one."""

    ctx: ParseContext
    starts: list[int] = field(default_factory=list)
    open: bool = False

    def lines(self, lines: list[str]) -> Iterator[str]:
        for number, line in enumerate(lines, 1):
            if not self.open:
                if line.startswith("TY"):
                    self.open = True
                    self.starts.append(number)
                yield line
                continue
            if line.startswith("ER") and _TAG_LINE.match(line) or line[:5] == "ER  -":
                self.open = False
            elif "  - " in line[6:] and _GLUED.search(line[6:]):
                self.ctx.warn_once(REPAIRED, "two RIS tags were glued on one line (a known Rayyan "
                                   "defect); they were split", key="glued")
                head, *rest = _GLUED.split(line)
                yield head
                yield from rest
                continue
            yield line
        if self.open:
            n = len(self.starts)
            raise TrawlError(Diagnostic.of(
                TRUNCATED, f"{self.ctx.where(n, self.starts[-1])}: the file ends inside this "
                "record (no closing ER line); the download was probably cut short",
                line=self.starts[-1]))


def normalise_newlines(text: str) -> str:
    """CRLF → LF; a bare CR before a tag → LF; any other bare CR (inside a value) → space."""
    if "\r" not in text:
        return text
    text = text.replace("\r\n", "\n")
    text = _CR_BEFORE_TAG.sub("\n", text)
    return text.replace("\r", " ")


def read_raw(text: str, ctx: ParseContext) -> tuple[list[dict], list[int]]:
    """The raw records (tag → list of values) and the line each starts on."""
    tracker = _Tracker(ctx)
    raw = TolerantRisParser().parse_lines(tracker.lines(normalise_newlines(text).split("\n")))
    return raw, tracker.starts


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    raw, starts = read_raw(text, ctx)
    for number, (rec, line) in enumerate(zip(raw, starts, strict=True), 1):
        yield to_record(rec, number, line, ctx)


# ---- reading one record ------------------------------------------------------------------------


def producer_of(rec: dict) -> str:
    """Which database or tool wrote this record, from its own tags (formats.md §11.2)."""
    dp = " ".join(rec.get("DP", ())).lower()
    db = [d.lower() for d in rec.get("DB", ())]
    urls = " ".join(rec.get("UR", ())).lower()
    an = first(rec.get("AN")) or ""
    if "ebscohost" in dp or "ebscohost.com" in urls:
        return "ebsco"
    if "scopus" in db or "scopus.com" in urls:
        return "scopus"
    if an.startswith(("WOS:", "ISI:")) or "WE" in rec or "webofscience" in urls:
        return "wos"
    if "embase.com" in urls or re.match(r"^L\d+$", first(rec.get("U2")) or ""):
        return "embase"
    if any("<" in d or d.startswith("ovid") for d in db) or "ovid" in dp:
        return "ovid"
    if an.startswith("CN-"):
        return "cochrane"
    if "PMID" in rec:
        return "psycnet"
    if an.startswith("pub."):
        return "dimensions"
    if an.startswith("rayyan-"):
        return "rayyan"
    if "lens.org" in urls or re.match(r"^\d{3}-\d{3}-\d{3}-\d{3}-\d{3}$", first(rec.get("ID")) or ""):
        return "lens"
    return "other"


_HTML_TAG = re.compile(r"<[^>]{1,40}>")
_EBSCO_AN = re.compile(r"Accession Number:\s*([^.\s;]+(?:\.[^\s;]+)?)")
_URL_AN = re.compile(r"[?&]AN=([^&\s]+)", re.IGNORECASE)
_EID = re.compile(r"eid=(2-s2\.0-\d+)")
_N1_PMID = re.compile(r"PMID:\s*(\d+)")
_DIMENSIONS_PMID = re.compile(r"^(\d+)\s*\[PMID\]$")
_COCHRANE_PMID = re.compile(r"PUBMED\s+(\d+)")
_ISSN_PAREN = re.compile(r"\s*\((?:ISSN|Print|Electronic|Linking|ISBN)\)\s*$", re.IGNORECASE)


def _abstract(rec: dict) -> str | None:
    for value in [*rec.get("AB", ()), *rec.get("N2", ())]:
        value = value.strip()
        if not value or value == "NA" or value.startswith("Copyright of "):
            continue  # EBSCO's second AB is a copyright notice; "NA" is R's missing value
        return _HTML_TAG.sub(" ", value).replace("  ", " ").strip() if "<" in value else value
    return None


def _doi(rec: dict, producer: str) -> str | None:
    candidates = [*rec.get("DO", ()), *rec.get("L3", ())]
    if producer == "psycnet":
        candidates += [m for m in rec.get("M3", ()) if m.lower().startswith("doi:")]
    candidates += [u for u in [*rec.get("L2", ()), *rec.get("UR", ())] if "doi.org/10." in u]
    for c in candidates:
        c = c.strip()
        if c:
            return c
    return None


def _accession(rec: dict, producer: str) -> tuple[str | None, dict[str, str]]:
    """The producer's own record ID, and any other IDs worth keeping."""
    an, ident = first(rec.get("AN")), first(rec.get("ID"))
    urls = rec.get("UR", [])
    other: dict[str, str] = {}
    if producer == "ebsco":
        found = an
        if not found:
            for note in rec.get("N1", ()):
                m = _EBSCO_AN.search(note)
                if m:
                    found = m.group(1).rstrip(".")
                    break
        if not found:
            for url in urls:
                m = _URL_AN.search(url)
                if m:
                    found = m.group(1)
                    break
        db = first(rec.get("DB"))
        if db:
            other["ebsco_db"] = db
        return found or ident, other
    if producer == "scopus":
        for url in urls:
            m = _EID.search(url)
            if m:
                other["eid"] = m.group(1)
                return m.group(1), other
        return an, other
    if producer == "wos":
        if an:
            other["ut"] = an
        return an, other
    if producer == "embase":
        lnum = first(rec.get("U2"))
        if lnum:
            other["embase"] = lnum
        return lnum or an, other
    return an or ident, other


def _pmid(rec: dict, producer: str, ctx: ParseContext, number: int, line: int) -> str | None:
    def digits(value, tag):
        return digits_or_fail(value, ctx, number, tag, line)

    if producer == "scopus" and rec.get("C2"):
        return digits(first(rec["C2"]), "C2")
    if producer == "embase" and rec.get("C5"):
        return digits(first(rec["C5"]), "C5")
    if producer == "psycnet" and rec.get("PMID"):
        return digits(first(rec["PMID"]), "PMID")
    if producer == "dimensions":
        for value in rec.get("U1", ()):
            m = _DIMENSIONS_PMID.match(value.strip())
            if m:
                return m.group(1)
    if producer == "cochrane":
        m = _COCHRANE_PMID.search(" ".join(rec.get("C3", ())))
        if m:
            return m.group(1)
    if producer == "ebsco":
        m = _N1_PMID.search(" ".join(rec.get("N1", ())))
        if m:
            return m.group(1)
    return None


def _journal(rec: dict) -> str | None:
    kind = first(rec.get("TY")) or ""
    order = ("JF", "T2", "JO", "JA", "J2") if kind in ("JOUR", "EJOUR", "MGZN", "NEWS") else (
        "JF", "JO", "T2", "JA", "J2")
    for tag in order:
        value = first(rec.get(tag))
        if value:
            return value
    return None


def to_record(rec: dict, number: int, line: int, ctx: ParseContext) -> Record:
    """One raw RIS record (tag → values) as a Record, read with its producer's rules."""
    producer = producer_of(rec)
    accession, other = _accession(rec, producer)
    kind = first(rec.get("TY"))
    types = [kind] if kind else []
    if producer in ("scopus", "embase", "ebsco", "cochrane"):
        types += [t for t in rec.get("M3", ()) if t]
    if producer == "ovid":
        types += [t for t in rec.get("PT", ()) if t]
    keywords = [k.strip() for k in rec.get("KW", ()) if k.strip()]
    return ctx.build(
        number, line,
        accession=accession or None,
        doi=_doi(rec, producer),
        pmid=_pmid(rec, producer, ctx, number, line),
        other_ids=other,
        title=first(rec.get("TI")) or first(rec.get("T1")) or first(rec.get("CT"))
        or first(rec.get("ST")),
        abstract=_abstract(rec),
        authors=authors([*rec.get("AU", ()), *rec.get("A1", ())]),
        year=year_of(first(rec.get("PY")), first(rec.get("Y1")), first(rec.get("DA"))),
        journal=_journal(rec),
        issn=[_ISSN_PAREN.sub("", s).strip() for s in rec.get("SN", ()) if s.strip()],
        volume=first(rec.get("VL")),
        issue=first(rec.get("IS")),
        pages=pages(first(rec.get("SP")), first(rec.get("EP"))),
        languages=[la for v in rec.get("LA", ()) for la in re.split(r"\s*;\s*", v) if la],
        publication_types=types,
        keywords=keywords,
        url=first(rec.get("UR")),
    )


__all__ = ["parse", "read_raw", "to_record", "producer_of", "TolerantRisParser"]
