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

import rispy

from trawl.query.diagnostics import Diagnostic, TrawlError
from trawl.store.record import Record

from .base import (
    REPAIRED,
    TRUNCATED,
    ParseContext,
    authors,
    digits_or_fail,
    pages,
    year_of,
)

# A tag line: two characters (letter + letter/digit) or PsycNet's four-letter PMID, one or two
# spaces, a hyphen, then the value (Cochrane writes two spaces after the hyphen).
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]|PMID) {1,2}-(?: +|$)(.*)$")
# Rayyan glues the next tag onto a DO line: "DO  - 10.x/y     LK  - https://…" (formats.md §1).
_GLUED = re.compile(r"(\S)[ \t]{2,}(?=[A-Z][A-Z0-9]  - )")
# A bare CR that WoS RIS writes *between* two tags (``…USA\rAD  - …``) is a line break.
_CR_BEFORE_TAG = re.compile(r"\r(?=[A-Z][A-Z0-9]  - )")

# Continuation lines of these tags are further values, not wrapped text: EndNote's RIS export
# writes one KW tag and each further keyword on an untagged line (formats.md §9).
_LIST_CONTINUATION = frozenset({"KW", "AU", "A1", "SN", "UR"})


class _AllTags(dict):
    """rispy's tag→name mapping, made the identity: we keep raw tags and read them per producer.

    (``_add_tag`` is overridden too, so every tag keeps all its values, in order.)
    """

    def __missing__(self, key: str) -> str:
        return key


class TolerantRisParser(rispy.RisParser):
    """rispy's RisParser with a tolerant tag reader and raw, always-listed tags.

    It also splits lines where a producer glued the next tag on (Rayyan:
    ``DO  - 10.x/y     LK  - https://…``) and counts them in ``glued``.
    """

    DEFAULT_MAPPING = _AllTags()
    DEFAULT_DELIMITER_MAPPING: dict = {}

    def __init__(self, **kw):
        super().__init__(**kw)
        self.glued = 0
        self._pending: list[tuple[str, str]] = []

    def parse_line(self, line: str):
        # rispy's own fast path first (the common "XX  - value" shape) ...
        if line[2:5] == "  -" and line[:2].isupper() and line[0].isalpha():
            value = line[6:].strip()
            if "  - " in value and _GLUED.search(value):
                return line[:2], self._unglue(value)
            return line[:2], value
        # ... then the shapes real files also use.
        m = _TAG_LINE.match(line)
        if m:
            return m.group(1), m.group(2).strip()
        return None, line.strip()

    def _unglue(self, value: str) -> str:
        head, *rest = _GLUED.sub("\\1\n", value).split("\n")
        self.glued += 1
        for part in rest:
            tag, content = self.parse_line(part)
            if tag is not None:
                self._pending.append((tag, content))
        return head

    def _add_tag(self, record: dict, tag: str | None, content: str,
                 extend_multiline: bool = False) -> None:
        if extend_multiline:
            self._continue(record, tag or "TY", content)
            return
        try:
            record[tag].append(content)
        except KeyError:
            record[tag] = [content]
        except AttributeError:  # a second TY: rispy stored the first as a plain string
            record[tag] = [record[tag], content]
        while self._pending:
            self._add_tag(record, *self._pending.pop(0))

    @staticmethod
    def _continue(record: dict, tag: str, content: str) -> None:
        """An untagged line: a further value of a list tag, else wrapped text of the last value."""
        if not content:
            return
        values = record.get(tag)
        if isinstance(values, str):
            values = record[tag] = [values]
        if not values:
            record[tag] = [content]
        elif tag in _LIST_CONTINUATION:
            values.append(content)
        else:
            values[-1] = f"{values[-1]} {content}"


def normalise_newlines(text: str) -> str:
    """CRLF → LF; a bare CR before a tag → LF; any other bare CR (inside a value) → space."""
    if "\r" not in text:
        return text
    text = text.replace("\r\n", "\n")
    text = _CR_BEFORE_TAG.sub("\n", text)
    return text.replace("\r", " ")


def _is_end(line: str) -> bool:
    return line[:2] == "ER" and _TAG_LINE.match(line) is not None


def record_lines(lines: list[str]) -> list[int]:
    """The line each record starts on, as rispy splits them: outside a record the first line
    starting ``TY`` opens one, the next ER tag line closes it. Only needed for messages, so it
    is computed when a message needs it."""
    starts: list[int] = []
    inside = False
    for number, line in enumerate(lines, 1):
        if not inside and line[:2] == "TY":
            starts.append(number)
            inside = True
        elif inside and _is_end(line):
            inside = False
    return starts


def _check_complete(lines: list[str], ctx: ParseContext, count: int) -> None:
    """rispy silently drops a record the file ends inside; a cut download must not pass."""
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if _is_end(line):
            return
        if line[:2] == "TY":
            raise TrawlError(Diagnostic.of(
                TRUNCATED, f"{ctx.where(count + 1, i + 1)}: the file ends inside this record (no "
                "closing ER line); the download was probably cut short", line=i + 1))


