"""Build the cassettes the connector tests replay, from the REAL recorded responses.

    python cassettes/build.py [SHARED_FIXTURES_API]   # default: ../shared/fixtures/api

Each cassette is JSON: ``{"name", "synthetic", "built_from", "note", "interactions": [{"request":
{"method", "path", "params"}, "response": {"status", "content_type", "body"}}]}``, replayed in
order by ``tests/sources/cassette.py`` through ``httpx.MockTransport``. Bodies are the recorded
bytes, unwrapped from their vcrpy/VCR/JSON wrappers; nothing else is changed except secrets:
session and auth tokens are replaced by ``<redacted>`` (tests/sources/test_cassettes.py checks
that no secret is left). Where no real recording exists (Web of Science Starter) the cassette is
built from the documented schema and ``synthetic`` is in its file name. ``derived`` cassettes
re-use a real body with values substituted so two real recordings agree (noted in ``note``).
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import yaml

HERE = Path(__file__).resolve().parent
SECRET_JSON_KEYS = ("AuthToken", "SessionToken", "access_token")


class _Loader(yaml.SafeLoader):
    """YAML that also reads Ruby VCR's ``!binary`` scalars and ignores Ruby object tags."""


_Loader.add_constructor("!binary", lambda loader, node: base64.b64decode(
    loader.construct_scalar(node)))
_Loader.add_multi_constructor("!ruby/", lambda loader, suffix, node: None)


def _text(raw) -> str:
    if isinstance(raw, bytes):
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return raw.decode("utf-8")
    return raw or ""


def _scrub(body: str) -> str:
    for key in SECRET_JSON_KEYS:
        body = re.sub(rf'("{key}"\s*:\s*")[^"]*(")', r"\1<redacted>\2", body)
    return body


def _request(method: str, url: str, body=None) -> dict:
    parts = urlsplit(url)
    params = {k: ("<redacted>" if k.lower() in ("apikey", "api_key", "key") else v)
              for k, v in parse_qsl(parts.query)}
    out = {"method": method.upper(), "path": parts.path, "params": params}
    if body:
        try:
            out["json"] = json.loads(_scrub(_text(body)).replace("<EDS_PASS>", "<redacted>"))
        except ValueError:
            pass
    return out


def _interaction(request: dict, status: int, content_type: str, body: str) -> dict:
    return {"request": request, "response": {"status": status, "content_type": content_type,
                                             "body": _scrub(body)}}


def from_vcrpy(path: Path, keep=lambda uri: True) -> list[dict]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    out = []
    for item in data.get("interactions", []):
        rq, rs = item["request"], item["response"]
        if not keep(rq["uri"]):
            continue
        if "content" in rs:
            body = _text(rs["content"])
        else:
            raw = rs["body"]["string"]
            body = _text(raw.encode("latin-1") if isinstance(raw, str) and rs.get("headers", {})
                         .get("Content-Encoding", rs.get("headers", {}).get("content-encoding"))
                         == ["gzip"] else raw)
        headers = {k.lower(): v for k, v in (rs.get("headers") or {}).items()}
        ctype = (headers.get("content-type") or ["application/json"])[0]
        status = rs["status"]["code"] if isinstance(rs.get("status"), dict) else rs["status_code"]
        out.append(_interaction(_request(rq["method"], rq["uri"], rq.get("body")), status,
                                ctype, body))
    return out


def from_ruby_vcr(path: Path, keep=lambda uri: True) -> list[dict]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    out = []
    for item in data["http_interactions"]:
        rq, rs = item["request"], item["response"]
        if not keep(rq["uri"]):
            continue
        headers = {k.lower(): v for k, v in (rs.get("headers") or {}).items()}
        ctype = (headers.get("content-type") or ["application/json"])[0]
        out.append(_interaction(_request(rq["method"], rq["uri"], rq.get("body", {}).get("string")),
                                rs["status"]["code"], ctype, _text(rs["body"]["string"])))
    return out


def from_body(method: str, url: str, body: str, content_type="application/json",
              status=200) -> dict:
    return _interaction(_request(method, url), status, content_type, body)


