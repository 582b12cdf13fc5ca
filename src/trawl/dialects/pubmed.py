"""PubMed (web and E-utilities ``term``), pubmed.md."""

from __future__ import annotations

from typing import Any, ClassVar

from trawl.dialects import codes
from trawl.dialects.base import DateTpl, Dialect, Out, Renderer, Seq
from trawl.dialects.fields import F, FieldUse
from trawl.dialects.wildcards import Wildcards
from trawl.query.ast import Heading

_PROXIMITY_FIELDS = {"tiab", "ti", "ad"}  # pubmed.md §6: proximity works in these tags only


class PubMed(Dialect):
    name = "pubmed"
    label = "PubMed"
    reference = "pubmed.md"
    HISTORY = "#{n}"  # pubmed.md §5: history numbers #1 AND #2
    # pubmed.md §5: strict left-to-right, no precedence -> the engine brackets every operand
    WILDCARDS = Wildcards(
        unlimited="*",  # pubmed.md §4: * at the end or inside a word
        single=None,  # pubmed.md §4: no single-character or optional wildcard -> *
        min_stem=4,  # pubmed.md §4: at least 4 characters before the first *
        short_stem_code=codes.PUBMED_SHORT_STEM,
    )
    FIELD_STYLE = "term"  # pubmed.md §1: (a OR b)[tiab] is not valid; tag every term
    FIELDS: ClassVar[dict[str, F]] = {
        "ti": F("ti"),
        # pubmed.md §1: no abstract-only tag is documented; [tiab] is the safe, broader choice
        "ab": F("tiab", "broader", "[tiab] also searches titles and author keywords"),
        # pubmed.md §1: [tiab] includes author keywords (OT), so .ti,ab. alone is slightly broader
        "ti,ab": F("tiab", "broader", "[tiab] also searches author keywords"),
        "ti,ab,kf": F("tiab"),
        "ti,ab,kw": F("tiab"),
        "kf": F("ot"), "kw": F("ot"),  # pubmed.md §1: [ot] author keywords
        # pubmed.md §1: Ovid .tw. (title+abstract) is NOT PubMed [tw]; map to [tiab]
        "tw": F("tiab", "broader", "[tiab] also searches author keywords"),
        # ovid.md §3 / pubmed.md §1: .mp. includes heading words; [tw] is the closest
        "mp": F("tw", "broader", "[tw] also searches MeSH, publication types and substances"),
        "sh": F("mh:noexp"), "pt": F("pt"),
        "fs": F("sh"),  # pubmed.md §1: [sh] floating subheading (Ovid dt.fs.) "nm": F("nm"), "rn": F("rn"),
        "jn": F("ta"), "jw": F("ta"), "au": F("au"),
        "af": F("all", "broader", "[all] goes through Automatic Term Mapping"),
    }
    DEFAULT_FIELD = F("tw", "broader", "no PubMed tag for this Ovid field")
    FIELD_CODES = frozenset({"tiab", "ti", "ot", "tw", "all", "mh", "mh:noexp", "majr", "pt", "sh",
                             "nm", "rn", "ta", "au", "ad"})
    VOCABULARY = "mesh"
    LANGUAGE = "{name}[la]"  # pubmed.md §8
    # pubmed.md §7: [crdt] create date, NLM's recommendation for re-runs
    ENTRY_DATE = DateTpl("{start:%Y/%m/%d}:{end:%Y/%m/%d}[crdt]",
                         "{start:%Y/%m/%d}:{end:%Y/%m/%d}[crdt]")
    PUB_DATE = DateTpl("{start:%Y/%m/%d}:{end:%Y/%m/%d}[dp]", "{start:%Y/%m/%d}:{end:%Y/%m/%d}[dp]")
    HUMANS = "humans[mh]"  # pubmed.md §8
    NOTES = ("PubMed: every term carries a field tag, which switches off Automatic Term "
             "Mapping (pubmed.md §2); ESearch returns at most 10,000 IDs per query (§10)",)

    def describe_codes(self, field_codes: tuple[str, ...]) -> str:
        return " OR ".join(f"[{c}]" for c in field_codes)

    def tag(self, r: Renderer, fu: FieldUse, inner: Out, node: Any) -> Out:
        if not fu.codes:
            return inner
        outs = [Out(f"{inner.text}[{c}]") if inner.atomic else
                Out(" AND ".join(f"{w}[{c}]" for w in inner.text.split(" AND ")), False)
                for c in fu.codes]
        return r.or_join(outs)

    def near_pair(self, r: Renderer, seqs: tuple[Seq, ...], distance: int,
                  f: FieldUse | None, node: Any) -> Out | None:
        if distance == 0 and len(seqs) == 2:  # adjacency either order: two tagged phrases
            return super().near_pair(r, seqs, distance, f, node)
        fu = f or r.field(("mp",), node)
        # pubmed.md §6: "a b"[tiab:~N], plain words only (no wildcards), ti/tiab/ad only
        if len(fu.codes) != 1 or fu.codes[0] not in _PROXIMITY_FIELDS:
            return None
        if any(w.has_wildcard for s in seqs for w in s) or any(len(s) != 1 for s in seqs):
            return None
        if len(seqs) != 2:  # "a b c"[tiab:~N] means all within N of each other: not Ovid's chain
            return None
        words = " ".join(r.word(s[0]) for s in seqs)
        return Out(f'"{words}"[{fu.codes[0]}:~{distance}]')

    def heading_syntax(self, r: Renderer, h: Heading, label: str, explode: bool) -> Out:
        # pubmed.md §12.8: [mh] explodes by default, Ovid X/ does not -> X/ becomes [mh:noexp]
        base = "majr" if h.major else "mh"
        tag = base if explode else f"{base}:noexp"
        if not explode:
            r.emit(codes.PUBMED_NO_EXPLODE, f"'{label}/' is not exploded in Ovid; rendered "
                   f"[{tag}] because PubMed [{base}] explodes", h)
        clean = label.replace("(", " ").replace(")", " ").strip()  # pubmed.md §1
        subs = h.subheadings if h.vocabulary == "mesh" else ()
        if h.subheadings and not subs:
            r.emit(codes.SUBHEADING_CHANGED, f"subheadings /{','.join(h.subheadings)} are "
                   f"{h.vocabulary} codes; dropped for MeSH", h)
        if not subs:
            return Out(f'"{clean}"[{tag}]')
        if len(subs) > 1:  # pubmed.md §12.9: one subheading per heading
            r.emit(codes.SUBHEADING_CHANGED, f"{label}/{','.join(subs)}: PubMed takes one "
                   "subheading per heading; one clause per subheading, ORed", h)
        return r.or_join([Out(f'"{clean}/{s}"[{tag}]') for s in subs])
