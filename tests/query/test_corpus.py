"""Every real strategy in ../shared/corpus/strategies: it parses after cleaning, has the number of
statements its meta.json describes, its listed syntax defects are reported, and printing it back
to Ovid and parsing again gives the same AST.

meta.json has no statement-count field; the count follows from what each file is said to be:
CLEF files are "exact lines between 'Query:' and 'Pids:'" with the numbers stripped (one
statement per line), the t2 files keep the published numbers (the highest one is the count), and
a count written in a defect ("124 statements") is checked as well.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from conftest import SHARED
from trawl.query import analyse, parse_strategy, to_ovid
from trawl.query.ast import Bool, Fielded, Heading, Limit, LineRange, Phrase, Term, walk

CORPUS = SHARED / "corpus" / "strategies"
FOLDERS = sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
OVID_FILES = [f for d in FOLDERS for f in sorted(d.glob("*.txt"))
              if f.name in ("ovid-medline.txt", "embase-ovid.txt")]
CENTRAL_FILES = [f for d in FOLDERS for f in sorted(d.glob("cochrane-central.txt"))]


def database(path: Path) -> str:
    return "ovid-embase" if path.name == "embase-ovid.txt" else "ovid-medline"


@functools.cache
def analysis(path: Path):
    return analyse(path.read_text(encoding="utf-8"), database=database(path))


def expected_count(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    if path.parent.name.startswith("clef-"):
        return sum(1 for line in text.splitlines() if line.strip())
    return max(int(m.group(1)) for m in re.finditer(r"^(\d+)\s", text, re.M))


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


def test_the_corpus_is_there():
    assert len(OVID_FILES) >= 28 and len(CENTRAL_FILES) == 5


@pytest.mark.parametrize("path", OVID_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_parses_with_the_described_number_of_statements(path):
    result = analysis(path)
    assert result.errors == [], result.errors[:3]
    assert len(result.strategy.statements) == expected_count(path)
    meta = json.loads((path.parent / "meta.json").read_text(encoding="utf-8"))
    for defect in meta["defects"]:
        m = re.match(r"(\d+) statements", defect)
        if m:
            assert len(result.strategy.statements) == int(m.group(1))


@pytest.mark.parametrize("path", OVID_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_round_trip_through_to_ovid_is_the_identity(path):
    strategy = analysis(path).strategy
    assert parse_strategy(to_ovid(strategy), database=database(path)) == strategy


@pytest.mark.parametrize("path", CENTRAL_FILES, ids=lambda p: p.parent.name)
def test_cochrane_central_files_are_recognised_as_not_ovid(path):
    """The cochrane-central.txt files are Cochrane Library syntax ('#1 MeSH descriptor ... explode
    all trees', 'near/5', 'next'): trawl says so instead of misreading them as Ovid."""
    result = analysis(path)
    assert [d.code for d in result.errors] == ["OVID016"]


# ---- the defects each meta.json lists ---------------------------------------------------------

def _codes(path: Path) -> set[tuple[str, int]]:
    return {(d.code, d.line) for d in analysis(path).diagnostics}


def _statement(path: Path, needle: str):
    line = line_of(path, needle)
    strategy = analysis(path).strategy
    return next(s for s in strategy.statements if s.span.line <= line <= s.span.end_line)


def _clef(name: str) -> Path:
    return next(p for p in FOLDERS if p.name.startswith(name)) / "ovid-medline.txt"


def _t2(name: str, file: str = "ovid-medline.txt") -> Path:
    return next(p for p in FOLDERS if p.name.startswith(name)) / file


@pytest.mark.parametrize("path", [f for f in OVID_FILES if f.parent.name.startswith("clef-")],
                         ids=lambda p: p.parent.name)
def test_clef_implicit_numbering_is_reported(path):
    assert ("OVID103", 1) in _codes(path)


def test_cd008122_malaria():
    p = _clef("clef-cd008122")
    found = _codes(p)
    for needle in ("Exp Malaria/", "Exp Plasmodium/", "Exp Reagent", "Limit 25 to Humans"):
        assert ("PRESS010", line_of(p, needle)) in found
    assert ("PRESS011", line_of(p, "Immunoassay Immunoassay/")) in found
    assert ("PRESS011", line_of(p, "Chromatography Chromatography/")) in found
    missing_period = {line for code, line in found if code == "CLEAN015"}
    assert missing_period == {n for n, text in enumerate(p.read_text().splitlines(), 1)
                              if text.rstrip().endswith(".ti,ab")}
    rapid = line_of(p, "Rapid AND")
    assert {("PRESS010", rapid), ("PRESS007", rapid)} <= found
    limit = _statement(p, "limit 26 to ed=").expr
    assert isinstance(limit, Limit) and limit.filters[0].kind == "entry-date"
    assert limit.filters[0].values == ("19400101", "20100114")


def test_cd008803_gloss_and_animal_idiom():
    p = _clef("clef-cd008803")
    s = _statement(p, "Lasers/du [Diagnostic Use]")
    assert s.expr == Heading("mesh", "Lasers", subheadings=("du",))
    assert s.annotation == "Diagnostic Use"
    idiom = _statement(p, "36 not (36 and 37)").expr
    assert isinstance(idiom, Bool) and idiom.op == "not"


def test_cd009175_gloss_and_quoted_phrases():
    p = _clef("clef-cd009175")
    assert _statement(p, "Pneumonia, Mycoplasma/di").expr.label == "Pneumonia, Mycoplasma"
    quoted = _statement(p, '"m. pneumoniae".tw.').expr
    assert quoted == Fielded(("tw",), Phrase((Term("m."), Term("pneumoniae")), quoted=True))


def test_cd009372_mixed_references_and_focused_exploded_headings():
    p = _clef("clef-cd009372")
    mixed = _statement(p, "1 or 2 or ICH.tw.").expr
    assert [type(c).__name__ for c in mixed.children] == ["LineRef", "LineRef", "Fielded"]
    headings = [n for n in walk(_statement(p, "exp *basal ganglia hemorrhage/di, pa, ra").expr)
                if isinstance(n, Heading)]
    assert len(headings) == 5
    assert headings[0] == Heading("mesh", "basal ganglia hemorrhage", explode=True, major=True,
                                  subheadings=("di", "pa", "ra"))
    assert all(h.major and h.subheadings == ("di", "pa", "ra") for h in headings)


def test_cd009647_range_lists_and_quoted_heading():
    p = _clef("clef-cd009647")
    combo = _statement(p, "or/47,52-54,64,67-87").expr
    assert combo == LineRange("or", (47, 52, 53, 54, 64, *range(67, 88)))
    headings = {n.label for n in walk(_statement(p, '"Aged to 80 and Over"/').expr)
                if isinstance(n, Heading)}
    assert "Aged to 80 and Over" in headings


def test_cd009925_missing_period():
    p = _clef("clef-cd009925")
    assert ("CLEAN015", line_of(p, "ductus venosus.mp")) in _codes(p)


def test_cd011053_wildcard_in_an_acronym():
    p = _clef("clef-cd011053")
    assert ("PRESS009", line_of(p, "(VQ or V?Q or V?P)")) in _codes(p)


def test_cd011126_duplicate_line_and_year_limit():
    p = _clef("clef-cd011126")
    lines = p.read_text().splitlines()
    dup = [n for n, text in enumerate(lines, 1) if text.strip() == "(uterine adj2 anomal$).tw."]
    assert ("PRESS004", dup[1]) in _codes(p)
    limit = _statement(p, 'limit 104 to yr="1990 -Current"').expr
    assert limit.filters[0].kind == "year" and limit.filters[0].values == ("1990", "current")


def test_cd011686_comments_and_space_before_field():
    p = _clef("clef-cd011686")
    assert _statement(p, "or/1-7 [Triage tool keywords]").annotation == "Triage tool keywords"
    assert ("CLEAN019", line_of(p, "MRI* .mp.")) in _codes(p)


def test_cd011787_clinical_query_and_language_limits():
    p = _clef("clef-cd011787")
    cq = _statement(p, 'limit 85 to "qualitative (maximizes sensitivity)"').expr
    assert cq.filters[0].kind == "clinical-query"
    langs = _statement(p, "limit 102 to (danish").expr
    assert langs.filters[0].values == ("danish", "english", "french", "norwegian", "swedish")
    assert _statement(p, "limit 103 to ED=").expr.filters[0].kind == "entry-date"


def test_cd011977_reversed_field_order():
    p = _clef("clef-cd011977")
    assert _statement(p, "(randomized or randomised).ab,ti.").expr.fields == ("ab", "ti")


def test_cd012019_field_on_a_boolean_group_is_not_free_text():
    p = _clef("clef-cd012019")
    group = _statement(p, "(animals not (humans and animals)).sh.").expr
    assert isinstance(group, Fielded) and group.fields == ("sh",) and group.child.op == "not"
    assert ("PRESS005", line_of(p, "(animals not (humans and animals)).sh.")) not in _codes(p)


def test_cd012069_block_labels_and_subheading_lists():
    p = _clef("clef-cd012069")
    assert _statement(p, "15 and 53 [Block A AND Block B]").annotation == "Block A AND Block B"
    assert _statement(p, "Methylphenidate/ae, po, to").expr.subheadings == ("ae", "po", "to")
    assert ("PRESS014", line_of(p, "103 and 97 and 102")) in _codes(p)
    assert ("PRESS017", line_of(p, "103 and 97 and 102")) in _codes(p)  # meta: "Redundant"


def test_cd012342_capitals_and_subheading():
    p = _clef("clef-cd012342")
    assert _statement(p, "Bone Marrow/pa").expr.subheadings == ("pa",)
    assert ("PRESS010", line_of(p, "exp ANIMALS/ not HUMANS/")) not in _codes(p)  # labels may be caps


def test_cd012661_leading_spaces_session_command_duplicate_acronym():
    p = _clef("clef-cd012661")
    found = _codes(p)
    lines = p.read_text().splitlines()
    indented = {n for n, text in enumerate(lines, 1) if text.startswith(" ")}
    assert {line for code, line in found if code == "CLEAN013"} == indented
    assert ("OVID101", line_of(p, "remove duplicates from 55")) in found
    assert ("PRESS013", line_of(p, "(CRD or CRF or CKF or CRF")) in found


def test_t2_wrapped_statements_and_field_keys():
    p = _t2("t2-billson2013")
    found = _codes(p)
    continuation = {n for n, text in enumerate(p.read_text().splitlines(), 1) if text.startswith("   ")}
    assert {line for code, line in found if code == "CLEAN008"} == continuation
    assert ("CLEAN014", line_of(p, "key: mp =")) in found
    assert _statement(p, "diet therapy.fs.").expr == Fielded(("fs",), Phrase((Term("diet"), Term("therapy"))))


def test_t2_ream_unordered_combinations_and_missing_period():
    medline = _t2("t2-ream2020")
    assert ("PRESS014", line_of(medline, "8 or 6 or 11 or 7")) in _codes(medline)
    embase = _t2("t2-ream2020", "embase-ovid.txt")
    assert ("CLEAN015", line_of(embase, "chemotherap*).mp")) in _codes(embase)


def test_t2_quoted_floating_subheadings():
    p = _t2("t2-faluyi2010")
    assert _statement(p, '"drug therapy".fs.').expr == Fielded(
        ("fs",), Phrase((Term("drug"), Term("therapy")), quoted=True))
    assert _statement(_t2("t2-faluyi2010", "embase-ovid.txt"), "dt.fs.").expr == Fielded(("fs",), Term("dt"))


@pytest.mark.parametrize("folder", [d for d in FOLDERS if d.name.startswith("clef-")],
                         ids=lambda d: d.name)
def test_the_whole_clef_topic_file_reads_as_its_strategy(folder):
    """source-topic.txt is the CLEF file as distributed: 'Topic:', 'Title:', 'Query:' before the
    strategy and 'Pids:' after. The cleaner drops those labelled lines, so the statement numbers
    (implicit, by position) still point at the right lines."""
    topic = analyse((folder / "source-topic.txt").read_text(encoding="utf-8"))
    assert topic.errors == []
    assert topic.strategy == analysis(folder / "ovid-medline.txt").strategy
    assert sum(d.code == "CLEAN011" for d in topic.diagnostics) >= 4
