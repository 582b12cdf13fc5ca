"""What every export parser shares: the parse context, the diagnostic codes, value helpers.

A parser is a pure function ``parse(text, ctx) -> Iterator[Record]``: it never touches the store
or the file system. ``ctx`` carries the source the person named (every Record gets it), the file's
name (every error names it) and a list the parser appends warnings to. Bad content raises a
TrawlError naming the record number and the field, so a person can open the file and look.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from trawl.query.diagnostics import Diagnostic, TrawlError, register
from trawl.store.record import Record

UNKNOWN_FORMAT = register(
    "IMPORT001", "error", "The file's content matches no export format trawl reads.")
FORMAT_CONTRADICTED = register(
    "IMPORT002", "error", "The file's content contradicts the format given with --format.")
BAD_RECORD = register(
    "IMPORT003", "error", "A record in an export has a field trawl cannot read; the message names "
    "the record number and the field.")
TRUNCATED = register(
    "IMPORT004", "error", "The export ends inside a record: the download was probably cut short.")
CP1252_FALLBACK = register(
    "IMPORT005", "warning", "The export is not valid UTF-8 or UTF-16; it was read as Windows-1252.")
EMPTY_FILE = register("IMPORT006", "error", "The export is empty or holds no records.")
BINARY_FILE = register(
    "IMPORT007", "error", "The file is binary (a spreadsheet, archive, PDF ...), not a text export.")
UNSAFE_XML = register(
    "IMPORT008", "error", "The XML uses entity declarations or is malformed; it was refused "
    "(entity expansion is a known attack and never appears in real EndNote exports).")
ALREADY_IMPORTED = register(
    "IMPORT009", "error", "This exact file (same sha256) was already imported for this source; "
    "pass --again to import it anyway.")
REPAIRED = register(
    "IMPORT010", "warning", "A producer's known defect was repaired while reading an export "
    "(e.g. two RIS tags glued on one line).")
NO_DEFAULT_QUERY = register(
    "IMPORT011", "warning", "The query the person ran could not be rendered from the review; "
    "the import records no query. Pass --query or --query-file.")
UNKNOWN_SOURCE = register(
    "IMPORT012", "error", "The source named with --source is not one of the review's sources.")
BAD_SEARCH_DATE = register(
    "IMPORT013", "error", "The --searched date is not a valid past date (YYYY-MM-DD).")
NOT_A_RECORD_EXPORT = register(
    "IMPORT014", "error", "The file is an export of another kind (a citation report, a search "
    "history) that holds no bibliographic records.")
FIELD_NOT_READ = register(
    "IMPORT016", "warning", "A field was left out of every record because the producer writes it "
    "in a form that cannot be read reliably (e.g. SpringerLink runs author names together).")
LOSSY_VALUES = register(
    "IMPORT015", "info", "The producer truncates or snips values (Publish or Perish / Google "
    "Scholar): titles, author lists and abstracts may be incomplete.")


@dataclass
class ParseContext:
    """What a parser needs to know besides the text: who the records belong to and where from."""

    source: str
    file_name: str = "<export>"
    # Names records that carry no ID of their producer's: "<first 12 of the file's sha256>#<n>",
    # stable for this exact file (so re-importing it re-finds them) and unique across files.
    file_key: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _warned: set[str] = field(default_factory=set)

    def where(self, number: int, line: int | None = None) -> str:
        at = f" (line {line})" if line else ""
        return f"record {number}{at} of {self.file_name}"

    def fail(self, number: int, field_name: str, message: str, line: int | None = None) -> TrawlError:
        """The error for bad content: record number, field, what is wrong."""
        return TrawlError(Diagnostic.of(
            BAD_RECORD, f"{self.where(number, line)}, field {field_name!r}: {message}", line=line))

    def warn_once(self, code: str, message: str, key: str | None = None) -> None:
        """A file-level warning, reported once per file however many records show it."""
        key = key or message
        if key not in self._warned:
            self._warned.add(key)
            self.diagnostics.append(Diagnostic.of(code, f"{self.file_name}: {message}"))

    def build(self, number: int, line: int | None = None, **fields) -> Record:
        """Record.build with this file's record naming; ``source`` comes from the context, and a
        record without a producer's ID gets its place in the file as its accession."""
        if not fields.get("accession") and self.file_key:
            fields["accession"] = f"{self.file_key}#{number}"
        return Record.build(self.where(number, line), source=self.source, **fields)


Parser = Callable[[str, ParseContext], Iterator[Record]]


