"""Web of Science tab-delimited export ("Win" = UTF-16LE with BOM, "Win, UTF-8", Mac).

The header row is the two-letter field tags; multi-valued cells use ``; `` (formats.md §5b). The
file is read without quote handling, because titles contain unbalanced ``"``. Each row becomes the
same tag → values shape as the tagged plain text, and is read by the same code (``wos.to_record``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from trawl.store.record import Record

from . import wos
from .base import ParseContext, split_list
from .delimited import rows

_LISTED = frozenset({"AU", "AF", "BA", "BF", "CA", "CR", "EM", "RI", "OI", "BE"})


def looks_like(head: str) -> bool:
    return head.lstrip("\ufeff").startswith(("PT\tAU\t", "FN\t"))


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    for number, line, row in rows(text, ctx, delimiter="\t", quoting=csv.QUOTE_NONE):
        rec = {tag: (split_list(value) if tag in _LISTED else [value.strip()])
               for tag, value in row.items() if tag and value and value.strip()}
        yield wos.to_record(rec, number, line, ctx)
