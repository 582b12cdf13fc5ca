"""OpenAlex works (cursor paging). Reference: shared/apis.md §7.

Abstracts come as an inverted index (word → positions) and are rebuilt into plain text. OpenAlex
answers 403 when the per-second rate is exceeded (its card lists 403 as a throttle status).
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
    join_filters,
    json_body,
    language_codes,
    parse_date,
    split_name,
    to_int,
)
from trawl.sources.http import Req
from trawl.store.record import Record

# only what the record needs: a work's citation lists and topic scores are most of its bytes
SELECT = ("id,doi,title,display_name,publication_year,publication_date,ids,language,type,"
          "primary_location,authorships,biblio,abstract_inverted_index,mesh,keywords")


def abstract_from_inverted_index(index: Mapping[str, list[int]] | None) -> str | None:
    """OpenAlex's ``abstract_inverted_index`` → the abstract as plain text."""
    if not index:
        return None
    slots: dict[int, str] = {}
    for word, positions in index.items():
        for pos in positions:
            slots[pos] = word
    return " ".join(slots[i] for i in sorted(slots)) or None


def _short(url: str | None) -> str | None:
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None


class Client(ApiClient):
    def prepare(self, query: str, params: Mapping[str, str], limits: Limits):
        applied = Applied()
        filters = [f for f in str(params.get("filter", "")).split(",") if f]
        if limits.cutoff:
            if limits.start:
                filters.append(f"from_publication_date:{limits.start.isoformat()}")
            filters.append(f"to_publication_date:{limits.cutoff.isoformat()}")
            applied.date_at_source = f"filter to_publication_date:{limits.cutoff}"
        if limits.languages:
            codes = "|".join(language_codes(x)[0] for x in limits.languages)
            filters.append(f"language:{codes}")
            applied.language_at_source = f"filter language:{codes}"
        out = dict(params)
        if filters:
            out["filter"] = join_filters(*filters)
        return query, out, applied

    def _auth_params(self) -> dict[str, str]:
        out = {}
        if self.env_value("OPENALEX_API_KEY"):
            out["api_key"] = self.env_value("OPENALEX_API_KEY")
        if self.env_value("OPENALEX_EMAIL"):
            out["mailto"] = self.env_value("OPENALEX_EMAIL")
        return out

    def first_state(self) -> dict:
        return {"cursor": "*"}

    def request(self, query: str, params: Mapping[str, Any], state: dict) -> Req:
        p: dict[str, Any] = {"per_page": self.page_size, "cursor": state["cursor"],
                             "select": SELECT}
        if query:
            p[self.query_param or "search"] = query
        return Req("GET", f"{self.base}/works", params={**p, **params, **self._auth_params()})

    def parse(self, response: httpx.Response, state: dict) -> Parsed:
        body = json_body(response)
        results = body.get("results") or []
        meta = body.get("meta") or {}
        nxt = meta.get("next_cursor")
        records = [self.record(w) for w in results]
        done = not results or not nxt
        return Parsed(records, to_int(meta.get("count")), None if done else {"cursor": nxt})

    def count(self, query: str) -> int:
        req = Req("GET", f"{self.base}/works",
                  params={self.query_param or "search": query, "per_page": 1, "select": "id", **self._auth_params()})
        return int(self.send(req, lambda r: json_body(r)["meta"]["count"]).value)

    def record(self, w: dict) -> Record:
        ids = w.get("ids") or {}
        loc = w.get("primary_location") or {}
        src = loc.get("source") or {}
        biblio = w.get("biblio") or {}
        pages = "-".join(p for p in (biblio.get("first_page"), biblio.get("last_page")) if p) or None
        authors = [split_name(a["author"]["display_name"])
                   for a in w.get("authorships") or []
                   if (a.get("author") or {}).get("display_name")]
        headings = [{"vocabulary": "mesh", "label": m["descriptor_name"],
                     "major": bool(m.get("is_major_topic"))}
                    for m in w.get("mesh") or [] if m.get("descriptor_name")]
        headings = list({(h["label"], h["major"]): h for h in headings}.values())
        accession = _short(w.get("id"))
        return Record.build(
            f"OpenAlex work {accession}",
            source=self.source_name, accession=accession, doi=w.get("doi"),
            pmid=_short(ids.get("pmid")), pmcid=_short(ids.get("pmcid")),
            title=w.get("title") or w.get("display_name"),
            abstract=abstract_from_inverted_index(w.get("abstract_inverted_index")),
            authors=authors, year=w.get("publication_year"),
            published=parse_date(w.get("publication_date")), journal=src.get("display_name"),
            issn=list(src.get("issn") or []), volume=biblio.get("volume"),
            issue=biblio.get("issue"), pages=pages,
            languages=[w["language"]] if w.get("language") else [],
            publication_types=[w["type"]] if w.get("type") else [],
            keywords=[k["display_name"] for k in w.get("keywords") or [] if k.get("display_name")],
            headings=headings, url=loc.get("landing_page_url") or w.get("id"),
            other_ids={"openalex": accession} if accession else {},
        )
