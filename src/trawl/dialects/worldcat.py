"""WorldCat Search API v2 ``q`` (also pasteable into WorldCat.org / Discovery), worldcat.md."""

from __future__ import annotations

from typing import Any, ClassVar

from trawl.dialects import codes
from trawl.dialects.base import LANGUAGES, Dialect, Out, Renderer
from trawl.dialects.fields import F, FieldUse
from trawl.dialects.wildcards import Wildcards
from trawl.query.ast import Heading

_KEYWORD = F("kw:", "broader", "kw: searches titles, notes, summaries, subjects and names")


class WorldCat(Dialect):
    name = "worldcat"
    label = "WorldCat"
    reference = "worldcat.md"
    HISTORY = None  # worldcat.md §1: no history in q -> inline
    # worldcat.md §3: uppercase Boolean, processed left to right -> the engine brackets all
    WILDCARDS = Wildcards(
        unlimited="*",  # worldcat.md §4
        limited="?{n}",  # worldcat.md §4: ?n = at most n characters (unconfirmed)
        optional="?1",  # worldcat.md §4: ? alone is 0-many here, so Ovid ? becomes ?1
        single="#",  # worldcat.md §4: # exactly one, the same as Ovid
        min_stem=3,  # worldcat.md §4: at least 3 leading characters
    )
    FIELD_STYLE = "term"  # worldcat.md §2: label every term once one term is labelled
    FIELDS: ClassVar[dict[str, F]] = {
        "ti": F("ti:"),
        **{k: _KEYWORD for k in ("ab", "ti,ab", "ti,ab,kf", "ti,ab,kw", "tw", "mp", "kf", "kw")},
    }
    DEFAULT_FIELD = _KEYWORD
    FIELD_CODES = frozenset({"kw:", "ti:", "su:"})
    NOTES = ("WorldCat ?n/?1 wildcards and records without abstracts: expect low precision "
             "(worldcat.md §4, §7); the API needs an OCLC WSKey",)

    def describe_codes(self, field_codes: tuple[str, ...]) -> str:
        return " OR ".join(field_codes)

    def tag(self, r: Renderer, fu: FieldUse, inner: Out, node: Any) -> Out:
        if inner.atomic:
            return r.or_join([Out(f"{c}{inner.text}") for c in fu.codes])
        return inner

    def no_vocabulary_heading(self, r: Renderer, h: Heading) -> Out | None:
        # comparison.md §1: headings -> su: words, nothing exploded
        r.emit(codes.HEADING_UNSUPPORTED, f"{h.label}/: searched as WorldCat subject words "
               f"su:\"{h.label}\" (all subject vocabularies, not {h.vocabulary} only; "
               "not exploded)", h)
        return Out(f'su:"{h.label}"')

    def language_params(self, r: Renderer, langs: list[str]) -> dict[str, str] | None:
        return {"inLanguage": ",".join(LANGUAGES.get(n, (n[:3], ""))[0] for n in langs)}

    def date_params(self, r: Renderer, start, end, entry: bool) -> dict[str, str] | None:
        if entry:
            return None  # worldcat.md §6: no entry/load-date limit
        s = start.year if start else self.OPEN_START.year
        return {"datePublished": f"{s}-{end.year if end else self.OPEN_END.year}"}
