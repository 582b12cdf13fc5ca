"""Ovid field codes as data, to catch a mistyped suffix before it changes a search.

Ovid refuses a field code it does not know, and a code that exists in one Ovid database may not
exist in another (../shared/dialects/ovid.md §2). trawl only warns: its lists are the codes of
ovid.md §2 plus the bibliographic fields every Ovid database guide lists, not Ovid's full field
tables, so an unknown code is "check this", not "wrong".
"""

from __future__ import annotations

# ovid.md §2 (search fields) and §9 (limit fields).
SEARCH_FIELDS = frozenset({
    "ti", "ab", "tw", "kf", "kw", "id", "mp", "sh", "hw", "xm", "fs", "pt", "lg", "la", "jw",
    "jn", "nm", "rn", "yr", "ed", "dt", "dc", "em", "af", "mh", "mf",
})
# Bibliographic fields in every Ovid database guide: author, source, institution, unique
# identifier, comment, original title, ISSN, date of publication, status, subset, supplementary
# concepts (protocol, rare disease, organism), book title, drug and device names (Embase), tests &
# measures, classification code, population, age group, methodology (PsycInfo), DOI.
BIBLIOGRAPHIC_FIELDS = frozenset({
    "au", "so", "in", "ui", "cm", "ot", "is", "dp", "st", "sb", "ps", "rs", "os", "bt", "tn",
    "dv", "dm", "mn", "tm", "cc", "po", "ag", "md", "do", "pm", "ez", "ct", "tc", "di", "ja",
})
KNOWN_FIELDS = SEARCH_FIELDS | BIBLIOGRAPHIC_FIELDS

# Codes ovid.md §2 marks as absent ("–" / "n/a") in a database.
NOT_IN_DATABASE: dict[str, frozenset[str]] = {
    "ovid-medline": frozenset({"mf", "mh"}),           # MeSH copied into PsycInfo records only
    "ovid-embase": frozenset({"xm", "mf", "mh"}),       # exploded MeSH is a MEDLINE field
    "ovid-psycinfo": frozenset({"kf", "kw", "xm"}),     # PsycInfo uses .id. (key concepts)
}
