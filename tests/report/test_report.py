"""The validation report: what it shows for an empty workspace, a full one and a broken strategy.

The browser test (test_browser.py) checks the page in Chromium; these tests check the data and
both writers without a browser.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import SEED
from trawl.query.diagnostics import CODES
from trawl.report import prisma_s
from trawl.report.data import gather
from trawl.report.html import render_html
from trawl.report.markdown import render_markdown


@pytest.fixture(scope="module")
def seed_workspace(tmp_path_factory) -> Path:
    from trawl.report.example import build_example_workspace

    return build_example_workspace(tmp_path_factory.mktemp("seed") / "psw-coproduction")


@pytest.fixture
def strategy_only(tmp_path) -> Path:
    """An empty workspace: a directory holding nothing but the seed strategy."""
    ws = tmp_path / "empty"
    ws.mkdir()
    shutil.copy(SEED / "strategy.ovid", ws / "strategy.ovid")
    return ws


class _Fetches(HTMLParser):
    """Every attribute of the page a browser would fetch from somewhere."""

    FETCHING = {
        ("img", "src"),
        ("script", "src"),
        ("link", "href"),
        ("iframe", "src"),
        ("source", "src"),
        ("video", "src"),
        ("audio", "src"),
        ("object", "data"),
        ("embed", "src"),
        ("image", "href"),
        ("use", "href"),
        ("image", "xlink:href"),
    }

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if (tag, name) in self.FETCHING and value and not value.startswith(("#", "data:")):
                self.found.append(f"<{tag} {name}={value}>")


def _fetches(page: str) -> _Fetches:
    parser = _Fetches()
    parser.feed(page)
    return parser


# -- an empty workspace: only a strategy -----------------------------------------------------------


def test_strategy_only_workspace_reports_every_section_cleanly(strategy_only):
    data = gather(workspace=strategy_only)
    assert data.strategy.parsed
    assert data.strategy.statements == 49
    assert data.targets.ok and len(data.targets.value) == 16  # no review: every target
    for part in (data.runs, data.provenance, data.prisma, data.records_by_source):
        assert part.state == "not run" and part.note
    page = render_html(data)
    md = render_markdown(data)
    for text in (page, md):
        assert "not run" in text
        assert "no store yet" in text
    # each strategy line is in both, exactly as written
    for line in (strategy_only / "strategy.ovid").read_text(encoding="utf-8").splitlines():
        if line.strip():
            assert _html_text(line) in page
            assert line.replace("|", "\\|") in md


def test_freshly_initialised_workspace(tmp_path):
    """`trawl init` then a strategy: an empty store is "not run", its log still verified."""
    from trawl.store.workspace import init_workspace

    ws = init_workspace(tmp_path / "new-review").workspace.root
    shutil.copy(SEED / "strategy.ovid", ws / "strategy.ovid")
    data = gather(workspace=ws)
    assert data.strategy.parsed and data.targets.ok
    assert data.runs.state == "not run" and "no harvest or import" in data.runs.note
    assert data.prisma.state == "not run" and data.records_by_source.state == "not run"
    assert data.provenance.ok and data.provenance.value.ok
    entries = {e.item.number: e for e in prisma_s.checklist(data)}
    assert entries[13].pending and not entries[13].answer
    md = render_markdown(data)
    assert "_not run: no harvest or import has been run yet_" in md


def test_lone_strategy_file_without_workspace(tmp_path):
    data = gather(strategy=SEED / "strategy.ovid", targets=["pubmed", "scopus"])
    assert [t.target for t in data.targets.value] == ["pubmed", "scopus"]
    assert data.runs.state == "not run" and "no workspace" in data.runs.note
    page = render_html(data)
    assert 'id="target-pubmed"' in page and 'id="target-scopus"' in page


def test_report_page_is_self_contained(strategy_only):
    page = render_html(gather(workspace=strategy_only))
    fetches = _fetches(page)
    assert fetches.found == []
    assert "link" not in fetches.tags and "script" not in fetches.tags
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # and the page forbids any fetch it might still make


# -- the seed review, built from recorded exports and cassettes ----------------------------------


def test_seed_report_shows_every_line_beside_every_target(seed_workspace):
    from trawl.review import Review

    review = Review.load(seed_workspace)
    data = gather(workspace=seed_workspace)
    assert data.strategy.parsed and data.strategy.statements == 49
    assert [t.target for t in data.targets.value] == [s.target for s in review.sources.values()]
    for t in data.targets.value:
        assert t.state == "rendered", (t.target, t.note)
        numbers = [r.statement for r in t.rows if not r.added]
        assert numbers == list(range(1, 50)), t.target
        assert all(r.text for r in t.rows), t.target
        # every renderer diagnostic is shown exactly once, at its line or for the whole strategy
        assert len(t.diagnostics) == len(
            __import__("trawl.dialects", fromlist=["get_dialect"])
            .get_dialect(t.target)
            .render(
                __import__("trawl.query", fromlist=["parse_strategy"]).parse_strategy(
                    (seed_workspace / "strategy.ovid").read_text(encoding="utf-8")
                ),
                review=review,
            )
            .diagnostics
        )


def test_seed_report_diagnostics_sit_at_their_line_with_their_explanation(seed_workspace):
    data = gather(workspace=seed_workspace)
    page = render_html(data)
    placed = [(t, r, d) for t in data.targets.value for r in t.rows for d in r.diagnostics]
    assert placed, "the seed strategy loses meaning somewhere; the report must say where"
    for _t, r, d in placed:
        assert r.source_lineno is not None and d.line is not None
        assert r.statement == d.line or r.source_lineno == d.line
    from trawl.report.data import code_index

    index = {r.code: r for r in code_index(data)}
    for t, _r, d in placed:  # every code placed in a target is in the index, with that target
        assert t.target in index[d.code].targets
    assert sum(r.count for r in index.values()) == len(data.strategy.diagnostics) + sum(
        len(t.diagnostics) for t in data.targets.value
    )
    section = _section(page, f'id="target-{placed[0][0].target}"')
    d = placed[0][2]
    assert f'data-code="{d.code}"' in section
    assert _html_text(CODES[d.code].summary) in section


def test_seed_report_has_runs_provenance_and_prisma(seed_workspace):
    data = gather(workspace=seed_workspace)
    assert data.runs.ok and len(data.runs.value) >= 2
    assert {r.kind for r in data.runs.value} >= {"import"}
    assert all(r.started for r in data.runs.value)
    assert data.records_by_source.ok and sum(data.records_by_source.value.values()) > 0
    assert data.provenance.ok and data.provenance.value.ok
    assert re.fullmatch(r"\d+:[0-9a-f]{64}", data.provenance.value.head)
    md = render_markdown(data)
    assert "**Verified**" in md and data.provenance.value.head in md
    harvests = [r for r in data.runs.value if r.kind == "harvest"]
    assert harvests and all(r.strategy_sha256 == data.strategy.sha256 for r in harvests)
    assert md.count("rendered from this report's strategy text") == len(harvests)
    other = gather(workspace=seed_workspace, strategy=SEED / "as-published.txt")
    assert "rendered from a DIFFERENT strategy text" in render_markdown(other)
    for run in data.runs.value:
        assert f"| {run.id} | {run.kind} | {run.source} | {run.searched} | {run.started} |" in md


def test_seed_report_crosswalk_lists_every_heading(seed_workspace):
    from trawl.query import parse_strategy
    from trawl.query.ast import Heading, walk

    strategy = parse_strategy((seed_workspace / "strategy.ovid").read_text(encoding="utf-8"))
    headings = [
        (st.number, node.label)
        for st in strategy.statements
        for node in walk(st.expr)
        if isinstance(node, Heading)
    ]
    data = gather(workspace=seed_workspace)
    assert data.crosswalk.ok
    assert [(row.statement, row.label) for row in data.crosswalk.value] == headings
    assert ("Cooperative Behavior" in dict(headings).values()) and len(headings) >= 11
    for row in data.crosswalk.value:
        assert set(row.cells) == {"emtree", "cinahl", "apa"}
        assert all(
            c.relation in ("exact", "broader", "narrower", "none") for c in row.cells.values()
        )
    md = render_markdown(data)
    assert "| 45 | `exp Community Mental Health Services/` |" in md


def test_the_report_leaves_the_store_as_it_was(seed_workspace):
    import hashlib

    db = seed_workspace / "store.sqlite"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    render_html(gather(workspace=seed_workspace))
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_tampered_store_is_reported_broken(seed_workspace, tmp_path):
    ws = tmp_path / "tampered"
    shutil.copytree(seed_workspace, ws)
    conn = sqlite3.connect(ws / "store.sqlite")
    triggers = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    for name in triggers:  # what a person editing the file by hand can do
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute(
        "UPDATE events SET payload = replace(payload, 'import', 'imp0rt') WHERE seq = "
        "(SELECT max(seq) FROM events WHERE payload LIKE '%import%')"
    )
    conn.commit()
    conn.close()
    data = gather(workspace=ws)
    assert data.provenance.ok and not data.provenance.value.ok
    assert "BROKEN" in render_html(data) and "**BROKEN**" in render_markdown(data)


def test_hits_counted_per_line_and_harvested_for_the_final_line(seed_workspace, tmp_path):
    from trawl.sources.counts import LineCount, store_counts
    from trawl.store import Store

    ws = tmp_path / "counted"
    shutil.copytree(seed_workspace, ws)
    with Store.open(ws / "store.sqlite") as store:
        store_counts(
            store,
            "scopus",
            "strategy.ovid",
            [LineCount(1, "q1", 1200), LineCount(2, "q2", 345), LineCount(3, "q3", None)],
        )
        store_counts(store, "scopus", "other-strategy.ovid", [LineCount(1, "q", 1)])  # not ours
    data = gather(workspace=ws)
    scopus = next(t for t in data.targets.value if t.target == "scopus")
    by_line = {r.statement: r.hits for r in scopus.rows}
    assert by_line[1] == 1200 and by_line[2] == 345 and by_line[3] is None
    harvested = next(r for r in data.runs.value if r.source == "scopus" and r.kind == "harvest")
    assert scopus.rows[-1].hits == harvested.reported_total  # the whole query, limits included
    medline = next(t for t in data.targets.value if t.target == "ovid-medline")
    assert medline.rows[-1].hits is not None
    page = render_html(data)
    assert '<td class="num">1200</td>' in _section(page, 'id="target-scopus"')


def test_lines_are_numbered_as_the_front_end_numbers_them(tmp_path):
    """A PDF paste's form feed or a CRLF must not shift the lines diagnostics point at."""
    strategy = tmp_path / "pasted.ovid"
    strategy.write_bytes(b"1. peer.ti.\x0c\r\n2. (peer adj support*.ti,ab.\r\n3. 1 or 2\r\n")
    data = gather(strategy=strategy, targets=["pubmed"])
    assert [ln.lineno for ln in data.strategy.lines] == [1, 2, 3]
    assert any(d.severity == "error" for d in data.strategy.lines[1].diagnostics)
    assert data.strategy.lines[2].text == "3. 1 or 2"


