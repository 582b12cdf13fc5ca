"""A review workspace: a directory with ``review.toml`` and ``store.sqlite``.

``trawl init DIR`` makes one. The review.toml it writes is a commented template modelled on the
seed review (strategy/psw-coproduction/review.toml) that trawl.review.Review loads as it stands;
the person fills in the sources and dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from trawl.store import provenance
from trawl.store.canonical import sha256_hex
from trawl.store.store import Store

REVIEW_FILE = "review.toml"
STORE_FILE = "store.sqlite"

TEMPLATE = """\
# A trawl review workspace. Fill this in, then: trawl compile {strategy} --to all
# Every key is read by trawl.review.Review; the seed review strategy/psw-coproduction/review.toml
# is a complete example.

[review]
name = "{name}"
title = ""                    # the review's title, as in the protocol
strategy = "{strategy}"       # the Ovid strategy, relative to this file
database = "ovid-medline"     # the Ovid database it was written for: ovid-medline, ovid-embase, ovid-psycinfo
# start = 2000-01-01          # leave out to search each database from its inception
cutoff = {today}             # the last date searched (the protocol's "until")
languages = []                # e.g. ["english"] for "limit N to English"
# schedule = "weekly"         # how often re-runs are due until the cutoff

# One table per database the protocol names, in its order.
#   label     the name the protocol uses
#   target    the dialect the strategy is rendered in (see `trawl compile --help` for the names)
#   route     "api" = trawl harvests it; "export" = a person searches and imports the export
#   connector connectors/<connector>.toml, for the api route
#
# [sources.medline]
# label = "Medline"
# target = "ovid-medline"
# route = "api"               # the same MEDLINE content through PubMed E-utilities
# connector = "pubmed"
#
# [sources.scopus]
# label = "Scopus"
# target = "scopus"
# route = "api"
# connector = "scopus"
#
# [sources.cinahl]
# label = "Cinahl"
# target = "cinahl"
# route = "export"
#
# API keys are read from the environment only (ELSEVIER_API_KEY, NCBI_API_KEY, WOS_API_KEY ...);
# never put them in this file.
"""


@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path

    @property
    def review_path(self) -> Path:
        return self.root / REVIEW_FILE

    @property
    def store_path(self) -> Path:
        return self.root / STORE_FILE

    def open_store(self) -> Store:
        return Store.open(self.store_path)


@dataclass(frozen=True, slots=True)
class InitResult:
    workspace: Workspace
    wrote_review: bool
    created_store: bool


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "review"


def init_workspace(root: str | Path, *, name: str | None = None) -> InitResult:
    """Create ``root`` with a review.toml template and an empty store; keeps what exists."""
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    ws = Workspace(root)
    wrote = False
    if not ws.review_path.exists():
        text = TEMPLATE.format(
            name=_slug(name or root.name),
            strategy="strategy.ovid",
            today=datetime.now(UTC).date().isoformat(),
        )
        ws.review_path.write_text(text, encoding="utf-8")
        wrote = True
    created = not ws.store_path.exists()
    with Store(ws.store_path) as store:
        if created:
            store.log_event(
                provenance.WORKSPACE_CREATED,
                {
                    "review_toml_sha256": sha256_hex(ws.review_path.read_bytes()),
                    "review_toml_written": wrote,
                },
            )
    return InitResult(ws, wrote, created)
