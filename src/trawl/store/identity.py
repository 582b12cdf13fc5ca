"""Which stored record a newly parsed record is: its identity within its source.

The same record comes back when a search is re-run (a weekly update, a resumed harvest, a file
imported twice). Within one source it is recognised by, in order: the source's own accession
(Scopus EID, PMID for PubMed, EBSCO AN ...), the DOI, the PMID, and failing all of those a hash
of the normalised title, year and first author's family name. Matching *across* sources is
deduplication's job (trawl.dedup), not the store's.
"""

from __future__ import annotations

import re
import unicodedata

from trawl.store.canonical import canonical_json, sha256_hex
from trawl.store.record import Record

_NOT_WORD = re.compile(r"[^0-9a-z]+")
# Letters NFKD does not decompose into an ASCII base letter.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l",
                          "þ": "th", "ð": "d", "ı": "i"})  # fmt: skip


def fold(text: str | None) -> str:
    """Lower-case ASCII words separated by single spaces: accents, case and punctuation gone."""
    if not text:
        return ""
    ascii_text = (
        unicodedata.normalize("NFKD", text.lower().translate(_LETTERS))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    return _NOT_WORD.sub(" ", ascii_text.lower()).strip()


def identity_key(record: Record, content_sha256: str) -> str:
    """``accession:…``, ``doi:…``, ``pmid:…``, ``title:<sha256>`` or, with no title, ``content:…``."""
    if record.accession:
        return f"accession:{record.accession}"
    if record.doi:
        return f"doi:{record.doi}"
    if record.pmid:
        return f"pmid:{record.pmid}"
    title = fold(record.title)
    if title:
        first = fold(record.authors[0].family) if record.authors else ""
        return "title:" + sha256_hex(canonical_json([title, record.year, first]))
    return f"content:{content_sha256}"
