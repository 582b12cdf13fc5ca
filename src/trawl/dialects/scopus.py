"""Scopus advanced search and the Scopus Search API ``query`` (scopus.md)."""

from __future__ import annotations

from typing import ClassVar

from trawl.dialects.base import DateTpl, Dialect
from trawl.dialects.fields import F
from trawl.dialects.wildcards import Wildcards

_TAK = "TITLE-ABS-KEY"


class Scopus(Dialect):
    name = "scopus"
    label = "Scopus"
    reference = "scopus.md"
    HISTORY = None  # scopus.md §1: the query string has no search history; inline every line
    NOT = " AND NOT "  # scopus.md §3: binary NOT is spelled AND NOT
    # scopus.md §3: OR binds before W/n and AND -> the engine brackets every compound operand
    NEAR = "W/{n}"  # scopus.md §4: W/n = at most n words between, any order
    ORDERED = "PRE/{n}"  # scopus.md §4: PRE/n ordered; PRE/0 = adjacent in order
    NEAR_GROUPS = True  # scopus.md §4: OR-groups are allowed as proximity operands
    WILDCARDS = Wildcards(
        unlimited="*",  # scopus.md §6
        single="?",  # scopus.md §6: ? = exactly one character (Ovid #)
        optional=None,  # scopus.md §6: no zero-or-one wildcard -> * with a warning
    )
    FIELD_TEMPLATE = "{code}({expr})"  # scopus.md §1: FIELD(terms)
    FIELDS: ClassVar[dict[str, F]] = {
        "ti": F("TITLE"), "ab": F("ABS"),
        "kf": F("AUTHKEY"), "kw": F("AUTHKEY"),  # scopus.md §2
        # scopus.md §2: no title+abstract field; TITLE-ABS-KEY is standard practice
        "ti,ab": F(_TAK, "broader", "TITLE-ABS-KEY adds author keywords, index terms, trade "
                   "and chemical names (scopus.md §2)"),
        "ti,ab,kf": F(_TAK, "broader", "KEY adds index terms, trade and chemical names"),
        "ti,ab,kw": F(_TAK, "broader", "KEY adds index terms, trade and chemical names"),
        "tw": F(_TAK, "broader", "TITLE-ABS-KEY adds keyword fields"),
        "mp": F(_TAK, "exact", "ovid.md §3: .mp. -> the all-text/topic field"),
        "sh": F("INDEXTERMS", "narrower", "exact index term only, no explosion"),
        "af": F("ALL", "broader", "ALL adds references and affiliations"),
    }
    DEFAULT_FIELD = F(_TAK, "broader", "no Scopus field for this Ovid field")
    FIELD_CODES = frozenset({_TAK, "TITLE-ABS-KEY-AUTH", "TITLE", "ABS", "KEY", "AUTHKEY",
                             "INDEXTERMS", "ALL"})
    LANGUAGE = "LANGUAGE({name})"  # scopus.md §7
    # scopus.md §2: ORIG-LOAD-DATE = first loaded into Scopus (query use partly unconfirmed)
    ENTRY_DATE = DateTpl("ORIG-LOAD-DATE > {start_prev:%Y%m%d} AND ORIG-LOAD-DATE < {end_next:%Y%m%d}",
                         "ORIG-LOAD-DATE < {end_next:%Y%m%d}")
    # scopus.md §7: PUBYEAR takes strict > and <
    PUB_DATE = DateTpl("PUBYEAR > {y0m1} AND PUBYEAR < {y1p1}", "PUBYEAR < {y1p1}")
    UNCONFIRMED = frozenset({"entry-date"})
    NOTES = ("Scopus searches plural and spelling variants of unbracketed words automatically "
             "(scopus.md §6); the API ignores LIMIT-TO, so limits are field restrictions (§7)",)