def test_an_empty_strategy_file_still_says_why(tmp_path):
    strategy = tmp_path / "empty.ovid"
    strategy.write_text("", encoding="utf-8")
    data = gather(strategy=strategy, targets=["pubmed"])
    assert not data.strategy.parsed and data.strategy.errors
    assert data.strategy.general == data.strategy.errors  # no line to sit at: shown for the whole
    code = data.strategy.errors[0].code
    assert f'data-code="{code}"' in _section(render_html(data), 'id="strategy"')
    assert code in render_markdown(data)


def test_pasted_search_history_counts_become_the_databases_hits(tmp_path):
    strategy = tmp_path / "history.ovid"
    strategy.write_text(
        "1. exp Peer Group/ 12,345\n2. (peer adj support*).ti,ab. (678)\n3. or/1-2   12,900\n",
        encoding="utf-8",
    )
    data = gather(strategy=strategy, targets=["ovid-medline", "pubmed"])
    assert [ln.hits for ln in data.strategy.lines] == [12345, 678, 12900]
    medline, pubmed = data.targets.value
    assert [r.hits for r in medline.rows if not r.added] == [12345, 678, 12900]
    assert all(r.hits is None for r in pubmed.rows)  # counts from Ovid say nothing of PubMed


# -- the as-published strategy: line 2 has an unmatched parenthesis ---------------------------------


