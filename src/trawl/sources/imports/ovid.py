"""Ovid's tagged download (the "Citavi", "Reference Manager" and "EndNote (.cgi)" exports).

Layout (formats.md §4): each record opens with a ``<n. >`` header line, then ``VN  - Ovid
Technologies``, ``DB  - <database>``, the accession in ``UI`` (PMID for MEDLINE, Embase number for
Embase) or ``AN``; continuation lines start with six spaces, and the EndNote variant keeps
paragraph breaks inside AB as raw untagged lines — so any untagged line continues the field
before it. Headings (``MH``) belong to the database's own thesaurus: MeSH in MEDLINE, Emtree in
Embase, the APA Thesaurus in PsycINFO.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trawl.store.record import Record, SubjectHeading

from .base import ParseContext, authors, digits_or_fail, first, split_lines, year_of

_HEADER = re.compile(r"^<(\d+)\. ?>\s*$")
_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}- ?(.*)$")
_LIST_TAGS = frozenset({"AU", "MH", "OD", "PT", "IN", "AD", "IS", "KW", "ID", "LG", "SL"})


def _vocabulary(db: str) -> str:
    db = db.lower()
    if "embase" in db:
        return "emtree"
    if "psyc" in db:
        return "apa"
    if "medline" in db:
        return "mesh"
    return "source"


def _records(lines: list[str]) -> Iterator[tuple[int, int, dict[str, list[str]]]]:
    number, start, rec, tag = 0, 0, None, None
    for i, line in enumerate(lines, 1):
        if _HEADER.match(line):
            if rec is not None:
                yield number, start, rec
            number, start, rec, tag = number + 1, i, {}, None
            continue
        if rec is None or not line.strip():
            continue
        m = _TAG.match(line)
        if m:
            tag = m.group(1)
            rec.setdefault(tag, []).append(m.group(2).strip())
        elif tag is not None:
            values = rec[tag]
            if line.startswith("      ") and tag in _LIST_TAGS:
                values.append(line.strip())  # a further affiliation/heading, not wrapped text
            else:
                values[-1] = f"{values[-1]} {line.strip()}".strip()
    if rec is not None:
        yield number, start, rec


def _journal_from(rec: dict[str, list[str]]) -> str | None:
    """Embase's SO is a free-text citation, ``Journal. 12 (3), 2018. ...``: its first sentence."""
    so = first(rec.get("SO"))
    return so.split(". ", 1)[0].strip() if so else None


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    for number, line, rec in _records(split_lines(text)):
        db = first(rec.get("DB")) or ""
        vocab = _vocabulary(db)
        ui = first(rec.get("UI"))
        pmid = digits_or_fail(ui, ctx, number, "UI", line) if vocab == "mesh" else None
        other = {"ovid_db": db} if db else {}
        headings = [
            SubjectHeading(vocabulary=vocab, label=h.lstrip("*").strip(), major=h.startswith("*"))
            for h in rec.get("MH", ()) if h.strip()
        ]
        yield ctx.build(
            number, line,
            accession=ui or first(rec.get("AN")),
            pmid=pmid,
            doi=first(rec.get("DO")) or first(rec.get("DI")),
            other_ids=other,
            title=first(rec.get("TI")),
            abstract=first(rec.get("AB")),
            authors=authors(rec.get("AU", ())),
            year=year_of(first(rec.get("YR")), first(rec.get("SO"))),
            journal=first(rec.get("JN")) or first(rec.get("JT")) or _journal_from(rec),
            issn=[s.strip() for s in rec.get("IS", ()) if s.strip()],
            volume=first(rec.get("VO")) or first(rec.get("VI")),
            issue=first(rec.get("IP")),
            pages=first(rec.get("PG")) or first(rec.get("PA")),
            languages=rec.get("LG", []),
            publication_types=rec.get("PT", []),
            keywords=rec.get("KW", []),
            headings=headings,
        )
