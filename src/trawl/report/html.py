"""The validation report as one self-contained HTML page.

Self-contained means an auditor can keep the file and open it anywhere, years later, offline:
the stylesheet is inlined, the PRISMA diagram is inline SVG, and the page names no URL a browser
would fetch (no fonts, images, scripts or links to the network). Everything shown is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any

from trawl.query.diagnostics import Diagnostic
from trawl.report import prisma_s
from trawl.report.data import (
    VOCABULARY_NAMES,
    Part,
    ReportData,
    RunView,
    TargetView,
    code_index,
    code_summary,
    origin_note,
    strategy_match,
)

SEVERITIES = ("error", "warning", "info")
# The page may fetch nothing: its style is inline, its diagram inline SVG (data: images allowed).
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _css() -> str:
    return resources.files("trawl.report").joinpath("templates/report.css").read_text("utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _state(state: str) -> str:
    return f'<span class="state state-{_slug(state)}">{_e(state)}</span>'


def _counts(diagnostics: Iterable[Diagnostic]) -> str:
    diags = list(diagnostics)
    out = []
    for sev in SEVERITIES:
        n = sum(1 for d in diags if d.severity == sev)
        cls = sev if n else f"{sev} zero"
        out.append(f'<span class="count {cls}" title="{n} {sev}">{n} {sev[0].upper()}</span>')
    return '<span class="counts">' + "".join(out) + "</span>"


def _diag_list(
    diagnostics: Iterable[Diagnostic], *, line: int | None = None, show_target: bool = False
) -> str:
    """Findings, each: severity, code, where, message, the code's one-line explanation, fix.

    ``line`` is the line the list sits under: its number is not repeated, only the column.
    """
    items = []
    for d in diagnostics:
        sev = str(d.severity)
        where = []
        if d.line is not None and d.line != line:
            where.append(f"line {d.line}")
        if d.column is not None:
            where.append(f"col {d.column}")
        if show_target and d.target:
            where.append(d.target)
        summary = code_summary(d.code)
        items.append(
            f'<li class="diag {sev}" data-code="{_e(d.code)}" data-line="{_e(d.line)}">'
            f'<span class="sev">{_e(sev)}</span><span class="dcode">{_e(d.code)}</span>'
            + (f'<span class="where">{_e(", ".join(where))}</span>' if where else "")
            + f'<span class="message">{_e(d.message)}</span>'
            + (f'<span class="fix">fix: <code>{_e(d.fix)}</code></span>' if d.fix else "")
            + (
                f'<span class="summary" title="{_e(d.code)}">{_e(summary)}</span>'
                if summary
                else ""
            )
            + "</li>"
        )
    return '<ul class="diags">' + "".join(items) + "</ul>" if items else ""


def _worst(diagnostics: Iterable[Diagnostic]) -> str:
    sevs = {str(d.severity) for d in diagnostics}
    return next((f" has-{s}" for s in SEVERITIES if s in sevs), "")


def _part_note(part: Part) -> str:
    return f'<p class="note">{_state(part.state)} {_e(part.note)}</p>'


def render_html(data: ReportData) -> str:
    """The whole page for one ReportData."""
    body = [
        _header(data),
        _toc(data),
        "<main>",
        _summary(data),
        _strategy(data),
        _renderings(data),
        _crosswalk(data),
        _runs(data),
        _provenance(data),
        _prisma(data),
        _checklist(data),
        "</main>",
        _footer(data),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # forbid every fetch: the page is complete as it is (inline style only)
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        f"<title>Validation report: {_e(data.title)}</title>"
        f"<style>{_css()}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _header(data: ReportData) -> str:
    s = data.strategy
    meta = [
        ("Review", data.review_name or "(no review.toml)"),
        ("Strategy", s.path),
        ("Strategy sha256", s.sha256),
        ("Written for", s.database),
    ]
    if data.workspace:
        meta.append(("Workspace", data.workspace))
    if data.cutoff or data.start:
        meta.append(("Dates", f"{data.start or 'inception'} to {data.cutoff or '(no cutoff)'}"))
    if data.languages:
        meta.append(("Languages", ", ".join(data.languages)))
    meta += [("Generated", data.generated), ("trawl", data.tool_version)]
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in meta)
    return (
        '<header class="page">'
        f"<h1>Validation report: {_e(data.title)}</h1>"
        '<p class="subtitle">The search strategy, its rendering for every database, each '
        "diagnostic at its place, the runs and the provenance check, for the review team and "
        "its auditors.</p>"
        f'<dl class="meta">{rows}</dl></header>'
    )


def _toc(data: ReportData) -> str:
    links = [
        ("summary", "Summary"),
        ("strategy", "Strategy"),
        ("renderings", "Renderings"),
        ("crosswalk", "Heading crosswalk"),
        ("runs", "Runs"),
        ("provenance", "Provenance"),
        ("prisma-flow", "PRISMA flow"),
        ("prisma-s", "PRISMA-S checklist"),
    ]
    return '<nav class="toc">' + "".join(f'<a href="#{a}">{_e(t)}</a>' for a, t in links) + "</nav>"


def _summary(data: ReportData) -> str:
    s = data.strategy
    out = ['<section id="summary"><h2>Summary</h2>']
    size = f"{s.statements} statements" if s.parsed else f"{len(s.lines)} lines"
    state = _state("parsed") if s.parsed else _state("not parsed")
    out.append(
        f"<p>Strategy: {size} {state} &middot; the front end&#39;s findings "
        f"{_counts(s.diagnostics)}" + (f" &mdash; {_e(s.note)}" if s.note else "") + "</p>"
    )
    if data.provenance.ok:
        v = data.provenance.value
        verdict = _state("verified") if v.ok else '<span class="state state-failed">BROKEN</span>'
        out.append(f'<p>Provenance chain: {verdict} <a href="#provenance">details</a></p>')
    out.append(
        '<p class="legend">Counts: <span class="count error">E</span> errors, '
        '<span class="count warning">W</span> warnings (a possible change of meaning), '
        '<span class="count info">I</span> information (how a line was translated).</p>'
    )
    if not data.targets.ok:
        out.append(_part_note(data.targets))
    else:
        out.append(
            '<table class="targets"><thead><tr><th>Target</th><th>Source in the review'
            '</th><th>Status</th><th>Diagnostics</th><th class="num">Hits (final line)'
            "</th></tr></thead><tbody>"
        )
        for t in data.targets.value:
            final = next((r.hits for r in reversed(t.rows) if r.hits is not None), None)
            src = data.source_for_target(t.target)
            out.append(
                f'<tr data-target="{_e(t.target)}"><td><a href="#target-{_e(t.target)}" '
                f'class="code">{_e(t.target)}</a></td><td>{_e(src.label if src else "")}</td>'
                f"<td>{_state(t.state)}</td><td>{_counts(t.diagnostics)}</td>"
                f'<td class="num">{_e(final if final is not None else "")}</td></tr>'
            )
        out.append("</tbody></table>")
    out.append(_code_index(data))
    out.append("</section>")
    return "".join(out)


def _code_index(data: ReportData) -> str:
    rows = code_index(data)
    if not rows:
        return ""
    body = "".join(
        f'<tr><td><span class="count {_e(r.severity)}">{_e(r.severity)}</span></td>'
        f'<td class="code">{_e(r.code)}</td><td>{_e(r.summary)}</td>'
        f'<td class="num">{r.count}</td><td>{_e(", ".join(r.targets))}</td></tr>'
        for r in rows
    )
    return (
        "<details open><summary>Every diagnostic code in this report</summary>"
        '<table class="codes"><thead><tr><th>Severity</th><th>Code</th><th>Meaning</th>'
        f'<th class="num">n</th><th>Where</th></tr></thead><tbody>{body}</tbody></table>'
        "</details>"
    )


def _strategy(data: ReportData) -> str:
    s = data.strategy
    out = [
        '<section id="strategy"><h2>Strategy as written</h2>',
        f'<p>File <span class="code">{_e(s.path)}</span>, written for {_e(s.database)}. '
        "Each line is shown exactly as in the file, with the front end's findings under it."
        "</p>",
    ]
    if s.note:
        out.append(
            f'<p class="note">{_state("not rendered" if not s.parsed else "ok")} {_e(s.note)}</p>'
        )
    if s.general:
        out.append("<p>For the whole strategy:</p>" + _diag_list(s.general))
    out.append(
        '<table class="lines source"><thead><tr><th class="num">File line</th>'
        '<th class="num">#</th><th>Ovid</th></tr></thead><tbody>'
    )
    for ln in s.lines:
        out.append(
            f'<tr class="line{_worst(ln.diagnostics)}" id="src-{ln.lineno}" '
            f'data-line="{ln.lineno}"><td class="num">{ln.lineno}</td>'
            f'<td class="num">{_e(ln.statement if ln.statement is not None else "")}</td>'
            f'<td class="code">{_e(ln.text)}</td></tr>'
        )
        if ln.diagnostics:
            out.append(
                f'<tr class="diagnostics" data-line="{ln.lineno}"><td colspan="3">'
                f"{_diag_list(ln.diagnostics, line=ln.lineno)}</td></tr>"
            )
    out.append("</tbody></table></section>")
    return "".join(out)


def _renderings(data: ReportData) -> str:
    out = [
        '<section id="renderings"><h2>Renderings, line by line</h2>',
        "<p>Each database's search-history form beside the strategy as written. Diagnostics "
        "sit under the line they concern. Hits: per line where the pasted search history "
        "gave them (the database the strategy was written for) or a line count was run; for "
        "the final line, the total the database reported in the latest complete harvest.</p>",
    ]
    if not data.targets.ok:
        out.append(_part_note(data.targets))
    else:
        for t in data.targets.value:
            out.append(_target(t))
    out.append("</section>")
    return "".join(out)


def _target(t: TargetView) -> str:
    label = t.label if t.label != t.target else t.target
    out = [
        f'<section class="target" id="target-{_e(t.target)}" data-target="{_e(t.target)}">'
        f'<h3>{_e(label)} <span class="target-name">{_e(t.target)}</span> {_state(t.state)} '
        f"{_counts(t.diagnostics)}</h3>"
    ]
    if t.note:
        out.append(f'<p class="note">{_e(t.note)}</p>')
    if t.general:
        out.append("<p>For the whole strategy:</p>" + _diag_list(t.general))
    out.append(
        '<table class="lines rendering"><thead><tr><th class="num">#</th><th>Ovid (as written)'
        f'</th><th data-target="{_e(t.target)}">{_e(t.target)}</th>'
        '<th class="num">Hits</th></tr></thead><tbody>'
    )
    for r in t.rows:
        rendered = (
            f'<td class="code rendered">{_e(r.text)}</td>'
            if r.text is not None
            else f'<td class="missing"><a href="#src-{r.source_lineno}">'
            f"{_e(r.reason or 'not rendered')}</a></td>"
            if r.source_lineno is not None
            else f'<td class="missing">{_e(r.reason or "not rendered")}</td>'
        )
        out.append(
            f'<tr class="line{_worst(r.diagnostics)}{" added" if r.added else ""}" '
            f'data-statement="{r.statement}"><td class="num">{r.statement}</td>'
            f'<td class="{"missing" if r.added else "code"}">{_e(r.source)}</td>{rendered}'
            f'<td class="num">{_e(r.hits if r.hits is not None else "")}</td></tr>'
        )
        if r.diagnostics:
            out.append(
                f'<tr class="diagnostics" data-statement="{r.statement}"><td></td>'
                f'<td colspan="3">{_diag_list(r.diagnostics, line=r.source_lineno)}</td></tr>'
            )
    out.append("</tbody></table>")
    if t.state == "rendered":
        queries = t.queries if len(t.queries) > 1 else (t.query,)
        out.append(
            "<details><summary>The query as one string (what the database or its API "
            f"receives{', split in ' + str(len(queries)) + ' parts' if len(queries) > 1 else ''})"
            "</summary>" + "".join(f'<pre class="query">{_e(q)}</pre>' for q in queries)
        )
        if t.query_param:
            out.append(
                f'<p>The query goes into the API parameter <span class="code">'
                f"{_e(t.query_param)}</span>.</p>"
            )
        if t.api_params:
            out.append(
                "<p>Sent as API parameters: "
                + ", ".join(
                    f'<span class="code">{_e(k)}={_e(v)}</span>' for k, v in t.api_params.items()
                )
                + "</p>"
            )
        out.append("</details>")
    out.append("</section>")
    return "".join(out)


def _crosswalk(data: ReportData) -> str:
    out = ['<section id="crosswalk"><h2>Subject-heading crosswalk</h2>']
    part = data.crosswalk
    if not part.ok:
        out.append(_part_note(part))
    else:
        vocabs = list(dict.fromkeys(v for row in part.value for v in row.cells))
        out.append(
            "<p>Every heading of the strategy and its counterpart in the other "
            "vocabularies, as the renderers use it. A relation other than <em>exact</em> "
            "changes what the line finds.</p>"
        )
        out.append(
            '<table class="crosswalk"><thead><tr><th class="num">#</th><th>Heading</th>'
            + "".join(f"<th>{_e(VOCABULARY_NAMES.get(v, v))}</th>" for v in vocabs)
            + "</tr></thead><tbody>"
        )
        for row in part.value:
            cells = []
            for v in vocabs:
                c = row.cells.get(v)
                if c is None:
                    cells.append("<td></td>")
                    continue
                cls = (
                    "ok"
                    if c.relation == "exact"
                    else ("not-run" if c.relation != "none" else "failed")
                )
                text = _e(c.label) if c.label else "<em>no equivalent</em>"
                cells.append(
                    f"<td>{text}{' (exploded)' if c.explode and c.label else ''} "
                    f'<span class="state state-{cls}">{_e(c.relation)}</span>'
                    + (f"<br><small>{_e(c.note)}</small>" if c.note else "")
                    + "</td>"
                )
            out.append(
                f'<tr><td class="num">{row.statement}</td><td class="code">'
                f"{_e(row.heading)}</td>{''.join(cells)}</tr>"
            )
        out.append("</tbody></table>")
    out.append("</section>")
    return "".join(out)


def _runs(data: ReportData) -> str:
    out = ['<section id="runs"><h2>Harvest and import runs</h2>']
    part = data.runs
    if not part.ok:
        out.append(_part_note(part))
    else:
        out.append(
            '<table class="runs"><thead><tr><th class="num">Run</th><th>Kind</th>'
            "<th>Source</th><th>Searched</th><th>Started</th><th>Finished</th><th>Status</th>"
            '<th>Query and file</th><th class="num">Reported</th>'
            '<th class="num">Retrieved</th></tr></thead><tbody>'
        )
        for r in part.value:
            status_cls = {"complete": "ok", "failed": "failed"}.get(r.status, "not-run")
            note = f"<br><small>{_e(r.note)}</small>" if r.note else ""
            query = _query_cell(r, data.strategy.sha256)
            file = f"<br><small>file: {_e(r.file)}</small>" if r.file else ""
            reported = "" if r.reported_total is None else r.reported_total
            retrieved = "" if r.retrieved is None else r.retrieved
            out.append(
                f'<tr><td class="num">{r.id}</td><td>{_e(r.kind)}</td><td>{_e(r.source)}</td>'
                f'<td class="when">{_e(r.searched)}</td><td class="when">{_e(r.started)}</td>'
                f'<td class="when">{_e(r.finished)}</td>'
                f'<td><span class="state state-{status_cls}">{_e(r.status)}</span>{note}</td>'
                f"<td>{query}{file}</td>"
                f'<td class="num">{reported}</td><td class="num">{retrieved}</td></tr>'
            )
        out.append("</tbody></table>")
    rec = data.records_by_source
    if rec.ok:
        out.append(
            "<p>Records in the store by source: "
            + ", ".join(f"{_e(k)} {v}" for k, v in rec.value.items())
            + f" (total {sum(rec.value.values())}).</p>"
        )
    out.append("</section>")
    return "".join(out)


def _query_cell(r: RunView, sha256: str) -> str:
    """A run's query: short ones in full, long ones folded under their first line."""
    notes = [n for n in (origin_note(r), strategy_match(r, sha256)) if n]
    origin = "".join(f"<br><small>{_e(n)}</small>" for n in notes)
    if not r.query:
        return "<em>no query recorded</em>" + origin
    if len(r.query) <= 160 and "\n" not in r.query:
        return f'<span class="code">{_e(r.query)}</span>{origin}'
    first = r.query.splitlines()[0]
    head = first if len(first) <= 80 else first[:80] + "\u2026"
    return (
        f'<details><summary class="code">{_e(head)}</summary>'
        f'<pre class="query">{_e(r.query)}</pre></details>{origin}'
    )