def test_as_published_strategy_still_gives_a_report(seed_workspace):
    data = gather(workspace=seed_workspace, strategy=SEED / "as-published.txt")
    assert not data.strategy.parsed
    line2 = data.strategy.lines[1]
    assert line2.lineno == 2 and "peer adj" in line2.text
    assert any(d.severity == "error" for d in line2.diagnostics)
    page = render_html(data)
    strategy = _section(page, 'id="strategy"')
    for d in line2.diagnostics:
        assert f'data-code="{d.code}" data-line="2"' in strategy
    md = render_markdown(data)
    row2 = next(ln for ln in md.splitlines() if ln.startswith("| 2 |"))
    assert "error" in row2 and line2.diagnostics[0].code in row2


def test_as_published_strategy_is_rendered_where_the_error_cannot_reach(seed_workspace):
    """Line 2 has an error; 14 (or/1-13), 48 (14 and 25 and 47) and 49 (limit 48) depend on it.
    Every other line means exactly what it says and is rendered."""
    data = gather(workspace=seed_workspace, strategy=SEED / "as-published.txt")
    for t in data.targets.value:
        assert t.state == "partly rendered" and "error on line 2" in t.note, t.target
        assert [r.statement for r in t.rows] == list(range(1, 50))
        missing = {r.statement: r.reason for r in t.rows if r.text is None}
        assert set(missing) == {2, 14, 48, 49}, t.target
        assert "has an error" in missing[2] and "line 2" in missing[14]
        assert "line 14" in missing[48] and "line 48" in missing[49]
        assert t.query == "" and not any(r.added for r in t.rows)
    assert data.crosswalk.ok and len(data.crosswalk.value) >= 11  # headings mean what they say
    md = render_markdown(data)
    assert "_not rendered: refers to line 2, which has an error_" in md
    assert "partly rendered: the strategy has 1 error on line 2" in md


