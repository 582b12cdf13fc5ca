"""What the review's store says: runs, records, the provenance check, PRISMA counts, hits.

The store is opened without upgrading its schema: the report never changes what it reports on.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from trawl.query.diagnostics import TrawlError
from trawl.report.lines import FINAL_LINE
from trawl.report.model import (
    KNOWN_TARGETS,
    Part,
    PrismaView,
    RunView,
    VerifyView,
    when,
)

LINE_COUNTS_EVENT = "line counts"  # written by `trawl counts` (trawl.sources.counts)


def open_store(path: Path | None) -> Part[Any]:
    if path is None:
        return Part("not run", note="no workspace: the report shows the strategy only")
    if not path.exists():
        return Part(
            "not run",
            note=f"no store yet ({path.name} does not exist): nothing harvested or imported",
        )
    try:
        from trawl.store import Store
    except ImportError as exc:
        return Part("not available", note=f"the store is not available ({exc})")
    try:
        # upgrade=False: the report reads the store as it is; it never changes what it reports on
        return Part("ok", Store.open(path, upgrade=False))
    except TrawlError as exc:
        return Part("not available", note=f"the store could not be opened: {exc}")


@contextlib.contextmanager
def closing(store) -> Iterator[Any]:
    try:
        yield store
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()


def _passthrough(store_part: Part) -> Part:
    return Part(store_part.state, note=store_part.note)


def run_views(store, store_part: Part, sources) -> Part[tuple[RunView, ...]]:
    if store is None:
        return _passthrough(store_part)
    runs = list(store.runs())
    if not runs:
        return Part("not run", note="no harvest or import has been run yet")
    views = tuple(_run_view(r, sources) for r in runs)
    return Part("ok", views)


def _run_view(run, sources) -> RunView:
    """A store Run as the report shows it. Harvests keep their query in ``params["query"]``;
    imports keep what the person said (``query``, ``query_origin``, ``searched``) and ``file``."""
    params = run.params or {}
    query = params.get("query") or ""
    if isinstance(query, list):  # a query split in parts for a length limit
        query = "\n".join(map(str, query))
    described = params.get("file")
    file = ""
    if isinstance(described, dict) and described.get("name"):
        digest = str(described.get("sha256", ""))[:12]
        file = f"{described['name']}" + (f" (sha256 {digest}…)" if digest else "")
    started = when(run.started_at)
    return RunView(
        id=run.id,
        kind=run.kind,
        source=run.source,
        target=target_of_source(run.source, sources, params),
        status=run.status,
        started=started,
        finished=when(run.finished_at),
        query=str(query),
        reported_total=run.reported_total,
        retrieved=run.retrieved,
        note=run.note or "",
        searched=str(params.get("searched") or started[:10]),
        query_origin=str(params.get("query_origin") or ""),
        strategy_sha256=str(params.get("strategy_sha256") or ""),
        file=file,
    )


def target_of_source(source: str, sources, params: dict | None = None) -> str | None:
    """The target a run's source was searched with: its review source, connector or own name."""
    if params and isinstance(params.get("target"), str):
        return params["target"]
    for s in sources:
        if source in (s.key, s.connector):
            return s.target
    return source if source in KNOWN_TARGETS else None


def records_by_source(store, store_part: Part) -> Part[dict[str, int]]:
    """Records per source, counted in SQL (a review's store can hold 100,000 records)."""
    if store is None:
        return _passthrough(store_part)
    counts = dict(store.connection.execute("SELECT source, count(*) FROM records GROUP BY source"))
    if not counts:
        return Part("not run", note="the store holds no records yet")
    return Part("ok", dict(sorted(counts.items())))


def verify_view(store, store_part: Part) -> Part[VerifyView]:
    if store is None:
        return _passthrough(store_part)
    result = store.verify()
    head = f"{result.head_seq}:{result.head_hash}" if result.head_hash else ""
    return Part(
        "ok",
        VerifyView(
            ok=result.ok,
            first_bad_seq=result.first_bad_seq,
            reason=result.reason or "",
            events=result.head_seq,
            head=head,
            problems=tuple(result.problems),
            checked=dict(result.checked),
        ),
    )


def prisma_view(store, store_part: Part) -> Part[PrismaView]:
    if store is None:
        return _passthrough(store_part)
    prisma = importlib.import_module("trawl.report.prisma")
    counts = prisma.counts(store)
    if not _as_dict(counts).get("records_identified") and not store.runs():
        return Part("not run", note="nothing identified yet: no harvest or import has been run")
    try:
        svg, note = prisma.flow_svg(counts), ""
    except (ImportError, AttributeError) as exc:
        svg, note = None, f"the flow diagram is not available ({exc})"
    return Part("ok", PrismaView(_as_dict(counts), svg, note))


def _as_dict(counts: Any) -> dict[str, Any]:
    """trawl.report.prisma.counts returns a JSON-ready dict; anything else is a contract change."""
    if not isinstance(counts, dict):
        raise TypeError(f"trawl.report.prisma.counts returned {type(counts).__name__}, not a dict")
    return counts


def line_hits(store, runs: Part, sources, strategy_file: str) -> dict[str, dict[int, int]]:
    """Hits per target and line: from `trawl counts` (each line counted on its own in a source)
    for this strategy file, the latest count winning; and the total the source reported for the
    whole query in the latest complete harvest, which belongs to the final line."""
    hits: dict[str, dict[int, int]] = {}
    for event in store.events(kinds=[LINE_COUNTS_EVENT]):
        payload = event.payload
        if Path(str(payload.get("file", ""))).name != Path(strategy_file).name:
            continue  # counts of another strategy text: its line numbers mean other lines
        target = _target_of_card(str(payload.get("source", "")), sources)
        if target is None:
            continue
        for row in payload.get("counts") or ():
            if isinstance(row.get("hits"), int) and isinstance(row.get("line"), int):
                hits.setdefault(target, {})[row["line"]] = row["hits"]
    if runs.ok:
        for run in runs.value:  # in run order: the latest complete harvest wins
            if run.kind == "harvest" and run.target and run.status == "complete":
                if run.reported_total is not None:
                    hits.setdefault(run.target, {})[FINAL_LINE] = run.reported_total
    return hits


def _target_of_card(source: str, sources) -> str | None:
    target = target_of_source(source, sources)
    if target is not None:
        return target
    try:
        from trawl.sources.cards import get_card

        return get_card(source).dialect
    except (ImportError, TrawlError, KeyError, AttributeError):
        return None
