"""From a file on disk to Records: read the head, detect encoding and format, parse everything.

Only the first 64 KB are read before the format is known, so a wrong or huge file is refused
cheaply. Once accepted, the whole file is read (the store keeps it verbatim as the raw payload),
hashed, decoded and parsed. Parsing completes before anything is written, so a bad record halfway
leaves the store untouched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from trawl.gcpause import cycle_collection_paused
from trawl.query.diagnostics import Diagnostic, TrawlError
from trawl.store.record import Record

from .base import EMPTY_FILE, UNKNOWN_FORMAT, ExportFormat, ParseContext
from .encoding import HEAD_BYTES, Encoding, decode, decode_head, sniff_encoding
from .formats import choose


@dataclass(frozen=True)
class ExportFile:
    """An accepted export: its bytes, identity, encoding and format; records not yet read."""

    path: Path
    data: bytes
    sha256: str
    encoding: Encoding
    format: ExportFormat

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class ParsedExport:
    file: ExportFile
    records: list[Record]
    diagnostics: list[Diagnostic] = field(default_factory=list)


def open_export(path: str | Path, fmt: str | None = None) -> ExportFile:
    """Read the head, refuse what is not an export, then read and hash the whole file."""
    path = Path(path)
    if path.is_dir():
        raise TrawlError(Diagnostic.of(UNKNOWN_FORMAT, f"{path} is a directory, not an export file"))
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
        enc = sniff_encoding(head, path.name)
        chosen = choose(decode_head(head, enc), path.name, fmt)
        rest = fh.read()
    data = head + rest
    return ExportFile(path, data, hashlib.sha256(data).hexdigest(), enc, chosen)


def parse_export(export: ExportFile, source: str) -> ParsedExport:
    """Every record of the file, or a TrawlError naming the first bad record and field."""
    ctx = ParseContext(source=source, file_name=export.path.name, file_key=export.sha256[:12])
    text, _ = decode(export.data, export.encoding, export.path.name, ctx.diagnostics)
    with cycle_collection_paused():
        records = list(export.format.parse(text, ctx))
    if not records:
        raise TrawlError(Diagnostic.of(
            EMPTY_FILE, f"{export.path.name} holds no records ({export.format.title})"))
    return ParsedExport(export, records, ctx.diagnostics)


def read_export(path: str | Path, source: str, fmt: str | None = None) -> ParsedExport:
    return parse_export(open_export(path, fmt), source)
