"""Strategy commands given what people actually give them: folders, stdin, odd --to lists.

Each test is a bug found by using trawl end to end; the contract is one line on stderr and exit 2
for input trawl cannot use, never a traceback.
"""

from __future__ import annotations

import json

import pytest

from ._helpers import SEED, trawl


@pytest.mark.parametrize("command", [["lint"], ["parse"], ["compile", "--to", "pubmed"],
                                     ["counts", "--source", "europepmc"]])
def test_a_directory_instead_of_a_file_is_one_line_exit_2(tmp_path, command):
    folder = tmp_path / "strategies"
    folder.mkdir()
    result = trawl(command[0], folder, *command[1:])
    assert result.exit_code == 2, result.output
    assert "is a directory" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_counts_reads_the_strategy_as_the_other_commands_do(tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("1. caf\xe9.ti,ab.\n".encode("latin-1"))
    result = trawl("counts", latin1, "--source", "europepmc")
    assert result.exit_code == 2
    assert "not UTF-8" in result.stderr and "OVID019" in result.stderr


def test_compile_reads_standard_input_like_lint():
    text = (SEED / "strategy.ovid").read_text(encoding="utf-8")
    result = trawl("compile", "-", "--to", "pubmed", "--format", "json", input=text)
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert [t["target"] for t in body["targets"]] == ["pubmed"]
    assert body["targets"][0]["query"].startswith('("Peer Group"[mh:noexp]')


def test_compile_from_stdin_does_not_pick_up_a_review_toml_in_the_current_folder(
        tmp_path, monkeypatch):
    (tmp_path / "review.toml").write_text('[review]\nname = "x"\ncutoff = 2001-01-01\n',
                                          encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = trawl("compile", "-", "--to", "pubmed", "--format", "json",
                   input="1. peer support.ti,ab.\n")
    assert result.exit_code == 0, result.stderr
    assert "2001" not in result.stdout


def test_compile_with_no_target_named_is_an_error_not_silence():
    result = trawl("compile", SEED / "strategy.ovid", "--to", ",")
    assert result.exit_code == 2
    assert "names no target" in result.stderr


def test_compile_target_names_ignore_case_and_repeats():
    result = trawl("compile", SEED / "strategy.ovid", "--to", "PubMed,pubmed,Scopus",
                   "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [t["target"] for t in json.loads(result.stdout)["targets"]] == ["pubmed", "scopus"]


def test_compile_help_lists_every_target_and_keeps_square_brackets():
    from trawl.cli.compile import _TARGET_NAMES
    from trawl.dialects import TARGETS

    assert _TARGET_NAMES == TARGETS
    from ._helpers import app, runner

    result = runner.invoke(app, ["compile", "--help"], terminal_width=400)
    flat = " ".join(result.stdout.split())
    assert "[fields]" in flat  # rich markup used to swallow it
    for name in TARGETS:
        assert name in flat, name


def test_lint_in_place_on_an_unwritable_file_is_one_line(tmp_path, monkeypatch):
    from pathlib import Path

    target = tmp_path / "s.txt"
    target.write_text("1. peer support.ti,ab.\n", encoding="utf-8")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_text", refuse)
    result = trawl("lint", target, "--fix", "--in-place")
    assert result.exit_code == 2
    assert "permission denied" in result.stderr


def test_the_console_script_turns_an_os_error_into_one_line(monkeypatch, capsys):
    import trawl.cli as cli

    def fails():
        raise PermissionError(13, "Permission denied", "ws/.report.html.tmp")

    monkeypatch.setattr(cli, "app", fails)
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: permission denied: ws/.report.html.tmp (a read-only file or directory?)"


def test_help_paragraphs_are_reflowed_to_the_terminal():
    from trawl.cli import _reflow, app

    assert _reflow("One line\n    and its tail.\n\n    Second\n    paragraph.\n    - an item\n") == \
        "One line and its tail.\n\nSecond paragraph.\n- an item"
    compile_info = next(c for c in app.registered_commands if c.name == "compile")
    assert "printed) or a rendering" in compile_info.help


def test_counts_table_shows_pubmed_field_tags(tmp_path, monkeypatch):
    from ._helpers import app, fakeapi, runner

    strategy = tmp_path / "s.ovid"
    strategy.write_text("1. exp Peer Group/\n2. (peer adj support*).ti,ab.\n3. 1 or 2\n",
                        encoding="utf-8")
    with fakeapi().FakeApi("pubmed", 12, page_size=5) as api:
        monkeypatch.setenv("TRAWL_PUBMED_BASE_URL", api.url)
        monkeypatch.setenv("TRAWL_PUBMED_RATE", "1000")
        result = runner.invoke(app, ["counts", str(strategy), "--source", "pubmed"],
                               terminal_width=300)
    assert result.exit_code == 0, result.output
    assert '"Peer Group"[mh]' in result.stdout  # rich markup used to eat [mh] and [tiab]
    assert '"peer support*"[tiab]' in result.stdout


def test_compile_refuses_an_unknown_database_as_lint_does():
    result = trawl("compile", SEED / "strategy.ovid", "--to", "pubmed", "--database", "ovid-xyz")
    assert result.exit_code == 2
    assert "--database must be one of" in result.stderr


def test_counts_refuses_an_unknown_database():
    result = trawl("counts", SEED / "strategy.ovid", "--source", "europepmc", "--database", "x")
    assert result.exit_code == 2 and "--database must be one of" in result.stderr


def test_a_strategy_saved_as_utf16_unicode_text_is_read(tmp_path):
    text = (SEED / "strategy.ovid").read_text(encoding="utf-8")
    saved = tmp_path / "notepad.txt"
    saved.write_bytes(text.encode("utf-16"))  # with its byte-order mark, as Notepad saves it
    result = trawl("compile", saved, "--to", "pubmed", "--format", "json")
    assert result.exit_code == 0, result.stderr
    utf8 = trawl("compile", SEED / "strategy.ovid", "--to", "pubmed", "--format", "json",
                 "--no-review")
    assert json.loads(result.stdout)["targets"][0]["query"] == \
        json.loads(utf8.stdout)["targets"][0]["query"]
    assert trawl("lint", saved).exit_code == 0


def test_report_reads_a_strategy_as_compile_does(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    result = trawl("report", "--strategy", folder, "-o", tmp_path / "r.html")
    assert result.exit_code == 2 and "is a directory" in result.stderr
    saved = tmp_path / "notepad.txt"
    saved.write_bytes("1. exp Peer Group/\n2. peer support*.ti,ab.\n3. 1 or 2\n".encode("utf-16"))
    result = trawl("report", "--strategy", saved, "--to", "pubmed", "-o", tmp_path / "r.md",
                   "--format", "md")
    assert result.exit_code == 0, result.output
    assert '"Peer Group"[mh]' in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_agreement_errors_name_the_line_once(tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("key,label\ntrawl-1,include\n", encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text("key,label\ntrawl-1,\n", encoding="utf-8")
    result = trawl("agreement", first, second)
    assert result.exit_code == 2
    assert result.stderr.count("line 2") == 1, result.stderr
    assert "second.csv: record 'trawl-1' has no decision" in result.stderr