def test_renderable_keeps_lines_that_refer_only_to_sound_lines():
    from trawl.query import analyse
    from trawl.report.data import renderable

    text = "1. a.ti.\n2. (b adj c.ti.\n3. d.ti.\n4. 1 or 3\n5. 2 or 4\n6. limit 5 to english\n"
    analysis = analyse(text)
    assert analysis.strategy is None
    partial, why = renderable(analysis.statements, "ovid-medline")
    assert [st.number for st in partial.statements] == [1, 3, 4]
    assert set(why) == {5, 6}


# -- PRISMA-S --------------------------------------------------------------------------------------


def test_prisma_s_has_the_sixteen_items_in_order():
    assert [i.number for i in prisma_s.ITEMS] == list(range(1, 17))
    assert prisma_s.ITEMS[0].name == "Database name"
    assert prisma_s.ITEMS[15].name == "Deduplication"
    assert prisma_s.FILLED_BY_TRAWL == {1, 2, 8, 9, 10, 12, 13, 15, 16}


def test_prisma_s_filled_from_the_seed_review(seed_workspace):
    entries = {e.item.number: e for e in prisma_s.checklist(gather(workspace=seed_workspace))}
    assert {n for n, e in entries.items() if e.filled} == prisma_s.FILLED_BY_TRAWL
    assert all(not e.answer for n, e in entries.items() if not e.filled)
    assert "Academic Search Elite: EBSCOhost (searched by hand" in entries[1].answer
    assert "Scopus: Scopus Search API (harvested by trawl)" in entries[1].answer
    assert "EBSCOhost: Academic Search Elite, Cinahl" in entries[2].answer
    assert "49-line strategy" in entries[8].answer
    assert "2021-01-04" in entries[9].answer and "English" in entries[9].answer
    assert "weekly" in entries[12].answer
    assert re.search(r"\d{4}-\d\d-\d\d", entries[13].answer)
    assert "stored" in entries[15].answer
    assert "trawl dedup" in entries[16].answer and "duplicate" in entries[16].answer
    for n in prisma_s.FILLED_BY_TRAWL:
        assert entries[n].answer, n


