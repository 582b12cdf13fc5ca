"""The command line: a thin typer app.

Each command group is a small module in this package with a ``register(app)`` function; this file
only builds the app and registers every module it finds, so adding a command touches one file.
Command modules import the heavy parts of trawl inside their functions, keeping
``trawl --help`` fast.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(
    name="trawl",
    help="Compile an Ovid search strategy for every database of a review, harvest, "
    "deduplicate, and keep a provenance log an auditor can verify.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help: rich markup would swallow "[fields]" or "[tiab]" in help texts
    rich_markup_mode=None,
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


_register_commands()


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
