"""The heading crosswalks: complete for the seed, valid relations, honest notes, entry terms."""

from __future__ import annotations

import json
import tomllib

import pytest

import trawl.vocab as vocab
from trawl.vocab import RELATIONS, TARGET_VOCABULARIES, crosswalk_table, entry_terms, lookup

# The twelve MeSH headings of the seed strategy (protocol lines 1, 15, 26-32, 37, 42, 45).
SEED_HEADINGS = (
    "Cooperative Behavior", "Public Sector", "Health Care Sector", "Mental Health Services",
    "Mental Health", "State Medicine", "Primary Health Care", "Delivery of Health Care",
    "Health Services", "Social Work", "Community Mental Health Services", "Peer Group",
)
CHECK_TAGS = ("Humans", "Animals", "Male", "Female", "Adult", "Aged", "Child", "Adolescent", "Infant")


@pytest.mark.parametrize("target", TARGET_VOCABULARIES)
@pytest.mark.parametrize("heading", SEED_HEADINGS + CHECK_TAGS)
def test_every_seed_heading_and_check_tag_has_one_row_per_target(heading, target):
    found = lookup(heading, target=target)
    assert found is not None, f"{heading} has no {target} row"
    assert found.source_label == heading and found.target == target
    assert found.relation in RELATIONS
    assert (found.target_label is None) == (found.relation == "none")
    assert found.note.strip()


@pytest.mark.parametrize("target", TARGET_VOCABULARIES)
def test_unverified_rows_say_so_in_their_note(target):
    for row in crosswalk_table(target):
        if row.target_label is not None and not row.verified:
            assert "unverified" in row.note.lower(), row


@pytest.mark.parametrize("target", TARGET_VOCABULARIES)
def test_rows_are_unique_and_kinds_known(target):
    rows = crosswalk_table(target)
    labels = [r.source_label.casefold() for r in rows]
    assert len(labels) == len(set(labels))
    assert {r.kind for r in rows} <= {"heading", "check-tag"}
    assert {r.source_label for r in rows if r.kind == "check-tag"} == set(CHECK_TAGS)


def test_documented_pairs_from_the_dialect_reference():
    # ovid.md §8: "exp human/ vs MEDLINE exp humans/; Emtree animal vs MeSH animals".
    assert lookup("Humans", target="emtree").target_label == "human"
    assert lookup("Animals", target="emtree").target_label == "animal"
    # ebsco.md §2 / §7: CINAHL MH "Human".
    assert lookup("Humans", target="cinahl").target_label == "Human"


def test_lookup_ignores_case_quotes_and_spacing():
    a = lookup("Delivery of Health Care", target="cinahl")
    assert lookup('"delivery  of health care"', target="cinahl") == a
    assert a.target_label == "Health Care Delivery"


def test_lookup_accepts_a_mesh_entry_term():
    assert lookup("Socialized Medicine", target="emtree") == lookup("State Medicine", target="emtree")


def test_unknown_heading_is_none_not_a_guess():
    assert lookup("Hospital Chaplaincy Service", target="emtree") is None
    assert entry_terms("Hospital Chaplaincy Service") == []


def test_unknown_vocabularies_are_refused():
    with pytest.raises(ValueError):
        lookup("Peer Group", target="lcsh")
    with pytest.raises(ValueError):
        entry_terms("Peer Group", vocabulary="emtree")
    with pytest.raises(ValueError):
        crosswalk_table("lcsh")


def test_a_heading_with_no_target_term_gives_entry_terms_for_the_fallback():
    nones = [(t, r) for t in TARGET_VOCABULARIES for r in crosswalk_table(t)
             if r.relation == "none" and r.kind == "heading"]
    assert nones, "the seed has headings without an equivalent (e.g. State Medicine in APA)"
    for _target, row in nones:
        terms = entry_terms(row.source_label)
        assert terms, f"{row.source_label} needs entry terms for its free-text fallback"
        text = vocab.free_text_terms(row.source_label)
        assert text[0] == row.source_label
        assert all("," not in t for t in text)  # inverted forms are not free text


def test_state_medicine_fallback_terms():
    assert vocab.free_text_terms("State Medicine") == ["State Medicine", "Socialized Medicine"]


def test_shipped_entry_terms_equal_the_mesh_extract(shared):
    """The copy in vocab/data must not drift from the extract it was derived from."""
    extract = json.loads(
        (shared / "fixtures/mesh/mesh_target_descriptors_extract.json").read_text(encoding="utf-8")
    )
    for d in extract["descriptors"]:
        assert entry_terms(d["name_mesh2019"]) == d["entry_terms_mesh2019"]
    assert {d["name_mesh2019"] for d in extract["descriptors"]} == set(SEED_HEADINGS)


def test_data_files_carry_a_review_header():
    from importlib import resources

    for name in ("emtree.toml", "cinahl.toml", "apa.toml", "mesh_entry_terms.toml"):
        text = resources.files("trawl.vocab").joinpath("data", name).read_text(encoding="utf-8")
        assert text.startswith("#") and "HOW TO" in text
        tomllib.loads(text)