def _provenance(data: ReportData) -> str:
    out = ['<section id="provenance"><h2>Provenance chain</h2>']
    part = data.provenance
    if not part.ok:
        out.append(_part_note(part))
    else:
        v = part.value
        if v.ok:
            n = f" ({v.events} events)" if v.events is not None else ""
            out.append(
                f'<p class="verify ok">Verified{_e(n)}: every event&#39;s hash links to '
                "the one before it, and every stored run, payload and record matches "
                "the event that describes it.</p>"
            )
        else:
            out.append(
                f'<p class="verify bad">BROKEN at event {_e(v.first_bad_seq)}: {_e(v.reason)}</p>'
            )
            if len(v.problems) > 1:
                out.append("<ul>" + "".join(f"<li>{_e(p)}</li>" for p in v.problems) + "</ul>")
        if v.checked:
            out.append(
                "<p>Checked: "
                + ", ".join(f"{_e(k)} {_e(n)}" for k, n in v.checked.items())
                + ".</p>"
            )
        if v.head:
            out.append(
                f'<p>Chain head <span class="code">{_e(v.head)}</span>. Keep it outside '
                "the store; <code>trawl audit verify --expect-head "
                f"{_e(v.head)}</code> later proves the log was not rewritten since.</p>"
            )
        if data.store_path:
            out.append(f'<p>Store: <span class="code">{_e(data.store_path)}</span>.</p>')
    out.append("</section>")
    return "".join(out)


