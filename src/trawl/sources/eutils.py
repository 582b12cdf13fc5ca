"""NCBI E-utilities for PubMed/MEDLINE. Reference: shared/apis.md §1.

ESearch hands out at most 9,999 PMIDs per query, silently. So a harvest first counts
(``rettype=count``) and, when a query has more hits, splits the date window (Entrez date, which
is never missing) in halves until every slice is under the cap — nothing is cut. The plan goes to
the provenance log. For each slice one ESearch returns all its PMIDs (stored as a page: the id list
is provenance too, and ``--resume`` reads it back instead of searching again) and leaves the set
on the History server; EFetch then fetches it in batches (WebEnv + query_key + retstart) as
MEDLINE text, parsed with ``Bio.Medline`` and checked against the listed PMIDs — by PMID where
the History server fails or has expired. ESearch XML is read with
``Bio.Entrez`` (which raises on ``<ERROR>``).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

import httpx

from trawl.sources.base import ApiClient, Applied, Limits, Page, language_codes, split_name, year_of
from trawl.sources.http import BadPayload, HarvestError, InBandError, Req
from trawl.store.record import Record

CAP = 9999
INCEPTION = date(1781, 1, 1)  # older than anything in PubMed


def _esearch_xml(content: bytes) -> dict:
    from Bio import Entrez

    try:
        return Entrez.read(io.BytesIO(content))
    except RuntimeError as exc:  # Bio.Entrez raises RuntimeError for <ERROR> answers
        raise InBandError(str(exc)) from None
    except Exception as exc:  # CorruptedXMLError, ValidationError, ExpatError: a broken page
        raise BadPayload(f"unreadable ESearch XML: {exc}") from None


def _parse_esearch(response: httpx.Response) -> dict:
    result = _esearch_xml(response.content)
    if "Count" not in result:
        raise BadPayload("ESearch answer has no Count")
    return result


def _dp(value: str | None) -> tuple[int | None, date | None]:
    """MEDLINE ``DP`` ('2012 Oct', '2021 Jan 4', '2019 Spring') → year and, if exact, the date."""
    if not value:
        return None, None
    year = year_of(value)
    m = re.match(r"(\d{4}) (\w{3}) (\d{1,2})$", value.strip())
    if m:
        from datetime import datetime

        try:
            return year, datetime.strptime(" ".join(m.groups()), "%Y %b %d").date()
        except ValueError:
            pass
    return year, None


class Client(ApiClient):
    media_type = "text/plain"

    def prepare(self, query: str, params: Mapping[str, str], limits: Limits):
        applied = Applied()
        out = dict(params)
        if limits.cutoff:
            out.setdefault("datetype", "edat")
            out.setdefault("mindate", (limits.start or INCEPTION).strftime("%Y/%m/%d"))
            out.setdefault("maxdate", limits.cutoff.strftime("%Y/%m/%d"))
            applied.date_at_source = (f"datetype={out['datetype']} mindate={out['mindate']} "
                                      f"maxdate={out['maxdate']}")
        if limits.languages:
            langs = " OR ".join(f"{language_codes(x)[2].lower()}[la]" for x in limits.languages)
            query = f"({query}) AND ({langs})"
            applied.language_at_source = f"{langs} in the term"
        return query, out, applied

    # -- requests -----------------------------------------------------------------------------
    def _common(self) -> dict[str, str]:
        p = {"db": "pubmed", "tool": "trawl"}
        if self.env_value("NCBI_EMAIL"):
            p["email"] = self.env_value("NCBI_EMAIL")
        if self.env_value("NCBI_API_KEY"):
            p["api_key"] = self.env_value("NCBI_API_KEY")
        return p

    def _esearch(self, term: str, params: Mapping[str, Any], window: tuple[str, str] | None,
                 *, count_only: bool) -> Req:
        p: dict[str, Any] = {**self._common(), "term": term, **params}
        if window:
            p.update(datetype=params.get("datetype", "edat"), mindate=window[0], maxdate=window[1])
        if count_only:
            p["rettype"] = "count"
        else:  # the ids come back (provenance, resume) and stay on the History server
            p.update(retmax=CAP, retstart=0, sort="pub_date", usehistory="y")
        return Req("POST", f"{self.base}/esearch.fcgi", data=p)

    def count(self, query: str, params: Mapping[str, Any] | None = None,
              window: tuple[str, str] | None = None) -> int:
        fetched = self.send(self._esearch(query, params or {}, window, count_only=True),
                            _parse_esearch)
        return int(fetched.value["Count"])

    # -- the slice plan -----------------------------------------------------------------------
    def plan(self, query: str, params: Mapping[str, Any]) -> list[dict]:
        """Date windows, each with fewer than 9,999 hits, covering the whole search."""
        lo = _to_date(params.get("mindate")) or INCEPTION
        hi = _to_date(params.get("maxdate")) or date.today()
        todo = [(lo, hi)]
        slices: list[dict] = []
        while todo:
            a, b = todo.pop(0)
            window = (a.strftime("%Y/%m/%d"), b.strftime("%Y/%m/%d"))
            n = self.count(query, params, window)
            if n <= CAP:
                if n:
                    slices.append({"mindate": window[0], "maxdate": window[1], "count": n})
                continue
            if a == b:
                raise _one_day_error()
            mid = a + (b - a) // 2
            todo[:0] = [(a, mid), (mid + timedelta(days=1), b)]
        return slices

    # -- paging -------------------------------------------------------------------------------
    def pages(self, query: str, params: Mapping[str, Any], state: dict | None) -> Iterator[Page]:
        if state and state.get("done"):
            return
        if not state:
            slices = self.plan(query, params)
            self.log("harvest plan", {"slices": slices, "cap": CAP,
                                      "total": sum(s["count"] for s in slices)})
            state = {"slices": slices, "slice": 0}
            if not slices:
                return
        state = dict(state)
        slices = state["slices"]
        while state["slice"] < len(slices):
            sl = slices[state["slice"]]
            ids: list[str] | None = None
            if state.get("ids_sha256"):
                stored = self.payload_lookup(state["ids_sha256"])
                if stored is not None:
                    ids = list(_esearch_xml(stored)["IdList"])
            if ids is None:
                fetched = self.send(self._esearch(query, params, (sl["mindate"], sl["maxdate"]),
                                                  count_only=False), _parse_esearch)
                ids = list(fetched.value["IdList"])
                if int(fetched.value["Count"]) > len(ids):  # grew past the cap since the plan
                    self.log("shortfall", {"slice": sl, "count": int(fetched.value["Count"]),
                                           "ids": len(ids), "why": "ESearch cap"})
                sha = hashlib.sha256(fetched.body).hexdigest()
                state = {**state, "ids_sha256": sha, "pos": 0}
                if fetched.value.get("WebEnv"):
                    state.update(webenv=str(fetched.value["WebEnv"]),
                                 query_key=str(fetched.value.get("QueryKey", "1")))
                yield Page(payload=fetched.body, media_type=fetched.media_type, records=[],
                           request=fetched.request, response=fetched.response,
                           checkpoint=dict(state),
                           reported_total=sum(s["count"] for s in slices)
                           - sl["count"] + int(fetched.value["Count"]),
                           note=f"PMIDs for {sl['mindate']}–{sl['maxdate']}")
            pos = state.get("pos", 0)
            while pos < len(ids):
                batch = ids[pos:pos + self.page_size]
                fetched = self._efetch(batch, pos, state)
                pos += len(batch)
                if pos >= len(ids):
                    nxt = {"slices": slices, "slice": state["slice"] + 1}
                    if nxt["slice"] >= len(slices):
                        nxt = {"done": True}
                else:
                    nxt = {**state, "pos": pos}
                yield Page(payload=fetched.body, media_type="text/plain",
                           records=fetched.value, request=fetched.request,
                           response=fetched.response, checkpoint=nxt,
                           reported_total=sum(s["count"] for s in slices))
                if nxt.get("done"):
                    return
                state = nxt
            if pos >= len(ids) and state.get("ids_sha256") and state.get("slice") is not None:
                state = {"slices": slices, "slice": state["slice"] + 1}

    def _efetch(self, batch: list[str], pos: int, state: dict):
        """A batch from the History server (WebEnv + query_key + retstart); where that fails or
        answers other PMIDs than ESearch listed (an expired WebEnv after a resume ...), the same
        batch by PMID, and by PMID for the rest of the run."""
        fetch = {**self._common(), "rettype": "medline", "retmode": "text"}
        if state.get("webenv") and not self._history_failed:
            try:
                return self.send(Req("POST", f"{self.base}/efetch.fcgi", data={
                    **fetch, "WebEnv": state["webenv"], "query_key": state.get("query_key", "1"),
                    "retstart": pos, "retmax": len(batch)}),
                    lambda r: self.parse_medline(r, batch, strict=True))
            except HarvestError as exc:
                self._history_failed = True
                self.log("history server failed", {"error": str(exc), "fallback": "by PMID"})
        return self.send(Req("POST", f"{self.base}/efetch.fcgi",
                             data={**fetch, "id": ",".join(batch)}),
                         lambda r: self.parse_medline(r, batch))

    _history_failed = False

    def parse_medline(self, response: httpx.Response, batch: list[str], *,
                      strict: bool = False) -> list[Record]:
        from Bio import Medline

        text = response.text
        if strict and "<ERROR>" in text:
            raise InBandError(text[:200])
        if "<ERROR>" in text or text.lstrip().startswith("<"):
            raise BadPayload(f"EFetch did not return MEDLINE text: {text[:80]!r}")
        entries = [e for e in Medline.parse(io.StringIO(text)) if e.get("PMID")]
        got = {e["PMID"] for e in entries}
        missing = [pmid for pmid in batch if pmid not in got]
        if missing and strict:  # the History server answered another set: not worth retrying
            raise InBandError(f"History server answer lacks PMID {missing[0]} of the ESearch list")
        if missing:  # a truncated body drops the last records: fetch the batch again
            raise BadPayload(f"EFetch answer lacks {len(missing)} of {len(batch)} PMIDs "
                             f"(first {missing[0]})")
        return [self.record(e) for e in entries]

    def record(self, m: dict) -> Record:
        pmid = m.get("PMID")
        year, published = _dp(m.get("DP"))
        doi = next((a.removesuffix(" [doi]") for a in m.get("AID", []) + m.get("LID", [])
                    if isinstance(a, str) and a.endswith("[doi]")), None)
        authors = [split_name(a) for a in m.get("FAU") or m.get("AU") or []]
        headings = []
        for h in m.get("MH", []):
            label = h.split("/")[0]
            headings.append({"vocabulary": "mesh", "label": label.lstrip("*"),
                             "major": "*" in h})
        issn = []
        for value in m.get("IS", []) if isinstance(m.get("IS"), list) else [m.get("IS")]:
            if value:
                issn.append(value.split(" ")[0])
        return Record.build(
            f"PMID {pmid}",
            source=self.source_name, accession=pmid, pmid=pmid, doi=doi,
            pmcid=m.get("PMC"), title=m.get("TI"), abstract=m.get("AB"), authors=authors,
            year=year, published=published, journal=m.get("JT") or m.get("TA"),
            issn=list(dict.fromkeys(issn)), volume=m.get("VI"), issue=m.get("IP"),
            pages=m.get("PG"), languages=m.get("LA", []), publication_types=m.get("PT", []),
            keywords=m.get("OT", []), headings=headings,
            url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
            other_ids={k: v for k, v in {"edat": m.get("EDAT")}.items() if v},
        )


def _to_date(value: Any) -> date | None:
    if not value:
        return None
    parts = [int(p) for p in str(value).replace("-", "/").split("/")]
    while len(parts) < 3:
        parts.append(1)
    return date(*parts[:3])


def _one_day_error() -> HarvestError:
    from trawl.query.diagnostics import Diagnostic
    from trawl.sources.http import HARVEST_STOPPED

    return HarvestError(Diagnostic.of(
        HARVEST_STOPPED, "PubMed: more than 9,999 records entered on a single day for this "
        "query; it cannot be split further by date — narrow the query"))
