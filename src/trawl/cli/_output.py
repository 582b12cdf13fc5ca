"""Shared helpers for command modules: turning TrawlError into a clean message and exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer


@contextmanager
def user_errors() -> Iterator[None]:
    """Report a TrawlError (bad input) as one clear line on stderr and exit 2; never a traceback."""
    from trawl.query.diagnostics import TrawlError

    try:
        yield
    except TrawlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    except FileNotFoundError as exc:
        print(f"error: no such file: {exc.filename}", file=sys.stderr)
        raise typer.Exit(2) from None


