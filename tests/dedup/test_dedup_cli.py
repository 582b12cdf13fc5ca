"""The commands, end to end on a workspace: dedup, review, decide, export, prisma, sample, agreement."""

import json

from dedup_builders import store_with, three_databases
from typer.testing import CliRunner

from trawl.cli import app

runner = CliRunner()


def _workspace(tmp_path):
    store_with(tmp_path, three_databases()).close()
    (tmp_path / "review.toml").write_text(
        '[review]\nname = "t"\ncutoff = 2021-01-04\nlanguages = ["english"]\n'
        '[sources.wos]\nlabel = "Web of Science"\ntarget = "wos"\nroute = "export"\n',
        encoding="utf-8",
    )
    return tmp_path


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def test_dedup_then_export_prisma_and_sample(tmp_path):
    ws = _workspace(tmp_path)
    code, out = run("dedup", "--dry-run", "-w", ws)
    assert code == 0 and "6 records -> 4 unique (2 duplicates removed)" in out and "nothing written" in out
    code, out = run("dedup", "-w", ws, "--format", "json")
    assert code == 0 and json.loads(out)["stats"]["duplicates_removed"] == 2
    code, out = run("dedup", "review", "-w", ws)
    assert code == 0

    code, out = run("export", "--format", "csv", "-w", ws)
    assert code == 0 and "wrote 2 records" in out and "2 marked record(s) left out" in out
    code, out = run("export", "--format", "ris", "--marked", "include", "--out", ws / "all.ris", "-w", ws)
    assert code == 0 and (ws / "all.ris").read_bytes().count(b"ER  - ") == 4

    code, out = run("prisma", "-w", ws)
    counts = json.loads(out)
    assert counts["records_identified"] == 6 and counts["records_screened"] == 2
    assert {d["label"] for d in counts["databases"]} == {"PubMed", "Scopus", "Web of Science"}
    code, out = run("prisma", "--format", "svg", "--out", ws / "flow.svg", "-w", ws)
    assert code == 0 and (ws / "flow.svg").read_text().startswith("<svg")

    code, out = run("sample", "--fraction", "0.5", "--seed", "3", "-w", ws)
    assert code == 0 and out.splitlines()[0] == "key,title,year,authors,journal,doi,label"
    assert len(out.splitlines()) == 2  # ceil(0.5 × 2 records to screen) = 1 row


def test_decide_appends_an_override_that_the_next_run_honours(tmp_path):
    ws = _workspace(tmp_path)
    code, out = run("dedup", "decide", "never", "pubmed:31111111", "scopus:2-s2.0-85000000001",
                    "--reason", "checked by hand", "-w", ws)
    assert code == 0, out
    assert "checked by hand" in (ws / "dedup-overrides.toml").read_text()
    code, out = run("dedup", "-w", ws)
    assert "6 records -> 5 unique" in out
    code, out = run("dedup", "decide", "never", "pubmed:1", "scopus:2", "--reason", "x", "-w", ws)
    assert code == 2 and "no record 'pubmed:1'" in out


def test_agreement_command_and_its_errors(tmp_path):
    (tmp_path / "a.csv").write_text("key,label\n1,include\n2,exclude\n3,exclude\n")
    (tmp_path / "b.csv").write_text("key,label\n1,include\n2,include\n3,exclude\n")
    code, out = run("agreement", tmp_path / "a.csv", tmp_path / "b.csv")
    assert code == 0 and "66.7% agreement" in out and "Cohen's kappa 0.400" in out
    (tmp_path / "c.csv").write_text("key,label\n1,include\n")
    code, out = run("agreement", tmp_path / "a.csv", tmp_path / "c.csv")
    assert code == 2 and "only in a.csv: 2, 3" in out


def test_commands_fail_cleanly_without_a_workspace(tmp_path):
    code, out = run("dedup", "-w", tmp_path / "nowhere")
    assert code == 2 and "error:" in out and "Traceback" not in out
    ws = _workspace(tmp_path)
    code, out = run("export", "-w", ws)
    assert code == 2 and "run `trawl dedup` first" in out


def test_review_shows_borderline_pairs_side_by_side(tmp_path):
    from dedup_builders import TITLE, rec

    store_with(tmp_path, {
        "scopus": [rec("scopus", "2-s2.0-1", title=TITLE, year=2011, authors=["Aasen"],
                       journal="The Map Reader")],
        "wos": [rec("wos", "WOS:1", title=TITLE.upper(), year=1959, authors=["AASEN, K"],
                    journal="GEOGRAPHICAL REVIEW")],
    }).close()
    code, out = run("dedup", "-w", tmp_path)
    assert "2 records -> 2 unique" in out and "1 borderline pair(s)" in out
    code, out = run("dedup", "review", "-w", tmp_path)
    assert code == 0
    assert "scopus:2-s2.0-1" in out and "wos:WOS:1" in out
    assert "years differ" in out  # the reason, in the "why not merged" column
