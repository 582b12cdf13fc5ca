"""PRISMA 2020 identification counts, from the store alone, as JSON, CSV and an SVG diagram.

PRISMA 2020's flow diagram starts with "Records identified from databases (n = …)", then
"Records removed before screening: duplicate records removed, records marked as ineligible by
automation tools, records removed for other reasons", then "Records screened". Every number here
is counted from the store: records per source from ``records``, duplicates from the latest
dedup run's clusters, automation marks from ``screening_marks``. The counts add up by
construction and ``counts()`` checks that they do.

The CSV is the template the PRISMA2020 R package and its Shiny app read (columns ``data, node,
box, description, boxtext, tooltips, url, n``; rows keyed by ``data``, e.g. ``database_results``,
``database_specific_results`` as "Name, n; Name, n", ``duplicates``, ``excluded_automatic``,
``records_screened``). Stages trawl cannot know (full-text retrieval, inclusion) are left empty
for the review team to fill in.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping
from html import escape

from trawl.dedup.rules import RULE_LABELS, RULE_ORDER
from trawl.report.export import label

IDENTIFICATION_KINDS = ("harvest", "import")


def counts(store, labels: Mapping[str, str] | None = None) -> dict:
    """The identification and pre-screening counts, as a JSON-ready dict.

    Keys: ``databases`` (list of {source, label, records, runs, reported_total}),
    ``records_identified``, ``duplicates_removed``, ``automation_marked``,
    ``automation_by_rule`` (each marked record counted once, under the first rule in the
    protocol's order, so these add up to ``automation_marked``), ``automation_rule_hits`` (every
    rule a record falls under), ``records_removed_other``, ``records_screened``, ``dedup``
    (the run counted, or None) and ``records_not_deduplicated`` (stored after that run).
    """
    from trawl.dedup.persist import current

    conn = store.connection
    per_source = dict(conn.execute("SELECT source, count(*) FROM records GROUP BY source"))
    runs: Counter[str] = Counter()
    # what each source announced: a repeated search (a harvest re-run, a file imported --again)
    # announces the same records again, so the latest run of each search counts once: the
    # latest complete harvest, plus the latest import of each distinct file
    searches: dict[tuple[str, str], int] = {}
    for run in store.runs():
        if run.kind not in IDENTIFICATION_KINDS or run.status != "complete":
            continue  # a failed or unfinished run identified nothing to report
        runs[run.source] += 1
        if run.reported_total is not None:
            file = run.params.get("file")
            search = "harvest" if run.kind == "harvest" else str(
                (file.get("sha256") if isinstance(file, dict) else file) or run.id)
            searches[(run.source, search)] = run.reported_total
    reported: dict[str, int] = {}
    for (source, _search), total in searches.items():
        reported[source] = reported.get(source, 0) + total
    databases = [
        {
            "source": s,
            "label": label(s, labels),
            "records": per_source.get(s, 0),
            "runs": runs.get(s, 0),
            "reported_total": reported.get(s),
        }
        for s in sorted(set(per_source) | set(runs), key=lambda s: (-per_source.get(s, 0), s))
    ]
    identified = sum(per_source.values())

    state = current(store)
    duplicates = 0
    not_deduplicated = identified
    by_rule = {r: 0 for r in RULE_ORDER}
    hits = {r: 0 for r in RULE_ORDER}
    marked = 0
    if state is not None:
        duplicates = len(state.cluster_of) - len(state.clusters)
        not_deduplicated = identified - len(state.cluster_of)
        for marks in state.marks.values():
            if not marks:
                continue
            marked += 1
            by_rule[marks[0].rule] = by_rule.get(marks[0].rule, 0) + 1
            for mk in marks:
                hits[mk.rule] = hits.get(mk.rule, 0) + 1
    screened = identified - duplicates - marked
    out = {
        "databases": databases,
        "records_identified": identified,
        "duplicates_removed": duplicates,
        "automation_marked": marked,
        "automation_by_rule": by_rule,
        "automation_rule_hits": hits,
        "automation_rule_labels": {r: RULE_LABELS.get(r, r) for r in by_rule},
        "records_removed_other": 0,
        "records_screened": screened,
        "dedup": None
        if state is None
        else {"run": state.run_id, "at": state.started_at, "clusters": len(state.clusters)},
        "records_not_deduplicated": not_deduplicated,
    }
    if (
        identified != duplicates + marked + out["records_removed_other"] + screened
        or sum(by_rule.values()) != marked
    ):  # cannot happen unless the dedup tables were edited by hand
        raise RuntimeError(f"PRISMA counts do not add up: {out}")
    return out


# Row order and wording of the PRISMA2020 template; n is filled where trawl knows it.
_TEMPLATE = (
    ("NA", "node4", "prevstud", "Grey title box; Previous studies", "Previous studies"),
    (
        "previous_studies",
        "node5",
        "box1",
        "Studies included in previous version of review",
        "Studies included in previous version of review",
    ),
    (
        "previous_reports",
        "NA",
        "box1",
        "Reports of studies included in previous version of review",
        "Reports of studies included in previous version of review",
    ),
    (
        "NA",
        "node6",
        "newstud",
        "Yellow title box; Identification of new studies via databases and registers",
        "Identification of new studies via databases and registers",
    ),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases"),
    (
        "database_specific_results",
        "NA",
        "box2",
        "Records identified from: specific databases",
        "Specific Databases",
    ),
    ("register_results", "NA", "box2", "Records identified from: Registers", "Registers"),
    (
        "register_specific_results",
        "NA",
        "box2",
        "Records identified from: specific registers",
        "Specific Registers",
    ),
    (
        "NA",
        "node16",
        "othstud",
        "Grey title box; Identification of new studies via other methods",
        "Identification of new studies via other methods",
    ),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites"),
    (
        "organisation_results",
        "NA",
        "box11",
        "Records identified from: Organisations",
        "Organisations",
    ),
    (
        "citations_results",
        "NA",
        "box11",
        "Records identified from: Citation searching",
        "Citation searching",
    ),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records"),
    (
        "excluded_automatic",
        "NA",
        "box3",
        "Records marked as ineligible by automation tools",
        "Records marked as ineligible by automation tools",
    ),
    (
        "excluded_other",
        "NA",
        "box3",
        "Records removed for other reasons",
        "Records removed for other reasons",
    ),
    (
        "records_screened",
        "node9",
        "box4",
        "Records screened (databases and registers)",
        "Records screened",
    ),
    (
        "records_excluded",
        "node10",
        "box5",
        "Records excluded (databases and registers)",
        "Records excluded",
    ),
    (
        "dbr_sought_reports",
        "node11",
        "box6",
        "Reports sought for retrieval (databases and registers)",
        "Reports sought for retrieval",
    ),
    (
        "dbr_notretrieved_reports",
        "node12",
        "box7",
        "Reports not retrieved (databases and registers)",
        "Reports not retrieved",
    ),
    (
        "other_sought_reports",
        "node18",
        "box12",
        "Reports sought for retrieval (other)",
        "Reports sought for retrieval",
    ),
    (
        "other_notretrieved_reports",
        "node19",
        "box13",
        "Reports not retrieved (other)",
        "Reports not retrieved",
    ),
    (
        "dbr_assessed",
        "node13",
        "box8",
        "Reports assessed for eligibility (databases and registers)",
        "Reports assessed for eligibility",
    ),
    (
        "dbr_excluded",
        "node14",
        "box9",
        "Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx]",
        "Reports excluded",
    ),
    (
        "other_assessed",
        "node20",
        "box14",
        "Reports assessed for eligibility (other)",
        "Reports assessed for eligibility",
    ),
    (
        "other_excluded",
        "node21",
        "box15",
        "Reports excluded (other): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx]",
        "Reports excluded",
    ),
    (
        "new_studies",
        "node15",
        "box10",
        "New studies included in review",
        "New studies included in review",
    ),
    (
        "new_reports",
        "NA",
        "box10",
        "Reports of new included studies",
        "Reports of new included studies",
    ),
    (
        "total_studies",
        "node22",
        "box16",
        "Total studies included in review",
        "Total studies included in review",
    ),
    (
        "total_reports",
        "NA",
        "box16",
        "Reports of total included studies",
        "Reports of total included studies",
    ),
    ("identification", "node1", "identification", "Blue identification box", "Identification"),
    ("screening", "node2", "screening", "Blue screening box", "Screening"),
    ("included", "node3", "included", "Blue included box", "Included"),
)


def _list_value(pairs) -> str:
    """The template's list syntax: 'Name, n; Name, n' (commas and semicolons in names removed)."""
    return "; ".join(f"{name.replace(',', ' ').replace(';', ' ')}, {n}" for name, n in pairs)


