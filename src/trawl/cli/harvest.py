"""``trawl harvest``, ``trawl schedule`` and ``trawl counts``: run the searches through the APIs.

Thin: reads the workspace (review.toml + store.sqlite), calls trawl.sources.harvest, prints a
rich progress bar per source on a terminal (quiet otherwise) and a summary table at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from trawl.cli._output import user_errors

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="The review workspace (default: current directory).")
]


def register(app: typer.Typer) -> None:
    app.command("harvest")(harvest)
    app.command("schedule")(schedule)
    app.command("counts")(counts)


def harvest(
    source: Annotated[list[str] | None, typer.Option(
        "--source", "-s", help="Harvest only this source (repeatable; a review source or card).")] = None,
    resume: Annotated[bool, typer.Option(help="Continue each source's unfinished run.")] = False,
    due: Annotated[bool, typer.Option(help="Only the sources the schedule says are due.")] = False,
    workspace: WorkspaceOpt = Path("."),
    max_pages: Annotated[int | None, typer.Option(help="Stop each source after N pages "
                                                   "(resumable).")] = None,
    page_size: Annotated[int | None, typer.Option(help="Records per request (capped by the "
                                                   "card).")] = None,
) -> None:
    """Harvest the review's API sources into the store, page by page, resumably."""
    from trawl.review import Review
    from trawl.sources.harvest import SourceResult, harvest_source, limits_of, plan_for
    from trawl.sources.http import Http
    from trawl.sources.schedule import due_sources
    from trawl.store import Store

    results: list[SourceResult] = []
    with user_errors():
        review = Review.load(workspace)
        names = list(source or review.sources)
        for name in names:
            if name not in review.sources:
                from trawl.query.diagnostics import TrawlError
                from trawl.sources.cards import get_card

                try:
                    get_card(name)
                except TrawlError as exc:
                    print(f"error: --source {name!r} is not a source of review.toml "
                          f"({', '.join(review.sources) or 'none yet'}) nor a connector card: "
                          f"{exc}", file=sys.stderr)
                    raise typer.Exit(2) from None
        if not names:
            print(f"error: {Path(workspace) / 'review.toml'} names no sources: add a "
                  "[sources.NAME] table for each database (see the comments in it)",
                  file=sys.stderr)
            raise typer.Exit(2)
        if due:
            with Store.open(workspace) as store:
                names = [n for n in names if n in due_sources(review, store)]
            if not names:
                print("nothing is due")
                return
        limits = limits_of(review)
        progress = _progress()
        where = "" if Path(workspace) == Path(".") else f" -w {workspace}"
        with Store.open(workspace) as store, Http() as http, progress:
            for name in names:
                plan = plan_for(review, name)
                config = review.sources.get(name)
                try:
                    results.append(harvest_source(
                        store, plan, limits, http, resume=resume, progress=progress,
                        review_base_url=config.base_url if config else None,
                        max_pages=max_pages, page_size=page_size))
                except KeyboardInterrupt:
                    # harvest_source saved the run as resumable; say so instead of a bare exit
                    print(f"interrupted: {name} is saved as resumable; continue with: trawl "
                          f"harvest --resume --source {name}{where}", file=sys.stderr)
                    raise typer.Exit(130) from None
    _summary(results)
    exports = [r.source for r in results if r.status == "export"]
    if exports:
        print(f"searched by hand, not harvested: {', '.join(exports)}; import each export with "
              f"`trawl import FILE --source NAME --searched YYYY-MM-DD{where}`", file=sys.stderr)
    for r in results:
        if r.status == "skipped" and r.note:
            print(f"{r.source}: {r.note}", file=sys.stderr)
    unfinished = [r for r in results if r.status in ("resumable", "failed")]
    for r in unfinished:
        print(f"error: {r.source}: {r.note}", file=sys.stderr)
        if r.status == "resumable":
            print(f"  continue with: trawl harvest --resume --source {r.source}{where}",
                  file=sys.stderr)
    if unfinished:
        raise typer.Exit(1)


def schedule(workspace: WorkspaceOpt = Path(".")) -> None:
    """Show which sources are due for a re-run and when the cutoff falls."""
    from rich.table import Table

    from trawl.review import Review
    from trawl.sources.schedule import plan_schedule
    from trawl.store import Store

    with user_errors():
        review = Review.load(workspace)
        store_path = Path(workspace) / "store.sqlite"
        store = Store.open(store_path) if store_path.exists() else None
        try:
            rows, headline = plan_schedule(review, store)
        finally:
            if store is not None:
                store.close()
    console = _console()
    console.print(headline, markup=False)
    if not rows:
        print(f"{Path(workspace) / 'review.toml'} names no sources yet: add a [sources.NAME] "
              "table for each database", file=sys.stderr)
    table = Table("source", "route", "last complete harvest or import", "status")
    for row in rows:
        table.add_row(row.source, row.route, row.last or "-", row.status)
    console.print(table)


def counts(
    file: Annotated[Path, typer.Argument(help="The strategy (Ovid syntax).")],
    source: Annotated[str, typer.Option("--source", "-s", help="A source that can count.")],
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="Store the counts in this workspace's provenance log.")] = None,
    database: Annotated[str, typer.Option(help="The Ovid database the strategy is for.")] = "ovid-medline",
) -> None:
    """Per-line hit counts from a source, for validating a translation line by line."""
    from rich.table import Table
    from rich.text import Text

    from trawl.query.analysis import read_strategy
    from trawl.sources.counts import line_counts, store_counts
    from trawl.sources.http import Http

    if database not in ("ovid-medline", "ovid-embase", "ovid-psycinfo"):
        print("error: --database must be one of ovid-medline, ovid-embase, ovid-psycinfo "
              f"(got {database!r})", file=sys.stderr)
        raise typer.Exit(2)
    with user_errors():
        text = read_strategy(file)
        with Http() as http:
            rows = line_counts(text, source, http, database=database)
        if workspace is not None:
            from trawl.store import Store

            with Store.open(workspace) as store:
                store_counts(store, source, str(file), rows)
    table = Table("line", "query", "hits")
    for row in rows:
        # Text(): PubMed's [tiab] and [mh] must not be read as rich markup (and vanish)
        table.add_row(str(row.line), Text(row.query),
                      "-" if row.hits is None else f"{row.hits:,}")
    _console().print(table)


def _progress():
    from trawl.sources.harvest import QuietProgress
    from trawl.sources.progress import RichProgress

    if sys.stderr.isatty():
        return RichProgress()
    return _Quiet(QuietProgress())


class _Quiet:
    """QuietProgress as a context manager (RichProgress is one)."""

    def __init__(self, inner):
        self.inner = inner

    def __enter__(self):
        return self.inner

    def __exit__(self, *exc):
        return None

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _summary(results) -> None:
    from rich.table import Table

    table = Table("source", "status", "pages", "records", "new", "known", "filtered",
                  "source total", "time", title="harvest")
    for r in results:
        table.add_row(r.source, r.status, str(r.pages), str(r.records), str(r.new), str(r.known),
                      str(r.filtered), "-" if r.reported_total is None else str(r.reported_total),
                      f"{r.seconds:.1f}s")
    _console().print(table)


def _console():
    """A rich console; off a terminal, wide enough that tables never wrap a source name."""
    from rich.console import Console

    console = Console(soft_wrap=True)
    return console if console.is_terminal else Console(soft_wrap=True, width=160)
