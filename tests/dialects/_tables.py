"""Helpers that make the per-target tests read like translation tables: Ovid in, target out."""

from __future__ import annotations

from datetime import date

from trawl.dialects import get_dialect
from trawl.dialects.rendering import Rendering
from trawl.query import parse_strategy
from trawl.review import Review


def render(target: str, ovid: str, *, database: str = "ovid-medline",
           review: Review | None = None) -> Rendering:
    """Parse an Ovid strategy (one or more lines) and render it for ``target``."""
    return get_dialect(target).render(parse_strategy(ovid, database=database), review)


def line(target: str, ovid: str, **kw) -> tuple[str, set[str]]:
    """The last line's rendering and the set of diagnostic codes of the whole rendering."""
    r = render(target, ovid, **kw)
    return r.lines[-1].text, {d.code for d in r.diagnostics}


def review(**kw) -> Review:
    """A minimal review: cutoff 2021-01-04 unless given."""
    body = {"name": "t", "cutoff": date(2021, 1, 4), **kw}
    return Review(**body)


def check(target: str, ovid: str, expected: str, codes: set[str], **kw) -> None:
    text, found = line(target, ovid, **kw)
    assert text == expected
    missing = codes - found
    assert not missing, f"expected diagnostics {missing} not reported (got {sorted(found)})"
