"""What a renderer returns: one strategy in one target's syntax, in both forms, with diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trawl.query.diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class RenderedLine:
    """One line of the search-history form. ``line`` is the Ovid statement number it renders
    (one past the last statement for the review-limits line trawl adds)."""

    line: int
    text: str


@dataclass(slots=True)
class Rendering:
    """A strategy rendered for one target.

    ``query`` is the whole strategy as one string (what an API receives, line references
    inlined); ``queries`` lists the pieces when a length limit forced a split (else just
    ``[query]``); ``lines`` is the search-history form; ``api_params`` are filters that travel as
    API parameters rather than in the query string; ``fields`` records which target fields each
    Ovid suffix became and why; ``query_param`` names the API parameter the query goes into when
    that choice is part of the translation (OpenAlex ``search.title_and_abstract.exact``).
    """

    target: str
    query: str
    queries: list[str]
    lines: list[RenderedLine]
    diagnostics: list[Diagnostic]
    api_params: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    query_param: str | None = None

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)

    def to_json(self) -> dict[str, Any]:
        """The ARCHITECTURE.md contract ``{"target","query","lines","diagnostics"}`` plus extras."""
        return {
            "target": self.target,
            "query": self.query,
            "queries": list(self.queries),
            "lines": [{"line": ln.line, "text": ln.text} for ln in self.lines],
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "api_params": dict(self.api_params),
            "query_param": self.query_param,
            "fields": self.fields,
        }
