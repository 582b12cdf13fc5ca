"""Ex Libris Primo Brief Search (Oria runs Primo VE). Reference: shared/apis.md §6.

Every PNX value is a list of strings; display values may carry ``$$Q``/``$$C`` subfield markers.
The key goes as the ``apikey`` query parameter (the gateway wants it there); the provenance log
records it as ``<redacted>``. No verified date facet exists, so the cutoff is applied after.
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
    plain_text,
    split_name,
    to_int,
    year_of,
)
from trawl.sources.http import Req
from trawl.store.record import Record


def _clean(value: str | None) -> str | None:
    """Drop Primo's ``$$`` subfield markers: '$$Vvalue$$Qq' → 'value'."""
    if value is None:
        return None
    if "$$" not in value:
        return value.strip() or None
    parts = {p[:1]: p[1:] for p in value.split("$$") if p}
    return (parts.get("V") or parts.get("C") or value.split("$$")[0]).strip() or None


def _all(pnx: dict, section: str, key: str) -> list[str]:
    return [v for v in (_clean(x) for x in (pnx.get(section) or {}).get(key) or []) if v]


def _one(pnx: dict, section: str, key: str) -> str | None:
    values = _all(pnx, section, key)
    return values[0] if values else None


class Client(ApiClient):
    def prepare(self, query: str, params: Mapping[str, str], limits: Limits):
        applied = Applied(filter_date_after=bool(limits.cutoff))
        out = dict(params)
        if limits.languages:
            facets = [f for f in str(out.get("qInclude", "")).split("|,|") if f]
            for lang in limits.languages:
                facet = f"facet_lang,exact,{language_codes(lang)[1]}"
                if facet not in facets:
                    facets.append(facet)
            out["qInclude"] = "|,|".join(facets)
            applied.language_at_source = f"qInclude={out['qInclude']}"
        return query, out, applied

    def first_state(self) -> dict:
        return {"offset": 0}

    def _base_params(self) -> dict[str, str]:
        p = {"vid": self.env_value("PRIMO_VID"), "tab": self.env_value("PRIMO_TAB") or "default_tab",
             "scope": self.env_value("PRIMO_SCOPE") or "default_scope"}
        if self.env_value("PRIMO_API_KEY"):
            p["apikey"] = self.env_value("PRIMO_API_KEY")
        return p

    def request(self, query: str, params: Mapping[str, Any], state: dict) -> Req:
        return Req("GET", f"{self.base}/search", params={
            **self._base_params(), "q": query, "offset": state["offset"],
            "limit": self.page_size, **params})

    def parse(self, response: httpx.Response, state: dict) -> Parsed:
        body = json_body(response)
        docs = body.get("docs") or []
        cap = self.card.paging.result_cap if self.card.paging else None
        nxt = state["offset"] + len(docs)
        done = len(docs) < self.page_size or (cap is not None and nxt >= cap)
        return Parsed([self.record(d) for d in docs], to_int((body.get("info") or {}).get("total")),
                      None if done else {"offset": nxt})

    def count(self, query: str) -> int:
        req = Req("GET", f"{self.base}/search",
                  params={**self._base_params(), "q": query, "limit": 1})
        return int(self.send(req, lambda r: json_body(r)["info"]["total"]).value)

    def record(self, doc: dict) -> Record:
        pnx = doc.get("pnx") or {}
        rid = _one(pnx, "control", "recordid")
        authors = _all(pnx, "addata", "au") or _all(pnx, "display", "creator")
        spage, epage = _one(pnx, "addata", "spage"), _one(pnx, "addata", "epage")
        subjects = [s.strip() for v in _all(pnx, "display", "subject") for s in v.split(";")]
        return Record.build(
            f"Primo record {rid}",
            source=self.source_name, accession=rid, doi=_one(pnx, "addata", "doi"),
            title=_one(pnx, "display", "title") or _one(pnx, "addata", "atitle"),
            abstract=plain_text(_one(pnx, "addata", "abstract")
                                or _one(pnx, "display", "description")),
            authors=[split_name(a) for a in authors],
            year=year_of(_one(pnx, "addata", "date") or _one(pnx, "display", "creationdate")),
            journal=_one(pnx, "addata", "jtitle"),
            issn=_all(pnx, "addata", "issn") + _all(pnx, "addata", "eissn"),
            volume=_one(pnx, "addata", "volume"), issue=_one(pnx, "addata", "issue"),
            pages="-".join(p for p in (spage, epage) if p) or None,
            languages=_all(pnx, "display", "language"),
            publication_types=_all(pnx, "display", "type"),
            keywords=[s for s in subjects if s],
            other_ids={k: v for k, v in {"primo": rid,
                                         "isbn": _one(pnx, "addata", "isbn")}.items() if v},
        )
