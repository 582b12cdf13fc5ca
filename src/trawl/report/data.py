"""What the validation report shows, gathered once from the other parts of trawl.

The writers (`trawl.report.html`, `trawl.report.markdown`) only format a `ReportData`; they never
call the store, the dialects or the vocabularies. `gather` is the one function that does, one
section at a time, so a section whose part has nothing to show degrades on its own:

- ``ok``: the section has data;
- ``not run``: the part works but nothing was done yet (no harvest, no import, no store);
- ``not available``: the part of trawl the section needs is missing or failed; the note says which.

A strategy that does not parse still gives a report: its lines are shown as source text with the
front end's diagnostics, and each target says it was not rendered because of the errors.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from trawl.query.diagnostics import CODES, Diagnostic, TrawlError, register

REPORT_NO_STRATEGY = register(
    "REPORT001",
    "error",
    "The report has no strategy to show: give --strategy FILE or a workspace whose review.toml "
    "names one.",
)
REPORT_BAD_TARGET = register(
    "REPORT002", "error", "A target given to the report (--to) is not one trawl renders for."
)

T = TypeVar("T")
State = Literal["ok", "not run", "not available"]

# The review workspace's files (ARCHITECTURE.md: "a directory with review.toml and store.sqlite").
REVIEW_FILE = "review.toml"
STORE_FILE = "store.sqlite"


@dataclass(frozen=True)
class Part(Generic[T]):
    """One section's data, or why there is none."""

    state: State
    value: T | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "ok"


@dataclass(frozen=True)
class SourceLine:
    """One line of the strategy file as written, with the front end's findings on it."""

    lineno: int  # 1-based line in the file
    text: str
    statement: int | None  # the statement number this line belongs to, once parsed
    diagnostics: tuple[Diagnostic, ...] = ()
    hits: int | None = None  # a hit count pasted with the line (an Ovid search history)


@dataclass(frozen=True)
class StrategyView:
    path: str
    database: str
    lines: tuple[SourceLine, ...]
    diagnostics: tuple[Diagnostic, ...]  # every front-end finding, in order
    parsed: bool  # False when the front end found an error: nothing can be rendered
    statements: int = 0  # how many numbered lines the resolved strategy has
    note: str = ""  # why it was not parsed (e.g. the front end is not built yet)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")


@dataclass(frozen=True)
class TargetRow:
    """One statement of the strategy beside its rendering for one target."""

    statement: int
    source: str  # the statement as written (its source lines joined)
    source_lineno: int | None
    text: str | None  # the rendered line; None when the target gave none for it
    diagnostics: tuple[Diagnostic, ...] = ()
    hits: int | None = None  # counted or harvested hits for this line in this target's source
    added: bool = False  # a line trawl added (the review's limits), not one of the strategy's
    reason: str = ""  # why there is no rendering (a partly rendered strategy)


@dataclass(frozen=True)
class TargetView:
    target: str
    label: str  # how the review names the source searched with it ("Scopus"), else the target
    state: Literal["rendered", "partly rendered", "not rendered", "not available"]
    note: str = ""
    rows: tuple[TargetRow, ...] = ()
    general: tuple[Diagnostic, ...] = ()  # findings that point at no line
    query: str = ""
    queries: tuple[str, ...] = ()
    api_params: dict[str, str] = field(default_factory=dict)
    query_param: str | None = None  # the API parameter the query goes into, when it matters

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self.general + tuple(d for r in self.rows for d in r.diagnostics)


@dataclass(frozen=True)
class CrosswalkCell:
    label: str | None
    relation: str  # "exact" | "broader" | "narrower" | "none"
    note: str = ""
    explode: bool = False


@dataclass(frozen=True)
class CrosswalkRow:
    statement: int
    heading: str  # the source heading as written: "exp Public Sector/"
    label: str
    vocabulary: str
    cells: dict[str, CrosswalkCell]  # target vocabulary -> mapping


