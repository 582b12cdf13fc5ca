"""The normalised bibliographic record every source and importer produces."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trawl.query.diagnostics import Diagnostic, TrawlError, register

RECORD_INVALID = register(
    "STORE001", "error", "A record failed validation; the message names the record and the field."
)

_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")


def normalise_doi(value: str | None) -> str | None:
    """Lower-case DOI without resolver prefix or trailing punctuation; None when not a DOI."""
    if not value:
        return None
    doi = _DOI_PREFIXES.sub("", value.strip()).strip().rstrip(".,;").lower()
    return doi if _DOI_SHAPE.match(doi) else None


class Author(BaseModel):
    model_config = ConfigDict(frozen=True)

    family: str
    given: str | None = None


class SubjectHeading(BaseModel):
    model_config = ConfigDict(frozen=True)

    vocabulary: str  # "mesh", "emtree", "cinahl", "apa", "source" (a source's own index terms)
    label: str
    major: bool = False


class Record(BaseModel):
    """One bibliographic record as one source gave it, normalised.

    ``source`` and ``accession`` say where it came from (``scopus`` + the EID, ``pubmed`` + the PMID,
    ``cinahl`` + the EBSCO AN, an imported file's own record ID ...); together they are unique
    within a store.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    source: str
    accession: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    other_ids: dict[str, str] = Field(default_factory=dict)  # e.g. {"eid": ..., "ut": ..., "pui": ...}

    title: str | None = None
    abstract: str | None = None
    authors: list[Author] = Field(default_factory=list)
    year: int | None = None
    published: date | None = None
    journal: str | None = None
    issn: list[str] = Field(default_factory=list)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    languages: list[str] = Field(default_factory=list)
    publication_types: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    headings: list[SubjectHeading] = Field(default_factory=list)
    url: str | None = None

    @field_validator("doi", mode="before")
    @classmethod
    def _doi(cls, v):
        return normalise_doi(v) if isinstance(v, str) else v

    @field_validator("pmid", mode="before")
    @classmethod
    def _pmid(cls, v):
        if v is None or v == "":
            return None
        v = str(v).strip()
        if not v.isdigit():
            raise ValueError(f"PMID must be digits, got {v!r}")
        return v

    @field_validator("year")
    @classmethod
    def _year(cls, v):
        if v is not None and not 1000 <= v <= 2999:
            raise ValueError(f"year out of range: {v}")
        return v

    @classmethod
    def build(cls, where: str, **fields) -> Record:
        """Validate, turning a pydantic error into a TrawlError naming the record and the field.

        ``where`` names the record for a person: ``"record 12 of export.ris"``, ``"PMID 123"``.
        """
        try:
            return cls(**fields)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "?"
            raise TrawlError(
                Diagnostic.of(RECORD_INVALID, f"{where}, field {field!r}: {err['msg']}")
            ) from None