def read_raw(text: str, ctx: ParseContext) -> list[dict]:
    """The raw records: tag → list of values, in file order."""
    lines = normalise_newlines(text).split("\n")
    reader = TolerantRisParser()
    raw = reader.parse_lines(iter(lines))
    _check_complete(lines, ctx, len(raw))
    if reader.glued:
        ctx.warn_once(REPAIRED, f"{reader.glued} line(s) had two RIS tags glued together (a known "
                      "Rayyan defect); they were split", key="glued")
    return raw


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    raw = read_raw(text, ctx)  # the line list is dropped here: millions of strings in a big file
    for number, rec in enumerate(raw, 1):
        raw[number - 1] = None  # each raw dict is freed once its Record exists
        try:
            yield to_record(rec, number, None, ctx)
        except TrawlError:
            # Read it again knowing its line, so the message says where to look.
            starts = record_lines(normalise_newlines(text).split("\n"))
            line = starts[number - 1] if len(starts) == len(raw) else None
            yield to_record(rec, number, line, ctx)
            raise


# ---- reading one record ------------------------------------------------------------------------


def _one(rec: dict, tag: str) -> str | None:
    """A tag's first non-empty value (the parser has stripped them already)."""
    values = rec.get(tag)
    if values:
        if isinstance(values, str):  # TY, as rispy stores it
            return values or None
        for value in values:
            if value:
                return value
    return None


def producer_of(rec: dict) -> str:
    """Which database or tool wrote this record, from its own tags (formats.md §11.2)."""
    dp = " ".join(rec["DP"]).lower() if "DP" in rec else ""
    db = [d.lower() for d in rec["DB"]] if "DB" in rec else []
    urls = " ".join(rec["UR"]).lower() if "UR" in rec else ""
    an = _one(rec, "AN") or ""
    if "ebscohost" in dp or "ebscohost.com" in urls:
        return "ebsco"
    if "scopus" in db or "scopus.com" in urls:
        return "scopus"
    if an.startswith(("WOS:", "ISI:")) or "WE" in rec or "webofscience" in urls:
        return "wos"
    if "embase.com" in urls or re.match(r"^L\d+$", _one(rec, "U2") or ""):
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
    if "lens.org" in urls or re.match(r"^\d{3}-\d{3}-\d{3}-\d{3}-\d{3}$", _one(rec, "ID") or ""):
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
    an, ident = _one(rec, "AN"), _one(rec, "ID")
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
        db = _one(rec, "DB")
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
        lnum = _one(rec, "U2")
        if lnum:
            other["embase"] = lnum
        return lnum or an, other
    return an or ident, other


def _pmid(rec: dict, producer: str, ctx: ParseContext, number: int, line: int) -> str | None:
    def digits(value, tag):
        return digits_or_fail(value, ctx, number, tag, line)

    if producer == "scopus" and rec.get("C2"):
        return digits(_one(rec, "C2"), "C2")
    if producer == "embase" and rec.get("C5"):
        return digits(_one(rec, "C5"), "C5")
    if producer == "psycnet" and rec.get("PMID"):
        return digits(_one(rec, "PMID"), "PMID")
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
    kind = _one(rec, "TY") or ""
    order = ("JF", "T2", "JO", "JA", "J2") if kind in ("JOUR", "EJOUR", "MGZN", "NEWS") else (
        "JF", "JO", "T2", "JA", "J2")
    for tag in order:
        value = _one(rec, tag)
        if value:
            return value
    return None


def _issn(value: str) -> str:
    return _ISSN_PAREN.sub("", value).strip() if "(" in value else value


def _languages(values: list[str]) -> list[str]:
    return [la for v in values for la in (re.split(r"\s*;\s*", v) if ";" in v else (v,)) if la]


def to_record(rec: dict, number: int, line: int, ctx: ParseContext) -> Record:
    """One raw RIS record (tag → values) as a Record, read with its producer's rules."""
    producer = producer_of(rec)
    accession, other = _accession(rec, producer)
    kind = _one(rec, "TY")
    types = [kind] if kind else []
    if producer in ("scopus", "embase", "ebsco", "cochrane"):
        types += [t for t in rec.get("M3", ()) if t]
    if producer == "ovid":
        types += [t for t in rec.get("PT", ()) if t]
    return ctx.build(
        number, line,
        accession=accession or None,
        doi=_doi(rec, producer),
        pmid=_pmid(rec, producer, ctx, number, line),
        other_ids=other,
        title=_one(rec, "TI") or _one(rec, "T1") or _one(rec, "CT") or _one(rec, "ST"),
        abstract=_abstract(rec),
        authors=authors([*rec.get("AU", ()), *rec.get("A1", ())]),
        year=year_of(_one(rec, "PY"), _one(rec, "Y1"), _one(rec, "DA")),
        journal=_journal(rec),
        issn=[_issn(s) for s in rec.get("SN", ()) if s],
        volume=_one(rec, "VL"),
        issue=_one(rec, "IS"),
        pages=pages(_one(rec, "SP"), _one(rec, "EP")),
        languages=_languages(rec.get("LA", [])),
        publication_types=types,
        keywords=[k for k in rec.get("KW", ()) if k],
        url=_one(rec, "UR"),
    )


__all__ = ["TolerantRisParser", "parse", "producer_of", "read_raw", "record_lines", "to_record"]