@dataclass(frozen=True)
class RunView:
    id: int
    kind: str  # "harvest" | "import"
    source: str
    target: str | None
    status: str
    started: str
    finished: str
    query: str  # the query the run sent (harvest) or the person says they ran (import)
    reported_total: int | None
    retrieved: int | None
    note: str = ""
    searched: str = ""  # the day the search was run: the import's "searched" date, else started
    query_origin: str = ""  # for an import: "given", "file:<name>", "rendered:<target>", "none"
    file: str = ""  # an import's file: "name (sha256 prefix)"


@dataclass(frozen=True)
class VerifyView:
    """The store's own check of its hash chain and every row the chain describes."""

    ok: bool
    first_bad_seq: int | None
    reason: str
    events: int | None = None  # the chain's length (its head's seq)
    head: str = ""  # "SEQ:HASH": publish it, re-check later with --expect-head
    problems: tuple[str, ...] = ()
    checked: dict[str, int] = field(default_factory=dict)  # rows checked, per kind


@dataclass(frozen=True)
class SourceInfo:
    """One database the review searches (review.toml [sources.*])."""

    key: str
    label: str
    target: str
    route: str  # "api" | "export"
    connector: str | None = None


@dataclass(frozen=True)
class ReportData:
    title: str
    review_name: str | None
    generated: str  # ISO 8601, UTC
    tool_version: str
    workspace: str | None
    strategy: StrategyView
    sources: tuple[SourceInfo, ...]
    cutoff: date | None
    start: date | None
    languages: tuple[str, ...]
    schedule: str | None
    targets: Part[tuple[TargetView, ...]]
    crosswalk: Part[tuple[CrosswalkRow, ...]]
    runs: Part[tuple[RunView, ...]]
    records_by_source: Part[dict[str, int]]
    provenance: Part[VerifyView]
    prisma: Part[PrismaView]
    store_path: str | None = None

    def source_for_target(self, target: str) -> SourceInfo | None:
        return next((s for s in self.sources if s.target == target), None)


# --------------------------------------------------------------------------------------------
# gathering


def gather(
    *,
    workspace: str | Path | None = None,
    strategy: str | Path | None = None,
    targets: Iterable[str] | None = None,
    now: datetime | None = None,
) -> ReportData:
    """Everything the report shows for a workspace (review.toml + store.sqlite) or a lone strategy.

    ``strategy`` overrides the review's strategy file (e.g. the as-published text). ``targets``
    defaults to the review's sources' targets, or every target trawl renders for without a review.
    ``now`` fixes the generation time (the checked-in example report uses the review's cutoff).
    """
    from trawl import __version__

    ws = Path(workspace) if workspace is not None else None
    review = _load_review(ws)
    strategy_path = _strategy_path(ws, review, strategy)
    database = review.database if review is not None else "ovid-medline"
    view, resolved, parsed = _analyse(strategy_path, database)
    sources = _sources(review)
    chosen = _targets(targets, sources)

    store_path = ws / STORE_FILE if ws is not None else None
    store_part = _open_store(store_path)
    with contextlib.ExitStack() as stack:
        store = None
        if store_part.ok:
            store = stack.enter_context(_closing(store_part.value))
        runs = _attempt("harvest and import runs", lambda: _runs(store, store_part, sources))
        records = _attempt("records", lambda: _records_by_source(store, store_part))
        provenance = _attempt("provenance chain", lambda: _verify(store, store_part))
        prisma = _attempt("PRISMA counts", lambda: _prisma(store, store_part))
        hits = _line_hits(store, runs, sources, view.path) if store is not None else {}
    pasted = {ln.statement: ln.hits for ln in view.lines if ln.hits is not None and ln.statement}
    if pasted:  # a pasted search history counted each line in the database it was written for
        hits.setdefault(view.database, {})
        hits[view.database] = {**pasted, **hits[view.database]}
    rendered = _attempt(
        "renderings", lambda: _render_all(chosen, view, resolved, parsed, review, sources, hits)
    )
    crosswalk = _attempt("heading crosswalk", lambda: _crosswalk(resolved, view))

    title = (review.title or review.name) if review is not None else strategy_path.name
    generated = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return ReportData(
        title=title,
        review_name=review.name if review is not None else None,
        generated=generated.isoformat().replace("+00:00", "Z"),
        tool_version=__version__,
        workspace=str(ws) if ws is not None else None,
        strategy=view,
        sources=sources,
        cutoff=review.cutoff if review is not None else None,
        start=review.start if review is not None else None,
        languages=tuple(review.languages) if review is not None else (),
        schedule=review.schedule if review is not None else None,
        targets=rendered,
        crosswalk=crosswalk,
        runs=runs,
        records_by_source=records,
        provenance=provenance,
        prisma=prisma,
        store_path=str(store_path) if store_path is not None and store_path.exists() else None,
    )


