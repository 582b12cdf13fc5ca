"""``trawl compile``: render a strategy for one, several or every target.

Text output is a side-by-side table (Ovid line | target lines), a few targets per table so each
column stays readable, followed per target by the single query, API parameters and diagnostics.
JSON output is the ARCHITECTURE.md contract ``{"targets": [{"target","query","lines",
"diagnostics", ...}]}`` plus the front end's own findings under ``"diagnostics"``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from trawl.cli._output import user_errors

_PER_TABLE = 3  # target columns per side-by-side table
# ARCHITECTURE.md's target names, for --help (trawl.dialects is too heavy to import for it;
# a test keeps this list equal to trawl.dialects.TARGETS)
_DATABASES = ("ovid-medline", "ovid-embase", "ovid-psycinfo")  # the Ovid dialects trawl reads
_TARGET_NAMES = ("ovid-medline", "ovid-embase", "ovid-psycinfo", "pubmed", "scopus", "wos",
                 "cinahl", "academic-search-elite", "embase", "google-scholar", "worldcat",
                 "primo", "openalex", "europepmc", "crossref", "semantic-scholar")


def register(app: typer.Typer) -> None:
    app.command("compile")(compile_strategy)


def compile_strategy(
    file: Annotated[Path, typer.Argument(help="The strategy (Ovid syntax); - reads standard "
                                              "input.")],
    to: Annotated[str, typer.Option("--to", help="Target(s): comma-separated names, or 'all'. "
                                    "Names: " + ", ".join(_TARGET_NAMES) + ".")] = "all",
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    review_path: Annotated[Path | None, typer.Option(
        "--review", help="review.toml (default: the one beside FILE, when present).")] = None,
    no_review: Annotated[bool, typer.Option(
        "--no-review", help="Ignore any review.toml: no cutoff, language or \\[fields] settings.")] = False,
    database: Annotated[str | None, typer.Option(
        "--database", help="The Ovid database FILE was written for (default: review.toml's "
        "database, else ovid-medline).")] = None,
) -> None:
    """Render FILE for each target: line by line and as one query, with every loss reported.

    Exit status 1 when the strategy has errors (the front end's diagnostics are printed) or a
    rendering has an error; 2 when a file cannot be read or an option is wrong.
    """
    from trawl.dialects import TARGETS, get_dialect
    from trawl.query.analysis import analyse, read_strategy
    from trawl.review import Review

    if fmt not in ("text", "json"):
        print(f"error: --format must be text or json (got {fmt!r})", file=sys.stderr)
        raise typer.Exit(2)
    if database is not None and database not in _DATABASES:
        print(f"error: --database must be one of {', '.join(_DATABASES)} (got {database!r})",
              file=sys.stderr)
        raise typer.Exit(2)
    stdin = str(file) == "-"
    with user_errors():
        names = list(TARGETS) if to.strip().lower() == "all" else \
            list(dict.fromkeys(t.strip().lower() for t in to.split(",") if t.strip()))
        if not names:
            print("error: --to names no target; give one or more of "
                  f"{', '.join(TARGETS)}, or 'all'", file=sys.stderr)
            raise typer.Exit(2)
        dialects = [get_dialect(n) for n in names]
        review = None
        if not no_review:
            # standard input has no folder: only an explicit --review applies
            path = review_path or (None if stdin else file.parent / "review.toml")
            if review_path is not None or (path is not None and path.is_file()):
                review = Review.load(path)
        text = sys.stdin.read() if stdin else read_strategy(file)
    db = database or (review.database if review is not None else "ovid-medline")
    analysis = analyse(text, database=db)
    if analysis.strategy is None:
        _report_input_errors(file, analysis.diagnostics, fmt)
        raise typer.Exit(1)
    with user_errors():
        renderings = [d.render(analysis.strategy, review) for d in dialects]
    if fmt == "json":
        print(json.dumps({"targets": [r.to_json() for r in renderings],
                          "diagnostics": [d.to_json() for d in analysis.diagnostics]},
                         indent=2, ensure_ascii=False))
    else:
        _print_text(analysis, renderings, review)
    raise typer.Exit(1 if any(r.has_errors for r in renderings) else 0)


def _report_input_errors(file: Path, diagnostics: list[Any], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps({"targets": [], "diagnostics": [d.to_json() for d in diagnostics]},
                         indent=2, ensure_ascii=False))
        return
    for d in diagnostics:
        where = f"{file}:{d.line}:{d.column}" if d.line is not None else str(file)
        print(f"{where}: {d.severity}: {d.message} [{d.code}]", file=sys.stderr)


def _print_text(analysis: Any, renderings: list[Any], review: Any) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from trawl.query import to_ovid

    console = Console()
    source = {st.number: to_ovid(st) for st in analysis.strategy.statements}
    numbers = sorted({ln.line for r in renderings for ln in r.lines} | set(source))
    for start in range(0, len(renderings), _PER_TABLE):
        group = renderings[start:start + _PER_TABLE]
        table = Table(show_lines=True, expand=True)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("Ovid (as read)", ratio=2, overflow="fold")
        for r in group:
            table.add_column(r.target, ratio=3, overflow="fold")
        by_line = [{ln.line: ln.text for ln in r.lines} for r in group]
        for n in numbers:
            ovid = source.get(n, "(review.toml limits)")
            # Text(): target syntax such as [tiab] must not be read as rich markup
            table.add_row(str(n), Text(ovid), *[Text(m.get(n, "")) for m in by_line])
        console.print(table)
    for r in renderings:
        console.rule(f"[bold]{r.target}")
        if len(r.queries) > 1:
            console.print(f"[bold]{len(r.queries)} queries[/] (a length limit split the query; "
                          "run each and combine the results):")
            for i, q in enumerate(r.queries, 1):
                console.print(f"  {i}. {q}", markup=False, highlight=False)
        else:
            label = f"query ({r.query_param})" if r.query_param else "query"
            console.print(f"[bold]{label}:[/]")
            console.print(r.query, markup=False, highlight=False)
        if r.api_params:
            console.print("[bold]API parameters:[/] ", end="")
            console.print("  ".join(f"{k}={v}" for k, v in r.api_params.items()),
                          markup=False, highlight=False)
        for d in r.diagnostics:
            colour = {"error": "red", "warning": "yellow"}.get(str(d.severity), "dim")
            where = f"line {d.line}: " if d.line is not None else ""
            console.print(f"[{colour}]{d.severity}[/] {d.code} {where}", end="")
            console.print(d.message, markup=False, highlight=False)
    if review is None:
        console.print("[dim]No review.toml: no cutoff date or review language limit applied.[/]")
