"""Ovid -> Web of Science advanced search, as a translation table (wos.md)."""

from __future__ import annotations

import pytest

from ._tables import check, render

CASES = [
    ("psw.ti,ab.", "TS=psw", {"DIA002"}),  # TS adds author keywords and Keywords Plus
    ("psw.ti.", "TI=psw", set()),
    ("heart attack.ab.", 'AB="heart attack"', set()),
    # NEAR/x = at most x words between: adj3 -> NEAR/2 (never bare NEAR = 15)
    ("(pain adj3 chronic).ti.", "TI=(pain NEAR/2 chronic)", set()),
    ("(pain adj1 chronic).ti.", "TI=(pain NEAR/0 chronic)", set()),
    ("(child* adj3 (obes* or overweight)).ti.", "TI=(child* NEAR/2 (obes* OR overweight))", set()),
    # no ordered proximity: adj with a group becomes phrases
    ("(peer adj (provid* or support*)).ti.", 'TI=("peer provid*" OR "peer support*")', {"DIA006"}),
    # AND is not allowed inside a NEAR operand
    ("((pain and chronic) adj3 back).ti.", "TI=(pain AND chronic AND back)", {"DIA033"}),
    ("colo?r.ti.", "TI=colo$r", set()),  # WoS $ = zero or one (Ovid ?)
    ("wom#n.ti.", "TI=wom?n", set()),  # WoS ? = exactly one (Ovid #)
    # wos.md §6 (legacy help): $ cannot be used inside quoted phrases: kept, with a warning
    ("(myocardial adj isch?emi*).ti.", 'TI="myocardial isch$emi*"', {"WOS001"}),
    ("(heart adj attack*).ti.", 'TI="heart attack*"', set()),
    ("ca*.ti.", "TI=ca", {"DIA010"}),  # at least 3 characters before the wildcard
    ("exp Peer Group/", 'TS=("Peer Group" OR "Peer Groups")', {"DIA013"}),
    # AND binds before OR in WoS: brackets kept
    ("(a.ti. or b.ti.) and c.ti.", "(TI=a OR TI=b) AND TI=c", set()),
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("wos", ovid, expected, codes)


def test_history_uses_set_numbers():
    r = render("wos", "1. asthma.ti.\n2. wheez*.ti.\n3. or/1-2\n4. limit 3 to english")
    assert [ln.text for ln in r.lines] == ["TI=asthma", "TI=wheez*", "#1 OR #2", "#3 AND LA=(English)"]
    assert r.query == "(TI=asthma OR TI=wheez*) AND LA=(English)"


def test_review_cutoff_is_an_api_parameter_and_the_index_date_timespan_not_ld():
    # wos.md §2: the LD= (Index Date) query form is unconfirmed, so it is not in the query.
    # The Expanded API's loadTimeSpan takes only a span back from today (5D, 30W, 8Y), so a
    # fixed cutoff travels as publishTimeSpan (a publication date, declared by DIA019); the
    # person using Advanced Search is told the exact Index Date timespan (wos.md §7).
    from ._tables import review

    r = render("wos", "asthma.ti.", review=review())
    assert r.query == "TI=asthma" and "LD=" not in r.query
    assert r.api_params == {"publishTimeSpan": "1800-01-01+2021-01-04"}
    codes = {d.code: d for d in r.diagnostics}
    assert {"DIA018", "DIA019", "DIA038"} <= set(codes)
    assert "Index Date, custom range 1800-01-01 to 2021-01-04" in codes["DIA038"].message
    assert codes["DIA038"].severity == "warning"


def test_several_entry_date_limits_send_one_range_their_intersection():
    from ._tables import review

    r = render("wos", "1. asthma.ti.\n2. limit 1 to ed=20100101-20221231", review=review())
    assert r.api_params == {"publishTimeSpan": "2010-01-01+2021-01-04"}


def test_a_year_limit_stays_in_the_query_as_dop():
    r = render("wos", '1. asthma.ti.\n2. limit 1 to yr="2000-2021"')
    assert r.query == "TI=asthma AND DOP=(2000-01-01/2021-12-31)"  # wos.md §2, §7


def test_only_a_dollar_inside_a_phrase_is_flagged():
    flagged = {d.code for d in render("wos", "(heart adj attack*).ti. or colo?r.ti.").diagnostics}
    assert "WOS001" not in flagged
