"""``trawl import`` end to end: a workspace, a real export, the provenance it leaves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trawl.cli import app
from trawl.store import Store
from trawl.store.workspace import init_workspace

EXPORTS = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "exports"
SEED = Path(__file__).resolve().parents[2] / "strategy" / "psw-coproduction"
CINAHL = EXPORTS / "ebsco" / "_baseline_cinahl.ris"

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path) -> Path:
    for name in ("review.toml", "strategy.ovid"):
        if (SEED / name).exists():
            shutil.copy(SEED / name, tmp_path / name)
    init_workspace(tmp_path)
    return tmp_path


def trawl(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_import_records_file_source_date_and_query(workspace):
    result = trawl("import", CINAHL, "--source", "cinahl", "--searched", "2021-01-04",
                   "--query", "(peer N3 support*).ti,ab", "--workspace", workspace)
    assert result.exit_code == 0, result.output
    assert "9 records, 9 new" in result.output
    with Store.open(workspace) as store:
        (run,) = store.runs(source="cinahl")
        assert run.kind == "import" and run.status == "complete" and run.retrieved == 9
        assert run.params["searched"] == "2021-01-04"
        assert run.params["query"] == "(peer N3 support*).ti,ab"
        assert run.params["file"]["name"] == CINAHL.name
        assert run.params["file"]["size"] == CINAHL.stat().st_size
        (event,) = store.events(run_id=run.id, kinds=["file imported"])
        assert event.payload["sha256"] == run.params["file"]["sha256"]
        assert event.payload["source"] == "cinahl" and event.payload["records"] == 9
        assert store.payload(event.payload["sha256"]) == CINAHL.read_bytes()
        assert store.verify().ok


def test_query_file_and_default_query(workspace, tmp_path):
    query_file = tmp_path / "cinahl-query.txt"
    query_file.write_text("S1 peer support\n", encoding="utf-8")
    ok = trawl("import", CINAHL, "--source", "cinahl", "--searched", "2021-01-04",
               "--query-file", query_file, "--workspace", workspace)
    assert ok.exit_code == 0, ok.output
    other = EXPORTS / "ebsco" / "envindex_100.ris"
    default = trawl("import", other, "--source", "cinahl", "--searched", "2021-01-04",
                    "--workspace", workspace)
    assert default.exit_code == 0, default.output
    with Store.open(workspace) as store:
        first, second = store.runs(source="cinahl")
    assert (first.params["query"], first.params["query_origin"]) == (
        "S1 peer support", "file:cinahl-query.txt")
    # trawl's own rendering for the source when it can make one; else a warning, never silence
    if second.params["query"] is None:
        assert second.params["query_origin"] == "none" and "IMPORT011" in default.output
    else:
        assert second.params["query_origin"] == "rendered:cinahl"


def test_errors_are_one_line_and_exit_2(workspace):
    args = ["--searched", "2021-01-04", "--query", "q", "--workspace", workspace]
    assert trawl("import", CINAHL, "--source", "cinahl", *args).exit_code == 0
    again = trawl("import", CINAHL, "--source", "cinahl", *args)
    assert again.exit_code == 2 and "IMPORT009" in again.output and "Traceback" not in again.output
    assert trawl("import", CINAHL, "--source", "cinahl", "--again", *args).exit_code == 0
    typo = trawl("import", CINAHL, "--source", "cinhal", *args)
    assert typo.exit_code == 2 and "IMPORT012" in typo.output
    wrong = trawl("import", CINAHL, "--source", "cinahl", "--format", "wos", *args)
    assert wrong.exit_code == 2 and "IMPORT002" in wrong.output
    missing = trawl("import", workspace / "nope.ris", "--source", "cinahl", *args)
    assert missing.exit_code == 2 and "no such file" in missing.output
    both = trawl("import", CINAHL, "--source", "cinahl", "--query-file", CINAHL, *args)
    assert both.exit_code == 2


def test_help_names_every_format():
    import re

    from trawl.sources.imports import FORMATS

    result = runner.invoke(app, ["import", "--help"], terminal_width=200)
    words = set(re.findall(r"[a-z][a-z-]*[a-z]", result.output))
    assert [name for name in FORMATS if name not in words] == []
