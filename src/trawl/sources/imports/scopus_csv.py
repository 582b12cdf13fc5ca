"""Scopus CSV ("Export → CSV"), both column generations.

Older exports start ``Authors,Author(s) ID,Title,…`` and separate authors with commas
(``Phillips J.C., Braun R.``); since about 2022 there is an ``Author full names`` column
(``Wilson, Lauren N. (58975547800); …``) and authors are separated with semicolons
(formats.md §6). The EID (``2-s2.0-…``) is the Scopus record ID; ``[No abstract available]`` is a
placeholder, not an abstract.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trawl.store.record import Record

from .base import ParseContext, authors, digits_or_fail, pages, split_list, year_of
from .delimited import cell, find_header, rows

_SCOPUS_ID = re.compile(r"\s*\(\d+\)\s*$")
_PLACEHOLDERS = ("[No abstract available]", "[No author name available]", "[No title available]")


def is_header(line: str) -> bool:
    return "EID" in line and ("Source title" in line or "Link" in line) and "Title" in line


def _clean(value: str | None) -> str | None:
    return None if value is None or value in _PLACEHOLDERS else value


def _authors(row: dict[str, str]):
    full = _clean(row.get("Author full names", "").strip() or None)
    if full:
        return authors(_SCOPUS_ID.sub("", name) for name in full.split(";"))
    short = _clean(row.get("Authors", "").strip() or None)
    if not short:
        return []
    sep = ";" if ";" in short else ","
    return authors(short.split(sep))


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    offset = max(find_header(text, is_header), 0)
    for number, line, row in rows(text, ctx, offset=offset, spill_after="Funding Text 1"):
        eid = cell(row, "EID")
        yield ctx.build(
            number, line,
            accession=eid,
            other_ids={"eid": eid} if eid else {},
            doi=cell(row, "DOI"),
            pmid=digits_or_fail(cell(row, "PubMed ID"), ctx, number, "PubMed ID", line),
            title=_clean(cell(row, "Title")),
            abstract=_clean(cell(row, "Abstract")),
            authors=_authors(row),
            year=year_of(cell(row, "Year")),
            journal=cell(row, "Source title"),
            issn=split_list(cell(row, "ISSN")),
            volume=cell(row, "Volume"),
            issue=cell(row, "Issue"),
            pages=pages(cell(row, "Page start"), cell(row, "Page end")) or cell(row, "Art. No."),
            languages=split_list(cell(row, "Language of Original Document")),
            publication_types=split_list(cell(row, "Document Type")),
            keywords=split_list(cell(row, "Author Keywords")) + split_list(cell(row, "Index Keywords")),
            url=cell(row, "Link"),
        )
