"""Publish or Perish CSV (``PoPCites.csv``), the usual way Google Scholar results are exported.

Google Scholar data is lossy and PoP says so only implicitly (formats.md §8): author lists cut
with ``...``, titles and sources cut with ``…``, abstracts are snippets, DOIs often empty or
polluted. Every import of this format carries an info diagnostic saying so. The record ID is
Google Scholar's cluster ID from ``CitesURL`` (``cites=<id>``) where the record has one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trawl.store.record import Record

from .base import LOSSY_VALUES, ParseContext, authors, pages, split_list, year_of
from .delimited import cell, rows

HEADER_START = "Cites,Authors,Title,Year,Source,Publisher,ArticleURL"
_CLUSTER = re.compile(r"[?&]cites=(\d+)")


def looks_like(head: str) -> bool:
    return head.lstrip("\ufeff").startswith(HEADER_START)


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    ctx.warn_once(LOSSY_VALUES, "Publish or Perish / Google Scholar data: author lists, titles "
                  "and sources may be cut short ('...', '…') and abstracts are snippets")
    for number, line, row in rows(text, ctx):
        m = _CLUSTER.search(row.get("CitesURL", ""))
        cluster = f"gs-cluster:{m.group(1)}" if m else None
        names = [n for n in split_list(cell(row, "Authors"), ",") if n.strip(" .…") != ""]
        kind = cell(row, "Type")
        yield ctx.build(
            number, line,
            accession=cluster,
            other_ids={"gs_rank": row["GSRank"]} if row.get("GSRank") else {},
            doi=cell(row, "DOI"),
            title=cell(row, "Title"),
            abstract=cell(row, "Abstract"),
            authors=authors(names),
            year=year_of(cell(row, "Year")),
            journal=cell(row, "Source"),
            issn=split_list(cell(row, "ISSN")),
            volume=cell(row, "Volume"),
            issue=cell(row, "Issue"),
            pages=pages(cell(row, "StartPage"), cell(row, "EndPage")),
            publication_types=[kind] if kind else [],
            url=cell(row, "ArticleURL"),
        )
