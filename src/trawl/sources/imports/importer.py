"""Importing one export file into a review's store, as one run in one transaction.

What a person tells us — which source the file came from, the date they searched, the query they
ran — goes into the run's parameters and the ``file imported`` event beside the file's name, size
and sha256, because that is what PRISMA-S asks a review to report and nothing in the file says it.
The whole file is stored verbatim as the run's raw payload and every record links to it.

Order matters: the file is read, detected and parsed completely before the first write, and the
writes (run started, file imported, records stored, run finished) share one transaction, so a
file that fails halfway leaves nothing behind. Importing the same bytes twice for the same source
is refused unless ``again`` is set (a re-import is then a new run whose records are all "known").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from trawl.query.diagnostics import Diagnostic, TrawlError
from trawl.store import Run, Store

from .base import ALREADY_IMPORTED, BAD_SEARCH_DATE, NO_DEFAULT_QUERY, UNKNOWN_SOURCE
from .reader import open_export, parse_export


@dataclass(frozen=True)
class Query:
    """The query the person ran, and where trawl got it: given, read from a file, or rendered."""

    text: str | None
    origin: str  # "given" | "file:<name>" | "rendered:<target>" | "none"


@dataclass(frozen=True)
class ImportResult:
    run: Run
    file_name: str
    sha256: str
    size: int
    format: str
    encoding: str
    records: int
    new: int
    known: int
    changed: int
    diagnostics: list[Diagnostic] = field(default_factory=list)


def parse_searched(value: str | date) -> date:
    """The date the person searched: ISO ``YYYY-MM-DD``, not in the future."""
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise TrawlError(Diagnostic.of(
                BAD_SEARCH_DATE, f"--searched {value!r} is not a date like 2021-01-04")) from None
    if day > datetime.now(UTC).date():
        raise TrawlError(Diagnostic.of(
            BAD_SEARCH_DATE, f"--searched {day.isoformat()} is in the future"))
    return day


def check_source(source: str, review) -> None:
    """The source must be one the review names (a typo would file records under a new source)."""
    if review is not None and review.sources and source not in review.sources:
        raise TrawlError(Diagnostic.of(
            UNKNOWN_SOURCE, f"--source {source!r} is not a source of review {review.name!r}; "
            f"its sources are: {', '.join(review.sources)}"))


def default_query(source: str, review, diagnostics: list[Diagnostic]) -> Query:
    """trawl's own rendering of the review's strategy for this source (what the person should
    have run), or no query with a warning saying why."""
    def missing(why: str) -> Query:
        diagnostics.append(Diagnostic.of(
            NO_DEFAULT_QUERY, f"no query recorded for {source}: {why}; pass --query or "
            "--query-file to record the query that was run"))
        return Query(None, "none")

    if review is None:
        return missing("the workspace has no review.toml to render the strategy from")
    config = review.sources.get(source)
    if config is None:
        return missing(f"the review does not name {source!r}")
    try:
        from trawl.dialects import get_dialect
        from trawl.query import parse_strategy
        from trawl.query.analysis import read_strategy
    except ImportError as exc:
        return missing(f"the strategy renderer is not available in this build ({exc})")
    try:
        text = read_strategy(review.strategy_path)
        strategy = parse_strategy(text, database=review.database)
        rendering = get_dialect(config.target).render(strategy, review)
    except (OSError, TrawlError) as exc:
        return missing(f"the strategy could not be rendered for {config.target} ({exc})")
    return Query(rendering.query, f"rendered:{config.target}")


def previous_import(store: Store, source: str, sha256: str) -> Run | None:
    for run in store.runs(source=source):
        if run.kind == "import" and run.status == "complete" and (
                run.params.get("file", {}).get("sha256") == sha256):
            return run
    return None


def import_file(store: Store, path: str | Path, *, source: str, searched: str | date,
                query: Query, fmt: str | None = None, again: bool = False) -> ImportResult:
    """Read, check and store one export. Raises TrawlError (nothing written) on any problem."""
    path = Path(path)
    day = parse_searched(searched)
    export = open_export(path, fmt)
    earlier = previous_import(store, source, export.sha256)
    if earlier is not None and not again:
        raise TrawlError(Diagnostic.of(
            ALREADY_IMPORTED, f"{path.name} (sha256 {export.sha256[:12]}…) was already imported "
            f"for {source} in run {earlier.id} on {earlier.started_at[:10]}; pass --again to "
            "import it again"))
    parsed = parse_export(export, source)
    described = {
        "name": path.name,
        "size": export.size,
        "sha256": export.sha256,
        "format": export.format.name,
        "encoding": export.encoding.name + ("+bom" if export.encoding.bom else ""),
    }
    told = {
        "source": source,
        "searched": day.isoformat(),
        "query": query.text,
        "query_origin": query.origin,
    }
    params = {"file": described, **told, "again": bool(again and earlier is not None)}
    notes = [d.to_json() for d in parsed.diagnostics]
    with store.transaction():
        run = store.start_run(kind="import", source=source, params=params)
        page = store.add_page(
            run.id, payload=export.data, media_type=export.format.media_type,
            records=parsed.records,
            file={**described, **told, "records": len(parsed.records), "diagnostics": notes},
        )
        run = store.finish_run(run.id, status="complete", reported_total=len(parsed.records),
                               retrieved=len(parsed.records))
    return ImportResult(
        run=run, file_name=path.name, sha256=export.sha256, size=export.size,
        format=export.format.name, encoding=described["encoding"], records=len(parsed.records),
        new=len(page.new), known=len(page.known), changed=len(page.changed),
        diagnostics=parsed.diagnostics,
    )