def _attempt(what: str, fn: Callable[[], Part[T]]) -> Part[T]:
    """Run one section's gathering; a part of trawl that is missing or fails costs one section.

    A missing module or name means that part is not built yet; any other failure is reported in
    the section (the report is what an auditor keeps, so it must still be written) with its cause.
    """
    try:
        return fn()
    except (ImportError, AttributeError) as exc:
        return Part("not available", note=f"{what}: this part of trawl is not available ({exc})")
    except TrawlError as exc:
        return Part("not available", note=f"{what}: {exc}")
    except Exception as exc:  # noqa: BLE001 - the report must still be written; the cause is shown
        return Part(
            "not available", note=f"{what} could not be gathered: {type(exc).__name__}: {exc}"
        )


def _load_review(ws: Path | None):
    if ws is None:
        return None
    if not ws.is_dir():
        raise TrawlError(Diagnostic.of(REPORT_NO_STRATEGY, f"no such workspace directory: {ws}"))
    if not (ws / REVIEW_FILE).is_file():
        return None
    from trawl.review import Review

    return Review.load(ws / REVIEW_FILE)


def _strategy_path(ws: Path | None, review, strategy: str | Path | None) -> Path:
    if strategy is not None:
        path = Path(strategy)
    elif review is not None:
        path = review.strategy_path
    elif ws is not None and len(found := sorted(ws.glob("*.ovid"))) == 1:
        path = found[0]  # a workspace with only a strategy in it
    else:
        raise TrawlError(
            Diagnostic.of(
                REPORT_NO_STRATEGY,
                "no strategy to report on: give --strategy FILE, or a workspace with a review.toml "
                "(or exactly one *.ovid file)",
            )
        )
    if not path.is_file():
        raise TrawlError(Diagnostic.of(REPORT_NO_STRATEGY, f"strategy file not found: {path}"))
    return path


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TrawlError(
            Diagnostic.of(REPORT_NO_STRATEGY, f"{path} is not UTF-8 text (line {line})", line=line)
        ) from None


def _analyse(path: Path, database: str):
    """The front end's view of the strategy: its lines, findings and (when clean) the Strategy."""
    text = _read_text(path)
    raw_lines = text.splitlines()
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
    owner = _statement_lines(resolved) if resolved is not None else _lines_of(parsed)
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
    view = StrategyView(str(path), database, lines, diagnostics, resolved is not None, n, note)
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


def _statement_lines(strategy) -> dict[int, int]:
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


def _sources(review) -> tuple[SourceInfo, ...]:
    if review is None:
        return ()
    return tuple(
        SourceInfo(key, s.label, s.target, s.route, s.connector)
        for key, s in review.sources.items()
    )


def _all_targets() -> tuple[str, ...]:
    from trawl.dialects import TARGETS

    return tuple(TARGETS)


# ARCHITECTURE.md order, used when the dialects package does not list its targets yet.
KNOWN_TARGETS = (
    "ovid-medline",
    "ovid-embase",
    "ovid-psycinfo",
    "pubmed",
    "scopus",
    "wos",
    "cinahl",
    "academic-search-elite",
    "embase",
    "google-scholar",
    "worldcat",
    "primo",
    "openalex",
    "europepmc",
    "crossref",
    "semantic-scholar",
)


