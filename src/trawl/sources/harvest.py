"""The harvest loop: a source's pages, one committed transaction each, resumable at any point.

For each source: render the strategy in the source's dialect (``trawl.dialects``), fold the
review's cutoff and language limit in as the source allows (`ApiClient.prepare`), start a run,
and store every page with ``Store.add_page(checkpoint=...)`` — payload, records, events and the
state to continue from, all or nothing. A crash, a kill or a fault that outlasts the retries loses
at most the page in flight; ``resume=True`` picks the run up at its checkpoint. Re-running is
idempotent: the store knows a record it already holds from that source ("known"); new ones are
counted and logged as new.

Where a source cannot apply a limit, the run records that (``params.applied``) and the records
are filtered here, after harvest; every removal is logged with the reason and the record ids
(the raw page, with everything the source sent, stays in the store).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import os
import queue
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from trawl.query.diagnostics import Diagnostic, TrawlError, register
from trawl.sources.base import ApiClient, Applied, Limits, Page, language_codes
from trawl.sources.cards import Source, base_url, get_card
from trawl.sources.http import AuthError, HarvestError, Http
from trawl.store.record import Record

NO_QUERY = register(
    "HARVEST005", "error",
    "No query for a source: the strategy could not be rendered and review.toml gives none.",
)
EXPORT_ONLY = register(
    "HARVEST006", "error", "A source has no API: a person searches it and imports the export.",
)
NOTHING_TO_RESUME = register(
    "HARVEST007", "info", "--resume found no unfinished run for a source: it is skipped.",
)
CREDENTIALS_UNSET = register(
    "HARVEST010", "error",
    "A source's required credential variable is not set: nothing was sent, no run was started.",
)


class Progress(Protocol):
    def start(self, source: str) -> None: ...
    def page(self, source: str, records: int, total: int | None) -> None: ...
    def finish(self, source: str, status: str) -> None: ...


class QuietProgress:
    def start(self, source: str) -> None:
        pass

    def page(self, source: str, records: int, total: int | None) -> None:
        pass

    def finish(self, source: str, status: str) -> None:
        pass


@dataclass
class SourceResult:
    """How one source's harvest went (the summary table's row)."""

    source: str
    status: str  # complete | resumable | failed | export | skipped
    run_id: int | None = None
    pages: int = 0
    records: int = 0  # records stored this run (new + known)
    new: int = 0
    known: int = 0
    filtered: int = 0  # removed after harvest because the source could not apply a limit
    reported_total: int | None = None
    seconds: float = 0.0
    note: str = ""
    applied: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """What will be sent to one source."""

    name: str  # the review's name for the source (records and runs carry it)
    card: Source
    query: str
    params: dict[str, Any]
    diagnostics: list[dict] = field(default_factory=list)
    query_param: str | None = None
    strategy_sha256: str | None = None
    rendering_sha256: str | None = None  # sha256 of the rendering's canonical JSON
    route: str = "api"  # "export": a person imports this source's export; nothing to send
    limits_rendered: bool = False  # the renderer already put the review's limits in the query


def client_for(card: Source, http: Http, *, source_name: str | None = None,
               review_base_url: str | None = None, env: Mapping[str, str] | None = None,
               page_size: int | None = None) -> ApiClient:
    """The API client module ``trawl.sources.<card.client>`` for a card with the api route."""
    if card.route != "api" or not card.client:
        raise TrawlError(Diagnostic.of(
            EXPORT_ONLY, f"{source_name or card.name}: {card.label} has no API route; "
            f"import its export with `trawl import`"))
    module = importlib.import_module(f"trawl.sources.{card.client}")
    url = base_url(card, source_name=source_name, review_base_url=review_base_url, env=env)
    return module.Client(card, http, url, env=env, page_size=page_size, source_name=source_name)


def plan_for(review, name: str, *, query: str | None = None) -> Plan:
    """Render the review's strategy for source ``name`` (a key of ``[sources]`` or a card name)."""
    config = review.sources.get(name) if review is not None else None
    card = get_card(config.connector or name if config is not None else name)
    # an API receives its own syntax: the connector's dialect (``medline`` is searched on Ovid
    # by a person, but harvested through PubMed E-utilities in PubMed syntax)
    target = card.dialect
    extra = dict(config.model_extra or {}) if config is not None else {}
    if card.route == "export" or (config is not None and config.route == "export"):
        return Plan(name, card, "", {}, route="export")
    if query is not None or extra.get("query"):
        return Plan(name, card, query if query is not None else str(extra["query"]),
                    dict(extra.get("params") or {}))
    if review is None:
        raise TrawlError(Diagnostic.of(NO_QUERY, f"{name}: give a query (no review.toml)"))
    try:
        from trawl.dialects import get_dialect
        from trawl.query import parse_strategy
        from trawl.query.analysis import read_strategy
    except ImportError as exc:  # the compiler is not installed in this checkout yet
        raise TrawlError(Diagnostic.of(NO_QUERY, f"{name}: cannot render the strategy ({exc}); "
                                       f"set [sources.{name}] query in review.toml")) from None
    text = read_strategy(review.strategy_path)  # BOM-tolerant; a non-UTF-8 byte is a TrawlError
    try:
        strategy = parse_strategy(text, database=review.database)
    except TrawlError as exc:  # say which file the line and column are in
        d = exc.diagnostic
        raise TrawlError(dataclasses.replace(
            d, message=f"{review.strategy_path}: {d.message}")) from None
    rendering = get_dialect(target).render(strategy, review)
    errors = [d for d in rendering.diagnostics if str(d.severity) == "error"]
    if errors:
        raise TrawlError(errors[0])
    rendered = json.dumps(rendering.to_json(), sort_keys=True, separators=(",", ":"))
    return Plan(name, card, rendering.query, dict(rendering.api_params),
                [d.to_json() for d in rendering.diagnostics], rendering.query_param,
                hashlib.sha256(text.encode()).hexdigest(),
                hashlib.sha256(rendered.encode()).hexdigest(), limits_rendered=True)