def build(api: Path) -> dict[str, dict]:
    cassettes: dict[str, dict] = {}

    def add(name, built_from, interactions, note="", synthetic=False):
        cassettes[name] = {"name": name, "synthetic": synthetic, "built_from": built_from,
                           "note": note, "interactions": interactions}

    # Europe PMC: ten consecutive cursorMark pages, the core view, and a zero-hit answer.
    pages = json.loads((api / "europepmc/fetch_10pages_cancer.json").read_text())
    base = "https://www.ebi.ac.uk/europepmc/webservices/rest/search"
    add("europepmc-cursor", ["europepmc/fetch_10pages_cancer.json"],
        [from_body("GET", f"{base}?query=cancer&pageSize=100&cursorMark="
                   + (p["request"]["cursorMark"]), json.dumps(p)) for p in pages],
        "each element of the recorded array is one full response (re-serialised by json.dumps)")
    add("europepmc-core", ["europepmc/search_cancer_core.json"],
        [from_body("GET", f"{base}?query=cancer&resultType=core&pageSize=25&cursorMark=*",
                   (api / "europepmc/search_cancer_core.json").read_text())])
    add("europepmc-no-results", ["europepmc/search_no_results.json"],
        [from_body("GET", f"{base}?query=asdkfjhasdkfjhasdfasdasdasdfgsagsd",
                   (api / "europepmc/search_no_results.json").read_text())])

    # OpenAlex: one page of 50 works (page-based request: no next_cursor, so the walk ends).
    add("openalex-works", ["openalex/sample_response.json"],
        [from_body("GET", "https://api.openalex.org/works?per-page=50",
                   (api / "openalex/sample_response.json").read_text())])
    add("openalex-not-found-html",
        ["openalex/_decoded/test_does_openalex_work[not-in-openalex]__00.txt"],
        [from_body("GET", "https://api.openalex.org/works",
                   (api / "openalex/_decoded/test_does_openalex_work[not-in-openalex]__00.txt")
                   .read_text(), "text/html", 404)], "a 404 that is an HTML page, not JSON")

    # Crossref: five cursor pages as recorded (habanero), and a page with JATS abstracts.
    add("crossref-cursor", ["crossref/_decoded/test_cursor_max__0[0-4].json"],
        [from_body("GET", "https://api.crossref.org/works?query=widget&cursor=*",
                   (api / f"crossref/_decoded/test_cursor_max__0{i}.json").read_text())
         for i in range(5)])
    add("crossref-query", ["crossref/_decoded/test_works_query__00.json"],
        [from_body("GET", "https://api.crossref.org/works?query=ecology&rows=2",
                   (api / "crossref/_decoded/test_works_query__00.json").read_text())])
    add("crossref-cursor-invalid", ["crossref/_decoded/test_cursor_fails_cursor_value__00.json"],
        [from_body("GET", "https://api.crossref.org/works?query=widget&cursor=thing",
                   (api / "crossref/_decoded/test_cursor_fails_cursor_value__00.json").read_text(),
                   status=404)])

    # Semantic Scholar bulk search: 1000 + 1000 + 674 of 2674, last token null.
    add("semantic-scholar-bulk",
        ["semanticscholar/test_search_paper_bulk_retrieval_traversing_results.yaml"],
        from_vcrpy(api / "semanticscholar/test_search_paper_bulk_retrieval_traversing_results.yaml"))
    add("semantic-scholar-bulk-full", ["semanticscholar/bulk_search_response.json"],
        [from_body("GET", "https://api.semanticscholar.org/graph/v1/paper/search/bulk",
                   (api / "semanticscholar/bulk_search_response.json").read_text())])
    add("semantic-scholar-forbidden", ["semanticscholar/test_debug.yaml"],
        from_vcrpy(api / "semanticscholar/test_debug.yaml"))

    # Scopus: one STANDARD page (offset request: no cursor in the answer, so the walk ends).
    add("scopus-search", ["scopus/sample_response.json"],
        [from_body("GET", "https://api.elsevier.com/content/search/scopus?count=25",
                   (api / "scopus/sample_response.json").read_text())])

    # WorldCat: the OAuth token, then ten pages of 10 (offsets 1..91) for 93 records.
    wc = api / "worldcat"
    wrapped = [json.loads(p.read_text()) for p in sorted(wc.glob("*.json"))]
    token = [w for w in wrapped if "oauth" in w["url"]]
    bibs = sorted((w for w in wrapped if "brief-bibs" in w["url"]),
                  key=lambda w: int(dict(parse_qsl(urlsplit(w["url"]).query)).get("offset", 1)))
    add("worldcat-brief-bibs", ["worldcat/*.json"],
        [from_body(w["method"], w["url"], w["content"], w["type"], w["status_code"])
         for w in token + bibs], "the token was replaced by <token> in the original recording")

    # Primo: a Brief Search page (10 of 96 docs).
    add("primo-search", ["primo/search-otters.json"],
        [from_body("GET", "https://api-na.hosted.exlibrisgroup.com/primo/v1/search?q=any,contains,otters",
                   (api / "primo/search-otters.json").read_text())])

    # EBSCO EDS: auth, session, two Search pages, EndSession (the Info call is not used).
    add("ebsco-eds-paging", ["ebsco-eds/test_next_page.yml"],
        from_ruby_vcr(api / "ebsco-eds/test_next_page.yml", keep=lambda u: "/Info" not in u),
        "tokens were expired originals; replaced by <redacted>")
    add("ebsco-eds-bad-credentials", ["ebsco-eds/test_create_session_failed_user_credentials.yml"],
        from_ruby_vcr(api / "ebsco-eds/test_create_session_failed_user_credentials.yml"))

    # PubMed: ESearch count, ESearch ids, EFetch MEDLINE text. The four PMIDs of the real MEDLINE
    # export are put into the real ESearch XML shape so the two recordings agree (derived).
    medline = (api / "eutils/pubmed_result2.txt").read_text()
    pmids = re.findall(r"^PMID- (\d+)", medline, flags=re.M)
    esearch = (api / "eutils/esearch1.xml").read_text()
    ids = "".join(f"<Id>{p}</Id>\n" for p in pmids)
    with_ids = re.sub(r"<IdList>.*</IdList>", f"<IdList>\n{ids}</IdList>", esearch, flags=re.S)
    with_ids = re.sub(r"<Count>\d+</Count>", f"<Count>{len(pmids)}</Count>", with_ids)
    with_ids = re.sub(r"<RetMax>\d+</RetMax>", f"<RetMax>{len(pmids)}</RetMax>", with_ids)
    count_only = re.sub(r"<RetMax>.*", "</eSearchResult>", with_ids, flags=re.S)
    eu = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    add("pubmed-eutils.derived", ["eutils/esearch1.xml", "eutils/pubmed_result2.txt"], [
        from_body("POST", f"{eu}/esearch.fcgi", count_only, "text/xml"),
        from_body("POST", f"{eu}/esearch.fcgi", with_ids, "text/xml"),
        from_body("POST", f"{eu}/efetch.fcgi", medline, "text/plain"),
    ], "DERIVED: esearch1.xml's Count/RetMax/IdList replaced by the PMIDs of pubmed_result2.txt "
       "(the count answer keeps only <Count>, as rettype=count does)")
    add("pubmed-esearch-error", ["eutils/esummary8.xml"],
        [from_body("POST", f"{eu}/esearch.fcgi", (api / "eutils/esummary8.xml").read_text(),
                   "text/xml")], "an <ERROR> answer inside HTTP 200")

    # Web of Science Starter: no public recording exists — built from the documented schema.
    add("wos-starter.synthetic", ["docs: clarivate/wosstarter_python_client docs/apis/tags/DocumentsApi.md"],
        [from_body("GET", "https://api.clarivate.com/apis/wos-starter/v1/documents?page=1",
                   json.dumps(_wos_page(1, 2, 3))),
         from_body("GET", "https://api.clarivate.com/apis/wos-starter/v1/documents?page=2",
                   json.dumps(_wos_page(2, 1, 3)))],
        "SYNTHETIC: shaped after the documented Starter response model; values invented",
        synthetic=True)
    return cassettes