@dataclass(frozen=True)
class ExportFormat:
    """One format trawl reads: its name for --format, what it is, how to spot it, how to read it.

    ``sniff(head)`` gets the first few kilobytes as text and answers whether this format's
    signature is there; detection tries formats in registry order, so more specific formats
    (Scopus CSV) come before general ones.
    """

    name: str
    title: str
    sniff: Callable[[str], bool]
    parse: Parser
    media_type: str = "text/plain"


# ---- value helpers shared by the parsers -------------------------------------------------------

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def year_of(*values: str | None) -> int | None:
    """The first plausible 4-digit year in the first value that has one (`2019//`, `2015 Jul`)."""
    for value in values:
        if value:
            m = _YEAR.search(value)
            if m:
                return int(m.group(1))
    return None


def first(values: Iterable[str] | str | None) -> str | None:
    """The first non-empty value of a list (or the value itself)."""
    if values is None:
        return None
    if isinstance(values, str):
        return values.strip() or None
    for v in values:
        if v and v.strip():
            return v.strip()
    return None


_EMAIL = re.compile(r"\s*\([^()]*@[^()]*\)")
_INITIALS = r"(?:[A-Z]\.?-?\s?){1,4}"
_TRAILING_INITIALS = re.compile(rf"^(.+?)\s+({_INITIALS})$")
_LEADING_INITIALS = re.compile(rf"^({_INITIALS})\s+(\S.+)$")


# An author as Record's ``authors`` field takes it: {"family": ..., "given": ...}. Plain dicts,
# because Record validates them in one pass (building Author objects one by one costs a third
# of the parse time of a large file).
AuthorFields = dict[str, str | None]


def _person(family: str, given: str | None = None) -> AuthorFields:
    return {"family": family, "given": given}


def author(name: str) -> AuthorFields | None:
    """``Surname, Given`` / ``Surname G.`` / ``Surname GH`` → an author; None for an empty name.

    Without a comma the last token is taken as initials when it looks like initials (Scopus
    ``Phillips J.C.``, MEDLINE ``Smith JA``); otherwise the whole name is the family name, because
    guessing the split of ``Maria del Carmen Ruiz`` would silently invent a surname.
    """
    if "  " in name or "\t" in name or "\n" in name:
        name = " ".join(name.split())
    if "@" in name:
        name = _EMAIL.sub("", name)
    name = name.strip(" ;,")
    if not name or name in ("...", "…"):
        return None
    if "," in name:
        family, _, given = name.partition(",")
        return _person(family.strip(), given.strip() or None)
    m = _TRAILING_INITIALS.match(name)
    if m:
        return _person(m.group(1), m.group(2))
    m = _LEADING_INITIALS.match(name)  # IEEE, Publish or Perish: "A. Ramachandran", "W Tobler"
    if m:
        return _person(m.group(2), m.group(1))
    return _person(name)


def author_given_first(name: str) -> AuthorFields | None:
    """``Björn A. Blomberg`` (Lens, OpenAlex): the last word is the family name.

    Only for producers that document given-first full names; a comma still means
    ``Surname, Given``.
    """
    name = " ".join(name.split()).strip(" ;,")
    if not name or "," in name:
        return author(name)
    given, _, family = name.rpartition(" ")
    return _person(family, given or None)


def authors(names: Iterable[str], given_first: bool = False) -> list[AuthorFields]:
    read = author_given_first if given_first else author
    out = []
    for n in names:
        a = read(n)
        if a is not None:
            out.append(a)
    return out


def split_list(value: str | None, sep: str = ";") -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.split(sep) if v.strip()]


def pages(start: str | None, end: str | None) -> str | None:
    start, end = (start or "").strip(), (end or "").strip()
    if start and end and end != start:
        return f"{start}-{end}"
    return start or None


_MISSING = frozenset({"", "NA", "N/A", "null", "None"})  # "NA": files that passed through R
_PMID = re.compile(r"^\s*(\d{1,9})\s*$")


def digits_or_fail(value: str | None, ctx: ParseContext, number: int, field_name: str,
                   line: int | None = None) -> str | None:
    """A PMID-like value: digits, or a TrawlError naming the record and field; empty → None."""
    if value is None or value.strip() in _MISSING:
        return None
    m = _PMID.match(value)
    if not m:
        raise ctx.fail(number, field_name, f"expected a PubMed ID (digits), got {value.strip()!r}",
                       line)
    return m.group(1)


def split_lines(text: str) -> list[str]:
    """Lines split on LF only; CRLF becomes LF and a bare CR inside a value becomes a space.

    WoS RIS, Citavi and IEEE files carry bare CRs inside values; ``str.splitlines`` would cut
    those fields in half (formats.md, "Bare CR inside values").
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", " ")
    return text.split("\n")
