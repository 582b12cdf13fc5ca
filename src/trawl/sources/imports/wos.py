"""Web of Science tagged plain text (``FN``/``VR`` … ``PT`` … ``ER`` … ``EF``), read with rispy.

Used by the "Plain text file", "Other reference software" and "EndNote Desktop (.ciw)" exports
(formats.md §5a). rispy's WokParser splits records at ``PT``/``ER`` and skips FN/VR/EF; we keep raw
tags and read them here: ``UT`` is the accession (``WOS:…``; other WoS-platform databases such as
Zoological Record carry ``AN ZOOR…`` instead), ``DI`` the DOI, ``PM`` the PMID, ``AF`` full names
over ``AU``. Continuation lines (three spaces) are further values for list tags (authors,
addresses, cited references) and wrapped text for the rest. Chunked downloads (500 records each)
concatenated into one file repeat FN/VR/EF, which rispy skips.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import rispy

from trawl.query.diagnostics import Diagnostic, TrawlError
from trawl.store.record import Record

from .base import (
    TRUNCATED,
    ParseContext,
    authors,
    digits_or_fail,
    first,
    pages,
    split_lines,
    split_list,
    year_of,
)
from .ris import _AllTags

# Tags whose continuation lines are further values, one per line (formats.md §5a).
_ONE_PER_LINE = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "CR", "C1", "C3", "EM", "RI", "OI",
                           "ED", "BE"})


class WosTaggedParser(rispy.WokParser):
    DEFAULT_MAPPING = _AllTags()

    def _add_tag(self, record: dict, tag: str | None, content: str,
                 extend_multiline: bool = False) -> None:
        tag = tag or "PT"
        values = record.get(tag)
        if values is None or isinstance(values, str):
            values = record[tag] = [] if values is None else [values]
        if extend_multiline and values and tag not in _ONE_PER_LINE:
            values[-1] = f"{values[-1]} {content}"
        else:
            values.append(content)


@dataclass
class _Tracker:
    ctx: ParseContext
    starts: list[int] = field(default_factory=list)
    open: bool = False

    def lines(self, lines: list[str]) -> Iterator[str]:
        for number, line in enumerate(lines, 1):
            if not self.open and line.startswith("PT "):
                self.open = True
                self.starts.append(number)
            elif self.open and line.rstrip() == "ER":
                self.open = False
            yield line
        if self.open:
            raise TrawlError(Diagnostic.of(
                TRUNCATED, f"{self.ctx.where(len(self.starts), self.starts[-1])}: the file ends "
                "inside this record (no closing ER line); the download was probably cut short",
                line=self.starts[-1]))


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    tracker = _Tracker(ctx)
    raw = WosTaggedParser().parse_lines(tracker.lines(split_lines(text)))
    for number, (rec, line) in enumerate(zip(raw, tracker.starts, strict=True), 1):
        yield to_record(rec, number, line, ctx)


def to_record(rec: dict, number: int, line: int | None, ctx: ParseContext) -> Record:
    """One WoS record (tag → values), from the tagged file or a tab-delimited row."""
    ut, an = first(rec.get("UT")), first(rec.get("AN"))
    other = {"ut": ut} if ut else {}
    pt = first(rec.get("PT"))
    return ctx.build(
        number, line,
        accession=ut or an,
        other_ids=other,
        doi=first(rec.get("DI")),
        pmid=digits_or_fail(first(rec.get("PM")), ctx, number, "PM", line),
        title=first(rec.get("TI")),
        abstract=first(rec.get("AB")),
        authors=authors(rec.get("AF") or rec.get("AU") or ()),
        year=year_of(first(rec.get("PY")), first(rec.get("PD")), first(rec.get("EY"))),
        journal=first(rec.get("SO")),
        issn=[s for s in (first(rec.get("SN")), first(rec.get("EI"))) if s],
        volume=first(rec.get("VL")),
        issue=first(rec.get("IS")),
        pages=pages(first(rec.get("BP")), first(rec.get("EP"))) or first(rec.get("AR")),
        languages=split_list(first(rec.get("LA"))),
        publication_types=[t for t in (pt, *split_list(first(rec.get("DT")))) if t],
        keywords=split_list(" ".join(rec.get("DE", ()))) + split_list(" ".join(rec.get("ID", ()))),
    )
