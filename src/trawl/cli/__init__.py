"""The command line: a thin typer app.

Each command group is a small module in this package with a ``register(app)`` function; this file
only builds the app and registers every module it finds, so adding a command touches one file.
Command modules import the heavy parts of trawl inside their functions, keeping
``trawl --help`` fast.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import typer

app = typer.Typer(
    name="trawl",
    help="Compile an Ovid search strategy for every database of a review, harvest, "
    "deduplicate, and keep a provenance log an auditor can verify.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """trawl: one search strategy, every database, with provenance."""


def _register_commands() -> None:
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        module.register(app)


def _reflow(text: str) -> str:
    """A docstring's paragraphs as single lines, so help wraps at the terminal's width.

    typer keeps a docstring's line breaks inside paragraphs, which leaves ragged lines in
    ``--help``. Lines that start a list or are indented keep their break.
    """
    out: list[str] = []
    for line in inspect.cleandoc(text).splitlines():
        starts_item = line[:1] in (" ", "-", "*", "\b") or line[:2].rstrip(".").isdigit()
        if out and out[-1] and line and not starts_item:
            out[-1] += " " + line
        else:
            out.append(line)
    return "\n".join(out)


def _reflow_help(typer_app: typer.Typer) -> None:
    for command in typer_app.registered_commands:
        doc = command.help if command.help is not None else inspect.getdoc(command.callback)
        if doc:
            command.help = _reflow(doc)
    for group in typer_app.registered_groups:
        _reflow_help(group.typer_instance)


_register_commands()
_reflow_help(app)


def main() -> None:
    """The console script: bad files named on the command line end in one line, not a traceback.

    Commands catch what they expect inside ``user_errors()``; this is the net under them for a
    file read or written elsewhere (a report written into a read-only workspace, say).
    """
    import sys

    from trawl.cli._output import decode_error_message, os_error_message

    try:
        app()
    except OSError as exc:
        print(f"error: {os_error_message(exc)}", file=sys.stderr)
        sys.exit(2)
    except UnicodeDecodeError as exc:
        print(f"error: {decode_error_message(exc)}", file=sys.stderr)
        sys.exit(2)
