"""``trawl lint`` and ``trawl parse``: check an Ovid strategy, or show the AST trawl reads from it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from trawl.cli._output import user_errors

DATABASES = ("ovid-medline", "ovid-embase", "ovid-psycinfo")
_RANK_NAMES = ("info", "warning", "error")


def register(app: typer.Typer) -> None:
    app.command("lint")(lint)
    app.command("parse")(parse)


def _check_choice(value: str, allowed: tuple[str, ...], option: str) -> None:
    if value not in allowed:
        print(f"error: {option} must be one of {', '.join(allowed)} (got {value!r})", file=sys.stderr)
        raise typer.Exit(2)


def lint(
    file: Annotated[Path, typer.Argument(help="The strategy, as pasted (Ovid syntax); - reads "
                                               "standard input.")],
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Treat every paste repair as an error.")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Print the repaired strategy (paste repairs and "
                                      "obvious fixes applied) instead of the diagnostics.")] = False,
    in_place: Annotated[bool, typer.Option("--in-place", help="With --fix: write the repaired "
                                           "strategy back to FILE.")] = False,
    database: Annotated[str, typer.Option("--database", help="Which Ovid database the strategy is "
                                          "for: ovid-medline, ovid-embase or ovid-psycinfo.")] = "ovid-medline",
    min_severity: Annotated[str, typer.Option("--min-severity", help="Show only findings at least "
                                              "this severe: info, warning or error.")] = "info",
) -> None:
    """Check a strategy: paste repairs, syntax and reference errors, PRESS warnings.

    Exit status 1 when any error is found, 2 when the file cannot be read.
    """
    from trawl.query.analysis import analyse

    _check_choice(fmt, ("text", "json"), "--format")
    _check_choice(database, DATABASES, "--database")
    _check_choice(min_severity, _RANK_NAMES, "--min-severity")
    if in_place and (not fix or str(file) == "-"):
        print("error: --in-place needs --fix and a file", file=sys.stderr)
        raise typer.Exit(2)
    with user_errors():
        text = _read(file)
    result = analyse(text, database=database, strict=strict)

    if fix:
        repaired = analyse(result.fixed, database=database)
        if in_place:
            with user_errors():
                file.write_text(result.fixed, encoding="utf-8")
            print(f"wrote {file} ({len(result.diagnostics)} findings repaired or reported)",
                  file=sys.stderr)
        else:
            sys.stdout.write(result.fixed)
        _print_text(file, result.fixed, repaired.errors, stream=sys.stderr)
        raise typer.Exit(1 if repaired.errors else 0)

    shown = [d for d in result.diagnostics
             if _RANK_NAMES.index(str(d.severity)) >= _RANK_NAMES.index(min_severity)]
    if fmt == "json":
        print(json.dumps({"diagnostics": [d.to_json() for d in shown]}, indent=2,
                         ensure_ascii=False))
    else:
        _print_text(file, text, shown, stream=sys.stdout)
    raise typer.Exit(1 if result.errors else 0)


def parse(
    file: Annotated[Path, typer.Argument(help="The strategy (Ovid syntax).")],
    fmt: Annotated[str, typer.Option("--format", help="json (the AST) or ovid (printed back).")] = "json",
    database: Annotated[str, typer.Option("--database", help="ovid-medline, ovid-embase or "
                                          "ovid-psycinfo (sets the heading vocabulary).")] = "ovid-medline",
) -> None:
    """Print the AST trawl reads from a strategy (every node with its source span).

    Exit status 1 when the strategy has errors (the diagnostics are printed too).
    """
    from trawl.query.analysis import analyse
    from trawl.query.ast import Strategy
    from trawl.query.printer import to_ovid
    from trawl.query.serialise import to_json

    _check_choice(fmt, ("json", "ovid"), "--format")
    _check_choice(database, DATABASES, "--database")
    with user_errors():
        text = _read(file)
    result = analyse(text, database=database)
    strategy = result.strategy or Strategy(tuple(result.statements), database=database)
    if fmt == "ovid":
        print(to_ovid(strategy))
        if result.errors:
            _print_text(file, text, result.errors, stream=sys.stderr)
    else:
        out = to_json(strategy)
        out["diagnostics"] = [d.to_json() for d in result.diagnostics]
        print(json.dumps(out, indent=2, ensure_ascii=False))
    raise typer.Exit(1 if result.errors else 0)


def _read(file: Path) -> str:
    """The strategy text; ``-`` reads standard input (paste straight into ``trawl lint -``)."""
    from trawl.query.analysis import read_strategy

    if str(file) == "-":
        return sys.stdin.read()
    return read_strategy(file)


_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _print_text(file: Path, text: str, diagnostics, *, stream) -> None:
    """One block per diagnostic: where, what, the source line with the span underlined, the fix."""
    import re

    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    lines = re.split(r"\r\n|\r|\n", text)  # as trawl counts lines (U+2028 is not a line end)
    counts = {"error": 0, "warning": 0, "info": 0}
    for d in diagnostics:
        severity = str(d.severity)
        counts[severity] = counts.get(severity, 0) + 1
        head = Text()
        head.append(f"{file}:{d.line or 0}:{d.column or 0}: ", style="bold")
        head.append(f"{severity} {d.code}", style=_STYLE.get(severity, ""))
        head.append(f" {d.message}")
        console.print(head)
        if d.line and 0 < d.line <= len(lines) and d.column:
            source = lines[d.line - 1].expandtabs(1)
            start = d.column - 1
            end = max(d.end_column or d.column + 1, d.column + 1) - 1
            shown = Text("    ")
            shown.append(source[:start])
            shown.append(source[start:end] or " ", style=f"underline {_STYLE.get(severity, '')}")
            shown.append(source[end:])
            console.print(shown)
            console.print(Text("    " + " " * start + "^" * max(1, min(end, len(source) + 1) - start),
                               style=_STYLE.get(severity, "")))
        if d.fix:
            console.print(Text(f"    fix: {d.fix}", style="green"))
    summary = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in counts.items() if n)
    console.print(Text(summary or "no findings", style="bold"))
