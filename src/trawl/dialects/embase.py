"""Embase.com, Elsevier's own interface (embase.md)."""

from __future__ import annotations

from typing import Any, ClassVar

from trawl.dialects import codes
from trawl.dialects.base import DateTpl, Dialect, Out, Renderer
from trawl.dialects.fields import F
from trawl.dialects.wildcards import Wildcards
from trawl.query.ast import Heading


class EmbaseCom(Dialect):
    name = "embase"
    label = "Embase.com"
    reference = "embase.md"
    HISTORY = "#{n}"  # embase.md §1: #1 OR #2
    QUOTE = "'"  # embase.md §2: single or double quotes; Embase's own examples use single
    # embase.md §4: NEAR/n retrieves at most n-1 words between (Ovid's counting): adj3 -> NEAR/3
    NEAR = "NEAR/{n}"
    NEAR_OFFSET = 1
    ORDERED = "NEXT/{n}"  # embase.md §4: NEXT/n in the order given; NEXT/1 = adjacent
    ORDERED_OFFSET = 1
    NEAR_GROUPS = True  # embase.md §4: proximity accepts parentheses, truncation, fields
    # embase.md §5: truncation inside phrases may give 0 hits -> NEXT/1 chains instead
    WILDCARD_IN_PHRASE = False
    WILDCARDS = Wildcards(
        unlimited="*",
        single="?",  # embase.md §5: ? exactly one (Ovid #)
        optional="$",  # embase.md §5: $ zero or one (Ovid ?), partly unconfirmed
    )
    FIELD_TEMPLATE = "({expr}):{code}"  # embase.md §3: a suffix on a bracketed expression
    FIELD_TEMPLATE_ATOM = "{expr}:{code}"
    FIELD_CODES_JOIN = ","  # embase.md §3: :ti,ab,kw
    FIELDS: ClassVar[dict[str, F]] = {
        "ti": F("ti"), "ab": F("ab"), "kf": F("kw"), "kw": F("kw"),
        "tw": F(("ti", "ab"), "narrower", "Ovid Embase .tw. also searches drug trade names"),
        # embase.md §3: no suffix = all fields, broader than Ovid .mp.
        "mp": F((), "broader", "no suffix searches all fields"),
        "sh": F("de"),
    }
    DEFAULT_FIELD = F((), "broader", "no suffix searches all fields")
    FIELD_CODES = frozenset({"ti", "ab", "kw", "de", "tn", "dn", "mn"})
    VOCABULARY = "emtree"
    LANGUAGE = "[{name}]/lim"  # embase.md §6
    # embase.md §6: the entry-date syntax ([dd-mm-yyyy]/sd) is unconfirmed -> publication year
    PUB_DATE = DateTpl("[{y0}-{y1}]/py", "[{y0}-{y1}]/py")
    HUMANS = "[humans]/lim"

    def wild_phrase(self, r: Renderer, texts: list[str], node: Any) -> Out:
        # embase.md §9.4: truncation inside phrases may yield 0 hits -> use NEXT/1
        return Out(" NEXT/1 ".join(self.quote_word(t) for t in texts), False)

    def heading_syntax(self, r: Renderer, h: Heading, label: str, explode: bool) -> Out:
        # embase.md §2: 'x'/exp, 'x'/de, 'x'/mj, 'x'/exp/mj
        if h.subheadings:
            r.emit(codes.SUBHEADING_CHANGED, f"{label}/{','.join(h.subheadings)}: Embase.com "
                   "link syntax is unconfirmed; subheadings dropped", h)
        suffix = ("/exp" if explode else "") + ("/mj" if h.major else "")
        return Out(f"'{label.lower()}'{suffix or '/de'}")
