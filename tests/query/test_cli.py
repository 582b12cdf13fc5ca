"""``trawl lint`` and ``trawl parse`` from the command line."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from conftest import SEED
from trawl.cli import app
from trawl.query import parse_strategy
from trawl.query.serialise import from_json

PUBLISHED = SEED / "as-published.txt"
CORRECTED = SEED / "strategy.ovid"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_lint_text_underlines_the_error_and_exits_1():
    out = run("lint", str(PUBLISHED))
    assert out.exit_code == 1
    assert f"{PUBLISHED}:2:34: error OVID002 unmatched ')' at column 34" in out.stdout
    assert "fix: open a parenthesis before 'peer'" in out.stdout
    lines = out.stdout.splitlines()
    i = next(n for n, line in enumerate(lines) if "OVID002" in line)
    source, caret = lines[i + 1], lines[i + 2]
    assert source.strip().startswith("2. peer adj")
    assert caret.index("^") == source.index("))") + 1
    assert "1 error" in lines[-1]


def test_lint_json_contract():
    out = run("lint", "--format", "json", str(PUBLISHED))
    assert out.exit_code == 1
    data = json.loads(out.stdout)
    assert set(data) == {"diagnostics"}
    errors = [d for d in data["diagnostics"] if d["severity"] == "error"]
    assert [(d["code"], d["line"], d["column"]) for d in errors] == [("OVID002", 2, 34)]
    assert all({"code", "severity", "message", "line", "column"} <= set(d) for d in data["diagnostics"])
    assert sum(d["code"] == "CLEAN001" for d in data["diagnostics"]) == 34


def test_lint_clean_strategy_exits_0():
    out = run("lint", str(CORRECTED))
    assert out.exit_code == 0 and "no findings" in out.stdout


def test_lint_fix_prints_the_corrected_strategy_and_leaves_the_file_alone():
    before = PUBLISHED.read_bytes()
    out = run("lint", "--fix", str(PUBLISHED))
    assert out.exit_code == 0
    assert parse_strategy(out.stdout) == parse_strategy(CORRECTED.read_text(encoding="utf-8"))
    assert PUBLISHED.read_bytes() == before


def test_lint_fix_in_place(tmp_path):
    copy = tmp_path / "s.txt"
    shutil.copy(PUBLISHED, copy)
    assert run("lint", "--fix", "--in-place", str(copy)).exit_code == 0
    assert parse_strategy(copy.read_text(encoding="utf-8")) == parse_strategy(
        CORRECTED.read_text(encoding="utf-8"))
    assert run("lint", str(copy)).exit_code == 0


def test_in_place_needs_fix(tmp_path):
    copy = tmp_path / "s.txt"
    shutil.copy(PUBLISHED, copy)
    assert run("lint", "--in-place", str(copy)).exit_code == 2
    assert copy.read_bytes() == PUBLISHED.read_bytes()


def test_strict_turns_repairs_into_errors(tmp_path):
    f = tmp_path / "s.txt"
    f.write_text("1. \u201cpeer support\u201d.ti,ab.\n", encoding="utf-8")
    assert run("lint", str(f)).exit_code == 0
    out = run("lint", "--strict", "--format", "json", str(f))
    assert out.exit_code == 1
    assert {d["code"] for d in json.loads(out.stdout)["diagnostics"] if d["severity"] == "error"} == {"CLEAN002"}


def test_parse_json_is_the_ast_with_spans():
    out = run("parse", "--format", "json", str(CORRECTED))
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    assert data["statements"][0]["expr"] == {
        "type": "Heading", "vocabulary": "mesh", "label": "Peer Group", "explode": False,
        "major": False, "subheadings": [], "span": [1, 4, 1, 15]}
    data.pop("diagnostics")
    assert from_json(data) == parse_strategy(CORRECTED.read_text(encoding="utf-8"))


def test_parse_reports_errors_with_exit_1():
    out = run("parse", str(PUBLISHED))
    assert out.exit_code == 1
    assert any(d["code"] == "OVID002" for d in json.loads(out.stdout)["diagnostics"])


def test_unreadable_files_are_one_clear_line(tmp_path):
    out = run("lint", str(tmp_path / "missing.txt"))
    assert out.exit_code == 2 and "no such file" in out.output
    latin = tmp_path / "latin1.txt"
    latin.write_bytes(b"1. exp Peer Group/\n2. caf\xe9.ti,ab.\n")
    out = run("lint", str(latin))
    assert out.exit_code == 2
    assert "line 2, column 7" in out.output and "OVID019" in out.output


def test_lint_reads_standard_input():
    out = CliRunner().invoke(app, ["lint", "-", "--format", "json"], input="1. (a or b.ti.\n")
    assert out.exit_code == 1
    assert json.loads(out.stdout)["diagnostics"][0]["code"] == "OVID003"


def test_min_severity_hides_the_notes():
    out = run("lint", "--min-severity", "warning", "--format", "json", str(PUBLISHED))
    assert out.exit_code == 1
    assert {d["code"] for d in json.loads(out.stdout)["diagnostics"]} == {"PRESS015", "OVID002"}
