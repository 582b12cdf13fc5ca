"""The registry of export formats and detection from content.

Detection looks at the first 64 KB only (so a huge file of garbage is refused at once) and tries
the formats in order, most specific first. ``--format`` overrides detection, but the file must
still carry that format's signature: a RIS file named with ``--format medline`` is an error naming
what the file looks like, never a silent empty import.
"""

from __future__ import annotations

import re

from trawl.query.diagnostics import Diagnostic, TrawlError

from . import (
    bibtex,
    embase_csv,
    endnote_xml,
    enw,
    medline,
    other_csv,
    ovid,
    pop_csv,
    ris,
    scopus_csv,
    wos,
    wos_tab,
)
from .base import FORMAT_CONTRADICTED, NOT_A_RECORD_EXPORT, UNKNOWN_FORMAT, ExportFormat


def _lines(head: str, n: int) -> list[str]:
    return [line for line in head.lstrip("\ufeff").split("\n", n)[:n] if line.strip()]


def _ris(head: str) -> bool:
    return any(re.match(r"^TY {1,2}- ", line) for line in _lines(head, 40))


def _medline(head: str) -> bool:
    return any(re.match(r"^PMID- ?\d", line) for line in _lines(head, 20))


def _ovid(head: str) -> bool:
    lines = _lines(head, 10)
    return bool(lines) and (re.match(r"^<\d+\. ?>\s*$", lines[0]) is not None
                            or any(line.startswith("VN  - Ovid") for line in lines))


def _wos(head: str) -> bool:
    lines = [line.rstrip("\r") for line in _lines(head, 6)]
    if not lines:
        return False
    if lines[0].startswith("FN ") and any(re.match(r"^(VR|PT) ", x) for x in lines[:4]):
        return True
    return re.match(r"^PT [A-Z]$", lines[0]) is not None and len(lines) > 1 and re.match(
        r"^[A-Z][A-Z0-9] \S", lines[1]) is not None


def _first_line(head: str) -> str:
    lines = _lines(head, 2)
    return lines[0] if lines else ""


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("endnote-xml", "EndNote XML (EndNote, Zotero, Mendeley)", endnote_xml.looks_like,
                 endnote_xml.parse, "application/xml"),
    ExportFormat("enw", "EndNote tagged / Refer (.enw)", enw.looks_like, enw.parse),
    ExportFormat("ovid", "Ovid tagged download (.ovd, .cgi)", _ovid, ovid.parse),
    ExportFormat("medline", "MEDLINE / PubMed format (.nbib, .txt)", _medline, medline.parse),
    ExportFormat("wos", "Web of Science plain text (FN/VR … ER/EF; .txt, .ciw)", _wos, wos.parse),
    ExportFormat("wos-tab", "Web of Science tab-delimited (UTF-16LE or UTF-8)", wos_tab.looks_like,
                 wos_tab.parse, "text/tab-separated-values"),
    ExportFormat("ris", "RIS (EBSCOhost, Ovid, Scopus, WoS, Embase.com, reference managers ...)",
                 _ris, ris.parse, "application/x-research-info-systems"),
    ExportFormat("scopus-csv", "Scopus CSV (both column generations)",
                 lambda head: scopus_csv.is_header(_first_line(head)), scopus_csv.parse, "text/csv"),
    ExportFormat("embase-csv", "Embase.com CSV (comma or Excel semicolon)", embase_csv.looks_like,
                 embase_csv.parse, "text/csv"),
    ExportFormat("pop-csv", "Publish or Perish CSV (Google Scholar)", pop_csv.looks_like,
                 pop_csv.parse, "text/csv"),
    ExportFormat("bibtex", "BibTeX (Scopus, Web of Science, EBSCOhost, Zotero)", bibtex.looks_like,
                 bibtex.parse, "application/x-bibtex"),
    ExportFormat("csv", "CSV of another database or tool (Cochrane, EBSCOhost, Google Scholar, "
                 "IEEE, Lens, OpenAlex, PubMed, Springer, Covidence, Rayyan, Zotero)",
                 other_csv.looks_like, other_csv.parse, "text/csv"),
)}

# Files that are recognisably something else: say what, and what to export instead.
_RECOGNISED = (
    (NOT_A_RECORD_EXPORT, re.compile(r"^Timespan:", re.MULTILINE), "a Web of Science citation "
     "report (a table of citation counts), not a record export: export the records as Plain text "
     "or Tab-delimited"),
    (UNKNOWN_FORMAT, re.compile(r"<PubmedArticleSet|<!DOCTYPE PubmedArticleSet"), "PubMed XML, "
     "which trawl does not read: save from PubMed as 'PubMed format' (.nbib) instead"),
    (UNKNOWN_FORMAT, re.compile(r"^Report Information from ProQuest", re.MULTILINE), "a ProQuest "
     "plain-text report, which trawl does not read: export from ProQuest as RIS instead"),
)


def detect(head: str, file_name: str) -> ExportFormat:
    """The format of a file from its first kilobytes; a TrawlError when nothing matches."""
    for fmt in FORMATS.values():
        if fmt.sniff(head):
            return fmt
    for code, pattern, what in _RECOGNISED:
        if pattern.search(head[:8192]):
            raise TrawlError(Diagnostic.of(code, f"{file_name} is {what}"))
    first = _first_line(head)[:60]
    raise TrawlError(Diagnostic.of(
        UNKNOWN_FORMAT, f"{file_name}: not an export format trawl reads (it starts {first!r}); "
        f"formats read: {', '.join(FORMATS)}"))


def choose(head: str, file_name: str, requested: str | None) -> ExportFormat:
    """The format to read with: detected, or the requested one if the content bears it out."""
    if requested is None:
        return detect(head, file_name)
    fmt = FORMATS.get(requested)
    if fmt is None:
        raise TrawlError(Diagnostic.of(
            UNKNOWN_FORMAT, f"unknown --format {requested!r}; choose one of {', '.join(FORMATS)}"))
    if fmt.sniff(head):
        return fmt
    try:
        actual = f"it looks like {detect(head, file_name).title}"
    except TrawlError:
        actual = "it matches no format trawl reads"
    raise TrawlError(Diagnostic.of(
        FORMAT_CONTRADICTED, f"{file_name} does not look like {fmt.title} (--format {requested}): "
        f"{actual}"))
