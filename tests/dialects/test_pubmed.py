"""Ovid -> PubMed, as a translation table (pubmed.md)."""

from __future__ import annotations

import pytest

from ._tables import check, render, review

CASES = [
    # (Ovid, PubMed, diagnostics that must be reported)
    ("psw.ti,ab.", "psw[tiab]", {"DIA002"}),  # [tiab] also searches author keywords
    ("psw.ti,ab,kf.", "psw[tiab]", set()),
    ("psw.ti.", "psw[ti]", set()),
    ("psw.tw.", "psw[tiab]", {"DIA002"}),  # Ovid .tw. is not PubMed [tw]
    ("asthma.mp.", "asthma[tw]", {"DIA002"}),
    ("asthma", "asthma[tw]", {"DIA002"}),  # a bare term is .mp.; always tagged: no ATM
    ("heart attack*.ti.", '"heart attack*"[ti]', set()),
    ("(pain adj chronic).ti.", '"pain chronic"[ti]', set()),  # adj = ordered phrase
    # adjN = N-1 words between, any order -> [tiab:~N-1]
    ("(pain adj3 chronic).ti,ab,kf.", '"pain chronic"[tiab:~2]', set()),
    ("(pain adj5 chronic).ti,ab,kf.", '"pain chronic"[tiab:~4]', set()),
    # adj1 = adjacent in either order: both phrases
    ("(pain adj1 chronic).ti,ab,kf.", '"pain chronic"[tiab] OR "chronic pain"[tiab]', set()),
    ("(peer adj (provid* or support*)).ti,ab,kf.",
     '"peer provid*"[tiab] OR "peer support*"[tiab]', {"DIA006"}),
    # groups inside proximity are expanded pairwise
    ("((pain or ache) adj3 (chronic or persistent)).ti,ab,kf.",
     '"pain chronic"[tiab:~2] OR "pain persistent"[tiab:~2] OR "ache chronic"[tiab:~2] OR '
     '"ache persistent"[tiab:~2]', {"DIA006"}),
    # wildcards cannot go inside [tiab:~N]: AND, with a warning
    ("(child* adj3 obes*).ti,ab,kf.", "child*[tiab] AND obes*[tiab]", {"DIA004"}),
    # proximity works only in ti/tiab/ad: .mp. degrades to AND
    ("pain adj3 chronic", "pain[tw] AND chronic[tw]", {"DIA004"}),
    ("colo?r.ti.", "colo*r[ti]", {"DIA008"}),  # no optional-character wildcard
    ("child$2.ti.", "child*[ti]", {"DIA007"}),  # no limited truncation
    ("ca*.ti.", "ca[ti]", {"PUBMED001"}),  # four characters before the wildcard
    ("dog$1.ti.", "dog[ti]", {"DIA007", "PUBMED001"}),
    # Ovid X/ is not exploded, PubMed [mh] is
    ("Asthma/", '"Asthma"[mh:noexp]', {"PUBMED002"}),
    ("exp Asthma/", '"Asthma"[mh]', set()),
    ("*Asthma/", '"Asthma"[majr:noexp]', {"PUBMED002"}),
    ("exp *Asthma/", '"Asthma"[majr]', set()),
    ("Asthma/dt,th", '"Asthma/dt"[mh:noexp] OR "Asthma/th"[mh:noexp]', {"DIA014"}),
    ("(asthma.ti. or wheez*.ti.) and child*.ti.", "(asthma[ti] OR wheez*[ti]) AND child*[ti]",
     set()),
    ("asthma.ti. not child*.ti.", "asthma[ti] NOT child*[ti]", set()),
    ("dt.fs.", "dt[sh]", set()),  # floating subheading
]


@pytest.mark.parametrize("ovid, expected, codes", CASES, ids=[c[0] for c in CASES])
def test_translation(ovid, expected, codes):
    check("pubmed", ovid, expected, codes)


def test_history_form_and_single_query():
    r = render("pubmed", "1. asthma.ti.\n2. wheez*.ti.\n3. or/1-2\n4. limit 3 to english")
    assert [ln.text for ln in r.lines] == [
        "asthma[ti]", "wheez*[ti]", "#1 OR #2", "#3 AND english[la]"]
    assert r.query == "(asthma[ti] OR wheez*[ti]) AND english[la]"
    assert r.queries == [r.query]


def test_left_to_right_needs_brackets_around_every_group():
    # PubMed reads "a OR b AND c" as "(a OR b) AND c": a mixed line must keep its brackets
    r = render("pubmed", "1. a.ti.\n2. b.ti.\n3. c.ti.\n4. 1 and (2 or 3)")
    assert r.query == "a[ti] AND (b[ti] OR c[ti])"


def test_entry_date_limit_uses_create_date():
    r = render("pubmed", "1. asthma.ti.\n2. limit 1 to ed=19460101-20150728")
    assert r.lines[-1].text == "#1 AND 1946/01/01:2015/07/28[crdt]"


def test_review_cutoff_and_language_become_a_line():
    r = render("pubmed", "asthma.ti.", review=review(languages=["english"]))
    assert r.lines[-1].text == "#1 AND english[la] AND 1800/01/01:2021/01/04[crdt]"
    assert r.query == "asthma[ti] AND english[la] AND 1800/01/01:2021/01/04[crdt]"
    assert "DIA020" in {d.code for d in r.diagnostics}


def test_review_fields_rewrite_makes_ti_ab_exact():
    # the protocol says title, abstract and keywords: .ti,ab. read as .ti,ab,kf. -> exact [tiab]
    r = render("pubmed", "psw.ti,ab.", review=review(fields={"ti,ab": "ti,ab,kf"}))
    assert r.lines[0].text == "psw[tiab]"
    assert "DIA002" not in {d.code for d in r.diagnostics}
    assert r.fields[".ti,ab."]["via"] == ".ti,ab,kf."
