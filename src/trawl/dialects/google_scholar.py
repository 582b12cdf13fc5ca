"""Google Scholar (google-scholar.md): a full-text web engine; every translation is lossy."""

from __future__ import annotations

from typing import Any, ClassVar

from trawl.dialects import codes
from trawl.dialects.base import LANGUAGES, Dialect, Out, Renderer, paren
from trawl.dialects.fields import F, FieldUse
from trawl.dialects.split import queries_within
from trawl.dialects.wildcards import NONE
from trawl.query.ast import Bool

MAX_PIECES = 200  # beyond this, splitting is no help: say so
MAX_CHARS = 256  # google-scholar.md §3: longer strings are cut or ignored
_FULL_TEXT = F((), "broader", "Google Scholar searches the full text (google-scholar.md §2)")


class GoogleScholar(Dialect):
    name = "google-scholar"
    label = "Google Scholar"
    reference = "google-scholar.md"
    HISTORY = None  # google-scholar.md §2: no search history -> inline
    AND = " "  # google-scholar.md §1: AND is a space; the word AND is not an operator
    OR = " OR "
    WILDCARDS = NONE  # google-scholar.md §2: no truncation or wildcards at all
    FIELD_STYLE = "term"
    FIELDS: ClassVar[dict[str, F]] = {
        "ti": F("intitle:"),  # google-scholar.md §1: intitle: per word or phrase
        **{k: _FULL_TEXT for k in ("ab", "ti,ab", "ti,ab,kf", "ti,ab,kw", "tw", "mp", "kf", "kw")},
    }
    DEFAULT_FIELD = _FULL_TEXT
    FIELD_CODES = frozenset({"intitle:"})
    NOTES = ("Google Scholar has no API: run each query by hand or with Publish or Perish; "
             "only the first 1,000 results can be viewed (google-scholar.md §3, §4)",)

    def describe_codes(self, field_codes: tuple[str, ...]) -> str:
        return " OR ".join(field_codes) if field_codes else "anywhere (full text)"

    def tag(self, r: Renderer, fu: FieldUse, inner: Out, node: Any) -> Out:
        if not fu.codes or not inner.atomic:
            return inner
        return r.or_join([Out(f"{c}{inner.text}") for c in fu.codes])

    def not_expr(self, r: Renderer, node: Bool, left: Out, right: Out,
                 f: FieldUse | None, grouped: bool) -> Out | None:
        # google-scholar.md §1: NOT is a minus attached to a word or phrase
        excluded = node.children[1]
        alts = excluded.children if isinstance(excluded, Bool) and excluded.op == "or" \
            else (excluded,)
        outs = [r.out(a, f, grouped) for a in alts]
        if all(o is not None and o.atomic for o in outs):
            minus = " ".join(f"-{o.text}" for o in outs if o is not None)
            return Out(f"{paren(left)} {minus}", False)
        r.emit(codes.NOT_DROPPED, f"Google Scholar cannot exclude '{right.text[:60]}'; the "
               "NOT part was dropped", node)
        return left

    def language_params(self, r: Renderer, langs: list[str]) -> dict[str, str] | None:
        # google-scholar.md §1: lr=lang_en URL parameter
        return {"lr": "|".join(f"lang_{LANGUAGES.get(n, (n, n[:2]))[1]}" for n in langs)}

    def date_params(self, r: Renderer, start, end, entry: bool) -> dict[str, str] | None:
        if entry:
            return None
        # google-scholar.md §1: as_ylo / as_yhi (years only)
        out = {"as_yhi": str(end.year)} if end else {}
        if start:
            out["as_ylo"] = str(start.year)
        return out or None

    def split(self, r: Renderer, node: Any, query: str) -> list[str]:
        depth = max_depth(query)
        if depth > 1:
            r.emit(codes.NESTING_UNRELIABLE, f"the query nests brackets {depth} deep; Google "
                   "Scholar is reliable only one level deep (google-scholar.md §2)")
        return queries_within(r, node, query, lambda t: len(t) <= MAX_CHARS, label=self.label,
                              split_code=codes.SCHOLAR_SPLIT, max_pieces=MAX_PIECES,
                              split_reason=f"{len(query)} characters > {MAX_CHARS}",
                              too_long=f"cannot be split below {MAX_CHARS}")


def max_depth(text: str) -> int:
    depth = deepest = 0
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif not quoted and ch == ")":
            depth -= 1
    return deepest
