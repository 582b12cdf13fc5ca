"""``trawl version``: the tool version recorded in every run's provenance."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def version() -> None:
        """Print trawl's version."""
        from trawl import __version__

        print(__version__)
