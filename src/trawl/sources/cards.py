"""Connector cards: ``connectors/<source>.toml`` loaded into a `Source`.

A card says what a source is and how to talk to it — platform, dialect, API or export route,
base URL, the environment variables holding its credentials, page size and result caps, rate
limit, and which parameters carry its date and language filters. Limits live in the cards, not in
code, so a librarian can read (and an institution can adjust) them in one place.

The rate can be overridden with ``TRAWL_<SOURCE>_RATE`` (requests per second). Every base URL
can be overridden: ``TRAWL_<SOURCE>_BASE_URL`` in the environment (the source name
upper-cased, ``-`` → ``_``) wins over ``[sources.<name>] base_url`` in review.toml, which wins
over the card. Institutions route traffic through proxies and mirrors; tests point sources at a
local server the same way.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trawl.query.diagnostics import Diagnostic, TrawlError, register

CARD_INVALID = register(
    "HARVEST001", "error", "A connector card is not valid TOML or a key has the wrong value."
)
UNKNOWN_SOURCE = register(
    "HARVEST002", "error", "No connector card has this name (or alias)."
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Auth(_Strict):
    required_env: list[str] = Field(default_factory=list)  # the run stops if one is unset
    optional_env: list[str] = Field(default_factory=list)  # used when set (faster pool, polite id)


class Paging(_Strict):
    method: Literal["history", "cursor", "token", "offset", "page"]
    page_size: int = Field(gt=0)
    max_page_size: int = Field(gt=0)
    result_cap: int | None = None  # the most records one query can page through
    max_jump: int | None = None  # EDS: how far ahead of the last record a page may start


class Rate(_Strict):
    per_second: float = Field(gt=0)
    per_second_with_key: float | None = None
    key_env: str | None = None  # the variable whose presence selects per_second_with_key
    concurrency: int = 1
    throttle_statuses: list[int] = Field(default_factory=list)  # non-429 "slow down" answers
    daily_quota: int | None = None
    weekly_quota: int | None = None


class Filters(_Strict):
    date_param: str = ""  # where the cutoff goes; "" = the source cannot filter by date
    date_field: str = ""  # which date that is: entry, load, publication ...
    language_param: str = ""  # where the language limit goes; "" = filtered after harvest
    can_count: bool = False  # `trawl counts` can ask it for a hit count


class Export(_Strict):
    formats: list[str] = Field(default_factory=list)


class Source(_Strict):
    """One connector card."""

    name: str
    label: str
    platform: str
    dialect: str
    route: Literal["api", "export"]
    aliases: list[str] = Field(default_factory=list)
    client: str | None = None  # module in trawl.sources for the api route
    base_url: str | None = None
    token_url: str | None = None
    docs: str = ""
    auth: Auth = Field(default_factory=Auth)
    paging: Paging | None = None
    rate: Rate | None = None
    filters: Filters = Field(default_factory=Filters)
    export: Export | None = None

    @property
    def env_prefix(self) -> str:
        return env_prefix(self.name)

    def rate_for(self, env: Mapping[str, str] | None = None) -> float:
        """Requests per second allowed now: ``TRAWL_<NAME>_RATE`` (a rate an institution was
        granted, or a test server's), else the keyed rate when its key is set, else the card's."""
        env = os.environ if env is None else env
        override = env.get(self.env_prefix + "_RATE")
        if override:
            try:
                return float(override)
            except ValueError:
                raise TrawlError(Diagnostic.of(CARD_INVALID, f"{self.env_prefix}_RATE: "
                                               f"{override!r} is not a number")) from None
        if self.rate is None:
            return 1.0
        if self.rate.per_second_with_key and self.rate.key_env and env.get(self.rate.key_env):
            return self.rate.per_second_with_key
        return self.rate.per_second


def env_prefix(name: str) -> str:
    return "TRAWL_" + name.upper().replace("-", "_")


def parse_card(text: str, where: str) -> Source:
    """Validate one card's TOML text; errors name the card and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TrawlError(Diagnostic.of(CARD_INVALID, f"connector card {where}: {exc}")) from None
    try:
        card = Source(**data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "?"
        raise TrawlError(
            Diagnostic.of(CARD_INVALID, f"connector card {where}: key {key!r}: {err['msg']}")
        ) from None
    if card.route == "api" and (card.client is None or card.base_url is None or card.paging is None
                                or card.rate is None):
        missing = [k for k in ("client", "base_url", "paging", "rate") if getattr(card, k) is None]
        raise TrawlError(Diagnostic.of(
            CARD_INVALID, f"connector card {where}: key {missing[0]!r}: required for route 'api'"))
    stem = where.rsplit("/", 1)[-1].removesuffix(".toml")
    if where.endswith(".toml") and stem != card.name:
        raise TrawlError(Diagnostic.of(
            CARD_INVALID, f"connector card {where}: key 'name': {card.name!r} differs from the file name"))
    return card


@cache
def cards() -> dict[str, Source]:
    """Every shipped card by name."""
    from trawl.resources import connector_cards

    out: dict[str, Source] = {}
    for path in connector_cards():
        card = parse_card(path.read_text(encoding="utf-8"), f"connectors/{path.name}")
        out[card.name] = card
    return out


def get_card(name: str) -> Source:
    """The card called ``name`` or having it as an alias (``medline`` → pubmed, ``oria`` → primo)."""
    all_cards = cards()
    if name in all_cards:
        return all_cards[name]
    for card in all_cards.values():
        if name in card.aliases:
            return card
    known = ", ".join(sorted(all_cards))
    raise TrawlError(Diagnostic.of(UNKNOWN_SOURCE, f"no connector card {name!r}; known: {known}"))


def base_url(card: Source, *, source_name: str | None = None, review_base_url: str | None = None,
             env: Mapping[str, str] | None = None) -> str:
    """Where requests for this source go: environment, then review.toml, then the card.

    ``source_name`` is the review's name for the source (``medline``); both it and the card's name
    (``pubmed``) are looked up as ``TRAWL_<NAME>_BASE_URL``.
    """
    env = os.environ if env is None else env
    for name in dict.fromkeys(n for n in (source_name, card.name) if n):
        value = env.get(env_prefix(name) + "_BASE_URL")
        if value:
            return value.rstrip("/")
    if review_base_url:
        return review_base_url.rstrip("/")
    if card.base_url is None:
        raise TrawlError(Diagnostic.of(
            CARD_INVALID, f"connector card connectors/{card.name}.toml: key 'base_url': "
            "this source has no API (route 'export'); import its export files instead"))
    return card.base_url.rstrip("/")
