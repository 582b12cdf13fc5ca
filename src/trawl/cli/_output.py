"""Shared helpers for command modules: turning bad input into a clean message and exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer


def os_error_message(exc: OSError) -> str:
    """One line for a file the user named that cannot be read or written (no traceback)."""
    name = exc.filename if exc.filename is not None else ""
    if isinstance(exc, FileNotFoundError):
        return f"no such file: {name}"
    if isinstance(exc, IsADirectoryError):
        return f"{name} is a directory; give a file"
    if isinstance(exc, NotADirectoryError):
        return f"{name}: a part of this path is a file, not a directory"
    if isinstance(exc, PermissionError):
        return f"permission denied: {name} (a read-only file or directory?)"
    reason = exc.strerror or exc.__class__.__name__
    return f"{name}: {reason}" if name else reason


def decode_error_message(exc: UnicodeDecodeError) -> str:
    return (f"a file is not UTF-8 text: byte 0x{exc.object[exc.start]:02X} at offset {exc.start} "
            "cannot be read (save it as UTF-8)")


@contextmanager
def user_errors() -> Iterator[None]:
    """Report bad input as one clear line on stderr and exit 2; never a traceback.

    Bad input is a TrawlError, or a file the user named that cannot be read or written (missing,
    a directory, no permission) or is not UTF-8 text.
    """
    from trawl.query.diagnostics import TrawlError

    try:
        yield
    except TrawlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from None
    except OSError as exc:
        print(f"error: {os_error_message(exc)}", file=sys.stderr)
        raise typer.Exit(2) from None
    except UnicodeDecodeError as exc:
        print(f"error: {decode_error_message(exc)}", file=sys.stderr)
        raise typer.Exit(2) from None