def rendered_limits(plan: Plan, limits: Limits) -> Applied:
    """Where the review's limits went when trawl.dialects rendered them for this source; what
    the rendering could not carry is left for after the harvest.

    DIA038: the renderer left a date limit out of the query (no confirmed syntax) and named an
    interface limiter instead; unless it sent the card's date parameter, the cutoff is applied
    to the harvested records afterwards (never silently lost)."""
    card = plan.card
    date_rendered = bool(card.filters.date_param) and (
        card.filters.date_param in plan.params
        or "DIA038" not in {d.get("code") for d in plan.diagnostics})
    return Applied(
        date_at_source="in the rendered query" if date_rendered else "",
        language_at_source="in the rendered query" if card.filters.language_param else "",
        filter_date_after=bool(limits.cutoff) and not date_rendered,
        filter_language_after=bool(limits.languages) and not card.filters.language_param)


def limits_of(review) -> Limits:
    if review is None:
        return Limits()
    return Limits(start=review.start, cutoff=review.cutoff, languages=tuple(review.languages))


def filter_after(records: list[Record], limits: Limits, applied: Applied
                 ) -> tuple[list[Record], list[dict]]:
    """Apply the limits a source could not: returns (kept, removed-with-reason).

    A record is removed only when it provably falls outside: a date after the cutoff (or a year
    after the cutoff's year), or languages none of which is allowed. Undated records and records
    without a language are kept — losing them silently would be worse.
    """
    kept: list[Record] = []
    removed: list[dict] = []
    allowed = {c.lower() for lang in limits.languages for c in language_codes(lang)}
    for rec in records:
        reason = None
        if applied.filter_date_after and limits.cutoff:
            if rec.published and rec.published > limits.cutoff:
                reason = f"published {rec.published} after the cutoff {limits.cutoff}"
            elif rec.published is None and rec.year and rec.year > limits.cutoff.year:
                reason = f"year {rec.year} after the cutoff {limits.cutoff}"
            elif limits.start and rec.published and rec.published < limits.start:
                reason = f"published {rec.published} before the start {limits.start}"
        if reason is None and applied.filter_language_after and allowed and rec.languages:
            if not any(lang.lower() in allowed for lang in rec.languages):
                reason = f"language {', '.join(rec.languages)} not in {', '.join(limits.languages)}"
        if reason:
            removed.append({"accession": rec.accession, "doi": rec.doi, "reason": reason})
        else:
            kept.append(rec)
    return kept, removed


