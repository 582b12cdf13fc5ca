"""Reading an export's bytes as text: BOMs, UTF-16, UTF-8, and a reported Windows-1252 fallback.

RIS cannot declare its encoding and WoS writes UTF-16LE for its "Win" tab-delimited export, so the
encoding is decided from the bytes (formats.md §11.1): a BOM wins; NUL bytes in every other
position without a BOM mean UTF-16; otherwise UTF-8, and only if that fails Windows-1252 — with a
warning, because a wrong guess changes every accented name silently.
Binary files (spreadsheets, archives, PDFs) are refused here, from their first bytes.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from trawl.query.diagnostics import Diagnostic, TrawlError

from .base import BINARY_FILE, CP1252_FALLBACK, EMPTY_FILE

HEAD_BYTES = 64 * 1024  # detection never reads more than this

_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (an .xlsx/.docx workbook or a zipped export): unzip it, or save "
    "the sheet as CSV",
    b"\xd0\xcf\x11\xe0": "an old Office file (.xls/.doc): save it as CSV",
    b"%PDF": "a PDF",
    b"\x1f\x8b": "a gzip archive: decompress it first",
    b"SQLite format 3": "an SQLite database",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}


@dataclass(frozen=True)
class Encoding:
    name: str  # a Python codec name
    bom: bool


def sniff_encoding(head: bytes, file_name: str) -> Encoding:
    """The encoding of a file from its first bytes; refuses empty and binary files."""
    body = head
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if body.startswith(bom):
            body = body[len(bom):]
    if not body.strip(b" \t\r\n\x00"):
        raise TrawlError(Diagnostic.of(EMPTY_FILE, f"{file_name} is empty"))
    if head.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8", True)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Encoding("utf-16", True)
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise TrawlError(Diagnostic.of(
                BINARY_FILE, f"{file_name} is {what}, not a text export"))
    sample = head[:4096]
    if b"\x00" in sample:
        evens, odds = sample[0::2], sample[1::2]
        if odds.count(0) > 0.4 * len(odds) and evens.count(0) < 0.05 * len(evens):
            return Encoding("utf-16-le", False)
        if evens.count(0) > 0.4 * len(evens) and odds.count(0) < 0.05 * len(odds):
            return Encoding("utf-16-be", False)
        raise TrawlError(Diagnostic.of(
            BINARY_FILE, f"{file_name} holds NUL bytes: it is a binary file, not a text export"))
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if controls > len(sample) // 100 + 2:
        raise TrawlError(Diagnostic.of(
            BINARY_FILE, f"{file_name} is full of control characters: it is a binary file, "
            "not a text export"))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return Encoding("utf-8", False)
    except UnicodeDecodeError:
        return Encoding("cp1252", False)


def decode_head(head: bytes, enc: Encoding) -> str:
    """The head as text for format detection (a character cut at the end is dropped)."""
    decoder = codecs.getincrementaldecoder(_codec(enc))(errors="replace")
    return decoder.decode(head, final=False).lstrip("\ufeff")


def decode(data: bytes, enc: Encoding, file_name: str,
           diagnostics: list[Diagnostic]) -> tuple[str, Encoding]:
    """The whole file as text. UTF-8 that fails further down falls back to Windows-1252, reported."""
    if enc.name == "utf-8":
        try:
            return data.decode("utf-8-sig" if enc.bom else "utf-8"), enc
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            diagnostics.append(Diagnostic.of(
                CP1252_FALLBACK, f"{file_name}: not valid UTF-8 (first bad byte on line {line}); "
                "read as Windows-1252 — check accented names", line=line))
            enc = Encoding("cp1252", False)
    elif enc.name == "cp1252":
        diagnostics.append(Diagnostic.of(
            CP1252_FALLBACK, f"{file_name}: not valid UTF-8; read as Windows-1252 — check "
            "accented names"))
    try:
        return data.decode(_codec(enc)).lstrip("\ufeff"), enc
    except UnicodeDecodeError as exc:
        raise TrawlError(Diagnostic.of(
            BINARY_FILE, f"{file_name}: byte {exc.start} cannot be read as {enc.name}: "
            "not a text export")) from None


def _codec(enc: Encoding) -> str:
    if enc.name == "utf-8" and enc.bom:
        return "utf-8-sig"
    return enc.name
