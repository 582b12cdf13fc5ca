"""The subject-heading crosswalk (trawl.vocab), used through two small functions.

Renderers ask for a heading's counterpart in their thesaurus (`vocab_lookup`) and for its entry
terms when it falls back to free text (`vocab_entry_terms`). When trawl.vocab cannot be used the
renderer says so (DIA029) and falls back to free text.
"""

from __future__ import annotations

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


@lru_cache(maxsize=4096)
def _entry_terms(entry_terms: Any, label: str, vocabulary: str) -> tuple[str, ...]:
    """trawl.vocab's entry terms, cached per heading (the crosswalk data never changes)."""
    try:
        return tuple(entry_terms(label, vocabulary=vocabulary))
    except (ValueError, KeyError, LookupError):
        return ()
