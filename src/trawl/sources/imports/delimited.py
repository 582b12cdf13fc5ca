"""Reading the delimited (CSV / tab) exports: preamble, header, numbered rows, truncation.

Embase.com writes a ``"SEARCH QUERY",…`` preamble and a dashed line before its header; the WoS
tab-delimited export must be read without quote handling because titles contain unbalanced ``"``
(formats.md §5b, §7). Each row comes back with its record number and the line it starts on, so a
bad value is reported where a person can find it. A quoted cell still open at the end of the file,
or a last row shorter than the header, means the file was cut short.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from trawl.query.diagnostics import Diagnostic, TrawlError

from .base import BAD_RECORD, EMPTY_FILE, TRUNCATED, ParseContext

csv.field_size_limit(1 << 26)  # Scopus "References" cells run to hundreds of kilobytes


def find_header(text: str, is_header: Callable[[str], bool], limit: int = 20) -> int:
    """Character offset of the header line: the first of the first ``limit`` lines that passes."""
    offset = 0
    for _ in range(limit):
        end = text.find("\n", offset)
        line = text[offset:] if end < 0 else text[offset:end]
        if is_header(line.lstrip("\ufeff")):
            return offset
        if end < 0:
            break
        offset = end + 1
    return -1


def rows(text: str, ctx: ParseContext, *, delimiter: str = ",", offset: int = 0,
         quoting: int = csv.QUOTE_MINIMAL, spill_after: str | None = None,
         ) -> Iterator[tuple[int, int, dict[str, str]]]:
    """(record number, first line, {column: value}) for every data row after the header.

    ``spill_after`` names a column that a producer repeats in rows without saying so in the
    header (older Scopus CSV writes ``Funding Text 2, 3 …`` cells under one ``Funding Text 1``
    heading): extra cells right after it are dropped so the later columns line up again.
    """
    first_line = text.count("\n", 0, offset) + 1
    body = io.StringIO(text[offset:].replace("\r\n", "\n"), newline="")
    reader = csv.reader(body, delimiter=delimiter, quoting=quoting, strict=True)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise TrawlError(Diagnostic.of(EMPTY_FILE, f"{ctx.file_name} has no header row")) from None
    number, line = 0, first_line + reader.line_num
    pending: tuple[int, int, list[str]] | None = None
    try:
        for cells in reader:
            start, line = line, first_line + reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if pending is not None:
                yield _row(*pending, header, ctx, last=False, spill_after=spill_after)
            number += 1
            pending = (number, start, cells)
    except csv.Error as exc:
        raise TrawlError(Diagnostic.of(
            TRUNCATED, f"{ctx.where(number + 1, line)}: {exc} — a quoted value is never closed; "
            "the file was probably cut short", line=line)) from None
    if pending is not None:
        yield _row(*pending, header, ctx, last=True, spill_after=spill_after)


def _row(number: int, line: int, cells: list[str], header: list[str], ctx: ParseContext,
         last: bool, spill_after: str | None = None) -> tuple[int, int, dict[str, str]]:
    # Excel-protected cells (EBSCO CSV): ="19326203"
    cells = [c[2:-1] if c.startswith('="') and c.endswith('"') else c for c in cells]
    if len(cells) > len(header):
        extra = len(cells) - len(header)
        if spill_after in header:
            at = header.index(spill_after) + 1
            cells = cells[:at] + cells[at + extra:]
        elif any(c.strip() for c in cells[len(header):]):
            raise TrawlError(Diagnostic.of(
                BAD_RECORD, f"{ctx.where(number, line)}, field {header[-1]!r}: the row has "
                f"{len(cells)} cells but the header names {len(header)} columns", line=line))
    if len(cells) < len(header):
        # A trailing empty column is often dropped by the writer; more than that is damage.
        missing = header[len(cells)]
        if last and len(header) - len(cells) > 1:
            raise TrawlError(Diagnostic.of(
                TRUNCATED, f"{ctx.where(number, line)}: the last row has {len(cells)} of "
                f"{len(header)} columns (it stops before {missing!r}); the file was probably cut "
                "short", line=line))
        if len(header) - len(cells) > 1:
            raise TrawlError(Diagnostic.of(
                BAD_RECORD, f"{ctx.where(number, line)}, field {missing!r}: the row has "
                f"{len(cells)} of {len(header)} columns", line=line))
    return number, line, dict(zip(header, cells, strict=False))


def cell(row: dict[str, str], *names: str) -> str | None:
    """The first non-empty cell among the given column names."""
    for name in names:
        value = row.get(name)
        if value and value.strip():
            return value.strip()
    return None
