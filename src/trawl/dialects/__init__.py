"""Renderers: one class per target syntax (see base.py for the shared engine).

``get_dialect(name).render(strategy, review=None)`` returns a `Rendering`: the whole strategy as
one query, the search-history lines, the API parameters and every diagnostic of what was lost or
approximated.
"""

from __future__ import annotations

from trawl.dialects.base import Dialect
from trawl.dialects.codes import UNKNOWN_TARGET
from trawl.dialects.crossref import Crossref
from trawl.dialects.ebsco import AcademicSearchElite, Cinahl
from trawl.dialects.embase import EmbaseCom
from trawl.dialects.europepmc import EuropePMC
from trawl.dialects.google_scholar import GoogleScholar
from trawl.dialects.openalex import OpenAlex
from trawl.dialects.ovid import OvidEmbase, OvidMedline, OvidPsycinfo
from trawl.dialects.primo import Primo
from trawl.dialects.pubmed import PubMed
from trawl.dialects.rendering import RenderedLine, Rendering
from trawl.dialects.scopus import Scopus
from trawl.dialects.semantic_scholar import SemanticScholar
from trawl.dialects.worldcat import WorldCat
from trawl.dialects.wos import WebOfScience
from trawl.query.diagnostics import Diagnostic, TrawlError

_CLASSES: tuple[type[Dialect], ...] = (
    OvidMedline, OvidEmbase, OvidPsycinfo, PubMed, Scopus, WebOfScience, Cinahl,
    AcademicSearchElite, EmbaseCom, GoogleScholar, WorldCat, Primo, OpenAlex, EuropePMC,
    Crossref, SemanticScholar,
)
TARGETS: tuple[str, ...] = tuple(c.name for c in _CLASSES)  # ARCHITECTURE.md order
_BY_NAME = {c.name: c for c in _CLASSES}


def get_dialect(name: str) -> Dialect:
    """The renderer for one target name (see TARGETS); TrawlError for an unknown name."""
    cls = _BY_NAME.get(name)
    if cls is None:
        raise TrawlError(Diagnostic.of(
            UNKNOWN_TARGET, f"unknown target {name!r}; known: {', '.join(TARGETS)}"))
    return cls()


__all__ = ["TARGETS", "Dialect", "RenderedLine", "Rendering", "get_dialect"]
