"""Clarivate Web of Science Starter API (page paging). Reference: shared/apis.md §3.

No real recording of this API exists in public: its cassette is built from the documented
schema and named synthetic. Starter returns no abstracts. ``publishTimeSpan`` takes a date range.
"""

from __future__ import annotations

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
)
from trawl.sources.http import Req
from trawl.store.record import Record


class Client(ApiClient):
    def prepare(self, query: str, params: Mapping[str, str], limits: Limits):
        applied = Applied()
        out = dict(params)
        if limits.cutoff:
            start = limits.start.isoformat() if limits.start else "1800-01-01"
            out.setdefault("publishTimeSpan", f"{start}+{limits.cutoff.isoformat()}")
            applied.date_at_source = f"publishTimeSpan={out['publishTimeSpan']}"
        if limits.languages:
            langs = " OR ".join(language_codes(x)[2] for x in limits.languages)
            query = f"({query}) AND LA=({langs})"
            applied.language_at_source = f"LA=({langs}) in the query"
        return query, out, applied

    def _headers(self) -> dict[str, str]:
        key = self.env_value("WOS_API_KEY")
        return {"X-ApiKey": key} if key else {}

    def first_state(self) -> dict:
        return {"page": 1}

    def request(self, query: str, params: Mapping[str, Any], state: dict) -> Req:
        return Req("GET", f"{self.base}/documents", headers=self._headers(), params={
            "q": query, "db": "WOS", "limit": self.page_size, "page": state["page"], **params})

    def parse(self, response: httpx.Response, state: dict) -> Parsed:
        body = json_body(response)
        hits = body.get("hits") or []
        total = to_int((body.get("metadata") or {}).get("total"))
        cap = self.card.paging.result_cap if self.card.paging else None
        seen = state["page"] * self.page_size
        done = len(hits) < self.page_size or (cap is not None and seen >= cap)
        return Parsed([self.record(h) for h in hits], total,
                      None if done else {"page": state["page"] + 1})

    def count(self, query: str) -> int:
        req = Req("GET", f"{self.base}/documents", headers=self._headers(),
                  params={"q": query, "db": "WOS", "limit": 1, "page": 1})
        return int(self.send(req, lambda r: json_body(r)["metadata"]["total"]).value)

    def record(self, h: dict) -> Record:
        source = h.get("source") or {}
        ids = h.get("identifiers") or {}
        pages = (source.get("pages") or {}).get("range")
        authors = [split_name(a.get("wosStandard") or a.get("displayName") or "")
                   for a in (h.get("names") or {}).get("authors") or []
                   if a.get("wosStandard") or a.get("displayName")]
        return Record.build(
            f"Web of Science record {h.get('uid')}",
            source=self.source_name, accession=h.get("uid"), doi=ids.get("doi"),
            pmid=ids.get("pmid") or None, title=h.get("title"), authors=authors,
            year=to_int(source.get("publishYear")), journal=source.get("sourceTitle"),
            issn=[x for x in (ids.get("issn"), ids.get("eissn")) if x],
            volume=source.get("volume"), issue=source.get("issue"), pages=pages,
            publication_types=list(h.get("types") or []),
            keywords=list((h.get("keywords") or {}).get("authorKeywords") or []),
            url=(h.get("links") or {}).get("record"),
            other_ids={"ut": h["uid"]} if h.get("uid") else {},
        )
