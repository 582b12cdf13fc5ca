"""Semantic Scholar bulk search (token paging). Reference: shared/apis.md §10.

``/paper/search/bulk`` returns up to 1,000 papers a call and a ``token`` until the last page,
where it is null. S2 records carry no language: a language limit cannot be applied at all, which
the run records (the records are kept and counted as "language unknown").
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
    parse_date,
    split_name,
    to_int,
)
from trawl.sources.http import Req
from trawl.store.record import Record

FIELDS = ("paperId,corpusId,externalIds,url,title,abstract,venue,year,publicationDate,journal,"
          "authors,publicationTypes,fieldsOfStudy")


class Client(ApiClient):
    def prepare(self, query: str, params: Mapping[str, str], limits: Limits):
        applied = Applied(filter_language_after=bool(limits.languages))
        out = dict(params)
        if limits.cutoff:
            start = limits.start.isoformat() if limits.start else ""
            out.setdefault("publicationDateOrYear", f"{start}:{limits.cutoff.isoformat()}")
            applied.date_at_source = f"publicationDateOrYear={out['publicationDateOrYear']}"
        return query, out, applied

    def _headers(self) -> dict[str, str]:
        key = self.env_value("S2_API_KEY")
        return {"x-api-key": key} if key else {}

    def request(self, query: str, params: Mapping[str, Any], state: dict) -> Req:
        p: dict[str, Any] = {"query": query, "fields": FIELDS, **params}
        if state.get("token"):
            p["token"] = state["token"]
        return Req("GET", f"{self.base}/paper/search/bulk", params=p, headers=self._headers())

    def parse(self, response: httpx.Response, state: dict) -> Parsed:
        body = json_body(response)
        data = body.get("data") or []
        token = body.get("token")
        return Parsed([self.record(p) for p in data], to_int(body.get("total")),
                      {"token": token} if token and data else None)

    def count(self, query: str) -> int:
        req = Req("GET", f"{self.base}/paper/search/bulk",
                  params={"query": query, "fields": "paperId"}, headers=self._headers())
        return int(self.send(req, lambda r: json_body(r).get("total", 0)).value)

    def record(self, p: dict) -> Record:
        ext = p.get("externalIds") or {}
        journal = p.get("journal") or {}
        return Record.build(
            f"Semantic Scholar paper {p.get('paperId')}",
            source=self.source_name, accession=p.get("paperId"), doi=ext.get("DOI"),
            pmid=str(ext["PubMed"]) if ext.get("PubMed") else None,
            pmcid=f"PMC{ext['PubMedCentral']}" if ext.get("PubMedCentral") else None,
            title=p.get("title"), abstract=p.get("abstract"),
            authors=[split_name(a["name"]) for a in p.get("authors") or [] if a.get("name")],
            year=p.get("year"), published=parse_date(p.get("publicationDate")),
            journal=journal.get("name") or p.get("venue") or None,
            volume=(journal.get("volume") or "").strip() or None,
            pages=(journal.get("pages") or "").strip() or None,
            publication_types=list(p.get("publicationTypes") or []),
            keywords=list(p.get("fieldsOfStudy") or []), url=p.get("url"),
            other_ids={k: str(v) for k, v in {"corpusid": p.get("corpusId")}.items() if v},
        )
