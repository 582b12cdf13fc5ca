"""Pre-screening rules from the protocol: mark records, never delete them.

The seed protocol's first selection steps are "(2) removing studies that are not written in
English, (3) removing editorials, reports, opinion papers, and conference papers". trawl marks a
deduplicated record under such a rule only *where the record says so*: a record with no language
stated is not marked for language, and a publication type is trusted only when every source that
states one agrees. Marked records stay in the store and can be exported (``--marked include``);
PRISMA reports them as "records marked as ineligible by automation tools", rule by rule.

The rules are data: each publication-type rule lists the exact (folded) values that databases
write, with the database that writes them, so a reviewer can check and extend the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from trawl.dedup.merge import MergedRecord
from trawl.dedup.normalise import fold

# Language values as databases write them -> a language name. Unknown values are kept as written.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "english",
    "eng": "english",
    "english": "english",
    "no": "norwegian",
    "nor": "norwegian",
    "nob": "norwegian",
    "nno": "norwegian",
    "norwegian": "norwegian",
    "sv": "swedish",
    "swe": "swedish",
    "swedish": "swedish",
    "da": "danish",
    "dan": "danish",
    "danish": "danish",
    "de": "german",
    "ger": "german",
    "deu": "german",
    "german": "german",
    "fr": "french",
    "fre": "french",
    "fra": "french",
    "french": "french",
    "es": "spanish",
    "spa": "spanish",
    "spanish": "spanish",
    "pt": "portuguese",
    "por": "portuguese",
    "portuguese": "portuguese",
    "it": "italian",
    "ita": "italian",
    "italian": "italian",
    "nl": "dutch",
    "dut": "dutch",
    "nld": "dutch",
    "dutch": "dutch",
    "zh": "chinese",
    "chi": "chinese",
    "zho": "chinese",
    "chinese": "chinese",
    "ja": "japanese",
    "jpn": "japanese",
    "japanese": "japanese",
}
# Values that say nothing about the language (MARC "und", "mul"; PubMed "multiple languages").
LANGUAGE_UNKNOWN = frozenset({"und", "mul", "unknown", "undetermined", "multiple languages", "zxx"})


@dataclass(frozen=True, slots=True)
class TypeRule:
    name: str
    label: str  # as the protocol says it
    values: frozenset[str]  # folded publication-type values that put a record under the rule
    why: str


# Values checked against the fixtures and the databases' documented type lists. "Case Reports"
# (PubMed) is deliberately absent from "report": the protocol means grey-literature reports.
TYPE_RULES: tuple[TypeRule, ...] = (
    TypeRule(
        "editorial",
        "editorials",
        frozenset({"editorial", "editorial material", "editorial comment"}),
        "PubMed/Scopus/Embase 'Editorial', WoS 'Editorial Material'",
    ),
    TypeRule(
        "report",
        "reports",
        frozenset({"report", "rprt", "technical report", "government document", "research report"}),
        "RIS TY RPRT; PubMed 'Technical Report'; PsycInfo/ERIC 'Report'",
    ),
    TypeRule(
        "opinion",
        "opinion papers",
        frozenset({"opinion", "opinion paper", "comment", "commentary", "viewpoint"}),
        "PubMed 'Comment'; 'Opinion'/'Viewpoint'/'Commentary' in EBSCO and PsycInfo",
    ),
    TypeRule(
        "conference",
        "conference papers",
        frozenset(
            {
                "conference paper",
                "conference abstract",
                "conference review",
                "conference proceeding",
                "conference proceedings",
                "proceedings paper",
                "meeting abstract",
                "congress",
                "congresses",
                "conf",
                "cpaper",
                "clinical conference",
                "consensus development conference",
            }
        ),
        "Scopus 'Conference Paper/Review'; Embase 'Conference Abstract'; WoS 'Proceedings Paper', "
        "'Meeting Abstract'; PubMed 'Congress'; RIS TY CONF/CPAPER",
    ),
)


# A source that calls the record a research article vetoes every type rule: PubMed adds
# "Comment" to research papers that discuss another paper, and those must reach a screener.
ARTICLE_TYPES = frozenset(
    {
        "journal article",
        "article",
        "research article",
        "original article",
        "review",
        "systematic review",
        "meta analysis",
        "randomized controlled trial",
        "clinical trial",
        "observational study",
        "comparative study",
        "evaluation study",
        "multicenter study",
        "empirical study",
        "qualitative study",
        "quantitative study",
    }
)


@dataclass(frozen=True, slots=True)
class Mark:
    cluster_id: int
    rule: str
    reason: str


def language_mark(record: MergedRecord, allowed: Sequence[str]) -> Mark | None:
    if not allowed:
        return None
    allowed_set = {LANGUAGE_NAMES.get(fold(a), fold(a)) for a in allowed}
    stated = set()
    for value in record.get("languages", []):
        for part in value.replace(";", ",").split(","):
            key = fold(part)
            if key and key not in LANGUAGE_UNKNOWN:
                stated.add(LANGUAGE_NAMES.get(key, key))
    if not stated or stated & allowed_set:
        return None
    return Mark(record.cluster_id, "language", f"language stated as {', '.join(sorted(stated))}")


def type_marks(record: MergedRecord, rules: Iterable[TypeRule] = TYPE_RULES) -> list[Mark]:
    by_value = record.get("publication_types_by_value", {})
    if not by_value:
        return []
    # Which records state any type, and which types each states.
    stating: dict[int, set[str]] = {}
    for value, ids in by_value.items():
        for rid in ids:
            stating.setdefault(rid, set()).add(fold(value))
    if any(types & ARTICLE_TYPES for types in stating.values()):
        return []
    marks = []
    for rule in rules:
        if all(types & rule.values for types in stating.values()):
            hits = sorted({t for types in stating.values() for t in types & rule.values})
            marks.append(Mark(record.cluster_id, rule.name, f"publication type {', '.join(hits)}"))
    return marks


def marks_for(record: MergedRecord, languages: Sequence[str] = ("english",)) -> list[Mark]:
    """Every rule this record falls under, in the protocol's order (language first)."""
    out = []
    lang = language_mark(record, languages)
    if lang:
        out.append(lang)
    return out + type_marks(record)


RULE_ORDER = ("language",) + tuple(r.name for r in TYPE_RULES)
RULE_LABELS = {"language": "language other than English"} | {r.name: r.label for r in TYPE_RULES}
