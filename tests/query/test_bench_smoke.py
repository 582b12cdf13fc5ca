"""bench/parse_bench.py's synthetic strategies stay valid, so the benchmark measures real work."""

from __future__ import annotations

import importlib.util

from conftest import REPO
from trawl.query import analyse


def test_synthetic_strategies_parse_clean():
    spec = importlib.util.spec_from_file_location("parse_bench", REPO / "bench" / "parse_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = analyse(bench.synthetic(200))
    assert result.errors == []
    assert len(result.strategy.statements) == 201
    assert not [d for d in result.diagnostics if d.code == "PRESS006"]  # every line is used
