"""The seed strategy: the printed text's defects are reported, the corrected text is clean."""

from __future__ import annotations

from conftest import SEED
from trawl.query import analyse, parse_strategy, to_ovid
from trawl.query.ast import Heading
from trawl.query.diagnostics import Severity

PUBLISHED = (SEED / "as-published.txt").read_text(encoding="utf-8")
CORRECTED = (SEED / "strategy.ovid").read_text(encoding="utf-8")


def test_as_published_reports_the_parenthesis_and_every_lost_symbol():
    result = analyse(PUBLISHED)
    errors = [d for d in result.diagnostics if d.severity == Severity.ERROR]
    assert [(d.code, d.line, d.column) for d in errors] == [("OVID002", 2, 34)]
    assert "unmatched ')'" in errors[0].message
    assert errors[0].fix is not None and "before 'peer'" in errors[0].fix
    lost = [(d.line, d.column) for d in result.diagnostics if d.code == "CLEAN001"]
    expected = [
        (n, col)
        for n, line in enumerate(PUBLISHED.splitlines(), start=1)
        for col, ch in enumerate(line, start=1)
        if ch == "\ufffd"
    ]
    assert lost == expected and len(lost) == 34
    assert result.strategy is None


def test_line_one_is_the_heading_whose_slash_was_lost():
    result = analyse(PUBLISHED)
    [hint] = [d for d in result.diagnostics if d.code == "PRESS015"]
    assert (hint.line, hint.fix) == (1, "Peer Group/")
    assert parse_strategy(CORRECTED).statements[0].expr == Heading("mesh", "Peer Group")


def test_fix_output_parses_clean_and_means_the_corrected_strategy():
    fixed = analyse(PUBLISHED).fixed
    repaired = analyse(fixed)
    assert repaired.errors == []
    corrected = parse_strategy(CORRECTED)
    assert len(corrected.statements) == 49
    assert repaired.strategy == corrected


def test_corrected_strategy_has_no_diagnostics_and_round_trips():
    result = analyse(CORRECTED)
    assert result.diagnostics == []
    assert parse_strategy(to_ovid(result.strategy)) == result.strategy


def test_lost_slash_fix_lands_on_its_own_line_after_a_broken_one():
    text = PUBLISHED.replace("1. peer group\n", "").replace("2. peer adj", "1. peer adj", 1)
    text = text.replace("3. (live", "2. peer group\n3. (live", 1)
    result = analyse(text)
    lines = result.fixed.splitlines()
    assert lines[1] == "2. Peer Group/"
    assert lines[0].startswith("1. (peer adj (provid*")
