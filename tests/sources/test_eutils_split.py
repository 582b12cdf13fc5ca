"""PubMed: a search over the ESearch cap is split by Entrez date until every slice fits —
nothing is silently cut. The cap is lowered to 99 so the test stays small; the logic is the same."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs

import httpx
import pytest
from fakeapi import record

from trawl.sources import eutils
from trawl.sources.base import Limits
from trawl.sources.cards import get_card
from trawl.sources.harvest import Plan, harvest_source
from trawl.sources.http import Http, RetryPolicy
from trawl.store import Store

HEAD = ('<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD '
        'esearch 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n')


class FakePubMed:
    """N records with Entrez dates spread over 2000–2020; ESearch returns at most CAP ids."""

    def __init__(self, n: int, cap: int):
        self.cap = cap
        first, days = date(2000, 1, 1), (date(2020, 12, 31) - date(2000, 1, 1)).days
        self.edat = {i: first + timedelta(days=i * days // n) for i in range(n)}
        self.counts = 0

    def _window(self, form) -> list[int]:
        lo = date(*map(int, form["mindate"][0].split("/")))
        hi = date(*map(int, form["maxdate"][0].split("/")))
        return [i for i, d in self.edat.items() if lo <= d <= hi]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        if request.url.path.endswith("esearch.fcgi"):
            hits = self._window(form)
            if form.get("rettype") == ["count"]:
                self.counts += 1
                return httpx.Response(200, text=f"{HEAD}<eSearchResult><Count>{len(hits)}</Count>"
                                      "</eSearchResult>")
            ids = "".join(f"<Id>{30000000 + i}</Id>" for i in hits[: self.cap])  # the silent cut
            return httpx.Response(200, text=f"{HEAD}<eSearchResult><Count>{len(hits)}</Count>"
                                  f"<RetMax>{min(len(hits), self.cap)}</RetMax><RetStart>0"
                                  f"</RetStart><IdList>{ids}</IdList></eSearchResult>")
        wanted = [int(x) - 30000000 for x in form["id"][0].split(",")]
        return httpx.Response(200, text="\n" + "\n\n".join(record("pubmed", i) for i in wanted))


def test_over_the_cap_is_split_by_date_and_nothing_is_lost(tmp_path, monkeypatch):
    monkeypatch.setattr(eutils, "CAP", 99)
    fake = FakePubMed(450, cap=99)
    env = {"TRAWL_PUBMED_RATE": "100000"}
    store = Store.create(tmp_path / "s.sqlite")
    with Http(retry=RetryPolicy(attempts=2, initial=0.0001, maximum=0.001),
              transport=httpx.MockTransport(fake), env=env) as http:
        result = harvest_source(store, Plan("medline", get_card("pubmed"), "peer support", {}),
                                Limits(cutoff=date(2021, 1, 4)), http, env=env, page_size=50)
    assert result.status == "complete", result.note
    held = sorted(r.record.pmid for r in store.records(source="medline"))
    assert held == sorted(str(30000000 + i) for i in range(450))
    plan = next(e for e in store.events() if e.kind == "harvest plan").payload
    assert plan["total"] == 450 and len(plan["slices"]) >= 5
    assert all(s["count"] <= 99 for s in plan["slices"])
    assert fake.counts >= len(plan["slices"])
    assert store.verify().ok


def test_a_single_day_over_the_cap_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(eutils, "CAP", 5)
    fake = FakePubMed(40, cap=5)
    fake.edat = {i: date(2010, 5, 5) for i in range(40)}
    with Http(retry=RetryPolicy(attempts=2, initial=0.0001, maximum=0.001),
              transport=httpx.MockTransport(fake), env={}) as http:
        client = eutils.Client(get_card("pubmed"), http, "https://eutils.example", env={
            "TRAWL_PUBMED_RATE": "100000"})
        with pytest.raises(eutils.HarvestError, match="single day"):
            list(client.pages("q", {"mindate": "2010/01/01", "maxdate": "2010/12/31"}, None))
