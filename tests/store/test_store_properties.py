"""Properties: the chain is recomputable from the documented formula; secrets never survive."""

from __future__ import annotations

import hashlib
import json
import os
from urllib.parse import quote, quote_plus

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trawl.store import REDACTED, Store, redact, scrub

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),  # fmt: skip
    max_leaves=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payloads=st.lists(st.dictionaries(st.text(max_size=8), json_values, max_size=4),
                         min_size=1, max_size=5))  # fmt: skip
def test_an_auditor_recomputes_every_hash_with_plain_json_and_hashlib(tmp_path_factory, payloads):
    path = tmp_path_factory.mktemp("chain") / "store.sqlite"
    with Store.create(path) as store:
        for p in payloads:
            store.log_event("note", p)
        rows = store.connection.execute(
            "SELECT seq, time, run_id, kind, payload, prev_hash, hash FROM events ORDER BY seq"
        ).fetchall()
        assert store.verify().ok
    prev = "0" * 64
    for seq, time, run_id, kind, payload, prev_hash, digest in rows:
        # the formula in trawl/store/provenance.py, written out independently
        text = json.dumps([seq, time, run_id, kind, payload, prev], sort_keys=True,
                          separators=(",", ":"), ensure_ascii=False)  # fmt: skip
        assert prev_hash == prev
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == digest
        assert payload == json.dumps(json.loads(payload), sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False)  # fmt: skip
        prev = digest


secret_text = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=8, max_size=24
)


@settings(max_examples=60, deadline=None)
@given(secret=secret_text, before=st.binary(max_size=40), after=st.binary(max_size=40))
def test_scrub_removes_a_secret_in_every_encoding(secret, before, after):
    for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
        data = before + form.encode() + after
        cleaned = scrub(data, [secret], environment=False)
        for f in {secret, quote(secret, safe=""), quote_plus(secret)}:
            assert f.encode() not in cleaned


@settings(max_examples=60, deadline=None)
@given(secret=secret_text.filter(lambda s: "&" not in s and "#" not in s),
       name=st.sampled_from(["apiKey", "api_key", "X-ELS-APIKey", "access_token", "password",
                             "wskey", "key", "client_secret"]))  # fmt: skip
def test_redact_hides_any_value_of_a_secret_name(secret, name):
    found: set[str] = set()
    url = f"https://api.example.org/x?q=peer&{name}={quote(secret, safe='')}&n=1"
    out = redact({"url": url, "headers": {name: secret}, "params": [(name, secret)]}, found=found)
    assert out["headers"][name] == REDACTED and out["params"][0][1] == REDACTED
    assert f"{name}={REDACTED}" in out["url"] and out["url"].endswith("&n=1")
    assert secret in found


def test_environment_secrets_need_a_secret_name_and_length(monkeypatch):
    from trawl.store.redact import environment_secrets

    monkeypatch.setenv("SCOPUS_API_KEY", "long-enough-key")
    monkeypatch.setenv("WOS_API_KEY", "short")
    monkeypatch.setenv("HOME_DIRECTORY_NAME", "not-a-secret-name")
    found = environment_secrets(os.environ)
    assert "long-enough-key" in found
    assert "short" not in found and "not-a-secret-name" not in found
