"""The strategy's lines beside each target's rendering, and the heading crosswalk.

The front end reads the strategy once (`analyse_strategy`); each target's renderer gives its
search-history lines and diagnostics, which are placed at the statement they point at
(`render_targets`). A strategy with errors is rendered only where the errors cannot reach
(`renderable`): a line that builds on a broken line would silently mean less, so it is left out
and says why.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path

from trawl.query.diagnostics import Diagnostic, TrawlError
from trawl.report.model import (
    CrosswalkCell,
    CrosswalkRow,
    Part,
    SourceLine,
    StrategyView,
    TargetRow,
    TargetView,
)

FINAL_LINE = -1  # key for "the strategy's final line" before statement numbers are known


ADDED_LINE = "(added by trawl: the review's date and language limits)"


def analyse_strategy(path: Path, text: str, database: str):
    """The front end's view of the strategy text read from ``path``: its lines and findings,
    the resolved Strategy (None when it has errors) and the statements that parsed anyway."""
    # lines as the front end numbers them (not str.splitlines, which also breaks at form feeds
    # and other separators a PDF paste carries); a final newline ends the last line
    raw_lines = re.split(r"\r\n|\r|\n", text)
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    try:
        from trawl.query import analyse
    except ImportError as exc:
        lines = tuple(SourceLine(i, t, None) for i, t in enumerate(raw_lines, 1))
        note = f"the query front end is not available ({exc})"
        return StrategyView(str(path), database, lines, (), False, note=note), None, ()
    analysis = analyse(text, database=database)
    resolved = analysis.strategy
    diagnostics = tuple(analysis.diagnostics)
    parsed = tuple(getattr(analysis, "statements", ()) or ())  # those that parsed, numbered
    owner = statement_lines(resolved) if resolved is not None else _lines_of(parsed)
    by_line: dict[int | None, list[Diagnostic]] = {}
    for d in diagnostics:
        by_line.setdefault(d.line, []).append(d)
    pasted = _pasted_hits(diagnostics, raw_lines)
    lines = tuple(
        SourceLine(i, t, owner.get(i), tuple(by_line.get(i, ())), pasted.get(i))
        for i, t in enumerate(raw_lines, 1)
    )
    # a finding on a line past the end (e.g. "unexpected end of input") still needs a place
    tail = tuple(d for d in diagnostics if d.line is None or d.line > len(raw_lines))
    if tail and lines:
        last = lines[-1]
        lines = lines[:-1] + (dataclasses.replace(last, diagnostics=last.diagnostics + tail),)
    n = len(resolved.statements) if resolved is not None else 0
    note = "" if resolved is not None else _error_note(diagnostics)
    general = tail if not lines else ()
    view = StrategyView(
        str(path), database, lines, diagnostics, resolved is not None, n, note, general=general
    )
    return view, resolved, (parsed if resolved is None else ())


def _pasted_hits(diagnostics: Iterable[Diagnostic], raw_lines: list[str]) -> dict[int, int]:
    """Hit counts pasted with an Ovid search history, by source line.

    The cleaner removes them with a diagnostic pointing at the count's columns; the count itself
    is read back from those columns of the original text (never from the message).
    """
    try:
        from trawl.query.codes import HIT_COUNT
    except ImportError:
        return {}
    out: dict[int, int] = {}
    for d in diagnostics:
        if d.code != HIT_COUNT or not d.line or not d.column or not d.end_column:
            continue
        if d.line > len(raw_lines):
            continue
        digits = "".join(
            c for c in raw_lines[d.line - 1][d.column - 1 : d.end_column - 1] if c.isdigit()
        )
        if digits:
            out[d.line] = int(digits)
    return out


def _error_note(diagnostics: Iterable[Diagnostic]) -> str:
    errors = [d for d in diagnostics if d.severity == "error"]
    where = sorted({d.line for d in errors if d.line is not None})
    at = f" on line{'s' if len(where) > 1 else ''} {', '.join(map(str, where))}" if where else ""
    return (
        f"not rendered: the strategy has {len(errors)} error{'s' if len(errors) != 1 else ''}{at}"
    )


def statement_lines(strategy) -> dict[int, int]:
    """Source line -> statement number, from each statement's span."""
    return _lines_of(strategy.statements)


