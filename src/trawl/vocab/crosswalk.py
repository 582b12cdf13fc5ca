"""Subject-heading crosswalks: which Emtree / CINAHL / APA term stands in for a MeSH heading.

The mappings are data (``data/<vocabulary>.toml``), reviewed by a librarian, not code: this
module only loads and validates them. Each row says how the target relates to the source
(``exact``/``broader``/``narrower``/``none``) so a renderer can warn when a translation widens or
narrows a search, and falls back to free text (``entry_terms``) when there is no target term.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, TypeAlias, get_args

Relation: TypeAlias = Literal["exact", "broader", "narrower", "none"]
Kind: TypeAlias = Literal["heading", "check-tag"]

#: Target vocabularies with a crosswalk file, and the file's name.
TARGET_VOCABULARIES: tuple[str, ...] = ("emtree", "cinahl", "apa")
RELATIONS: tuple[str, ...] = get_args(Relation)


@dataclass(frozen=True, slots=True)
class Mapping:
    """One row of a crosswalk.

    ``relation`` describes the TARGET relative to the source: ``broader`` means searching
    ``target_label`` finds more than the source heading did. ``explode`` says whether the source's
    explosion (Ovid ``exp``) may be carried over to the target term. ``verified`` is true only
    when the target term was confirmed in the target thesaurus; ``note`` says what the row rests on.
    """

    source_label: str
    target: str
    target_label: str | None
    relation: Relation
    note: str
    explode: bool
    verified: bool = False
    kind: Kind = "heading"
    source: str = "mesh"


def _key(label: str) -> str:
    """Labels compare without case, surrounding quotes or repeated spaces (`"Delivery of …"`)."""
    return " ".join(label.strip().strip("\"'").split()).casefold()


def _data(name: str) -> dict:
    text = resources.files("trawl.vocab").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _row(target: str, raw: dict, where: str) -> Mapping:
    """Validate one ``[[mapping]]`` table; a bad data file is a packaging bug, so fail loudly."""
    relation = raw.get("relation")
    if relation not in RELATIONS:
        raise ValueError(f"{where}: relation {relation!r} is not one of {RELATIONS}")
    label = raw.get("target")
    if (relation == "none") != (label is None):
        raise ValueError(f"{where}: a target term is required unless relation is 'none'")
    if not raw.get("note"):
        raise ValueError(f"{where}: every mapping needs a note saying what it rests on")
    kind = raw.get("kind", "heading")
    if kind not in get_args(Kind):
        raise ValueError(f"{where}: kind {kind!r} is not one of {get_args(Kind)}")
    return Mapping(
        source_label=raw["mesh"],
        target=target,
        target_label=label,
        relation=relation,
        note=raw["note"],
        explode=bool(raw.get("explode", False)),
        verified=bool(raw.get("verified", False)),
        kind=kind,
    )


@cache
def _table(target: str) -> tuple[Mapping, ...]:
    if target not in TARGET_VOCABULARIES:
        raise ValueError(f"no crosswalk for {target!r}; known: {', '.join(TARGET_VOCABULARIES)}")
    data = _data(f"{target}.toml")
    rows = tuple(
        _row(target, raw, f"vocab/data/{target}.toml mapping {i + 1}")
        for i, raw in enumerate(data.get("mapping", []))
    )
    seen: set[str] = set()
    for row in rows:
        if _key(row.source_label) in seen:
            raise ValueError(f"vocab/data/{target}.toml maps {row.source_label!r} twice")
        seen.add(_key(row.source_label))
    return rows


@cache
def _index(target: str) -> dict[str, Mapping]:
    return {_key(m.source_label): m for m in _table(target)}


def crosswalk_table(target: str) -> list[Mapping]:
    """Every row of one target's crosswalk, in file order (for reports and review)."""
    return list(_table(target))


def lookup(label: str, source: str = "mesh", target: str = "emtree") -> Mapping | None:
    """The mapping of a ``source`` heading into ``target``, or None when the heading is not listed.

    None means "nobody has reviewed this heading" (the caller should warn and fall back to free
    text); a Mapping with ``relation="none"`` means "reviewed: the target has no such term".
    A MeSH entry term (e.g. ``Socialized Medicine``) is looked up under its preferred heading.
    """
    if source != "mesh":
        raise ValueError(f"crosswalks start from MeSH only, not {source!r}")
    if target == "mesh":
        preferred = _preferred_mesh(label)
        if preferred is None:
            return None
        return Mapping(label, "mesh", preferred, "exact", "Same vocabulary.", True, True)
    index = _index(target)
    found = index.get(_key(label))
    if found is None:
        preferred = _preferred_mesh(label)
        if preferred is not None:
            found = index.get(_key(preferred))
    return found


# --- MeSH entry terms ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Descriptor:
    ui: str
    name: str
    entry_terms: tuple[str, ...]
    children: tuple[str, ...]


@cache
def _descriptors() -> dict[str, Descriptor]:
    out: dict[str, Descriptor] = {}
    for raw in _data("mesh_entry_terms.toml")["descriptor"]:
        d = Descriptor(
            ui=raw["ui"],
            name=raw["name"],
            entry_terms=tuple(raw["entry_terms"]),
            children=tuple(raw.get("children_mesh2015", ())),
        )
        out[_key(d.name)] = d
    return out


@cache
def _entry_index() -> dict[str, str]:
    """Entry term → preferred heading name."""
    index: dict[str, str] = {}
    for d in _descriptors().values():
        for term in d.entry_terms:
            index.setdefault(_key(term), d.name)
    return index


def _preferred_mesh(label: str) -> str | None:
    key = _key(label)
    if key in _descriptors():
        return _descriptors()[key].name
    return _entry_index().get(key)


def entry_terms(label: str, vocabulary: str = "mesh") -> list[str]:
    """The MeSH entry terms of a heading (from the shipped MeSH 2019 extract), in NLM's order.

    An empty list means the heading is not in the extract (the caller then has only the label
    itself for a free-text fallback). Inverted forms ("Behavior, Cooperative") are kept as NLM
    lists them; `free_text_terms` gives the forms worth searching as text.
    """
    if vocabulary != "mesh":
        raise ValueError(f"entry terms are shipped for MeSH only, not {vocabulary!r}")
    preferred = _preferred_mesh(label)
    if preferred is None:
        return []
    return list(_descriptors()[_key(preferred)].entry_terms)


def free_text_terms(label: str) -> list[str]:
    """The heading name and its natural-order entry terms, de-duplicated, for a text fallback.

    Inverted entry terms ("Medicine, State") are dropped: no author writes them in a title.
    """
    preferred = _preferred_mesh(label) or " ".join(label.strip().strip("\"'").split())
    terms = [preferred, *(t for t in entry_terms(label) if "," not in t)]
    seen: set[str] = set()
    out: list[str] = []
    for term in terms:
        if _key(term) not in seen:
            seen.add(_key(term))
            out.append(term)
    return out
