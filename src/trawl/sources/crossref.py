"""Crossref REST works (cursor paging, polite ``mailto``). Reference: shared/apis.md §9.

Abstracts are JATS XML strings and become plain text. Crossref has no reliable language filter:
the language limit is applied after harvest. The cursor keeps being returned at the end; an empty
``items`` list is the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import httpx

from trawl.sources.base import (
    ApiClient,
    Applied,
    Limits,
    Parsed,
    first,
    join_filters,
    json_body,
    plain_text,
    to_int,
)
from trawl.sources.http import Req
from trawl.store.record import Record


def _date_parts(value: dict | None) -> tuple[int | None, date | None]:
    parts = ((value or {}).get("date-parts") or [[None]])[0] or [None]
    year = parts[0] if isinstance(parts[0], int) else None
    if year and len(parts) == 3 and all(isinstance(p, int) for p in parts):
        try:
            return year, date(*parts)
        except ValueError:
            return year, None
    return year, None


class Client(ApiClient):
    def prepare(self, query: str, params: Mapping[str, str], limits: Limits):
        applied = Applied(filter_language_after=bool(limits.languages))
        filters = [f for f in str(params.get("filter", "")).split(",") if f]
        if limits.cutoff:
            if limits.start:
                filters.append(f"from-created-date:{limits.start.isoformat()}")
            filters.append(f"until-created-date:{limits.cutoff.isoformat()}")
            applied.date_at_source = f"filter until-created-date:{limits.cutoff}"
        out = dict(params)
        if filters:
            out["filter"] = join_filters(*filters)
        return query, out, applied

    def _headers(self) -> dict[str, str]:
        token = self.env_value("CROSSREF_PLUS_TOKEN")
        return {"Crossref-Plus-API-Token": f"Bearer {token}"} if token else {}

    def _polite(self) -> dict[str, str]:
        mailto = self.env_value("CROSSREF_MAILTO")
        return {"mailto": mailto} if mailto else {}

    def first_state(self) -> dict:
        return {"cursor": "*"}

    def request(self, query: str, params: Mapping[str, Any], state: dict) -> Req:
        p: dict[str, Any] = {"rows": self.page_size, "cursor": state["cursor"]}
        if query:
            p[self.query_param or "query"] = query
        return Req("GET", f"{self.base}/works", params={**p, **params, **self._polite()},
                   headers=self._headers())

    def parse(self, response: httpx.Response, state: dict) -> Parsed:
        body = json_body(response)
        message = body.get("message") or {}
        items = message.get("items") or []
        records = [self.record(item) for item in items]
        nxt = message.get("next-cursor")
        done = not items or not nxt
        return Parsed(records, to_int(message.get("total-results")),
                      None if done else {"cursor": nxt})

    def count(self, query: str) -> int:
        req = Req("GET", f"{self.base}/works", params={"query": query, "rows": 0, **self._polite()},
                  headers=self._headers())
        return int(self.send(req, lambda r: json_body(r)["message"]["total-results"]).value)

    def record(self, item: dict) -> Record:
        year, published = _date_parts(item.get("published") or item.get("issued"))
        if year is None:
            year, _ = _date_parts(item.get("issued"))
        authors = []
        for a in item.get("author") or []:
            if a.get("family"):
                authors.append({"family": a["family"], "given": a.get("given")})
            elif a.get("name"):
                authors.append({"family": a["name"]})
        doi = item.get("DOI")
        return Record.build(
            f"Crossref DOI {doi}",
            source=self.source_name, accession=doi.lower() if doi else None, doi=doi,
            title=plain_text(first(item.get("title"))), abstract=plain_text(item.get("abstract")),
            authors=authors, year=year, published=published,
            journal=first(item.get("container-title")), issn=list(item.get("ISSN") or []),
            volume=item.get("volume"), issue=item.get("issue"), pages=item.get("page"),
            languages=[item["language"]] if item.get("language") else [],
            publication_types=[item["type"]] if item.get("type") else [],
            keywords=list(item.get("subject") or []), url=item.get("URL"),
        )
