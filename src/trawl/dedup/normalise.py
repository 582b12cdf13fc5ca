"""Normalisation: the comparable form of every field the deduplicator looks at.

Databases spell the same work differently: Scopus writes ``Smith J.``, PubMed ``Smith J``, WoS
``SMITH, J``; a DOI arrives as a resolver URL or with ``doi:``; Google Scholar cuts titles with an
ellipsis; Embase wraps translated titles in brackets; WoS upper-cases journal names and abbreviates
them. Every comparison in :mod:`trawl.dedup.compare` works on :class:`Keys`, computed once per
record here, so the pairwise step stays cheap and every fold is in one place.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from trawl.store.record import Record, normalise_doi

_TAGS = re.compile(r"<[^>]{1,40}>")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")
_TRUNCATION = re.compile(r"(?:\u2026|\.\.\.|\[\.\.\.\])\s*$")
_INITIALS_TAIL = re.compile(r"(?:\s+[A-Z](?:\.?[A-Z])*\.?)+$")  # "Smith JA", "Smith J.A."
_PMID = re.compile(r"^\d{1,9}$")

# Words that open a notice about another paper rather than a paper: such a record is a different
# bibliographic item from the paper it corrects, even when the rest of the title is the same.
NOTICE_WORDS = (
    "erratum",
    "errata",
    "corrigendum",
    "correction",
    "retraction",
    "retracted",
    "expression of concern",
    "comment on",
    "commentary on",
    "reply to",
    "response to",
    "author reply",
    "authors reply",
    "in reply",
)
_NOTICE = re.compile(r"^(?:" + "|".join(re.escape(w) for w in NOTICE_WORDS) + r")\b")
# Web of Science titles a correction notice as the corrected paper's title + "(vol 104, pg 150, 2017)".
_WOS_CORRECTION = re.compile(r"\bvol \d+ (?:pg|pp|p)? ?\w+ (?:19|20)\d\d$")
# Notices of one kind, whatever the word: an erratum and a corrigendum are both corrections.
_NOTICE_KIND = {
    "erratum": "correction",
    "errata": "correction",
    "corrigendum": "correction",
    "correction": "correction",
    "retraction": "retraction",
    "retracted": "retraction",
    "expression of concern": "expression of concern",
    "comment on": "comment",
    "commentary on": "comment",
    "reply to": "reply",
    "response to": "reply",
    "author reply": "reply",
    "authors reply": "reply",
    "in reply": "reply",
}

# Small words dropped when comparing journal names, so "Journal of the American ..." and
# "J Am ..." line up token by token.
_JOURNAL_STOPWORDS = frozenset(
    {"of", "the", "and", "for", "in", "on", "de", "la", "und", "a", "an"}
)

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8"}


def fold(text: str | None) -> str:
    """Lower-case ASCII words separated by single spaces: accents, HTML, punctuation gone."""
    if not text:
        return ""
    if "<" in text:
        text = _TAGS.sub(" ", text)
    if "&" in text:
        text = html.unescape(text).replace("&", " and ")
    if not text.isascii():
        text = text.lower().replace("ß", "ss").replace("æ", "ae").replace("ø", "o")
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def title_key(title: str | None) -> tuple[str, bool]:
    """(folded title, truncated?) — a title cut with an ellipsis compares as a prefix only."""
    if not title:
        return "", False
    raw = title.strip()
    truncated = bool(_TRUNCATION.search(raw))
    if truncated:
        raw = _TRUNCATION.sub("", raw)
    # Embase and MEDLINE bracket a title translated into English: "[Depression in ...]".
    if raw.startswith("[") and raw.rstrip(".").endswith("]"):
        raw = raw.rstrip(".")[1:-1]
    return fold(raw), truncated


def title_numbers(folded_title: str) -> tuple[str, ...]:
    """The numbers a title carries ("part 2", "phase III", "2019 update"), sorted.

    Two papers whose titles differ only in such a number are usually different reports of one
    series (part 1 and part 2, a 2019 and a 2020 update) and must not merge.
    """
    out = []
    words = folded_title.split()
    for i, w in enumerate(words):
        if w.isdigit():
            out.append(str(int(w)))
        elif (
            w in _ROMAN and i > 0 and words[i - 1] in ("part", "phase", "study", "trial", "volume")
        ):
            out.append(_ROMAN[w])
    return tuple(sorted(out))


def notice_kind(folded_title: str) -> str | None:
    """'correction', 'retraction', 'comment', 'reply' when the title announces a notice."""
    m = _NOTICE.match(folded_title)
    if m:
        return _NOTICE_KIND[m.group(0)]
    if _WOS_CORRECTION.search(folded_title):
        return "correction"
    return None


_ARTICLES = re.compile(r"\b(?:a|an|the)\b ?")


def without_articles(folded_title: str) -> str:
    """Old WoS records drop articles ("PRELIMINARY ANALYSIS OF SPREAD OF DEPRESSION")."""
    return _ARTICLES.sub("", folded_title).strip()


def surname(family: str | None, given: str | None = None) -> str:
    """A comparable family name: folded, particles joined ("van der Berg" -> "vanderberg").

    Handles the shapes importers leave behind: "Smith JA" (initials after the name, no given
    name) and "Smith, John" kept whole in ``family``.
    """
    if not family:
        return ""
    name = family.strip()
    if given is None and "," in name:
        name = name.split(",", 1)[0]
    elif given is None:
        name = _INITIALS_TAIL.sub("", name) or name
    return fold(name).replace(" ", "")


def journal_key(journal: str | None) -> tuple[str, ...]:
    """Journal name as tokens without small words: 'J Clin Nurs' -> ('j', 'clin', 'nurs').

    PubMed's place qualifier goes: "Sensors (Basel, Switzerland)" is Scopus's "Sensors".
    """
    journal = re.sub(r"\([^)]*\)", " ", journal or "")
    truncated = bool(_TRUNCATION.search(journal))
    tokens = tuple(
        t for t in fold(_TRUNCATION.sub("", journal)).split() if t not in _JOURNAL_STOPWORDS
    )
    # Google Scholar cuts journal names too ("Journal of Cellular Bio…"): mark the cut with "…".
    return tokens + ("…",) if truncated and tokens else tokens


def _abbreviates(short: str, full: str) -> bool:
    """ISO 4 style: 'natl' abbreviates 'national' (same first letter, letters kept in order)."""
    if short == full or full.startswith(short):
        return True
    if not short or not full or short[0] != full[0] or len(short) > len(full):
        return False
    it = iter(full)
    return all(ch in it for ch in short)


def journals_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool | None:
    """True when one name is the other or its abbreviation; None when either is unknown.

    Abbreviations keep the words and their order and shorten each word ("Journal of Clinical
    Nursing" -> "J Clin Nurs", "Proceedings of the National Academy of Sciences" -> "Proc Natl
    Acad Sci"); small words are already gone. A name with more words is a different journal
    ("Journal of Mental Health" vs "Journal of Mental Health Policy and Economics").
    """
    if not a or not b:
        return None
    cut_a, cut_b = a[-1] == "…", b[-1] == "…"
    if cut_a or cut_b:
        # A cut name is compared as a prefix: its words must start the other name.
        a, b = (a[:-1] if cut_a else a), (b[:-1] if cut_b else b)
        n = min(len(a), len(b))
        if n == 0:
            return None
        if (cut_a and not cut_b and len(b) < len(a)) or (cut_b and not cut_a and len(a) < len(b)):
            return False
        heads = all(
            _abbreviates(x, y) or _abbreviates(y, x)
            for x, y in zip(a[: n - 1], b[: n - 1], strict=True)
        )
        x, y = a[n - 1], b[n - 1]
        return heads and (
            x.startswith(y) or y.startswith(x) or _abbreviates(x, y) or _abbreviates(y, x)
        )
    if len(a) != len(b):
        return False
    return all(_abbreviates(x, y) or _abbreviates(y, x) for x, y in zip(a, b, strict=True))


def first_page(pages: str | None) -> str:
    """The first page or article number: '123-9' -> '123', 'e0123456' -> 'e0123456'."""
    if not pages:
        return ""
    head = re.split(r"[-\u2013\u2014–,\s]+", pages.strip(), maxsplit=1)[0]
    return head.lower().lstrip("0") or head


def clean_volume(volume: str | None) -> str:
    if not volume:
        return ""
    m = re.search(r"\d+", volume)
    return m.group(0).lstrip("0") if m else fold(volume)


def clean_pmid(value: str | None) -> str:
    value = (value or "").strip()
    return value.lstrip("0") if _PMID.match(value) else ""


@dataclass(frozen=True, slots=True)
class Keys:
    """Everything the comparison needs from one record, normalised once."""

    id: int
    source: str
    doi: str
    pmid: str
    title: str
    truncated: bool
    numbers: tuple[str, ...]
    notice: str | None
    surnames: tuple[str, ...]
    year: int | None
    journal: tuple[str, ...]
    issns: frozenset[str]
    volume: str
    page: str

    @property
    def first_author(self) -> str:
        return self.surnames[0] if self.surnames else ""


def keys_of(record_id: int, record: Record) -> Keys:
    title, truncated = title_key(record.title)
    year = record.year or (record.published.year if record.published else None)
    return Keys(
        id=record_id,
        source=record.source,
        doi=normalise_doi(record.doi) or "",
        pmid=clean_pmid(record.pmid),
        title=title,
        truncated=truncated,
        numbers=title_numbers(title),
        notice=notice_kind(title),
        surnames=tuple(s for s in (surname(a.family, a.given) for a in record.authors) if s),
        year=year,
        journal=journal_key(record.journal),
        issns=frozenset(re.sub(r"[^0-9x]", "", i.lower()) for i in record.issn if i),
        volume=clean_volume(record.volume),
        page=first_page(record.pages),
    )
