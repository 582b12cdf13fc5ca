"""EBSCOhost: CINAHL and Academic Search Elite (ebsco.md)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

from trawl.dialects import codes
from trawl.dialects.base import Dialect, Out, Renderer
from trawl.dialects.fields import F
from trawl.dialects.limits import parse_date
from trawl.dialects.wildcards import Wildcards
from trawl.query.ast import Bool, Filter, Heading, Limit

# ebsco.md §1: a field code is two letters followed by a space (`TI obes*`), and which codes
# exist depends on the database (§2), so a bare two-letter word (MR, CT, PT, IS) can be read
# as a field code; §4: Nn/Wn are the proximity operators, so a word like N2 or W1 would be
# read as one. Quoted, each is unambiguously a search term.
_LOOKS_LIKE_SYNTAX = re.compile(r"^(?:[A-Za-z]{2}|[NnWw]\d+)$")
_DATE_KINDS = frozenset({"year", "entry-date"})


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
    # ebsco.md §2, §7: the query forms of dates (DT publication date, EM CINAHL entry date) are
    # unconfirmed, so no date goes into the query: each date limit becomes an instruction for
    # the interface's "Published Date" limiter (DIA038), see `undated`.
    UNCONFIRMED = frozenset({"language"})
    ENTRY_FIELD: ClassVar[str | None] = None  # an entry-date field code to suggest testing
    ENTRY_FIELD_NOTE: ClassVar[str] = "ebsco.md §2 lists no entry-date field for this database"
    NOTES = ("EBSCOhost: unquoted multi-word input may get an implicit N5 and singular words "
             "also find plurals (ebsco.md §3, §5); phrases are always quoted",)

    def quote_word(self, text: str) -> str:
        if _LOOKS_LIKE_SYNTAX.match(text):  # a field code or Nn/Wn look-alike (see above)
            return f"{self.QUOTE}{text}{self.QUOTE}"
        return super().quote_word(text)

    def line_text(self, r: Renderer, node: Any) -> str:
        return r.text(self.undated(r, node))

    def single_query(self, r: Renderer, node: Any, lines: list) -> str:
        return r.text(self.undated(r, node))

    def undated(self, r: Renderer, node: Any) -> Any:
        """``node`` without its date limits, each reported as the limiter to set instead.

        Filters sit in `Limit` nodes and as members of AND groups (inlined limits, the
        review's cutoff); only those are walked. The inlined query shares subtrees between
        lines, so each node is rewritten once (by identity), and an unchanged subtree is
        returned as itself, keeping the renderer's per-node memo useful."""
        seen: dict[int, Any] = {}

        def walk(n: Any) -> Any:
            key = id(n)
            if key in seen:
                return seen[key]
            out = n
            if isinstance(n, Filter) and n.kind in _DATE_KINDS:
                self.date_limiter(r, n)
                out = None
            elif isinstance(n, Limit):
                kept = tuple(f for f in n.filters if walk(f) is not None)
                if len(kept) != len(n.filters):
                    out = Limit(n.child, kept, span=n.span) if kept else n.child
            elif isinstance(n, Bool):
                kids = [walk(k) for k in n.children]
                if any(a is not b for a, b in zip(kids, n.children, strict=True)):
                    if n.op == "not":
                        out = kids[0] if kids[1] is None else \
                            None if kids[0] is None else Bool("not", (kids[0], kids[1]),
                                                              span=n.span)
                    else:
                        kept_kids = [k for k in kids if k is not None]
                        out = None if not kept_kids else kept_kids[0] \
                            if len(kept_kids) == 1 else Bool(n.op, tuple(kept_kids),
                                                             span=n.span)
            seen[key] = out
            return out

        return walk(node) or Bool("and", ())

    def date_limiter(self, r: Renderer, flt: Filter) -> None:
        """Name the EBSCOhost limiter that carries a date limit (ebsco.md §7: "Published Date";
        UI limiters are not part of the query string and must be reported separately)."""
        start = parse_date(flt.values[0], False) if flt.values else None
        end = parse_date(flt.values[1], True) if len(flt.values) > 1 else None
        span = f"{_month(start) if start else 'the earliest date'} to " \
               f"{_month(end) if end else 'the latest date'}"
        what = "publication" if flt.kind == "year" else "entry"
        # the S-line the limit belongs to: the statement being rendered when the history form
        # meets it (the single query, rendered later, reuses the same Filter objects)
        lines = r.scratch.setdefault("ebsco_date_lines", {})
        number = lines.setdefault(id(flt), r.statement.number if r.statement else None)
        final = r.strategy.statements[-1].number if r.strategy.statements else None
        if flt.raw.endswith("(review.toml)") or number is None:
            where = "on the final search"
        elif number == final:
            where = f"on the final search (S{number})"
        else:
            where = (f"on S{number} (a limit on an inner line cannot be carried by the single "
                     "query: run the search-history form)")
        fix = None
        if flt.kind == "entry-date":
            r.emit(codes.PUBLICATION_DATE, f"{self.label} has no confirmed entry-date search "
                   f"({self.ENTRY_FIELD_NOTE}); the date limit '{flt.raw}' uses the publication "
                   "date", flt)
            if self.ENTRY_FIELD is not None and end is not None:
                fix = (f"to test the entry-date field instead, add AND {self.ENTRY_FIELD} "
                       f"{(start or self.OPEN_START):%Y%m}-{end:%Y%m} to that search (without the "
                       "limiter) and compare "
                       f"the counts ({self.ENTRY_FIELD_NOTE})")
        r.emit(codes.DATE_UI_LIMITER, f"{self.label}: the {what}-date limit '{flt.raw}' is not "
               f"in the query (no confirmed date syntax, {self.reference} §2, §7); in EBSCOhost "
               f'set the limiter "Published Date" from {span} {where}', flt, fix=fix)


class Cinahl(Ebsco):
    name = "cinahl"
    label = "CINAHL (EBSCOhost)"
    VOCABULARY = "cinahl"  # ebsco.md §2: MH = CINAHL Headings, + inside the quotes explodes
    HUMANS = '(MH "Human")'  # ebsco.md §7: the humans limit as a heading (unconfirmed)
    UNCONFIRMED = frozenset({"language", "humans"})
    # ebsco.md §2: EM = CINAHL entry date (yyyymm) is [unconfirmed]: offered as a test, not used
    ENTRY_FIELD = "EM"
    ENTRY_FIELD_NOTE = "ebsco.md §2: CINAHL's entry-month field EM is unconfirmed"

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


def _month(day: date) -> str:
    return f"{day:%B %Y}"
