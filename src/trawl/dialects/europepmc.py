"""Europe PMC search syntax / Articles REST API ``query`` (europepmc.md)."""

from __future__ import annotations

from typing import Any, ClassVar

from trawl.dialects import codes
from trawl.dialects.base import DateTpl, Dialect, Out, Renderer, Seq, slop_pair
from trawl.dialects.fields import F, FieldUse
from trawl.dialects.wildcards import Wildcards
from trawl.query.ast import Heading


class EuropePMC(Dialect):
    name = "europepmc"
    label = "Europe PMC"
    reference = "europepmc.md"
    HISTORY = None  # europepmc.md §1: no history in the query string -> inline
    # europepmc.md §1: precedence undocumented -> the engine brackets everything
    WILDCARDS = Wildcards(unlimited="*", single="?", optional=None, min_stem=3)  # §3
    # europepmc.md §3: wildcards inside phrases are unconfirmed (Lucene does not expand them)
    WILDCARD_IN_PHRASE = False
    FIELD_TEMPLATE = "{code}:({expr})"  # europepmc.md §1: FIELD:value
    FIELD_TEMPLATE_ATOM = "{code}:{expr}"
    FIELDS: ClassVar[dict[str, F]] = {
        "ti": F("TITLE"), "ab": F("ABSTRACT"),
        "ti,ab": F("TITLE_ABS"), "tw": F("TITLE_ABS"),  # europepmc.md §2
        # europepmc.md §2: KW mixes MeSH and author keywords
        "kf": F("KW", "broader", "KW also holds MeSH terms"),
        "kw": F("KW", "broader", "KW also holds MeSH terms"),
        "ti,ab,kf": F(("TITLE_ABS", "KW"), "broader", "KW also holds MeSH terms"),
        "ti,ab,kw": F(("TITLE_ABS", "KW"), "broader", "KW also holds MeSH terms"),
        "mp": F(("TITLE_ABS", "KW"), "exact", ".mp. ~ title, abstract and heading words"),
    }
    DEFAULT_FIELD = F("TITLE_ABS", "broader", "no Europe PMC field for this Ovid field")
    FIELD_CODES = frozenset({"TITLE", "ABSTRACT", "TITLE_ABS", "KW", "MESH"})
    VOCABULARY = "mesh"  # europepmc.md §2: MESH:"X"
    LANGUAGE = "LANG:{iso3}"  # europepmc.md §2 (value format unconfirmed)
    ENTRY_DATE = DateTpl("FIRST_IDATE:[{start:%Y-%m-%d} TO {end:%Y-%m-%d}]",
                         "FIRST_IDATE:[{start:%Y-%m-%d} TO {end:%Y-%m-%d}]")
    PUB_DATE = DateTpl("FIRST_PDATE:[{start:%Y-%m-%d} TO {end:%Y-%m-%d}]",
                       "FIRST_PDATE:[{start:%Y-%m-%d} TO {end:%Y-%m-%d}]")
    UNCONFIRMED = frozenset({"language", "entry-date"})
    NOTES = ("Europe PMC: send synonym=false (the REST default) so the website's synonym "
             "expansion is off; counts then differ from the website (europepmc.md §6)",)

    def near_pair(self, r: Renderer, seqs: tuple[Seq, ...], distance: int,
                  f: FieldUse | None, node: Any) -> Out | None:
        return slop_pair(r, seqs, distance, f, node)  # europepmc.md §4

    def heading_syntax(self, r: Renderer, h: Heading, label: str, explode: bool) -> Out:
        if explode:
            r.emit(codes.EXPLODE_UNAVAILABLE, f"exp {label}/: MESH: explosion is unconfirmed "
                   "(europepmc.md §2); narrower headings may be missed", h)
        if h.major:
            r.emit(codes.MAJOR_UNAVAILABLE, f"*{label}/: no major-topic MeSH search", h)
        if h.subheadings:
            r.emit(codes.SUBHEADING_CHANGED, f"{label}/{','.join(h.subheadings)}: "
                   "subheadings dropped", h)
        return Out(f'MESH:"{label}"')
