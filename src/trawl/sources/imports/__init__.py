"""Importers for the exports people download from databases that have no API for us.

One module per format (ris, medline, ovid, wos, wos_tab, scopus_csv, embase_csv, pop_csv,
endnote_xml, enw, bibtex, and other_csv for the CSVs that need only a column map); each is a
pure function ``parse(text, ctx) -> Iterator[Record]``. ``formats``
detects the format from the first 64 KB, ``encoding`` decides how to read the bytes, ``reader``
goes from a path to Records, and ``importer`` stores a file as one run in one transaction.

    from trawl.sources.imports import read_export, import_file, Query
    parsed = read_export("cinahl.ris", source="cinahl")          # no store needed
    result = import_file(store, "cinahl.ris", source="cinahl", searched="2021-01-04",
                         query=Query("(peer* N3 support*)", "given"))
"""

from .base import ExportFormat, ParseContext
from .formats import FORMATS, choose, detect
from .importer import ImportResult, Query, default_query, import_file
from .reader import ExportFile, ParsedExport, open_export, parse_export, read_export

__all__ = [
    "FORMATS",
    "ExportFile",
    "ExportFormat",
    "ImportResult",
    "ParseContext",
    "ParsedExport",
    "Query",
    "choose",
    "default_query",
    "detect",
    "import_file",
    "open_export",
    "parse_export",
    "read_export",
]