def _wos_page(page: int, n: int, total: int) -> dict:
    hits = []
    for i in range(n):
        k = (page - 1) * 2 + i + 1
        hits.append({
            "uid": f"WOS:00060000000000{k}", "title": f"Synthetic peer support record {k}",
            "types": ["Article"], "sourceTypes": ["Article"],
            "source": {"sourceTitle": "SYNTHETIC JOURNAL OF MENTAL HEALTH", "publishYear": 2019,
                       "publishMonth": "MAR", "volume": "12", "issue": "3",
                       "pages": {"range": f"{100 + k}-{110 + k}", "begin": str(100 + k),
                                 "end": str(110 + k), "count": 11}},
            "names": {"authors": [{"displayName": "Synthetic, Author", "wosStandard": "Synthetic, A",
                                   "researcherId": None}]},
            "links": {"record": f"https://www.webofscience.com/wos/woscc/full-record/WOS:00060000000000{k}",
                      "citingArticles": "", "references": "", "related": ""},
            "citations": [{"db": "WOS", "count": k}],
            "identifiers": {"doi": f"10.9999/synthetic.{k}", "issn": "0000-0019",
                            "eissn": None, "isbn": None, "pmid": None},
            "keywords": {"authorKeywords": ["peer support", "co-production"]},
        })
    return {"metadata": {"total": total, "page": page, "limit": 2}, "hits": hits}


def main(argv: list[str]) -> None:
    api = Path(argv[1]) if len(argv) > 1 else HERE.parent.parent / "shared" / "fixtures" / "api"
    for name, cassette in build(api).items():
        path = HERE / f"{name}.json"
        path.write_text(json.dumps(cassette, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path.name}: {len(cassette['interactions'])} interactions")


if __name__ == "__main__":
    main(sys.argv)
