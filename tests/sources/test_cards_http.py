"""Connector cards, base-URL overrides, the shared HTTP client, post-harvest filters, cassettes."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from cassette_replay import CASSETTES

from trawl.query.diagnostics import TrawlError
from trawl.sources.base import Applied, Limits
from trawl.sources.cards import base_url, cards, get_card, parse_card
from trawl.sources.harvest import filter_after
from trawl.sources.http import (
    AuthError,
    BadPayload,
    HarvestError,
    Http,
    RateLimiter,
    Req,
    RetryPolicy,
    parse_retry_after,
)
from trawl.store.record import Record

PROTOCOL = ("pubmed", "psycinfo", "embase", "primo", "worldcat", "google-scholar", "scopus",
            "academic-search-elite", "cinahl", "wos")
OPEN = ("openalex", "europepmc", "crossref", "semantic-scholar", "ebsco-eds")


def test_every_source_has_a_card():
    assert set(PROTOCOL + OPEN) <= set(cards())
    assert get_card("medline").name == "pubmed" and get_card("oria").name == "primo"
    for card in cards().values():
        if card.route == "api":
            assert card.paging.page_size <= card.paging.max_page_size
            assert card.rate.per_second > 0 and card.base_url.startswith("https://")
    assert get_card("pubmed").rate_for({}) == 3 and get_card("pubmed").rate_for(
        {"NCBI_API_KEY": "x"}) == 10


def test_card_errors_name_the_card_and_key():
    with pytest.raises(TrawlError, match=r"connectors/x.toml: key 'paging.page_size'"):
        parse_card('name="x"\nlabel="X"\nplatform="p"\ndialect="d"\nroute="api"\nclient="c"\n'
                   'base_url="https://x"\n[paging]\nmethod="cursor"\npage_size=0\nmax_page_size=1\n'
                   '[rate]\nper_second=1\n', "connectors/x.toml")
    with pytest.raises(TrawlError, match=r"connectors/y.toml: key 'client'"):
        parse_card('name="y"\nlabel="Y"\nplatform="p"\ndialect="d"\nroute="api"\n',
                   "connectors/y.toml")
    with pytest.raises(TrawlError, match="connectors/z.toml"):
        parse_card("name = ", "connectors/z.toml")
    with pytest.raises(TrawlError, match="no connector card 'nope'"):
        get_card("nope")


def test_base_url_overrides_environment_then_review_then_card():
    card = get_card("pubmed")
    assert base_url(card, env={}) == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    assert base_url(card, review_base_url="https://proxy.example/eutils/", env={}) == \
        "https://proxy.example/eutils"
    env = {"TRAWL_MEDLINE_BASE_URL": "http://127.0.0.1:1/m"}
    assert base_url(card, source_name="medline", review_base_url="https://p", env=env) == \
        "http://127.0.0.1:1/m"
    env = {"TRAWL_SEMANTIC_SCHOLAR_BASE_URL": "http://127.0.0.1:2"}
    assert base_url(get_card("semantic-scholar"), env=env) == "http://127.0.0.1:2"
    with pytest.raises(TrawlError, match="no API"):
        base_url(get_card("cinahl"), env={})


def test_retry_after_seconds_and_http_date():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now=1445412480) == 5.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_rate_limiter_spaces_requests_and_obeys_announced_limits():
    now = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    limiter = RateLimiter(10, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.acquire()
    assert now[0] == pytest.approx(0.4)  # five starts at 0, .1, .2, .3, .4
    limiter.observe(httpx.Headers({"x-rate-limit-limit": "5", "x-rate-limit-interval": "1s"}))
    assert limiter.per_second == 5


def _http(handler, **kw) -> Http:
    return Http(retry=RetryPolicy(attempts=4, initial=0.0001, maximum=0.001, retry_after_cap=0.001),
                transport=httpx.MockTransport(handler), sleep=lambda s: None, env=kw.get("env", {}))


def test_retries_429_and_5xx_then_succeeds():
    answers = iter([httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(503),
                    httpx.Response(200, json={"ok": 1})])
    http = _http(lambda r: next(answers))
    got = http.call("x", Req("GET", "https://api.example/x"), lambda r: r.json(), per_second=1e6)
    assert got.value == {"ok": 1} and http.retries == 2


def test_unreadable_body_is_retried_then_gives_a_resumable_error():
    http = _http(lambda r: httpx.Response(200, content=b'{"trunc'))

    def parse(r):
        try:
            return r.json()
        except ValueError as exc:
            raise BadPayload(str(exc)) from None

    with pytest.raises(HarvestError, match="gave up after 4 attempts"):
        http.call("x", Req("GET", "https://api.example/x"), parse, per_second=1e6)
    assert http.requests_sent == 4


def test_no_retry_on_401_and_the_variable_is_named_but_not_its_value():
    sent = []

    def handler(request):
        sent.append(request)
        return httpx.Response(401, text="bad key sekrit-value-123")

    http = _http(handler, env={"WOS_API_KEY": "sekrit-value-123"})
    with pytest.raises(AuthError) as err:
        http.call("wos", Req("GET", "https://api.example/x", params={"apiKey": "sekrit-value-123"}),
                  lambda r: r, per_second=1e6, auth_env=["WOS_API_KEY"])
    assert len(sent) == 1
    assert "WOS_API_KEY" in str(err.value) and "sekrit-value-123" not in str(err.value)
    described = Req("GET", "u", params={"apiKey": "sekrit-value-123", "q": "x"}).describe()
    assert described["params"] == {"apiKey": "<redacted>", "q": "x"}


def test_openalex_403_is_a_throttle_not_an_auth_error():
    answers = iter([httpx.Response(403), httpx.Response(200, json={})])
    http = _http(lambda r: next(answers))
    card = get_card("openalex")
    http.call("openalex", Req("GET", "https://api.example/works"), lambda r: r.json(),
              per_second=1e6, throttle_statuses=card.rate.throttle_statuses)


def test_filter_after_harvest_removes_only_what_provably_falls_outside():
    limits = Limits(cutoff=date(2021, 1, 4), languages=("english",))
    applied = Applied(filter_date_after=True, filter_language_after=True)
    recs = [Record(source="s", accession="a", published=date(2021, 1, 4), languages=["en"]),
            Record(source="s", accession="b", published=date(2021, 1, 5)),
            Record(source="s", accession="c", year=2022),
            Record(source="s", accession="d", year=2021),  # undetermined: kept
            Record(source="s", accession="e", year=2019, languages=["nor"]),
            Record(source="s", accession="f", year=2019)]  # language unknown: kept
    kept, removed = filter_after(recs, limits, applied)
    assert [r.accession for r in kept] == ["a", "d", "f"]
    assert [r["accession"] for r in removed] == ["b", "c", "e"]
    assert all(r["reason"] for r in removed)


SECRET_PATTERNS = [
    re.compile(r"(?i)api[_-]?key=(?!REDACTED|<redacted>)[A-Za-z0-9]{8,}"),
    re.compile(r'"(AuthToken|SessionToken|access_token)"\s*:\s*"(?!<redacted>|<token>)[^"]+"'),
    re.compile(r"(?i)bearer [A-Za-z0-9._-]{20,}"),
    re.compile(r"ACZn6X21DK3ZaSB"),  # the (expired) EDS token in the original recording
    re.compile(r"c400a14f-4eeb-426e-9bad-6be35c890a34"),
]


@pytest.mark.parametrize("path", sorted(CASSETTES.glob("*.json")), ids=lambda p: p.name)
def test_cassettes_hold_no_secrets_and_say_where_they_come_from(path: Path):
    text = path.read_text(encoding="utf-8")
    for pattern in SECRET_PATTERNS:
        assert not pattern.search(text), f"{path.name}: {pattern.pattern}"
    data = json.loads(text)
    assert data["built_from"] and data["interactions"]
    assert data["synthetic"] == ("synthetic" in path.name)
    for item in data["interactions"]:
        for key, value in item["request"].get("params", {}).items():
            if key.lower() in ("apikey", "api_key", "key"):
                assert value in ("<redacted>", "REDACTED"), (path.name, key)


def test_rich_progress_runs_without_a_terminal():
    from trawl.sources.progress import RichProgress

    with RichProgress() as progress:
        progress.start("europepmc")
        progress.page("europepmc", 100, 250)
        progress.page("europepmc", 100, 250)
        progress.finish("europepmc", "complete")
    task = progress.bars.tasks[0]
    assert task.completed == 200 and task.fields["pages"] == 2


def test_worldcat_renews_an_expired_token_once():
    calls = []

    def handler(request):
        calls.append(request.url.path)
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": f"t{len(calls)}", "expires_in": 1199})
        if request.headers["Authorization"] == "Bearer t1":
            return httpx.Response(401, json={"title": "expired"})
        return httpx.Response(200, json={"numberOfRecords": 1, "briefRecords": [
            {"oclcNumber": "1", "title": "A book"}]})

    from trawl.sources.harvest import client_for

    env = {"OCLC_CLIENT_ID": "id", "OCLC_CLIENT_SECRET": "s", "TRAWL_WORLDCAT_RATE": "1000"}
    client = client_for(get_card("worldcat"), _http(handler, env=env), env=env)
    pages = list(client.pages("ti:x", {}, None))
    assert pages[0].records[0].title == "A book"
    assert [p.rsplit("/", 1)[-1] for p in calls] == ["token", "brief-bibs", "token", "brief-bibs"]
