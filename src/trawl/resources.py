"""Where the data that ships with trawl lives: grammars, connector cards, vocabularies."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def grammar(name: str) -> str:
    """The text of ``grammars/<name>.lark``."""
    return resources.files("trawl.grammars").joinpath(f"{name}.lark").read_text(encoding="utf-8")


def connector_cards() -> list[Traversable]:
    """Every ``connectors/*.toml`` card, sorted by file name."""
    root = resources.files("trawl.connectors")
    return sorted((p for p in root.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)
