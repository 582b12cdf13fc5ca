"""Web of Science Core Collection advanced search / Expanded API ``usrQuery`` (wos.md)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from trawl.dialects import codes
from trawl.dialects.base import DateTpl, Dialect, Out, Renderer
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
    # wos.md §6: `$` cannot be used inside quoted phrases (legacy help, may have changed), so
    # phrases with a wildcard go through wild_phrase, which keeps them and flags a `$`
    WILDCARD_IN_PHRASE = False
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
    # wos.md §2: the Index Date query form LD=(…) is [unconfirmed], so an entry-date limit is
    # not put in the query: see date_params (an API parameter, and the interface timespan)
    ENTRY_DATE = None
    PUB_DATE = DateTpl("DOP=({start:%Y-%m-%d}/{end:%Y-%m-%d})",
                       "DOP=({start:%Y-%m-%d}/{end:%Y-%m-%d})")  # wos.md §7
    NOTES = ("Web of Science lemmatizes unquoted words without wildcards (wos.md §5); the "
             "Starter API lacks AB/AK/LA/DOP tags, use the Expanded API (§8)",)

    def wild_phrase(self, r: Renderer, texts: list[str], node: Any) -> Out:
        phrase = Out(self.phrase_text(texts))
        if any("$" in t for t in texts):
            r.emit(codes.WOS_OPTIONAL_IN_PHRASE, f"{phrase.text}: $ (zero or one character) "
                   "inside a quoted phrase may not work (wos.md §6, legacy help); kept as "
                   "written: check that it finds records", node)
        return phrase

    def has_entry_date_param(self) -> bool:
        return True  # date_params takes the entry-date limit

    def date_params(self, r: Renderer, start: date | None, end: date | None,
                    entry: bool) -> dict[str, str] | None:
        """An entry-date limit as ``publishTimeSpan`` (yyyy-mm-dd+yyyy-mm-dd), the one date
        range both WoS APIs document (apis.md §3). It is a publication date: the Expanded
        API's ``loadTimeSpan`` takes only a span back from today (``5D``, ``30W``, ``8Y`` in
        Clarivate's API client documentation), so it cannot hold a fixed cutoff, and the
        Starter API has no load-date parameter. The person searching the web interface is
        told the exact Index Date timespan to set instead (wos.md §2, §7)."""
        if not entry:
            return None
        s, e = start or self.OPEN_START, end or self.OPEN_END
        r.emit(codes.PUBLICATION_DATE, f"{self.label}: the APIs take no fixed load-date range "
               "(Expanded loadTimeSpan is relative to today, e.g. 8Y; Starter has none), so "
               f"the entry-date limit is sent as publishTimeSpan={s:%Y-%m-%d}+{e:%Y-%m-%d}, a "
               "publication date")
        r.emit(codes.DATE_UI_LIMITER, f"{self.label}: the entry-date limit is not in the query "
               "(the Index Date form LD= is unconfirmed, wos.md §2); in Advanced Search set "
               f"the timespan to Index Date, custom range {s:%Y-%m-%d} to {e:%Y-%m-%d} "
               "(wos.md §7)")
        span = f"{s:%Y-%m-%d}+{e:%Y-%m-%d}"
        held = r.api_params.get("publishTimeSpan")
        if held:  # several date limits all apply: one range, their intersection
            lo, hi = held.split("+")
            span = f"{max(lo, span[:10])}+{min(hi, span[11:])}"
            r.api_params["publishTimeSpan"] = span
        return {"publishTimeSpan": span}
