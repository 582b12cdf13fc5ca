"""EndNote XML (File → Export → XML), as EndNote, Zotero and Mendeley write it; read with defusedxml.

Values are usually wrapped in one or more ``<style>`` runs, which are concatenated; Zotero writes
plain text (formats.md §9). The reference type is read from the ``name`` attribute, never the
number (Mendeley writes 0 for journal articles). The DOI is ``electronic-resource-num``; the
record ID is ``accession-num`` (a PMID when the remote database is PubMed/NLM).
defusedxml refuses DTDs and entity declarations, so an entity-expansion bomb costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from trawl.query.diagnostics import Diagnostic, TrawlError
from trawl.store.record import Record

from .base import TRUNCATED, UNSAFE_XML, ParseContext, authors, first, year_of


def looks_like(head: str) -> bool:
    start = head.lstrip("\ufeff \t\r\n")
    return start.startswith(("<?xml", "<xml")) and "<record" in head and (
        "<records" in head or "<xml>" in head)


def _text(el: Element | None) -> str | None:
    if el is None:
        return None
    value = " ".join("".join(el.itertext()).split())
    return value or None


def _all(rec: Element, path: str) -> list[str]:
    return [t for t in (_text(e) for e in rec.findall(path)) if t]


def _root(text: str, ctx: ParseContext) -> Element:
    try:
        return fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise TrawlError(Diagnostic.of(
            UNSAFE_XML, f"{ctx.file_name}: refused: {exc} (EndNote never writes entity or DTD "
            "declarations; this file is not an EndNote export or was tampered with)")) from None
    except ParseError as exc:
        line, column = exc.position
        total = text.count("\n") + 1
        if "no element found" in str(exc) or line >= total - 1 and "unclosed" in str(exc):
            n = text.count("<record>", 0, _offset(text, line, column)) or 1
            raise TrawlError(Diagnostic.of(
                TRUNCATED, f"{ctx.where(n)}: the XML ends before this record is closed; the file "
                "was probably cut short", line=line, column=column)) from None
        raise TrawlError(Diagnostic.of(
            UNSAFE_XML, f"{ctx.file_name}: malformed XML: {exc}", line=line, column=column)
        ) from None


def _offset(text: str, line: int, column: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
    return offset + column


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    root = _root(text, ctx)
    for number, rec in enumerate(root.iter("record"), 1):
        ref_type = rec.find("ref-type")
        kind = ref_type.get("name") if ref_type is not None else None
        accession = _text(rec.find("accession-num"))
        remote = " ".join(_all(rec, "remote-database-name") + _all(rec, "remote-database-provider"))
        pmid = accession if accession and accession.isdigit() and re.search(
            r"pubmed|nlm|medline", remote, re.IGNORECASE) else None
        isbn = _text(rec.find("isbn")) or ""
        other = {}
        rec_number = _text(rec.find("rec-number"))
        if rec_number:
            other["endnote_record"] = rec_number
        yield ctx.build(
            number,
            accession=accession,
            pmid=pmid,
            other_ids=other,
            doi=_text(rec.find("electronic-resource-num")),
            title=_text(rec.find("titles/title")),
            abstract=_text(rec.find("abstract")),
            authors=authors(_all(rec, "contributors/authors/author")),
            year=year_of(_text(rec.find("dates/year")), _text(rec.find("dates/pub-dates/date"))),
            journal=_text(rec.find("titles/secondary-title"))
            or _text(rec.find("periodical/full-title")),
            issn=[s for s in re.split(r"[\r\n;]+|\s{2,}", isbn) if s.strip()],
            volume=_text(rec.find("volume")),
            issue=_text(rec.find("number")) or _text(rec.find("issue")),
            pages=_text(rec.find("pages")),
            languages=_all(rec, "language"),
            publication_types=[kind] if kind else [],
            keywords=_all(rec, "keywords/keyword"),
            url=first(_all(rec, "urls/related-urls/url")),
        )
