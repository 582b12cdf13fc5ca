"""Ovid -> Ovid MEDLINE (the source dialect printed back; ovid.md)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    ("psw.ti,ab.", "psw.ti,ab.", set()),
    ("(peer adj (provid* or support*)).ti,ab.", "(peer adj (provid* or support*)).ti,ab.", set()),
    ("(pain adj3 chronic).ti,ab.", "(pain adj3 chronic).ti,ab.", set()),
    ("dog$1.ti.", "dog$1.ti.", set()),
    ('"type 2 diabetes".ti.', '"type 2 diabetes".ti.', set()),  # numbers must stay quoted
    ("exp *Asthma/dt,th", "exp *Asthma/dt,th", set()),
    ("exp Peer Group/", "exp Peer Group/", set()),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("ovid-medline", ovid, expected, codes)


def test_history_ranges_limits_and_cutoff():
    r = render("ovid-medline", "1. a.ti.\n2. b.ti.\n3. c.ti.\n4. or/1-3\n5. limit 4 to english",
               review=review())
    assert [ln.text for ln in r.lines][3:] == ["or/1-3", "limit 4 to english",
                                               "limit 5 to ed=18000101-20210104"]
    # the single "query" of a platform without an API is the numbered strategy to paste
    assert r.query.splitlines()[0] == "1 a.ti."
