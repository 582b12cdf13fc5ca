"""``trawl import``: take in an export a person downloaded from a database without API access."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from trawl.cli._output import user_errors


def register(app: typer.Typer) -> None:
    app.command("import")(import_export)


def import_export(
    file: Annotated[Path, typer.Argument(help="The export file (RIS, .nbib, WoS .txt/.ciw, CSV, "
                                               "EndNote XML ...).")],
    source: Annotated[str, typer.Option("--source", help="The review source it came from, as "
                                                         "named in review.toml (e.g. cinahl).")],
    searched: Annotated[str, typer.Option("--searched", help="The date the search was run, "
                                                             "YYYY-MM-DD.")],
    query: Annotated[str | None, typer.Option("--query", help="The query that was run (default: "
                                              "trawl's rendering of the strategy for the source).")
                     ] = None,
    query_file: Annotated[Path | None, typer.Option("--query-file", help="Read the query that "
                                                    "was run from this file.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Override format detection: ris, "
                                            "medline, ovid, wos, wos-tab, scopus-csv, embase-csv, "
                                            "pop-csv, endnote-xml, enw, bibtex, csv.")] = None,
    again: Annotated[bool, typer.Option("--again", help="Import a file already imported for "
                                        "this source (same sha256) once more.")] = False,
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help="The review workspace "
                                            "(default: current directory).")] = Path("."),
) -> None:
    """Import an export file as one run: the file is kept verbatim and every record links to it."""
    from trawl.query.diagnostics import Diagnostic
    from trawl.review import Review
    from trawl.sources.imports import Query, default_query, import_file
    from trawl.sources.imports.importer import check_source, parse_searched
    from trawl.store import Store

    with user_errors():
        if query is not None and query_file is not None:
            print("error: give --query or --query-file, not both", file=sys.stderr)
            raise typer.Exit(2)
        parse_searched(searched)
        review_path = workspace / "review.toml"
        review = Review.load(review_path) if review_path.is_file() else None
        check_source(source, review)
        notes: list[Diagnostic] = []
        if query is not None:
            q = Query(query, "given")
        elif query_file is not None:
            from trawl.query.analysis import read_strategy  # BOM-tolerant; names a bad byte

            q = Query(read_strategy(query_file).strip(), f"file:{query_file.name}")
        else:
            q = default_query(source, review, notes)
        if (query is not None or query_file is not None) and not q.text.strip():
            print("error: the query given is empty; record the query that was run",
                  file=sys.stderr)
            raise typer.Exit(2)
        with Store.open(workspace) as store:
            result = import_file(store, file, source=source, searched=searched, query=q,
                                 fmt=fmt, again=again)
        for d in [*notes, *result.diagnostics]:
            print(f"{d.severity}: {d.message} [{d.code}]", file=sys.stderr)
    print(f"imported {result.file_name} ({result.format}, {result.encoding}, {result.size} bytes, "
          f"sha256 {result.sha256[:12]}…) as run {result.run.id} for {source}: "
          f"{result.records} records, {result.new} new, {result.known} already in the store")
