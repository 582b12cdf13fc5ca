"""Harvests under injected faults end with exactly the records of a fault-free harvest, or stop
with a clear resumable error that loses nothing and ``resume`` completes."""

from __future__ import annotations

import pytest
from fakeapi import APIS, FAULTS, FakeApi, fault_schedule

from trawl.sources.base import Limits
from trawl.sources.cards import get_card
from trawl.sources.harvest import Plan, harvest_source
from trawl.sources.http import Http, RetryPolicy
from trawl.store import Store

FAST = RetryPolicy(attempts=5, initial=0.001, maximum=0.005, retry_after_cap=0.005)


def harvest(tmp_path, name: str, api: FakeApi, *, resume=False, store=None, attempts=5,
            max_pages=None):
    store = store or Store.create(tmp_path / f"{name}-{api.requests}.sqlite")
    prefix = f"TRAWL_{api.api.upper().replace('-', '_')}"
    env = {f"{prefix}_BASE_URL": api.url, f"{prefix}_RATE": "500",
           **{name: "fake-key-for-tests" for name in get_card(api.api).auth.required_env}}
    policy = RetryPolicy(attempts=attempts, initial=0.001, maximum=0.005, retry_after_cap=0.005)
    with Http(retry=policy, timeout=0.5, env=env) as http:
        result = harvest_source(store, Plan(api.api, get_card(api.api), "peer support", {}),
                                Limits(), http, resume=resume, env=env, max_pages=max_pages,
                                page_size=api.page_size)
    return store, result


def accessions(store, source):
    return sorted(r.record.accession for r in store.records(source=source))


@pytest.mark.parametrize("api_name", APIS)
def test_every_fault_once_gives_the_fault_free_records(tmp_path, api_name):
    n, size = 50, 5
    with FakeApi(api_name, n, page_size=size) as clean:
        store, result = harvest(tmp_path, "clean", clean)
        assert result.status == "complete", result.note
        expected = accessions(store, api_name)
    assert expected == sorted(clean.expected_ids())
    with FakeApi(api_name, n, page_size=size, stall=1.0,
                 faults=fault_schedule(FAULTS)) as faulty:
        store, result = harvest(tmp_path, "faulty", faulty)
        assert result.status == "complete", result.note
        assert faulty.served == list(FAULTS)  # every fault was really served (and survived)
    assert accessions(store, api_name) == expected
    events = [e.kind for e in store.events()]
    assert "total changed" in events
    assert store.verify().ok


@pytest.mark.parametrize("api_name", ["europepmc", "pubmed", "crossref"])
def test_persistent_fault_stops_resumably_and_resume_completes(tmp_path, api_name):
    with FakeApi(api_name, 40, page_size=10) as api:
        clean_store, _ = harvest(tmp_path, "clean", api)
        expected = accessions(clean_store, api_name)
    with FakeApi(api_name, 40, page_size=10) as api:
        store = Store.create(tmp_path / "faulty.sqlite")
        api.faults = {4: ["503"] * 1}
        api.persistent = None
        # requests 4, 5, 6 ... all fail while persistent is set
        original = api._fault_for
        api._fault_for = lambda number: ["503"] if number >= 4 else original(number)
        store, result = harvest(tmp_path, "faulty", api, store=store, attempts=3)
        assert result.status == "resumable"
        assert "gave up after 3 attempts" in result.note and "HTTP 503" in result.note
        kept = accessions(store, api_name)
        assert kept and set(kept) < set(expected)  # what was committed stays
        run = store.runs(source=api_name)[-1]
        assert run.status == "resumable" and run.checkpoint
        api._fault_for = original
        store, result = harvest(tmp_path, "faulty", api, store=store, resume=True)
        assert result.status == "complete", result.note
    assert accessions(store, api_name) == expected
    assert store.verify().ok


def test_rerun_is_idempotent_and_reports_known(tmp_path):
    with FakeApi("openalex", 30, page_size=10) as api:
        store, first = harvest(tmp_path, "a", api)
        store, second = harvest(tmp_path, "a", api, store=store)
    assert first.new == 30 and first.known == 0
    assert second.new == 0 and second.known == 30
    assert len(accessions(store, "openalex")) == 30


def test_max_pages_then_resume(tmp_path):
    with FakeApi("semantic-scholar", 50, page_size=10) as api:
        store, first = harvest(tmp_path, "s2", api, max_pages=2)
        assert first.status == "resumable" and first.records == 20
        store, second = harvest(tmp_path, "s2", api, store=store, resume=True)
        assert second.status == "complete" and second.new == 30
        assert accessions(store, "semantic-scholar") == sorted(api.expected_ids())


@pytest.mark.parametrize("faults", [{1: "malformed"}, {2: "malformed"}, {2: "truncated"},
                                    {1: "reset"}, {3: ["truncated"], 4: ["malformed"]}],
                         ids=["count-xml", "idlist-xml", "idlist-truncated", "reset", "medline"])
def test_pubmed_xml_and_medline_faults(tmp_path, faults):
    with FakeApi("pubmed", 30, page_size=10, faults=faults) as api:
        store, result = harvest(tmp_path, "pm", api)
        assert result.status == "complete", result.note
        assert api.served  # the fault was served
        assert accessions(store, "pubmed") == sorted(api.expected_ids())


def test_pubmed_uses_the_history_server_and_survives_its_expiry(tmp_path):
    with FakeApi("pubmed", 40, page_size=10) as api:
        store, first = harvest(tmp_path, "pm", api, max_pages=3)  # id list + two batches
        assert first.status == "resumable" and api.history_fetches >= 2  # (+1 prefetched)
        api.webenv = "MCID_after_a_night"  # the WebEnv in the checkpoint has expired
        store, second = harvest(tmp_path, "pm", api, store=store, resume=True)
        assert second.status == "complete", second.note
        assert accessions(store, "pubmed") == sorted(api.expected_ids())
        assert any(e.kind == "history server failed" for e in store.events())
