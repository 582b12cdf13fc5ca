"""What every API client shares: the review's limits, the page it yields, and the paging loop.

An API client is small and explicit: ``request(state)`` says what to send for the page after
``state``, ``parse(response, state)`` reads records, the announced total and the next state out of
the answer. `ApiClient.pages` walks from a state to the end, sending each request through the run's
`Http` (rate limits, retries) — so paging lives in this one loop, not in each client. The state
after a page is that page's checkpoint: ``--resume`` hands it back to ``pages``.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from trawl.sources.cards import Source
from trawl.sources.http import Fetched, Http, Req
from trawl.store.record import Record

# Language names a review uses → the codes sources want (ISO 639-1, ISO 639-2/B, display name).
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "english": ("en", "eng", "English"),
    "norwegian": ("no", "nor", "Norwegian"),
    "swedish": ("sv", "swe", "Swedish"),
    "danish": ("da", "dan", "Danish"),
    "german": ("de", "ger", "German"),
    "french": ("fr", "fre", "French"),
    "spanish": ("es", "spa", "Spanish"),
    "dutch": ("nl", "dut", "Dutch"),
    "finnish": ("fi", "fin", "Finnish"),
    "italian": ("it", "ita", "Italian"),
    "portuguese": ("pt", "por", "Portuguese"),
}


def language_codes(name: str) -> tuple[str, str, str]:
    key = name.strip().lower()
    for codes in LANGUAGES.values():
        if key in (c.lower() for c in codes):
            return codes
    return LANGUAGES.get(key, (key[:2], key[:3], name.title()))


@dataclass(frozen=True)
class Limits:
    """The review's date window and language limit, as every source should apply them."""

    start: date | None = None
    cutoff: date | None = None
    languages: tuple[str, ...] = ()

    @property
    def day_after_cutoff(self) -> date | None:
        return self.cutoff + timedelta(days=1) if self.cutoff else None


@dataclass
class Applied:
    """Which limits went to the source, and which trawl must apply after harvest."""

    date_at_source: str = ""  # how, e.g. "maxdate=2021/01/04 (datetype=edat)"; "" = not
    language_at_source: str = ""
    filter_date_after: bool = False
    filter_language_after: bool = False

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Page:
    """One committed unit: the raw answer, its records, and where to continue after it."""

    payload: bytes
    media_type: str
    records: list[Record]
    request: dict
    response: dict
    checkpoint: dict  # the state after this page; {"done": True} at the end
    reported_total: int | None = None
    note: str | None = None


@dataclass
class Parsed:
    records: list[Record]
    total: int | None
    next_state: dict | None  # None: this was the last page


class ApiClient:
    """Base for the per-API modules. Subclasses set ``request`` and ``parse`` (or ``pages``)."""

    media_type = "application/json"

    def __init__(self, card: Source, http: Http, base_url: str, *,
                 env: Mapping[str, str] | None = None, page_size: int | None = None,
                 source_name: str | None = None):
        self.card = card
        self.source_name = source_name or card.name  # the review's name: records carry it
        self.http = http
        self.base = base_url.rstrip("/")
        self.env = os.environ if env is None else env
        assert card.paging is not None
        self.page_size = min(page_size or card.paging.page_size, card.paging.max_page_size)
        # set by the harvest loop: read back a payload stored earlier (PubMed id lists)
        self.payload_lookup: Callable[[str], bytes | None] = lambda sha: None
        self.log: Callable[[str, dict], None] = lambda kind, payload: None
        # the API parameter the query goes into, when the renderer chose one (OpenAlex)
        self.query_param: str | None = None

    # -- what subclasses provide ---------------------------------------------------------
    def prepare(self, query: str, params: Mapping[str, str], limits: Limits
                ) -> tuple[str, dict[str, Any], Applied]:
        """Fold the review's limits into the query/parameters as this source allows."""
        raise NotImplementedError

    def first_state(self) -> dict:
        return {}

    def request(self, query: str, params: Mapping[str, Any], state: dict) -> Req:
        raise NotImplementedError

    def parse(self, response: httpx.Response, state: dict) -> Parsed:
        raise NotImplementedError

    def count(self, query: str) -> int:
        """Hits for one query (``trawl counts``); sources that cannot count raise."""
        raise NotImplementedError(f"{self.card.name} cannot count hits")

    # -- shared ---------------------------------------------------------------------------
    def env_value(self, name: str) -> str:
        return self.env.get(name, "")

    @property
    def auth_env(self) -> list[str]:
        return list(self.card.auth.required_env) + list(self.card.auth.optional_env)

    def send(self, req: Req, parse: Callable[[httpx.Response], Any]) -> Fetched:
        assert self.card.rate is not None
        return self.http.call(
            self.card.name, req, parse, per_second=self.card.rate_for(self.env),
            auth_env=self.auth_env, throttle_statuses=self.card.rate.throttle_statuses)

    def pages(self, query: str, params: Mapping[str, Any], state: dict | None) -> Iterator[Page]:
        """Walk from ``state`` (None = the beginning) to the last page."""
        state = dict(state) if state else self.first_state()
        while not state.get("done"):
            req = self.request(query, params, state)
            current = state
            fetched = self.send(req, lambda r, s=current: self.parse(r, s))
            parsed: Parsed = fetched.value
            next_state = parsed.next_state if parsed.next_state is not None else {"done": True}
            yield Page(payload=fetched.body, media_type=fetched.media_type,
                       records=parsed.records, request=fetched.request,
                       response=fetched.response, checkpoint=next_state,
                       reported_total=parsed.total)
            state = next_state


def join_filters(*parts: str) -> str:
    """Comma-joined filter list without repeats (the renderer and the limits may both add one)."""
    out: list[str] = []
    for part in parts:
        for item in (part or "").split(","):
            if item and item not in out:
                out.append(item)
    return ",".join(out)


def json_body(response: httpx.Response) -> Any:
    """The JSON of a 200 answer, or BadPayload (truncated, HTML error page, malformed)."""
    from trawl.sources.http import BadPayload

    try:
        return response.json()
    except ValueError as exc:
        raise BadPayload(f"not JSON ({exc}); starts {response.content[:60]!r}") from None


def parse_date(value: str | None) -> date | None:
    """YYYY-MM-DD (or longer ISO) → date; anything partial → None."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def to_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def year_of(value: Any) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    m = re.search(r"(1[5-9]\d\d|20\d\d)", text)
    return int(m.group(1)) if m else None


def split_name(name: str) -> dict[str, str | None]:
    """'Family, Given' or 'Given Family' → Author fields."""
    name = " ".join(name.split())
    if "," in name:
        family, given = name.split(",", 1)
        return {"family": family.strip(), "given": given.strip() or None}
    parts = name.rsplit(" ", 1)
    if len(parts) == 2:
        return {"family": parts[1], "given": parts[0]}
    return {"family": name, "given": None}


_TAGS = re.compile(r"<[^>]+>")


def plain_text(markup: str | None) -> str | None:
    """Markup (JATS, HTML, EDS highlight tags) → plain text with single spaces."""
    if not markup:
        return None
    text = markup
    if "<" not in text and "&lt;" in text:  # EDS sends its markup escaped
        text = html.unescape(text)
    text = re.sub(r"<(jats:)?title>\s*Abstract\s*</(jats:)?title>", " ", text, flags=re.I)
    text = _TAGS.sub(" ", text)
    text = html.unescape(text)
    return " ".join(text.split()) or None


def first(value: Any) -> Any:
    """The first element of a list, or the value itself."""
    if isinstance(value, list):
        return value[0] if value else None
    return value
