"""Which target field(s) an Ovid field suffix becomes, and how a review overrides that.

Each dialect has a table from Ovid suffixes (``"ti,ab"``) to its own field codes, with the
relation of the two (exact, broader, narrower) and a why. A review can change the mapping in
``review.toml``::

    [fields]
    # An Ovid suffix -> the Ovid fields it stands for in this review, on every target.
    # The seed protocol searches "title, abstract, and keywords" while its lines say .ti,ab.:
    "ti,ab" = "ti,ab,kf"
    # The Ovid fields a heading's free-text fallback searches (default "ti,ab").
    headings = "ti,ab,kf"

    [fields.scopus]
    # Per target: an Ovid suffix -> the target's own field codes (OR-ed), overriding the dialect.
    "ti,ab,kf" = "TITLE,ABS,AUTHKEY"

Keys are Ovid field codes without dots, comma separated, in any order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Relation = Literal["exact", "broader", "narrower", "configured"]

# Ovid codes in the order people write them, so "ab,ti" and "ti,ab" are the same key.
_ORDER = ["ti", "ab", "kf", "kw", "id", "tw", "mp", "ot", "sh", "hw", "af", "jw", "jn", "nm", "rn",
          "pt", "lg", "yr", "ed", "dc", "fs", "xm", "mh", "mf"]


def canon(fields: tuple[str, ...] | list[str] | str) -> str:
    """The canonical key of an Ovid field set: ``"ab,ti"`` -> ``"ti,ab"``."""
    return _canon(fields if isinstance(fields, str) else tuple(fields))


@lru_cache(maxsize=1024)
def _canon(fields: tuple[str, ...] | str) -> str:
    if isinstance(fields, str):
        fields = [f for f in fields.replace(".", "").split(",") if f.strip()]
    codes = sorted({f.strip().lower() for f in fields},
                   key=lambda c: (_ORDER.index(c) if c in _ORDER else len(_ORDER), c))
    return ",".join(codes)


@dataclass(frozen=True, slots=True)
class F:
    """One row of a dialect's field table: target codes (OR-ed), relation to Ovid, and why."""

    codes: tuple[str, ...]
    relation: Relation = "exact"
    note: str = ""

    def __init__(self, codes: str | tuple[str, ...], relation: Relation = "exact", note: str = ""):
        if isinstance(codes, str):
            codes = (codes,)
        object.__setattr__(self, "codes", tuple(codes))
        object.__setattr__(self, "relation", relation)
        object.__setattr__(self, "note", note)


@dataclass(frozen=True, slots=True)
class FieldUse:
    """The resolved mapping of one Ovid suffix for one target."""

    ovid: str  # the suffix as written, canonical: "ti,ab"
    via: str  # the Ovid fields it stands for after review.toml rewrites: "ti,ab,kf"
    codes: tuple[str, ...]  # the target's codes, OR-ed; () = the target's default (no code)
    relation: Relation
    note: str
    source: Literal["dialect", "review.toml"]
    unknown: tuple[str, ...] = ()  # Ovid codes the target has nothing for

    def describe(self, shown: str) -> dict:
        return {"ovid": f".{self.ovid}.", "via": f".{self.via}.", "target": shown,
                "relation": self.relation, "note": self.note, "source": self.source}


_RANK = {"exact": 0, "configured": 0, "narrower": 1, "broader": 2}
_OVID_KEY = re.compile(r"^[a-z]{2}(,[a-z]{2})*$")


def config_problem(fields: dict, targets: tuple[str, ...]) -> str | None:
    """What is wrong with a review.toml ``[fields]`` table, or None (see the module docstring)."""
    for key, value in fields.items():
        if key in targets:
            if not isinstance(value, dict) or not all(
                    isinstance(k, str) and _OVID_KEY.match(canon(k)) and isinstance(v, str)
                    for k, v in value.items()):
                return (f"[fields.{key}] must map Ovid suffixes to the target's field codes, "
                        'e.g. "ti,ab" = "TITLE,ABS"')
        elif key == "headings":
            if not isinstance(value, str) or not _OVID_KEY.match(canon(value)):
                return '[fields] headings must be Ovid field codes, e.g. headings = "ti,ab,kf"'
        elif not _OVID_KEY.match(canon(key)):
            return (f"[fields] key {key!r} is neither Ovid field codes (\"ti,ab\"), 'headings', "
                    "nor a target name")
        elif not isinstance(value, str) or not _OVID_KEY.match(canon(value)):
            return f'[fields] "{key}" must name Ovid field codes, e.g. "ti,ab,kf"'
    return None


def resolve(table: dict[str, F], default: F, ovid: str, via: str, override: str | None,
            ) -> FieldUse:
    """Map the Ovid field set ``via`` (already rewritten by the review) with ``table``."""
    if override is not None:
        codes = tuple(c.strip() for c in override.split(",") if c.strip())
        return FieldUse(ovid, via, codes, "configured", "set in review.toml [fields]",
                        "review.toml")
    source = "review.toml" if via != ovid else "dialect"
    if via in table:
        row = table[via]
        return FieldUse(ovid, via, row.codes, row.relation, row.note, source)
    codes: list[str] = []
    notes: list[str] = []
    relation: Relation = "exact"
    unknown: list[str] = []
    for code in via.split(","):
        row = table.get(code)
        if row is None:
            unknown.append(code)
            row = default
        for c in row.codes:
            if c not in codes:
                codes.append(c)
        if row.note:
            notes.append(row.note)
        if _RANK[row.relation] > _RANK[relation]:
            relation = row.relation
    if unknown and relation == "exact":
        relation = "broader"
    return FieldUse(ovid, via, tuple(codes), relation, "; ".join(dict.fromkeys(notes)), source,
                    tuple(unknown))
