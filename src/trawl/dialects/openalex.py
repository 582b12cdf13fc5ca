"""OpenAlex works search (openalex.md), current engine behaviour."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlencode

from trawl.dialects import codes
from trawl.dialects.base import LANGUAGES, Dialect, Out, Renderer, Seq, slop_pair
from trawl.dialects.fields import F, FieldUse
from trawl.dialects.rendering import RenderedLine
from trawl.dialects.split import queries_within
from trawl.dialects.wildcards import Wildcards

BASE = "https://api.openalex.org/works?"
MAX_PIECES = 200  # beyond this, splitting is no help: say so
MAX_URL = 4094  # openalex.md §7: longer request URLs get HTTP 400
_TA = "title_and_abstract"


class OpenAlex(Dialect):
    name = "openalex"
    label = "OpenAlex"
    reference = "openalex.md"
    HISTORY = None  # no history -> inline
    # openalex.md §2: uppercase Boolean, ES query_string precedence -> the engine brackets all
    WILDCARDS = Wildcards(
        unlimited="*",  # openalex.md §4: only on .exact search paths
        single="?",
        optional=None,
        min_stem=3,  # openalex.md §4: >= 3 characters before *
    )
    WILDCARD_IN_PHRASE = False  # openalex.md §4: a wildcard phrase inside a Boolean -> HTTP 400
    FIELD_STYLE = "none"  # openalex.md §1: one search parameter per request
    FIELDS: ClassVar[dict[str, F]] = {
        "ti": F("title"),
        "ab": F(_TA, "broader", "no abstract-only search parameter"),
        "ti,ab": F(_TA), "tw": F(_TA),
        "ti,ab,kf": F(_TA, "narrower", "OpenAlex has no author-keyword search"),
        "ti,ab,kw": F(_TA, "narrower", "OpenAlex has no author-keyword search"),
        "mp": F(_TA, "narrower", "heading words are not searched"),
        "af": F("", "broader", "search= adds full text"),
    }
    DEFAULT_FIELD = F(_TA, "narrower", "searched in title and abstract")
    FIELD_CODES = frozenset({_TA, "title", ""})
    NOTES = ("OpenAlex: the .exact search parameter is used, so words are not stemmed (as in "
             "Ovid) and wildcards are allowed (openalex.md §1, §4)",)

    def describe_codes(self, field_codes: tuple[str, ...]) -> str:
        return " OR ".join(f"search.{c}.exact" if c else "search.exact" for c in field_codes)

    def near_pair(self, r: Renderer, seqs: tuple[Seq, ...], distance: int,
                  f: FieldUse | None, node: Any) -> Out | None:
        return slop_pair(r, seqs, distance, f, node)  # openalex.md §5

    def single_query(self, r: Renderer, node: Any, lines: list[RenderedLine]) -> str:
        text = r.text(node)
        used = {c for fu in r._fields.values() for c in fu.codes}
        if used <= {"title"} and used:
            field = "title"
        elif "" in used:
            field = ""
        else:
            field = _TA
        if len(used) > 1:
            r.emit(codes.FIELD_APPROXIMATED, "OpenAlex takes one search field per request; "
                   f"every line is searched in {self.describe_codes((field,))}")
        r.query_param = f"search.{field}.exact" if field else "search.exact"
        return text

    def split(self, r: Renderer, node: Any, query: str) -> list[str]:
        def fits(text: str) -> bool:
            return len(BASE + urlencode({r.query_param or "search": text, **r.api_params})) \
                <= MAX_URL
        return queries_within(r, node, query, fits, label=self.label, max_pieces=MAX_PIECES,
                              split_code=codes.OPENALEX_SPLIT,
                              split_reason=f"the request URL would exceed {MAX_URL} bytes",
                              too_long="still exceeds the URL limit")

    def language_params(self, r: Renderer, langs: list[str]) -> dict[str, str] | None:
        # openalex.md §6: language:en (ISO 639-1), | = OR within a filter
        return {"filter": "language:" + "|".join(LANGUAGES.get(n, ("", n[:2]))[1] for n in langs)}

    def has_entry_date_param(self) -> bool:
        return True  # openalex.md §6: from_created_date / to_created_date

    def date_params(self, r: Renderer, start: date | None, end: date | None,
                    entry: bool) -> dict[str, str] | None:
        prefix = ("from_created_date", "to_created_date") if entry else \
            ("from_publication_date", "to_publication_date")
        parts = []
        if start:
            parts.append(f"{prefix[0]}:{start.isoformat()}")
        if end:
            parts.append(f"{prefix[1]}:{end.isoformat()}")
        if entry:
            r.emit(codes.FILTER_UNCONFIRMED, "OpenAlex created-date filters were historically "
                   "Premium-only (openalex.md §6); check that they apply to your key")
        return {"filter": ",".join(parts)} if parts else None
