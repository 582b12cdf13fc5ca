"""EndNote tagged import format (``.enw``, "Refer/BibIX"): one ``%X value`` line per field.

``%0`` (reference type) should open a record and records are separated by a blank line
(formats.md §9); some writers (AIS eLibrary) leave ``%0`` out, so a blank line also ends a record. Google Scholar's "EndNote" citation export and AIS eLibrary write it.
``%M`` is the accession number, ``%R`` the DOI; lines without a ``%`` tag continue the field before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trawl.store.record import Record

from .base import ParseContext, authors, first, split_lines, year_of

_TAG = re.compile(r"^%([0-9A-Z@!#$&()*+^~\]>|?])\s?(.*)$")


def looks_like(head: str) -> bool:
    lines = [x for x in head.lstrip("\ufeff").split("\n", 12)[:12] if x.strip()]
    return len(lines) >= 2 and all(_TAG.match(x) for x in lines[:2])


def _records(lines: list[str]) -> Iterator[tuple[int, int, dict[str, list[str]]]]:
    number, start, rec, tag = 0, 0, None, None
    for i, line in enumerate(lines, 1):
        m = _TAG.match(line)
        if not line.strip():
            if rec:
                yield number, start, rec
            rec = None
            continue
        if m and (rec is None or m.group(1) == "0" and "0" in rec):
            if rec:
                yield number, start, rec
            number, start, rec = number + 1, i, {}
        if rec is None:
            continue
        if m:
            tag = m.group(1)
            rec.setdefault(tag, []).append(m.group(2).strip())
        elif line.strip() and tag:
            rec[tag][-1] = f"{rec[tag][-1]} {line.strip()}"
    if rec:
        yield number, start, rec


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    for number, line, rec in _records(split_lines(text)):
        kind = first(rec.get("0"))
        yield ctx.build(
            number, line,
            accession=first(rec.get("M")),
            doi=first(rec.get("R")),
            title=first(rec.get("T")),
            abstract=first(rec.get("X")),
            authors=authors(rec.get("A", ())),
            year=year_of(first(rec.get("D")), first(rec.get("8"))),
            journal=first(rec.get("J")) or first(rec.get("B")),
            issn=rec.get("@", []),
            volume=first(rec.get("V")),
            issue=first(rec.get("N")),
            pages=first(rec.get("P")),
            languages=rec.get("G", []),
            publication_types=[kind] if kind else [],
            keywords=[k for v in rec.get("K", ()) for k in v.split(";") if k.strip()],
            url=first(rec.get("U")),
        )
