"""``trawl dedup``, ``export``, ``prisma``, ``sample``, ``agreement``: from the store to screening.

Thin wrappers: each command opens the workspace, calls trawl.dedup / trawl.report, and prints.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from trawl.cli._output import user_errors

WorkspaceOpt = Annotated[
    Path,
    typer.Option("--workspace", "-w", help="The review workspace (default: current directory)."),
]

dedup_app = typer.Typer(
    help="Find records of the same work across databases and inside each export.",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(dedup_app, name="dedup")
    app.command("export")(export)
    app.command("prisma")(prisma)
    app.command("sample")(sample)
    app.command("agreement")(agreement)


def _settings(workspace: Path) -> tuple[dict[str, str], list[str]]:
    """Source labels and allowed languages from review.toml, when the workspace has one."""
    from trawl.review import Review

    path = workspace / "review.toml"
    if not path.is_file():
        return {}, ["english"]
    review = Review.load(path)
    labels = {name: s.label for name, s in review.sources.items()}
    return labels, list(review.languages)


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(2)


@dedup_app.callback()
def dedup(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Decide and report, but write nothing.")
    ] = False,
    workspace: WorkspaceOpt = Path("."),
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Deduplicate every stored record; conservative: doubtful pairs stay apart for review.

    Decisions honour dedup-overrides.toml in the workspace and each one is logged as a
    provenance event. Pre-screening rules (language, editorials, reports, opinion papers,
    conference papers) mark the deduplicated records; nothing is deleted.
    """
    if ctx.invoked_subcommand is not None:
        return
    from trawl.dedup.overrides import FILE_NAME
    from trawl.dedup.persist import run_dedup
    from trawl.dedup.rules import RULE_LABELS
    from trawl.store import Store

    if fmt not in ("text", "json"):
        _fail(f"--format must be text or json, not {fmt!r}")
    with user_errors():
        _, languages = _settings(workspace)
        with Store.open(workspace) as store:
            outcome = run_dedup(store, workspace / FILE_NAME, languages=languages, dry_run=dry_run)
    s = outcome.result.stats
    by_rule: dict[str, int] = {}
    for mk in outcome.marks:
        by_rule[mk.rule] = by_rule.get(mk.rule, 0) + 1
    if fmt == "json":
        print(
            json.dumps(
                {
                    "dry_run": dry_run,
                    "dedup_run": outcome.run_id,
                    "stats": s,
                    "marks": by_rule,
                    "events": outcome.events,
                }
            )
        )
        return
    print(
        f"{s['records']} records -> {s['clusters']} unique "
        f"({s['duplicates_removed']} duplicates removed)"
    )
    print(f"{s['borderline_pairs']} borderline pair(s) kept apart: see `trawl dedup review`")
    if s["skipped_blocks"]:
        print(
            f"note: {s['skipped_blocks']} oversized candidate block(s) were not compared pairwise"
        )
    for rule, n in by_rule.items():
        print(f"marked {n}: {RULE_LABELS.get(rule, rule)}")
    if dry_run:
        print("dry run: nothing written")
    else:
        print(f"dedup run {outcome.run_id}: {outcome.events} provenance event(s) written")


@dedup_app.command("review")
def dedup_review(
    workspace: WorkspaceOpt = Path("."),
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many pairs.")] = 50,
) -> None:
    """Show the borderline pairs of the last dedup run side by side, most similar first."""
    from rich.console import Console
    from rich.table import Table

    from trawl.dedup.persist import current, review_pairs
    from trawl.store import Store

    with user_errors(), Store.open(workspace) as store:
        state = current(store)
        if state is None:
            _fail("no dedup run yet: run `trawl dedup` first")
        pairs = review_pairs(store, state.run_id)
        records = {
            p: store.record(p).record for pair in pairs[:limit] for p in (pair["a"], pair["b"])
        }
    console = Console()
    if not pairs:
        console.print(f"dedup run {state.run_id}: no borderline pairs")
        return
    table = Table(
        title=f"Borderline pairs, dedup run {state.run_id} ({len(pairs)} in all)", show_lines=True
    )
    table.add_column("score", justify="right")
    table.add_column("record A")
    table.add_column("record B")
    table.add_column("why not merged")
    for pair in pairs[:limit]:
        table.add_row(
            f"{pair['score']:.2f}",
            _describe(pair["a"], records[pair["a"]]),
            _describe(pair["b"], records[pair["b"]]),
            "\n".join(pair["reasons"]),
        )
    console.print(table)
    console.print("Record a decision: trawl dedup decide never|always A B --reason TEXT")


def _describe(rid: int, r) -> str:
    from rich.markup import escape

    first = r.authors[0].family if r.authors else "-"
    bits = [
        f"[bold]{rid}[/] {escape(r.source)}:{escape(r.accession or '')}",
        escape(r.title or "(no title)"),
        f"{first} · {r.year or '-'} · {escape(r.journal or '-')}",
    ]
    if r.volume or r.pages:
        bits.append(f"vol {r.volume or '-'} p {r.pages or '-'}")
    if r.doi or r.pmid:
        bits.append(
            " ".join(
                x
                for x in (f"doi {r.doi}" if r.doi else "", f"pmid {r.pmid}" if r.pmid else "")
                if x
            )
        )
    return "\n".join(bits)


