"""Europe PMC REST search (cursorMark paging). Reference: shared/apis.md §8.

The cursor ends when Europe PMC echoes the cursor we sent (or omits it) or a page is empty — it
never says null. ``resultType=core`` brings abstracts, MeSH and languages.
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
    parse_date,
    plain_text,
    to_int,
)
from trawl.sources.http import Req
from trawl.store.record import Record


class Client(ApiClient):
    def prepare(self, query: str, params: Mapping[str, str], limits: Limits):
        applied = Applied()
        parts = [f"({query})"]
        if limits.cutoff:
            start = limits.start.isoformat() if limits.start else "1000-01-01"
            parts.append(f"FIRST_PDATE:[{start} TO {limits.cutoff.isoformat()}]")
            applied.date_at_source = f"FIRST_PDATE:[{start} TO {limits.cutoff}] in the query"
        if limits.languages:
            langs = " OR ".join(f"LANG:{language_codes(x)[1]}" for x in limits.languages)
            parts.append(f"({langs})")
            applied.language_at_source = f"{langs} in the query"
        return " AND ".join(parts) if len(parts) > 1 else query, dict(params), applied

    def first_state(self) -> dict:
        return {"cursor": "*"}

    def request(self, query: str, params: Mapping[str, Any], state: dict) -> Req:
        return Req("GET", f"{self.base}/search", params={
            "query": query, "resultType": "core", "format": "json",
            "pageSize": self.page_size, "cursorMark": state["cursor"], **params})

    def parse(self, response: httpx.Response, state: dict) -> Parsed:
        body = json_body(response)
        results = (body.get("resultList") or {}).get("result") or []
        records = [self.record(item) for item in results]
        nxt = body.get("nextCursorMark")
        done = not results or not nxt or nxt == state["cursor"]
        return Parsed(records, to_int(body.get("hitCount")), None if done else {"cursor": nxt})

    def count(self, query: str) -> int:
        req = Req("GET", f"{self.base}/search", params={
            "query": query, "resultType": "idlist", "format": "json", "pageSize": 1})
        return int(self.send(req, lambda r: json_body(r).get("hitCount", 0)).value)

    def record(self, item: dict) -> Record:
        journal = (item.get("journalInfo") or {})
        jinfo = journal.get("journal") or {}
        authors = []
        for a in (item.get("authorList") or {}).get("author") or []:
            if a.get("lastName"):
                authors.append({"family": a["lastName"], "given": a.get("firstName")})
            elif a.get("collectiveName"):
                authors.append({"family": a["collectiveName"]})
        headings = [
            {"vocabulary": "mesh", "label": h["descriptorName"], "major": h.get("majorTopic_YN") == "Y"}
            for h in (item.get("meshHeadingList") or {}).get("meshHeading") or []
            if h.get("descriptorName")]
        src, ident = item.get("source", ""), item.get("id", "")
        return Record.build(
            f"Europe PMC record {src}/{ident}",
            source=self.source_name, accession=f"{src}/{ident}", doi=item.get("doi"),
            pmid=item.get("pmid"), pmcid=item.get("pmcid"), title=plain_text(item.get("title")),
            abstract=plain_text(item.get("abstractText")), authors=authors,
            year=to_int(item.get("pubYear")),
            published=parse_date(item.get("firstPublicationDate")),
            journal=jinfo.get("title"),
            issn=[x for x in (jinfo.get("issn"), jinfo.get("essn")) if x],
            volume=journal.get("volume"), issue=journal.get("issue"), pages=item.get("pageInfo"),
            languages=[item["language"]] if item.get("language") else [],
            publication_types=(item.get("pubTypeList") or {}).get("pubType") or [],
            keywords=(item.get("keywordList") or {}).get("keyword") or [],
            headings=headings,
            other_ids={"europepmc": f"{src}/{ident}"},
        )