def _lines_of(statements) -> dict[int, int]:
    owner: dict[int, int] = {}
    for pos, st in enumerate(statements, 1):
        number = st.number if st.number is not None else pos
        span = st.span
        if span.line <= 0:
            continue
        for line in range(span.line, max(span.line, span.end_line) + 1):
            owner.setdefault(line, number)
    return owner


def render_targets(targets, view: StrategyView, strategy, parsed, review, sources, hits):
    """Each target's view. A strategy with errors is rendered only in part: the lines that parsed
    and depend on no line with an error (see `renderable`); a renderer that is missing or fails
    costs its own target only."""
    get_dialect, missing = None, ""
    partial, why = (None, {}) if strategy is not None else renderable(parsed, view.database)
    if strategy is not None or partial is not None:
        try:
            from trawl.dialects import get_dialect
        except ImportError as exc:
            missing = f"the renderers are not available ({exc})"
    out = []
    for target in targets:
        source = next((s for s in sources if s.target == target), None)
        label = source.label if source is not None else target
        unrendered = _unrendered_rows(view)
        if strategy is None and partial is None:  # its lines and errors: the strategy section
            note = view.note or "not rendered: the strategy was not parsed"
            out.append(TargetView(target, label, "not rendered", note))
            continue
        if get_dialect is None:
            out.append(TargetView(target, label, "not available", missing, rows=unrendered))
            continue
        try:
            rendering = get_dialect(target).render(strategy or partial, review=review)
        except TrawlError as exc:
            note = f"not rendered: {exc}"
            out.append(
                TargetView(
                    target, label, "not rendered", note, rows=unrendered, general=(exc.diagnostic,)
                )
            )
            continue
        except (ImportError, AttributeError, NotImplementedError, KeyError) as exc:
            note = f"the {target} renderer is not available ({type(exc).__name__}: {exc})"
            out.append(TargetView(target, label, "not available", note, rows=unrendered))
            continue
        if strategy is not None:
            out.append(_target_view(target, label, rendering, strategy, view, hits.get(target, {})))
        else:
            per_line = {k: v for k, v in hits.get(target, {}).items() if k != FINAL_LINE}
            out.append(_partial_view(target, label, rendering, partial, why, view, per_line))
    return Part("ok", tuple(out))


def renderable(statements, database: str):
    """From a strategy with errors: the statements that parsed and refer (directly or through
    other lines) to no line with an error, as a Strategy; and why each other statement is out.

    Rendering those lines is safe: each means exactly what it says. A line that combines a broken
    line (``or/1-13`` when line 2 has an error) would silently mean less, so it is left out.
    """
    from trawl.query.ast import LineRange, LineRef, Strategy, walk

    numbers = {st.number for st in statements}
    kept, why = [], {}
    for st in statements:
        refs: list[int] = []
        for node in walk(st.expr):
            if isinstance(node, LineRef):
                refs.append(node.number)
            elif isinstance(node, LineRange):
                refs.extend(node.numbers)
        broken = [n for n in refs if n not in numbers]
        later = [n for n in refs if n in why]
        if broken:
            why[st.number] = f"not rendered: refers to line {broken[0]}, which has an error"
        elif later:
            why[st.number] = f"not rendered: refers to line {later[0]}, which is not rendered"
        else:
            kept.append(st)
    if not kept:
        return None, why
    return Strategy(tuple(kept), database), why


_WRITTEN_NUMBER = re.compile(r"^\s*(\d+)\s*[.)]?\s")


def _partial_view(target, label, rendering, partial, why, view: StrategyView, hits):
    """The rows of a partly rendered strategy: every line of the file, in order."""
    full = _target_view(target, label, rendering, partial, view, hits)
    by_number = {r.statement: r for r in full.rows if not r.added}
    rows = []
    for ln in view.lines:
        if not ln.text.strip():
            continue
        if ln.statement is not None and ln.statement in by_number:
            rows.append(by_number.pop(ln.statement))
            continue
        if ln.statement is not None and any(r.statement == ln.statement for r in rows):
            continue  # a continuation line of a statement already shown
        written = _WRITTEN_NUMBER.match(ln.text)
        number = ln.statement or (int(written.group(1)) if written else ln.lineno)
        reason = why.get(number, "not rendered: this line has an error")
        rows.append(TargetRow(number, ln.text.strip(), ln.lineno, None, reason=reason))
    note = (
        f"partly rendered: {view.note.removeprefix('not rendered: ')}. Lines that parsed "
        "and depend on no broken line are rendered; the whole-strategy query is not given."
    )
    return dataclasses.replace(
        full, state="partly rendered", note=note, rows=tuple(rows), query="", queries=()
    )


