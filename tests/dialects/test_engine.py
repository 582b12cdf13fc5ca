"""What every renderer shares: the seed and the corpus render everywhere, the JSON contract,
the CLI, wildcard conversion by meaning, and length splitting that keeps the meaning."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trawl.cli import app
from trawl.dialects import TARGETS, get_dialect
from trawl.dialects.wildcards import Wildcards, convert
from trawl.query import analyse, parse_strategy
from trawl.query.diagnostics import CODES, TrawlError
from trawl.review import Review

from ._tables import render

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "strategy" / "psw-coproduction"
CORPUS = REPO.parent / "shared" / "corpus" / "strategies"
ARCHITECTURE_TARGETS = ("ovid-medline ovid-embase ovid-psycinfo pubmed scopus wos cinahl "
                        "academic-search-elite embase google-scholar worldcat primo openalex "
                        "europepmc crossref semantic-scholar").split()


def test_targets_are_the_architecture_names_in_order():
    assert list(TARGETS) == ARCHITECTURE_TARGETS


def test_unknown_target_is_a_trawl_error():
    with pytest.raises(TrawlError, match="unknown target"):
        get_dialect("medline")


@pytest.fixture(scope="module")
def seed():
    review = Review.load(SEED / "review.toml")
    strategy = parse_strategy((SEED / "strategy.ovid").read_text(encoding="utf-8"),
                              database=review.database)
    return strategy, review


@pytest.mark.parametrize("target", TARGETS)
def test_seed_renders_for_every_target(seed, target):
    strategy, review = seed
    r = get_dialect(target).render(strategy, review)
    assert r.target == target
    assert r.query and all(r.queries)
    assert [ln.line for ln in r.lines][:49] == list(range(1, 50))
    assert not r.has_errors, [d.message for d in r.diagnostics if d.severity == "error"]
    for d in r.diagnostics:
        assert d.target == target and d.code in CODES
        assert d.line is not None, d  # every diagnostic names an Ovid line
    if target != "crossref":  # crossref has no fields at all (a bag of words)
        assert r.fields[".ti,ab."]["target"]
    assert json.loads(json.dumps(r.to_json()))["target"] == target


def _corpus_files():
    for folder in sorted(CORPUS.iterdir()):
        for name, db in (("ovid-medline.txt", "ovid-medline"), ("embase-ovid.txt", "ovid-embase")):
            if (folder / name).is_file():
                yield pytest.param(folder / name, db, id=f"{folder.name}/{name}")


@pytest.mark.parametrize("path, database", list(_corpus_files()))
def test_corpus_renders_for_every_target_without_an_exception(path, database):
    analysis = analyse(path.read_text(encoding="utf-8"), database=database)
    assert analysis.strategy is not None, [d.message for d in analysis.errors]
    for target in TARGETS:
        r = get_dialect(target).render(analysis.strategy)
        assert r.lines and r.query, target


def test_every_mixed_and_or_is_bracketed_on_every_target():
    r_all = {t: render(t, "1. a.ti.\n2. b.ti.\n3. c.ti.\n4. (1 or 2) and 3\n5. 1 or (2 and 3)")
             for t in TARGETS if t != "crossref"}
    for target, r in r_all.items():
        q = r.query if target != "ovid-medline" else r.lines[-1].text
        assert "(" in q, (target, q)


@pytest.mark.parametrize("text, expected, codes", [
    ("child*", "child*", set()),
    ("child*2", "child*", {"DIA007"}),
    ("colo?r", "colo$r", set()),
    ("wom#n", "wom?n", set()),
    ("ca*", "ca", {"DIA010"}),
])
def test_wildcards_convert_by_meaning(text, expected, codes):
    wos = Wildcards(unlimited="*", single="?", optional="$", min_stem=3)
    out, losses = convert(text, wos)
    assert out == expected
    assert {c for c, _ in losses} == codes


def test_diagnostics_name_the_ovid_line():
    r = render("pubmed", "1. asthma.ti.\n2. ca*.ti.")
    (d,) = [d for d in r.diagnostics if d.code == "PUBMED001"]
    assert d.line == 2 and d.target == "pubmed"


runner = CliRunner()


def test_cli_json_is_the_architecture_contract():
    result = runner.invoke(app, ["compile", str(SEED / "strategy.ovid"), "--to", "pubmed,scopus",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [t["target"] for t in data["targets"]] == ["pubmed", "scopus"]
    for t in data["targets"]:
        assert {"target", "query", "lines", "diagnostics"} <= set(t)
        assert all(set(ln) == {"line", "text"} for ln in t["lines"])
        assert all({"code", "severity", "message", "line", "column"} <= set(d)
                   for d in t["diagnostics"])


def test_cli_text_table_for_all_targets():
    result = runner.invoke(app, ["compile", str(SEED / "strategy.ovid"), "--to", "all"])
    assert result.exit_code == 0, result.output
    assert "[tiab]" in result.stdout  # target syntax is not eaten as rich markup
    for target in TARGETS:
        assert target in result.stdout


def test_cli_input_with_errors_prints_the_front_end_diagnostics(tmp_path):
    bad = tmp_path / "bad.ovid"
    bad.write_text("1. asthma.ti.\n2. 7 or 1\n", encoding="utf-8")
    result = runner.invoke(app, ["compile", str(bad), "--to", "pubmed"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert re.search(r"bad\.ovid:2:\d+: error", result.output)


def test_cli_unknown_target_is_a_clean_error():
    result = runner.invoke(app, ["compile", str(SEED / "strategy.ovid"), "--to", "medline"])
    assert result.exit_code == 2
    assert "unknown target" in result.output and "Traceback" not in result.output


def test_docs_diagnostics_md_is_current():
    from trawl.query.diagnostics import markdown_table

    doc = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert doc == markdown_table(), "regenerate: python -m trawl.query.diagnostics > docs/diagnostics.md"