def prefetched(pages: Iterator[Page], depth: int = 1) -> Iterator[Page]:
    """Fetch the next page while the current one is being stored.

    The API's rate is the ceiling of a harvest; storing a page (parsing done, one transaction)
    takes time the rate limiter would otherwise waste. A bounded queue keeps at most ``depth``
    pages in memory; an error in the fetching thread is raised here, in order, after the pages
    before it were stored. A page fetched but never stored is simply fetched again on resume.
    """
    box: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def offer(item: object) -> bool:
        """Hand ``item`` over unless the consumer has stopped; False when it has."""
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for page in pages:
                if not offer(page):
                    return
            offer(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, in order
            offer(exc)
        finally:
            close = getattr(pages, "close", None)
            if close is not None and stop.is_set():
                close()

    thread = threading.Thread(target=produce, name="trawl-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = box.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)  # a request in flight ends on its own (daemon thread)


def _unfinished_run(store, name: str):
    for run in reversed(store.runs(source=name)):
        if run.kind != "harvest":
            continue
        if run.status in ("resumable", "failed", "running"):
            return run
        return None  # the latest harvest finished: nothing to resume
    return None


def harvest_source(store, plan: Plan, limits: Limits, http: Http, *, resume: bool = False,
                   review_base_url: str | None = None, env: Mapping[str, str] | None = None,
                   progress: Progress | None = None, max_pages: int | None = None,
                   page_size: int | None = None) -> SourceResult:
    """Harvest one source into ``store``; returns its summary row, raises nothing it can report.

    Auth errors and faults that outlast the retries end the run (failed / resumable) and come
    back as the row's status and note; the caller decides the exit code.
    """
    progress = progress or QuietProgress()
    env = os.environ if env is None else env
    card = plan.card
    if plan.route != "api" or card.route != "api":
        return SourceResult(plan.name, "export", note=f"import its export ({card.platform})")
    unset = [name for name in card.auth.required_env if not env.get(name)]
    if unset:  # say so before sending anything: a missing key is not a fault to retry
        return SourceResult(plan.name, "failed", note=Diagnostic.of(
            CREDENTIALS_UNSET, f"{card.label} needs {', '.join(unset)} in the environment; "
            "it is not set, so nothing was sent").message)
    client = client_for(card, http, source_name=plan.name, review_base_url=review_base_url,
                        env=env, page_size=page_size)
    client.query_param = plan.query_param
    if plan.limits_rendered:
        # trawl.dialects rendered the cutoff and language limit the way this source allows
        # (entry/load date first); only what the source cannot do at all is left for after
        query, params = plan.query, dict(plan.params)
        applied = rendered_limits(plan, limits)
    else:
        query, params, applied = client.prepare(plan.query, plan.params, limits)
    started = time.monotonic()
    state: dict | None = None
    if resume:
        run = _unfinished_run(store, plan.name)
        if run is None:  # its last harvest finished: nothing to continue
            return SourceResult(plan.name, "skipped", note=Diagnostic.of(
                NOTHING_TO_RESUME, "no unfinished harvest to resume").message)
        if run.status != "running":
            run = store.resume_run(run.id)
        state = run.checkpoint
        query = run.params.get("query", query)
        params = run.params.get("api_params", params)
    else:
        run = store.start_run(kind="harvest", source=plan.name, params={
            "query": query, "api_params": params, "connector": card.name,
            "dialect": card.dialect, "endpoint": client.base, "limits": {
                "start": str(limits.start) if limits.start else None,
                "cutoff": str(limits.cutoff) if limits.cutoff else None,
                "languages": list(limits.languages)},
            "applied": applied.to_json(), "strategy_sha256": plan.strategy_sha256,
            "diagnostics": [d.get("code") for d in plan.diagnostics],
            "page_size": client.page_size, "rate_per_second": card.rate_for(env)})
        if plan.strategy_sha256:
            # what exactly was searched: the strategy text and the rendering sent, by hash
            store.log_event("strategy compiled", {
                "strategy_sha256": plan.strategy_sha256,
                "rendering_sha256": plan.rendering_sha256, "target": card.dialect,
                "query": query, "api_params": params,
                "diagnostics": [d.get("code") for d in plan.diagnostics]}, run_id=run.id)
        if applied.filter_date_after or applied.filter_language_after:
            store.log_event("limits applied after harvest", {
                "date": applied.filter_date_after, "language": applied.filter_language_after,
                "why": f"{card.label} cannot apply them exactly at the source"}, run_id=run.id)
    result = SourceResult(plan.name, "running", run_id=run.id, applied=applied.to_json())
    client.log = lambda kind, payload: store.log_event(kind, payload, run_id=run.id)

    def lookup(sha: str) -> bytes | None:
        try:
            return store.payload(sha)
        except Exception:  # noqa: BLE001 - not stored (or scrubbed differently): search again
            return None

    client.payload_lookup = lookup
    totals: list[int] = []
    progress.start(plan.name)
    try:
        for page in prefetched(client.pages(query, params, state)):
            kept, removed = filter_after(page.records, limits, applied)
            res = store.add_page(run.id, payload=page.payload, media_type=page.media_type,
                                 records=kept, request=page.request, response=page.response,
                                 checkpoint=page.checkpoint)
            if removed:
                store.log_event("records filtered", {"page_sha256": res.payload_sha256,
                                                     "removed": removed}, run_id=run.id)
            result.pages += 1
            result.records += len(kept)
            result.new += len(res.new)
            result.known += len(res.known)
            result.filtered += len(removed)
            if page.reported_total is not None:
                if totals and page.reported_total != totals[-1]:
                    store.log_event("total changed", {"before": totals[-1],
                                                      "now": page.reported_total}, run_id=run.id)
                totals.append(page.reported_total)
            progress.page(plan.name, len(kept), page.reported_total)
            if max_pages is not None and result.pages >= max_pages \
                    and not page.checkpoint.get("done"):
                result.status, result.note = "resumable", f"stopped after {max_pages} pages"
                break
        else:
            result.status = "complete"
    except AuthError as exc:
        result.status, result.note = "failed", str(exc)
    except HarvestError as exc:
        result.status, result.note = "resumable", str(exc)
    except KeyboardInterrupt:
        store.finish_run(run.id, status="resumable", note="interrupted")
        progress.finish(plan.name, "resumable")
        raise
    result.reported_total = totals[-1] if totals else None
    result.seconds = time.monotonic() - started
    finished = store.finish_run(run.id, status=result.status, reported_total=result.reported_total,
                                note=result.note or None)
    expected = result.reported_total
    if result.status == "complete" and expected is not None \
            and finished.retrieved + result.filtered < expected:
        store.log_event("shortfall", {"reported_total": expected, "retrieved": finished.retrieved,
                                      "filtered": result.filtered}, run_id=run.id)
        result.note = (f"{card.label} announced {expected} records; "
                       f"received {finished.retrieved + result.filtered}")
    progress.finish(plan.name, result.status)
    return result