@dedup_app.command("decide")
def dedup_decide(
    kind: Annotated[str, typer.Argument(help="never (different works) or always (one work).")],
    records: Annotated[
        list[str], typer.Argument(help="Two or more record ids or source:accession.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why: kept in the override file.")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add a never-merge or always-merge decision to dedup-overrides.toml."""
    from trawl.dedup.overrides import FILE_NAME, Overrides, append
    from trawl.dedup.persist import lookup
    from trawl.store import Store

    if kind not in ("never", "always"):
        _fail(f"first argument must be never or always, not {kind!r}")
    if len(records) < 2:
        _fail("name at least two records")
    refs: list[int | str] = [int(r) if r.isdigit() else r for r in records]
    with user_errors(), Store.open(workspace) as store:
        find = lookup(store)
        found: dict[int, int | str] = {}
        for r in refs:
            rid = find(r)
            if rid is None:
                _fail(f"no record {r!r} in the store")
            if rid in found:  # a pair of one record decides nothing
                _fail(f"{found[rid]!r} and {r!r} are the same record ({rid}); name different ones")
            found[rid] = r
        path = workspace / FILE_NAME
        append(path, kind, refs, reason)
        Overrides.load(path)  # the file must still parse
    print(f"added {kind}-merge for {', '.join(map(str, refs))} to {path}; run `trawl dedup` again")


def export(
    fmt: Annotated[
        str, typer.Option("--format", help="ris (EndNote, Rayyan) or csv (Rayyan).")
    ] = "ris",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Output file (default: trawl-export.<format> in the workspace)."
        ),
    ] = None,
    marked: Annotated[
        str,
        typer.Option(
            "--marked",
            help="Records marked by pre-screening rules: exclude (default), include, or only.",
        ),
    ] = "exclude",
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Write the deduplicated records for screening; each lists every database it was found in."""
    from trawl.report.export import write_export
    from trawl.store import Store

    if fmt not in ("ris", "csv"):
        _fail(f"--format must be ris or csv, not {fmt!r}")
    if marked not in ("exclude", "include", "only"):
        _fail(f"--marked must be exclude, include or only, not {marked!r}")
    out = out if out is not None else workspace / f"trawl-export.{fmt}"
    to_stdout = str(out) == "-"  # as `trawl report -o -`: the records go to standard output
    with user_errors():
        labels, _ = _settings(workspace)
        with Store.open(workspace) as store:
            written = write_export(store, out, fmt=fmt, marked=marked, labels=labels)
    where = "standard output" if to_stdout else str(out)
    print(
        f"wrote {written.count} records to {where} (sha256 {written.sha256[:12]}…); "
        f"{written.left_out} marked record(s) left out"
        if marked == "exclude"
        else f"wrote {written.count} records to {where} (sha256 {written.sha256[:12]}…)",
        file=sys.stderr if to_stdout else sys.stdout,
    )


def prisma(
    fmt: Annotated[
        str, typer.Option("--format", help="json, csv (PRISMA2020 template) or svg.")
    ] = "json",
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """PRISMA 2020 identification counts from the store: per database, duplicates, rule marks."""
    from trawl.report import prisma as p
    from trawl.store import Store

    if fmt not in ("json", "csv", "svg"):
        _fail(f"--format must be json, csv or svg, not {fmt!r}")
    with user_errors():
        labels, _ = _settings(workspace)
        with Store.open(workspace) as store:
            c = p.counts(store, labels)
    text = {
        "json": lambda: json.dumps(c, indent=2, ensure_ascii=False) + "\n",
        "csv": lambda: p.to_csv(c),
        "svg": lambda: p.flow_svg(c),
    }[fmt]()
    if out is None or str(out) == "-":
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {out}")
    if c["dedup"] is None:
        print("warning: `trawl dedup` has not run; no duplicates counted", file=sys.stderr)


def sample(
    fraction: Annotated[
        float, typer.Option("--fraction", help="Share of records, e.g. 0.2.")
    ] = 0.2,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed draws the same sample.")
    ] = ...,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the CSV here instead of stdout.")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """A reproducible random sample of the records to screen, for the second reviewer."""
    from trawl.report.screening import draw_and_log
    from trawl.store import Store

    if out is not None and str(out) == "-":
        out = None  # standard output, as without --out
    with user_errors():
        with Store.open(workspace) as store:
            text, rows, total = draw_and_log(
                store, fraction=fraction, seed=seed, out=str(out) if out else None
            )
        # the logged event names the seed, so a failed write loses nothing: draw it again
        if out is None:
            sys.stdout.write(text)
        else:
            out.write_text(text, encoding="utf-8", newline="")
            print(f"wrote {len(rows)} of {total} records to {out} (seed {seed})")


def agreement(
    first: Annotated[Path, typer.Argument(help="Reviewer A's decisions (CSV: key,label).")],
    second: Annotated[Path, typer.Argument(help="Reviewer B's decisions (CSV: key,label).")],
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Percent agreement and Cohen's kappa between two reviewers' screening decisions."""
    from trawl.report.screening import agreement as compute
    from trawl.report.screening import read_decisions

    if fmt not in ("text", "json"):
        _fail(f"--format must be text or json, not {fmt!r}")
    with user_errors():
        result = compute(
            read_decisions(first), read_decisions(second), names=(first.name, second.name)
        )
    if fmt == "json":
        print(json.dumps(result.to_json()))
        return
    kappa = "undefined" if result.kappa is None else f"{result.kappa:.3f}"
    print(
        f"{result.n} records, {result.agreed} agreed: {result.percent:.1f}% agreement, "
        f"Cohen's kappa {kappa}"
    )
    width = max(len(x) for x in result.labels) + 2
    print(" " * width + "".join(f"{y:>{width}}" for y in result.labels) + f"   ({second.name} →)")
    for x in result.labels:
        print(f"{x:<{width}}" + "".join(f"{result.matrix[x][y]:>{width}}" for y in result.labels))
    for note in result.notes:
        print(f"note: {note}")
