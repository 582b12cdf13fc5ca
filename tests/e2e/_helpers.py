"""Shared helpers for the end-to-end tests: a CLI runner and the fake API server from tests/sources."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from typer.testing import CliRunner

from trawl.cli import app

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
SEED = REPO / "strategy" / "psw-coproduction"
EXPORTS = REPO.parent / "shared" / "fixtures" / "exports"  # where tests/conftest.py finds ../shared

runner = CliRunner()


def trawl(*args, input: str | None = None):
    """Run ``trawl ARGS`` in-process; stderr is kept apart from stdout."""
    return runner.invoke(app, [str(a) for a in args], input=input)


def fakeapi():
    """tests/sources/fakeapi.py, loaded by path (it is not in a package)."""
    name = "trawl_e2e_fakeapi"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, TESTS / "sources" / "fakeapi.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