def _unrendered_rows(view: StrategyView) -> tuple[TargetRow, ...]:
    return tuple(
        TargetRow(line.statement or line.lineno, line.text, line.lineno, None)
        for line in view.lines
        if line.text.strip()
    )


def _target_view(target, label, rendering, strategy, view: StrategyView, hits: dict[int, int]):
    owner = statement_lines(strategy)
    text_by_number: dict[int, str] = {}
    for rl in rendering.lines:
        text_by_number[rl.line] = rl.text
    by_statement: dict[int, list[Diagnostic]] = {}
    general: list[Diagnostic] = []
    for d in rendering.diagnostics:
        number = owner.get(d.line) if d.line is not None else None
        if number is None:
            general.append(d)
        else:
            by_statement.setdefault(number, []).append(d)
    source_text = {ln.lineno: ln.text for ln in view.lines}
    rows = []
    for pos, st in enumerate(strategy.statements, 1):
        number = st.number if st.number is not None else pos
        first = st.span.line if st.span.line > 0 else None
        last = max(st.span.end_line, first) if first is not None else None
        written = (
            " ".join(source_text.get(i, "").strip() for i in range(first, last + 1))
            if first is not None
            else ""
        )
        rows.append(
            TargetRow(
                number,
                written,
                first,
                text_by_number.pop(number, None),
                tuple(by_statement.get(number, ())),
                hits.get(number),
            )
        )
    for number, text in sorted(text_by_number.items()):  # lines trawl added (review limits)
        rows.append(TargetRow(number, ADDED_LINE, None, text, (), hits.get(number), added=True))
    if FINAL_LINE in hits and rows and rows[-1].hits is None:
        # the harvested total belongs to the last line: the whole query, limits included
        rows[-1] = dataclasses.replace(rows[-1], hits=hits[FINAL_LINE])
    return TargetView(
        target,
        label,
        "rendered",
        "",
        tuple(rows),
        tuple(general),
        query=rendering.query,
        queries=tuple(getattr(rendering, "queries", ()) or ()),
        api_params=dict(getattr(rendering, "api_params", {}) or {}),
        query_param=getattr(rendering, "query_param", None),
    )


def crosswalk_rows(statements, view: StrategyView) -> Part[tuple[CrosswalkRow, ...]]:
    """Each subject heading of the strategy beside its mapping in the other vocabularies.

    ``statements``: the resolved strategy's, or those that parsed in a strategy with errors (a
    heading means the same whatever else is broken)."""
    if not statements:
        return Part("not run", note=view.note or "the strategy was not parsed")
    from trawl.query.ast import Heading, walk
    from trawl.vocab import TARGET_VOCABULARIES, lookup

    source_text = {ln.lineno: ln.text for ln in view.lines}
    rows = []
    for pos, st in enumerate(statements, 1):
        number = st.number if st.number is not None else pos
        for node in walk(st.expr):
            if not isinstance(node, Heading):
                continue
            written = _span_text(source_text, node.span) or node.label
            cells = {}
            if node.vocabulary == "mesh":  # trawl's crosswalks start from MeSH (vocab/data)
                for vocab in TARGET_VOCABULARIES:
                    m = lookup(node.label, source="mesh", target=vocab)
                    cells[vocab] = (
                        CrosswalkCell(None, "none", "not in trawl's crosswalk data")
                        if m is None
                        else CrosswalkCell(m.target_label, m.relation, m.note, bool(m.explode))
                    )
            rows.append(CrosswalkRow(number, written, node.label, node.vocabulary, cells))
    if not rows:
        return Part("not run", note="the strategy uses no subject headings")
    return Part("ok", tuple(rows))


def _span_text(source_text: dict[int, str], span) -> str:
    if span.line <= 0 or span.line != span.end_line:
        return ""
    return source_text.get(span.line, "")[span.column - 1 : span.end_column - 1]
