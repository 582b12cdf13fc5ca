"""The subject-heading crosswalk (trawl.vocab), used through two small functions.

Renderers ask for a heading's counterpart in their thesaurus (`vocab_lookup`) and for its entry
terms when it falls back to free text (`vocab_entry_terms`). When trawl.vocab cannot be used the
renderer says so (DIA029) and falls back to free text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from trawl.dialects import codes
from trawl.query.ast import Heading

if TYPE_CHECKING:
    from trawl.dialects.base import Renderer


def vocab_lookup(r: Renderer, h: Heading) -> Any:
    try:
        from trawl import vocab
        lookup = vocab.lookup
    except (ImportError, AttributeError):
        r.emit(codes.VOCAB_UNAVAILABLE, "trawl.vocab.lookup is not available; headings fall "
               "back to free text")
        return None
    try:
        return lookup(h.label, source=h.vocabulary, target=r.d.VOCABULARY)
    except (ValueError, KeyError, LookupError):
        return None


def vocab_entry_terms(r: Renderer, h: Heading) -> list[str]:
    try:
        from trawl import vocab
        entry_terms = vocab.entry_terms
    except (ImportError, AttributeError):
        r.emit(codes.VOCAB_UNAVAILABLE, "trawl.vocab.entry_terms is not available; free-text "
               "fallbacks use the heading label only")
        return []
    return list(_entry_terms(entry_terms, h.label, h.vocabulary))


def vocab_free_text(r: Renderer, h: Heading) -> tuple[tuple[str, ...], ...]:
    """The words of each distinct phrase a heading's free-text fallback searches: its label, then
    its entry terms (brackets and quotes removed, MeSH's inverted "Kits, Diagnostic" read in
    order, case-insensitive duplicates dropped)."""
    try:
        from trawl import vocab
        entry_terms = vocab.entry_terms
    except (ImportError, AttributeError):
        r.emit(codes.VOCAB_UNAVAILABLE, "trawl.vocab.entry_terms is not available; free-text "
               "fallbacks use the heading label only")
        entry_terms = None
    return _free_text(entry_terms, h.label, h.vocabulary)


_NOT_SEARCHED = re.compile(r"[()\[\]\"]")


@lru_cache(maxsize=4096)
def _free_text(entry_terms: Any, label: str, vocabulary: str) -> tuple[tuple[str, ...], ...]:
    """`vocab_free_text`, cached per heading (a lookup by label: the crosswalk never changes)."""
    texts = [label, *(_entry_terms(entry_terms, label, vocabulary) if entry_terms else ())]
    out: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for text in texts:
        clean = " ".join(_NOT_SEARCHED.sub(" ", text).split())
        if "," in clean:  # MeSH inverts ("Reagent Kits, Diagnostic"); text reads it in order
            head, _, rest = clean.partition(",")
            clean = f"{rest.strip()} {head.strip()}".strip()
        if not clean or clean.casefold() in seen:
            continue
        seen.add(clean.casefold())
        out.append(tuple(clean.split()))
    return tuple(out)


@lru_cache(maxsize=4096)
def _entry_terms(entry_terms: Any, label: str, vocabulary: str) -> tuple[str, ...]:
    """trawl.vocab's entry terms, cached per heading (the crosswalk data never changes)."""
    try:
        return tuple(entry_terms(label, vocabulary=vocabulary))
    except (ValueError, KeyError, LookupError):
        return ()
