"""The PRISMA-S checklist, filled from what trawl knows and left open where only people know.

PRISMA-S: Rethlefsen ML, Kirtley S, Waffenschmidt S, Ayala AP, Moher D, Page MJ, Koffel JB;
PRISMA-S Group. "PRISMA-S: an extension to the PRISMA Statement for Reporting Literature Searches
in Systematic Reviews." Systematic Reviews 2021;10:39. doi:10.1186/s13643-020-01542-z.
The item texts below are the checklist's (Table 1 of the article; CC BY 4.0).

trawl fills the items its store, the review settings and the strategy can answer: 1, 2, 8, 9, 10,
12, 13, 15, 16. The others (registries, browsing, citation searching, contacts, other methods,
prior work, peer review) describe work done outside trawl and are left as fields to complete.
Every filled answer is a draft for the review team to check, and says where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from trawl.report.data import ReportData


@dataclass(frozen=True)
class Item:
    number: int
    section: str
    name: str
    text: str


ITEMS: tuple[Item, ...] = (
    Item(
        1,
        "Information sources and methods",
        "Database name",
        "Name each individual database searched, stating the platform for each.",
    ),
    Item(
        2,
        "Information sources and methods",
        "Multi-database searching",
        "If databases were searched simultaneously on a single platform, state the name of the "
        "platform, listing all of the databases searched.",
    ),
    Item(
        3,
        "Information sources and methods",
        "Study registries",
        "List any study registries searched.",
    ),
    Item(
        4,
        "Information sources and methods",
        "Online resources and browsing",
        "Describe any online or print source purposefully searched or browsed (e.g., tables of "
        "contents, print conference proceedings, web sites), and how this was done.",
    ),
    Item(
        5,
        "Information sources and methods",
        "Citation searching",
        "Indicate whether cited references or citing references were examined, and describe any "
        "methods used for locating cited/citing references (e.g., browsing reference lists, using "
        "a citation index, setting up email alerts for references citing included studies).",
    ),
    Item(
        6,
        "Information sources and methods",
        "Contacts",
        "Indicate whether additional studies or data were sought by contacting authors, experts, "
        "manufacturers, or others.",
    ),
    Item(
        7,
        "Information sources and methods",
        "Other methods",
        "Describe any additional information sources or search methods used.",
    ),
    Item(
        8,
        "Search strategies",
        "Full search strategies",
        "Include the search strategies for each database and information source, copied and "
        "pasted exactly as run.",
    ),
    Item(
        9,
        "Search strategies",
        "Limits and restrictions",
        "Specify that no limits were used, or describe any limits or restrictions applied to a "
        "search (e.g., date or time period, language, study design) and provide justification "
        "for their use.",
    ),
    Item(
        10,
        "Search strategies",
        "Search filters",
        "Indicate whether published search filters were used (as originally designed or "
        "modified), and if so, cite the filter(s) used.",
    ),
    Item(
        11,
        "Search strategies",
        "Prior work",
        "Indicate when search strategies from other literature reviews were adapted or reused "
        "for a substantive part or all of the search, citing the previous review(s).",
    ),
    Item(
        12,
        "Search strategies",
        "Updates",
        "Report the methods used to update the search(es) (e.g., rerunning searches, email "
        "alerts).",
    ),
    Item(
        13,
        "Search strategies",
        "Dates of searches",
        "For each search strategy, provide the date when the last search occurred.",
    ),
    Item(14, "Peer review", "Peer review", "Describe any search peer review process."),
    Item(
        15,
        "Managing records",
        "Total records",
        "Document the total number of records identified from each database and other "
        "information sources.",
    ),
    Item(
        16,
        "Managing records",
        "Deduplication",
        "Describe the processes and any software used to deduplicate records from multiple "
        "database searches and other information sources.",
    ),
)

FILLED_BY_TRAWL = frozenset({1, 2, 8, 9, 10, 12, 13, 15, 16})

# Where each target is searched: (database as usually cited, platform). Dialect references in
# ../shared/dialects name the platforms; connectors name the API a harvest went through.
PLATFORMS: dict[str, tuple[str, str]] = {
    "ovid-medline": ("MEDLINE", "Ovid"),
    "ovid-embase": ("Embase", "Ovid"),
    "ovid-psycinfo": ("APA PsycInfo", "Ovid"),
    "pubmed": ("MEDLINE", "PubMed"),
    "scopus": ("Scopus", "Elsevier Scopus"),
    "wos": ("Web of Science Core Collection", "Clarivate Web of Science"),
    "cinahl": ("CINAHL", "EBSCOhost"),
    "academic-search-elite": ("Academic Search Elite", "EBSCOhost"),
    "embase": ("Embase", "Embase.com"),
    "google-scholar": ("Google Scholar", "Google Scholar"),
    "worldcat": ("WorldCat", "OCLC WorldCat"),
    "primo": ("library catalogue", "Ex Libris Primo"),
    "openalex": ("OpenAlex", "OpenAlex"),
    "europepmc": ("Europe PMC", "Europe PMC"),
    "crossref": ("Crossref metadata", "Crossref"),
    "semantic-scholar": ("Semantic Scholar", "Semantic Scholar"),
}
CONNECTOR_PLATFORMS = {
    "pubmed": "PubMed E-utilities API",
    "scopus": "Scopus Search API",
    "wos": "Web of Science API",
    "primo": "Primo search API",
    "worldcat": "WorldCat Search API",
    "openalex": "OpenAlex API",
    "europepmc": "Europe PMC REST API",
    "crossref": "Crossref REST API",
    "semantic-scholar": "Semantic Scholar Graph API",
}


@dataclass(frozen=True)
class Entry:
    """One checklist row as the report shows it."""

    item: Item
    answer: str  # empty when the review team has to complete it
    filled: bool  # True: drafted by trawl from the data named in `basis`
    basis: str = ""  # where the answer came from
    pending: str = ""  # what is still missing for a full answer (e.g. "no harvest run yet")


def checklist(data: ReportData) -> tuple[Entry, ...]:
    """The 16 PRISMA-S items; 1, 2, 8, 9, 10, 12, 13, 15 and 16 drafted from the data."""
    fill = {
        1: _databases,
        2: _multi_database,
        8: _full_strategies,
        9: _limits,
        10: _filters,
        12: _updates,
        13: _dates,
        15: _totals,
        16: _deduplication,
    }
    entries = []
    for item in ITEMS:
        if item.number in fill:
            answer, basis, pending = fill[item.number](data)
            entries.append(Entry(item, answer, True, basis, pending))
        else:
            entries.append(Entry(item, "", False))
    return tuple(entries)


def platform_of(target: str, route: str | None = None, connector: str | None = None) -> str:
    database, platform = PLATFORMS.get(target, (target, target))
    if route == "api" and connector:
        return CONNECTOR_PLATFORMS.get(connector, f"{connector} API")
    return platform


def _databases(data: ReportData):
    if data.sources:
        parts = [
            f"{s.label}: {platform_of(s.target, s.route, s.connector)} "
            f"({'harvested by trawl' if s.route == 'api' else 'searched by hand, export imported'})"
            for s in data.sources
        ]
        return "; ".join(parts) + ".", "review.toml [sources]", ""
    targets = data.targets.value or ()
    if targets:
        names = [
            f"{PLATFORMS.get(t.target, (t.target, t.target))[0]} "
            f"({PLATFORMS.get(t.target, (t.target, t.target))[1]})"
            for t in targets
        ]
        return (
            "Rendered for: " + "; ".join(names) + ".",
            "the targets of this report",
            "no review.toml: which of these were searched is not recorded",
        )
    return "", "", "no review.toml and no targets"


def _multi_database(data: ReportData):
    if not data.sources:
        return "", "", "no review.toml: the sources are not recorded"
    by_platform: dict[str, list[str]] = {}
    for s in data.sources:
        by_platform.setdefault(platform_of(s.target, s.route, s.connector), []).append(s.label)
    shared = {p: labels for p, labels in by_platform.items() if len(labels) > 1}
    if not shared:
        text = "No: each database was searched on its own, with a strategy rendered for it."
    else:
        text = (
            "Each database was searched separately with its own rendering, including those "
            "sharing a platform: "
            + "; ".join(f"{p}: {', '.join(labels)}" for p, labels in shared.items())
            + "."
        )
    return text, "review.toml [sources]; trawl renders one strategy per database", ""


def _full_strategies(data: ReportData):
    s = data.strategy
    if not s.parsed:
        return (
            f"The strategy as written ({s.path}) is reproduced line by line in this report; "
            f"{s.note or 'it was not parsed'}.",
            "the strategy file",
            "fix the errors and regenerate the report to include each database's rendering",
        )
    rendered = [t for t in (data.targets.value or ()) if t.state == "rendered"]
    runs = data.runs.value or ()
    label = {src.key: src.label for src in data.sources}
    harvested = sorted(
        {label.get(r.source, r.source) for r in runs if r.kind == "harvest" and r.query}
    )
    text = (
        f"The {s.statements}-line strategy ({s.database}) and its rendering for each of "
        f"{len(rendered)} database{'s' if len(rendered) != 1 else ''} are given line by line "
        "in this report (Renderings, line by line)"
    )
    if harvested:
        text += "; the queries sent to " + ", ".join(harvested) + " are recorded with each run"
    return text + ".", "the strategy file, each target's renderer, the store's runs", ""


def _limits(data: ReportData):
    parts = []
    if data.start or data.cutoff:
        start = data.start.isoformat() if data.start else "each database's inception"
        end = data.cutoff.isoformat() if data.cutoff else "the search date"
        parts.append(f"publication date from {start} to {end}")
    if data.languages:
        parts.append("language: " + ", ".join(lang.capitalize() for lang in data.languages))
    limit_lines = [
        ln for ln in data.strategy.lines if ln.text.strip() and "limit " in ln.text.lower()
    ]
    if limit_lines:
        parts.append(
            "in the strategy: "
            + "; ".join(
                f"line {ln.statement or ln.lineno} \u201c{_strip_number(ln.text)}\u201d"
                for ln in limit_lines
            )
        )
    if not parts:
        return (
            "No limits found in the review settings or the strategy.",
            "review.toml and the strategy",
            "add the justification for any limit",
        )
    return (
        "Limits: " + "; ".join(parts) + ".",
        "review.toml (start, cutoff, languages) and the strategy's limit lines",
        "add the justification for each limit",
    )


def _strip_number(text: str) -> str:
    head, _, rest = text.strip().partition(" ")
    return rest.strip() if head.rstrip(".").isdigit() else text.strip()


def _filters(data: ReportData):
    filter_words = (
        "clinical queries",
        "clinical query",
        "randomized controlled trial.pt",
        "filter",
        "hedge",
    )
    hits = [ln for ln in data.strategy.lines if any(w in ln.text.lower() for w in filter_words)]
    if hits:
        return (
            "Possible search filter on line"
            + ("s " if len(hits) > 1 else " ")
            + ", ".join(str(ln.statement or ln.lineno) for ln in hits)
            + ".",
            "the strategy",
            "cite the filter(s) used",
        )
    return (
        "No published search filter is used in the strategy (no clinical-query limit or "
        "filter block detected).",
        "the strategy",
        "confirm",
    )


def _updates(data: ReportData):
    runs = data.runs.value or ()
    parts = []
    if data.schedule:
        until = f" until {data.cutoff.isoformat()}" if data.cutoff else ""
        parts.append(
            f"the review schedules re-runs {data.schedule}{until} (review.toml); each re-run "
            "is a new `trawl harvest` run whose records already stored are counted as known, "
            "not added again"
        )
    per_source: dict[str, int] = {}
    for r in runs:
        per_source[r.source] = per_source.get(r.source, 0) + 1
    reruns = {s: n for s, n in per_source.items() if n > 1}
    if reruns:
        parts.append("re-runs recorded: " + ", ".join(f"{s} \u00d7{n}" for s, n in reruns.items()))
    elif runs:
        parts.append("each source has been run once so far")
    if not parts:
        return "", "", "no schedule in review.toml and no runs in the store"
    pending = "" if runs else "no harvest or import run yet"
    return "; ".join(parts).capitalize() + ".", "review.toml schedule and the store's runs", pending


def _dates(data: ReportData):
    runs = data.runs.value or ()
    if not runs:
        return "", "", data.runs.note or "no harvest or import run yet"
    last: dict[str, str] = {}
    for r in runs:
        when = r.searched or r.started[:10]
        if when and r.status == "complete" and when > last.get(r.source, ""):
            last[r.source] = when
    label = {s.key: s.label for s in data.sources}
    text = "; ".join(f"{label.get(src, src)}: {when[:10]}" for src, when in sorted(last.items()))
    missing = [
        s.label
        for s in data.sources
        if s.key not in last and not any(s.connector == k for k in last)
    ]
    pending = ("not searched yet: " + ", ".join(missing)) if missing else ""
    return (
        text + ".",
        "the store's runs (the day each source was last searched: the date "
        "given at import, the run's date for a harvest)",
        pending,
    )


def _totals(data: ReportData):
    runs = data.runs.value or ()
    if not runs and not data.records_by_source.ok:
        return "", "", data.runs.note or data.records_by_source.note or "nothing stored yet"
    stored = data.records_by_source.value or {}
    label = {s.key: s.label for s in data.sources}
    reported: dict[str, int] = {}
    for r in runs:
        if r.reported_total is not None:
            reported[r.source] = r.reported_total  # the latest run wins
    parts = []
    for src in sorted(set(stored) | set(reported)):
        bits = []
        if src in reported:
            bits.append(f"{reported[src]} reported by the database")
        if src in stored:
            bits.append(f"{stored[src]} stored")
        parts.append(f"{label.get(src, src)}: {', '.join(bits)}")
    total = sum(stored.values())
    text = "; ".join(parts) + f". Total stored: {total}."
    return text, "the store's runs and records", ""


def _deduplication(data: ReportData):
    if not data.prisma.ok:
        return ("", "", data.prisma.note or "deduplication has not been run")
    counts = data.prisma.value.counts
    dedup = counts.get("dedup")
    if not isinstance(dedup, dict):
        return ("", "", "the stored records have not been deduplicated yet (`trawl dedup`)")
    removed = _first(counts, "duplicates_removed")
    identified = _first(counts, "records_identified")
    text = (
        "Records from all sources were deduplicated with trawl (`trawl dedup`): candidate pairs "
        "share a DOI, PMID, title start or end, or first author, year and title word; a pair "
        "is merged on a shared identifier, or on a near-identical title corroborated by year, "
        "first author, journal, volume or pages with no contradiction; conflicting identifiers "
        "never merge, and doubtful pairs are left apart for a person to review. Nothing is "
        "deleted, and each decision is a provenance event"
    )
    if removed is not None:
        text += f"; {removed} duplicate record{'s' if removed != 1 else ''} removed"
        if identified is not None:
            text += f" of {identified} identified"
    when = str(dedup.get("at") or "")[:10]
    text += f" (deduplication run {dedup.get('run')}{', ' + when if when else ''})."
    late = _first(counts, "records_not_deduplicated")
    pending = f"{late} records stored since: run `trawl dedup` again" if late else ""
    return text, "the store's latest deduplication run and its PRISMA counts", pending


def _first(counts: dict, *keys: str):
    for k in keys:
        if isinstance(counts.get(k), int):
            return counts[k]
    return None
