"""Normalisation: each database's spelling of a field folds to one comparable form."""

import pytest

from trawl.dedup.normalise import (
    first_page,
    fold,
    journal_key,
    journals_compatible,
    notice_kind,
    surname,
    title_key,
    title_numbers,
)


def test_fold_removes_accents_markup_and_punctuation():
    assert fold("Brukermedvirkning i <i>psykisk</i> helsevern – Ærlig?") == (
        "brukermedvirkning i psykisk helsevern aerlig"
    )
    assert fold("Tom &amp; Jerry") == "tom and jerry"


@pytest.mark.parametrize(
    "raw, folded, truncated",
    [
        ("Peer support: a review.", "peer support a review", False),
        ("Peer support in mental health…", "peer support in mental health", True),
        ("Peer support in mental health ...", "peer support in mental health", True),
        ("[Depression in primary care]", "depression in primary care", False),  # translated title
        (None, "", False),
    ],
)
def test_title_key(raw, folded, truncated):
    assert title_key(raw) == (folded, truncated)


@pytest.mark.parametrize(
    "family, given, expected",
    [
        ("Smith", "John", "smith"),
        ("Smith JA", None, "smith"),  # PubMed AU style kept whole
        ("SMITH, J", None, "smith"),  # WoS
        ("van der Berg", "A", "vanderberg"),
        ("Müller", "K", "muller"),
        ("O'Brien", "P", "obrien"),
    ],
)
def test_surname(family, given, expected):
    assert surname(family, given) == expected


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("Journal of Clinical Nursing", "J Clin Nurs", True),
        ("JOURNAL OF MENTAL HEALTH", "J. Ment. Health", True),
        ("Proceedings of the National Academy of Sciences", "Proc Natl Acad Sci", True),
        ("The Lancet", "BMJ", False),
        ("Journal of Mental Health", "Journal of Mental Health Policy and Economics", False),
        ("Sensors (Basel, Switzerland)", "Sensors", True),
        ("Journal of Mental Health", None, None),
    ],
)
def test_journals_compatible(a, b, expected):
    assert journals_compatible(journal_key(a), journal_key(b)) is expected


def test_first_page_and_numbers_and_notices():
    assert first_page("123-9") == "123"
    assert first_page("e0123456") == "e0123456"
    assert first_page("0045–0050") == "45"
    assert title_numbers(fold("Recovery in practice, part II")) == ("2",)
    assert title_numbers(fold("Outcomes 2019: an update")) == ("2019",)
    assert notice_kind(fold("Erratum: Peer support in mental health")) == "correction"
    assert notice_kind(fold("Correction to: Peer support")) == "correction"
    assert notice_kind(fold("Peer support and correction services")) is None
