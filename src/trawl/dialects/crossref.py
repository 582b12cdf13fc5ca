"""Crossref REST API ``query.bibliographic`` plus precise filters (crossref.md).

Crossref has no Boolean, phrase, truncation or proximity syntax (crossref.md §1): the strategy
becomes one relevance-ranked bag of its distinct words, and only the filters stay exact.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from trawl.dialects import codes
from trawl.dialects.base import Dialect, Renderer
from trawl.dialects.rendering import RenderedLine
from trawl.dialects.wildcards import NONE
from trawl.query.ast import Bool, Filter, Heading, Limit, LineRange, LineRef

_WORD = re.compile(r"[\w'’-]+")
_WILDCARD = re.compile(r"\*\d*|[?#]")


class Crossref(Dialect):
    name = "crossref"
    label = "Crossref"
    reference = "crossref.md"
    HISTORY = None
    FIELD_STYLE = "none"
    WILDCARDS = NONE  # crossref.md §1: no truncation or wildcards
    NOTES = ("Crossref ranks by relevance and ORs the words; screen the top N results and "
             "report N (crossref.md §5)",)

    def line_text(self, r: Renderer, node: Any) -> str:
        return " ".join(self.words_of(r, node)[0])

    def words_of(self, r: Renderer, node: Any) -> tuple[list[str], bool]:
        """The distinct words of ``node`` in order, and whether they may be reused. A sub-tree is
        read once per walk (inlined lines repeat earlier lines; reading it again would only
        re-emit the same diagnostics at the same line), unless it holds a filter: the renderer
        must see those every time (each visit adds its API parameter)."""
        memo: dict[int, tuple[Any, list[str]]] = r.scratch.setdefault("crossref words", {})
        hit = memo.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1], True
        reusable = True
        if isinstance(node, Filter):
            r.filter(node)
            return [], False
        if isinstance(node, LineRef | LineRange):
            words = []
        elif isinstance(node, Heading):
            words = _distinct(_words_in(node.label))
        elif hasattr(node, "text"):
            if "*" in node.text or "?" in node.text or "#" in node.text:
                r.emit(codes.WILDCARD_DROPPED, f"'{node.text}': truncation dropped", node)
            words = _distinct(_words_in(node.text))
        elif isinstance(node, Bool) and node.op == "not":
            if len(node.children) > 1:
                r.emit(codes.NOT_DROPPED, "Crossref cannot exclude words; the NOT part was "
                       "dropped", node)
            words, reusable = self.words_of(r, node.children[0])
        else:
            kids = [node.child, *node.filters] if isinstance(node, Limit) else _children(node)
            parts = [self.words_of(r, k) for k in kids]
            words = _distinct(w for found, _ in parts for w in found)
            reusable = all(ok for _, ok in parts)
        if reusable:
            memo[id(node)] = (node, words)  # the entry keeps the node alive: no id reuse
        return words, reusable

    def single_query(self, r: Renderer, node: Any, lines: list[RenderedLine]) -> str:
        r.emit(codes.CROSSREF_BAG, "Crossref: Boolean, phrases, proximity, field suffixes and "
               "subject headings (only their label words remain) are lost; the query is the "
               "strategy's distinct words, ranked by relevance")
        r.query_param = "query.bibliographic"  # crossref.md §1: recommended over query=
        return self.line_text(r, node)

    def has_entry_date_param(self) -> bool:
        # crossref.md §2: created-date is the first deposit and never moves; index-date changes
        # whenever a record is re-indexed, so an until-index-date cutoff would silently drop
        # works updated after the cutoff on a re-run.
        return True

    def date_params(self, r: Renderer, start: date | None, end: date | None,
                    entry: bool) -> dict[str, str] | None:
        names = ("from-created-date", "until-created-date") if entry else \
            ("from-pub-date", "until-pub-date")
        parts = [f"{names[0]}:{start.isoformat()}"] if start else []
        if end:
            parts.append(f"{names[1]}:{end.isoformat()}")
        return {"filter": ",".join(parts)} if parts else None


def _words_in(text: str) -> list[str]:
    return _WORD.findall(_WILDCARD.sub("", text))


def _distinct(words: Any) -> list[str]:
    """Words in order, each once (case-insensitive), without the Boolean operator words."""
    out: list[str] = []
    seen: set[str] = set()
    for w in words:
        if w.casefold() not in seen and w.lower() not in ("and", "or", "not"):
            seen.add(w.casefold())
            out.append(w)
    return out


def _children(node: Any) -> list[Any]:
    """The direct sub-nodes of a node (operands, children, words or child)."""
    for attr in ("children", "operands", "words"):
        kids = getattr(node, attr, None)
        if kids is not None:
            return list(kids)
    child = getattr(node, "child", None)
    return [child] if child is not None else []
