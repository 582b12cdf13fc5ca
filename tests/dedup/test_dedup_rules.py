"""Pre-screening rules mark a record only where the record itself says so."""

from dedup_builders import rec

from trawl.dedup.merge import merge
from trawl.dedup.rules import marks_for


def rules(*records, languages=("english",)):
    merged = merge(list(enumerate(records, start=1)))
    return {m.rule for m in marks_for(merged, languages)}


def test_language_other_than_english_is_marked_only_when_stated():
    assert rules(rec("scopus", "1", title="t", languages=["Norwegian"])) == {"language"}
    assert rules(rec("pubmed", "1", title="t", languages=["nor"])) == {"language"}
    assert rules(rec("pubmed", "1", title="t", languages=["eng", "nor"])) == set()
    assert rules(rec("pubmed", "1", title="t")) == set()
    assert rules(rec("pubmed", "1", title="t", languages=["und"])) == set()
    # One source says English: the merged record is not marked.
    assert rules(rec("scopus", "1", title="t", languages=["Norwegian"]),
                 rec("pubmed", "2", title="t", languages=["English"])) == set()
    # The review's own language limit decides; none given means no language rule.
    assert rules(rec("scopus", "1", title="t", languages=["Norwegian"]), languages=()) == set()
    assert rules(rec("scopus", "1", title="t", languages=["Norwegian"]),
                 languages=("english", "norwegian")) == set()


def test_publication_type_rules():
    assert rules(rec("pubmed", "1", title="t", publication_types=["Editorial"])) == {"editorial"}
    assert rules(rec("wos", "1", title="t", publication_types=["Editorial Material"])) == {"editorial"}
    assert rules(rec("embase", "1", title="t", publication_types=["JOUR", "Conference Abstract"])) == {"conference"}
    assert rules(rec("scopus", "1", title="t", publication_types=["CONF", "Conference Paper"])) == {"conference"}
    assert rules(rec("pubmed", "1", title="t", publication_types=["Comment", "Editorial"])) == {"editorial", "opinion"}
    assert rules(rec("psycinfo", "1", title="t", publication_types=["Report"])) == {"report"}


def test_research_articles_are_never_marked_by_type():
    # PubMed adds "Comment" to research papers that discuss another paper.
    assert rules(rec("pubmed", "1", title="t", publication_types=["Journal Article", "Comment"])) == set()
    # "Case Reports" are research, not the grey-literature reports the protocol excludes.
    assert rules(rec("pubmed", "1", title="t", publication_types=["Case Reports"])) == set()
    # Every source that states a type must agree.
    assert rules(rec("scopus", "1", title="t", publication_types=["Editorial"]),
                 rec("pubmed", "2", title="t", publication_types=["Journal Article"])) == set()
    assert rules(rec("scopus", "1", title="t", publication_types=["Editorial"]),
                 rec("wos", "2", title="t")) == {"editorial"}
