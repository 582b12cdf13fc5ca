"""Ovid out: MEDLINE, Embase and APA PsycInfo on Ovid (ovid.md).

The syntax is the source dialect's, so most of it carries over; what changes per database is the
thesaurus (MeSH, Emtree, APA Thesaurus: headings are re-mapped through trawl.vocab, never copied),
the author-keyword field, and the entry-date limit.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

from trawl.dialects import codes
from trawl.dialects.base import Dialect, Out, Renderer
from trawl.dialects.fields import _ORDER, F
from trawl.dialects.limits import language_name, parse_date
from trawl.dialects.rendering import RenderedLine
from trawl.dialects.wildcards import Wildcards
from trawl.query.ast import Filter, Heading, Limit, LineRef

_OPERATOR_WORD = re.compile(r"^(and|or|not|adj\d*|near|with|same|freq)$", re.IGNORECASE)
_LIMITED = re.compile(r"[*$]\d+")  # $n limited truncation: its digits are not a number


def _needs_quotes(word: str) -> bool:
    """ovid.md §1: numbers and operator words inside terms must be quoted."""
    return bool(_OPERATOR_WORD.match(word)) or any(map(str.isdigit, _LIMITED.sub("", word)))


class Ovid(Dialect):
    reference = "ovid.md"
    HISTORY = "{n}"  # ovid.md §1: bare numbers in a statement are set references
    AND, OR, NOT = " and ", " or ", " not "
    NEAR = "adj{n}"  # ovid.md §6: adjN allows N-1 words between, any order
    NEAR_OFFSET = 1
    ORDERED = "adj"  # ovid.md §6: plain adj is the ordered phrase
    WILDCARDS = Wildcards(unlimited="*", limited="${n}", optional="?", single="#")  # ovid.md §4
    FIELD_TEMPLATE = "({expr}).{code}."  # ovid.md §2: a suffix applies to a bracketed group
    FIELD_TEMPLATE_ATOM = "{expr}.{code}."
    FIELD_CODES_JOIN = ","  # ovid.md §2: .ti,ab. = title OR abstract
    # Every Ovid code carries over as written; bare terms stay bare (.mp. is the default).
    FIELDS: ClassVar[dict[str, F]] = {**{c: F(c) for c in _ORDER}, "mp": F(())}
    FIELD_CODES = frozenset(_ORDER)
    ENTRY_LIMIT: ClassVar[str | None] = None  # "ed=" (MEDLINE), "dc=" (Embase)

    def quote_word(self, text: str) -> str:
        # ovid.md §1: numbers and operator words inside terms must be quoted
        return f'"{text}"' if _needs_quotes(text) else text

    def phrase_text(self, words: list[str]) -> str:
        # ovid.md §5: words side by side are a phrase; quotes only where needed
        if any(_needs_quotes(w) for w in words):
            return '"' + " ".join(words) + '"'
        return " ".join(words)

    def range_text(self, op: str, numbers: tuple[int, ...]) -> str | None:
        # ovid.md §1: or/1-13, and/1-3 (comma lists for gaps)
        runs: list[str] = []
        nums = list(numbers)
        i = 0
        while i < len(nums):
            j = i
            while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
                j += 1
            runs.append(f"{nums[i]}-{nums[j]}" if j > i else str(nums[i]))
            i = j + 1
        return f"{op}/{','.join(runs)}"

    def limit_text(self, r: Renderer, node: Limit) -> Out | None:
        # ovid.md §9: limit N to <limit>
        child = node.child
        if not isinstance(child, LineRef):
            return None
        parts = [p for p in (self.limit_phrase(r, f) for f in node.filters) if p]
        if not parts:
            return Out(str(child.number))
        body = parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")"
        return Out(f"limit {child.number} to {body}")

    def limit_phrase(self, r: Renderer, flt: Filter) -> str | None:
        same_db = r.strategy.database == self.name
        if flt.kind == "language":
            names = [language_name(v) for v in flt.values]
            if same_db and not flt.raw.endswith("(review.toml)"):
                return flt.raw
            shown = [f"{n} language" for n in names]
            return shown[0] if len(shown) == 1 else "(" + " or ".join(shown) + ")"
        if flt.kind == "entry-date" and flt.raw.endswith("(review.toml)") or \
                flt.kind == "entry-date" and not same_db:
            start = parse_date(flt.values[0], False) if flt.values else None
            end = parse_date(flt.values[1], True) if len(flt.values) > 1 else None
            s, e = start or self.OPEN_START, end or date.today()
            if self.ENTRY_LIMIT:
                return f"{self.ENTRY_LIMIT}{s:%Y%m%d}-{e:%Y%m%d}"
            r.emit(codes.PUBLICATION_DATE, f"{self.label} has no entry-date limit; "
                   f"'{flt.raw}' uses the publication year", flt)
            return f'yr="{s.year}-{e.year}"'
        if same_db:
            return flt.raw
        if flt.kind == "humans":
            return self.HUMANS_LIMIT
        if flt.kind == "year":
            return flt.raw
        r.emit(codes.LIMIT_DROPPED, f"limit to {flt.raw} may not exist in {self.label}; dropped",
               flt)
        return None

    HUMANS_LIMIT: ClassVar[str | None] = "humans"

    def heading_syntax(self, r: Renderer, h: Heading, label: str, explode: bool) -> Out:
        # ovid.md §8: exp *Label/sh,sh
        shown = f'"{label}"' if any(_needs_quotes(w) for w in label.split()) or "/" in label \
            else label
        subs = h.subheadings
        if subs and h.vocabulary != self.VOCABULARY:
            r.emit(codes.SUBHEADING_CHANGED, f"subheadings /{','.join(subs)} are "
                   f"{h.vocabulary} codes; dropped for {self.VOCABULARY}", h)
            subs = ()
        return Out(f"{'exp ' if explode else ''}{'*' if h.major else ''}{shown}/{','.join(subs)}",
                   True)

    def single_query(self, r: Renderer, node: Any, lines: list[RenderedLine]) -> str:
        # Ovid has no API here: what a person pastes is the numbered strategy itself.
        return "\n".join(f"{ln.line} {ln.text}" for ln in lines)


class OvidMedline(Ovid):
    name = "ovid-medline"
    label = "Ovid MEDLINE"
    VOCABULARY = "mesh"
    ENTRY_LIMIT = "ed="  # ovid.md §2: .ed. entry date (yyyymmdd)


class OvidEmbase(Ovid):
    name = "ovid-embase"
    label = "Embase (Ovid)"
    VOCABULARY = "emtree"  # ovid.md §8: Emtree headings differ from MeSH; re-map, never copy
    ENTRY_LIMIT = "dc="  # ovid.md §2: .dc. date created
    HUMANS_LIMIT = "human"  # ovid.md §9: Embase's limit is "human"
    FIELDS: ClassVar[dict[str, F]] = {
        **Ovid.FIELDS,
        # ovid.md §2: Embase .tw. adds drug trade names
        "tw": F("tw", "broader", "Embase .tw. also searches drug trade names"),
    }


class OvidPsycinfo(Ovid):
    name = "ovid-psycinfo"
    label = "APA PsycInfo (Ovid)"
    VOCABULARY = "apa"
    HUMANS_LIMIT = "human"
    FIELDS: ClassVar[dict[str, F]] = {
        **Ovid.FIELDS,
        # ovid.md §2: PsycInfo has no .kf./.kw.; key concepts are .id.
        "kf": F("id", "exact", "PsycInfo author keywords are key concepts (.id.)"),
        "kw": F("id", "exact", "PsycInfo author keywords are key concepts (.id.)"),
    }
