"""Each API client against cassettes built from the real recorded responses (no network)."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs

import httpx
import pytest
from cassette_replay import Cassette

from trawl.query.diagnostics import TrawlError
from trawl.sources.base import Limits
from trawl.sources.cards import get_card
from trawl.sources.harvest import client_for
from trawl.sources.http import AuthError, HarvestError, Http, RetryPolicy

FAST = RetryPolicy(attempts=3, initial=0.0001, maximum=0.001, retry_after_cap=0.001)
ENV = {"OPENALEX_API_KEY": "k-openalex-test", "ELSEVIER_API_KEY": "k-elsevier-test",
       "WOS_API_KEY": "k-wos-test", "OCLC_CLIENT_ID": "id", "OCLC_CLIENT_SECRET": "secret-oclc",
       "PRIMO_API_KEY": "k-primo-test", "PRIMO_VID": "47BIBSYS_NETWORK:TEST",
       "EDS_USER": "user", "EDS_PASSWORD": "pw-eds-test", "EDS_PROFILE": "eds-api",
       "CROSSREF_MAILTO": "librarian@example.org"}


def run(source: str, cassette: str, query: str = "q", *, page_size=None, max_pages=None,
        params=None, env=ENV):
    tape = Cassette(cassette)
    http = Http(retry=FAST, transport=tape.transport(), sleep=lambda s: None, env=env)
    client = client_for(get_card(source), http, env=env, page_size=page_size)
    pages = []
    for page in client.pages(query, params or {}, None):
        pages.append(page)
        if max_pages and len(pages) >= max_pages:
            break
    return pages, tape, client


def records(pages):
    return [r for p in pages for r in p.records]


def test_europepmc_walks_the_recorded_cursor_chain():
    pages, tape, _ = run("europepmc", "europepmc-cursor", "cancer", page_size=100, max_pages=10)
    assert len(pages) == 10 and tape.exhausted
    sent = [parse_qs(r.url.query.decode())["cursorMark"][0] for r in tape.sent]
    answers = [json.loads(i["response"]["body"])["nextCursorMark"] for i in tape.interactions]
    assert sent[0] == "*" and sent[1:] == answers[:-1]  # each cursor is the one the last page gave
    recs = records(pages)
    assert len(recs) == 1000 and len({r.accession for r in recs}) == 1000
    assert pages[0].reported_total == json.loads(tape.interactions[0]["response"]["body"])["hitCount"]
    assert pages[-1].checkpoint == {"cursor": answers[-1]}


def test_europepmc_core_fields_and_zero_hits():
    pages, _, _ = run("europepmc", "europepmc-core", "cancer", max_pages=1)
    first = pages[0].records[0]
    assert first.pmid == "39709209" and first.accession == "MED/39709209"
    assert first.doi == "10.1016/s0140-6736(24)02600-x"
    assert first.journal == "Lancet (London, England)" and first.issn == ["0140-6736", "1474-547X"]
    assert first.authors[0].family == "Schoenfeld" and first.languages == ["eng"]
    assert any(r.abstract for r in pages[0].records)
    pages, tape, _ = run("europepmc", "europepmc-no-results")
    assert len(pages) == 1 and pages[0].records == [] and pages[0].checkpoint == {"done": True}


def test_openalex_rebuilds_abstracts_and_ends_without_cursor():
    pages, tape, _ = run("openalex", "openalex-works", "nlp")
    assert len(pages) == 1 and pages[0].checkpoint == {"done": True} and tape.exhausted
    sent = parse_qs(tape.sent[0].url.query.decode())
    assert sent["cursor"] == ["*"] and sent["search"] == ["nlp"]
    w = pages[0].records[0]
    assert w.accession == "W4327510205" and w.doi == "10.3126/nelta.v27i1-2.53203"
    assert w.abstract.startswith("Since 2016, the")
    assert w.journal == "Journal of NELTA" and w.pages == "202-212"
    assert w.authors[0].family == "Thadphoothon"
    assert pages[0].reported_total == 65899 and len(pages[0].records) == 50


def test_openalex_html_404_is_a_clear_error():
    with pytest.raises(HarvestError, match="HTTP 404"):
        run("openalex", "openalex-not-found-html")


def test_crossref_cursor_and_jats_abstracts():
    pages, tape, _ = run("crossref", "crossref-cursor", "widget", page_size=20, max_pages=5)
    assert tape.exhausted and len(records(pages)) == 100
    sent = [parse_qs(r.url.query.decode()) for r in tape.sent]
    assert sent[0]["cursor"] == ["*"] and sent[0]["mailto"] == ["librarian@example.org"]
    nxt = json.loads(tape.interactions[0]["response"]["body"])["message"]["next-cursor"]
    assert sent[1]["cursor"] == [nxt]
    pages, _, _ = run("crossref", "crossref-query", "ecology", max_pages=1)
    abstracts = [r.abstract for r in pages[0].records if r.abstract]
    assert abstracts and all("<" not in a and "jats" not in a for a in abstracts)


def test_crossref_invalid_cursor_stops_with_a_resumable_error():
    with pytest.raises(HarvestError, match="cursor"):
        run("crossref", "crossref-cursor-invalid")


def test_semantic_scholar_token_paging_to_the_end():
    pages, tape, _ = run("semantic-scholar", "semantic-scholar-bulk", "kubernetes")
    assert tape.exhausted and [len(p.records) for p in pages] == [1000, 1000, 674]
    assert pages[-1].checkpoint == {"done": True} and pages[0].reported_total == 2674
    second = parse_qs(tape.sent[1].url.query.decode())
    assert second["token"] == [json.loads(tape.interactions[0]["response"]["body"])["token"]]
    pages, _, _ = run("semantic-scholar", "semantic-scholar-bulk-full", max_pages=1)
    r = pages[0].records[0]
    assert r.doi == "10.3837/tiis.2020.06.001" and r.published == date(2020, 6, 30)
    assert r.volume == "14" and r.authors[0].family == "Mu"


def test_semantic_scholar_forbidden_names_the_variable():
    card = get_card("semantic-scholar")
    tape = Cassette("semantic-scholar-forbidden")
    http = Http(retry=FAST, transport=tape.transport(), sleep=lambda s: None, env={})
    client = client_for(card, http, env={})
    from trawl.sources.http import Req

    with pytest.raises(AuthError, match="S2_API_KEY"):
        client.send(Req("POST", f"{client.base}/paper/batch"), lambda r: r.json())


def test_scopus_key_in_header_and_records():
    pages, tape, _ = run("scopus", "scopus-search", "TITLE-ABS-KEY(nlp)")
    assert pages[0].checkpoint == {"done": True}  # no cursor in an offset answer: walk ends
    sent = tape.sent[0]
    assert sent.headers["X-ELS-APIKey"] == "k-elsevier-test"
    assert "k-elsevier-test" not in str(sent.url) and "k-elsevier-test" not in json.dumps(
        pages[0].request)
    r = pages[0].records[0]
    assert r.accession == "2-s2.0-85145343459" and r.doi == "10.1515/9783110750584"
    assert r.authors[0].family == "Sumithra" and r.authors[0].given == "M.G."
    assert pages[0].reported_total == 14501 and len(pages[0].records) == 25


def test_wos_synthetic_pages():
    pages, tape, _ = run("wos", "wos-starter.synthetic", "TS=(peer support)", page_size=2)
    assert tape.exhausted and [len(p.records) for p in pages] == [2, 1]
    assert tape.sent[0].headers["X-ApiKey"] == "k-wos-test"
    assert records(pages)[0].other_ids["ut"].startswith("WOS:")


def test_worldcat_token_then_offsets_to_the_end():
    pages, tape, _ = run("worldcat", "worldcat-brief-bibs", "bn:0-9613921-1-8", page_size=10)
    assert tape.exhausted and len(pages) == 10 and len(records(pages)) == 93
    offsets = [parse_qs(r.url.query.decode())["offset"][0] for r in tape.sent[1:]]
    assert offsets == [str(1 + 10 * i) for i in range(10)]
    assert tape.sent[1].headers["Authorization"] == "Bearer <redacted>"
    assert tape.sent[0].headers["Authorization"].startswith("Basic ")
    assert records(pages)[0].title == "Envisioning information"


def test_primo_pnx_records_and_apikey_redacted():
    pages, tape, _ = run("primo", "primo-search", "any,contains,otters", page_size=10,
                         max_pages=1)
    assert parse_qs(tape.sent[0].url.query.decode())["apikey"] == ["k-primo-test"]
    assert pages[0].request["params"]["apikey"] == "<redacted>"
    r = pages[0].records[0]
    assert r.accession == "ALMA-BC21421261320001021" and r.title == "Otters"
    assert r.authors[0].family == "Goldsworthy" and r.year == 2012
    assert pages[0].reported_total == 96


def test_ebsco_eds_session_and_pages():
    pages, tape, _ = run("ebsco-eds", "ebsco-eds-paging", "economic development", page_size=20,
                         max_pages=2)
    pages_list = pages  # the generator closed: EndSession was sent
    assert tape.exhausted and len(pages_list) == 2
    body = json.loads(tape.sent[2].content)
    assert body["RetrievalCriteria"]["PageNumber"] == 1
    assert json.loads(tape.sent[3].content)["RetrievalCriteria"]["PageNumber"] == 2
    assert tape.sent[2].headers["x-sessionToken"] == "<redacted>"
    assert "pw-eds-test" not in json.dumps(pages[0].request)
    r = pages[0].records[0]
    assert r.accession == "cat02060a:d.uga.4175868" and r.year == 2014
    assert pages[0].reported_total == 744313


def test_ebsco_eds_bad_credentials_is_an_auth_error():
    with pytest.raises(AuthError, match="EDS_USER"):
        run("ebsco-eds", "ebsco-eds-bad-credentials", "x")


def test_pubmed_count_search_fetch():
    pages, tape, client = run("pubmed", "pubmed-eutils.derived", "biopython",
                              params={"datetype": "edat", "mindate": "1781/01/01",
                                      "maxdate": "2021/01/04"})
    assert tape.exhausted
    count_req = parse_qs(tape.sent[0].content.decode())
    assert count_req["rettype"] == ["count"] and count_req["maxdate"] == ["2021/01/04"]
    assert pages[0].records == [] and pages[0].checkpoint["ids_sha256"]
    recs = records(pages)
    assert [r.pmid for r in recs] == ["16403221", "16377612", "14871861", "14630660"]
    assert pages[-1].checkpoint == {"done": True}
    assert recs[0].headings and recs[0].journal


def test_pubmed_in_band_error_is_not_retried():
    with pytest.raises(HarvestError, match="reported an error"):
        run("pubmed", "pubmed-esearch-error", "x")


def test_every_client_prepares_the_review_limits():
    limits = Limits(cutoff=date(2021, 1, 4), languages=("english",))
    http = Http(retry=FAST, sleep=lambda s: None, env=ENV)
    seen = {}
    for name in ("pubmed", "scopus", "wos", "openalex", "europepmc", "crossref",
                 "semantic-scholar", "worldcat", "primo", "ebsco-eds"):
        client = client_for(get_card(name), http, env=ENV)
        query, params, applied = client.prepare("q", {}, limits)
        seen[name] = (query, params, applied)
        assert applied.date_at_source or applied.filter_date_after, name
        assert applied.language_at_source or applied.filter_language_after, name
    assert seen["pubmed"][1]["maxdate"] == "2021/01/04" and "english[la]" in seen["pubmed"][0]
    assert "until-created-date:2021-01-04" in seen["crossref"][1]["filter"]
    assert seen["crossref"][2].filter_language_after
    assert "language:en" in seen["openalex"][1]["filter"]
    assert seen["primo"][2].filter_date_after


def test_export_only_sources_have_no_client():
    with pytest.raises(TrawlError, match="no API route"):
        client_for(get_card("cinahl"), Http(env={}), env={})


def test_scopus_falls_back_to_offsets_when_the_cursor_is_restricted():
    body = Cassette("scopus-search").interactions[0]["response"]["body"]
    sent = []

    def handler(request):
        sent.append(dict(request.url.params))
        if "cursor" in request.url.params:
            return httpx.Response(403, json={"service-error": {"status": {
                "statusCode": "AUTHORIZATION_ERROR",
                "statusText": "Use of the cursor parameter is restricted"}}})
        return httpx.Response(200, content=body.encode(),
                              headers={"content-type": "application/json"})

    http = Http(retry=FAST, transport=httpx.MockTransport(handler), sleep=lambda s: None, env=ENV)
    client = client_for(get_card("scopus"), http, env=ENV, page_size=25)
    logged = []
    client.log = lambda kind, payload: logged.append(kind)
    pages = []
    for page in client.pages("TITLE(x)", {}, None):
        pages.append(page)
        if len(pages) == 3:
            break
    assert logged == ["cursor restricted"]
    assert [p.get("start") for p in sent[1:]] == ["0", "25", "50"]
    assert pages[-1].checkpoint == {"start": 75}
