"""What the validation report shows, gathered once from the other parts of trawl.

`gather` is the one function that calls the front end, the renderers, the vocabularies and the
store, one section at a time, so a section whose part has nothing to show degrades on its own
(see `trawl.report.model.Part`). A strategy that does not parse still gives a report: its lines
with the front end's findings, and each target rendered where the errors cannot reach.

The report's types are re-exported here: ``from trawl.report.data import gather, ReportData``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from trawl.query.diagnostics import Diagnostic, TrawlError, register
from trawl.report.lines import analyse_strategy, crosswalk_rows, render_targets, renderable
from trawl.report.model import (
    KNOWN_TARGETS,
    VOCABULARY_NAMES,
    CrosswalkCell,
    CrosswalkRow,
    Part,
    PrismaView,
    ReportData,
    RunView,
    SourceInfo,
    SourceLine,
    StrategyView,
    T,
    TargetRow,
    TargetView,
    VerifyView,
    code_index,
    code_summary,
    origin_note,
    prisma_rows,
    strategy_match,
)
from trawl.report.store_view import (
    closing,
    line_hits,
    open_store,
    prisma_view,
    records_by_source,
    run_views,
    verify_view,
)

__all__ = [
    "REPORT_BAD_TARGET",
    "REPORT_NO_STRATEGY",
    "VOCABULARY_NAMES",
    "CrosswalkCell",
    "CrosswalkRow",
    "Part",
    "PrismaView",
    "ReportData",
    "RunView",
    "SourceInfo",
    "SourceLine",
    "StrategyView",
    "TargetRow",
    "TargetView",
    "VerifyView",
    "code_index",
    "code_summary",
    "gather",
    "origin_note",
    "prisma_rows",
    "renderable",
    "strategy_match",
]

REPORT_NO_STRATEGY = register(
    "REPORT001",
    "error",
    "The report has no strategy to show: give --strategy FILE or a workspace whose review.toml "
    "names one.",
)


REPORT_BAD_TARGET = register(
    "REPORT002", "error", "A target given to the report (--to) is not one trawl renders for."
)


# The review workspace's files (ARCHITECTURE.md: "a directory with review.toml and store.sqlite").
REVIEW_FILE = "review.toml"


STORE_FILE = "store.sqlite"


def gather(
    *,
    workspace: str | Path | None = None,
    strategy: str | Path | None = None,
    targets: Iterable[str] | None = None,
    now: datetime | None = None,
) -> ReportData:
    """Everything the report shows for a workspace (review.toml + store.sqlite) or a lone strategy.

    ``strategy`` overrides the review's strategy file (e.g. the as-published text). ``targets``
    defaults to the review's sources' targets, or every target trawl renders for without a review.
    ``now`` fixes the generation time (``trawl report --generated``).
    """
    from trawl import __version__

    ws = Path(workspace) if workspace is not None else None
    review = _load_review(ws)
    strategy_path = _strategy_path(ws, review, strategy)
    database = review.database if review is not None else "ovid-medline"
    view, resolved, parsed = analyse_strategy(strategy_path, _read_text(strategy_path), database)
    view = dataclasses.replace(view, sha256=hashlib.sha256(strategy_path.read_bytes()).hexdigest())
    sources = _sources(review)
    chosen = _targets(targets, sources)

    store_path = ws / STORE_FILE if ws is not None else None
    store_part = open_store(store_path)
    with contextlib.ExitStack() as stack:
        store = None
        if store_part.ok:
            store = stack.enter_context(closing(store_part.value))
        runs = _attempt("harvest and import runs", lambda: run_views(store, store_part, sources))
        records = _attempt("records", lambda: records_by_source(store, store_part))
        provenance = _attempt("provenance chain", lambda: verify_view(store, store_part))
        prisma = _attempt("PRISMA counts", lambda: prisma_view(store, store_part))
        hits: dict[str, dict[int, int]] = {}
        if store is not None:
            with contextlib.suppress(sqlite3.Error):  # a store from before line counts existed
                hits = line_hits(store, runs, sources, view.path)
    pasted = {ln.statement: ln.hits for ln in view.lines if ln.hits is not None and ln.statement}
    if pasted:  # a pasted search history counted each line in the database it was written for
        hits.setdefault(view.database, {})
        hits[view.database] = {**pasted, **hits[view.database]}
    rendered = _attempt(
        "renderings", lambda: render_targets(chosen, view, resolved, parsed, review, sources, hits)
    )
    statements = resolved.statements if resolved is not None else parsed
    crosswalk = _attempt("heading crosswalk", lambda: crosswalk_rows(statements, view))

    title = (review.title or review.name) if review is not None else strategy_path.name
    generated = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return ReportData(
        title=title,
        review_name=review.name if review is not None else None,
        generated=generated.isoformat().replace("+00:00", "Z"),
        tool_version=__version__,
        workspace=str(ws) if ws is not None else None,
        strategy=view,
        sources=sources,
        cutoff=review.cutoff if review is not None else None,
        start=review.start if review is not None else None,
        languages=tuple(review.languages) if review is not None else (),
        schedule=review.schedule if review is not None else None,
        targets=rendered,
        crosswalk=crosswalk,
        runs=runs,
        records_by_source=records,
        provenance=provenance,
        prisma=prisma,
        store_path=str(store_path) if store_path is not None and store_path.exists() else None,
    )


def _attempt(what: str, fn: Callable[[], Part[T]]) -> Part[T]:
    """Run one section's gathering; a part of trawl that is missing or fails costs one section.

    A missing module or name means that part is not built yet; any other failure is reported in
    the section (the report is what an auditor keeps, so it must still be written) with its cause.
    """
    try:
        return fn()
    except (ImportError, AttributeError) as exc:
        return Part("not available", note=f"{what}: this part of trawl is not available ({exc})")
    except TrawlError as exc:
        return Part("not available", note=f"{what}: {exc}")
    except Exception as exc:  # noqa: BLE001 - the report must still be written; the cause is shown
        return Part(
            "not available", note=f"{what} could not be gathered: {type(exc).__name__}: {exc}"
        )


def _load_review(ws: Path | None):
    if ws is None:
        return None
    if not ws.is_dir():
        raise TrawlError(Diagnostic.of(REPORT_NO_STRATEGY, f"no such workspace directory: {ws}"))
    if not (ws / REVIEW_FILE).is_file():
        return None
    from trawl.review import Review

    return Review.load(ws / REVIEW_FILE)


def _strategy_path(ws: Path | None, review, strategy: str | Path | None) -> Path:
    if strategy is not None:
        path = Path(strategy)
    elif review is not None:
        path = review.strategy_path
    elif ws is not None and len(found := sorted(ws.glob("*.ovid"))) == 1:
        path = found[0]  # a workspace with only a strategy in it
    else:
        raise TrawlError(
            Diagnostic.of(
                REPORT_NO_STRATEGY,
                "no strategy to report on: give --strategy FILE, or a workspace with a review.toml "
                "(or exactly one *.ovid file)",
            )
        )
    if path.is_dir():
        raise TrawlError(Diagnostic.of(
            REPORT_NO_STRATEGY, f"{path} is a directory: give the strategy file"))
    if not path.is_file():
        raise TrawlError(Diagnostic.of(REPORT_NO_STRATEGY, f"strategy file not found: {path}"))
    return path


def _read_text(path: Path) -> str:
    """As ``trawl compile`` reads it (UTF-8 with or without BOM, UTF-16 with one; a bad byte is
    an error naming its line and column)."""
    from trawl.query.analysis import read_strategy

    return read_strategy(path)


def _sources(review) -> tuple[SourceInfo, ...]:
    if review is None:
        return ()
    return tuple(
        SourceInfo(key, s.label, s.target, s.route, s.connector)
        for key, s in review.sources.items()
    )


def _all_targets() -> tuple[str, ...]:
    from trawl.dialects import TARGETS

    return tuple(TARGETS)


def _targets(requested: Iterable[str] | None, sources: tuple[SourceInfo, ...]) -> tuple[str, ...]:
    try:
        known = _all_targets()
    except (ImportError, AttributeError):
        known = KNOWN_TARGETS
    if requested is None:
        wanted = [s.target for s in sources] or list(known)
    else:
        wanted = []
        for t in requested:
            t = t.strip()
            if t == "all":
                wanted.extend(known)
            elif t == "review":
                wanted.extend(s.target for s in sources)
            elif t:
                wanted.append(t)
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise TrawlError(
            Diagnostic.of(
                REPORT_BAD_TARGET,
                f"unknown target {unknown[0]!r}; known targets: {', '.join(known)} (or 'all', 'review')",
            )
        )
    return tuple(dict.fromkeys(wanted))