def _targets(requested: Iterable[str] | None, sources: tuple[SourceInfo, ...]) -> tuple[str, ...]:
    try:
        known = _all_targets()
    except (ImportError, AttributeError):
        known = KNOWN_TARGETS
    if requested is None:
        wanted = [s.target for s in sources] or list(known)
    else:
        wanted = []
        for t in requested:
            t = t.strip()
            if t == "all":
                wanted.extend(known)
            elif t == "review":
                wanted.extend(s.target for s in sources)
            elif t:
                wanted.append(t)
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise TrawlError(
            Diagnostic.of(
                REPORT_BAD_TARGET,
                f"unknown target {unknown[0]!r}; known targets: {', '.join(known)} (or 'all', 'review')",
            )
        )
    return tuple(dict.fromkeys(wanted))


def _render_all(targets, view: StrategyView, strategy, parsed, review, sources, hits):
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


ADDED_LINE = "(added by trawl: the review's date and language limits)"


def _target_view(target, label, rendering, strategy, view: StrategyView, hits: dict[int, int]):
    owner = _statement_lines(strategy)
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


def _crosswalk(strategy, view: StrategyView) -> Part[tuple[CrosswalkRow, ...]]:
    """Each subject heading of the strategy beside its mapping in the other vocabularies."""
    if strategy is None:
        return Part("not run", note=view.note or "the strategy was not parsed")
    from trawl.query.ast import Heading, walk
    from trawl.vocab import TARGET_VOCABULARIES, lookup

    source_text = {ln.lineno: ln.text for ln in view.lines}
    rows = []
    for pos, st in enumerate(strategy.statements, 1):
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


VOCABULARY_NAMES = {
    "mesh": "MeSH (MEDLINE)",
    "emtree": "Emtree (Embase)",
    "cinahl": "CINAHL Headings",
    "apa": "APA Thesaurus (PsycInfo)",
}


def _span_text(source_text: dict[int, str], span) -> str:
    if span.line <= 0 or span.line != span.end_line:
        return ""
    return source_text.get(span.line, "")[span.column - 1 : span.end_column - 1]


# -- the store -----------------------------------------------------------------------------------


def _open_store(path: Path | None) -> Part[Any]:
    if path is None:
        return Part("not run", note="no workspace: the report shows the strategy only")
    if not path.exists():
        return Part(
            "not run",
            note=f"no store yet ({path.name} does not exist): nothing harvested or imported",
        )
    try:
        from trawl.store import Store
    except ImportError as exc:
        return Part("not available", note=f"the store is not available ({exc})")
    try:
        # upgrade=False: the report reads the store as it is; it never changes what it reports on
        return Part("ok", Store.open(path, upgrade=False))
    except TrawlError as exc:
        return Part("not available", note=f"the store could not be opened: {exc}")


@contextlib.contextmanager
def _closing(store) -> Iterator[Any]:
    try:
        yield store
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()


def _passthrough(store_part: Part) -> Part:
    return Part(store_part.state, note=store_part.note)


def _runs(store, store_part: Part, sources) -> Part[tuple[RunView, ...]]:
    if store is None:
        return _passthrough(store_part)
    runs = list(store.runs())
    if not runs:
        return Part("not run", note="no harvest or import has been run yet")
    views = tuple(_run_view(r, sources) for r in runs)
    return Part("ok", views)


