"""Wildcard conversion by meaning, not by symbol.

A `Term`'s text uses the AST's canonical Ovid notation (``*`` unlimited, ``*N`` at most N
characters, ``?`` zero or one character, ``#`` exactly one). Each target declares the symbol it
uses for each of those *meanings* (comparison.md §3); where it has none, the next broader meaning
is used with a warning, and where it has no wildcards at all the symbol is dropped with a warning.
Symbols are never copied across: ``?`` means three different things on Ovid, Scopus and WorldCat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from trawl.dialects import codes

_TOKEN = re.compile(r"\*(\d+)|\*|\?|#")


@dataclass(frozen=True, slots=True)
class Wildcards:
    """A target's wildcard symbols by meaning; ``None`` = the target has no such symbol."""

    unlimited: str | None = "*"  # zero or more characters
    limited: str | None = None  # at most n characters; a template with {n}
    optional: str | None = None  # zero or one character
    single: str | None = "?"  # exactly one character
    min_stem: int = 1  # characters required before the first wildcard
    short_stem_code: str = codes.TRUNCATION_TOO_SHORT


NONE = Wildcards(unlimited=None, single=None)


@lru_cache(maxsize=8192)
def convert(text: str, wc: Wildcards) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``text`` in the target's symbols, plus ``(code, message)`` for every loss (cached: a
    pure function of the word and the target's symbols)."""
    result, losses = _convert(text, wc)
    return result, tuple(losses)


def _convert(text: str, wc: Wildcards) -> tuple[str, list[tuple[str, str]]]:
    if not any(c in text for c in "*?#"):
        return text, []
    losses: list[tuple[str, str]] = []
    out: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        out.append(text[pos:m.start()])
        pos = m.end()
        sym = m.group(0)
        if m.group(1) is not None:  # *N limited truncation
            n = int(m.group(1))
            if wc.limited is not None:
                out.append(wc.limited.format(n=n))
            elif wc.unlimited is not None:
                out.append(wc.unlimited)
                losses.append((codes.LIMITED_TRUNCATION,
                               f"'{text}': at most {n} characters became unlimited truncation"))
            else:
                losses.append((codes.WILDCARD_DROPPED, _dropped(text, "truncation")))
        elif sym == "*":
            if wc.unlimited is not None:
                out.append(wc.unlimited)
            else:
                losses.append((codes.WILDCARD_DROPPED, _dropped(text, "truncation")))
        elif sym == "?":
            if wc.optional is not None:
                out.append(wc.optional)
            elif wc.unlimited is not None:
                out.append(wc.unlimited)
                losses.append((codes.WILDCARD_APPROXIMATED,
                               f"'{text}': '?' (zero or one character) became '{wc.unlimited}' (any number)"))
            else:
                losses.append((codes.WILDCARD_DROPPED, _dropped(text, "optional character")))
        else:  # "#": exactly one character
            if wc.single is not None:
                out.append(wc.single)
            elif wc.unlimited is not None:
                out.append(wc.unlimited)
                losses.append((codes.WILDCARD_APPROXIMATED,
                               f"'{text}': '#' (exactly one character) became '{wc.unlimited}' (any number)"))
            else:
                losses.append((codes.WILDCARD_DROPPED, _dropped(text, "single-character wildcard")))
    out.append(text[pos:])
    result = "".join(out)
    first = _TOKEN.search(text)
    if first is not None and first.start() < wc.min_stem and result != _strip(text):
        losses.append((wc.short_stem_code,
                       f"'{text}': fewer than {wc.min_stem} characters before the wildcard; "
                       f"searched as '{_strip(text)}' without truncation"))
        return _strip(text), losses
    return result, losses


def _dropped(text: str, what: str) -> str:
    return (f"'{text}': no {what} on this target; searched as '{_strip(text)}' "
            "(add the word forms you mean by hand)")


def _strip(text: str) -> str:
    return _TOKEN.sub("", text)
