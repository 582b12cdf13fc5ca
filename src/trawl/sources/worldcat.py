"""OCLC WorldCat Search API v2, brief bibs (OAuth client credentials). Reference: apis.md §5.

A bearer token is fetched with the WSKey and secret (HTTP Basic) and renewed before it expires.
``offset`` is 1-based; ``datePublished`` takes years, so the exact cutoff day is applied after.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import httpx

from trawl.sources.base import (
    ApiClient,
    Applied,
    Limits,
    Parsed,
    json_body,
    language_codes,
    split_name,
    to_int,
    year_of,
)
from trawl.sources.http import Req
from trawl.store.record import Record


class Client(ApiClient):
    _token: str | None = None
    _token_expires: float = 0.0

    def prepare(self, query: str, params: Mapping[str, str], limits: Limits):
        applied = Applied()
        out = dict(params)
        if limits.cutoff:
            start = limits.start.year if limits.start else 1000
            out.setdefault("datePublished", f"{start}-{limits.cutoff.year}")
            applied.date_at_source = f"datePublished={out['datePublished']} (years)"
            applied.filter_date_after = True
        if limits.languages:
            out.setdefault("inLanguage", ",".join(language_codes(x)[1] for x in limits.languages))
            applied.language_at_source = f"inLanguage={out['inLanguage']}"
        return query, out, applied

    def token(self) -> str:
        """A bearer token for ``wcapi``, fetched again a minute before it expires."""
        if self._token and time.monotonic() < self._token_expires:
            return self._token
        url = self.card.token_url or "https://oauth.oclc.org/token"
        override = self.env_value("TRAWL_WORLDCAT_TOKEN_URL")
        if override:
            url = override
        req = Req("POST", url, params={"grant_type": "client_credentials", "scope": "wcapi"},
                  auth=(self.env_value("OCLC_CLIENT_ID"), self.env_value("OCLC_CLIENT_SECRET")))
        body = self.send(req, json_body).value
        self._token = body["access_token"]
        self._token_expires = time.monotonic() + max(0, to_int(body.get("expires_in")) or 1200) - 60
        return self._token

    def first_state(self) -> dict:
        return {"offset": 1}

    def send(self, req, parse):
        """Send; on a 401 with a token older than this request, fetch a new token once."""
        from trawl.sources.http import AuthError

        try:
            return super().send(req, parse)
        except AuthError:
            if "Authorization" not in req.headers or self._token is None:
                raise
            self._token = None  # expired early (tokens live ~20 minutes): renew and retry
            headers = {**req.headers, "Authorization": f"Bearer {self.token()}"}
            return super().send(type(req)(req.method, req.url, params=req.params,
                                          headers=headers), parse)

    def request(self, query: str, params: Mapping[str, Any], state: dict) -> Req:
        return Req("GET", f"{self.base}/brief-bibs",
                   headers={"Authorization": f"Bearer {self.token()}", "Accept": "application/json"},
                   params={"q": query, "limit": self.page_size, "offset": state["offset"], **params})

    def parse(self, response: httpx.Response, state: dict) -> Parsed:
        body = json_body(response)
        recs = body.get("briefRecords") or []
        done = len(recs) < self.page_size
        return Parsed([self.record(r) for r in recs], to_int(body.get("numberOfRecords")),
                      None if done else {"offset": state["offset"] + len(recs)})

    def count(self, query: str) -> int:
        req = Req("GET", f"{self.base}/brief-bibs",
                  headers={"Authorization": f"Bearer {self.token()}", "Accept": "application/json"},
                  params={"q": query, "limit": 1})
        return int(self.send(req, lambda r: json_body(r).get("numberOfRecords", 0)).value)

    def record(self, r: dict) -> Record:
        oclc = r.get("oclcNumber")
        isbns = r.get("isbns") or []
        types = [t for t in (r.get("generalFormat"), r.get("specificFormat")) if t]
        return Record.build(
            f"WorldCat record {oclc}",
            source=self.source_name, accession=oclc, title=r.get("title"),
            authors=[split_name(r["creator"])] if r.get("creator") else [],
            year=year_of(r.get("machineReadableDate") or r.get("date")),
            languages=[r["language"]] if r.get("language") else [],
            publication_types=types,
            other_ids={k: v for k, v in {"oclc": oclc, "isbn": isbns[0] if isbns else None,
                                         "publisher": r.get("publisher")}.items() if v},
        )
