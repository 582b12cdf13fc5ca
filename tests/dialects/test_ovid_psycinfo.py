"""Ovid MEDLINE strategy -> APA PsycInfo on Ovid: APA Thesaurus headings (ovid.md §8)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    ("psw.ti,ab.", "psw.ti,ab.", set()),
    ("psw.kf.", "psw.id.", set()),  # PsycInfo author keywords are key concepts (.id.)
    ("exp Peer Group/", "exp Peers/", {"DIA037"}),
    # no APA term: the MeSH label and entry terms as free text, with a warning
    ("exp State Medicine/", "(State Medicine or Socialized Medicine).ti,ab.", {"DIA012", "DIA015"}),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("ovid-psycinfo", ovid, expected, codes)


def test_no_entry_date_limit_so_the_cutoff_is_a_publication_year():
    r = render("ovid-psycinfo", "a.ti.", review=review())
    assert r.lines[-1].text == 'limit 1 to yr="1800-2021"'
    assert "DIA019" in {d.code for d in r.diagnostics}
