"""The compiler front end: clean a pasted Ovid strategy, parse it, resolve its lines, lint it.

Public API (imported lazily, so ``import trawl.query.ast`` stays cheap and lark loads on first use):

- ``analyse(text, *, database="ovid-medline", strict=False) -> Analysis``
- ``parse_strategy(text, *, database="ovid-medline") -> Strategy`` (raises TrawlError)
- ``to_ovid(node | Statement | Strategy) -> str``
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trawl.query.analysis import Analysis, analyse, parse_strategy
    from trawl.query.printer import to_ovid

__all__ = ["Analysis", "analyse", "parse_strategy", "to_ovid"]

_HOME = {"Analysis": "analysis", "analyse": "analysis", "parse_strategy": "analysis",
         "to_ovid": "printer"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(f"trawl.query.{_HOME[name]}"), name)
    raise AttributeError(f"module 'trawl.query' has no attribute {name!r}")
