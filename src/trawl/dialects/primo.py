"""Primo / Primo VE (Oria) basic search and the Primo Search API ``q`` (primo.md)."""

from __future__ import annotations

from typing import Any, ClassVar

from trawl.dialects import codes
from trawl.dialects.base import LANGUAGES, Dialect, Renderer
from trawl.dialects.fields import F
from trawl.dialects.rendering import RenderedLine
from trawl.dialects.wildcards import Wildcards

_ANY = F("any", "broader", "Primo has no title+abstract field; any field (primo.md §6)")


class Primo(Dialect):
    name = "primo"
    label = "Primo (Oria)"
    reference = "primo.md"
    HISTORY = None  # primo.md §4: no history line combination -> inline
    # primo.md §1: AND/NOT bind before OR -> the engine brackets everything
    WILDCARDS = Wildcards(unlimited="*", single="?", optional=None)  # primo.md §2
    FIELD_STYLE = "none"  # primo.md §5: one field per q clause, chosen for the whole query
    FIELDS: ClassVar[dict[str, F]] = {
        "ti": F("title"),
        **{k: _ANY for k in ("ab", "ti,ab", "ti,ab,kf", "ti,ab,kw", "tw", "mp", "kf", "kw")},
    }
    DEFAULT_FIELD = _ANY
    FIELD_CODES = frozenset({"any", "title", "sub"})
    NOTES = ("Primo expands queries (synonyms, controlled vocabulary, full text); send "
             "conVoc=false and record the settings: counts are not set logic (primo.md §7)",)

    def single_query(self, r: Renderer, node: Any, lines: list[RenderedLine]) -> str:
        text = r.text(node)
        used = {c for fu in r._fields.values() for c in fu.codes}
        field = "title" if used == {"title"} else "any"
        if used - {field}:
            r.emit(codes.FIELD_APPROXIMATED, "Primo takes one field per clause; title-only "
                   "lines are searched in any field (broader)")
        if ";" in text:  # primo.md §5: a q value must not contain a semicolon
            text = text.replace(";", " ")
        r.query_param = "q"
        return f"{field},contains,{text}"

    def language_params(self, r: Renderer, langs: list[str]) -> dict[str, str] | None:
        codes3 = [LANGUAGES.get(n, (n[:3], ""))[0] for n in langs]
        if len(codes3) == 1:  # primo.md §5: qInclude=facet_lang,exact,eng
            return {"qInclude": f"facet_lang,exact,{codes3[0]}"}
        return {"multiFacets": "|,|".join(f"facet_lang,include,{c}" for c in codes3)}

    def date_params(self, r: Renderer, start, end, entry: bool) -> dict[str, str] | None:
        if entry:
            return None  # primo.md §5: no entry-date facet
        s = start.year if start else "*"
        e = end.year if end else "*"
        return {"qInclude": f"facet_searchcreationdate,exact,[{s} TO {e}]"}