def _prisma(data: ReportData) -> str:
    out = ['<section id="prisma-flow"><h2>PRISMA 2020 flow diagram</h2>']
    part = data.prisma
    if not part.ok:
        out.append(_part_note(part))
    else:
        if part.value.svg:
            out.append(f'<figure class="flow">{_inline_svg(part.value.svg)}</figure>')
        else:
            out.append(f'<p class="note">{_e(part.value.svg_note)}</p>')
        out.append(
            '<table class="prisma"><tbody>'
            + "".join(
                f'<tr><th>{_e(k)}</th><td class="num">{_e(v)}</td></tr>' for k, v in part.value.rows
            )
            + "</tbody></table>"
        )
    out.append("</section>")
    return "".join(out)


def _inline_svg(svg: str) -> str:
    """The diagram as inline markup: drop an XML prolog, which is not allowed inside HTML."""
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    return re.sub(r"^\s*<!DOCTYPE[^>]*>\s*", "", svg)


def _checklist(data: ReportData) -> str:
    out = [
        '<section id="prisma-s"><h2>PRISMA-S checklist</h2>',
        "<p>PRISMA-S (Rethlefsen et al., <em>Systematic Reviews</em> 2021;10:39). Items "
        "drafted by trawl say where their answer came from; check them. Hatched fields are "
        "for the review team to complete.</p>",
        '<table class="checklist"><thead><tr><th class="num">#</th><th>Item</th>'
        "<th>Checklist item</th><th>Reported</th></tr></thead><tbody>",
    ]
    section = None
    for entry in prisma_s.checklist(data):
        item = entry.item
        if item.section != section:
            section = item.section
            out.append(f'<tr><th colspan="4">{_e(section)}</th></tr>')
        if entry.filled and entry.answer:
            answer = (
                f'<td class="answer filled">{_e(entry.answer)}'
                f'<span class="basis">From: {_e(entry.basis)}</span>'
                + (
                    f'<span class="pending">To do: {_e(entry.pending)}</span>'
                    if entry.pending
                    else ""
                )
                + "</td>"
            )
        elif entry.filled:
            answer = f'<td class="answer todo">Not available yet: {_e(entry.pending)}</td>'
        else:
            answer = '<td class="answer todo">To complete by the review team</td>'
        out.append(
            f'<tr data-item="{item.number}"><td class="num">{item.number}</td>'
            f"<td>{_e(item.name)}</td><td>{_e(item.text)}</td>{answer}</tr>"
        )
    out.append("</tbody></table></section>")
    return "".join(out)


def _footer(data: ReportData) -> str:
    return (
        f'<footer class="page">Generated by trawl {_e(data.tool_version)} at '
        f"{_e(data.generated)}. Diagnostic codes are explained in docs/diagnostics.md. "
        "This file is self-contained: it loads nothing from the network.</footer>"
    )
