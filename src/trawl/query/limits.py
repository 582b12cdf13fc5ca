"""Ovid limits as data: which words name which kind of filter (ovid.md §9).

`trawl.query.ast.Filter` keeps the text as written (``raw``) beside the kind and values, so a
limit trawl does not know is kept (kind ``"other"``, with a warning) rather than lost.
"""

from __future__ import annotations

import re

# limit N to <language> [language]
LANGUAGES = {
    "english", "french", "german", "spanish", "italian", "portuguese", "dutch", "danish",
    "norwegian", "swedish", "finnish", "icelandic", "chinese", "japanese", "korean", "russian",
    "polish", "czech", "hungarian", "greek", "turkish", "hebrew", "arabic", "persian", "afrikaans",
    "bulgarian", "croatian", "estonian", "latvian", "lithuanian", "romanian", "serbian", "slovak",
    "slovenian", "ukrainian", "thai", "vietnamese", "indonesian", "malay",
}
PUBLICATION_TYPES = {
    "review", "systematic review", "meta analysis", "meta-analysis", "randomized controlled trial",
    "clinical trial", "controlled clinical trial", "comment", "editorial", "letter", "guideline",
    "practice guideline", "case reports", "journal article", "conference abstract",
    "conference paper", "article", "note", "erratum",
}
AGE_WORDS = re.compile(r"\b(years?|months?|child|adult|aged|infant|adolescent|newborn)\b", re.I)

# limit N to yr="2000-Current" / ed=19460101-20160830: the keys that take a date range
DATE_KEYS = {"yr": "year", "ed": "entry-date", "dt": "entry-date", "dc": "entry-date",
             "ez": "entry-date", "da": "entry-date"}
_RANGE = re.compile(r"(\d{4,8})\s*(?:-\s*(\d{4,8}|current))?", re.I)


def read_range(value: str) -> tuple[str, str] | None:
    """``"2000 -Current"`` → ("2000", "current"); ``"2015"`` → ("2015", "2015"); else None."""
    m = _RANGE.fullmatch(value.strip())
    if not m:
        return None
    return m.group(1), (m.group(2) or m.group(1)).lower()


def classify_limit(text: str) -> tuple[str, tuple[str, ...]] | None:
    """The filter kind and values a limit word names, or None when trawl does not know it."""
    low = " ".join(text.split()).lower()
    lang = low.removesuffix(" language").strip()
    if lang in LANGUAGES:
        return "language", (lang,)
    if low in ("human", "humans"):
        return "humans", ("humans",)
    if low in ("animal", "animals"):
        return "animals", ("animals",)
    if low in ("abstracts", "abstract"):
        return "abstracts", ("abstracts",)
    if low in ("embase", "medline", "psycinfo", "psycinfo journals"):
        return "database", (low,)
    if "maximizes" in low or "best balance" in low or "minimizes" in low:  # Ovid clinical queries
        return "clinical-query", (" ".join(text.split()),)
    if low in PUBLICATION_TYPES:
        return "publication-type", (low,)
    if AGE_WORDS.search(low):
        return "age-group", (" ".join(text.split()),)
    return None
