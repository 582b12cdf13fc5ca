"""BibTeX exports (Scopus, Web of Science, EBSCOhost, Zotero), read with bibtexparser.

Scopus opens the file with ``Scopus`` / ``EXPORT DATE:`` lines; WoS writes keys as
``{ WOS:000…,`` with capitalised field names and indented continuation lines (formats.md §5c, §6).
bibtexparser handles all of that and decodes LaTeX accents. The record ID comes from where each
producer puts it: WoS ``Unique-ID``, the Scopus EID and the EBSCO ``AN`` inside ``url``.
bibtexparser skips an entry it cannot read without saying so, so the entries it returns are
counted against the ``@type{`` openings in the text: a shortfall names the entry that was lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import convert_to_unicode

from trawl.query.diagnostics import Diagnostic, TrawlError
from trawl.store.record import Record

from .base import BAD_RECORD, TRUNCATED, ParseContext, authors, digits_or_fail, split_list, year_of

_ENTRY = re.compile(r"^[ \t]*@([A-Za-z]+)\s*[{(]", re.MULTILINE)
_NOT_RECORDS = {"comment", "string", "preamble"}
_KEY = re.compile(r"^([ \t]*@[A-Za-z]+\s*\{)([^,{}\n]*),", re.MULTILINE)
_EID = re.compile(r"eid=(2-s2\.0-\d+)")
_EBSCO_AN = re.compile(r"[?&]AN=([^&\s]+)", re.IGNORECASE)


def looks_like(head: str) -> bool:
    return any(m.group(1).lower() not in _NOT_RECORDS for m in _ENTRY.finditer(head[:16384]))


def _entries(text: str, ctx: ParseContext) -> list[dict[str, str]]:
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    parser.customization = convert_to_unicode
    # Scopus writes keys with spaces ("Carmone Jr.1997538"), WoS with a leading one
    # ("{ WOS:000…"); bibtexparser reads neither, so the spaces in keys become underscores.
    text = _KEY.sub(lambda m: m.group(1) + re.sub(r"\s+", "_", m.group(2).strip()) + ",", text)
    try:
        entries = bibtexparser.loads(text, parser=parser).entries
    except Exception as exc:  # pyparsing errors carry no stable type worth naming
        raise TrawlError(Diagnostic.of(
            BAD_RECORD, f"{ctx.file_name}: BibTeX that cannot be read: {exc}")) from None
    openings = [m for m in _ENTRY.finditer(text) if m.group(1).lower() not in _NOT_RECORDS]
    if len(entries) < len(openings):
        keys = {e.get("ID", "").strip() for e in entries}
        for number, m in enumerate(openings, 1):  # (keys are already normalised above)
            key = text[m.end():text.find(",", m.end())]
            if key not in keys:
                line = text.count("\n", 0, m.start()) + 1
                code = TRUNCATED if number == len(openings) else BAD_RECORD
                why = ("the file ends inside it; the download was probably cut short"
                       if code == TRUNCATED else "the entry cannot be read (unbalanced braces?)")
                raise TrawlError(Diagnostic.of(
                    code, f"{ctx.where(number, line)}, entry {key!r}: {why}", line=line))
    return entries


def _accession(e: dict[str, str]) -> tuple[str | None, dict[str, str]]:
    uid = e.get("unique-id", "").strip()
    key = e.get("ID", "").strip()
    if uid:
        return uid, {"ut": uid}
    if key.upper().startswith("WOS:"):
        return key, {"ut": key}
    url = e.get("url", "")
    m = _EID.search(url)
    if m:
        return m.group(1), {"eid": m.group(1)}
    m = _EBSCO_AN.search(url)
    if m and "ebsco" in url:
        return m.group(1), {}
    return None, {}


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    for number, e in enumerate(_entries(text, ctx), 1):
        accession, other = _accession(e)
        keywords = e.get("keywords") or e.get("author_keywords") or e.get("author-keywords") or ""
        sep = ";" if ";" in keywords else ","
        names = [n for n in re.split(r"\s+and\s+", e.get("author", "")) if n.strip()]
        kind = e.get("ENTRYTYPE")
        yield ctx.build(
            number,
            accession=accession,
            other_ids=other,
            doi=e.get("doi"),
            pmid=digits_or_fail(e.get("pmid") or e.get("pubmed_id") or e.get("pubmed-id"),
                                ctx, number, "pmid"),
            title=" ".join(e.get("title", "").replace("{", "").replace("}", "").split()) or None,
            abstract=" ".join(e.get("abstract", "").split()) or None,
            authors=authors(n.replace("{", "").replace("}", "") for n in names),
            year=year_of(e.get("year"), e.get("date")),
            journal=e.get("journal") or e.get("booktitle") or e.get("journaltitle"),
            issn=split_list(e.get("issn"), ","),
            volume=e.get("volume"),
            issue=e.get("number"),
            pages=re.sub(r"\s*[–—-]+\s*", "-", e["pages"]) if e.get("pages") else None,
            languages=split_list(e.get("language")),
            publication_types=[t for t in (kind, e.get("type")) if t],
            keywords=split_list(keywords, sep),
            url=e.get("url", "").split()[0] if e.get("url") else None,
        )
