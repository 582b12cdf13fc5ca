"""Embase.com CSV, plain (comma) and "Excel" (UTF-8 BOM, semicolons), with the query preamble.

The file opens with ``"SEARCH QUERY","<query>"``, a dashed line and a blank line before the
header (formats.md §7). The record ID is the ``PUI`` column (``L2029880245``, the same value as
``U2`` in Embase.com RIS, so both exports of one search agree); ``Medline PMID`` is the PMID.
Emtree terms become headings, major-focus terms marked major.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trawl.store.record import Record, SubjectHeading

from .base import ParseContext, authors, digits_or_fail, pages, split_list, year_of
from .delimited import cell, find_header, rows

_ISSN_KIND = re.compile(r"\s*\((?:print|electronic|linking)\)\s*$", re.IGNORECASE)


def is_header(line: str) -> bool:
    return "Title" in line and "Author Names" in line and ("PUI" in line or "Embase" in line)


def looks_like(head: str) -> bool:
    return head.lstrip('"').startswith("SEARCH QUERY") or find_header(head, is_header) >= 0


def _headings(row: dict[str, str]) -> list[SubjectHeading]:
    out: list[SubjectHeading] = []
    for column, major in (("Emtree Drug Index Terms (Major Focus)", True),
                          ("Emtree Medical Index Terms (Major Focus)", True),
                          ("Emtree Drug Index Terms", False),
                          ("Emtree Medical Index Terms", False)):
        for term in split_list(row.get(column), ","):
            out.append(SubjectHeading(vocabulary="emtree", label=term, major=major))
    return out


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    offset = find_header(text, is_header)
    header_line = text[offset:text.find("\n", offset)] if offset >= 0 else ""
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    for number, line, row in rows(text, ctx, delimiter=delimiter, offset=max(offset, 0)):
        pui = cell(row, "PUI", "Embase Accession ID")
        yield ctx.build(
            number, line,
            accession=pui,
            other_ids={"embase": pui} if pui else {},
            doi=cell(row, "DOI"),
            pmid=digits_or_fail(cell(row, "Medline PMID"), ctx, number, "Medline PMID", line),
            title=cell(row, "Title", "Original Title"),
            abstract=cell(row, "Abstract", "Original Abstract"),
            authors=authors(split_list(cell(row, "Author Names"), ",")),
            year=year_of(cell(row, "Publication Year"), cell(row, "Date of Publication")),
            journal=cell(row, "Source title", "Source"),
            issn=[_ISSN_KIND.sub("", s) for s in split_list(cell(row, "ISSN"), ",")],
            volume=cell(row, "Volume"),
            issue=cell(row, "Issue"),
            pages=pages(cell(row, "First Page"), cell(row, "Last Page")),
            languages=split_list(cell(row, "Article Language"), ","),
            publication_types=split_list(cell(row, "Publication Type"), ","),
            keywords=split_list(cell(row, "Author Keywords"), ","),
            headings=_headings(row),
            url=cell(row, "Embase Link"),
        )
