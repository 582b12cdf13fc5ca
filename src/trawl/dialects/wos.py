"""Web of Science Core Collection advanced search / Expanded API ``usrQuery`` (wos.md)."""

from __future__ import annotations

from typing import ClassVar

from trawl.dialects.base import DateTpl, Dialect
from trawl.dialects.fields import F
from trawl.dialects.wildcards import Wildcards


class WebOfScience(Dialect):
    name = "wos"
    label = "Web of Science"
    reference = "wos.md"
    HISTORY = "#{n}"  # wos.md §1: sets combine as #1 AND #2
    # wos.md §3: NEAR > SAME > NOT > AND > OR -> the engine brackets every compound operand
    NEAR = "NEAR/{n}"  # wos.md §4: NEAR/x = at most x words between, any order; never bare NEAR (=15)
    ORDERED = None  # wos.md §4: no ordered proximity -> phrases
    NEAR_GROUPS = True  # wos.md §4: OR inside NEAR accepted; AND (even implied) is not
    WILDCARDS = Wildcards(
        unlimited="*",
        single="?",  # wos.md §6: ? exactly one (Ovid #)
        optional="$",  # wos.md §6: $ zero or one (Ovid ?)
        min_stem=3,  # wos.md §6: >= 3 characters before a right-hand wildcard
    )
    FIELD_TEMPLATE = "{code}=({expr})"  # wos.md §1: TAG=(terms)
    FIELD_TEMPLATE_ATOM = "{code}={expr}"
    FIELDS: ClassVar[dict[str, F]] = {
        "ti": F("TI"), "ab": F("AB"), "kf": F("AK"), "kw": F("AK"),  # wos.md §2
        # wos.md §2: TS = title, abstract, author keywords, Keywords Plus
        "ti,ab": F("TS", "broader", "TS adds author keywords and Keywords Plus"),
        "ti,ab,kf": F("TS", "broader", "TS adds Keywords Plus"),
        "ti,ab,kw": F("TS", "broader", "TS adds Keywords Plus"),
        "tw": F("TS", "broader", "TS adds author keywords and Keywords Plus"),
        "mp": F("TS", "exact", "ovid.md §3: .mp. -> the topic field"),
        "af": F("ALL", "broader", "ALL= allows at most 49 operators"),
    }
    DEFAULT_FIELD = F("TS", "broader", "no Web of Science field for this Ovid field")
    FIELD_CODES = frozenset({"TS", "TI", "AB", "AK", "KP", "ALL"})
    LANGUAGE = "LA=({Name})"  # wos.md §7
    ENTRY_DATE = DateTpl("LD=({start:%Y-%m-%d}/{end:%Y-%m-%d})",
                         "LD=({start:%Y-%m-%d}/{end:%Y-%m-%d})")  # wos.md §2: Index Date (?)
    PUB_DATE = DateTpl("DOP=({start:%Y-%m-%d}/{end:%Y-%m-%d})",
                       "DOP=({start:%Y-%m-%d}/{end:%Y-%m-%d})")  # wos.md §7
    UNCONFIRMED = frozenset({"entry-date"})
    NOTES = ("Web of Science lemmatizes unquoted words without wildcards (wos.md §5); the "
             "Starter API lacks AB/AK/LA/LD tags, use the Expanded API (§8)",)