def test_prisma_s_on_an_empty_workspace_says_what_is_missing(strategy_only):
    entries = {e.item.number: e for e in prisma_s.checklist(gather(workspace=strategy_only))}
    assert entries[13].answer == "" and entries[13].pending
    assert entries[15].answer == "" and entries[15].pending
    assert entries[8].answer  # the strategy alone answers item 8


# -- the command ------------------------------------------------------------------------------------


def _trawl(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "trawl", *args], capture_output=True, text=True, cwd=cwd
    )


def test_cli_writes_html_and_markdown(strategy_only, tmp_path):
    out = _trawl("report", "--workspace", str(strategy_only))
    assert out.returncode == 0, out.stderr
    page = (strategy_only / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    out = _trawl(
        "report",
        "-w",
        str(strategy_only),
        "--generated",
        "2021-01-04T12:00:00Z",
        "--format",
        "md",
        "--out",
        "-",
    )
    assert out.returncode == 0, out.stderr
    assert "- **Generated:** 2021-01-04T12:00:00Z" in out.stdout
    md_path = tmp_path / "appendix.md"
    out = _trawl(
        "report",
        "--strategy",
        str(SEED / "as-published.txt"),
        "--format",
        "md",
        "--to",
        "pubmed,scopus",
        "--out",
        str(md_path),
    )
    assert out.returncode == 0, out.stderr
    assert "### `pubmed`: partly rendered" in md_path.read_text(encoding="utf-8")


def test_json_report_carries_the_same_data(seed_workspace):
    import json

    from trawl.report.json_report import render_json

    data = gather(workspace=seed_workspace)
    out = json.loads(render_json(data))
    assert out["runs"]["state"] == "ok" and len(out["runs"]["value"]) == len(data.runs.value)
    scopus = next(t for t in out["targets"]["value"] if t["target"] == "scopus")
    placed = [d for r in scopus["rows"] for d in r["diagnostics"]]
    assert placed and all(
        {"code", "severity", "message", "line", "column"} <= set(d) for d in placed
    )
    assert [e["item"] for e in out["prisma_s"]] == list(range(1, 17))
    assert out["provenance"]["value"]["head"] == data.provenance.value.head


def test_cli_rejects_bad_input_in_one_line(strategy_only):
    out = _trawl("report", "--workspace", str(strategy_only), "--to", "altavista")
    assert out.returncode == 2
    assert "unknown target 'altavista'" in out.stderr and "Traceback" not in out.stderr
    out = _trawl("report", "--strategy", "/nonexistent/strategy.ovid")
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_example_report_command_writes_the_seed_reports_markdown(tmp_path):
    """The command README names for docs/example-report.md, writing elsewhere."""
    out = subprocess.run(
        [sys.executable, "-m", "trawl.report.example", str(tmp_path / "example.md")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    md = (tmp_path / "example.md").read_text(encoding="utf-8")
    for heading in (
        "## Summary",
        "## Strategy as written",
        "## Renderings, line by line",
        "## Subject-heading crosswalk",
        "## Harvest and import runs",
        "## Provenance chain",
        "## PRISMA 2020 flow diagram",
        "## PRISMA-S checklist",
    ):
        assert heading in md
    assert "`strategy/psw-coproduction/strategy.ovid`" in md and "/tmp" not in md
    assert "**Verified**" in md and "| import | psycinfo |" in md


# -- helpers ---------------------------------------------------------------------------------------


def _html_text(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _section(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[start : page.index("</section>", start)]
