"""Semantic Scholar bulk paper search ``query`` (apis.md §10; no dialect file).

Bulk search syntax: terms are ANDed (space or +), ``|`` is OR, ``-`` excludes, ``"…"`` is a
phrase, ``*`` a prefix wildcard, ``( )`` groups; ``~N`` (fuzziness/slop) has undocumented
semantics, so proximity is not rendered with it. Filters are separate parameters.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from trawl.dialects.base import Dialect, Out, Renderer, paren
from trawl.dialects.fields import F, FieldUse
from trawl.dialects.rendering import RenderedLine
from trawl.dialects.wildcards import Wildcards
from trawl.query.ast import Bool

_ANY = F((), "broader", "bulk search cannot be restricted to fields")
_SPECIAL = re.compile(r"[|+\-\"()~]")


class SemanticScholar(Dialect):
    name = "semantic-scholar"
    label = "Semantic Scholar"
    reference = "apis.md §10"
    HISTORY = None
    AND = " "  # apis.md §10: + AND, implicit between terms
    OR = " | "  # apis.md §10: | OR
    WILDCARDS = Wildcards(unlimited="*", single=None, optional=None)  # apis.md §10: * prefix
    WILDCARD_IN_PHRASE = False  # prefix wildcards inside phrases are undocumented
    FIELD_STYLE = "none"
    FIELDS: ClassVar[dict[str, F]] = {}
    DEFAULT_FIELD = _ANY
    NOTES = ("Semantic Scholar bulk search: up to 1,000 papers per call, continued with the "
             "returned token (apis.md §10)",)

    def describe_codes(self, field_codes: tuple[str, ...]) -> str:
        return "the bulk-search text fields"

    def quote_word(self, text: str) -> str:
        if _SPECIAL.search(text):  # apis.md §10: + | - " ( ) ~ are operators
            return '"' + text.replace('"', "") + '"'
        return text

    def not_expr(self, r: Renderer, node: Bool, left: Out, right: Out,
                 f: FieldUse | None, grouped: bool) -> Out | None:
        return Out(f"{paren(left)} -{paren(right) if right.atomic else '(' + right.text + ')'}",
                   False)

    def single_query(self, r: Renderer, node: Any, lines: list[RenderedLine]) -> str:
        r.query_param = "query"
        return r.text(node)

    def date_params(self, r: Renderer, start, end, entry: bool) -> dict[str, str] | None:
        if entry:
            return None  # apis.md §10: no entry date; publication date only
        s = start.isoformat() if start else ""
        e = end.isoformat() if end else ""
        return {"publicationDateOrYear": f"{s}:{e}"} if (s or e) else None
