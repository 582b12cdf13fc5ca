"""CSV exports of other databases and tools, each described as data: its signature columns and
which column holds what.

Scopus, Embase.com, Publish or Perish and WoS have modules of their own because their files need
more than a column map. These producers need only a map (formats.md §3, §8): Cochrane CENTRAL,
EBSCOhost, Google Scholar "My library", IEEE Xplore, Lens.org, OpenAlex, PubMed, SpringerLink,
Covidence, Rayyan and Zotero. A profile is chosen when all its signature columns are in the
header; adding a producer is adding a profile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from trawl.store.record import Record

from .base import (
    FIELD_NOT_READ,
    REPAIRED,
    ParseContext,
    authors,
    digits_or_fail,
    pages,
    split_list,
    year_of,
)
from .delimited import cell, rows


@dataclass(frozen=True)
class Profile:
    name: str
    signature: tuple[str, ...]  # columns that must all be in the header
    title: tuple[str, ...]
    authors: str | None = None
    author_sep: str = ";"
    year: tuple[str, ...] = ()
    journal: tuple[str, ...] = ()
    doi: tuple[str, ...] = ("DOI",)
    pmid: str | None = None
    accession: str | None = None
    abstract: tuple[str, ...] = ()
    volume: tuple[str, ...] = ("Volume",)
    issue: tuple[str, ...] = ("Issue",)
    pages: tuple[str, ...] = ()  # one column, or first page + last page
    issn: str | None = None
    issn_sep: str = ";"
    keywords: tuple[str, ...] = ()
    keyword_sep: str = ";"
    language: str | None = None
    kind: str | None = None
    url: str | None = None
    given_first: bool = False  # full names written "Given Family" (Lens, OpenAlex)
    warning: str | None = None
    strip: dict[str, str] = field(default_factory=dict)  # column → prefix to remove


PROFILES: tuple[Profile, ...] = (
    Profile("cochrane", ("CENTRAL ID", "Author(s)"), ("Title",), "Author(s)", ";", ("Year",),
            ("Source",), pmid="PubMed ID", accession="CENTRAL ID", abstract=("Abstract",),
            pages=("Pages",), keywords=("Keywords",), kind="Publication Type", url="URL",
            strip={"PubMed ID": "PUBMED"}),
    Profile("ebsco", ("Article Title", "Accession Number", "PLink"), ("Article Title",), "Author",
            ";", ("Publication Date",), ("Journal Title",), accession="Accession Number",
            abstract=("Abstract",), pages=("First Page",), issn="ISSN",
            keywords=("Subjects", "Keywords"), kind="Doctype", url="PLink"),
    Profile("google-scholar", ("Authors", "Title", "Publication", "Number", "Year", "Publisher"),
            ("Title",), "Authors", ";", ("Year",), ("Publication",), doi=(), issue=("Number",),
            pages=("Pages",)),
    Profile("ieee", ("Document Title", "Publication Title", "PDF Link"), ("Document Title",),
            "Authors", ";", ("Publication Year",), ("Publication Title",),
            abstract=("Abstract",), pages=("Start Page", "End Page"), issn="ISSN",
            keywords=("Author Keywords", "IEEE Terms"), kind="Document Identifier", url="PDF Link"),
    Profile("lens", ("Lens ID", "Author/s"), ("Title",), "Author/s", ";",
            ("Publication Year", "Date Published"), ("Source Title",), pmid="PMID",
            accession="Lens ID", abstract=("Abstract",), issue=("Issue Number",),
            pages=("Start Page", "End Page"), issn="ISSNs", keywords=("Keywords",),
            kind="Publication Type", given_first=True),
    Profile("openalex", ("id", "display_name", "authorships.author.display_name"),
            ("display_name", "title"), "authorships.author.display_name", "|",
            ("publication_year",), ("primary_location.source.display_name",), doi=("doi",),
            pmid="ids.pmid", accession="id", abstract=("abstract",), volume=("biblio.volume",),
            issue=("biblio.issue",), pages=("biblio.first_page", "biblio.last_page"),
            keywords=("keywords.display_name",), keyword_sep="|", language="language",
            kind="type", strip={"ids.pmid": "https://pubmed.ncbi.nlm.nih.gov/",
                                    "id": "https://openalex.org/"}, given_first=True),
    Profile("pubmed", ("PMID", "Citation", "First Author", "Journal/Book"), ("Title",), "Authors",
            ",", ("Publication Year",), ("Journal/Book",), pmid="PMID", accession="PMID",
            volume=(), issue=()),
    Profile("springer", ("Item Title", "Item DOI", "Content Type"), ("Item Title",), None, ";",
            ("Publication Year",), ("Publication Title",), doi=("Item DOI",),
            volume=("Journal Volume",), issue=("Journal Issue",), kind="Content Type", url="URL",
            warning="SpringerLink's CSV runs author names together without a separator "
            "('Araz R. AlievNigar T. Ismayilova'); authors were not read from it"),
    Profile("covidence", ("Covidence #", "Published Year"), ("Title",), "Authors", ";",
            ("Published Year",), ("Journal",), accession="Accession Number",
            abstract=("Abstract",), pages=("Pages",)),
    Profile("rayyan", ("key", "title", "pubmed_id", "pmc_id"), ("title",), "authors", " and ",
            ("year",), ("journal",), doi=("doi",), pmid="pubmed_id", accession="key",
            abstract=("abstract",), volume=("volume",), issue=("issue",), pages=("pages",),
            issn="issn", keywords=("keywords",), language="language", url="url"),
    Profile("zotero", ("Key", "Item Type", "Publication Title", "Abstract Note"), ("Title",),
            "Author", ";", ("Publication Year", "Date"), ("Publication Title",),
            abstract=("Abstract Note",), pages=("Pages",), issn="ISSN", issn_sep=",",
            keywords=("Manual Tags", "Automatic Tags"), language="Language", kind="Item Type",
            url="Url"),
)


def _header(head: str) -> set[str]:
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    return {c.strip().strip('"') for c in first.split(",")}


def profile_for(head: str) -> Profile | None:
    columns = _header(head)
    for profile in PROFILES:
        if all(c in columns for c in profile.signature):
            return profile
    return None


def looks_like(head: str) -> bool:
    return profile_for(head) is not None


def _value(row: dict[str, str], p: Profile, column: str | None) -> str | None:
    if column is None:
        return None
    value = cell(row, column)
    prefix = p.strip.get(column)
    if value and prefix and value.startswith(prefix):
        value = value[len(prefix):].strip()
    return value


def _doi(row: dict[str, str], p: Profile, ctx: ParseContext) -> str | None:
    value = cell(row, *p.doi) if p.doi else None
    if value and re.search(r"\s", value):
        ctx.warn_once(REPAIRED, "DOI cells carry text after the DOI (a RIS line glued on by the "
                      "tool that wrote the file); only the DOI was kept", key="doi-glued")
        value = value.split()[0]
    return value


def parse(text: str, ctx: ParseContext) -> Iterator[Record]:
    p = profile_for(text[:65536])
    if p is None:  # only reachable through --format with a file of another producer
        p = PROFILES[0]
    if p.warning:
        ctx.warn_once(FIELD_NOT_READ, p.warning)
    for number, line, row in rows(text, ctx):
        names = split_list(cell(row, p.authors), p.author_sep) if p.authors else []
        keywords = [k for col in p.keywords for k in split_list(cell(row, col), p.keyword_sep)]
        first_page = cell(row, p.pages[0]) if p.pages else None
        last_page = cell(row, p.pages[1]) if len(p.pages) > 1 else None
        pmid_column = p.pmid or ""
        kind = _value(row, p, p.kind)
        yield ctx.build(
            number, line,
            accession=_value(row, p, p.accession),
            doi=_doi(row, p, ctx),
            pmid=digits_or_fail(_value(row, p, p.pmid), ctx, number, pmid_column, line),
            title=cell(row, *p.title),
            abstract=cell(row, *p.abstract) if p.abstract else None,
            authors=authors((n.rstrip(".") if p.name == "pubmed" else n for n in names),
                            given_first=p.given_first),
            year=year_of(*(cell(row, c) for c in p.year)),
            journal=cell(row, *p.journal) if p.journal else None,
            issn=split_list(_value(row, p, p.issn), p.issn_sep),
            volume=cell(row, *p.volume) if p.volume else None,
            issue=cell(row, *p.issue) if p.issue else None,
            pages=pages(first_page, last_page),
            languages=split_list(_value(row, p, p.language)),
            publication_types=[kind] if kind else [],
            keywords=keywords,
            url=_value(row, p, p.url),
        )
