"""Language and date limits: the values Ovid limits carry, in the forms targets need.

`DateTpl` is a date filter written as query text; `parse_date` reads the dates Ovid and
review.toml use (``19460101``, ``2021-01-04``, ``2016``, ``"current"``); `LANGUAGES` gives the
codes targets want for the language names Ovid writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# Language names as Ovid writes them -> (MARC/ISO 639-2 code, ISO 639-1 code).
LANGUAGES: dict[str, tuple[str, str]] = {
    "english": ("eng", "en"), "french": ("fre", "fr"), "german": ("ger", "de"),
    "spanish": ("spa", "es"), "italian": ("ita", "it"), "portuguese": ("por", "pt"),
    "dutch": ("dut", "nl"), "danish": ("dan", "da"), "norwegian": ("nor", "no"),
    "swedish": ("swe", "sv"), "finnish": ("fin", "fi"), "russian": ("rus", "ru"),
    "chinese": ("chi", "zh"), "japanese": ("jpn", "ja"), "korean": ("kor", "ko"),
    "polish": ("pol", "pl"), "turkish": ("tur", "tr"), "arabic": ("ara", "ar"),
    "greek": ("gre", "el"), "hebrew": ("heb", "he"), "czech": ("cze", "cs"),
    "hungarian": ("hun", "hu"), "icelandic": ("ice", "is"),
}


@dataclass(frozen=True, slots=True)
class DateTpl:
    """A date filter as query text: ``both`` for a start and end, ``until`` for an open start."""

    both: str
    until: str


def parse_date(value: str, end: bool) -> date | None:
    v = value.strip().strip('"').strip()
    if not v or v.lower() in ("current", "present", "now"):
        return None
    digits = re.sub(r"\D", "", v)
    try:
        if len(digits) >= 8:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        if len(digits) >= 6:
            y, m = int(digits[:4]), int(digits[4:6])
            if end:
                nxt = date(y + (m == 12), m % 12 + 1, 1)
                return nxt - timedelta(days=1)
            return date(y, m, 1)
        if len(digits) == 4:
            return date(int(digits), 12, 31) if end else date(int(digits), 1, 1)
    except ValueError:
        return None
    return None


def language_name(value: str) -> str:
    v = value.strip().strip('"').lower()
    return re.sub(r"\s+language$", "", v).strip()
