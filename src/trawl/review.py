"""A review project's settings: ``review.toml``.

One file says what the review searches and how: the strategy file, the database it was written
for, the cutoff date, the language limit, the sources (each with its target dialect and whether it
is harvested through an API or imported from a person's export), the field mapping and schedule.
Sections that belong to one part of trawl (``[fields]``, a source's connector options) are kept as
plain tables here and interpreted by that part, so this model stays small.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trawl.query.diagnostics import Diagnostic, TrawlError, register

REVIEW_INVALID = register(
    "REVIEW001", "error", "review.toml is not valid TOML or a key has the wrong value."
)


OVID_DATABASES = ("ovid-medline", "ovid-embase", "ovid-psycinfo")  # a strategy's own dialect


class SourceConfig(BaseModel):
    """One database the review searches, e.g. ``[sources.scopus]``."""

    model_config = ConfigDict(extra="allow")

    label: str  # the name the protocol uses: "Academic Search Elite"
    target: str  # the dialect the strategy is rendered in: "academic-search-elite"
    route: Literal["api", "export"]  # harvested through an API, or a person imports an export
    connector: str | None = None  # connectors/<connector>.toml for the api route
    base_url: str | None = None  # a proxy or mirror; TRAWL_<SOURCE>_BASE_URL overrides it

    @field_validator("target")
    @classmethod
    def _known_target(cls, value: str) -> str:
        """A misspelt target would surface only later, as a run with no recorded query."""
        from trawl.dialects import TARGETS

        if value not in TARGETS:
            raise ValueError(f"unknown target {value!r}; known: {', '.join(TARGETS)}")
        return value


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    title: str = ""
    strategy: str = "strategy.ovid"  # relative to review.toml
    database: str = "ovid-medline"  # the Ovid database the strategy was written for
    start: date | None = None  # None: from each database's inception
    cutoff: date
    languages: list[str] = Field(default_factory=list)  # e.g. ["english"]
    schedule: str | None = None  # how often re-runs are due until the cutoff, e.g. "weekly"
    fields: dict[str, Any] = Field(default_factory=dict)  # field mapping, see trawl.dialects
    sources: dict[str, SourceConfig] = Field(default_factory=dict)

    root: Path = Field(default=Path("."), exclude=True)

    @field_validator("database")
    @classmethod
    def _ovid_database(cls, value: str) -> str:
        if value not in OVID_DATABASES:
            raise ValueError(f"must be one of {', '.join(OVID_DATABASES)}, not {value!r}")
        return value

    @property
    def strategy_path(self) -> Path:
        return self.root / self.strategy

    @classmethod
    def load(cls, path: str | Path) -> Review:
        """Read review.toml (or the review.toml inside a directory); errors name the key."""
        path = Path(path)
        if path.is_dir():
            path = path / "review.toml"
        try:
            # utf-8-sig: editors on Windows save a byte-order mark tomllib would reject
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise TrawlError(Diagnostic.of(
                REVIEW_INVALID, f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02X} at "
                f"offset {exc.start}); save it as UTF-8")) from None
        except tomllib.TOMLDecodeError as exc:
            raise TrawlError(Diagnostic.of(REVIEW_INVALID, f"{path}: {exc}")) from None
        body = data.get("review", data)
        if "sources" in data and "review" in data:
            body = {**body, "sources": data["sources"]}
        if "fields" in data and "review" in data:
            body = {**body, "fields": data["fields"]}
        try:
            review = cls(**body)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in err["loc"])
            raise TrawlError(
                Diagnostic.of(REVIEW_INVALID, f"{path}: key {key!r}: "
                              f"{err['msg'].removeprefix('Value error, ')}")
            ) from None
        review.root = path.parent
        return review
