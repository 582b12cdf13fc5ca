"""EBSCOhost: CINAHL and Academic Search Elite (ebsco.md)."""

from __future__ import annotations

from typing import ClassVar

from trawl.dialects import codes
from trawl.dialects.base import DateTpl, Dialect, Out, Renderer
from trawl.dialects.fields import F
from trawl.dialects.wildcards import Wildcards
from trawl.query.ast import Heading


class Ebsco(Dialect):
    reference = "ebsco.md"
    HISTORY = "S{n}"  # ebsco.md §1: S1 OR S2 (no range form; ranges are spelled out)
    # ebsco.md §3: AND before OR per EBSCO, guides disagree -> the engine brackets everything
    NEAR = "N{n}"  # ebsco.md §4: Nn = at most n words between, any order
    ORDERED = "W{n}"  # ebsco.md §4: Wn = in the order entered
    NEAR_GROUPS = True  # ebsco.md §4: OR-groups as proximity operands are standard practice
    WILDCARDS = Wildcards(
        unlimited="*",
        single="?",  # ebsco.md §6: ? = exactly one character (Ovid #)
        optional="#",  # ebsco.md §6: # = zero or one character (Ovid ?): swapped!
    )
    FIELD_TEMPLATE = "{code} ({expr})"  # ebsco.md §1: a field code prefixes a bracketed group
    FIELD_TEMPLATE_ATOM = "{code} {expr}"
    FIELDS: ClassVar[dict[str, F]] = {
        "ti": F("TI"), "ab": F("AB"),
        # ebsco.md §2: no combined title/abstract code -> TI (...) OR AB (...)
        "ti,ab": F(("TI", "AB")), "tw": F(("TI", "AB")),
        # ebsco.md §2: KW author keywords / key concepts, database-dependent (?)
        "kf": F("KW", "exact", "KW is database-dependent (ebsco.md §2)"),
        "kw": F("KW", "exact", "KW is database-dependent (ebsco.md §2)"),
        # ebsco.md §2: no code = the database's default fields (CINAHL: title, abstract, subjects)
        "mp": F((), "broader", "the database's default fields, set per database and by its "
                "administrator (CINAHL: title, abstract, subject headings)"),
        "sh": F("MH"), "hw": F("SU"),
        "af": F("TX", "broader", "TX includes full text"),
    }
    DEFAULT_FIELD = F((), "broader", "the database's default fields")
    FIELD_CODES = frozenset({"TI", "AB", "KW", "SU", "TX", "MH", "MM", "DE"})
    LANGUAGE = "LA {Name}"  # ebsco.md §7 (format partly unconfirmed)
    PUB_DATE = DateTpl("DT {start:%Y%m%d}-{end:%Y%m%d}", "DT {start:%Y%m%d}-{end:%Y%m%d}")
    UNCONFIRMED = frozenset({"language", "year", "entry-date"})
    NOTES = ("EBSCOhost: unquoted multi-word input may get an implicit N5 and singular words "
             "also find plurals (ebsco.md §3, §5); phrases are always quoted",)


class Cinahl(Ebsco):
    name = "cinahl"
    label = "CINAHL (EBSCOhost)"
    VOCABULARY = "cinahl"  # ebsco.md §2: MH = CINAHL Headings, + inside the quotes explodes
    HUMANS = '(MH "Human")'  # ebsco.md §7: the humans limit as a heading (unconfirmed)
    UNCONFIRMED = frozenset({"language", "year", "entry-date", "humans"})
    # ebsco.md §2: EM = CINAHL entry date (yyyymm, unconfirmed)
    ENTRY_DATE = DateTpl("EM {start:%Y%m}-{end:%Y%m}", "EM {start:%Y%m}-{end:%Y%m}")

    def heading_syntax(self, r: Renderer, h: Heading, label: str, explode: bool) -> Out:
        # ebsco.md §2: (MH "X"), (MH "X+") exploded, (MM "X") major
        if h.subheadings:
            r.emit(codes.SUBHEADING_CHANGED, f"{label}/{','.join(h.subheadings)}: CINAHL "
                   "subheading syntax is not documented here; subheadings dropped", h)
        code = "MM" if h.major else "MH"
        return Out(f'({code} "{label}{"+" if explode else ""}")')


class AcademicSearchElite(Ebsco):
    name = "academic-search-elite"
    label = "Academic Search Elite (EBSCOhost)"
    VOCABULARY = None  # its subject terms have no crosswalk in trawl.vocab -> free text
