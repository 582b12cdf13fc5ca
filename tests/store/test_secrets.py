"""API keys in the environment never reach the store file, its WAL, or anything printed."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

import pytest
from store_helpers import make_record
from typer.testing import CliRunner

from trawl.cli import app
from trawl.store import REDACTED, Record, redact
from trawl.store.workspace import init_workspace

KEYS = {
    "SCOPUS_API_KEY": "sc0pus-Key/with+odd=chars",
    "NCBI_API_KEY": "ncbi0123456789abcdef",
    "WOS_API_KEY": "w0s-secret-KEY-000111",
    "SCOPUS_INSTTOKEN": "inst-token-5566778899",
}


def forms(secret: str) -> list[bytes]:
    return [f.encode() for f in {secret, quote(secret, safe=""), quote_plus(secret)}]


@pytest.fixture
def keys(monkeypatch):
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    return KEYS


def test_redact_by_name_in_urls_mappings_and_pairs():
    url = "https://api.elsevier.com/content/search/scopus?query=a%20b&apiKey=K1&count=25"
    assert redact(url) == url.replace("K1", REDACTED)
    assert redact("https://user:pw@example.org/x") == f"https://{REDACTED}@example.org/x"
    headers = {"X-ELS-APIKey": "K2", "X-ELS-Insttoken": "K3", "Authorization": "Bearer K4",
               "Accept": "application/json"}  # fmt: skip
    assert redact(headers) == {k: (v if k == "Accept" else REDACTED) for k, v in headers.items()}
    pairs = [("api_key", "K5"), ("term", "peer"), ("wskey", "K6"), ("key", "K7")]
    assert redact(pairs) == [("api_key", REDACTED), ("term", "peer"), ("wskey", REDACTED),
                             ("key", REDACTED)]  # fmt: skip
    found: set[str] = set()
    redact({"request": {"params": {"password": "K8"}, "url": "http://h/?token=K9"}}, found=found)
    assert found == {"K8", "K9"}
    # pagination cursors are not secrets and survive
    assert redact({"nextPageToken": "abc", "cursor": "*"}) == {
        "nextPageToken": "abc",
        "cursor": "*",
    }


def test_no_key_reaches_the_store_wal_or_output(tmp_path, keys):
    ws = init_workspace(tmp_path / "review").workspace
    scopus, ncbi, wos = keys["SCOPUS_API_KEY"], keys["NCBI_API_KEY"], keys["WOS_API_KEY"]
    inst = keys["SCOPUS_INSTTOKEN"]
    store = ws.open_store()
    run = store.start_run(
        kind="harvest",
        source="scopus",
        params={
            "query": "TITLE(peer)",
            "endpoint": f"https://api.elsevier.com/s?apiKey={scopus}",
            "apiKey": scopus,
        },  # fmt: skip
    )
    # Scopus echoes the request URL, key and all, inside its JSON response
    echoed = quote_plus(scopus)
    body = json.dumps(
        {
            "search-results": {
                "link": [{"@href": f"https://api.elsevier.com/s?apiKey={echoed}"}],
                "raw": scopus,
                "inst": inst,
            }
        }  # fmt: skip
    ).encode()
    store.add_page(
        run.id,
        payload=body,
        media_type="application/json",
        records=[make_record(1, url=f"https://api.elsevier.com/abstract?apiKey={scopus}")],
        request={
            "method": "GET",
            "url": f"https://api.elsevier.com/content/search/scopus?query=x&apiKey={echoed}",
            "params": {"query": "x", "apiKey": scopus},
            "headers": {"X-ELS-APIKey": scopus, "X-ELS-Insttoken": inst},
        },  # fmt: skip
        response={
            "status": 200,
            "headers": {"set-cookie": "session=abc123456789"},
            "url": f"https://api.elsevier.com/s?apiKey={scopus}",
        },  # fmt: skip
        checkpoint={"cursor": "AoETZ", "note": f"key {ncbi}"},
    )
    store.finish_run(run.id, note=f"retried with {wos}")
    pubmed = store.start_run(kind="harvest", source="pubmed", params={"api_key": ncbi})
    store.add_page(
        pubmed.id,
        payload=f"<eSearchResult><!-- api_key={ncbi} --></eSearchResult>".encode(),
        media_type="application/xml",
        records=[Record(source="pubmed", accession="123", pmid="123", title="A")],
        request={
            "method": "GET",
            "url": "https://eutils.ncbi.nlm.nih.gov/esearch.fcgi",
            "params": [("term", "peer"), ("api_key", ncbi)],
        },  # fmt: skip
    )
    store.log_event("request sent", {"url": f"https://wos.example/api?X-ApiKey={wos}",
                                     "headers": {"X-ApiKey": wos}})  # fmt: skip
    store.log_event("note", {"message": f"WOS says key {wos} is rate limited"})

    files = [p for p in ws.root.iterdir() if p.name.startswith("store.sqlite")]
    assert any(p.name.endswith("-wal") for p in files), "the WAL should exist while open"
    runner = CliRunner()
    outputs = [
        runner.invoke(app, ["audit", "log", "-w", str(ws.root), "--format", fmt]).output
        for fmt in ("text", "json")
    ]
    outputs.append(runner.invoke(app, ["audit", "trace", "1", "-w", str(ws.root)]).output)
    outputs.append(
        runner.invoke(app, ["audit", "trace", "1", "-w", str(ws.root), "--format", "json"]).output
    )
    outputs.append(runner.invoke(app, ["audit", "verify", "-w", str(ws.root)]).output)
    blobs = [p.read_bytes() for p in files]
    store.close()
    blobs += [p.read_bytes() for p in ws.root.iterdir() if p.name.startswith("store.sqlite")]
    blobs += [o.encode() for o in outputs]
    # payloads are compressed: look inside them too
    from trawl.store import Store

    with Store.open(ws.root) as again:
        shas = [s for (s,) in again.connection.execute("SELECT sha256 FROM payloads")]
        blobs += [again.payload(s) for s in shas]
        assert again.verify().ok
    for name, secret in keys.items():
        for form in forms(secret):
            for blob in blobs:
                assert form not in blob, f"{name} leaked"
    assert b"REDACTED" in blobs[-1]  # the echoed key was replaced, the rest kept
    assert b"search-results" in blobs[-2] or b"search-results" in blobs[-1]
