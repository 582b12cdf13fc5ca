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
        words: list[str] = []
        seen: set[str] = set()
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, Filter):
                r.filter(n)
                continue
            if isinstance(n, Bool) and n.op == "not":
                if len(n.children) > 1:
                    r.emit(codes.NOT_DROPPED, "Crossref cannot exclude words; the NOT part "
                           "was dropped", n)
                stack.append(n.children[0])
                continue
            if isinstance(n, Limit):
                stack.extend(reversed([n.child, *n.filters]))
                continue
            if isinstance(n, LineRef | LineRange):
                continue
            if isinstance(n, Heading):
                text = n.label
            elif hasattr(n, "text"):
                if "*" in n.text or "?" in n.text or "#" in n.text:
                    r.emit(codes.WILDCARD_DROPPED, f"'{n.text}': truncation dropped", n)
                text = n.text
            else:
                stack.extend(reversed([k for k in _children(n)]))
                continue
            for w in re.findall(r"[\w'’-]+", re.sub(r"\*\d*|[?#]", "", text)):
                if w.casefold() not in seen and w.lower() not in ("and", "or", "not"):
                    seen.add(w.casefold())
                    words.append(w)
        return " ".join(words)

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


def _children(node: Any) -> list[Any]:
    """The direct sub-nodes of a node (operands, children, words or child)."""
    for attr in ("children", "operands", "words"):
        kids = getattr(node, attr, None)
        if kids is not None:
            return list(kids)
    child = getattr(node, "child", None)
    return [child] if child is not None else []
