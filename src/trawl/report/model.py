"""The validation report's data: what each section shows, or why it shows nothing.

Every section is a `Part`: ``ok`` (it has data), ``not run`` (the part of trawl works but nothing
was done yet: no store, no harvest, no import) or ``not available`` (the part it needs is missing
or failed; the note says which). `trawl.report.data.gather` builds a `ReportData`; the writers
(`trawl.report.html`, `trawl.report.markdown`) only format it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Generic, Literal, TypeVar

from trawl.query.diagnostics import CODES, Diagnostic

T = TypeVar("T")


State = Literal["ok", "not run", "not available"]


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
    """The strategy file as the front end read it: every line, every finding, the verdict."""

    path: str
    database: str
    lines: tuple[SourceLine, ...]
    diagnostics: tuple[Diagnostic, ...]  # every front-end finding, in order
    parsed: bool  # False when the front end found an error: rendered only in part
    statements: int = 0  # how many numbered lines the resolved strategy has
    note: str = ""  # why it was not parsed (e.g. the front end is not built yet)
    sha256: str = ""  # of the file's bytes (a harvest run records the hash of what it rendered)
    general: tuple[Diagnostic, ...] = ()  # findings with no line to sit at (an empty file)

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
    strategy_sha256: str = ""  # for a harvest: the strategy text its query was rendered from
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
class PrismaView:
    """The PRISMA 2020 flow counts (as the dedup part computes them) and its diagram."""

    counts: dict[str, Any]
    svg: str | None
    svg_note: str = ""

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The counts as (what, n) rows a person reads, in the diagram's order."""
        return prisma_rows(self.counts)


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows; built by `trawl.report.data.gather`, read by the writers."""

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


VOCABULARY_NAMES = {
    "mesh": "MeSH (MEDLINE)",
    "emtree": "Emtree (Embase)",
    "cinahl": "CINAHL Headings",
    "apa": "APA Thesaurus (PsycInfo)",
}


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
                f"{dedup.get('run')} at {when(dedup.get('at'))}, "
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


def when(value: Any) -> str:
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


def code_summary(code: str) -> str:
    """The registry's one-line explanation of a diagnostic code (empty if unregistered)."""
    entry = CODES.get(code)
    return entry.summary if entry is not None else ""


def strategy_match(run: RunView, sha256: str) -> str:
    """Whether a harvest's query was rendered from the strategy this report shows."""
    if not run.strategy_sha256 or not sha256:
        return ""
    if run.strategy_sha256 == sha256:
        return "rendered from this report's strategy text (same sha256)"
    return f"rendered from a DIFFERENT strategy text (sha256 {run.strategy_sha256[:12]}…)"


@dataclass(frozen=True)
class CodeCount:
    """One diagnostic code across the report: how often, and where."""

    code: str
    severity: str
    summary: str
    count: int
    targets: tuple[str, ...]  # "strategy" for the front end's findings


def code_index(data: ReportData) -> list[CodeCount]:
    """Every diagnostic code in the report, worst first, then most frequent."""
    seen: dict[str, tuple[str, int, list[str]]] = {}

    def add(d: Diagnostic, where: str) -> None:
        severity, count, places = seen.get(d.code, (str(d.severity), 0, []))
        if where not in places:
            places.append(where)
        seen[d.code] = (severity, count + 1, places)

    for d in data.strategy.diagnostics:
        add(d, "strategy")
    for t in data.targets.value or ():
        for d in t.diagnostics:
            add(d, t.target)
    rank = {"error": 0, "warning": 1, "info": 2}
    rows = [
        CodeCount(code, sev, code_summary(code), n, tuple(places))
        for code, (sev, n, places) in seen.items()
    ]
    return sorted(rows, key=lambda r: (rank.get(r.severity, 3), -r.count, r.code))