def to_csv(c: dict) -> str:
    known = {
        "database_results": c["records_identified"],
        "database_specific_results": _list_value(
            (d["label"], d["records"]) for d in c["databases"]
        ),
        "register_results": 0,
        "duplicates": c["duplicates_removed"],
        "excluded_automatic": c["automation_marked"],
        "excluded_other": c["records_removed_other"],
        "records_screened": c["records_screened"],
        "identification": 0,
        "screening": 0,
        "included": 0,
    }
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"])
    for data, node, box, description, boxtext in _TEMPLATE:
        tooltip = description if node != "NA" else "NA"
        url = f"{data}.html" if data != "NA" else f"{box}.html"
        n = known.get(data, "")
        if data == "NA":
            n = 0
        w.writerow([data, node, box, description, boxtext, tooltip, url, n])
    return buf.getvalue()


# -- SVG -------------------------------------------------------------------------------------

_W, _PAD, _LINE = 880, 12, 18


def _box(x: int, y: int, w: int, lines: list[str], min_h: int = 0) -> tuple[str, int]:
    """A box of text lines; leading spaces indent (SVG collapses them, so they become offsets)."""
    h = max(min_h, _PAD * 2 + _LINE * len(lines))
    parts = [f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="#fff" stroke="#000"/>']
    for i, text in enumerate(lines):
        indent = (len(text) - len(text.lstrip(" "))) * 6
        weight = ' font-weight="bold"' if i == 0 else ""
        parts.append(
            f'<text x="{x + _PAD + indent}" y="{y + _PAD + _LINE * (i + 1) - 5}"{weight}>'
            f"{escape(text.strip())}</text>"
        )
    return "\n".join(parts), h


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#000" marker-end="url(#arrow)"/>'


def flow_svg(c: dict) -> str:
    """The identification and screening part of the PRISMA 2020 flow diagram, self-contained."""
    left_x, left_w, right_x, right_w = 110, 320, 470, 390
    ident = [f"Records identified from databases (n = {c['records_identified']})"]
    ident += [f"  {d['label']} (n = {d['records']})" for d in c["databases"]]
    removed = [
        "Records removed before screening:",
        f"  Duplicate records removed (n = {c['duplicates_removed']})",
        f"  Marked ineligible by automation tools (n = {c['automation_marked']})",
    ]
    removed += [
        f"    {c['automation_rule_labels'].get(r, r)} (n = {n})"
        for r, n in c["automation_by_rule"].items()
        if n
    ]
    removed.append(f"  Records removed for other reasons (n = {c['records_removed_other']})")
    screened = [f"Records screened (n = {c['records_screened']})"]

    top = 50
    b1, h1 = _box(left_x, top, left_w, ident, min_h=120)
    b2, h2 = _box(right_x, top, right_w, removed)
    row_h = max(h1, h2)
    y2 = top + row_h + 50
    b3, h3 = _box(left_x, y2, left_w, screened, min_h=100)
    if c.get("records_not_deduplicated"):
        note = f"{c['records_not_deduplicated']} record(s) stored after the last `trawl dedup` are counted as unique"
    else:
        note = ""
    height = y2 + h3 + (60 if note else 30)
    band = lambda y, h, text: (  # noqa: E731 - a tiny local drawing helper
        f'<rect x="10" y="{y}" width="70" height="{h}" fill="#c6dbef" stroke="#000"/>'
        f'<text x="45" y="{y + h / 2}" transform="rotate(-90 45 {y + h / 2})" '
        f'text-anchor="middle" font-weight="bold">{text}</text>'
    )
    body = [
        '<text x="110" y="30" font-weight="bold">Identification of studies via databases and registers</text>',
        band(top, row_h, "Identification"),
        band(y2, h3, "Screening"),
        b1,
        b2,
        b3,
        _arrow(left_x + left_w, top + h1 // 2, right_x, top + h1 // 2),
        _arrow(left_x + left_w // 2, top + h1, left_x + left_w // 2, y2),
    ]
    if note:
        body.append(f'<text x="110" y="{y2 + h3 + 35}" font-style="italic">{escape(note)}</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{height}" '
        f'viewBox="0 0 {_W} {height}" font-family="Helvetica, Arial, sans-serif" font-size="13">\n'
        "<title>PRISMA 2020 flow diagram: identification and screening</title>\n"
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>\n'
        + "\n".join(body)
        + "\n</svg>\n"
    )
