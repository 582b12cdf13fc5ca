"""Overrides: a person's decisions about pairs, kept in a reviewable file in the workspace.

``dedup-overrides.toml`` beside ``review.toml``::

    # trawl dedup honours these on every run.
    [[never]]                       # these records are different works
    records = ["scopus:2-s2.0-85012345678", "pubmed:31234567"]
    reason = "conference abstract and the full paper"

    [[always]]                      # these records are one work
    records = [17, 52]              # store record ids work too
    reason = "same trial report; Scopus lost the DOI"

A record is named by its store id or by ``source:accession``. Every entry needs a reason, so the
file reads as a log of decisions.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trawl.query.diagnostics import Diagnostic, TrawlError, register

OVERRIDE_INVALID = register(
    "DEDUP001",
    "error",
    "The dedup override file is not valid: an entry names an unknown record or lacks a reason.",
)

FILE_NAME = "dedup-overrides.toml"

Ref = int | str


@dataclass(frozen=True, slots=True)
class Override:
    kind: str  # "never" | "always"
    refs: tuple[Ref, ...]
    reason: str
    where: str  # "never[2]": names the entry in messages


@dataclass(frozen=True, slots=True)
class ResolvedOverride:
    kind: str
    ids: tuple[int, ...]
    reason: str
    where: str


@dataclass(frozen=True)
class Overrides:
    entries: tuple[Override, ...] = ()
    path: Path | None = None
    sha256: str | None = None

    @classmethod
    def load(cls, path: str | Path) -> Overrides:
        """Read the file; a missing file means no overrides."""
        import hashlib

        path = Path(path)
        if not path.exists():
            return cls(path=path)
        raw = path.read_bytes()
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise TrawlError(Diagnostic.of(OVERRIDE_INVALID, f"{path}: {exc}")) from None
        entries = []
        for kind in ("never", "always"):
            items = data.get(kind, [])
            if not isinstance(items, list):
                raise TrawlError(
                    Diagnostic.of(
                        OVERRIDE_INVALID,
                        f"{path}: {kind!r} must be an array of tables ([[{kind}]])",
                    )
                )
            for i, item in enumerate(items):
                where = f"{path.name}: {kind}[{i}]"
                refs = item.get("records") if isinstance(item, dict) else None
                if not isinstance(refs, list) or len(refs) < 2:
                    raise TrawlError(
                        Diagnostic.of(
                            OVERRIDE_INVALID, f"{where}: 'records' must list at least two records"
                        )
                    )
                for r in refs:
                    if not isinstance(r, int | str) or isinstance(r, bool):
                        raise TrawlError(
                            Diagnostic.of(
                                OVERRIDE_INVALID,
                                f"{where}: {r!r} is not a record id or 'source:accession'",
                            )
                        )
                reason = str(item.get("reason", "")).strip()
                if not reason:
                    raise TrawlError(Diagnostic.of(OVERRIDE_INVALID, f"{where}: give a 'reason'"))
                entries.append(Override(kind, tuple(refs), reason, where))
        unknown = set(data) - {"never", "always"}
        if unknown:
            raise TrawlError(
                Diagnostic.of(
                    OVERRIDE_INVALID,
                    f"{path}: unknown section(s) {sorted(unknown)}; use [[never]] or [[always]]",
                )
            )
        return cls(tuple(entries), path, hashlib.sha256(raw).hexdigest())

    def resolve(self, lookup: Callable[[Ref], int | None]) -> list[ResolvedOverride]:
        """Turn references into store ids; an unknown reference is an error naming the entry."""
        out = []
        for e in self.entries:
            ids = []
            for r in e.refs:
                rid = lookup(r)
                if rid is None:
                    raise TrawlError(
                        Diagnostic.of(OVERRIDE_INVALID, f"{e.where}: no record {r!r} in the store")
                    )
                ids.append(rid)
            out.append(ResolvedOverride(e.kind, tuple(ids), e.reason, e.where))
        return out


def append(path: str | Path, kind: str, refs: list[Ref], reason: str) -> None:
    """Add one decision to the file (creating it with a header), keeping what is there."""
    path = Path(path)
    if kind not in ("never", "always"):
        raise ValueError(kind)
    header = (
        ""
        if path.exists()
        else (
            "# Decisions about pairs of records; `trawl dedup` honours them on every run.\n"
            "# [[never]]: different works.  [[always]]: one work.  Records: store id or source:accession.\n"
        )
    )
    items = ", ".join(str(r) if isinstance(r, int) else _toml_str(r) for r in refs)
    block = f"\n[[{kind}]]\nrecords = [{items}]\nreason = {_toml_str(reason)}\n"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(header + block)


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
