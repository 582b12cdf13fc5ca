"""MEDLINE / PubMed format (``.nbib``, "PubMed" text), read with Bio.Medline.

Bio.Medline handles the 4-character tag column and the 6-space continuation lines (formats.md §3);
this module turns its dicts into Records: FAU (full names) over AU, the DOI from ``AID``/``LID``
with a ``[doi]`` suffix, MeSH headings with ``*`` as major topic. The accession is the PMID (or, in
ERIC's ``.nbib``, the ``OID`` ERIC number when there is no PMID).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from Bio import Medline

from trawl.query.diagnostics import Diagnostic, TrawlError
from trawl.store.record import Record, SubjectHeading

from .base import TRUNCATED, ParseContext, authors, digits_or_fail, split_lines, year_of

_RECORD_START = re.compile(r"^PMID- ")


def _listed(rec: dict, tag: str) -> list[str]:
    value = rec.get(tag)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _text(rec: dict, tag: str) -> str | None:
    """A tag's text; Bio.Medline gives lists for tags it does not know as text (BTI, VTI ...)."""
    value = rec.get(tag)
    if isinstance(value, list):
        value = " ".join(value)
    return value or None


def _doi(rec: dict) -> str | None:
    for value in [*_listed(rec, "AID"), *_listed(rec, "LID")]:
        if value.endswith("[doi]"):
            return value[: -len("[doi]")].strip()
    return None


def _heading(label: str) -> SubjectHeading:
    """``Anxiety Disorders/diagnosis/*therapy`` → major when any part is starred."""
    major = "*" in label
    return SubjectHeading(vocabulary="mesh", label=label.replace("*", ""), major=major)


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    lines = split_lines(text)
    starts = [i for i, line in enumerate(lines, 1) if _RECORD_START.match(line)]
    # PubMed ends every record with its SO (source) line and the format has no end tag, so a
    # last record without SO, in a file whose records have one, was cut short.
    ends_with_so = None
    # Bio.Medline reads lines as a file gives them, newline included (a record ends at "\n").
    for number, rec in enumerate(Medline.parse(line + "\n" for line in lines), 1):
        if ends_with_so is None:
            ends_with_so = "SO" in rec
        elif ends_with_so and "SO" not in rec and number == len(starts):
            line = starts[-1]
            raise TrawlError(Diagnostic.of(
                TRUNCATED, f"{ctx.where(number, line)}: the last record stops before its SO "
                "(source) line, which every other record has; the file was probably cut short",
                line=line))
        line = starts[number - 1] if number <= len(starts) else None
        pmid = digits_or_fail(rec.get("PMID"), ctx, number, "PMID", line)
        eric = next((o for o in _listed(rec, "OID") if o.startswith("ERIC")), None)
        issn = [re.sub(r"\s*\(.*\)$", "", s) for s in _listed(rec, "IS")]
        yield ctx.build(
            number, line,
            accession=pmid or eric,
            pmid=pmid,
            pmcid=_text(rec, "PMC"),
            doi=_doi(rec),
            title=_text(rec, "TI") or _text(rec, "BTI"),
            abstract=_text(rec, "AB"),
            authors=authors(_listed(rec, "FAU") or _listed(rec, "AU")),
            year=year_of(_text(rec, "DP"), _text(rec, "DEP")),
            journal=_text(rec, "JT") or _text(rec, "TA"),
            issn=list(dict.fromkeys(issn)),
            volume=_text(rec, "VI"),
            issue=_text(rec, "IP"),
            pages=_text(rec, "PG"),
            languages=_listed(rec, "LA"),
            publication_types=_listed(rec, "PT"),
            keywords=_listed(rec, "OT"),
            headings=[_heading(h) for h in _listed(rec, "MH")],
        )