def _attr(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def _when(value: Any) -> str:
    """A time as ISO 8601 UTC to the second: what a person compares, without the noise."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return str(value)


def _run_view(run, sources) -> RunView:
    params = _attr(run, "params", default={}) or {}
    source = str(_attr(run, "source", default=""))
    query = params.get("query") or params.get("rendered_query") or ""
    if isinstance(query, list):  # a query split in parts for a length limit
        query = "\n".join(map(str, query))
    described = params.get("file")
    file = ""
    if isinstance(described, dict) and described.get("name"):
        digest = str(described.get("sha256", ""))[:12]
        file = f"{described['name']}" + (f" (sha256 {digest}…)" if digest else "")
    started = _when(_attr(run, "started_at", "started"))
    return RunView(
        id=int(_attr(run, "id", default=0)),
        kind=str(_attr(run, "kind", default="")),
        source=source,
        target=target_of_source(source, sources, params),
        status=str(_attr(run, "status", default="")),
        started=started,
        finished=_when(_attr(run, "finished_at", "finished")),
        query=str(query),
        reported_total=_attr(run, "reported_total"),
        retrieved=_attr(run, "retrieved"),
        note=str(_attr(run, "note", default="") or ""),
        searched=str(params.get("searched") or started[:10]),
        query_origin=str(params.get("query_origin") or ""),
        file=file,
    )


def origin_note(run: RunView) -> str:
    """Where an import's query came from, in words; empty for a harvest (it sent the query)."""
    origin = run.query_origin
    if not origin or origin == "given":
        return ""
    if origin.startswith("rendered:"):
        return (
            f"trawl's rendering for {origin.split(':', 1)[1]}: the person importing did not "
            "give the query they ran"
        )
    if origin.startswith("file:"):
        return f"read from {origin.split(':', 1)[1]}"
    if origin == "none":
        return "no query recorded"
    return origin


def target_of_source(source: str, sources, params: dict | None = None) -> str | None:
    """The target a run's source was searched with: its review source, connector or own name."""
    if params and isinstance(params.get("target"), str):
        return params["target"]
    for s in sources:
        if source in (s.key, s.connector):
            return s.target
    return source if source in KNOWN_TARGETS else None


def _records_by_source(store, store_part: Part) -> Part[dict[str, int]]:
    """Records per source, counted in SQL (a review's store can hold 100,000 records)."""
    if store is None:
        return _passthrough(store_part)
    counts = dict(store.connection.execute("SELECT source, count(*) FROM records GROUP BY source"))
    if not counts:
        return Part("not run", note="the store holds no records yet")
    return Part("ok", dict(sorted(counts.items())))


def _verify(store, store_part: Part) -> Part[VerifyView]:
    if store is None:
        return _passthrough(store_part)
    result = store.verify()
    seq, digest = _attr(result, "head_seq"), _attr(result, "head_hash", default="")
    return Part(
        "ok",
        VerifyView(
            ok=bool(_attr(result, "ok")),
            first_bad_seq=_attr(result, "first_bad_seq"),
            reason=str(_attr(result, "reason", default="") or ""),
            events=seq if isinstance(seq, int) else None,
            head=f"{seq}:{digest}" if seq is not None and digest else "",
            problems=tuple(_attr(result, "problems", default=()) or ()),
            checked=dict(_attr(result, "checked", default={}) or {}),
        ),
    )


@dataclass(frozen=True)
class PrismaView:
    """The PRISMA 2020 flow counts (as the dedup part computes them) and its diagram."""

    counts: dict[str, Any]
    svg: str | None
    svg_note: str = ""

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The counts as (what, n) rows a person reads, in the diagram's order."""
        return prisma_rows(self.counts)


_PRISMA_LABELS = {
    "records_identified": "Records identified from databases",
    "duplicates_removed": "Duplicate records removed",
    "automation_marked": "Records marked as ineligible by automation tools",
    "records_removed_other": "Records removed for other reasons",
    "records_screened": "Records screened",
    "records_not_deduplicated": "Records stored after the last deduplication",
}


def prisma_rows(counts: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for db in counts.get("databases") or ():
        reported = db.get("reported_total")
        extra = f" (reported by the database: {reported})" if reported is not None else ""
        rows.append(
            (f"Records from {db.get('label') or db.get('source')}", f"{db.get('records')}{extra}")
        )
    labels = counts.get("automation_rule_labels") or {}
    for key, label in _PRISMA_LABELS.items():
        if key not in counts:
            continue
        rows.append((label, str(counts[key])))
        if key == "automation_marked":
            for rule, n in (counts.get("automation_by_rule") or {}).items():
                if n:
                    rows.append((f"\u2003of which {labels.get(rule, rule)}", str(n)))
    dedup = counts.get("dedup")
    if isinstance(dedup, dict):
        rows.append(
            (
                "Deduplication run",
                f"{dedup.get('run')} at {_when(dedup.get('at'))}, "
                f"{dedup.get('clusters')} unique records",
            )
        )
    elif "dedup" in counts:
        rows.append(("Deduplication run", "not run yet"))
    shown = {
        "databases",
        "automation_by_rule",
        "automation_rule_hits",
        "automation_rule_labels",
        "dedup",
        *_PRISMA_LABELS,
    }
    for key, value in counts.items():  # anything the PRISMA part adds later still shows
        if key not in shown:
            rows.append((key.replace("_", " "), str(value)))
    return rows


def _prisma(store, store_part: Part) -> Part[PrismaView]:
    if store is None:
        return _passthrough(store_part)
    prisma = importlib.import_module("trawl.report.prisma")
    counts = prisma.counts(store)
    if not _as_dict(counts).get("records_identified") and not store.runs():
        return Part("not run", note="nothing identified yet: no harvest or import has been run")
    try:
        svg, note = prisma.flow_svg(counts), ""
    except (ImportError, AttributeError) as exc:
        svg, note = None, f"the flow diagram is not available ({exc})"
    return Part("ok", PrismaView(_as_dict(counts), svg, note))


def _as_dict(counts: Any) -> dict[str, Any]:
    if isinstance(counts, dict):
        return dict(counts)
    for method in ("model_dump", "to_json", "as_dict"):
        if hasattr(counts, method):
            return dict(getattr(counts, method)())
    from dataclasses import asdict, is_dataclass

    if is_dataclass(counts):
        return asdict(counts)
    return dict(vars(counts))


FINAL_LINE = -1  # key for "the strategy's final line" before statement numbers are known


LINE_COUNTS_EVENT = "line counts"  # written by `trawl counts` (trawl.sources.counts)


def _line_hits(store, runs: Part, sources, strategy_file: str) -> dict[str, dict[int, int]]:
    """Hits per target and line: from `trawl counts` (each line counted on its own in a source)
    for this strategy file, the latest count winning; and the total the source reported for the
    whole query in the latest complete harvest, which belongs to the final line."""
    hits: dict[str, dict[int, int]] = {}
    for event in store.events(kinds=[LINE_COUNTS_EVENT]):
        payload = event.payload
        if Path(str(payload.get("file", ""))).name != Path(strategy_file).name:
            continue  # counts of another strategy text: its line numbers mean other lines
        target = _target_of_card(str(payload.get("source", "")), sources)
        if target is None:
            continue
        for row in payload.get("counts") or ():
            if isinstance(row.get("hits"), int) and isinstance(row.get("line"), int):
                hits.setdefault(target, {})[row["line"]] = row["hits"]
    if runs.ok:
        for run in runs.value:  # in run order: the latest complete harvest wins
            if run.kind == "harvest" and run.target and run.status == "complete":
                if run.reported_total is not None:
                    hits.setdefault(run.target, {})[FINAL_LINE] = run.reported_total
    return hits


def _target_of_card(source: str, sources) -> str | None:
    target = target_of_source(source, sources)
    if target is not None:
        return target
    try:
        from trawl.sources.cards import get_card

        return get_card(source).dialect
    except (ImportError, TrawlError, KeyError, AttributeError):
        return None


def code_summary(code: str) -> str:
    """The registry's one-line explanation of a diagnostic code (empty if unregistered)."""
    entry = CODES.get(code)
    return entry.summary if entry is not None else ""
