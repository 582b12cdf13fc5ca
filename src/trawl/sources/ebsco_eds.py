"""EBSCO Discovery Service API (session auth, forward-only paging). Reference: apis.md §4.

Authentication is two steps: ``uidauth`` (user id + password → AuthToken, 30 minutes) then
``CreateSession`` (profile → SessionToken); every call carries both tokens in headers. EDS refuses
a page that starts more than ``MaxRecordJumpAhead`` (250) records beyond the last one retrieved in
the session (error 138), so a resumed run walks forward in allowed steps before it stores again.
Expired tokens (errors 104/107/108/109) get a fresh session once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from trawl.query.diagnostics import Diagnostic
from trawl.sources.base import (
    ApiClient,
    Applied,
    Limits,
    Page,
    Parsed,
    json_body,
    language_codes,
    plain_text,
    split_name,
    to_int,
)
from trawl.sources.http import AUTH_REFUSED, AuthError, HarvestError, Req, auth_message
from trawl.store.record import Record

SESSION_ERRORS = ('"104"', '"107"', '"108"', '"109"', "ErrorNumber\":104", "ErrorNumber\":108",
                  "ErrorNumber\":109", "ErrorNumber\":107")


class Client(ApiClient):
    auth_token: str | None = None
    session_token: str | None = None

    def prepare(self, query: str, params: Mapping[str, str], limits: Limits):
        applied = Applied()
        limiters = []
        if limits.cutoff:
            start = f"{limits.start.year}-{limits.start.month:02d}" if limits.start else "1000-01"
            limiters.append({"Id": "DT1", "Values": [
                f"{start}/{limits.cutoff.year}-{limits.cutoff.month:02d}"]})
            applied.date_at_source = f"limiter DT1:{limiters[-1]['Values'][0]} (months)"
            applied.filter_date_after = True
        if limits.languages:
            values = [language_codes(x)[2] for x in limits.languages]
            limiters.append({"Id": "LA99", "Values": values})
            applied.language_at_source = "limiter LA99:" + ",".join(values)
        out: dict[str, Any] = dict(params)
        out["limiters"] = limiters
        return query, out, applied

    # -- session ----------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        return {"x-authenticationToken": self.auth_token or "",
                "x-sessionToken": self.session_token or "", "Accept": "application/json"}

    def open_session(self) -> None:
        try:
            auth = self.send(Req("POST", f"{self.base}/authservice/rest/uidauth", json={
                "UserId": self.env_value("EDS_USER"), "Password": self.env_value("EDS_PASSWORD"),
                "InterfaceId": "trawl"}, headers={"Accept": "application/json"}), json_body).value
        except HarvestError as exc:
            if "1102" not in str(exc):  # EDS says "invalid credentials" with a 400, not a 401
                raise
            raise AuthError(Diagnostic.of(AUTH_REFUSED, auth_message(
                self.card.name, 400, self.card.auth.required_env, self.env,
                "ErrorCode 1102 Invalid Credentials"))) from None
        self.auth_token = auth["AuthToken"]
        params = {"profile": self.env_value("EDS_PROFILE"), "guest": "n"}
        if self.env_value("EDS_ORG"):
            params["org"] = self.env_value("EDS_ORG")
        session = self.send(Req("GET", f"{self.base}/edsapi/rest/CreateSession", params=params,
                                headers=self._headers()), json_body).value
        self.session_token = session["SessionToken"]

    def close_session(self) -> None:
        if self.session_token:
            try:
                self.send(Req("POST", f"{self.base}/edsapi/rest/EndSession",
                              json={"SessionToken": self.session_token},
                              headers=self._headers()), lambda r: None)
            except HarvestError:
                pass  # the session times out on its own
            self.session_token = None

    # -- paging -----------------------------------------------------------------------------
    def _search(self, query: str, params: Mapping[str, Any], page: int, per_page: int) -> Req:
        body = {
            "SearchCriteria": {"Queries": [{"Term": query}], "SearchMode": "all",
                               "IncludeFacets": "n", "Limiters": params.get("limiters", []),
                               "Sort": "date", "Expanders": [], "AutoSuggest": "n",
                               "AutoCorrect": "n"},
            "RetrievalCriteria": {"View": "detailed", "ResultsPerPage": per_page,
                                  "PageNumber": page, "Highlight": "n"},
            "Actions": [f"GoToPage({page})"]}
        return Req("POST", f"{self.base}/edsapi/rest/Search", json=body, headers=self._headers())

    def _send_search(self, req_factory) -> Any:
        try:
            return self.send(req_factory(), lambda r: self.parse(r, {}))
        except HarvestError as exc:
            if not any(code in str(exc) for code in SESSION_ERRORS):
                raise
            self.open_session()  # expired token or session: once more with a fresh one
            return self.send(req_factory(), lambda r: self.parse(r, {}))

    def pages(self, query: str, params: Mapping[str, Any], state: dict | None) -> Iterator[Page]:
        state = dict(state) if state else {"page": 1}
        if state.get("done"):
            return
        self.open_session()
        try:
            jump = (self.card.paging.max_jump if self.card.paging else None) or 250
            target_start = (state["page"] - 1) * self.page_size + 1
            position = 0  # the last record retrieved in this session
            while target_start - position > jump:  # walk forward within the jump limit
                step_page = position // self.page_size + 1
                self.log("eds jump request", {"page": step_page, "to_reach": state["page"]})
                self._send_search(lambda p=step_page: self._search(query, params, p,
                                                                   self.page_size))
                position = step_page * self.page_size
            while True:
                page = state["page"]
                fetched = self._send_search(lambda p=page: self._search(query, params, p,
                                                                        self.page_size))
                parsed: Parsed = fetched.value
                last = len(parsed.records) < self.page_size or not parsed.records
                if parsed.total is not None and page * self.page_size >= parsed.total:
                    last = True
                next_state = {"done": True} if last else {"page": page + 1}
                yield Page(payload=fetched.body, media_type=fetched.media_type,
                           records=parsed.records, request=fetched.request,
                           response=fetched.response, checkpoint=next_state,
                           reported_total=parsed.total)
                if last:
                    return
                state = next_state
        finally:
            self.close_session()

    def parse(self, response: httpx.Response, state: dict) -> Parsed:
        body = json_body(response)
        result = body.get("SearchResult") or {}
        records = (result.get("Data") or {}).get("Records") or []
        total = to_int((result.get("Statistics") or {}).get("TotalHits"))
        return Parsed([self.record(r) for r in records], total, None)

    def count(self, query: str) -> int:
        self.open_session()
        try:
            fetched = self._send_search(lambda: self._search(query, {}, 1, 1))
            return int(fetched.value.total or 0)
        finally:
            self.close_session()

    def record(self, r: dict) -> Record:
        header = r.get("Header") or {}
        bib = (r.get("RecordInfo") or {}).get("BibRecord") or {}
        entity = bib.get("BibEntity") or {}
        rel = bib.get("BibRelationships") or {}
        part = ((rel.get("IsPartOfRelationships") or [{}])[0]).get("BibEntity") or {}
        accession = f"{header.get('DbId')}:{header.get('An')}"
        idents = {(i.get("Type") or "").lower(): i.get("Value")
                  for i in (entity.get("Identifiers") or []) + (part.get("Identifiers") or [])}
        dates = part.get("Dates") or []
        year = to_int(dates[0].get("Y")) if dates else None
        numbering = {n.get("Type"): n.get("Value") for n in part.get("Numbering") or []}
        pagination = ((entity.get("PhysicalDescription") or {}).get("Pagination") or {})
        start, count = pagination.get("StartPage"), to_int(pagination.get("PageCount"))
        pages = None
        if start:
            first_page = to_int(start)
            pages = (f"{start}-{first_page + count - 1}" if first_page and count and count > 1
                     else str(start))
        items = {i.get("Name"): i.get("Data") for i in r.get("Items") or []}
        title = ((entity.get("Titles") or [{}])[0]).get("TitleFull") or plain_text(items.get("Title"))
        return Record.build(
            f"EDS record {accession}",
            source=self.source_name, accession=accession, doi=idents.get("doi"), title=title,
            abstract=plain_text(items.get("Abstract")),
            authors=[split_name(c["PersonEntity"]["Name"]["NameFull"])
                     for c in rel.get("HasContributorRelationships") or []
                     if ((c.get("PersonEntity") or {}).get("Name") or {}).get("NameFull")],
            year=year, journal=((part.get("Titles") or [{}])[0]).get("TitleFull"),
            issn=[v for k, v in idents.items() if k.startswith("issn") and v],
            volume=numbering.get("volume"), issue=numbering.get("issue"), pages=pages,
            languages=[x["Text"] for x in entity.get("Languages") or [] if x.get("Text")],
            publication_types=[header["PubType"]] if header.get("PubType") else [],
            keywords=[s["SubjectFull"] for s in entity.get("Subjects") or [] if s.get("SubjectFull")],
            url=r.get("PLink"),
            other_ids={"an": str(header.get("An")), "dbid": str(header.get("DbId"))},
        )
