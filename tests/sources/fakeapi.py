"""A local fake of several literature APIs, for fault-injection tests and the harvest benchmark.

It serves N records in each API's real paging protocol and response shape — Europe PMC
(cursorMark), OpenAlex (cursor), Crossref (cursor), Semantic Scholar bulk (token), Scopus (cursor)
and PubMed E-utilities (ESearch + EFetch MEDLINE text) — cloned from one REAL recorded record per
API (from cassettes/, so the shapes are the recorded ones), each clone with its own identifiers.

Faults are injected by request number: 429 with and without Retry-After, 500/502/503, a stall
longer than the client's timeout, a connection reset, a truncated body, malformed JSON/XML, and a
total that changes mid-paging. ``rate`` makes the server enforce a documented rate (429 +
Retry-After when exceeded), for the benchmark. stdlib ``http.server`` in a daemon thread on
127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import copy
import json
import re
import socket
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
APIS = ("europepmc", "openalex", "crossref", "semantic-scholar", "scopus", "pubmed", "wos")
FAULTS = ("total-change", "429", "429-retry-after", "500", "502", "503", "stall", "reset", "truncated",
          "malformed")


def _body(cassette: str, index: int = 0) -> str:
    data = json.loads((CASSETTES / f"{cassette}.json").read_text(encoding="utf-8"))
    return data["interactions"][index]["response"]["body"]


class Templates:
    """One real record per API, loaded once."""

    def __init__(self) -> None:
        self.europepmc = json.loads(_body("europepmc-core"))["resultList"]["result"][0]
        self.openalex = json.loads(_body("openalex-works"))["results"][0]
        self.crossref = json.loads(_body("crossref-query"))["message"]["items"][0]
        self.s2 = json.loads(_body("semantic-scholar-bulk-full"))["data"][0]
        self.scopus = json.loads(_body("scopus-search"))["search-results"]["entry"][0]
        self.wos = json.loads(_body("wos-starter.synthetic"))["hits"][0]  # documented schema
        medline = _body("pubmed-eutils.derived", 2)
        self.medline = medline.strip().split("\n\n")[0]
        self.esearch_head = ('<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC '
                             '"-//NLM//DTD esearch 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/'
                             'eutils/dtd/20060628/esearch.dtd">\n')


_TEMPLATES: Templates | None = None


def templates() -> Templates:
    global _TEMPLATES
    if _TEMPLATES is None:
        _TEMPLATES = Templates()
    return _TEMPLATES


def record(api: str, i: int) -> object:
    """Record number ``i`` of ``api``, cloned from the real template."""
    t = templates()
    title = f"Peer support record {i}"
    if api == "europepmc":
        r = copy.copy(t.europepmc)
        r.update(id=str(30000000 + i), pmid=str(30000000 + i), doi=f"10.5555/epmc.{i}",
                 title=title)
        return r
    if api == "openalex":
        r = copy.copy(t.openalex)
        r.update(id=f"https://openalex.org/W{900000000 + i}", doi=f"https://doi.org/10.5555/oa.{i}",
                 title=title, display_name=title, ids={"openalex": f"https://openalex.org/W{900000000 + i}"})
        return r
    if api == "crossref":
        r = copy.copy(t.crossref)
        r.update(DOI=f"10.5555/cr.{i}", title=[title], URL=f"https://doi.org/10.5555/cr.{i}")
        return r
    if api == "semantic-scholar":
        r = copy.copy(t.s2)
        r.update(paperId=f"{i:040x}", title=title, externalIds={"DOI": f"10.5555/s2.{i}"})
        return r
    if api == "scopus":
        r = copy.copy(t.scopus)
        r.update({"eid": f"2-s2.0-{850000000 + i}", "dc:title": title,
                  "prism:doi": f"10.5555/sc.{i}"})
        return r
    if api == "wos":
        r = copy.copy(t.wos)
        r.update(uid=f"WOS:{700000000000000 + i}", title=title,
                 identifiers={**t.wos["identifiers"], "doi": f"10.5555/wos.{i}"})
        return r
    if api == "pubmed":
        pmid = str(30000000 + i)
        text = re.sub(r"^PMID- \d+", f"PMID- {pmid}", t.medline, flags=re.M)
        return re.sub(r"^TI  - .*?(?=^\S)", f"TI  - {title}\n", text, flags=re.M | re.S)
    raise ValueError(api)


class FakeApi:
    """``with FakeApi("europepmc", 500, page_size=50, faults={3: "500"}) as api: api.url``."""

    def __init__(self, api: str, n_records: int, *, page_size: int = 100,
                 faults: dict[int, str | list[str]] | None = None, rate: float | None = None,
                 stall: float = 1.0, delay: float = 0.0, cached: bool = True):
        assert api in APIS, api
        self.api = api
        self.n = n_records
        self.page_size = page_size
        self.faults = {k: ([v] if isinstance(v, str) else list(v)) for k, v in (faults or {}).items()}
        self.persistent: str | None = None  # a fault served for every request while set
        self.rate = rate
        self.stall = stall
        self.delay = delay
        self.requests = 0
        self.throttled = 0
        self.served: list[str] = []  # the faults actually served, in order
        self.webenv = "MCID_fake"  # PubMed History server session; change it to expire it
        self.history_fetches = 0
        self._lock = threading.Lock()
        self._next_allowed = 0.0
        self._cache: dict[int, bytes] = {}
        self._cached = cached
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        root = {"europepmc": "/europepmc/webservices/rest", "openalex": "", "crossref": "",
                "semantic-scholar": "/graph/v1", "scopus": "/content/search/scopus",
                "pubmed": "/entrez/eutils", "wos": "/apis/wos-starter/v1"}[self.api]
        return f"http://{host}:{port}{root}"

    def __enter__(self) -> FakeApi:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- pages --------------------------------------------------------------------------------
    def expected_ids(self) -> list[str]:
        """The accessions a complete harvest must end with."""
        return [self.accession(i) for i in range(self.n)]

    def accession(self, i: int) -> str:
        return {"europepmc": f"MED/{30000000 + i}", "openalex": f"W{900000000 + i}",
                "crossref": f"10.5555/cr.{i}", "semantic-scholar": f"{i:040x}",
                "scopus": f"2-s2.0-{850000000 + i}", "pubmed": str(30000000 + i),
                "wos": f"WOS:{700000000000000 + i}"}[self.api]

    def _slice(self, start: int, size: int) -> list:
        return [record(self.api, i) for i in range(start, min(self.n, start + size))]

    CURSOR = {"europepmc": "cursorMark", "openalex": "cursor", "crossref": "cursor",
              "semantic-scholar": "token", "scopus": "cursor", "wos": "page"}

    def _key(self, path: str, query: dict[str, str], form: dict[str, str], shift: int) -> tuple:
        if self.api == "pubmed":
            tail = path.rsplit("/", 1)[-1]
            rettype = form.get("rettype") if tail == "esearch.fcgi" else None
            return (tail, rettype, form.get("id"), form.get("retstart"), shift)
        return (query.get(self.CURSOR[self.api]), shift)

    def warm(self, batch: int | None = None) -> None:
        """Render every page a client will ask for now, so serving costs no CPU (benchmarks)."""
        self._memo = {}
        if self.api == "pubmed":
            root = "/entrez/eutils"
            for form in ({"rettype": "count"}, {}):
                key = self._key(f"{root}/esearch.fcgi", {}, form, 0)
                self._memo[key] = self.page(f"{root}/esearch.fcgi", {}, form)
            step = batch or self.page_size
            for start in range(0, min(self.n, 9999), step):
                form = {"WebEnv": self.webenv, "retstart": str(start), "retmax": str(step)}
                self._memo[self._key(f"{root}/efetch.fcgi", {}, form, 0)] = self.page(
                    f"{root}/efetch.fcgi", {}, form)
            return
        name = self.CURSOR[self.api]
        if self.api == "wos":
            for page in range(1, self.n // self.page_size + 2):
                self._memo[self._key("", {"page": str(page)}, {}, 0)] = self.page(
                    "", {"page": str(page)}, {})
            return
        for start in range(0, self.n + 1, self.page_size):
            if start == 0:
                value = None if self.api == "semantic-scholar" else "*"
            else:
                value = ("t" if self.api == "semantic-scholar" else "c") + str(start)
            query = {name: value} if value is not None else {}
            self._memo[self._key("", query, {}, 0)] = self.page("", query, {})

    def page(self, path: str, query: dict[str, str], form: dict[str, str], *,
             total_shift: int = 0) -> tuple[str, bytes]:
        memo = getattr(self, "_memo", None)
        if memo:
            hit = memo.get(self._key(path, query, form, total_shift))
            if hit is not None:
                return hit
        api, n = self.api, self.n + total_shift
        size = self.page_size
        if api == "europepmc":
            cursor = query.get("cursorMark", "*")
            start = 0 if cursor == "*" else int(cursor[1:])
            items = self._slice(start, size)
            nxt = f"c{start + len(items)}" if items else cursor
            return "application/json", json.dumps({
                "version": "6.9", "hitCount": n, "nextCursorMark": nxt,
                "request": {"queryString": query.get("query", ""), "cursorMark": cursor,
                            "pageSize": size}, "resultList": {"result": items}}).encode()
        if api == "openalex":
            cursor = query.get("cursor", "*")
            start = 0 if cursor == "*" else int(cursor[1:])
            items = self._slice(start, size)
            nxt = f"c{start + len(items)}" if start + len(items) < self.n else None
            return "application/json", json.dumps({
                "meta": {"count": n, "db_response_time_ms": 5, "page": None, "per_page": size,
                         "next_cursor": nxt, "groups_count": None},
                "results": items, "group_by": []}).encode()
        if api == "crossref":
            cursor = query.get("cursor", "*")
            start = 0 if cursor == "*" else int(cursor[1:])
            items = self._slice(start, size)
            return "application/json", json.dumps({
                "status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                "message": {"facets": {}, "next-cursor": f"c{start + len(items)}",
                            "total-results": n, "items": items, "items-per-page": size,
                            "query": {"start-index": 0, "search-terms": query.get("query")}}}
            ).encode()
        if api == "semantic-scholar":
            token = query.get("token")
            start = int(token[1:]) if token else 0
            items = self._slice(start, size)
            nxt = f"t{start + len(items)}" if start + len(items) < self.n else None
            return "application/json", json.dumps({"total": n, "token": nxt,
                                                   "data": items}).encode()
        if api == "scopus":
            cursor = query.get("cursor", "*")
            start = 0 if cursor == "*" else int(cursor[1:])
            items = self._slice(start, size)
            nxt = f"c{start + len(items)}"
            return "application/json", json.dumps({"search-results": {
                "opensearch:totalResults": str(n), "opensearch:startIndex": str(start),
                "opensearch:itemsPerPage": str(len(items)),
                "cursor": {"@current": cursor, "@next": nxt},
                "entry": items or [{"@_fa": "true", "error": "Result set was empty"}]}}).encode()
        if api == "wos":  # page (1-based) x limit; an empty page past the end
            page = int(query.get("page", 1))
            items = self._slice((page - 1) * size, size)
            return "application/json", json.dumps({
                "metadata": {"total": n, "page": page, "limit": size}, "hits": items}).encode()
        if api == "pubmed":
            t = templates()
            if path.endswith("esearch.fcgi"):
                if form.get("rettype") == "count":
                    return "text/xml", (t.esearch_head + f"<eSearchResult><Count>{n}</Count>"
                                        "</eSearchResult>\n").encode()
                ids = "".join(f"<Id>{30000000 + i}</Id>\n" for i in range(min(self.n, 9999)))
                return "text/xml", (t.esearch_head + f"<eSearchResult><Count>{n}</Count>"
                                    f"<RetMax>{min(self.n, 9999)}</RetMax><RetStart>0</RetStart>"
                                    f"<QueryKey>1</QueryKey><WebEnv>{self.webenv}</WebEnv>"
                                    f"<IdList>\n{ids}</IdList><TranslationSet/>"
                                    "</eSearchResult>\n").encode()
            if form.get("WebEnv"):  # from the History server
                self.history_fetches += 1
                if form["WebEnv"] != self.webenv:
                    return "text/plain", b"<ERROR>Unable to obtain query #1</ERROR>"
                start = int(form.get("retstart", 0))
                ids = list(range(min(self.n, 9999)))[start:start + int(form.get("retmax", 20))]
            else:
                ids = [int(x) - 30000000 for x in form.get("id", "").split(",") if x]
            text = "\n" + "\n\n".join(str(record("pubmed", i)) for i in ids) + "\n"
            return "text/plain", text.encode()
        raise ValueError(api)

    # -- the HTTP side ------------------------------------------------------------------------
    def _fault_for(self, number: int) -> list[str]:
        if self.persistent:
            return [self.persistent]
        return self.faults.get(number, [])

    def _throttle(self) -> float | None:
        """Seconds to wait if this request breaks the enforced rate, else None."""
        if not self.rate:
            return None
        with self._lock:
            now = time.monotonic()
            slack = 0.5 / self.rate  # allow half an interval of jitter
            if now + slack < self._next_allowed:
                return self._next_allowed - now
            self._next_allowed = max(now, self._next_allowed) + 1.0 / self.rate
            return None

    def _handler(self):
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self._safely({})

            def _safely(self, form):
                try:
                    self._serve(form)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up on a stalled answer

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                ctype = self.headers.get("Content-Type", "")
                form = ({k: v[0] for k, v in parse_qs(raw).items()}
                        if "form" in ctype else {})
                self._safely(form)

            def _send(self, status: int, body: bytes, ctype: str, headers=(), length=None):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

            def _serve(self, form: dict[str, str]):
                if self.path == "/__stats":  # for a benchmark running the server in a process
                    body = json.dumps({"requests": api.requests, "throttled": api.throttled})
                    return self._send(200, body.encode(), "application/json")
                with api._lock:
                    api.requests += 1
                    number = api.requests
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                wait = api._throttle()
                if wait is not None:
                    api.throttled += 1
                    self._send(429, b'{"message":"Too Many Requests"}', "application/json",
                               [("Retry-After", f"{max(wait, 0.001):.3f}")])
                    return
                faults = api._fault_for(number)
                if api.delay:
                    time.sleep(api.delay)
                shift = 7 if "total-change" in faults else 0
                ctype, body = api.page(parts.path, query, form, total_shift=shift)
                api.served.extend(faults)
                for fault in faults:
                    if fault == "429":
                        return self._send(429, b'{"message":"Too Many Requests"}',
                                          "application/json")
                    if fault == "429-retry-after":
                        return self._send(429, b"slow down", "text/plain", [("Retry-After", "1")])
                    if fault in ("500", "502", "503"):
                        return self._send(int(fault), b"<html>upstream error</html>", "text/html")
                    if fault == "stall":
                        time.sleep(api.stall)
                        return self._send(200, body, ctype)
                    if fault == "reset":
                        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                                   b"\x01\x00\x00\x00\x00\x00\x00\x00")
                        self.connection.close()
                        self.close_connection = True
                        return None
                    if fault == "truncated":
                        self._send(200, body[: len(body) // 2], ctype, length=len(body))
                        self.close_connection = True
                        return None
                    if fault == "malformed":
                        broken = body[: len(body) // 2] + (b"}}" if b"{" in body[:1] else b"<<")
                        if api.api == "pubmed" and not parts.path.endswith("esearch.fcgi"):
                            broken = b"<html><body>Service unavailable</body></html>"
                        return self._send(200, broken, ctype)
                return self._send(200, body, ctype)

        return Handler


def fault_schedule(kinds: Iterable[str], per_page: int = 2, first: int = 2) -> dict[int, str]:
    """Each kind once, in order, ``per_page`` faults in a row and then one clean request."""
    out: dict[int, str] = {}
    number = first
    for i, kind in enumerate(kinds):
        out[number] = kind
        number += 1
        if (i + 1) % per_page == 0:
            number += 1
    return out


class ServerProcess:
    """The fake server in its own process (a benchmark must not share the GIL with it)."""

    def __init__(self, api: str, n: int, page_size: int, rate: float | None = None,
                 warm: bool = False):
        import subprocess
        import sys

        args = [sys.executable, __file__, api, str(n), str(page_size), str(rate or 0)]
        if warm:
            args.append("--warm")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()
        self.api = api

    def stats(self) -> dict:
        import urllib.request

        root = self.url.split("/", 3)[:3]
        with urllib.request.urlopen("/".join(root) + "/__stats", timeout=10) as r:  # noqa: S310
            return json.loads(r.read())

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


if __name__ == "__main__":
    import sys

    name, count, size, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    with FakeApi(name, count, page_size=size, rate=limit or None) as running:
        if "--warm" in sys.argv:
            running.warm()
        print(running.url, flush=True)
        while True:
            time.sleep(3600)
