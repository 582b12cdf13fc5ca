"""Per-line hit counts (``trawl counts``): how many records each line finds in one source.

Librarians validate a translation line by line, comparing counts with the database's own search
history. Each numbered line is rendered on its own (the strategy cut after that line, so line
references are inlined) and sent as a count-only request to a source that can count. Counts are
stored in the provenance log (event ``line counts``) when a workspace is given.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from trawl.query.diagnostics import Diagnostic, TrawlError, register
from trawl.sources.cards import get_card
from trawl.sources.harvest import client_for
from trawl.sources.http import Http

CANNOT_COUNT = register("HARVEST009", "error", "This source cannot report hit counts.")


@dataclass(frozen=True)
class LineCount:
    line: int
    query: str
    hits: int | None


def line_queries(text: str, target: str, *, database: str = "ovid-medline") -> list[tuple[int, str]]:
    """(line number, the line rendered for ``target`` with references inlined), line by line."""
    from trawl.dialects import get_dialect
    from trawl.query import parse_strategy

    strategy = parse_strategy(text, database=database)
    dialect = get_dialect(target)
    out = []
    for i, statement in enumerate(strategy.statements):
        cut = dataclasses.replace(strategy, statements=strategy.statements[: i + 1])
        rendering = dialect.render(cut)
        out.append((statement.number or i + 1, rendering.query))
    return out


def line_counts(text: str, source: str, http: Http, *, database: str = "ovid-medline",
                env=None) -> list[LineCount]:
    card = get_card(source)
    if not card.filters.can_count or card.route != "api":
        raise TrawlError(Diagnostic.of(CANNOT_COUNT, f"{source}: {card.label} cannot count hits"))
    client = client_for(card, http, env=env)
    return [LineCount(line, query, client.count(query))
            for line, query in line_queries(text, card.dialect, database=database)]


def store_counts(store, source: str, file: str, rows: list[LineCount]) -> int:
    """Keep the counts: one ``line counts`` event and its rows in ``line_counts`` (one write)."""
    with store.transaction():
        event = store.log_event("line counts", {"source": source, "file": file, "counts": [
            {"line": r.line, "query": r.query, "hits": r.hits} for r in rows]})
        store.connection.executemany(
            "INSERT INTO line_counts (source, file, line, query, hits, event_seq) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(source, file, r.line, r.query, r.hits, event.seq) for r in rows])
    return event.seq
